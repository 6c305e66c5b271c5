#include "io/hdf5/variable_string_read.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace spikeq::io {

namespace {

struct vlen_limit {
  std::size_t max_bytes;
  bool refused = false;
};

void* bounded_vlen_alloc(std::size_t size, void* info) {
  auto* limit = static_cast<vlen_limit*>(info);
  if (size > limit->max_bytes) {
    limit->refused = true;
    return nullptr;
  }
  return std::malloc(size);
}

void bounded_vlen_free(void* p, void*) { std::free(p); }

// The size of the file `object` lives in (with some slack for the terminator);
// at most 1 GiB when unknown.
std::size_t file_size_of(hid_t object) {
  std::size_t bytes = std::size_t{1} << 30;
  const hid_t f = H5Iget_file_id(object);
  if (f >= 0) {
    hsize_t size = 0;
    if (H5Fget_filesize(f, &size) >= 0) bytes = static_cast<std::size_t>(size) + 16;
    H5Fclose(f);
  }
  return bytes;
}

std::string read_here(hid_t object, hid_t memory_type, bool is_attribute, const std::string& file,
                      const std::string& path) {
  char* data = nullptr;
  if (is_attribute) {
    check(H5Aread(object, memory_type, &data), file, path, "cannot read a string");
    std::string value = data != nullptr ? data : "";
    H5free_memory(data);
    return value;
  }
  // No string is longer than the file: the transfer's allocator refuses more.
  vlen_limit limit{file_size_of(object)};
  auto transfer = checked(H5Pcreate(H5P_DATASET_XFER), H5Pclose, file, path, "cannot create a transfer list");
  check(H5Pset_vlen_mem_manager(transfer.get(), bounded_vlen_alloc, &limit, bounded_vlen_free, nullptr), file,
        path, "cannot set the string allocator");
  if (H5Dread(object, memory_type, H5S_ALL, H5S_ALL, transfer.get(), &data) < 0) {
    if (limit.refused)
      throw hdf5_error(file, path, "implausible string length (longer than the file: is the file damaged?)");
    throw hdf5_error(file, path, "cannot read a string");
  }
  std::string value = data != nullptr ? data : "";
  std::free(data);
  return value;
}

bool write_fully(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Runs `read` in a forked child and returns its string; its hdf5_error message, a
// crash or more than a second become an hdf5_error here.
template <typename Read>
std::string isolated(const std::string& file, const std::string& path, Read read) {
  int fds[2];
  if (::pipe(fds) != 0) return read();  // no isolation possible: read here
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return read();
  }
  if (child == 0) {
    ::close(fds[0]);
    char status = 0;
    std::string text;
    try {
      text = read();
    } catch (const std::exception& e) {
      status = 1;
      text = e.what();
    }
    const std::uint64_t length = text.size();
    const bool ok = write_fully(fds[1], &status, 1) && write_fully(fds[1], &length, sizeof length) &&
                    write_fully(fds[1], text.data(), text.size());
    ::_exit(ok ? 0 : 1);  // no atexit handlers: HDF5 must not close the parent's files
  }
  ::close(fds[1]);
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  bool timed_out = false;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) throw hdf5_error(file, path, "reading the string took more than 1 s (is the file damaged?)");
  std::uint64_t length = 0;
  if (!WIFEXITED(status) || received.size() < 1 + sizeof length)
    throw hdf5_error(file, path, "the string's storage is damaged (reading it crashed HDF5)");
  std::memcpy(&length, received.data() + 1, sizeof length);
  if (received.size() != 1 + sizeof length + length)
    throw hdf5_error(file, path, "the string's storage is damaged (reading it crashed HDF5)");
  std::string text = received.substr(1 + sizeof length);
  if (received[0] != 0) {
    // The child's hdf5_error names the same file and path: keep only its reason.
    const std::string prefix = file + (path.empty() ? "" : ":" + path) + ": ";
    if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
    throw hdf5_error(file, path, text);
  }
  return text;
}

}  // namespace

std::string read_variable_string(hid_t object, hid_t memory_type, bool is_attribute, const std::string& file,
                                 const std::string& path) {
  return isolated(file, path, [&] { return read_here(object, memory_type, is_attribute, file, path); });
}

}  // namespace spikeq::io
