// Variable-length strings are read in a child process (io/hdf5/variable_string_read):
// the values arrive intact, one child serves all the strings of an open file and
// dies with the reader, and a child that dies (a damaged heap crashing libhdf5)
// fails one read, not the reader.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hdf5_test_support.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {
namespace {

using testing::scratch_dir;

// The children of the calling thread (Linux: /proc/self/task/TID/children).
std::vector<long> children_of_this_thread() {
  const long tid = ::syscall(SYS_gettid);
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/children");
  std::vector<long> pids;
  for (long pid = 0; in >> pid;) pids.push_back(pid);
  return pids;
}

std::filesystem::path file_with_strings(const scratch_dir& dir) {
  auto path = dir / "strings.h5";
  output_file out(path);
  out.set_string_attribute("/", "title", "five strings");
  out.set_string_attribute("/", "unicode", "τ_m = 10 ms");
  out.set_string_attribute("/", "empty", "");
  out.write_string_dataset("/network", std::string(100000, 'n'));
  out.write_string_dataset("/notes", "line one\nline two");
  out.start_streaming();
  out.commit();
  return path;
}

TEST(variable_string_read, values_arrive_intact_from_one_child_that_dies_with_the_reader) {
  const scratch_dir dir("vlen");
  const auto path = file_with_strings(dir);
  const auto before = children_of_this_thread();
  {
    const hdf5_reader r(path);
    EXPECT_EQ(r.string_attribute("/", "title"), "five strings");
    EXPECT_EQ(r.string_attribute("/", "unicode"), "τ_m = 10 ms");
    EXPECT_EQ(r.string_attribute("/", "empty"), "");
    EXPECT_EQ(r.read_string("/network"), std::string(100000, 'n'));
    EXPECT_EQ(r.read_string("/notes"), "line one\nline two");
    // Five strings, one fork (a fork per string cost 9-19 ms on a VM; bench/RESULTS.md).
    EXPECT_EQ(children_of_this_thread().size(), before.size() + 1);
    // Errors from the child keep their file and path.
    try {
      (void)r.string_attribute("/", "missing");
      ADD_FAILURE() << "a missing attribute was read";
    } catch (const hdf5_error& e) {
      EXPECT_EQ(e.path(), "/@missing");
    }
  }
  EXPECT_EQ(children_of_this_thread(), before);
}

TEST(variable_string_read, a_reader_moved_keeps_its_child) {
  const scratch_dir dir("vlen_move");
  const auto path = file_with_strings(dir);
  hdf5_reader first(path);
  EXPECT_EQ(first.string_attribute("/", "title"), "five strings");
  hdf5_reader second(std::move(first));
  EXPECT_EQ(second.read_string("/notes"), "line one\nline two");
}

// A child that dies (as one does when a damaged heap crashes libhdf5: the files are
// fuzz/regressions/recording/, run through the CLI in corrupted_recording_test) makes
// that read an hdf5_error; the next read forks a new child.
TEST(variable_string_read, a_child_that_dies_fails_that_read_and_is_replaced_for_the_next) {
  const scratch_dir dir("vlen_kill");
  const auto path = file_with_strings(dir);
  const hdf5_reader r(path);
  const auto before = children_of_this_thread();
  EXPECT_EQ(r.string_attribute("/", "title"), "five strings");
  auto now = children_of_this_thread();
  ASSERT_EQ(now.size(), before.size() + 1);
  const long child = now.back();
  ASSERT_EQ(::kill(static_cast<pid_t>(child), SIGKILL), 0);
  try {
    (void)r.string_attribute("/", "unicode");
    ADD_FAILURE() << "read from a dead child";
  } catch (const hdf5_error& e) {
    EXPECT_EQ(e.path(), "/@unicode");
    EXPECT_NE(std::string(e.what()).find("reading it crashed HDF5"), std::string::npos) << e.what();
  }
  EXPECT_EQ(children_of_this_thread(), before);  // the dead child is reaped
  EXPECT_EQ(r.string_attribute("/", "unicode"), "τ_m = 10 ms");
  now = children_of_this_thread();
  ASSERT_EQ(now.size(), before.size() + 1);
  EXPECT_NE(now.back(), child);
}

}  // namespace
}  // namespace spikeq::io
