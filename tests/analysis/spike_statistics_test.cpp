// Streaming spike-train statistics against hand-computed values on tiny trains
// (definitions and sources: docs/analysis.md).
#include "analysis/spike_statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/random_stream.hpp"

namespace spikeq::analysis {
namespace {

population_statistics analyse(std::uint64_t neurons, const std::vector<double>& t,
                              const std::vector<std::uint64_t>& ids, double t_stop, double bin = 5.0) {
  spike_statistics_accumulator acc(neurons, {0.0, t_stop, bin, 100});
  // Feed in two chunks to exercise streaming.
  const std::size_t half = t.size() / 2;
  acc.add(std::span(t).first(half), std::span(ids).first(half));
  acc.add(std::span(t).subspan(half), std::span(ids).subspan(half));
  return acc.finish("p");
}

TEST(spike_statistics, regular_train_has_zero_cv_and_lv_and_exact_rate) {
  std::vector<double> t;
  for (double x = 5; x < 1000; x += 10) t.push_back(x);
  const std::vector<std::uint64_t> ids(t.size(), 0);
  const auto s = analyse(1, t, ids, 1000);
  EXPECT_EQ(s.spikes, 100u);
  EXPECT_DOUBLE_EQ(s.mean_rate_hz, 100.0);
  EXPECT_EQ(s.mean_cv, 0.0);
  EXPECT_EQ(s.mean_lv, 0.0);
  // One spike in every other 5 ms bin: counts alternate 1, 0: mean 0.5, variance 0.25.
  EXPECT_DOUBLE_EQ(s.fano_factor, 0.5);
}

TEST(spike_statistics, hand_computed_cv_lv_and_percentiles) {
  // Neuron 0 ISIs 10, 30: CV = std / mean = 10 / 20 = 0.5;
  // LV = 3 / 1 * ((10 - 30) / 40)^2 = 0.75 (Shinomoto 2003). Neuron 1 silent,
  // neuron 2 one spike: both left out of CV and LV.
  const std::vector<double> t{10, 20, 50, 60};
  const std::vector<std::uint64_t> ids{0, 0, 0, 2};
  const auto s = analyse(3, t, ids, 100, 10);
  EXPECT_EQ(s.neurons_with_isi_statistics, 1u);
  EXPECT_DOUBLE_EQ(s.mean_cv, 0.5);
  EXPECT_DOUBLE_EQ(s.mean_lv, 0.75);
  EXPECT_DOUBLE_EQ(s.fraction_silent, 1.0 / 3.0);
  // Rates 30, 0, 10 Hz: median 10; numpy's linear percentile p95 = 10 + 0.9 * 20 = 28.
  EXPECT_DOUBLE_EQ(s.median_rate_hz, 10.0);
  EXPECT_DOUBLE_EQ(s.p95_rate_hz, 28.0);
}

TEST(spike_statistics, identical_trains_are_fully_correlated_and_synchronous) {
  std::vector<double> t;
  std::vector<std::uint64_t> ids;
  random_stream rng(1, stream_kind::poisson, 0, 0);
  for (double x = rng.exponential(100.0); x < 10000; x += rng.exponential(100.0))
    for (std::uint64_t n = 0; n < 4; ++n) {
      t.push_back(x);
      ids.push_back(n);
    }
  const auto s = analyse(4, t, ids, 10000, 10);
  EXPECT_NEAR(s.mean_pairwise_correlation, 1.0, 1e-12);
  EXPECT_NEAR(s.synchrony_chi, 1.0, 1e-12);
}

TEST(spike_statistics, poisson_trains_have_cv_and_fano_near_one) {
  // 40 independent Poisson trains at 20 Hz for 200 s: ~4000 ISIs each, so CV and LV
  // are within a few percent of 1; Fano factor of 100 ms counts ~1; chi ~ 1/sqrt(40).
  std::vector<std::pair<double, std::uint64_t>> spikes;
  for (std::uint64_t n = 0; n < 40; ++n) {
    random_stream rng(3, stream_kind::poisson, 0, static_cast<std::uint32_t>(n));
    for (double x = rng.exponential(50.0); x < 200000; x += rng.exponential(50.0)) spikes.emplace_back(x, n);
  }
  std::sort(spikes.begin(), spikes.end());
  std::vector<double> t;
  std::vector<std::uint64_t> ids;
  for (const auto& [x, n] : spikes) {
    t.push_back(x);
    ids.push_back(n);
  }
  const auto s = analyse(40, t, ids, 200000, 100);
  EXPECT_NEAR(s.mean_cv, 1.0, 0.03);
  EXPECT_NEAR(s.mean_lv, 1.0, 0.03);
  EXPECT_NEAR(s.fano_factor, 1.0, 0.05);
  EXPECT_NEAR(s.mean_pairwise_correlation, 0.0, 0.01);
  EXPECT_NEAR(s.synchrony_chi, 1.0 / std::sqrt(40.0), 0.05);
}

TEST(spike_statistics, silent_population_gives_nan_not_a_crash) {
  const auto s = analyse(5, {}, {}, 100);
  EXPECT_EQ(s.spikes, 0u);
  EXPECT_EQ(s.fraction_silent, 1.0);
  EXPECT_TRUE(std::isnan(s.mean_cv));
  EXPECT_TRUE(std::isnan(s.fano_factor));
  EXPECT_TRUE(std::isnan(s.mean_pairwise_correlation));
  EXPECT_TRUE(std::isnan(s.synchrony_chi));
}

TEST(spike_statistics, spikes_outside_the_window_are_ignored) {
  spike_statistics_accumulator acc(1, {100.0, 200.0, 10.0, 100});
  const std::vector<double> t{50, 100, 150, 199.999, 200, 250};
  const std::vector<std::uint64_t> ids(t.size(), 0);
  acc.add(t, ids);
  EXPECT_EQ(acc.finish("p").spikes, 3u);
}

}  // namespace
}  // namespace spikeq::analysis
