// Spike-train statistics of one population, computed in a single streaming pass
// over time-sorted spikes, so recordings far larger than memory can be analysed.
// Definitions (and their sources) are those of docs/analysis.md; the Python module
// python/spikeq_analysis.py computes the same numbers and is the reference in tests.
//
// Memory: a few numbers per neuron, the population count per bin, and the binned
// counts of at most `max_correlation_neurons` neurons.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace spikeq::analysis {

struct statistics_options {
  double t_start_ms = 0.0;
  double t_stop_ms = 0.0;  // window [t_start, t_stop)
  double bin_ms = 5.0;     // for Fano factor, correlation and synchrony
  std::uint64_t max_correlation_neurons = 100;
};

struct population_statistics {
  std::string name;
  std::uint64_t neurons = 0;          // the neurons the statistics are over (the recorded ones)
  std::uint64_t population_size = 0;  // the whole population, when the file says (else 0)
  bool recorded_listed = true;        // false: neurons are those that spiked (no list in the file)
  std::uint64_t spikes = 0;           // in the window
  double mean_rate_hz = 0, median_rate_hz = 0, p5_rate_hz = 0, p95_rate_hz = 0, fraction_silent = 0;
  std::uint64_t neurons_with_isi_statistics = 0;   // >= 3 spikes
  double mean_cv = 0, median_cv = 0, mean_lv = 0;  // NaN without eligible neurons
  double fano_factor = 0;                          // NaN without active neurons
  double mean_pairwise_correlation = 0;            // NaN with fewer than 2 varying neurons
  double synchrony_chi = 0;
};

class spike_statistics_accumulator {
 public:
  // REQUIRES: neurons > 0; t_stop_ms > t_start_ms; bin_ms > 0.
  spike_statistics_accumulator(std::uint64_t neurons, const statistics_options& options);

  // Adds the next chunk of spikes. REQUIRES: times in non-decreasing order across all
  // calls; node ids < neurons. Spikes outside the window are ignored.
  void add(std::span<const double> times_ms, std::span<const std::uint64_t> node_ids);

  population_statistics finish(const std::string& name) const;

 private:
  struct neuron_state {
    std::uint64_t spikes = 0;
    double last_spike_ms = 0;
    double last_isi_ms = 0;
    // Welford's running mean and sum of squared deviations of the ISIs.
    std::uint64_t isis = 0;
    double isi_mean = 0, isi_m2 = 0;
    double lv_sum = 0;
    // Binned counts: the current bin and the sums over finished bins.
    std::int64_t bin = -1;
    double bin_count = 0, count_sum = 0, count_square_sum = 0;
  };

  statistics_options options_;
  std::uint64_t n_bins_;
  std::vector<neuron_state> neurons_;
  std::vector<double> population_counts_;       // per bin, summed over neurons
  std::vector<std::int64_t> correlation_slot_;  // neuron -> row of sampled_counts_, or -1
  std::vector<std::vector<double>> sampled_counts_;
};

}  // namespace spikeq::analysis
