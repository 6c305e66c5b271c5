// Long runs show progress on a terminal and nothing of the sort otherwise.
#include <gtest/gtest.h>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

TEST(progress, silent_when_output_is_not_a_terminal) {
  const auto dir = scratch_dir("progress_pipe");
  const auto r = run_spikeq("run '" + source_path("examples/coba.textproto") + "' -o '" +
                                (dir / "o.h5").string() + "' --t-stop 1500",
                            dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");                                          // no progress line, no escape codes
  EXPECT_NE(r.out.find("real-time factor"), std::string::npos);  // the final summary
  std::filesystem::remove_all(dir);
}

TEST(progress, shown_on_a_terminal) {
  // util-linux `script` gives the run a pseudo-terminal; COBA for 6 s of model time
  // takes long enough (> 0.25 s) for at least one progress line.
  if (std::system("command -v script >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "util-linux script not available";
  const auto dir = scratch_dir("progress_tty");
  const std::string inner = std::string("'") + SPIKEQ_BINARY + "' run '" +
                            source_path("examples/coba.textproto") + "' -o '" + (dir / "o.h5").string() +
                            "' --t-stop 6000";
  const auto log = dir / "tty.txt";
  const std::string cmd = "script -qec \"" + inner + "\" /dev/null > '" + log.string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string text = read_text(log);
  EXPECT_NE(text.find("[spikeq] "), std::string::npos) << text;
  EXPECT_NE(text.find(" / 6000.0 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("wall"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
