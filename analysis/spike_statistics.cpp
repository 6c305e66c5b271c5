#include "analysis/spike_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace spikeq::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// numpy.percentile's default (linear interpolation between order statistics).
double percentile(std::vector<double> values, double p) {
  if (values.empty()) return nan;
  std::sort(values.begin(), values.end());
  const double position = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (position - static_cast<double>(below));
}

double mean_of(const std::vector<double>& v) {
  return v.empty() ? nan : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Neurons sampled for correlations: numpy.unique(linspace(0, n - 1, m).astype(int64)).
std::vector<std::uint64_t> correlation_sample(std::uint64_t n, std::uint64_t max_neurons) {
  const std::uint64_t m = std::min(n, max_neurons);
  std::vector<std::uint64_t> picks;
  if (m == 1) return {0};
  const double step = static_cast<double>(n - 1) / static_cast<double>(m - 1);
  for (std::uint64_t k = 0; k < m; ++k)
    picks.push_back(static_cast<std::uint64_t>(static_cast<double>(k) * step));
  picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
  return picks;
}

}  // namespace

spike_statistics_accumulator::spike_statistics_accumulator(std::uint64_t neurons,
                                                           const statistics_options& options)
    : options_(options),
      n_bins_(static_cast<std::uint64_t>(
          std::floor((options.t_stop_ms - options.t_start_ms) / options.bin_ms + 1e-9))),
      neurons_(neurons),
      population_counts_(n_bins_, 0.0),
      correlation_slot_(neurons, -1) {
  for (const auto n : correlation_sample(neurons, options.max_correlation_neurons)) {
    correlation_slot_[n] = static_cast<std::int64_t>(sampled_counts_.size());
    sampled_counts_.emplace_back(n_bins_, 0.0);
  }
}

void spike_statistics_accumulator::add(std::span<const double> times_ms,
                                       std::span<const std::uint64_t> node_ids) {
  const double t0 = options_.t_start_ms;
  const double binned_until = t0 + static_cast<double>(n_bins_) * options_.bin_ms;
  for (std::size_t k = 0; k < times_ms.size(); ++k) {
    const double t = times_ms[k];
    if (t < t0 || t >= options_.t_stop_ms) continue;
    neuron_state& s = neurons_[node_ids[k]];
    if (s.spikes > 0) {
      const double isi = t - s.last_spike_ms;
      ++s.isis;
      const double delta = isi - s.isi_mean;
      s.isi_mean += delta / static_cast<double>(s.isis);
      s.isi_m2 += delta * (isi - s.isi_mean);
      if (s.isis >= 2) {
        const double r = (s.last_isi_ms - isi) / (s.last_isi_ms + isi);
        s.lv_sum += r * r;
      }
      s.last_isi_ms = isi;
    }
    ++s.spikes;
    s.last_spike_ms = t;
    if (t >= binned_until || n_bins_ == 0) continue;  // beyond the last whole bin
    const auto bin = std::min(static_cast<std::int64_t>((t - t0) / options_.bin_ms),
                              static_cast<std::int64_t>(n_bins_) - 1);
    if (bin != s.bin) {
      s.count_sum += s.bin_count;
      s.count_square_sum += s.bin_count * s.bin_count;
      s.bin = bin;
      s.bin_count = 0;
    }
    s.bin_count += 1.0;
    population_counts_[static_cast<std::size_t>(bin)] += 1.0;
    if (const auto slot = correlation_slot_[node_ids[k]]; slot >= 0)
      sampled_counts_[static_cast<std::size_t>(slot)][static_cast<std::size_t>(bin)] += 1.0;
  }
}

population_statistics spike_statistics_accumulator::finish(const std::string& name) const {
  population_statistics r;
  r.name = name;
  r.neurons = neurons_.size();
  const double seconds = (options_.t_stop_ms - options_.t_start_ms) / 1000.0;
  const auto bins = static_cast<double>(n_bins_);
  std::vector<double> rates, cvs;
  std::vector<double> lvs, fanos;
  double individual_variance_sum = 0;
  std::uint64_t silent = 0;
  for (const auto& s : neurons_) {
    r.spikes += s.spikes;
    rates.push_back(static_cast<double>(s.spikes) / seconds);
    silent += s.spikes == 0;
    if (s.isis >= 2) {
      cvs.push_back(std::sqrt(s.isi_m2 / static_cast<double>(s.isis)) / s.isi_mean);
      lvs.push_back(3.0 / static_cast<double>(s.isis - 1) * s.lv_sum);
    }
    // Close the pending bin; bins without spikes add zero to both sums.
    const double sum = s.count_sum + s.bin_count;
    const double square_sum = s.count_square_sum + s.bin_count * s.bin_count;
    if (n_bins_ == 0) continue;
    const double mean = sum / bins;
    const double variance = square_sum / bins - mean * mean;
    individual_variance_sum += variance;
    if (mean > 0) fanos.push_back(variance / mean);
  }
  r.mean_rate_hz = mean_of(rates);
  r.median_rate_hz = percentile(rates, 50);
  r.p5_rate_hz = percentile(rates, 5);
  r.p95_rate_hz = percentile(rates, 95);
  r.fraction_silent = static_cast<double>(silent) / static_cast<double>(r.neurons);
  r.neurons_with_isi_statistics = cvs.size();
  r.mean_cv = mean_of(cvs);
  r.median_cv = percentile(cvs, 50);
  r.mean_lv = mean_of(lvs);
  r.fano_factor = mean_of(fanos);
  // Golomb's chi from the population-averaged counts per bin.
  double synchrony = nan;
  if (n_bins_ > 0 && individual_variance_sum > 0) {
    const double n = static_cast<double>(r.neurons);
    double m = 0, m2 = 0;
    for (const double c : population_counts_) m += c / n;
    m /= bins;
    for (const double c : population_counts_) m2 += (c / n - m) * (c / n - m);
    synchrony = std::sqrt((m2 / bins) / (individual_variance_sum / n));
  }
  r.synchrony_chi = synchrony;
  // Pearson correlation over pairs of sampled neurons whose counts vary.
  std::vector<std::vector<double>> centred;
  std::vector<double> norms;
  for (const auto& row : sampled_counts_) {
    const double m = mean_of(row);
    std::vector<double> c(row.size());
    double ss = 0;
    for (std::size_t b = 0; b < row.size(); ++b) {
      c[b] = row[b] - m;
      ss += c[b] * c[b];
    }
    if (ss > 0) {
      centred.push_back(std::move(c));
      norms.push_back(std::sqrt(ss));
    }
  }
  double correlation_sum = 0;
  std::uint64_t pairs = 0;
  for (std::size_t i = 0; i < centred.size(); ++i)
    for (std::size_t j = i + 1; j < centred.size(); ++j) {
      const double dot = std::inner_product(centred[i].begin(), centred[i].end(), centred[j].begin(), 0.0);
      correlation_sum += dot / (norms[i] * norms[j]);
      ++pairs;
    }
  r.mean_pairwise_correlation = pairs > 0 ? correlation_sum / static_cast<double>(pairs) : nan;
  return r;
}

}  // namespace spikeq::analysis
