// The delivery layout: per source, blocks of equal delay in increasing order,
// every connection present exactly once, split correctly over target populations.
#include "synapses/synapse_table_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace spikeq {
namespace {

TEST(synapse_table_builder, blocks_group_equal_delays_in_increasing_order) {
  auto spec = connector_spec::of(connector_spec::kind::fixed_number_post);
  spec.n = 40;
  const auto rows = generate_connections(spec, 20, 100, -1, 5, 0);
  distribution delay_dist;
  delay_dist.type = distribution::kind::cycle;
  delay_dist.a = 1;
  delay_dist.b = 20;
  delay_dist.step = 1;
  const auto delays_ms = sample_per_synapse(delay_dist, rows, 5, stream_kind::delay, 0);
  std::vector<tick_type> delays;
  for (double d : delays_ms) delays.push_back(static_cast<tick_type>(d * 1000));
  std::vector<double> weights(rows.target.size());
  for (std::size_t k = 0; k < weights.size(); ++k) weights[k] = static_cast<double>(k);
  const auto tables = build_synapse_tables(rows, weights, delays, {{0, 100, {}}});
  ASSERT_EQ(tables.size(), 1u);
  const synapse_table& t = tables[0];
  EXPECT_EQ(t.synapse_count(), 800u);
  for (std::uint32_t s = 0; s < 20; ++s) {
    // Cycle 1..20 ms over 40 synapses: exactly 20 blocks of 2 per source.
    ASSERT_EQ(t.source_first_block[s + 1] - t.source_first_block[s], 20u);
    for (std::uint32_t b = t.source_first_block[s]; b < t.source_first_block[s + 1]; ++b) {
      EXPECT_EQ(t.block_targets(b).size(), 2u);
      if (b > t.source_first_block[s]) {
        EXPECT_GT(t.block_delay[b], t.block_delay[b - 1]);
      }
    }
  }
  // Every (source, target, weight, delay) of the input appears once in the table.
  std::multiset<std::tuple<std::uint32_t, std::uint32_t, float, tick_type>> in, out;
  for (std::uint32_t s = 0; s < 20; ++s)
    for (auto k = rows.first[s]; k < rows.first[s + 1]; ++k)
      in.emplace(s, rows.target[k], static_cast<float>(weights[k]), delays[k]);
  for (std::uint32_t s = 0; s < 20; ++s)
    for (std::uint32_t b = t.source_first_block[s]; b < t.source_first_block[s + 1]; ++b)
      for (std::size_t i = 0; i < t.block_targets(b).size(); ++i)
        out.emplace(s, t.block_targets(b)[i], t.block_weights(b)[i], t.block_delay[b]);
  EXPECT_EQ(in, out);
}

TEST(synapse_table_builder, splits_a_projection_over_target_populations) {
  auto spec = connector_spec::of(connector_spec::kind::all_to_all);
  const auto rows = generate_connections(spec, 3, 10, -1, 1, 0);
  std::vector<double> weights(rows.target.size(), 1.0);
  std::vector<tick_type> delays(rows.target.size(), 100);
  const auto tables = build_synapse_tables(rows, weights, delays, {{0, 8, {}}, {8, 2, {}}});
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].synapse_count(), 24u);
  EXPECT_EQ(tables[1].synapse_count(), 6u);
  for (auto tgt : tables[1].target) EXPECT_LT(tgt, 2u);  // local ids of the second population
}

TEST(synapse_table_builder, list_values_follow_creation_order) {
  auto spec = connector_spec::of(connector_spec::kind::all_to_all);
  const auto rows = generate_connections(spec, 2, 3, -1, 1, 0);
  distribution list;
  list.type = distribution::kind::list;
  list.values = {1, 2, 3, 4, 5, 6};
  const auto values = sample_per_synapse(list, rows, 1, stream_kind::weight, 0);
  EXPECT_EQ(values, (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

}  // namespace
}  // namespace spikeq
