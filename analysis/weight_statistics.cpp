#include "analysis/weight_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spikeq::analysis {

namespace {
constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
}

weight_summary summarise_weights(const io::hdf5_reader& r, const std::string& dataset) {
  weight_summary s;
  s.min = std::numeric_limits<double>::infinity();
  s.max = -std::numeric_limits<double>::infinity();
  double m2 = 0.0;
  const std::uint64_t n = r.shape(dataset).at(0);
  for (std::uint64_t offset = 0; offset < n; offset += chunk) {
    for (const double w : r.read_doubles(dataset, offset, std::min(chunk, n - offset))) {
      if (std::isnan(w)) {
        ++s.missing;
        continue;
      }
      ++s.count;
      const double delta = w - s.mean;
      s.mean += delta / static_cast<double>(s.count);
      m2 += delta * (w - s.mean);
      s.min = std::min(s.min, w);
      s.max = std::max(s.max, w);
    }
  }
  if (s.count == 0) s.min = s.max = std::numeric_limits<double>::quiet_NaN();
  s.sd = s.count > 0 ? std::sqrt(m2 / static_cast<double>(s.count)) : 0.0;
  return s;
}

std::optional<std::uint64_t> changed_weights(const io::hdf5_reader& r, const std::string& edges_group) {
  const std::string initial = edges_group + "/0/initial_syn_weight";
  const std::string final_w = edges_group + "/0/syn_weight";
  if (!r.exists(initial) || !r.exists(final_w)) return std::nullopt;
  const std::uint64_t n = r.shape(final_w).at(0);
  std::uint64_t changed = 0;
  for (std::uint64_t offset = 0; offset < n; offset += chunk) {
    const std::uint64_t count = std::min(chunk, n - offset);
    const auto a = r.read_doubles(initial, offset, count);
    const auto b = r.read_doubles(final_w, offset, count);
    // NaN: never written (a crashed run), so not a change.
    for (std::uint64_t k = 0; k < count; ++k) changed += !std::isnan(b[k]) && a[k] != b[k];
  }
  return changed;
}

}  // namespace spikeq::analysis

namespace spikeq::analysis {

projection_weight_statistics analyze_weights(const io::hdf5_reader& r, const std::string& name,
                                             std::optional<weight_bounds_range> bounds) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  projection_weight_statistics s;
  s.name = name;
  const std::string g = "/edges/" + name;
  const std::string final_path = g + "/0/syn_weight", initial_path = g + "/0/initial_syn_weight";
  s.edges = r.shape(final_path).at(0);
  s.final_weights = summarise_weights(r, final_path);
  if (r.exists(initial_path)) s.initial = summarise_weights(r, initial_path);
  s.bounds = bounds;
  s.histogram_low = bounds ? bounds->w_min : s.final_weights.min;
  s.histogram_high = bounds ? bounds->w_max : s.final_weights.max;
  s.histogram.assign(10, 0);
  s.fraction_at_lower = s.fraction_at_upper = bounds ? 0.0 : nan;
  const double width = s.histogram_high - s.histogram_low;
  std::uint64_t at_lower = 0, at_upper = 0;
  for (std::uint64_t offset = 0; offset < s.edges; offset += chunk) {
    for (const double w : r.read_doubles(final_path, offset, std::min(chunk, s.edges - offset))) {
      if (std::isnan(w)) continue;
      if (bounds) {
        at_lower += w <= bounds->w_min;
        at_upper += w >= bounds->w_max;
      }
      const double position = width > 0 ? (w - s.histogram_low) / width * 10.0 : 0.0;
      s.histogram[static_cast<std::size_t>(std::clamp(position, 0.0, 9.0))] += 1;
    }
  }
  if (bounds && s.final_weights.count > 0) {
    s.fraction_at_lower = static_cast<double>(at_lower) / static_cast<double>(s.final_weights.count);
    s.fraction_at_upper = static_cast<double>(at_upper) / static_cast<double>(s.final_weights.count);
  }

  const std::string report = "/report/" + name;
  double sum = 0, absolute = 0;
  if (r.exists(report + "/data") && r.shape(report + "/data").at(0) >= 2) {
    const auto shape = r.shape(report + "/data");
    const auto time = r.read_doubles(report + "/mapping/time");
    s.change_source = "report";
    s.change_from_ms = time.at(0);
    s.change_to_ms = time.at(0) + static_cast<double>(shape[0] - 1) * time.at(2);
    const auto first = r.read_float_rows(report + "/data", 0, 1).values;
    const auto last = r.read_float_rows(report + "/data", shape[0] - 1, 1).values;
    for (std::size_t c = 0; c < first.size(); ++c) {
      const double d = static_cast<double>(last[c]) - static_cast<double>(first[c]);
      sum += d;
      absolute += std::abs(d);
      s.changed += d != 0;
    }
    s.compared = first.size();
  } else if (r.exists(initial_path)) {
    s.change_source = "edges";
    s.change_from_ms = s.change_to_ms = nan;
    for (std::uint64_t offset = 0; offset < s.edges; offset += chunk) {
      const std::uint64_t count = std::min(chunk, s.edges - offset);
      const auto a = r.read_doubles(initial_path, offset, count);
      const auto b = r.read_doubles(final_path, offset, count);
      for (std::uint64_t k = 0; k < count; ++k) {
        if (std::isnan(b[k])) continue;
        sum += b[k] - a[k];
        absolute += std::abs(b[k] - a[k]);
        s.changed += a[k] != b[k];
        ++s.compared;
      }
    }
  }
  s.mean_change = s.compared > 0 ? sum / static_cast<double>(s.compared) : nan;
  s.mean_absolute_change = s.compared > 0 ? absolute / static_cast<double>(s.compared) : nan;
  return s;
}

}  // namespace spikeq::analysis
