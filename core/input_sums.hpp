// The synaptic input one step of a time-stepped population receives, summed per
// neuron and receptor as it arrives (NEST's ring-buffer order). Adding it to the
// neurons' variables costs a pass over the touched neurons while input is sparse
// (CUBA: a few percent of the neurons per step) and a pass over all of them once
// more than an eighth are touched (the microcircuit: most neurons every step).
#pragma once

#include <span>
#include <vector>

#include "core/simd/input_sums_kernel.hpp"
#include "core/state_archive.hpp"
#include "core/types.hpp"

namespace spikeq {

class input_sums {
 public:
  void resize(std::size_t neurons) {
    sums_[0].assign(neurons, 0.0);
    sums_[1].assign(neurons, 0.0);
    touched_.clear();
    dense_ = false;
    dense_adds_ = 0;
  }

  void add(receptor_type receptor, neuron_id_type n, double w) {
    double& sum = sums_[static_cast<std::size_t>(receptor)][n];
    // A neuron is listed when its sums may be non-zero; listing one twice (its sum
    // returned to 0) only adds zeros later.
    if (!dense_ && sum == 0.0) note(n);
    sum += w;
  }
  template <class Weight>
  void add(receptor_type receptor, std::span<const neuron_id_type> targets, std::span<const Weight> weights,
           neuron_id_type offset) {
    double* sum = sums_[static_cast<std::size_t>(receptor)].data();
    if (dense_) {
      for (std::size_t k = 0; k < targets.size(); ++k) sum[targets[k] - offset] += weights[k];
      dense_adds_ += targets.size();
      return;
    }
    for (std::size_t k = 0; k < targets.size(); ++k) add(receptor, targets[k] - offset, weights[k]);
  }

  // Adds the sums to the two variables and clears them. A zero sum is not added:
  // -0.0 + 0.0 is +0.0, so adding it would make a decayed-to-zero variable's sign
  // depend on whether this step took the dense or the sparse pass (on the slice size,
  // so on the thread count).
  void apply_and_clear(std::span<double> excitatory, std::span<double> inhibitory) {
    double* ex = sums_[0].data();
    double* in = sums_[1].data();
    const auto apply = [&](std::size_t n) {
      excitatory[n] = ex[n] != 0.0 ? excitatory[n] + ex[n] : excitatory[n];
      inhibitory[n] = in[n] != 0.0 ? inhibitory[n] + in[n] : inhibitory[n];
      ex[n] = 0.0;
      in[n] = 0.0;
    };
    if (dense_) {
      static const simd::apply_sums_function apply_all = simd::select_apply_sums();
      apply_all(sums_[0].size(), excitatory.data(), inhibitory.data(), ex, in);
    } else {
      for (const neuron_id_type n : touched_) apply(n);
    }
    touched_.clear();
    // The next step starts in the mode this one ended in, unless it was dense with
    // few inputs: inputs arrive at similar rates from step to step.
    dense_ = dense_ && dense_adds_ * 16 > sums_[0].size();
    dense_adds_ = 0;
  }

  void state(state_archive& ar) {
    ar.expect(sums_[0].size(), "neurons of an input slot");
    ar.block(sums_[0]);
    ar.block(sums_[1]);
    ar.block(touched_);
    ar.value(dense_);
    std::uint64_t adds = dense_adds_;
    ar.value(adds);
    dense_adds_ = static_cast<std::size_t>(adds);
    if (sums_[0].size() != sums_[1].size()) ar.fail("input slot sums of different lengths");
    for (const neuron_id_type n : touched_)
      if (n >= sums_[0].size()) ar.fail("an input slot lists a neuron out of range");
  }

 private:
  void note(neuron_id_type n) {
    touched_.push_back(n);
    if (touched_.size() * 8 > sums_[0].size()) dense_ = true;
  }

  std::vector<double> sums_[2];  // excitatory, inhibitory
  std::vector<neuron_id_type> touched_;
  bool dense_ = false;
  std::size_t dense_adds_ = 0;
};

}  // namespace spikeq
