// A network too big for the machine is refused before anything is allocated: exit
// code 2 within a second, a message with the estimate, what is available and the
// projection that dominates, and no output file.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

// 10^6 neurons, all to all: 10^12 synapses (about 30 TiB).
const char* const trillion_synapses = R"(population { name: "n" size: 1000000 iaf_psc_exp {} }
projection { name: "small" source: "n" target: "n" one_to_one {} weight { constant: 1 } }
projection {
  name: "everything" source: "n" target: "n"
  all_to_all {}
  weight { constant: 1 }
}
)";

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void expect_refused(const cli_result& r, const std::string& net, int line) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(net + ":" + std::to_string(line) + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: the network needs an estimated "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" GiB are available; projection 'everything' dominates ("), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1e+12 synapses)"), std::string::npos) << r.err;
}

TEST(memory_guard, a_trillion_synapses_exit_2_at_once_without_output) {
  const auto dir = scratch_dir("memory_guard");
  const auto net = (dir / "huge.textproto").string();
  { std::ofstream(net) << trillion_synapses; }
  const auto out = dir / "out.h5";
  cli_result r;
  const double run_s =
      seconds_of([&] { r = run_spikeq("run '" + net + "' -o '" + out.string() + "'", dir); });
  expect_refused(r, net, 3);
  EXPECT_LT(run_s, 1.0);
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    EXPECT_NE(entry.path().extension(), ".h5") << "left behind: " << entry.path();
  const double validate_s = seconds_of([&] { r = run_spikeq("validate '" + net + "'", dir); });
  expect_refused(r, net, 3);
  EXPECT_LT(validate_s, 1.0);
  std::filesystem::remove_all(dir);
}

TEST(memory_guard, absurd_population_with_fixed_probability_fails_fast) {
  const auto dir = scratch_dir("memory_guard_absurd");
  const auto net = (dir / "absurd.textproto").string();
  {
    std::ofstream(net) << "population { name: \"n\" size: 99999999 iaf_psc_exp {} }\n"
                          "projection { name: \"p\" source: \"n\" target: \"n\" fixed_probability { p: 0.1 } "
                          "weight { constant: 1 } }\n";
  }
  cli_result r;
  const double s = seconds_of([&] { r = run_spikeq("validate '" + net + "'", dir); });
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("projection 'p' dominates"), std::string::npos) << r.err;
  EXPECT_LT(s, 1.0);
  std::filesystem::remove_all(dir);
}

TEST(memory_guard, the_limit_can_be_set_from_the_environment) {
  // CUBA needs some tens of MB; with 1 MB "available" it is refused, without the
  // variable it runs.
  const auto dir = scratch_dir("memory_guard_limit");
  const std::string net = source_path("examples/cuba.textproto");
  ::setenv("SPIKEQ_MEMORY_LIMIT_BYTES", "1000000", 1);
  const auto refused = run_spikeq("validate '" + net + "'", dir);
  ::unsetenv("SPIKEQ_MEMORY_LIMIT_BYTES");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("0.00 GiB are available"), std::string::npos) << refused.err;
  EXPECT_EQ(run_spikeq("validate '" + net + "'", dir).exit_code, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
