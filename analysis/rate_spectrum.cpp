#include "analysis/rate_spectrum.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

namespace spikeq::analysis {

void fft(std::vector<double>& re, std::vector<double>& im) {
  const std::size_t n = re.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  for (std::size_t length = 2; length <= n; length <<= 1) {
    const double angle = -2.0 * std::numbers::pi / static_cast<double>(length);
    for (std::size_t start = 0; start < n; start += length)
      for (std::size_t k = 0; k < length / 2; ++k) {
        // Twiddles computed directly (not by recurrence) to keep rounding at 1 ulp.
        const double wr = std::cos(angle * static_cast<double>(k)),
                     wi = std::sin(angle * static_cast<double>(k));
        const std::size_t a = start + k, b = a + length / 2;
        const double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
  }
}

rate_spectrum_accumulator::rate_spectrum_accumulator(double t_start_ms, double t_stop_ms)
    : t_start_ms_(t_start_ms),
      counts_(static_cast<std::size_t>(std::max(0.0, std::floor((t_stop_ms - t_start_ms) / bin_ms + 1e-9))),
              0.0) {}

void rate_spectrum_accumulator::add(std::span<const double> times_ms) {
  for (const double t : times_ms) {
    const double bin = std::floor((t - t_start_ms_) / bin_ms);
    if (bin >= 0 && bin < static_cast<double>(counts_.size())) counts_[static_cast<std::size_t>(bin)] += 1.0;
  }
}

spectrum_result rate_spectrum_accumulator::finish(double band_low_hz, double band_high_hz) const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr std::size_t n = segment_bins;
  spectrum_result r;
  r.band_low_hz = band_low_hz;
  r.band_high_hz = band_high_hz;
  r.segments = counts_.size() / n;
  if (r.segments == 0) {
    r.peak_hz = r.band_power_fraction = nan;
    return r;
  }
  r.power.assign(n / 2 + 1, 0.0);
  std::vector<double> re(n), im(n);
  for (std::uint64_t s = 0; s < r.segments; ++s) {
    double mean = 0;
    for (std::size_t k = 0; k < n; ++k) mean += counts_[s * n + k];
    mean /= static_cast<double>(n);
    for (std::size_t k = 0; k < n; ++k) {
      // numpy.hanning(n): 0.5 - 0.5 cos(2 pi k / (n - 1)).
      const double hann = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(k) / (n - 1));
      re[k] = (counts_[s * n + k] - mean) * hann;
      im[k] = 0.0;
    }
    fft(re, im);
    for (std::size_t f = 0; f <= n / 2; ++f)
      r.power[f] += (re[f] * re[f] + im[f] * im[f]) / static_cast<double>(r.segments);
  }
  const double df = 1000.0 / (bin_ms * static_cast<double>(n));
  r.frequency_hz.resize(n / 2 + 1);
  double total = 0, band = 0, best = -1;
  for (std::size_t f = 0; f <= n / 2; ++f) {
    const double hz = static_cast<double>(f) * df;
    r.frequency_hz[f] = hz;
    if (hz < 2.0) continue;
    total += r.power[f];
    if (hz >= band_low_hz && hz < band_high_hz) band += r.power[f];
    if (r.power[f] > best) {
      best = r.power[f];
      r.peak_hz = hz;
    }
  }
  r.band_power_fraction = total > 0 ? band / total : nan;
  if (!(total > 0)) r.peak_hz = nan;
  return r;
}

}  // namespace spikeq::analysis
