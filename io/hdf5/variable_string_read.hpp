// Reading one variable-length string (a dataset or attribute of one element) from a
// file that may be damaged.
#pragma once

#include <string>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

// A variable-length string lives in the file's global heap. libhdf5 1.10.8 trusts
// a damaged heap: it allocates and clears gigabytes, or copies over its own buffer
// and crashes (fuzz/hdf5_issues, fuzz/asan.supp). Such a read is therefore
// done in a child process: whatever HDF5 does there, the reader gets the string, or
// an hdf5_error within a second.
// REQUIRES: `memory_type` a variable-length C string type in the stored character set.
std::string read_variable_string(hid_t object, hid_t memory_type, bool is_attribute, const std::string& file,
                                 const std::string& path);

}  // namespace spikeq::io
