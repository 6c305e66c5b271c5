// IDX files (LeCun's MNIST format, also Fashion-MNIST's): a 4-byte magic (two zero
// bytes, the element type, the number of dimensions), one big-endian uint32 per
// dimension, then the elements in row-major order. Only unsigned bytes (type 0x08)
// are read, the type of every image and label file of MNIST-like data sets.
//
// Plain files are memory-mapped read-only, so several populations, shards and tasks
// share one copy in the page cache. Gzip-compressed files (what Debian's
// dataset-fashion-mnist ships) are inflated once through zlib into one buffer per
// file; nothing is written to disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace spikeq::io {

// A malformed, truncated or unreadable IDX file; what() names the file.
class idx_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct idx_array {
  std::vector<std::uint32_t> dims;
  std::span<const std::uint8_t> data;  // prod(dims) bytes, valid while `storage` lives
  std::shared_ptr<const void> storage;

  std::uint64_t count() const { return dims.empty() ? 0 : dims[0]; }
};

// Reads an unsigned-byte IDX file with `expected_dims` dimensions. Throws idx_error
// for a missing file, a wrong magic, element type or dimension count, or a size
// that does not match the header.
idx_array read_idx(const std::filesystem::path& path, std::size_t expected_dims);

}  // namespace spikeq::io
