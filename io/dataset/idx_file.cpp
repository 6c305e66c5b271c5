#include "io/dataset/idx_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace spikeq::io {

namespace {

constexpr std::uint8_t unsigned_byte_type = 0x08;

struct mapped_file {
  void* address = MAP_FAILED;
  std::size_t length = 0;
  ~mapped_file() {
    if (address != MAP_FAILED) ::munmap(address, length);
  }
};

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw idx_error(fmt::format("IDX file '{}' {}", path.string(), what));
}

// The whole content of a gzip file, inflated.
std::shared_ptr<const std::vector<std::uint8_t>> inflate(const std::filesystem::path& path) {
  gzFile gz = ::gzopen(path.c_str(), "rb");
  if (gz == nullptr) fail(path, "cannot be opened");
  auto bytes = std::make_shared<std::vector<std::uint8_t>>();
  std::vector<std::uint8_t> chunk(1 << 20);
  for (;;) {
    const int n = ::gzread(gz, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int code = 0;
      const std::string message = ::gzerror(gz, &code);
      ::gzclose(gz);
      fail(path, "is a damaged gzip stream (" + message + ")");
    }
    if (n == 0) break;
    bytes->insert(bytes->end(), chunk.begin(), chunk.begin() + n);
  }
  // zlib reports a truncated gzip stream only at close or through gzerror.
  int code = 0;
  ::gzerror(gz, &code);
  ::gzclose(gz);
  if (code != Z_OK && code != Z_BUF_ERROR) fail(path, "is a damaged gzip stream");
  return bytes;
}

std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

idx_array read_idx(const std::filesystem::path& path, std::size_t expected_dims) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, fmt::format("cannot be opened ({})", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(path, "is not a regular file");
  }
  auto mapping = std::make_shared<mapped_file>();
  mapping->length = static_cast<std::size_t>(st.st_size);
  if (mapping->length > 0) mapping->address = ::mmap(nullptr, mapping->length, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping->length > 0 && mapping->address == MAP_FAILED) fail(path, "cannot be memory-mapped");

  std::span<const std::uint8_t> bytes;
  std::shared_ptr<const void> storage;
  if (mapping->length > 0) bytes = {static_cast<const std::uint8_t*>(mapping->address), mapping->length};
  storage = mapping;
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    auto inflated = inflate(path);
    bytes = {inflated->data(), inflated->size()};
    storage = inflated;
  }

  if (bytes.size() < 4)
    fail(path, fmt::format("is truncated: {} bytes, shorter than the 4-byte magic", bytes.size()));
  if (bytes[0] != 0 || bytes[1] != 0)
    fail(path,
         fmt::format("has no IDX magic (first bytes {:02x} {:02x}, expected 00 00)", bytes[0], bytes[1]));
  if (bytes[2] != unsigned_byte_type)
    fail(path, fmt::format("has element type 0x{:02x}; only unsigned bytes (0x08) are supported", bytes[2]));
  const std::size_t ndims = bytes[3];
  if (ndims != expected_dims) fail(path, fmt::format("has {} dimensions, expected {}", ndims, expected_dims));
  const std::size_t header = 4 + 4 * ndims;
  if (bytes.size() < header)
    fail(path, fmt::format("is truncated: {} bytes, shorter than its {}-byte header", bytes.size(), header));
  idx_array out;
  std::uint64_t elements = 1;
  for (std::size_t d = 0; d < ndims; ++d) {
    out.dims.push_back(big_endian(bytes.data() + 4 + 4 * d));
    elements *= out.dims.back();
  }
  if (bytes.size() - header != elements)
    fail(path, fmt::format("{}: the header announces {} data bytes, the file holds {}",
                           bytes.size() - header < elements ? "is truncated" : "has trailing bytes", elements,
                           bytes.size() - header));
  out.data = bytes.subspan(header);
  out.storage = std::move(storage);
  return out;
}

}  // namespace spikeq::io
