// `spikeq inspect` and `spikeq analyze`: summaries of a recording, and clear errors
// for other files and bad requests.
#include <gtest/gtest.h>

#include "io/hdf5/output_file.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

TEST(inspect, summarises_spikes_reports_and_provenance) {
  const auto dir = scratch_dir("inspect");
  const auto out = dir / "demo.h5";
  ASSERT_EQ(
      run_spikeq("run '" + source_path("examples/delay_demo.textproto") + "' -o '" + out.string() + "' -q",
                 dir)
          .exit_code,
      0);
  const auto r = run_spikeq("inspect '" + out.string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // post fired once at 17 ms (examples/delay_demo.textproto); V_m sampled every 0.05 ms for 40 ms.
  EXPECT_NE(r.out.find("post                          1            1       17.000       17.000  by_time"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("V_m        1        801       0.05  0 to 40.05 (mV)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("written by spikeq"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(inspect, rejects_files_that_are_not_recordings) {
  const auto dir = scratch_dir("inspect_bad");
  { std::ofstream(dir / "text.h5") << "not hdf5"; }
  auto r = run_spikeq("inspect '" + (dir / "text.h5").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open as HDF5"), std::string::npos) << r.err;
  {
    io::output_file empty(dir / "empty.h5");  // valid HDF5, no /spikes or /report
    empty.start_streaming();
    empty.commit();
  }
  r = run_spikeq("inspect '" + (dir / "empty.h5").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no /spikes, /report or /edges group"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(analyze, prints_statistics_and_rejects_bad_requests) {
  const auto dir = scratch_dir("analyze");
  const auto out = dir / "default.h5";
  ASSERT_EQ(run_spikeq("run '" + source_path("examples/default.textproto") + "' -o '" + out.string() +
                           "' --t-stop 300 -q",
                       dir)
                .exit_code,
            0);
  auto r = run_spikeq("analyze '" + out.string() + "' -p exc -p inh", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("window 0 to 300 ms"), std::string::npos) << r.out;  // the run's t_stop (provenance)
  EXPECT_NE(r.out.find("exc                 800"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("noise"), std::string::npos);
  r = run_spikeq("analyze '" + out.string() + "' -p nope", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no spike population 'nope' in /spikes"), std::string::npos) << r.err;
  r = run_spikeq("analyze '" + out.string() + "' --t-start 400", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("outside the recording"), std::string::npos) << r.err;
  { std::ofstream(dir / "text.h5") << "not hdf5"; }
  r = run_spikeq("analyze '" + (dir / "text.h5").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open as HDF5"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
