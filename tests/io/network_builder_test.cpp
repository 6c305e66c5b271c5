// Building networks from descriptions: sizes, connectivity as described, delays
// in ticks, and bit-identical construction for the same seed.
#include "io/network_builder.hpp"

#include <gtest/gtest.h>

#include "io/resolve.hpp"

namespace spikeq::io {
namespace {

network build(const std::string& text) {
  auto file = parse_network_text(text, "net.textproto");
  resolve_network(file);
  return build_network(file);
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

}  // namespace
}  // namespace spikeq::io
