// distribution_values::fill draws a row's weights and delays at once; each must be
// what the description's distribution gives that synapse drawn alone, from the
// stream keyed by (seed, weight or delay, projection, source), with explicit
// from_list values replacing drawn ones without shifting the others.
#include "synapses/synapse_values.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace spikeq {
namespace {

distribution normal(double mean, double sd, double lowest) {
  distribution d;
  d.type = distribution::kind::normal;
  d.a = mean;
  d.b = sd;
  d.min = lowest;
  return d;
}

TEST(synapse_values, a_row_gets_the_values_of_its_synapses_drawn_one_by_one) {
  const time_grid grid(0.1);
  const distribution weight = normal(87.8, 8.78, 0.0);
  const distribution delay_ms = normal(1.5, 0.75, 0.1);  // the microcircuit's excitatory delays
  distribution_values values(weight, delay_ms, grid, 42, 6);
  const std::size_t n = 700;  // more than one batch of delays
  values.list_weight.assign(n, std::nullopt);
  values.list_delay_ms.assign(n, std::nullopt);
  values.list_weight[5] = -3.0;
  values.list_delay_ms[300] = 2.0;
  std::vector<std::uint32_t> targets(n);
  std::vector<std::uint64_t> list_index(n);
  for (std::size_t i = 0; i < n; ++i) list_index[i] = i;
  for (const bool with_list : {false, true}) {
    std::vector<double> weights(n);
    std::vector<tick_type> delays(n);
    const std::uint32_t source = 9;
    values.fill(source, 0, targets,
                with_list ? std::span<const std::uint64_t>(list_index) : std::span<const std::uint64_t>(),
                weights, delays);
    random_stream weight_rng(42, stream_kind::weight, 6, source);
    random_stream delay_rng(42, stream_kind::delay, 6, source);
    for (std::size_t i = 0; i < n; ++i) {
      const double w = weight.sample(weight_rng, i);
      const double ms = delay_ms.sample(delay_rng, i);
      EXPECT_EQ(weights[i], with_list && i == 5 ? -3.0 : w) << "synapse " << i;
      EXPECT_EQ(delays[i], grid.to_ticks(with_list && i == 300 ? 2.0 : ms)) << "synapse " << i;
    }
  }
  EXPECT_FALSE(values.first_bad_delay());
}

}  // namespace
}  // namespace spikeq
