// The neuromodulator level statistics of analysis/modulator_statistics.hpp against
// closed forms: M(t) = tonic + sum_{t_k <= t} a_k exp(-(t - t_k) / tau), whose mean
// over [A, B] is tonic + (1 / (B - A)) sum_{t_k <= B} a_k tau (exp(-(max(A, t_k) - t_k)
// / tau) - exp(-(B - t_k) / tau)).
#include "analysis/modulator_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace spikeq::analysis {
namespace {

// Releases of 1.0 at 100 ms and 0.5 at 300 ms, tau 50 ms, tonic 0.1.
const std::vector<double> times{100.0, 300.0}, amounts{1.0, 0.5};
constexpr double tau = 50.0, tonic = 0.1;

TEST(modulator_analysis, mean_level_is_the_closed_form_integral_truncated_at_t_stop) {
  modulator_accumulator acc(tau, tonic, 0.0, 1000.0);
  acc.add(times, amounts);
  const auto s = acc.finish("dopamine");
  // (1/T) * integral_0^T M = tonic + (1/T) sum_k a_k tau (1 - exp(-(T - t_k)/tau)).
  const double expected =
      tonic + (1.0 * tau * (1 - std::exp(-900.0 / tau)) + 0.5 * tau * (1 - std::exp(-700.0 / tau))) / 1000.0;
  EXPECT_NEAR(s.mean_level, expected, 1e-15);
  EXPECT_EQ(s.releases, 2u);
  EXPECT_EQ(s.nonzero_releases, 2u);
  EXPECT_DOUBLE_EQ(s.total_amount, 1.5);
  EXPECT_DOUBLE_EQ(s.release_rate_hz, 2.0);
  EXPECT_DOUBLE_EQ(s.peak_level, 1.1);  // just after the first release
  EXPECT_EQ(s.peak_time_ms, 100.0);
}

TEST(modulator_analysis, a_window_counts_releases_before_it_in_the_level_only) {
  // Window [200, 320]: the release at 100 ms enters decayed, e^{-2} at 200 ms.
  modulator_accumulator acc(tau, tonic, 200.0, 320.0);
  acc.add(times, amounts);
  const auto s = acc.finish("dopamine");
  const double a = 200, b = 320;
  const double expected = tonic + (1.0 * tau * (std::exp(-(a - 100) / tau) - std::exp(-(b - 100) / tau)) +
                                   0.5 * tau * (1 - std::exp(-(b - 300) / tau))) /
                                      (b - a);
  EXPECT_NEAR(s.mean_level, expected, 1e-15);
  EXPECT_EQ(s.releases, 1u);
  EXPECT_DOUBLE_EQ(s.total_amount, 0.5);
  EXPECT_NEAR(s.release_rate_hz, 1 / 0.12, 1e-12);
  EXPECT_NEAR(s.peak_level, tonic + std::exp(-200.0 / tau) + 0.5, 1e-15);
  EXPECT_EQ(s.peak_time_ms, 300.0);
  // A window with no release in it: M decays from its start, which is the peak.
  modulator_accumulator quiet(tau, tonic, 150.0, 250.0);
  quiet.add(times, amounts);
  const auto q = quiet.finish("dopamine");
  EXPECT_EQ(q.releases, 0u);
  EXPECT_NEAR(q.peak_level, tonic + std::exp(-1.0), 1e-15);
  EXPECT_EQ(q.peak_time_ms, 150.0);
  EXPECT_NEAR(q.mean_level, tonic + tau * (std::exp(-1.0) - std::exp(-3.0)) / 100.0, 1e-15);
}

TEST(modulator_analysis, chunks_equal_times_zero_and_negative_amounts) {
  // Releases at one time add up; zero amounts are counted but change nothing; chunks
  // do not matter.
  const std::vector<double> t{10, 10, 20, 30, 40}, x{0.25, 0.25, 0.0, -2.0, 0.0};
  modulator_accumulator whole(10.0, 1.0, 0.0, 50.0), split(10.0, 1.0, 0.0, 50.0);
  whole.add(t, x);
  for (std::size_t k = 0; k < t.size(); ++k) split.add({&t[k], 1}, {&x[k], 1});
  const auto a = whole.finish("m"), b = split.finish("m");
  EXPECT_EQ(a.releases, 5u);
  EXPECT_EQ(a.nonzero_releases, 3u);
  EXPECT_DOUBLE_EQ(a.total_amount, -1.5);
  EXPECT_DOUBLE_EQ(a.peak_level, 1.5);
  EXPECT_EQ(a.peak_time_ms, 10.0);
  const double expected = 1.0 + (0.5 * 10 * (1 - std::exp(-4.0)) - 2.0 * 10 * (1 - std::exp(-2.0))) / 50.0;
  EXPECT_NEAR(a.mean_level, expected, 1e-15);
  EXPECT_EQ(a.mean_level, b.mean_level);
  EXPECT_EQ(a.peak_level, b.peak_level);
  // Releases after the window are ignored; one at its end counts (the window is closed).
  modulator_accumulator end(10.0, 0.0, 0.0, 30.0);
  end.add(t, x);
  const auto e = end.finish("m");
  EXPECT_EQ(e.releases, 4u);
  EXPECT_DOUBLE_EQ(e.total_amount, -1.5);  // the release at 30 ms counts, but adds nothing to the mean
  EXPECT_NEAR(e.mean_level, 0.5 * 10 * (1 - std::exp(-2.0)) / 30.0, 1e-15);
}

TEST(modulator_analysis, after_negative_releases_the_peak_can_be_the_level_just_before_a_release) {
  // Tonic 1, releases of -1 at 10 and 30 ms (tau 10 ms), window [15, 50]: M rises
  // back towards 1 until just before 30 ms, where it reaches 1 - e^{-2}, then drops.
  modulator_accumulator acc(10.0, 1.0, 15.0, 50.0);
  acc.add(std::vector<double>{10, 30}, std::vector<double>{-1, -1});
  const auto s = acc.finish("m");
  EXPECT_NEAR(s.peak_level, 1 - std::exp(-2.0), 1e-15);
  EXPECT_EQ(s.peak_time_ms, 30.0);
  EXPECT_EQ(s.releases, 1u);
}

TEST(modulator_analysis, no_releases_leave_the_tonic_level) {
  modulator_accumulator acc(200.0, 0.002, 0.0, 1000.0);
  const auto s = acc.finish("dopamine");
  EXPECT_EQ(s.releases, 0u);
  EXPECT_DOUBLE_EQ(s.mean_level, 0.002);
  EXPECT_DOUBLE_EQ(s.peak_level, 0.002);
  EXPECT_DOUBLE_EQ(s.release_rate_hz, 0.0);
}

}  // namespace
}  // namespace spikeq::analysis
