#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

namespace {

// The most specific message on the calling thread's HDF5 error stack (for example
// "object 'b' doesn't exist" or "unable to open file: ... errno = 2"), then clears it.
// The walk downward starts at the API call and ends at the innermost failure.
std::string innermost_hdf5_message() {
  std::string message;
  const auto keep_last = [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
    if (e->desc != nullptr) *static_cast<std::string*>(out) = e->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_last, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

std::string compose(const std::string& file, const std::string& path, const std::string& what) {
  return file + (path.empty() ? "" : ":" + path) + ": " + what;
}

[[noreturn]] void fail(const std::string& file, const std::string& path, const char* what) {
  const std::string detail = innermost_hdf5_message();
  throw hdf5_error(file, path,
                   detail.empty() ? std::string(what) : std::string(what) + " (HDF5: " + detail + ")");
}

}  // namespace

hdf5_error::hdf5_error(const std::string& file, const std::string& path, const std::string& what)
    : std::runtime_error(compose(file, path, what)),
      where_(std::make_shared<const std::pair<std::string, std::string>>(file, path)) {}

hdf5_handle::hdf5_handle(hid_t id) noexcept : id_(id) {
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      close_ = H5Fclose;
      break;
    case H5I_GROUP:
      close_ = H5Gclose;
      break;
    case H5I_DATASET:
      close_ = H5Dclose;
      break;
    case H5I_DATASPACE:
      close_ = H5Sclose;
      break;
    case H5I_DATATYPE:
      close_ = H5Tclose;
      break;
    case H5I_ATTR:
      close_ = H5Aclose;
      break;
    case H5I_GENPROP_LST:
      close_ = H5Pclose;
      break;
    default:
      close_ = nullptr;
      break;  // not ours to close (or invalid)
  }
}

hdf5_handle checked(hid_t id, hdf5_handle::close_function close, const std::string& file,
                    const std::string& path, const char* what) {
  if (id < 0) fail(file, path, what);
  return {id, close};
}

hdf5_handle checked(hid_t id, const std::string& file, const std::string& path, const char* what) {
  if (id < 0) fail(file, path, what);
  return hdf5_handle(id);
}

void check(herr_t status, const std::string& file, const std::string& path, const char* what) {
  if (status < 0) fail(file, path, what);
}

void silence_hdf5_errors() noexcept { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace spikeq::io
