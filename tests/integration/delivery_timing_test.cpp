// Delays and simultaneous input through the whole program: network files in,
// spikes and traces out of HDF5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(delivery_timing, every_heterogeneous_delay_lands_exactly_on_its_tick) {
  // One source spike at 10 ms reaches 12 exact event-driven neurons through delays
  // from one tick (1 us) to 250 ms (far beyond the calendar queue's ring, which holds
  // at most 65536 one-tick buckets here). Each input of +20 mV makes its target fire
  // at the arrival tick itself, so spike time - 10 ms must equal the delay exactly.
  const std::vector<double> delays{0.001, 0.002, 0.003,  0.1,    0.5,   1.0,
                                   1.234, 7.0,   19.999, 65.536, 100.0, 250.0};
  std::ostringstream net;
  net << "simulation { resolution: 0.001 t_stop: 300 }\n"
         "population { name: \"src\" size: 1 spike_generator { train { spike_times: [10] } } }\n"
         "population { name: \"tgt\" size: "
      << delays.size() << " iaf_psc_delta {} }\nprojection { source: \"src\" target: \"tgt\" from_list {\n";
  for (std::size_t k = 0; k < delays.size(); ++k)
    net << "  connection { source: 0 target: " << k << " weight: 20 delay: " << delays[k] << " }\n";
  net << "} }\nrecording { spikes { population: \"tgt\" } }\n";
  const auto dir = scratch_dir("delays");
  write_file(dir / "net.textproto", net.str());
  const auto r = run_spikeq(
      "run '" + (dir / "net.textproto").string() + "' -o '" + (dir / "o.h5").string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = read_spikes(dir / "o.h5", "tgt");
  ASSERT_EQ(s.times_ms.size(), delays.size());
  for (std::size_t k = 0; k < s.times_ms.size(); ++k) {
    const auto target = s.node_ids[k];
    // Compare in ticks: both sides are whole microseconds.
    EXPECT_EQ(std::llround(s.times_ms[k] * 1000), std::llround((10.0 + delays[target]) * 1000))
        << "target " << target;
  }
  std::filesystem::remove_all(dir);
}

TEST(delivery_timing, simultaneous_inputs_give_identical_results_whatever_their_order_in_the_file) {
  // 40 sources fire at different times with delays chosen so that all their inputs
  // reach one iaf_psc_exp neuron at the same tick; listing the connections in
  // another order must not change a single bit of the membrane trace.
  auto network = [](std::vector<int> order) {
    std::ostringstream net;
    net << "simulation { resolution: 0.001 dt: 0.1 t_stop: 60 }\n"
           "population { name: \"src\" size: 40 spike_generator {\n";
    for (int s = 0; s < 40; ++s) net << "  train { spike_times: [" << 10 + 0.1 * s << "] }\n";
    net << "} }\npopulation { name: \"tgt\" size: 1 iaf_psc_exp { V_th: 1000 } }\n"
           "projection { source: \"src\" target: \"tgt\" from_list {\n";
    for (int s : order)
      net << "  connection { source: " << s << " target: 0 weight: " << 13.7 + 0.37 * s
          << " delay: " << 20.0 - 0.1 * s << " }\n";
    net << "} }\nrecording { state { population: \"tgt\" variable: \"V_m\" } state { population: \"tgt\" "
           "variable: "
           "\"I_syn_ex\" } }\n";
    return net.str();
  };
  std::vector<int> order(40);
  for (int k = 0; k < 40; ++k) order[k] = k;
  const auto dir = scratch_dir("simultaneous");
  std::vector<std::vector<float>> traces;
  std::mt19937 rng(5);
  for (int variant = 0; variant < 3; ++variant) {
    if (variant > 0) std::shuffle(order.begin(), order.end(), rng);
    const auto file = dir / ("net" + std::to_string(variant) + ".textproto");
    const auto out = dir / ("o" + std::to_string(variant) + ".h5");
    write_file(file, network(order));
    const auto r = run_spikeq("run '" + file.string() + "' -o '" + out.string() + "' -q", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    traces.push_back(read_frames(out, "tgt").values);
    const auto current = read_frames(out, "tgt.I_syn_ex").values;
    // All 40 inputs arrive at 30 ms = frame 300 and make the current jump at once.
    ASSERT_GT(current.size(), 301u);
    EXPECT_EQ(current[299], 0.0f);
    EXPECT_GT(current[300], 500.0f);
  }
  EXPECT_EQ(traces[0], traces[1]);
  EXPECT_EQ(traces[0], traces[2]);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
