// Reading variable-length strings (datasets or attributes of one element) from a
// file that may be damaged.
#pragma once

#include <sys/types.h>

#include <string>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

// A variable-length string lives in the file's global heap. libhdf5 1.10.8 trusts
// a damaged heap: it allocates and clears gigabytes, or copies over its own buffer
// and crashes (fuzz/hdf5_issues, fuzz/asan.supp). Such reads are therefore done in a
// child process: whatever HDF5 does there, the reader gets the string, or an
// hdf5_error within a second.
//
// One child serves all the string reads of one open file: it is forked at the first
// read (from the file's identifier, inherited) and answers requests over a socket
// until the reader is destroyed. A fork is the expensive part (milliseconds on a VM,
// where every copied page faults), and a recording has several strings. A child that
// crashes or hangs is killed; the next read forks a new one.
// Thread safety: one thread at a time (as hdf5_reader).
class variable_string_reader {
 public:
  // `file` is the open file's identifier, `file_name` its name for messages.
  variable_string_reader(hid_t file, std::string file_name) : file_(file), file_name_(std::move(file_name)) {}
  ~variable_string_reader() { stop_child(); }
  variable_string_reader(const variable_string_reader&) = delete;
  variable_string_reader& operator=(const variable_string_reader&) = delete;

  // The variable-length string dataset at `object` (`attribute` empty) or the string
  // attribute `attribute` of `object`; `where` names it in errors. REQUIRES: the
  // object (and attribute) exist and hold one variable-length string.
  std::string read(const std::string& object, const std::string& attribute, const std::string& where);

 private:
  void start_child();
  void stop_child() noexcept;

  hid_t file_;
  std::string file_name_;
  pid_t child_ = -1;
  int socket_ = -1;  // our end of the socket pair; the child holds the other
};

}  // namespace spikeq::io
