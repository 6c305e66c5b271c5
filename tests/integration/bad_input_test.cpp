// Broken network files: each gives exit code 2, an error naming file:line:col, and
// leaves an existing output file untouched (no half-written result, no temp file).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

struct bad_case {
  const char* file;
  int line;
  const char* words;  // part of the message
};

class bad_input : public ::testing::TestWithParam<bad_case> {};

TEST_P(bad_input, exits_with_2_names_the_location_and_keeps_existing_output) {
  const bad_case c = GetParam();
  const std::string stem = c.file;
  const auto dir = scratch_dir("bad_" + stem.substr(0, stem.find('.')));
  const auto output = dir / "previous.h5";
  { std::ofstream(output) << "previous result"; }
  const std::string net = source_path(std::string("tests/data/bad/") + c.file);
  const auto r = run_spikeq("run '" + net + "' -o '" + output.string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const std::string where = net + ":" + std::to_string(c.line) + ":";
  EXPECT_NE(r.err.find(where), std::string::npos) << "stderr: " << r.err;
  EXPECT_NE(r.err.find("error:"), std::string::npos);
  EXPECT_NE(r.err.find(c.words), std::string::npos) << "stderr: " << r.err;
  EXPECT_EQ(read_text(output), "previous result");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    files += entry.path().extension() != ".txt";
  EXPECT_EQ(files, 1) << "a temporary file was left behind";
  // validate reports the same problem without running.
  const auto v = run_spikeq("validate '" + net + "'", dir);
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find(where), std::string::npos) << v.err;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    network_files, bad_input,
    ::testing::Values(
        bad_case{"syntax_error.textproto", 3, "error"},
        bad_case{"unknown_field.textproto", 4, "tau_membrane"},
        bad_case{"negative_tau.textproto", 5, "tau_m = -10 ms must be > 0 ms"},
        bad_case{"probability_above_one.textproto", 5, "p = 1.5 must be <= 1"},
        bad_case{"dangling_population.textproto", 4, "unknown population 'b'"},
        bad_case{"zero_delay.textproto", 7, "shorter than one resolution step"},
        bad_case{"mismatched_sizes.textproto", 6, "one_to_one needs equal sizes"},
        bad_case{"duplicate_name.textproto", 3, "duplicate population name 'a'"},
        bad_case{"unknown_recordable.textproto", 5, "no recordable 'voltage'"},
        bad_case{"unknown_triplet_set.textproto", 5, "unknown parameter set 'cortex'"},
        bad_case{"spnet_dendritic.textproto", 5, "use delay_convention: AXONAL"},
        bad_case{"inverted_bounds.textproto", 5, "Wmin = 10 exceeds Wmax = 5"},
        bad_case{"weight_above_bound.textproto", 5, "initial weight 500 lies outside"},
        bad_case{"dendritic_delay_too_long.textproto", 5, "exceeds a synaptic delay of 1 ms"},
        bad_case{"unknown_weight_projection.textproto", 6, "unknown projection 'ba'"},
        bad_case{"unknown_channel.textproto", 5, "unknown neuromodulator channel 'dopamin'"},
        bad_case{"contingency_neuron_outside.textproto", 5, "neuron 2 is outside population 'a'"},
        bad_case{"release_amounts_mismatch.textproto", 5, "2 amounts for 3 times"},
        bad_case{"contingency_delays_inverted.textproto", 6, "shorter than delay_min"},
        bad_case{"probabilities_not_one.textproto", 5, "probabilities sum to 0.9, not 1"},
        bad_case{"probability_above_one_protocol.textproto", 5, "probability = 1.2 must be <= 1"},
        bad_case{"readout_without_input.textproto", 3, "has no presynaptic projection"},
        bad_case{"target_series_lengths.textproto", 5, "2 values for 3 times"},
        bad_case{"population_size_beyond_memory.textproto", 6, "population 'a' dominates"},
        bad_case{"spike_time_beyond_tick_range.textproto", 8,
                 "spike_times = 1.84467e+19 ms lies beyond the longest time spikeq represents"},
        bad_case{"infinite_delay.textproto", 7, "constant = inf is not a finite time"},
        bad_case{"alignment_unknown_projection.textproto", 6, "unknown projection 'ba'"},
        bad_case{"alignment_not_transposed.textproto", 10, "is not the transpose of 'ab'"},
        bad_case{"glm_tau_ref_off_grid.textproto", 6, "tau_ref = 1.05 ms is not a whole"},
        bad_case{"glm_tau_syn_off_grid.textproto", 8, "tau_syn = 2.25 ms is not a whole"},
        bad_case{"pp_negative_c_1.textproto", 6, "c_1 = -0.5 Hz/mV must be >= 0 Hz/mV"},
        bad_case{"pp_negative_c_3.textproto", 1, "c_3 = -0.25 1/mV must be >= 0 1/mV"},
        bad_case{"pp_dt_off_resolution.textproto", 7, "dt = 0.25 ms is not a whole number"},
        bad_case{"pp_dead_time_off_grid.textproto", 7, "dead_time = 1.55 ms is not a whole"},
        bad_case{"sal_reciprocal_not_transposed.textproto", 5, "is not the transpose of 'ab'"},
        bad_case{"sal_accumulated_without_period.textproto", 5, "ACCUMULATED needs a period"},
        bad_case{"sal_phase_unknown_projection.textproto", 5, "'ab' is not a plastic projection"}),
    [](const ::testing::TestParamInfo<bad_case>& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

TEST(cli, validate_checks_a_huge_population_within_a_second_without_building_it) {
  // 10^8 neurons (~8 GiB): validate used to build them for about a minute. It now
  // checks without building when the estimate is large, and refuses at once when the
  // estimate exceeds the available memory (here 4 GB), pointing at the size.
  const auto dir = scratch_dir("huge_validate");
  const auto net = (dir / "big.textproto").string();
  { std::ofstream(net) << "population {\n  name: \"a\"\n  size: 99999999\n  iaf_psc_exp {}\n}\n"; }
  auto start = std::chrono::steady_clock::now();
  const auto fits = run_spikeq("validate '" + net + "'", dir);
  const double fits_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (fits.exit_code == 0)  // enough memory here: checked without building
    EXPECT_NE(fits.out.find("checked without building"), std::string::npos) << fits.out;
  else  // a small machine: refused
    EXPECT_NE(fits.err.find(net + ":3:3: error: the network needs an estimated"), std::string::npos)
        << fits.err;
  EXPECT_LT(fits_s, 1.0);
  ::setenv("SPIKEQ_MEMORY_LIMIT_BYTES", "4000000000", 1);
  start = std::chrono::steady_clock::now();
  const auto refused = run_spikeq("validate '" + net + "'", dir);
  const double refused_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::unsetenv("SPIKEQ_MEMORY_LIMIT_BYTES");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find(net + ":3:3: error: the network needs an estimated 8.2 GiB"), std::string::npos)
      << refused.err;
  EXPECT_LT(refused_s, 1.0);
  std::filesystem::remove_all(dir);
}

TEST(cli, spike_times_far_beyond_t_stop_but_within_the_tick_range_run) {
  // 4e15 ms fits 2^62 ticks of 1 us: the spike is simply never reached.
  const auto dir = scratch_dir("far_spike");
  const auto net = (dir / "far.textproto").string();
  {
    std::ofstream(net)
        << "simulation { t_stop: 10 }\npopulation { name: \"pre\" size: 1 spike_generator { train "
           "{ spike_times: [1, 4000000000000000] } } }\nrecording { spikes { population: \"pre\" } "
           "}\n";
  }
  const auto r = run_spikeq("run '" + net + "' -o '" + (dir / "o.h5").string() + "' -q", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(cli, missing_network_file_is_bad_input) {
  const auto dir = scratch_dir("missing");
  const auto r =
      run_spikeq("run '" + (dir / "nope.textproto").string() + "' -o '" + (dir / "o.h5").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "o.h5"));
}

TEST(cli, unknown_option_and_help) {
  const auto dir = scratch_dir("help");
  EXPECT_EQ(run_spikeq("run --no-such-option x -o y", dir).exit_code, 2);
  const auto help = run_spikeq("run --help", dir);
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option : {"--t-stop", "--seed", "--threads", "--output"})
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  const auto top = run_spikeq("--help", dir);
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("validate"), std::string::npos);
}

TEST(cli, a_thread_count_beyond_1024_is_refused) {
  const auto dir = scratch_dir("threads");
  const auto r = run_spikeq("run '" + source_path("examples/delay_demo.textproto") + "' -o '" +
                                (dir / "o.h5").string() + "' --threads 5000",
                            dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--threads"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "o.h5"));
}

TEST(cli, output_path_problems_are_bad_input) {
  const auto dir = scratch_dir("output_paths");
  const std::string net = "'" + source_path("examples/delay_demo.textproto") + "'";
  std::filesystem::create_directories(dir / "a_directory");
  auto r = run_spikeq("run " + net + " -o '" + (dir / "a_directory").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
  r = run_spikeq("run " + net + " -o '" + (dir / "missing" / "o.h5").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("output directory does not exist"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(cli, interrupted_run_keeps_the_previous_output_and_the_partial_recording) {
  // SIGINT mid-run: exit 130, the output path untouched, the recording so far kept
  // complete beside it under the temporary name.
  const auto dir = scratch_dir("interrupt");
  const auto output = dir / "out.h5";
  { std::ofstream(output) << "previous result"; }
  const std::string cmd =
      std::string("'") + SPIKEQ_BINARY + "' run '" + source_path("examples/coba.textproto") + "' -o '" +
      output.string() + "' --t-stop 60000 2>'" + (dir / "err.txt").string() + "' & pid=$!; while [ ! -e '" +
      (dir / ".out.h5.tmp-").string() + "'$pid ]; do sleep 0.05; done; sleep 0.2; kill -INT $pid; wait $pid";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(read_text(output), "previous result");
  EXPECT_NE(read_text(dir / "err.txt").find("interrupted at t = "), std::string::npos);
  int partial = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    partial += e.path().filename().string().rfind(".out.h5.tmp-", 0) == 0;
  EXPECT_EQ(partial, 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
