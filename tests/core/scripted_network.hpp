// Minimal stand-ins for kernel tests: a population that fires at scripted ticks
// and a synapse table built from explicit rows.
#pragma once

#include <algorithm>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/population.hpp"
#include "core/synapse_table.hpp"

namespace spikeq::testing {

// Fires each neuron at given ticks (a spike source driven by wake-ups).
class scripted_source final : public population {
 public:
  scripted_source(neuron_id_type size, std::vector<std::vector<tick_type>> ticks)
      : population("src", size), ticks_(std::move(ticks)), next_(size, 0) {}
  std::string_view model() const override { return "scripted_source"; }
  void start(population_output& out) override {
    for (neuron_id_type n = 0; n < size(); ++n)
      if (!ticks_[n].empty()) out.wakeups.push_back({ticks_[n][0], n, 0});
  }
  void wakeup(tick_type now, neuron_id_type n, std::uint32_t version, population_output& out) override {
    out.spikes.push_back(n);
    if (++next_[n] < ticks_[n].size()) out.wakeups.push_back({ticks_[n][next_[n]], n, version + 1});
    (void)now;
  }
  void receive(tick_type, receptor_type, std::span<const neuron_id_type>, std::span<const weight_type>,
               population_output&) override {}
  void set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) override {}

 private:
  std::vector<std::vector<tick_type>> ticks_;
  std::vector<std::size_t> next_;
};

inline  // Builds a projection table from explicit (source, target, delay, weight) rows,
        // grouped by source and sorted by delay as synapse_table requires.
    synapse_table
    make_table(neuron_id_type n_sources,
               std::vector<std::tuple<neuron_id_type, neuron_id_type, tick_type, weight_type>> rows) {
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return std::tie(std::get<0>(x), std::get<2>(x), std::get<1>(x)) <
           std::tie(std::get<0>(y), std::get<2>(y), std::get<1>(y));
  });
  synapse_table t;
  t.source_first_block.push_back(0);
  t.block_first_synapse.push_back(0);
  std::size_t k = 0;
  for (neuron_id_type s = 0; s < n_sources; ++s) {
    while (k < rows.size() && std::get<0>(rows[k]) == s) {
      const tick_type d = std::get<2>(rows[k]);
      t.block_delay.push_back(d);
      while (k < rows.size() && std::get<0>(rows[k]) == s && std::get<2>(rows[k]) == d) {
        t.target.push_back(std::get<1>(rows[k]));
        t.weight.push_back(std::get<3>(rows[k]));
        ++k;
      }
      t.block_first_synapse.push_back(t.target.size());
    }
    t.source_first_block.push_back(static_cast<std::uint32_t>(t.block_delay.size()));
  }
  return t;
}

// Fires at scripted ticks and logs the weights it receives.
class firing_target final : public population {
 public:
  explicit firing_target(std::vector<std::vector<tick_type>> ticks)
      : population("post", static_cast<neuron_id_type>(ticks.size())), inner_(size(), std::move(ticks)) {}
  std::string_view model() const override { return "firing_target"; }
  void start(population_output& out) override { inner_.start(out); }
  void wakeup(tick_type now, neuron_id_type n, std::uint32_t v, population_output& out) override {
    inner_.wakeup(now, n, v, out);
  }
  void receive(tick_type now, receptor_type, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output&) override {
    for (std::size_t k = 0; k < targets.size(); ++k) received.emplace_back(now, targets[k], weights[k]);
  }
  void set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) override {}
  std::vector<std::tuple<tick_type, neuron_id_type, weight_type>> received;

 private:
  scripted_source inner_;
};

}  // namespace spikeq::testing
