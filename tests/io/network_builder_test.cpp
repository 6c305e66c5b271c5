// Building networks from descriptions: sizes, connectivity as described, delays
// in ticks, and bit-identical construction for the same seed.
#include "io/network_builder.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <tuple>

#include "core/sharded_population.hpp"
#include "io/resolve.hpp"

namespace spikeq::io {
namespace {

network build(const std::string& text, std::size_t shards = 1) {
  auto file = parse_network_text(text, "net.textproto");
  resolve_network(file);
  return build_network(file, shards);
}

// One synapse in canonical terms: (source, delay, target, weight).
using edge = std::tuple<std::uint32_t, tick_type, neuron_id_type, weight_type>;

// The table's synapses in edge id order (core/synapse_table.hpp, canonical_order).
std::vector<edge> canonical_edges(const synapse_table& t) {
  std::vector<std::uint32_t> source(t.synapse_count());
  std::vector<tick_type> delay(t.synapse_count());
  for (std::uint32_t s = 0; s < t.source_count(); ++s)
    for (std::uint32_t b = t.source_begin(s); b < t.source_end(s); ++b)
      for (std::uint64_t e = t.block_first_synapse[b]; e < t.block_first_synapse[b + 1]; ++e) {
        source[e] = s;
        delay[e] = t.block_delay[b];
      }
  std::vector<edge> edges;
  for (const std::uint64_t e : canonical_order(t))
    edges.emplace_back(source[e], delay[e], t.target[e], t.weight[e]);
  return edges;
}

const char* const two_populations = R"(
population { name: "exc" size: 80 iaf_psc_exp {} }
population { name: "inh" size: 20 iaf_psc_exp {} }
projection {
  source: "exc" target: ["exc", "inh"]
  fixed_number_post { n: 10 allow_self_connections: false }
  weight { uniform { low: 1 high: 2 } }
  delay { cycle { low: 1 high: 5 step: 1 } }
}
projection {
  source: "inh" target: "exc"
  fixed_probability { p: 0.5 }
  weight { constant: -3 }
}
)";

TEST(network_builder, builds_populations_and_split_projections) {
  const network net = build(two_populations);
  ASSERT_EQ(net.populations.size(), 2u);
  EXPECT_EQ(net.first_global_id, (std::vector<global_neuron_id_type>{0, 80}));
  // exc->[exc, inh] becomes one table per target population.
  ASSERT_EQ(net.projections.size(), 3u);
  EXPECT_EQ(net.projections[0].synapses.synapse_count() + net.projections[1].synapses.synapse_count(), 800u);
  EXPECT_EQ(net.projections[2].receptor, receptor_type::inhibitory);  // from the weight's sign
  EXPECT_EQ(net.min_delay(), 100);   // default delay: one dt = 0.1 ms = 100 ticks
  EXPECT_EQ(net.max_delay(), 5000);  // 5 ms
  for (const auto& p : net.projections)
    for (float w : p.synapses.weight) {
      if (p.receptor == receptor_type::excitatory) {
        EXPECT_GE(w, 1.0f);
        EXPECT_LT(w, 2.0f);
      } else {
        EXPECT_EQ(w, -3.0f);
      }
    }
}

TEST(network_builder, same_seed_builds_identical_tables) {
  const network a = build(two_populations);
  const network b = build(two_populations);
  for (std::size_t k = 0; k < a.projections.size(); ++k) {
    EXPECT_EQ(a.projections[k].synapses.target, b.projections[k].synapses.target);
    EXPECT_EQ(a.projections[k].synapses.weight, b.projections[k].synapses.weight);
    EXPECT_EQ(a.projections[k].synapses.block_delay, b.projections[k].synapses.block_delay);
  }
}

TEST(network_builder, shards_and_build_threads_change_the_layout_not_the_synapses) {
  // Tables grouped by target shard (1, 2, 3, 7 shards; 1 and 2 build threads) hold
  // exactly the synapses, in edge id order, of the one-shard table; every block of a
  // shard targets only neurons of that shard's slice.
  std::vector<edge> reference[3];
  {
    const tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    const network a = build(two_populations, 1);
    for (std::size_t k = 0; k < 3; ++k) reference[k] = canonical_edges(a.projections[k].synapses);
  }
  for (const std::size_t shards : {1, 2, 3, 7}) {
    const tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
    const network b = build(two_populations, shards);
    for (std::size_t k = 0; k < 3; ++k) {
      const synapse_table& t = b.projections[k].synapses;
      EXPECT_EQ(t.shards, shards);
      EXPECT_EQ(canonical_edges(t), reference[k]) << shards << " shards, projection " << k;
      const auto* split =
          dynamic_cast<const sharded_population*>(b.populations[b.projections[k].target_population].get());
      ASSERT_NE(split, nullptr);
      std::vector<neuron_id_type> first;
      for (std::size_t s = 0; s <= split->slice_count(); ++s) first.push_back(split->first(s));
      for (std::uint32_t s = 0; s < t.source_count(); ++s)
        for (std::uint32_t shard = 0; shard < shards; ++shard)
          for (std::uint32_t blk = t.first_block(s, shard); blk < t.end_block(s, shard); ++blk)
            for (std::uint64_t e = t.block_first_synapse[blk]; e < t.block_first_synapse[blk + 1]; ++e) {
              EXPECT_GE(t.target[e], first[shard]);
              EXPECT_LT(t.target[e], first[shard + 1]);
            }
    }
  }
}

TEST(network_builder, list_weights_must_match_the_connection_count) {
  const std::string text = R"(
population { name: "a" size: 3 iaf_psc_exp {} }
projection { source: "a" target: "a" all_to_all {} weight { list { values: [1, 2] } } }
)";
  try {
    build(text);
    FAIL() << "expected an input error";
  } catch (const input_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].line, 3);
    EXPECT_NE(e.diagnostics()[0].message.find("9 connections"), std::string::npos) << e.what();
  }
}

TEST(network_builder, too_many_distinct_partners_is_an_input_error) {
  const std::string text = R"(
population { name: "a" size: 5 iaf_psc_exp {} }
projection { source: "a" target: "a" fixed_number_post { n: 5 allow_self_connections: false } weight { constant: 1 } }
)";
  EXPECT_THROW(build(text), input_error);
}

TEST(network_builder, receptor_follows_the_sign_of_explicit_weights) {
  // NEST's convention when receptor_type is not given: negative weights inhibit.
  const network net = build(R"(
population { name: "a" size: 2 iaf_psc_exp {} }
projection { source: "a" target: "a"
  from_list { connection { source: 0 target: 1 weight: -4 } connection { source: 1 target: 0 weight: 0 } } }
)");
  ASSERT_EQ(net.projections.size(), 1u);
  EXPECT_EQ(net.projections[0].receptor, receptor_type::inhibitory);
  try {
    build(R"(
population { name: "a" size: 2 iaf_psc_exp {} }
projection { source: "a" target: "a" all_to_all {} weight { normal { mean: 0 std: 1 } } }
)");
    FAIL() << "expected an input error";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("both signs"), std::string::npos) << e.what();
  }
}

TEST(network_builder, izhikevich_heterogeneity_draws_one_r_per_neuron_for_any_shard_count) {
  // net.m's inhibitory scheme: b = 0.25 - 0.05 r, so the default initial U_m = b * V_m
  // (V_m = -65) shows each neuron's r; r ~ U(0, 1) from (seed, population, neuron).
  const char* const text = R"(
population { name: "exc" size: 10 izhikevich { heterogeneity: NET_M_EXCITATORY } }
population { name: "inh" size: 400 izhikevich { heterogeneity: NET_M_INHIBITORY } }
)";
  std::vector<std::vector<double>> u;
  for (const std::size_t shards : {1u, 3u}) {
    const network net = build(text, shards);
    std::vector<neuron_id_type> all(400);
    for (neuron_id_type k = 0; k < 400; ++k) all[k] = k;
    u.emplace_back(400);
    net.populations[1]->sample(1, 0, all, u.back());
  }
  EXPECT_EQ(u[0], u[1]);
  double sum = 0.0;
  for (const double x : u[0]) {
    EXPECT_GT(x, -65.0 * 0.25 - 1e-12);
    EXPECT_LE(x, -65.0 * 0.2 + 1e-12);
    sum += x;
  }
  // Mean of -65 (0.25 - 0.05 r) is -14.625; its SD over 400 neurons is 0.047.
  EXPECT_NEAR(sum / 400.0, -14.625, 0.25);
  EXPECT_LT(*std::min_element(u[0].begin(), u[0].end()), -16.0);
  EXPECT_GT(*std::max_element(u[0].begin(), u[0].end()), -13.25);
}

TEST(network_builder, izhikevich_heterogeneity_excludes_presets_and_parameters) {
  for (const char* model :
       {"preset: FS heterogeneity: NET_M_INHIBITORY", "d: 4 heterogeneity: NET_M_EXCITATORY"}) {
    const std::string text = std::string("population { name: \"p\" size: 2 izhikevich { ") + model + " } }\n";
    try {
      build(text);
      FAIL() << "expected an input error for " << model;
    } catch (const input_error& e) {
      EXPECT_NE(std::string(e.what()).find("heterogeneity sets a, b, c and d"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace spikeq::io
