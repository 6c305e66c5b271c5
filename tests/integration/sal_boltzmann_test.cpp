// boltzmann_sleep_hebbian (docs/models/sal_boltzmann.md): bad targets and a negative
// plasticity noise exit 2 naming file:line:col and write no output.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

// 1-based line of the first line containing `needle`.
int line_of(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  int k = 0;
  for (std::string line; std::getline(in, line);) {
    ++k;
    if (line.find(needle) != std::string::npos) return k;
  }
  return -1;
}

struct bad_case {
  const char* name;
  const char* from;  // text replaced in the example
  const char* to;
  const char* field;  // the line of the error contains this
  const char* words;  // part of the message
};

class sal_boltzmann_bad_input : public ::testing::TestWithParam<bad_case> {};

TEST_P(sal_boltzmann_bad_input, exits_with_2_at_the_field) {
  const bad_case c = GetParam();
  const auto dir = scratch_dir(std::string("bm_bad_") + c.name);
  const std::string example = read_text(source_path("examples/sal_boltzmann.textproto"));
  ASSERT_NE(example.find(c.from), std::string::npos) << c.from;
  const std::string text = replace_all(example, c.from, c.to);
  const auto net = dir / "net.textproto";
  std::ofstream(net) << text;
  const auto out = dir / "out.h5";
  const auto r = run_spikeq("run '" + net.string() + "' -o '" + out.string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const std::string where = net.string() + ":" + std::to_string(line_of(text, c.field)) + ":";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected " << where << " in: " << r.err;
  EXPECT_NE(r.err.find(c.words), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(targets, sal_boltzmann_bad_input,
                         ::testing::Values(
                             // 48 instead of 7 x 7 = 49 values.
                             bad_case{"size", "0.000000, 0.390015, ", "0.390015, ", "target_weights",
                                      "7 x 7 = 49"},
                             // W*[0][1] = 0.5 but W*[1][0] = 0.390015, reported at the field (the
                             // elements of a repeated field carry no locations of their own).
                             bad_case{"asymmetric", "[0.000000, 0.390015,", "[0.000000, 0.5,",
                                      "target_weights", "not symmetric: W*[0][1] = 0.5"},
                             bad_case{"biases", "target_biases: [0.537640, ", "target_biases: [",
                                      "target_biases", "the population needs 7"},
                             bad_case{"sigma", "amplitude_noise: 0.05", "amplitude_noise: -0.05",
                                      "amplitude_noise", "amplitude_noise"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace spikeq::testing
