// One object of an HDF5 global heap, read from the file's bytes with every size and
// offset checked against the file.
//
// Variable-length strings live in global heap collections. libhdf5 1.10.8 trusts a
// damaged collection: it allocates and zero-fills gigabytes, or copies over its own
// buffer and crashes (docs/reliability.md, "Fuzzing"). The format is small and stable
// (HDF5 File Format Specification, "Global Heap"), so the reader parses it itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace spikeq::io {

// Where a variable-length sequence is stored: its collection's address (relative to
// the file's base address) and its index in that collection.
struct global_heap_id {
  std::uint64_t collection_address = 0;
  std::uint32_t object_index = 0;
};

// The file's geometry the heap format depends on.
struct heap_file_layout {
  std::uint64_t base_address = 0;  // absolute offset that addresses are relative to
  std::size_t length_size = 8;     // bytes of a stored length ("size of lengths")
};

// The unsigned integer stored in `count` (<= 8) bytes, least significant first, as
// HDF5 stores every number in its file format.
inline std::uint64_t little_endian(const unsigned char* bytes, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = count; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

// Why a heap object cannot be read; the caller adds the file and the dataset.
class global_heap_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The `expected_size` bytes of object `id` in `file`. Throws global_heap_error when
// the collection or the object is not where and what the id says (a damaged file).
std::string read_global_heap_object(const std::filesystem::path& file, const heap_file_layout& layout,
                                    const global_heap_id& id, std::uint64_t expected_size);

}  // namespace spikeq::io
