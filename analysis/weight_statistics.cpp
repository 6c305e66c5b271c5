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
    for (std::uint64_t k = 0; k < count; ++k) changed += a[k] != b[k];
  }
  return changed;
}

}  // namespace spikeq::analysis
