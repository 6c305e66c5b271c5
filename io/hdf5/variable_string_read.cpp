#include "io/hdf5/variable_string_read.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>

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

// The size of the file (with some slack for the terminator); at most 1 GiB when unknown.
std::size_t file_size_of(hid_t file) {
  hsize_t size = 0;
  if (H5Fget_filesize(file, &size) >= 0) return static_cast<std::size_t>(size) + 16;
  return std::size_t{1} << 30;
}

// The string itself: what the child does for each request.
std::string read_here(hid_t file, const std::string& object, const std::string& attribute,
                      const std::string& file_name, const std::string& where) {
  const bool is_attribute = !attribute.empty();
  auto opened =
      is_attribute
          ? checked(H5Aopen_by_name(file, object.c_str(), attribute.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, file_name, where, "no such attribute")
          : checked(H5Dopen2(file, object.c_str(), H5P_DEFAULT), H5Dclose, file_name, where, "cannot open");
  auto stored = checked(is_attribute ? H5Aget_type(opened.get()) : H5Dget_type(opened.get()), H5Tclose,
                        file_name, where, "cannot get the type");
  auto memory_type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file_name, where, "cannot create a string type");
  // HDF5 converts no strings between character sets: read in the stored one.
  check(H5Tset_cset(memory_type.get(), H5Tget_cset(stored.get())), file_name, where,
        "cannot set a character set");
  check(H5Tset_size(memory_type.get(), H5T_VARIABLE), file_name, where, "cannot size a string type");
  char* data = nullptr;
  if (is_attribute) {
    check(H5Aread(opened.get(), memory_type.get(), &data), file_name, where, "cannot read a string");
    std::string value = data != nullptr ? data : "";
    H5free_memory(data);
    return value;
  }
  // No string is longer than the file: the transfer's allocator refuses more.
  vlen_limit limit{file_size_of(file)};
  auto transfer =
      checked(H5Pcreate(H5P_DATASET_XFER), H5Pclose, file_name, where, "cannot create a transfer list");
  check(H5Pset_vlen_mem_manager(transfer.get(), bounded_vlen_alloc, &limit, bounded_vlen_free, nullptr),
        file_name, where, "cannot set the string allocator");
  if (H5Dread(opened.get(), memory_type.get(), H5S_ALL, H5S_ALL, transfer.get(), &data) < 0) {
    if (limit.refused)
      throw hdf5_error(file_name, where,
                       "implausible string length (longer than the file: is the file damaged?)");
    throw hdf5_error(file_name, where, "cannot read a string");
  }
  std::string value = data != nullptr ? data : "";
  std::free(data);
  return value;
}

bool send_fully(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    // MSG_NOSIGNAL: a peer that died is an error here, not a SIGPIPE.
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool receive_fully(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// Messages both ways are length-prefixed strings: a request is the object and the
// attribute name, an answer a status byte (0: the string, 1: an error message) and text.
bool send_text(int fd, const std::string& text) {
  const std::uint64_t length = text.size();
  return send_fully(fd, &length, sizeof length) && send_fully(fd, text.data(), text.size());
}

bool receive_text(int fd, std::string& text) {
  std::uint64_t length = 0;
  if (!receive_fully(fd, &length, sizeof length) || length > (std::uint64_t{1} << 32)) return false;
  text.resize(static_cast<std::size_t>(length));
  return receive_fully(fd, text.data(), text.size());
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitizer_runtime_maps_memory = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool sanitizer_runtime_maps_memory = true;
#else
constexpr bool sanitizer_runtime_maps_memory = false;
#endif
#else
constexpr bool sanitizer_runtime_maps_memory = false;
#endif

// Bounds the child's address space to what it has plus room for strings as long as
// the file. A damaged global heap claims a collection of any size, and libhdf5
// allocates it and zero-fills what lies beyond the end of the file (measured: a third
// of the recording fuzzer's time went to such memsets and their page faults); over
// the bound the allocation fails and the read is an error at once.
// Not under AddressSanitizer or ThreadSanitizer: their runtimes reserve and map
// memory of their own, and an allocation they cannot make aborts instead of failing.
void bound_address_space(hid_t file) {
  if constexpr (sanitizer_runtime_maps_memory) return;
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  if (!(statm >> pages)) return;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t bound = pages * page + 2 * file_size_of(file) + (std::uint64_t{8} << 20);
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur <= bound))
    return;
  limit.rlim_cur = bound;
  ::setrlimit(RLIMIT_AS, &limit);
}

[[noreturn]] void serve(int fd, hid_t file, const std::string& file_name) {
  bound_address_space(file);
  std::string object;
  std::string attribute;
  std::string where;
  while (receive_text(fd, object) && receive_text(fd, attribute) && receive_text(fd, where)) {
    char status = 0;
    std::string text;
    try {
      text = read_here(file, object, attribute, file_name, where);
    } catch (const std::exception& e) {
      status = 1;
      text = e.what();
    }
    if (!send_fully(fd, &status, 1) || !send_text(fd, text)) break;
  }
  ::_exit(0);  // no atexit handlers: HDF5 must not close the parent's files
}

// Waits up to `deadline` for `fd` to become readable; false on timeout or error.
bool readable_before(int fd, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

}  // namespace

void variable_string_reader::start_child() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return;
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (child == 0) {
    ::close(fds[0]);
    // A child must never outlive the reader's process.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    serve(fds[1], file_, file_name_);
  }
  ::close(fds[1]);
  child_ = child;
  socket_ = fds[0];
}

void variable_string_reader::stop_child() noexcept {
  if (child_ < 0) return;
  ::close(socket_);
  ::kill(child_, SIGKILL);
  int status = 0;
  while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = -1;
  socket_ = -1;
}

std::string variable_string_reader::read(const std::string& object, const std::string& attribute,
                                         const std::string& where) {
  if (child_ < 0) start_child();
  if (child_ < 0)  // no isolation possible (no sockets or processes left): read here
    return read_here(file_, object, attribute, file_name_, where);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  char status = 0;
  std::string text;
  const bool sent = send_text(socket_, object) && send_text(socket_, attribute) && send_text(socket_, where);
  // The answer's header, then its text, each within the second (a child that hangs
  // inside HDF5 sends nothing, one that crashes closes the socket).
  const bool answered = sent && readable_before(socket_, deadline) && receive_fully(socket_, &status, 1) &&
                        readable_before(socket_, deadline) && receive_text(socket_, text);
  if (!answered) {
    const bool timed_out = sent && std::chrono::steady_clock::now() >= deadline;
    stop_child();
    if (timed_out)
      throw hdf5_error(file_name_, where, "reading the string took more than 1 s (is the file damaged?)");
    throw hdf5_error(file_name_, where, "the string's storage is damaged (reading it crashed HDF5)");
  }
  if (status != 0) {
    // The child's hdf5_error names the same file and path: keep only its reason.
    const std::string prefix = file_name_ + (where.empty() ? "" : ":" + where) + ": ";
    if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
    throw hdf5_error(file_name_, where, text);
  }
  return text;
}

}  // namespace spikeq::io
