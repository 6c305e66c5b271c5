// `spikeq run --stats`: every figure is printed as "name: number", and the numbers
// are plausible for the run.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

// The first number after "name: " in the output, or NaN when the line is missing.
double figure(const std::string& out, const std::string& name) {
  const auto at = out.find("\n" + name + ": ");
  if (at == std::string::npos) return std::nan("");
  return std::stod(out.substr(at + name.size() + 3));
}

TEST(run_stats, prints_construction_memory_speed_and_threads) {
  const auto dir = scratch_dir("run_stats");
  const auto out = dir / "cuba.h5";
  const auto r = run_spikeq(
      "run '" + source_path("examples/cuba.textproto") + "' -o '" + out.string() + "' --t-stop 200 --stats",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = "\n" + r.out;
  const double build_s = figure(text, "construction time");
  EXPECT_GT(build_s, 0.0);
  EXPECT_LT(build_s, 60.0);
  const double peak_mib = figure(text, "peak resident memory");
  EXPECT_GT(peak_mib, 1.0) << r.out;
  EXPECT_LT(peak_mib, 4096.0);
  // 3.2e5 synapses: a few MB of tables (8 bytes per synapse and per-source blocks)
  // within a peak that includes the process itself.
  const double table_per_synapse = figure(text, "bytes per synapse, synapse tables");
  EXPECT_GE(table_per_synapse, 8.0) << r.out;
  EXPECT_LT(table_per_synapse, 16.0);
  EXPECT_GT(figure(text, "bytes per synapse, peak resident"), table_per_synapse);
  EXPECT_GT(figure(text, "synapse tables"), 0.0);
  EXPECT_GT(figure(text, "synaptic events per wall second"), 0.0);
  const double rtf = figure(text, "real-time factor (wall / model time)");
  EXPECT_GT(rtf, 0.0);
  EXPECT_LT(rtf, 100.0);
  EXPECT_EQ(figure(text, "threads"), 1.0);
  // One shard, busy for most of the run; the serial part between windows is smaller.
  const double simulate_s = rtf * 0.2;
  const double busy_s = figure(text, "shard busy time (s)");
  EXPECT_GT(busy_s, 0.0) << r.out;
  EXPECT_LE(busy_s, simulate_s * 1.01 + 1e-3);
  const double serial_s = figure(text, "between windows, serial (s)");
  EXPECT_GE(serial_s, 0.0) << r.out;
  EXPECT_LE(serial_s + busy_s, simulate_s * 1.01 + 1e-3);
  // --quiet drops the summary but not the statistics asked for.
  const auto quiet = run_spikeq("run '" + source_path("examples/cuba.textproto") + "' -o '" + out.string() +
                                    "' --t-stop 50 --stats --quiet",
                                dir);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out.find("population"), std::string::npos) << quiet.out;
  EXPECT_FALSE(std::isnan(figure("\n" + quiet.out, "construction time"))) << quiet.out;
  std::filesystem::remove_all(dir);
}

// With two threads every shard's busy time is listed, each within the run's time.
TEST(run_stats, lists_each_shards_busy_time) {
  const auto dir = scratch_dir("run_stats_threads");
  const auto r = run_spikeq("run '" + source_path("examples/cuba.textproto") + "' -o '" +
                                (dir / "o.h5").string() + "' --t-stop 100 --stats --threads 2",
                            dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = "\n" + r.out;
  EXPECT_EQ(figure(text, "threads"), 2.0);
  const auto at = text.find("\nshard busy time (s): ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream line(text.substr(at + 22, text.find('\n', at + 1) - at - 22));
  std::vector<double> busy;
  for (double s = 0; line >> s;) busy.push_back(s);
  ASSERT_EQ(busy.size(), 2U) << r.out;
  const double simulate_s = figure(text, "real-time factor (wall / model time)") * 0.1;
  for (const double s : busy) {
    EXPECT_GT(s, 0.0);
    EXPECT_LE(s, simulate_s * 1.01 + 1e-3);
  }
  std::filesystem::remove_all(dir);
}

TEST(run_stats, absent_without_the_flag) {
  const auto dir = scratch_dir("run_stats_absent");
  const auto r = run_spikeq(
      "run '" + source_path("examples/delay_demo.textproto") + "' -o '" + (dir / "o.h5").string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("construction time:"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
