// Power spectrum of a population's rate (docs/analysis.md): spike counts of the
// whole population in 1 ms bins over the window, split into non-overlapping
// segments of 1024 bins (1.024 s; frequency resolution 0.977 Hz, up to 500 Hz), each
// with its mean removed and a Hann window applied, periodograms averaged (Welch
// 1967, without overlap). Reported: the frequency of the largest peak at or above
// 2 Hz, and the power in a band (default gamma, 30-80 Hz) as a fraction of the power
// at or above 2 Hz. python/spikeq_analysis.py computes the same with numpy.fft.
//
// Memory: one count per ms of the window.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace spikeq::analysis {

struct spectrum_result {
  std::uint64_t segments = 0;  // 0: window shorter than one segment; the rest is NaN
  double peak_hz = 0;
  double band_low_hz = 30, band_high_hz = 80;
  double band_power_fraction = 0;
  std::vector<double> frequency_hz, power;  // power in (spikes/bin)^2, arbitrary scale
};

class rate_spectrum_accumulator {
 public:
  static constexpr double bin_ms = 1.0;
  static constexpr std::size_t segment_bins = 1024;

  rate_spectrum_accumulator(double t_start_ms, double t_stop_ms);
  // Counts spikes in [t_start, t_stop); any order.
  void add(std::span<const double> times_ms);
  spectrum_result finish(double band_low_hz = 30, double band_high_hz = 80) const;

 private:
  double t_start_ms_;
  std::vector<double> counts_;
};

// In-place radix-2 FFT of (re, im). REQUIRES: size a power of two.
void fft(std::vector<double>& re, std::vector<double>& im);

}  // namespace spikeq::analysis
