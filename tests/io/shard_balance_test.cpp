// The estimated loads that divide populations among shards (io/shard_balance.hpp):
// which parts of a description cost what, and the microcircuit's division.
#include "io/shard_balance.hpp"

#include <gtest/gtest.h>

#include <string>

#include "io/network_file.hpp"
#include "io/resolve.hpp"

namespace spikeq::io {
namespace {

std::vector<population_load> loads_of(const std::string& text) {
  auto file = parse_network_text(text, "net.textproto");
  resolve_network(file);
  return population_loads(file.network);
}

TEST(shard_balance, a_stepped_neuron_costs_its_steps_and_an_event_driven_one_its_inputs) {
  const auto loads = loads_of(R"(
simulation { dt: 0.1 }
population { name: "stepped" size: 10 iaf_psc_exp {} }
population { name: "event_driven" size: 10 iaf_psc_delta {} }
population { name: "readout" size: 3 linear_readout {} }
projection { source: "stepped" target: "readout" all_to_all {} weight { constant: 1 } }
)");
  ASSERT_EQ(loads.size(), 3u);
  EXPECT_EQ(loads[0].size, 10u);
  EXPECT_DOUBLE_EQ(loads[0].cost_per_neuron, 10000 * 3.0);  // 10^4 steps per s at 3 ns
  EXPECT_DOUBLE_EQ(loads[1].cost_per_neuron, 0.0);
  EXPECT_DOUBLE_EQ(loads[2].cost_per_neuron, 0.0);  // owned whole by shard 0, not divided
}

TEST(shard_balance, plastic_inputs_cost_more_than_static_ones) {
  const std::string populations = R"(
population { name: "a" size: 100 iaf_psc_exp {} }
population { name: "b" size: 100 iaf_psc_exp {} }
population { name: "c" size: 100 iaf_psc_exp {} }
)";
  const auto loads = loads_of(populations + R"(
projection { source: "a" target: "b" fixed_number_pre { n: 10 } weight { constant: 1 } delay { constant: 1 } }
projection { source: "a" target: "c" fixed_number_pre { n: 10 } weight { constant: 1 } delay { constant: 1 }
             plasticity { stdp { tau_plus: 20 tau_minus: 20 Wmax: 2 additive { A_plus: 0.01 A_minus: 0.01 } } } }
)");
  // Per neuron of b: 10 inputs at 5 Hz, 2.5 ns each; one delay, so one block per
  // source (100 blocks over 100 neurons) at 52 ns. c's plastic inputs are events:
  // 56 ns each, 1060 ns per block.
  const double steps = 10000 * 3.0;
  EXPECT_DOUBLE_EQ(loads[0].cost_per_neuron, steps);
  EXPECT_NEAR(loads[1].cost_per_neuron, steps + 5 * (10 * 2.5 + 1 * 52), 1e-6);
  EXPECT_NEAR(loads[2].cost_per_neuron, steps + 5 * (10 * 56 + 1 * 1060), 1e-6);
}

TEST(shard_balance, the_microcircuit_on_two_shards_splits_one_population) {
  auto file = read_network_file(SPIKEQ_SOURCE_DIR "/examples/microcircuit.textproto");
  resolve_network(file);
  const auto slices = population_slices(file.network, 2);
  ASSERT_EQ(slices.size(), 8u);
  int split = 0;
  for (const auto& f : slices) {
    ASSERT_EQ(f.size(), 3u);
    if (f[1] > 0 && f[1] < f[2]) ++split;
  }
  EXPECT_EQ(split, 1);
  // Layers 2/3 whole on shard 0, layers 5 and 6 whole on shard 1.
  EXPECT_EQ(slices[0][1], slices[0][2]);
  EXPECT_EQ(slices[7][1], 0u);
}

}  // namespace
}  // namespace spikeq::io
