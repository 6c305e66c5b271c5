#include "io/hdf5/global_heap.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace spikeq::io {

namespace {

// HDF5 File Format Specification, "Global Heap": a collection is "GCOL", version 1,
// three reserved bytes and the collection's size (a length, header included); then
// objects, each a 2-byte index, a 2-byte reference count, four reserved bytes, the
// object's size (a length) and its data padded to a multiple of 8. libhdf5 pads both
// headers to a multiple of 8 as well (4-byte lengths: 16 bytes, not 12). Index 0 is the
// free space, whose size counts its header. All integers are little-endian.
constexpr std::array<char, 4> collection_signature = {'G', 'C', 'O', 'L'};
constexpr std::uint64_t heap_alignment = 8;
// An index is 16 bits: a collection holds at most 65535 objects and its free space.
constexpr std::uint32_t most_objects = 65536;

std::uint64_t aligned(std::uint64_t size) {
  return (size + heap_alignment - 1) / heap_alignment * heap_alignment;
}

class read_only_file {
 public:
  explicit read_only_file(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    struct stat info {};
    if (fd_ < 0 || ::fstat(fd_, &info) != 0)
      throw global_heap_error("cannot open the file to read its global heap: " +
                              std::string(std::strerror(errno)));
    size_ = static_cast<std::uint64_t>(info.st_size);
  }
  ~read_only_file() {
    if (fd_ >= 0) ::close(fd_);
  }
  read_only_file(const read_only_file&) = delete;
  read_only_file& operator=(const read_only_file&) = delete;

  std::uint64_t size() const { return size_; }

  // `count` bytes at absolute `offset`; REQUIRES offset + count <= size().
  void read(std::uint64_t offset, void* into, std::size_t count) const {
    auto* p = static_cast<char*>(into);
    while (count > 0) {
      const ssize_t n = ::pread(fd_, p, count, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw global_heap_error("cannot read the file's global heap");
      p += n;
      offset += static_cast<std::uint64_t>(n);
      count -= static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  std::uint64_t size_ = 0;
};

std::string at(std::uint64_t address) {
  return "global heap collection at address " + std::to_string(address);
}

}  // namespace

std::string read_global_heap_object(const std::filesystem::path& path, const heap_file_layout& layout,
                                    const global_heap_id& id, std::uint64_t expected_size) {
  const std::size_t length_size = layout.length_size;
  if (length_size != 2 && length_size != 4 && length_size != 8)
    throw global_heap_error("unsupported size of lengths " + std::to_string(length_size));
  // The collection's and each object's header, padded as libhdf5 writes them (H5HG_ALIGN).
  const std::uint64_t header_size = aligned(8 + length_size);
  const read_only_file file(path);
  const std::uint64_t start = layout.base_address + id.collection_address;
  if (start < id.collection_address || start >= file.size() || file.size() - start < header_size)
    throw global_heap_error(at(id.collection_address) + " lies beyond the end of the file");
  std::array<unsigned char, 16> header{};
  file.read(start, header.data(), header_size);
  if (std::memcmp(header.data(), collection_signature.data(), collection_signature.size()) != 0)
    throw global_heap_error("no " + at(id.collection_address));
  if (header[4] != 1)
    throw global_heap_error(at(id.collection_address) + " has unknown version " + std::to_string(header[4]));
  const std::uint64_t collection_size = little_endian(header.data() + 8, length_size);
  if (collection_size < header_size || collection_size > file.size() - start)
    throw global_heap_error(at(id.collection_address) + " claims " + std::to_string(collection_size) +
                            " bytes, the file holds " + std::to_string(file.size() - start) + " from there");

  std::uint64_t offset = header_size;  // within the collection
  for (std::uint32_t visited = 0; visited < most_objects && collection_size - offset >= header_size;
       ++visited) {
    file.read(start + offset, header.data(), header_size);
    const auto index = static_cast<std::uint32_t>(little_endian(header.data(), 2));
    const std::uint64_t size = little_endian(header.data() + 8, length_size);
    const std::uint64_t room = collection_size - offset;
    if (index == 0) {  // free space: its size counts its header
      if (size < header_size || size > room) break;
      offset += size;
      continue;
    }
    // Both tests: aligned(size) wraps to a small number for sizes near 2^64.
    if (size > room - header_size || aligned(size) > room - header_size)
      throw global_heap_error("object " + std::to_string(index) + " of " + at(id.collection_address) +
                              " runs past the collection's end");
    if (index == id.object_index) {
      if (size != expected_size)
        throw global_heap_error("object " + std::to_string(index) + " of " + at(id.collection_address) +
                                " holds " + std::to_string(size) + " bytes, the string claims " +
                                std::to_string(expected_size));
      std::string value(static_cast<std::size_t>(size), '\0');
      file.read(start + offset + header_size, value.data(), value.size());
      return value;
    }
    offset += header_size + aligned(size);
  }
  throw global_heap_error("no object " + std::to_string(id.object_index) + " in " +
                          at(id.collection_address));
}

}  // namespace spikeq::io
