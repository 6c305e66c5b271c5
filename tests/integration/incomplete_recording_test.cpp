// A run killed with SIGKILL leaves its temporary file as it was at the last flush
// (docs/formats/output.md, "Writing safely"). inspect and analyze must say that the
// recording is incomplete and how far it goes, compute rates over the recorded time,
// and not count the never-written final weights (NaN) as changes: before this, analyze
// reported "changed 63848 of 63848" for the polychronization network (issue 12).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

namespace fs = std::filesystem;

fs::path find_partial(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with(".poly.h5.tmp-")) return e.path();
  return {};
}

// The number after `prefix` on the line that starts with it, or -1.
double number_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + prefix.size()));
}

TEST(IncompleteRecording, KilledRunIsReportedAsIncompleteWithoutFalseWeightChanges) {
  const auto dir = scratch_dir("incomplete");
  const std::string net = source_path("examples/polychronization.textproto");
  // Far longer than the test waits, so the run is always killed mid-way.
  const std::string start = "'" + std::string(SPIKEQ_BINARY) + "' run '" + net + "' --t-stop 3600000 -o '" +
                            (dir / "poly.h5").string() + "' >/dev/null 2>&1 & echo $! > '" +
                            (dir / "pid").string() + "'";
  ASSERT_EQ(std::system(start.c_str()), 0);
  const pid_t pid = std::stoi(read_text(dir / "pid"));
  fs::path partial;
  for (int i = 0; i < 600 && partial.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    partial = find_partial(dir);
  }
  ASSERT_FALSE(partial.empty()) << "spikeq run did not create its temporary file";
  // spikeq run flushes at least every 10 s of wall time (tools/run_command.cpp); 14 s
  // leaves room for a loaded machine.
  std::this_thread::sleep_for(std::chrono::seconds(14));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_FALSE(fs::exists(dir / "poly.h5"));

  const auto inspect = run_spikeq("inspect '" + partial.string() + "'", dir);
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  const std::string notice = "incomplete recording: the run did not finish; it holds model time up to ";
  const double last_ms = number_after(inspect.out, notice);
  EXPECT_GT(last_ms, 0.0) << inspect.out;
  EXPECT_LT(last_ms, 3600000.0);
  EXPECT_NE(inspect.out.find("changed         final weights not recorded (incomplete run)"),
            std::string::npos)
      << inspect.out;
  EXPECT_EQ(inspect.out.find(" of 63848"), std::string::npos) << inspect.out;

  const auto analyze = run_spikeq("analyze '" + partial.string() + "'", dir);
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_EQ(number_after(analyze.out, notice), last_ms) << analyze.out;
  // Rates over the recorded time: the window ends at the last recorded time, not t_stop.
  EXPECT_NEAR(number_after(analyze.out, "window 0 to "), last_ms, 1e-3) << analyze.out;
  EXPECT_NE(analyze.out.find("change initial to final: final weights not recorded (incomplete run)"),
            std::string::npos)
      << analyze.out;
  EXPECT_EQ(analyze.out.find("changed"), std::string::npos) << analyze.out;
  fs::remove_all(dir);
}

TEST(IncompleteRecording, CompleteRunIsNotFlagged) {
  const auto dir = scratch_dir("finished");
  const auto run = run_spikeq("run '" + source_path("examples/polychronization.textproto") +
                                  "' --t-stop 500 -q -o '" + (dir / "poly.h5").string() + "'",
                              dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto inspect = run_spikeq("inspect '" + (dir / "poly.h5").string() + "'", dir);
  EXPECT_EQ(inspect.exit_code, 0);
  EXPECT_EQ(inspect.out.find("incomplete recording"), std::string::npos) << inspect.out;
  const auto analyze = run_spikeq("analyze '" + (dir / "poly.h5").string() + "'", dir);
  EXPECT_EQ(analyze.exit_code, 0);
  EXPECT_EQ(analyze.out.find("incomplete recording"), std::string::npos) << analyze.out;
  EXPECT_NE(analyze.out.find("window 0 to 500 ms"), std::string::npos) << analyze.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
