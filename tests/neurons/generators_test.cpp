// Spike sources: Poisson statistics and reproducibility; explicit spike times.
#include <gtest/gtest.h>

#include <cmath>

#include "neurons/poisson_generator.hpp"
#include "neurons/spike_generator.hpp"
#include "tests/neurons/driver.hpp"

namespace spikeq {
namespace {

const time_grid generator_grid(0.001);

TEST(poisson_generator, rate_matches_within_statistical_tolerance) {
  // 100 trains at 20 Hz for 10 s: 20000 spikes expected, Poisson SD ~141.
  poisson_generator_parameters p;
  p.rate_Hz = 20.0;
  poisson_generator pop("noise", 100, p, generator_grid, 42, 0);
  const auto spikes = testing::drive(pop, generator_grid.to_ticks(10000));
  EXPECT_NEAR(static_cast<double>(spikes.size()), 20000.0, 5 * std::sqrt(20000.0));
  // Coefficient of variation of ISIs of a Poisson process is 1.
  const auto t = testing::times_of(spikes, 3, 0.001);
  double m = 0, s = 0;
  for (std::size_t k = 1; k < t.size(); ++k) m += t[k] - t[k - 1];
  m /= static_cast<double>(t.size() - 1);
  for (std::size_t k = 1; k < t.size(); ++k) s += (t[k] - t[k - 1] - m) * (t[k] - t[k - 1] - m);
  const double cv = std::sqrt(s / static_cast<double>(t.size() - 1)) / m;
  EXPECT_NEAR(cv, 1.0, 0.15);
}

TEST(poisson_generator, same_seed_same_trains_and_neurons_are_independent) {
  poisson_generator_parameters p;
  p.rate_Hz = 50.0;
  poisson_generator a("n", 2, p, generator_grid, 7, 3);
  poisson_generator b("n", 2, p, generator_grid, 7, 3);
  const auto sa = testing::drive(a, generator_grid.to_ticks(1000));
  const auto sb = testing::drive(b, generator_grid.to_ticks(1000));
  EXPECT_EQ(sa, sb);
  EXPECT_NE(testing::times_of(sa, 0, 0.001), testing::times_of(sa, 1, 0.001));
}

TEST(poisson_generator, respects_start_and_stop) {
  poisson_generator_parameters p;
  p.rate_Hz = 200.0;
  p.start_ms = 100.0;
  p.stop_ms = 200.0;
  poisson_generator pop("n", 10, p, generator_grid, 1, 0);
  const auto spikes = testing::drive(pop, generator_grid.to_ticks(1000));
  ASSERT_FALSE(spikes.empty());
  for (const auto& s : spikes) {
    EXPECT_GE(s.first, 100000);
    EXPECT_LT(s.first, 200000);
  }
}

TEST(spike_generator, emits_exactly_the_given_ticks) {
  spike_generator pop("g", {{500, 100, 100, 7}, {}, {3}});
  const auto spikes = testing::drive(pop, 1000);
  const std::vector<std::pair<tick_type, neuron_id_type>> expected{{3, 2}, {7, 0}, {100, 0}, {500, 0}};
  EXPECT_EQ(spikes, expected);
}

}  // namespace
}  // namespace spikeq
