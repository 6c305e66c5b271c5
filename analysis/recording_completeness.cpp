#include "analysis/recording_completeness.hpp"

#include <algorithm>
#include <filesystem>

#include "analysis/weight_statistics.hpp"

namespace spikeq::analysis {

bool is_incomplete_recording(const io::hdf5_reader& r, const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  if (name.starts_with('.') && name.find(".tmp-") != std::string::npos) return true;
  if (!r.exists("/edges")) return false;
  // An interrupted run (Ctrl-C) writes the weights it reached; only a crash leaves NaN.
  for (const auto& e : r.members("/edges")) {
    const std::string w = "/edges/" + e + "/0/syn_weight";
    if (r.exists(w) && r.shape(w).at(0) > 0 && summarise_weights(r, w).count == 0) return true;
  }
  return false;
}

double last_recorded_time_ms(const io::hdf5_reader& r) {
  double last = 0.0;
  // The writer appends spikes in time order, so the last row is the latest.
  if (r.exists("/spikes"))
    for (const auto& pop : r.members("/spikes")) {
      const std::string t = "/spikes/" + pop + "/timestamps";
      const std::uint64_t n = r.shape(t).at(0);
      if (n > 0) last = std::max(last, r.read_doubles(t, n - 1, 1)[0]);
    }
  if (r.exists("/report"))
    for (const auto& group : r.members("/report")) {
      const std::string g = "/report/" + group;
      if (r.shape(g + "/data").at(0) > 0) last = std::max(last, r.read_doubles(g + "/mapping/time").at(1));
    }
  return last;
}

}  // namespace spikeq::analysis
