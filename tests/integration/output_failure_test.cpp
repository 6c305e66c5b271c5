// The output cannot be written (issue 12): a directory that does not take files, a file
// size limit, a full disk. Each must end with a clear message naming the output, exit
// 1 or 2, an earlier file at the output path untouched, and no stray temporary file.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <filesystem>
#include <string>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

namespace fs = std::filesystem;

bool has_temporary(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

// Runs `spikeq run` of the default example for `t_stop_ms` in a shell that applies
// `limits` first; returns the exit code, stderr in `err`.
int run_limited(const fs::path& dir, const fs::path& output, const std::string& limits, std::string& err) {
  const std::string cmd = "bash -c \"" + limits + "; exec '" + std::string(SPIKEQ_BINARY) + "' run '" +
                          source_path("examples/default.textproto") + "' --t-stop 20000 -q -o '" +
                          output.string() + "'\" 2>'" + (dir / "err.txt").string() + "'";
  const int status = std::system(cmd.c_str());
  err = read_text(dir / "err.txt");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(OutputFailure, DirectoryThatTakesNoFilesIsBadInputNamingThePath) {
  const auto dir = scratch_dir("output_unwritable");
  // /proc takes no new files even for root (tests may run as root, which ignores modes).
  const auto r =
      run_spikeq("run '" + source_path("examples/default.textproto") + "' -q -o /proc/spikeq_out.h5", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/proc/spikeq_out.h5: error: cannot create the output file"), std::string::npos)
      << r.err;
}

TEST(OutputFailure, FileSizeLimitEndsCleanlyAndKeepsThePreviousFile) {
  const auto dir = scratch_dir("output_fsize");
  const auto output = dir / "out.h5";
  write_text(output, "previous result");
  std::string err;
  // SIGXFSZ ignored: a write past the limit fails with EFBIG instead of killing spikeq.
  const int code = run_limited(dir, output, "trap '' XFSZ; ulimit -f 2000", err);
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("cannot write the output (the file size limit was reached)"), std::string::npos) << err;
  EXPECT_NE(err.find("out.h5"), std::string::npos) << err;
  EXPECT_EQ(read_text(output), "previous result");
  EXPECT_FALSE(has_temporary(dir));
}

TEST(OutputFailure, FullDiskEndsCleanlyAndKeepsThePreviousFile) {
  const auto dir = scratch_dir("output_full");
  const auto disk = dir / "disk";
  fs::create_directories(disk);
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=1m") != 0)
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root); the file size limit test covers the path";
  const auto output = disk / "out.h5";
  write_text(output, "previous result");
  std::string err;
  const int code = run_limited(dir, output, "true", err);
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("cannot write the output (the disk is full)"), std::string::npos) << err;
  EXPECT_EQ(read_text(output), "previous result");
  EXPECT_FALSE(has_temporary(disk));
  ::umount(disk.c_str());
}

}  // namespace
}  // namespace spikeq::testing
