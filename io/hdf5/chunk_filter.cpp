#include "io/hdf5/chunk_filter.hpp"

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace spikeq::io::hdf5_write {

std::vector<unsigned char> shuffle_and_deflate(const void* data, std::size_t bytes,
                                               std::size_t element_size) {
  const auto* in = static_cast<const unsigned char*>(data);
  std::vector<unsigned char> shuffled(bytes);
  const std::size_t elements = element_size > 1 ? bytes / element_size : 0;
  for (std::size_t k = 0; k < element_size && elements > 0; ++k)
    for (std::size_t i = 0; i < elements; ++i) shuffled[k * elements + i] = in[i * element_size + k];
  // Bytes after the last whole element (none in a chunk of whole elements) stay last.
  for (std::size_t b = elements * element_size; b < bytes; ++b) shuffled[b] = in[b];
  uLongf compressed_bytes = compressBound(static_cast<uLong>(bytes));
  std::vector<unsigned char> compressed(compressed_bytes);
  const int status = compress2(compressed.data(), &compressed_bytes, shuffled.data(),
                               static_cast<uLong>(bytes), deflate_level);
  if (status != Z_OK)
    throw std::runtime_error("zlib compress2 failed (status " + std::to_string(status) + ")");
  compressed.resize(compressed_bytes);
  return compressed;
}

}  // namespace spikeq::io::hdf5_write
