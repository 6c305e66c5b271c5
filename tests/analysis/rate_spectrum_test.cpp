// The population-rate spectrum (analysis/rate_spectrum.hpp) on synthetic trains.
#include "analysis/rate_spectrum.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

namespace spikeq::analysis {
namespace {

TEST(fft, matches_a_direct_discrete_fourier_transform) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  const std::size_t n = 64;
  std::vector<double> x(n), re(n), im(n, 0.0);
  for (auto& v : x) v = normal(rng);
  re = x;
  fft(re, im);
  for (std::size_t f = 0; f < n; ++f) {
    double dr = 0, di = 0;
    for (std::size_t k = 0; k < n; ++k) {
      dr += x[k] * std::cos(2 * std::numbers::pi * f * k / n);
      di -= x[k] * std::sin(2 * std::numbers::pi * f * k / n);
    }
    EXPECT_NEAR(re[f], dr, 1e-12);
    EXPECT_NEAR(im[f], di, 1e-12);
  }
}

TEST(rate_spectrum, a_40_hz_rhythm_peaks_at_40_hz_with_its_power_in_the_gamma_band) {
  // Poisson spikes whose rate is modulated as 1 + sin(2 pi 40 Hz t) (thinning): the
  // peak sits in the frequency bin nearest 40 Hz, 41 * 0.9765625 = 40.04 Hz, and the
  // 30-80 Hz band holds far more than the ~10 % a flat spectrum would give it.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double t_stop = 10 * 1024.0;
  std::vector<double> times;
  for (int k = 0; k < 400000; ++k) {
    const double t = u(rng) * t_stop;
    if (u(rng) < 0.5 * (1.0 + std::sin(2 * std::numbers::pi * 0.040 * t))) times.push_back(t);
  }
  rate_spectrum_accumulator acc(0.0, t_stop);
  acc.add(times);
  const auto r = acc.finish();
  EXPECT_EQ(r.segments, 10u);
  EXPECT_NEAR(r.peak_hz, 40.04, 0.01);
  EXPECT_GT(r.band_power_fraction, 0.5);
}

TEST(rate_spectrum, poisson_spikes_have_a_flat_spectrum_without_a_band_excess) {
  // White noise: the 30-80 Hz band holds about its share of 2-500 Hz, 50/498.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 20 * 1024.0);
  std::vector<double> times(200000);
  for (auto& t : times) t = u(rng);
  rate_spectrum_accumulator acc(0.0, 20 * 1024.0);
  acc.add(times);
  const auto r = acc.finish();
  EXPECT_NEAR(r.band_power_fraction, 50.0 / 498.0, 0.02);
}

TEST(rate_spectrum, a_window_shorter_than_a_segment_reports_nothing) {
  rate_spectrum_accumulator acc(0.0, 1000.0);
  acc.add(std::vector<double>{1.0, 2.0});
  const auto r = acc.finish();
  EXPECT_EQ(r.segments, 0u);
  EXPECT_TRUE(std::isnan(r.peak_hz));
  EXPECT_TRUE(std::isnan(r.band_power_fraction));
}

}  // namespace
}  // namespace spikeq::analysis
