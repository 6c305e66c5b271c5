#include "io/protocol_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include "core/random_stream.hpp"
#include "neurons/glm_pyramidal.hpp"
#include "neurons/linear_readout.hpp"

namespace spikeq::io {

namespace {

// The trial-varying settings, after the changes up to a trial.
struct trial_settings {
  double latency_ms = 0.0;
  std::vector<double> probabilities;
};

std::uint32_t draw_outcome(const std::vector<double>& probabilities, std::uint64_t seed,
                           std::uint32_t trial) {
  random_stream rng(seed, stream_kind::protocol, 0, trial);
  const double u = rng.uniform();
  double cumulative = 0.0;
  for (std::size_t k = 0; k < probabilities.size(); ++k) {
    cumulative += probabilities[k];
    if (u < cumulative) return static_cast<std::uint32_t>(k);
  }
  return static_cast<std::uint32_t>(probabilities.size() - 1);  // rounding of a sum of 1
}

// Current schedules of one stimulus, one per target population it reaches; pulses
// are added trial by trial.
struct stimulus_schedules {
  std::vector<current_schedule> parts;
  double amplitude = 0.0;
  double start_ms = 0.0, duration_ms = 0.0;

  void add_pulse(tick_type from, tick_type to) {
    for (auto& part : parts) {
      if (!part.tick.empty() && part.tick.back() > from)
        throw std::invalid_argument("stimulus pulses of consecutive trials overlap");
      part.tick.push_back(from);
      part.amplitude.push_back(amplitude);
      part.tick.push_back(to);
      part.amplitude.push_back(0.0);
    }
  }
};

stimulus_schedules make_stimulus(const config::Stimulus& s, const std::string& name, const network& net) {
  stimulus_schedules out;
  out.amplitude = s.amplitude();
  out.start_ms = s.start();
  out.duration_ms = s.duration();
  std::uint64_t offset = 0;
  for (const auto& t : s.target()) {
    const auto idx = static_cast<std::uint32_t>(net.find_population(t));
    const std::uint32_t size = net.populations[idx]->size();
    current_schedule part;
    part.name = name;
    part.target_population = idx;
    for (const std::uint32_t n : s.neurons())
      if (n >= offset && n < offset + size) part.neurons.push_back(static_cast<neuron_id_type>(n - offset));
    if (s.neurons().empty() || !part.neurons.empty()) out.parts.push_back(std::move(part));
    offset += size;
  }
  return out;
}

}  // namespace

void build_protocol(const network_file& file, network& net) {
  const config::Network& cfg = file.network;
  trial_protocol& proto = net.protocol;
  // One teacher series per (readout population, neuron) that has one.
  std::map<std::pair<std::uint32_t, neuron_id_type>, std::size_t> series_of;
  const auto series = [&](const std::string& readout, neuron_id_type n) -> step_series& {
    const auto pop = static_cast<std::uint32_t>(net.find_population(readout));
    const auto [it, added] = series_of.emplace(std::make_pair(pop, n), proto.targets.size());
    if (added) proto.targets.emplace_back();
    return proto.targets[it->second];
  };

  if (cfg.has_protocol()) {
    const auto& p = cfg.protocol();
    const double t_stop = cfg.simulation().t_stop();
    const std::uint32_t trials = p.has_trials()
                                     ? p.trials()
                                     : static_cast<std::uint32_t>(std::max(
                                           0.0, std::floor((t_stop - p.start()) / p.trial_duration())));
    proto.trial_ticks = net.grid.to_ticks(p.trial_duration());
    for (const auto& o : p.outcome()) proto.outcome_names.push_back(o.name());
    std::vector<stimulus_schedules> cues, outcome_stimuli;
    std::vector<std::vector<std::size_t>> stimuli_of_outcome(static_cast<std::size_t>(p.outcome_size()));
    for (int c = 0; c < p.cue_size(); ++c)
      cues.push_back(make_stimulus(p.cue(c), fmt::format("protocol/cue{}", c), net));
    for (int o = 0; o < p.outcome_size(); ++o)
      for (int s = 0; s < p.outcome(o).stimulus_size(); ++s) {
        stimuli_of_outcome[static_cast<std::size_t>(o)].push_back(outcome_stimuli.size());
        outcome_stimuli.push_back(make_stimulus(p.outcome(o).stimulus(s),
                                                fmt::format("protocol/{}/{}", p.outcome(o).name(), s), net));
      }
    trial_settings now;
    now.latency_ms = p.latency();
    for (const auto& o : p.outcome()) now.probabilities.push_back(o.probability());
    std::map<std::string, std::vector<std::uint32_t>> resets;
    const auto pulse = [&](stimulus_schedules& st, tick_type at) {
      const tick_type from = at + net.grid.to_ticks(st.start_ms);
      st.add_pulse(from, from + net.grid.to_ticks(st.duration_ms));
    };
    try {
      for (std::uint32_t k = 0; k < trials; ++k) {
        for (const auto& change : p.change()) {
          if (change.trial() != k) continue;
          if (change.has_latency()) now.latency_ms = change.latency();
          if (change.probabilities_size() > 0)
            now.probabilities.assign(change.probabilities().begin(), change.probabilities().end());
          for (const auto& r : change.reset()) resets[r].push_back(k);
        }
        const tick_type start = net.grid.to_ticks(p.start() + k * p.trial_duration());
        const tick_type outcome_at = start + net.grid.to_ticks(now.latency_ms);
        // Without outcomes (trials that only pace learning phases) every trial has outcome 0.
        const bool has_outcomes = p.outcome_size() > 0;
        const std::uint32_t outcome = has_outcomes ? draw_outcome(now.probabilities, net.seed, k) : 0;
        proto.trial_start.push_back(start);
        proto.outcome_tick.push_back(outcome_at);
        proto.outcome.push_back(outcome);
        for (auto& cue : cues) pulse(cue, start);
        if (has_outcomes)
          for (const std::size_t s : stimuli_of_outcome[outcome]) pulse(outcome_stimuli[s], outcome_at);
        if (p.gate().value() > 0) {
          proto.gate.set(outcome_at + net.grid.to_ticks(p.gate().start()), p.gate().value());
          proto.gate.set(outcome_at + net.grid.to_ticks(p.gate().stop()), 0.0);
        }
        if (has_outcomes)
          for (const auto& teacher : p.outcome(static_cast<int>(outcome)).teacher()) {
            const auto pop = net.find_population(teacher.readout());
            const neuron_id_type size = net.populations[static_cast<std::size_t>(pop)]->size();
            const tick_type from = outcome_at + net.grid.to_ticks(teacher.start());
            const tick_type to = from + net.grid.to_ticks(teacher.duration());
            const auto apply = [&](neuron_id_type n) {
              step_series& s = series(teacher.readout(), n);
              s.set(from, teacher.value());
              s.set(to, 0.0);
            };
            if (teacher.neurons().empty())
              for (neuron_id_type n = 0; n < size; ++n) apply(n);
            else
              for (const std::uint32_t n : teacher.neurons()) apply(n);
          }
      }
    } catch (const std::logic_error& e) {
      throw input_error(
          {file.error_at({{"protocol"}}, std::string("the protocol's windows overlap between trials or "
                                                     "on one readout neuron: ") +
                                             e.what())});
    }
    for (auto& [name, trials_at] : resets) proto.resets.emplace_back(name, std::move(trials_at));
    // Learning phases: each projection's windows within a trial, merged, repeated.
    std::map<std::string, std::vector<std::pair<double, double>>> windows;
    for (const auto& phase : p.phase())
      for (const auto& name : phase.projections())
        windows[name].emplace_back(phase.start(), phase.has_stop() ? phase.stop() : p.trial_duration());
    for (auto& [name, list] : windows) {
      std::sort(list.begin(), list.end());
      std::vector<std::pair<double, double>> merged;
      for (const auto& w : list) {
        if (!merged.empty() && w.first <= merged.back().second)
          merged.back().second = std::max(merged.back().second, w.second);
        else
          merged.push_back(w);
      }
      step_series series;
      for (std::uint32_t k = 0; k < trials; ++k)
        for (const auto& [from, to] : merged) {
          const tick_type start = proto.trial_start[k];
          series.set(start + net.grid.to_ticks(from), 1.0);
          series.set(start + net.grid.to_ticks(std::min(to, p.trial_duration())), 0.0);
        }
      proto.learning.emplace_back(name, std::move(series));
    }
    // Phase settings: the phase's value inside its window, NaN (the own value) outside.
    std::map<std::pair<std::string, std::string>, std::vector<std::tuple<double, double, double>>>
        set_windows;
    for (const auto& phase : p.phase())
      for (const auto& s : phase.set())
        set_windows[{s.target(), s.parameter()}].emplace_back(
            phase.start(), phase.has_stop() ? phase.stop() : p.trial_duration(), s.value());
    for (auto& [key, list] : set_windows) {
      std::sort(list.begin(), list.end());
      step_series series;
      for (std::uint32_t k = 0; k < trials; ++k)
        for (const auto& [from, to, value] : list) {
          const tick_type start = proto.trial_start[k];
          series.set(start + net.grid.to_ticks(from), value);
          series.set(start + net.grid.to_ticks(std::min(to, p.trial_duration())),
                     std::numeric_limits<double>::quiet_NaN());
        }
      proto.settings.push_back({key.first, key.second, std::move(series)});
    }
    for (auto& st : cues)
      for (auto& part : st.parts) net.currents.push_back(std::move(part));
    for (auto& st : outcome_stimuli)
      for (auto& part : st.parts) net.currents.push_back(std::move(part));
  }
  for (const auto& ts : cfg.target_series()) {
    step_series& s = series(ts.readout(), ts.neuron());
    for (int i = 0; i < ts.times_size(); ++i) s.set(net.grid.to_ticks(ts.times(i)), ts.values(i));
  }
  // Link last: proto.targets no longer moves.
  for (const auto& [key, index] : series_of) {
    if (auto* readout = dynamic_cast<linear_readout*>(net.populations[key.first].get()))
      readout->set_target(key.second, &proto.targets[index]);
    if (auto* pyramidal = dynamic_cast<glm_pyramidal*>(net.populations[key.first].get()))
      pyramidal->set_target(key.second, &proto.targets[index]);
  }
  for (const auto& s : proto.settings) {
    const int k = net.find_population(s.target);
    auto* pyramidal =
        k >= 0 ? dynamic_cast<glm_pyramidal*>(net.populations[static_cast<std::size_t>(k)].get()) : nullptr;
    if (pyramidal == nullptr) continue;  // a tied projection's (io/weight_tie_builder.cpp)
    const auto which = s.parameter == "apical_coupling"        ? glm_pyramidal::setting::apical_coupling
                       : s.parameter == "interneuron_coupling" ? glm_pyramidal::setting::interneuron_coupling
                                                               : glm_pyramidal::setting::nudging;
    pyramidal->set_schedule(which, &s.series);
  }
}

}  // namespace spikeq::io
