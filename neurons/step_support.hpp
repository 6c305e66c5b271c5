// Pieces shared by the time-stepped LIF models: the input that arrived during a
// step, and the neurons clamped by refractoriness. Each keeps the
// vectorised per-neuron loop free of rarely used state.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/population.hpp"
#include "core/state_archive.hpp"

namespace spikeq {

// Synaptic input that arrived during the current step, in arrival (event) order.
// Sparse: typical networks deliver far fewer inputs per step than they have neurons.
// A per-neuron vector that is empty until first used (noise currents): saved as it
// is; on loading its length must be 0 or `neurons`.
template <class Vector>
void state_optional_per_neuron(state_archive& ar, Vector& v, std::size_t neurons, const char* what) {
  ar.block(v);
  if (!v.empty() && v.size() != neurons) ar.fail(std::string(what) + ": length is neither 0 nor the neurons");
}

// A per-neuron vector: its length is the population's.
template <class Vector>
void state_per_neuron(state_archive& ar, Vector& v, const char* what) {
  ar.expect(v.size(), what);
  ar.block(v);
}

class pending_inputs {
 public:
  void add(receptor_type receptor, std::span<const neuron_id_type> targets,
           std::span<const weight_type> weights) {
    for (std::size_t k = 0; k < targets.size(); ++k) entries_.push_back({targets[k], receptor, weights[k]});
  }
  // The inputs of the step in progress at a checkpoint.
  void state(state_archive& ar, std::size_t neurons) {
    std::vector<neuron_id_type> targets;
    std::vector<std::uint8_t> receptors;
    std::vector<weight_type> weights;
    for (const auto& e : entries_) {
      targets.push_back(e.target);
      receptors.push_back(static_cast<std::uint8_t>(e.receptor));
      weights.push_back(e.weight);
    }
    ar.block(targets);
    ar.block(receptors);
    ar.block(weights);
    if (ar.saving()) return;
    if (receptors.size() != targets.size() || weights.size() != targets.size())
      ar.fail("pending inputs of mismatched lengths");
    entries_.clear();
    for (std::size_t k = 0; k < targets.size(); ++k) {
      if (targets[k] >= neurons || receptors[k] > 1) ar.fail("a pending input names no neuron or receptor");
      entries_.push_back({targets[k], static_cast<receptor_type>(receptors[k]), weights[k]});
    }
  }
  bool empty() const { return entries_.empty(); }
  // Adds every input to its receptor's variable (e.g. current or conductance), then forgets them.
  void apply_and_clear(std::span<double> excitatory, std::span<double> inhibitory) {
    for (const auto& in : entries_)
      (in.receptor == receptor_type::excitatory ? excitatory : inhibitory)[in.target] += in.weight;
    entries_.clear();
  }

 private:
  struct entry {
    neuron_id_type target;
    receptor_type receptor;
    weight_type weight;
  };
  std::vector<entry> entries_;
};

// Neurons held at V_reset for a number of whole steps after a spike (NEST counts
// t_ref in steps and leaves V untouched meanwhile).
class refractory_list {
 public:
  explicit refractory_list(std::int32_t steps) : steps_(steps) {}
  void start(neuron_id_type n) {
    if (steps_ > 0) entries_.push_back({n, steps_});
  }
  // The refractory neurons and their steps left, at a checkpoint.
  void state(state_archive& ar, std::size_t neurons) {
    std::vector<neuron_id_type> ids;
    std::vector<std::int32_t> left;
    for (const auto& e : entries_) {
      ids.push_back(e.neuron);
      left.push_back(e.steps_left);
    }
    ar.block(ids);
    ar.block(left);
    if (ar.saving()) return;
    if (left.size() != ids.size()) ar.fail("refractory lists of mismatched lengths");
    entries_.clear();
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (ids[k] >= neurons || left[k] <= 0 || left[k] > steps_)
        ar.fail("a refractory entry is out of range");
      entries_.push_back({ids[k], left[k]});
    }
  }
  // A neuron that just spiked: its V, set to `reset` and held there.
  double hold(neuron_id_type n, double reset) {
    start(n);
    return reset;
  }
  // Puts every refractory neuron back to `reset` after a free step and counts down.
  void clamp(std::span<double> V, double reset) {
    std::size_t kept = 0;
    for (auto e : entries_) {
      V[e.neuron] = reset;
      if (--e.steps_left > 0) entries_[kept++] = e;
    }
    entries_.resize(kept);
  }

 private:
  struct entry {
    neuron_id_type neuron;
    std::int32_t steps_left;
  };
  std::int32_t steps_;
  std::vector<entry> entries_;
};

// Refractory neurons held at -infinity instead of being clamped every step: a
// propagation that is linear in V with a positive factor and finite other terms
// (iaf_psc_exp) keeps -inf at -inf, so nothing touches a held neuron until the step
// its refractoriness ends, when its V becomes V_reset: the value a clamp would have
// left (so the same bits follow), at one write per spike instead of one per step
// of t_ref. Readers of V map -inf to V_reset (held_value).
class refractory_hold {
 public:
  explicit refractory_hold(std::int32_t steps) : steps_(steps) {}
  static constexpr double held = -std::numeric_limits<double>::infinity();
  // (A NaN, from -inf times a propagator factor that underflowed to 0, counts as held.)
  static double held_value(double V, double reset) { return V > held ? V : reset; }
  // A neuron that just spiked: the value its V holds (reset when t_ref is 0 steps).
  double hold(neuron_id_type n, double reset) {
    if (steps_ == 0) return reset;
    entries_.push_back({n, step_ + static_cast<std::uint64_t>(steps_)});
    return held;
  }
  // Once per step, after the propagation and before the threshold test: the neurons
  // whose last refractory step this is get V = reset (spikes come in time order, so
  // the neurons to release are at the front).
  void release_due(std::span<double> V, double reset) {
    begin_step();
    release_due_below(V, reset, V.size());
  }
  // release_due in pieces, for a step taken a range of neurons at a time: begin_step
  // once, then release_due_below with increasing ends. The neurons due at one step
  // spiked at one step, so they are listed in index order.
  void begin_step() { ++step_; }
  void release_due_below(std::span<double> V, double reset, std::size_t end) {
    while (next_ < entries_.size() && entries_[next_].release_step == step_ && entries_[next_].neuron < end)
      V[entries_[next_++].neuron] = reset;
    if (next_ == entries_.size()) {
      entries_.clear();
      next_ = 0;
    } else if (next_ > 1024 && 2 * next_ > entries_.size()) {
      entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(next_));
      next_ = 0;
    }
  }
  // The held neurons and their steps left, at a checkpoint (refractory_list's format:
  // a checkpoint of either loads into the other). Loading holds V of the listed neurons.
  void state(state_archive& ar, std::span<double> V) {
    std::vector<neuron_id_type> ids;
    std::vector<std::int32_t> left;
    for (std::size_t k = next_; k < entries_.size(); ++k) {
      ids.push_back(entries_[k].neuron);
      left.push_back(static_cast<std::int32_t>(entries_[k].release_step - step_));
    }
    ar.block(ids);
    ar.block(left);
    if (ar.saving()) return;
    if (left.size() != ids.size()) ar.fail("refractory lists of mismatched lengths");
    entries_.clear();
    next_ = 0;
    step_ = 0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (ids[k] >= V.size() || left[k] <= 0 || left[k] > steps_ || (k > 0 && left[k] < left[k - 1]))
        ar.fail("a refractory entry is out of range or out of order");
      entries_.push_back({ids[k], static_cast<std::uint64_t>(left[k])});
      V[ids[k]] = held;
    }
  }

 private:
  struct entry {
    neuron_id_type neuron;
    std::uint64_t release_step;  // counted in calls of release_due
  };
  std::int32_t steps_;
  std::uint64_t step_ = 0;
  std::size_t next_ = 0;  // entries_[0, next_) are released
  std::vector<entry> entries_;
};

// Neuron k spikes if its V is at or above the threshold: it starts its refractory
// period (Refractory::hold gives its new V) and is appended to the step's spikes.
template <class Refractory>
void fire_if_reached(std::span<double> V, std::size_t k, double threshold, double reset,
                     Refractory& refractory, population_output& out) {
  if (!(V[k] >= threshold)) return;
  V[k] = refractory.hold(static_cast<neuron_id_type>(k), reset);
  out.spikes.push_back(static_cast<neuron_id_type>(k));
}

// The threshold test after a step whose kernel listed the blocks of `block` neurons
// in which V reached `threshold` (neurons/simd): every neuron of those blocks at or
// above it now, in index order, starts its refractory period (Refractory::hold gives
// its new V) and spikes. Refractory neurons sit at V_reset < V_th (refractory_list) or
// -inf (refractory_hold), so no other block can hold one.
template <class Refractory>
void fire_listed_blocks(std::span<double> V, std::span<const std::uint32_t> blocks, std::size_t block,
                        double threshold, double reset, Refractory& refractory, population_output& out) {
  for (const std::uint32_t b : blocks) {
    const std::size_t first = b * block;
    const std::size_t end = std::min(V.size(), first + block);
    for (std::size_t k = first; k < end; ++k) fire_if_reached(V, k, threshold, reset, refractory, out);
  }
}

// fire_listed_blocks for kernels that also give each listed block's lanes
// (neurons/simd/psc_exp_kernel.hpp: bit i when a neuron first + 8 j + i crossed): only
// the neurons of those lanes are tested, in index order, so a block with one crossing
// costs 8 tests instead of 64.
template <class Refractory>
void fire_listed_lanes(std::span<double> V, std::span<const std::uint32_t> blocks,
                       std::span<const std::uint8_t> lanes, std::size_t block, double threshold, double reset,
                       Refractory& refractory, population_output& out) {
  constexpr std::size_t lane_count = 8;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const std::size_t first = blocks[b] * block;
    const std::size_t end = std::min(V.size(), first + block);
    for (std::size_t row = first; row < end; row += lane_count) {
      for (unsigned set = lanes[b]; set != 0; set &= set - 1) {
        const std::size_t k = row + static_cast<std::size_t>(std::countr_zero(set));
        if (k < end) fire_if_reached(V, k, threshold, reset, refractory, out);
      }
    }
  }
}

}  // namespace spikeq
