// A minimal stand-in for the kernel to drive one population in unit tests:
// steps, inputs at given ticks, and wake-ups in time order.
#pragma once

#include <algorithm>
#include <map>
#include <queue>
#include <tuple>
#include <vector>

#include "core/population.hpp"

namespace spikeq::testing {

struct timed_input {
  tick_type tick;
  neuron_id_type target;
  weight_type weight;
  receptor_type receptor = receptor_type::excitatory;
};

// Runs `pop` until `t_stop` (inclusive): inputs before the step ending at the same
// tick, wake-ups after inputs, as the kernel orders them. Returns (tick, neuron) spikes.
inline std::vector<std::pair<tick_type, neuron_id_type>> drive(population& pop, tick_type t_stop,
                                                               std::vector<timed_input> inputs = {}) {
  std::vector<std::pair<tick_type, neuron_id_type>> spikes;
  using wake = std::tuple<tick_type, neuron_id_type, std::uint32_t>;
  std::priority_queue<wake, std::vector<wake>, std::greater<>> wakeups;
  population_output out;
  auto collect = [&](tick_type now) {
    for (auto n : out.spikes) spikes.emplace_back(now, n);
    for (const auto& w : out.wakeups) wakeups.emplace(w.tick, w.neuron, w.version);
    out.clear();
  };
  pop.start(out);
  collect(0);
  std::stable_sort(inputs.begin(), inputs.end(), [](const auto& a, const auto& b) { return a.tick < b.tick; });
  std::size_t next_input = 0;
  const tick_type step = pop.step_ticks();
  tick_type next_step = step > 0 ? step : t_stop + 1;
  while (true) {
    tick_type t = next_step;
    if (next_input < inputs.size()) t = std::min(t, inputs[next_input].tick);
    if (!wakeups.empty()) t = std::min(t, std::get<0>(wakeups.top()));
    if (t > t_stop) break;
    while (next_input < inputs.size() && inputs[next_input].tick == t) {
      const auto& in = inputs[next_input++];
      const neuron_id_type target[] = {in.target};
      const weight_type weight[] = {in.weight};
      pop.receive(t, in.receptor, target, weight, out);
      collect(t);
    }
    while (!wakeups.empty() && std::get<0>(wakeups.top()) == t) {
      const auto [tick, n, version] = wakeups.top();
      wakeups.pop();
      pop.wakeup(t, n, version, out);
      collect(t);
    }
    if (t == next_step) {
      pop.step(t, out);
      collect(t);
      next_step += step;
    }
  }
  return spikes;
}

// Spike times (ms) of one neuron.
inline std::vector<double> times_of(const std::vector<std::pair<tick_type, neuron_id_type>>& spikes,
                                    neuron_id_type n, double resolution_ms) {
  std::vector<double> t;
  for (const auto& [tick, id] : spikes)
    if (id == n) t.push_back(static_cast<double>(tick) * resolution_ms);
  return t;
}

}  // namespace spikeq::testing
