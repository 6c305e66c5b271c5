// boltzmann_sleep_hebbian's building blocks (docs/models/sal_boltzmann.md): the exact
// target statistics against the closed form for two neurons, the truncated-normal
// plasticity noise against its analytical moments, and one iteration of the rule
// against the paper code's update written out by hand.
#include "plasticity/boltzmann_sleep_hebbian.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "plasticity/sal.hpp"

namespace spikeq::plasticity {
namespace {

// Two units: Z = 1 + e^b0 + e^b1 + e^(b0 + b1 + w) (states 00, 01, 10, 11).
TEST(boltzmann_statistics, two_units_match_the_closed_form) {
  const double w = 0.7, b0 = -0.3, b1 = 0.4;
  const auto s = exact_boltzmann_statistics(std::vector<double>{0.0, w, w, 0.0}, std::vector<double>{b0, b1});
  const double z = 1.0 + std::exp(b0) + std::exp(b1) + std::exp(b0 + b1 + w);
  EXPECT_NEAR(s.coactivation[1], std::exp(b0 + b1 + w) / z, 1e-15);
  EXPECT_NEAR(s.coactivation[2], s.coactivation[1], 1e-15);
  EXPECT_EQ(s.coactivation[0], 0.0);
  EXPECT_NEAR(s.marginal[0], (std::exp(b0) + std::exp(b0 + b1 + w)) / z, 1e-15);
  EXPECT_NEAR(s.probability[1], std::exp(b1) / z, 1e-15);  // state 01: z_1 = 1 (bit 0)
  EXPECT_NEAR(std::accumulate(s.probability.begin(), s.probability.end(), 0.0), 1.0, 1e-15);
}

// N(0, 1) truncated to |x| <= 1.5: mean 0, variance 1 - 2 c phi(c) / (2 Phi(c) - 1), c = 1.5.
TEST(noised_amplitudes, truncated_normal_moments_and_keying) {
  const double sigma = 0.05;
  std::vector<std::uint64_t> ids(20000);
  std::iota(ids.begin(), ids.end(), 0);
  const auto a = noised_amplitudes(sigma, 9, 3, ids);
  double mean = 0, sq = 0;
  for (const double x : a) {
    EXPECT_LE(std::abs(x - 1.0), 1.5 * sigma + 1e-15);
    mean += x;
  }
  mean /= static_cast<double>(a.size());
  for (const double x : a) sq += (x - mean) * (x - mean);
  const double sd = std::sqrt(sq / static_cast<double>(a.size() - 1));
  const double c = 1.5, phi = std::exp(-c * c / 2) / std::sqrt(2 * M_PI),
               big_phi = 0.5 * std::erfc(-c / std::sqrt(2.0));
  const double expected_sd = sigma * std::sqrt(1.0 - 2 * c * phi / (2 * big_phi - 1));
  EXPECT_NEAR(mean, 1.0, 4 * sigma / std::sqrt(20000.0));
  EXPECT_NEAR(sd, expected_sd, 0.03 * expected_sd);
  // The draw of a synapse depends on its id only (not on its position).
  const auto b = noised_amplitudes(sigma, 9, 3, std::vector<std::uint64_t>{17, 5});
  EXPECT_EQ(b[0], a[17]);
  EXPECT_EQ(b[1], a[5]);
}

// Synapses 0 (1 -> 0) and 1 (0 -> 1); neuron 1 spikes at tick 100, neuron 0 at 103;
// iteration end at 1000 ticks of 1 ms, tau = normalization = 10 ms. The paper code:
// S = 1 - 3/10 for both synapses, W += lr_w (C* - S * 10/1000) + lr_s A * 10/1000 with
// A = -0.7 for the causal synapse 1 -> 0 and +0.7 for 0 -> 1; b += lr_b (p* - n * 10/1000).
TEST(boltzmann_sleep_hebbian, one_iteration_matches_the_paper_update) {
  std::vector<weight_type> table{0.25f, -0.5f};
  const std::vector<neuron_id_type> target{0, 1};
  boltzmann_sleep_parameters p;
  p.tau_ms = 10;
  p.normalization_ms = 10;
  p.eta_weight = 0.1;
  p.eta_bias = 0.2;
  p.eta_sal = 0.3;
  std::vector<double> bias{0.0, 0.0};
  bias_access access = [&](neuron_id_type n, double d, double lo, double hi) {
    return bias[n] = std::clamp(bias[n] + d, lo, hi);
  };
  boltzmann_sleep_hebbian_rule rule(p, 1.0, table, target, {0.2, 0.2}, {0.4, 0.6}, access, {1000});
  const std::uint64_t s0 = 0, s1 = 1;
  rule.on_pre_arrival(100, 0, 1);                                        // neuron 1's spike reaches 1 -> 0
  rule.on_post_arrival(100, 1, std::span<const std::uint64_t>(&s1, 1));  // and is 0 -> 1's post spike
  rule.on_pre_arrival(103, 1, 2);                                        // neuron 0's spike reaches 0 -> 1
  rule.on_post_arrival(103, 0, std::span<const std::uint64_t>(&s0, 1));
  const std::vector<std::uint64_t> all{0, 1};
  rule.on_tick(1000, all);
  const double s = 0.7 * 10.0 / 1000.0;
  EXPECT_NEAR(rule.weight(0), 0.25 + 0.1 * (0.2 - s) + 0.3 * (-s), 1e-15);
  EXPECT_NEAR(rule.weight(1), -0.5 + 0.1 * (0.2 - s) + 0.3 * s, 1e-15);
  EXPECT_NEAR(bias[0], 0.2 * (0.4 - 1.0 * 10.0 / 1000.0), 1e-15);
  EXPECT_NEAR(bias[1], 0.2 * (0.6 - 1.0 * 10.0 / 1000.0), 1e-15);
}

// The sal rule's plasticity noise scales every window value of a synapse by its
// amplitude (train_bm.py's noised a_plus = -a, a_minus = +a); 1 without noise.
TEST(sal_rule, noised_amplitudes_scale_each_synapses_window) {
  sal_parameters p;
  p.tau_causal_ms = p.tau_anticausal_ms = 10.0;
  p.eta = 1.0;
  p.amplitude = {1.2, 0.9};
  std::vector<weight_type> table{0.0f, 0.0f};
  sal_rule rule(p, 1.0, table);
  const std::vector<std::uint64_t> both{0, 1};
  rule.on_pre_arrival(10, 0, 2);
  rule.on_post_arrival(15, 0, both);  // pre 5 ms before post on both synapses
  EXPECT_DOUBLE_EQ(rule.weight(0), -1.2 * std::exp(-0.5));
  EXPECT_DOUBLE_EQ(rule.weight(1), -0.9 * std::exp(-0.5));
  EXPECT_EQ(rule.amplitude(0), 1.2);
}

}  // namespace
}  // namespace spikeq::plasticity
