// A small RAII layer over the HDF5 C API: owning handles that close themselves
// with the right H5*close, and failures turned into exceptions naming the file
// and the path inside it. (The HDF5 C++ API lacks SWMR; see formats.md.)
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace spikeq::io {

class hdf5_error : public std::runtime_error {
 public:
  hdf5_error(const std::string& file, const std::string& path, const std::string& what)
      : std::runtime_error(file + (path.empty() ? "" : ":" + path) + ": " + what) {}
};

// Owns one HDF5 identifier; `close` is the matching H5*close function.
class hdf5_handle {
 public:
  using close_function = herr_t (*)(hid_t);
  hdf5_handle() = default;
  hdf5_handle(hid_t id, close_function close) : id_(id), close_(close) {}
  ~hdf5_handle() { reset(); }
  hdf5_handle(hdf5_handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  hdf5_handle& operator=(hdf5_handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      close_ = other.close_;
    }
    return *this;
  }
  hdf5_handle(const hdf5_handle&) = delete;
  hdf5_handle& operator=(const hdf5_handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  close_function close_ = nullptr;
};

// Throws hdf5_error if `id` is negative, else wraps it.
hdf5_handle checked(hid_t id, hdf5_handle::close_function close, const std::string& file,
                    const std::string& path, const char* what);
// Throws hdf5_error if `status` is negative.
void check(herr_t status, const std::string& file, const std::string& path, const char* what);

// Turns off HDF5's printing of its error stack (errors become exceptions instead).
void silence_hdf5_errors();

}  // namespace spikeq::io
