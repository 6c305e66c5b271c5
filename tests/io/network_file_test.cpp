// Parsing and validating network descriptions: every error names file:line:col
// and the field; defaults come from the schema; the resolved text round-trips.
#include "io/network_file.hpp"

#include <gtest/gtest.h>

#include "io/resolve.hpp"

namespace spikeq::io {
namespace {

const char* const minimal = R"(
simulation { t_stop: 100 }
population {
  name: "a"
  size: 10
  iaf_psc_exp { tau_m: 20 }
}
)";

std::vector<diagnostic> errors_of(const std::string& text) {
  try {
    auto file = parse_network_text(text, "net.textproto");
    resolve_network(file);
  } catch (const input_error& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(network_file, syntax_error_names_line_and_column) {
  const auto errors = errors_of("population {\n  name: \"a\"\n  size: 10 10\n}\n");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].file, "net.textproto");
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_GT(errors[0].column, 0);
  EXPECT_NE(errors[0].format().find("net.textproto:3:"), std::string::npos);
}

TEST(network_file, unknown_field_is_an_error) {
  const auto errors = errors_of("population {\n  name: \"a\"\n  sise: 10\n}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_NE(errors[0].message.find("sise"), std::string::npos);
}

TEST(network_file, negative_time_constant_points_at_the_field) {
  const auto errors =
      errors_of("population {\n  name: \"a\"\n  size: 1\n  iaf_psc_exp {\n    tau_m: -5\n  }\n}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 5);
  EXPECT_EQ(errors[0].column, 5);
  EXPECT_NE(errors[0].message.find("tau_m = -5 ms must be > 0 ms"), std::string::npos) << errors[0].message;
}

TEST(network_file, probability_above_one_is_rejected) {
  const std::string text = std::string(minimal) +
                           "projection {\n  source: \"a\"\n  target: \"a\"\n  fixed_probability { p: 1.5 }\n"
                           "  weight { constant: 1 }\n}\n";
  const auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 11);
  EXPECT_NE(errors[0].message.find("must be <= 1"), std::string::npos) << errors[0].message;
}

TEST(network_file, dangling_population_and_zero_delay_are_both_reported) {
  const std::string text = std::string(minimal) +
                           "projection {\n  source: \"a\"\n  target: \"b\"\n  all_to_all {}\n"
                           "  weight { constant: 1 }\n  delay { constant: 0 }\n}\n";
  const auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 10);
  EXPECT_NE(errors[0].message.find("unknown population 'b'"), std::string::npos);
  EXPECT_EQ(errors[1].line, 13);
  EXPECT_NE(errors[1].message.find("shorter than one resolution step"), std::string::npos);
}

TEST(network_file, duplicate_population_names_are_rejected) {
  const auto errors = errors_of(std::string(minimal) + "population { name: \"a\" size: 2 iaf_psc_exp {} }\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("duplicate population name 'a'"), std::string::npos);
}

TEST(network_file, defaults_come_from_the_schema_and_presets) {
  auto file = parse_network_text(
      std::string(minimal) + "population { name: \"z\" size: 1 izhikevich { preset: CH } }\n",
      "net.textproto");
  resolve_network(file);
  const auto& lif = file.network.population(0).iaf_psc_exp();
  EXPECT_DOUBLE_EQ(lif.tau_m(), 20);  // given
  EXPECT_DOUBLE_EQ(lif.c_m(), 250);   // NEST default
  EXPECT_DOUBLE_EQ(lif.v_th(), -55);  // NEST default
  EXPECT_DOUBLE_EQ(lif.dt(), 0.1);    // simulation default
  const auto& izh = file.network.population(1).izhikevich();
  EXPECT_DOUBLE_EQ(izh.c(), -50);  // chattering preset, Izhikevich 2003 Fig. 2
  EXPECT_DOUBLE_EQ(izh.d(), 2);
  EXPECT_DOUBLE_EQ(izh.dt(), 1);  // his scheme's 1 ms step
  EXPECT_EQ(file.network.simulation().seed(), 1u);
}

TEST(network_file, resolved_text_parses_back_to_the_same_network) {
  auto file = parse_network_text(minimal, "net.textproto");
  resolve_network(file, {250.0, 9u});
  EXPECT_DOUBLE_EQ(file.network.simulation().t_stop(), 250.0);
  auto again = parse_network_text(resolved_text(file.network), "resolved");
  EXPECT_EQ(again.network.SerializeAsString(), file.network.SerializeAsString());
}

TEST(network_file, recording_the_same_thing_twice_is_rejected) {
  const auto errors =
      errors_of(std::string(minimal) +
                "recording {\n  spikes { population: \"a\" }\n  spikes { population: \"a\" }\n"
                "  state { population: \"a\" variable: \"V_m\" }\n"
                "  state { population: \"a\" variable: \"V_m\" }\n}\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 10);
  EXPECT_NE(errors[0].message.find("already recorded"), std::string::npos);
  EXPECT_EQ(errors[1].line, 12);
}

TEST(network_file, conductance_weights_must_be_bounded_below_by_zero) {
  const std::string base = "population { name: \"c\" size: 2 iaf_cond_exp {} }\n";
  auto errors = errors_of(base +
                          "projection { source: \"c\" target: \"c\" all_to_all {}\n"
                          "  weight { normal { mean: 5 std: 1 } } receptor_type: EXCITATORY }\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("lower bound"), std::string::npos) << errors[0].message;
  errors = errors_of(base +
                     "projection { source: \"c\" target: \"c\" all_to_all {}\n  weight { constant: -3 } }\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find(">= 0 nS"), std::string::npos) << errors[0].message;
  EXPECT_TRUE(errors_of(base + "projection { source: \"c\" target: \"c\" all_to_all {}\n"
                               "  weight { normal { mean: 5 std: 1 min: 0 } } receptor_type: INHIBITORY }\n")
                  .empty());
}

}  // namespace
}  // namespace spikeq::io
