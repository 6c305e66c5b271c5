#include "io/checkpoint_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "core/state_archive.hpp"

namespace spikeq {

namespace {

constexpr std::array<char, 8> magic = {'S', 'P', 'K', 'Q', 'C', 'K', 'P', 'T'};
constexpr std::size_t header_bytes = 8 + 4 + 4 + 8 + 8;
constexpr std::size_t trailer_bytes = 4;

std::uint32_t crc32_of(std::span<const std::byte> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large payloads in pieces.
  constexpr std::size_t piece = 1u << 30;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::size_t n = std::min(piece, bytes.size() - at);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
}

template <class T>
void put(std::vector<std::byte>& out, T v) {
  const auto* p = reinterpret_cast<const std::byte*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

template <class T>
T get(const std::vector<std::byte>& in, std::size_t at) {
  T v;
  std::memcpy(&v, in.data() + at, sizeof v);
  return v;
}

[[noreturn]] void io_failure(const std::filesystem::path& path, const char* what, int error) {
  throw std::runtime_error(path.string() + ": cannot " + what + " checkpoint: " + std::strerror(error));
}

void write_all(int fd, const std::byte* data, std::size_t n, const std::filesystem::path& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      io_failure(path, "write", errno);
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

std::filesystem::path checkpoint_temporary_path(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".partial";
  return tmp;
}

void write_checkpoint_file(const std::filesystem::path& path, std::uint64_t network_hash,
                           std::span<const std::byte> payload) {
  std::vector<std::byte> head;
  head.reserve(header_bytes);
  for (char c : magic) head.push_back(static_cast<std::byte>(c));
  put(head, checkpoint_format_version);
  put(head, std::uint32_t{0});
  put(head, network_hash);
  put(head, static_cast<std::uint64_t>(payload.size()));
  uLong crc = crc32_of(head);
  crc = crc32_combine(crc, crc32_of(payload), static_cast<z_off_t>(payload.size()));
  std::vector<std::byte> tail;
  put(tail, static_cast<std::uint32_t>(crc));

  const std::filesystem::path tmp = checkpoint_temporary_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_failure(tmp, "create", errno);
  try {
    write_all(fd, head.data(), head.size(), tmp);
    write_all(fd, payload.data(), payload.size(), tmp);
    write_all(fd, tail.data(), tail.size(), tmp);
    if (::fsync(fd) != 0) io_failure(tmp, "sync", errno);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    io_failure(tmp, "close", error);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    io_failure(path, "rename into", error);
  }
  // The rename is durable only once the directory entry is.
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

checkpoint_contents read_checkpoint_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw checkpoint_error(name + ": cannot open checkpoint: " + std::strerror(errno));
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw checkpoint_error(name + ": cannot read checkpoint");
  std::vector<std::byte> bytes(chars.size());
  if (!chars.empty()) std::memcpy(bytes.data(), chars.data(), chars.size());
  chars = {};

  if (bytes.size() < magic.size() || std::memcmp(bytes.data(), magic.data(), magic.size()) != 0)
    throw checkpoint_error(name + ": not a spikeq checkpoint (no SPKQCKPT signature)");
  if (bytes.size() < header_bytes + trailer_bytes)
    throw checkpoint_error(name + ": checkpoint is truncated (" + std::to_string(bytes.size()) + " bytes)");
  checkpoint_contents c;
  c.format_version = get<std::uint32_t>(bytes, 8);
  c.network_hash = get<std::uint64_t>(bytes, 16);
  const auto length = get<std::uint64_t>(bytes, 24);
  if (length != bytes.size() - header_bytes - trailer_bytes)
    throw checkpoint_error(name + ": checkpoint is truncated or damaged (header announces " +
                           std::to_string(length) + " payload bytes, file holds " +
                           std::to_string(bytes.size() - header_bytes - trailer_bytes) + ")");
  const auto stored_crc = get<std::uint32_t>(bytes, bytes.size() - trailer_bytes);
  if (stored_crc != crc32_of(std::span(bytes).first(bytes.size() - trailer_bytes)))
    throw checkpoint_error(name + ": checkpoint is damaged (CRC-32 mismatch)");
  if (c.format_version != checkpoint_format_version)
    throw checkpoint_error(name + ": checkpoint format version " + std::to_string(c.format_version) +
                           ", this spikeq reads version " + std::to_string(checkpoint_format_version));
  c.payload.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header_bytes),
                   bytes.end() - static_cast<std::ptrdiff_t>(trailer_bytes));
  return c;
}

}  // namespace spikeq
