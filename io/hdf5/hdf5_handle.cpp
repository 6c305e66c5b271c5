#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

hdf5_handle checked(hid_t id, hdf5_handle::close_function close, const std::string& file,
                    const std::string& path, const char* what) {
  if (id < 0) throw hdf5_error(file, path, what);
  return {id, close};
}

void check(herr_t status, const std::string& file, const std::string& path, const char* what) {
  if (status < 0) throw hdf5_error(file, path, what);
}

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace spikeq::io
