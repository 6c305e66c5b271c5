// Reading a variable-length string (a dataset or attribute of one element) from a file
// that may be damaged.
#pragma once

#include <string>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

// The string held by `object`, an open dataset (`is_attribute` false) or attribute of
// one variable-length string in `file`, opened from `file_name`; `where` names it in
// errors. libhdf5 reads only the stored descriptor (length, heap address, index); the
// string itself comes from the global heap through io/hdf5/global_heap, which checks
// what libhdf5 1.10.8 trusts. A damaged heap is an hdf5_error, never a crash or a
// gigabyte allocation. Thread safety: as the HDF5 library (one thread at a time).
std::string read_variable_string(hid_t file, hid_t object, bool is_attribute, const std::string& file_name,
                                 const std::string& where);

}  // namespace spikeq::io
