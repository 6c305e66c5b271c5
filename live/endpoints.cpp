#include "live/endpoints.hpp"

#include <algorithm>

namespace spikeq::live {

namespace {

template <typename T>
std::optional<std::uint32_t> index_of(const std::vector<T>& list, const std::string& name) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const T& e) { return e.name == name; });
  if (it == list.end()) return std::nullopt;
  return static_cast<std::uint32_t>(it - list.begin());
}

}  // namespace

endpoints endpoints::of(const network& net) {
  endpoints e;
  for (const auto& p : net.populations)
    e.populations.push_back(
        {p->name(), p->size(), std::string(p->model()), p->model() == "live_spike_source"});
  for (auto& schedules : net.live_current_sources()) {
    const current_schedule& first = net.currents[schedules.front()];
    e.currents.push_back(
        {first.name, net.populations[first.target_population]->name(), std::move(schedules)});
  }
  for (const auto& ch : net.modulation.channels) e.channels.push_back({ch->name(), ch->accepts_external()});
  return e;
}

std::optional<std::uint32_t> endpoints::population(const std::string& name) const {
  return index_of(populations, name);
}
std::optional<std::uint32_t> endpoints::current(const std::string& name) const {
  return index_of(currents, name);
}
std::optional<std::uint32_t> endpoints::channel(const std::string& name) const {
  return index_of(channels, name);
}

}  // namespace spikeq::live
