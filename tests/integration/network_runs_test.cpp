// Real networks through the command line, output read back from HDF5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

std::filesystem::path run_example(const std::string& example, const std::filesystem::path& dir,
                                  const std::string& name, const std::string& extra = "") {
  const auto out = dir / (name + ".h5");
  const auto r = run_spikeq("run '" + source_path(example) + "' -o '" + out.string() + "' " + extra, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

TEST(network_runs, delay_demo_spikes_and_jumps_at_exact_ticks) {
  // Hand-computed (examples/delay_demo.textproto): arrivals at 10 + {1.5, 4.25, 7}
  // ms; V_m = -70 + 6 = -64 at 11.5, -70 + 6 + 6 e^{-0.275} = -59.442 at 14.25,
  // and at 17 ms -70 + 10.558 e^{-0.275} + 9 = -52.98 >= V_th = -55: a spike at 17 ms.
  const auto dir = scratch_dir("delay_demo");
  const auto out = run_example("examples/delay_demo.textproto", dir, "demo");
  const auto pre = read_spikes(out, "pre");
  const auto post = read_spikes(out, "post");
  ASSERT_EQ(pre.times_ms, std::vector<double>{10.0});
  ASSERT_EQ(post.times_ms.size(), 1u);
  EXPECT_NEAR(post.times_ms[0], 17.0, 1e-12);
  const auto v = read_frames(out, "post");
  ASSERT_EQ(v.columns, 1u);
  auto at = [&](double t_ms) { return v.values[static_cast<std::size_t>(std::llround(t_ms / 0.05))]; };
  EXPECT_NEAR(at(11.45), -70.0, 1e-5);
  EXPECT_NEAR(at(11.5), -64.0, 1e-4);
  EXPECT_NEAR(at(14.25), -70.0 + 6.0 + 6.0 * std::exp(-0.275), 1e-4);
  EXPECT_NEAR(at(17.0), -70.0, 1e-4);  // reset at the spike
  std::filesystem::remove_all(dir);
}

TEST(network_runs, same_seed_gives_byte_identical_spikes_and_another_seed_differs) {
  const auto dir = scratch_dir("determinism");
  const auto a = run_example("examples/default.textproto", dir, "a", "--t-stop 300");
  const auto b = run_example("examples/default.textproto", dir, "b", "--t-stop 300");
  const auto c = run_example("examples/default.textproto", dir, "c", "--t-stop 300 --seed 99");
  for (const char* pop : {"exc", "inh", "noise"}) {
    const auto sa = read_spikes(a, pop);
    const auto sb = read_spikes(b, pop);
    ASSERT_FALSE(sa.times_ms.empty()) << pop;
    EXPECT_EQ(0, std::memcmp(sa.times_ms.data(), sb.times_ms.data(), sa.times_ms.size() * sizeof(double)));
    EXPECT_EQ(sa.times_ms, sb.times_ms) << pop;
    EXPECT_EQ(sa.node_ids, sb.node_ids) << pop;
  }
  EXPECT_NE(read_spikes(a, "exc").times_ms, read_spikes(c, "exc").times_ms);
  std::filesystem::remove_all(dir);
}

// Per-neuron coefficient of variation of inter-spike intervals, averaged over
// neurons with at least 3 spikes (Softky & Koch 1993).
double mean_cv(const spike_data& s, std::uint64_t n_neurons, double from_ms = 500.0) {
  std::vector<std::vector<double>> trains(n_neurons);
  for (std::size_t k = 0; k < s.times_ms.size(); ++k)
    if (s.times_ms[k] >= from_ms) trains[s.node_ids[k]].push_back(s.times_ms[k]);
  double sum = 0;
  int count = 0;
  for (const auto& t : trains) {
    if (t.size() < 3) continue;
    std::vector<double> isi(t.size() - 1);
    for (std::size_t k = 1; k < t.size(); ++k) isi[k - 1] = t[k] - t[k - 1];
    const double m = std::accumulate(isi.begin(), isi.end(), 0.0) / isi.size();
    double var = 0;
    for (double x : isi) var += (x - m) * (x - m);
    sum += std::sqrt(var / isi.size()) / m;
    ++count;
  }
  return count > 0 ? sum / count : 0.0;
}

double rate_between(const spike_data& s, double n, double t0, double t1) {
  return static_cast<double>(std::count_if(s.times_ms.begin(), s.times_ms.end(),
                                           [&](double t) { return t >= t0 && t < t1; })) /
         n / ((t1 - t0) / 1000.0);
}

TEST(network_runs, cuba_sustains_asynchronous_irregular_activity) {
  // Brette et al. 2007 (benchmark 2, after Vogels & Abbott 2005): the CUBA network
  // sustains asynchronous irregular activity on its own. Reference values for this
  // exact network from an independent simulator, Brian2 2.5.1 (bench/brian2/cuba.py,
  // seed 1, spikes from 500 to 2000 ms): exc 5.51 Hz, inh 5.54 Hz, mean CV of ISIs
  // 0.57 for both. spikeq's own random instance must land within +-25 % of those
  // rates and +-0.12 of that CV.
  const auto dir = scratch_dir("cuba");
  const auto out = run_example("examples/cuba.textproto", dir, "cuba", "--t-stop 2000");
  const auto exc = read_spikes(out, "exc");
  const auto inh = read_spikes(out, "inh");
  // Skip the first 500 ms transient from the uniform initial voltages.
  const double exc_rate = rate_between(exc, 3200, 500, 2000);
  const double inh_rate = rate_between(inh, 800, 500, 2000);
  EXPECT_NEAR(exc_rate, 5.51, 0.25 * 5.51);
  EXPECT_NEAR(inh_rate, 5.54, 0.25 * 5.54);
  // Activity still present in the last 100 ms: self-sustained.
  EXPECT_GT(rate_between(exc, 3200, 1900, 2000), 0.5 * exc_rate);
  EXPECT_NEAR(mean_cv(exc, 3200), 0.57, 0.12);
  EXPECT_NEAR(mean_cv(inh, 800), 0.57, 0.12);
  std::filesystem::remove_all(dir);
}

TEST(network_runs, coba_sustains_activity_from_its_initial_kick) {
  // Brette et al. 2007 benchmark 1: with the original scripts' random initial state the
  // network keeps firing on its own (benchmarks.md: "without this kick the activity
  // dies out"). spikeq measures about 18 Hz for exc and inh with mean CV > 1; the
  // bounds below only demand sustained, irregular, non-saturated firing.
  const auto dir = scratch_dir("coba");
  const auto out = run_example("examples/coba.textproto", dir, "coba", "--t-stop 1000");
  for (const auto& [pop, n] : {std::pair<const char*, double>{"exc", 3200}, {"inh", 800}}) {
    const auto s = read_spikes(out, pop);
    const double late = rate_between(s, n, 800, 1000);
    EXPECT_GT(late, 2.0) << pop;
    EXPECT_LT(late, 60.0) << pop;
    EXPECT_GT(mean_cv(s, static_cast<std::uint64_t>(n), 200), 0.8) << pop;
  }
  std::filesystem::remove_all(dir);
}

TEST(network_runs, polychronization_topology_and_activity) {
  // Izhikevich 2006 (spnet): 800 RS + 200 FS, 100 synapses per neuron, thalamic input of
  // one random neuron per ms. With static weights (no STDP yet) both populations fire,
  // inhibitory neurons faster than excitatory ones (spnet's FS cells fire at several
  // times the RS rate).
  const auto dir = scratch_dir("spnet");
  const auto out = run_example("examples/polychronization.textproto", dir, "spnet", "--t-stop 2000");
  const auto exc = read_spikes(out, "exc");
  const auto inh = read_spikes(out, "inh");
  const double exc_rate = rate_between(exc, 800, 0, 2000);
  const double inh_rate = rate_between(inh, 200, 0, 2000);
  EXPECT_GT(exc_rate, 0.5);
  EXPECT_LT(exc_rate, 40.0);
  EXPECT_GT(inh_rate, 2 * exc_rate);
  // Spike times fall on the 1 ms grid of Izhikevich's scheme.
  for (double t : exc.times_ms) ASSERT_DOUBLE_EQ(t, std::round(t)) << t;
  std::filesystem::remove_all(dir);
}

TEST(network_runs, default_example_records_spikes_traces_and_provenance) {
  const auto dir = scratch_dir("default");
  const auto out = run_example("examples/default.textproto", dir, "default", "--t-stop 500");
  const auto v = read_frames(out, "exc");
  EXPECT_EQ(v.columns, 5u);
  EXPECT_EQ(v.frames, 5001u);  // samples at 0, 0.1, ..., 500 ms
  const auto noise = read_spikes(out, "noise");
  for (auto id : noise.node_ids) EXPECT_LT(id, 10u);  // only the recorded subset
  io::hdf5_reader r(out);
  const std::string network = r.read_string("/provenance/network");
  EXPECT_NE(network.find("tau_syn_ex: 2"), std::string::npos);  // defaults filled in
  EXPECT_NE(network.find("t_stop: 500"), std::string::npos);    // --t-stop recorded
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
