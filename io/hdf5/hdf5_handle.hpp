// A small RAII layer over the HDF5 C API: owning handles that close themselves
// with the matching H5*close, and failures turned into exceptions that name the
// file and the path inside it. (The HDF5 C++ API lacks SWMR; see docs/formats/output.md.)
//
// Thread safety: Debian's libhdf5 is built thread-safe (one global lock). HDF5
// keeps its error stack, and the setting that prints it, per thread: every entry
// point (output_file, hdf5_reader) calls silence_hdf5_errors() on its own thread,
// and a thread that calls HDF5 directly should do the same.
#pragma once

#include <hdf5.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace spikeq::io {

// An HDF5 operation failed. what() reads "<file>:<path>: <what>" (or "<file>: <what>"
// without a path), followed by " (HDF5: <innermost library message>)" when the
// library left one.
class hdf5_error : public std::runtime_error {
 public:
  hdf5_error(const std::string& file, const std::string& path, const std::string& what);
  // The file the operation was on, as given to output_file/hdf5_reader.
  const std::string& file() const noexcept { return where_->first; }
  // The HDF5 path inside the file ("/spikes/exc/timestamps", "/spikes/exc@sorting"
  // for an attribute); empty for the file as a whole.
  const std::string& path() const noexcept { return where_->second; }

 private:
  std::shared_ptr<const std::pair<std::string, std::string>> where_;  // copying must not throw
};

// Owns one HDF5 identifier and closes it with the matching H5*close.
// Invariants: at most one hdf5_handle owns a given id; an empty handle holds H5I_INVALID_HID.
class hdf5_handle {
 public:
  using close_function = herr_t (*)(hid_t);

  hdf5_handle() = default;
  // Takes ownership of `id`, to be closed with `close`.
  hdf5_handle(hid_t id, close_function close) noexcept : id_(id), close_(close) {}
  // Takes ownership of `id`; the close function is chosen from its kind (file,
  // group, dataset, dataspace, datatype, attribute, property list). REQUIRES: a
  // valid id of one of those kinds, never a predefined type such as H5T_NATIVE_INT.
  explicit hdf5_handle(hid_t id) noexcept;
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

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  // Closes now, ignoring failure (for destructors and error paths).
  void reset() noexcept { static_cast<void>(close()); }
  // Closes now; returns the H5*close status (negative on failure: for a file,
  // the data may not all have reached the disk). An empty handle returns 0.
  herr_t close() noexcept {
    herr_t status = 0;
    if (id_ >= 0 && close_ != nullptr) status = close_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }
  // Gives up ownership without closing.
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  close_function close_ = nullptr;
};

// Returns `id` wrapped with `close`. Throws hdf5_error(file, path, what) if `id` is negative.
hdf5_handle checked(hid_t id, hdf5_handle::close_function close, const std::string& file,
                    const std::string& path, const char* what);
// Same, choosing the close function from the kind of `id`.
hdf5_handle checked(hid_t id, const std::string& file, const std::string& path, const char* what);
// Throws hdf5_error(file, path, what) if `status` is negative (also for htri_t results).
void check(herr_t status, const std::string& file, const std::string& path, const char* what);

// Turns off HDF5's printing of its error stack for the calling thread; failures
// surface as hdf5_error instead. Cheap; safe to call repeatedly.
void silence_hdf5_errors() noexcept;

}  // namespace spikeq::io
