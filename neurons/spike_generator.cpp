#include "neurons/spike_generator.hpp"

#include <algorithm>

namespace spikeq {

spike_generator::spike_generator(std::string name, std::vector<std::vector<tick_type>> spike_ticks)
    : spike_source(std::move(name), static_cast<neuron_id_type>(spike_ticks.size())),
      ticks_(std::move(spike_ticks)) {
  for (auto& t : ticks_) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
  }
}

void spike_generator::start(population_output& out) {
  for (neuron_id_type n = 0; n < size(); ++n)
    if (!ticks_[n].empty()) out.wakeups.push_back({ticks_[n][0], n, 0});
}

void spike_generator::wakeup(tick_type /*now*/, neuron_id_type n, std::uint32_t version,
                             population_output& out) {
  // The version is the index of the spike in the neuron's train.
  out.spikes.push_back(n);
  const std::uint32_t next = version + 1;
  if (next < ticks_[n].size()) out.wakeups.push_back({ticks_[n][next], n, next});
}

}  // namespace spikeq
