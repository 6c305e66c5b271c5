// The synaptic input one step of a time-stepped population receives, summed per
// neuron and receptor as it arrives (NEST's ring-buffer order). Adding it to the
// neurons' variables costs a pass over the touched neurons while input is sparse
// (CUBA: a few percent of the neurons per step) and a pass over all of them once
// more than an eighth are touched (the microcircuit: most neurons every step).
#pragma once

#include <bit>
#include <cstdint>
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
    listed_ = 0;
    dense_ = false;
    dense_adds_ = 0;
  }

  void add(receptor_type receptor, neuron_id_type n, double w) {
    add(receptor, std::span<const neuron_id_type>(&n, 1), std::span<const double>(&w, 1), 0);
  }
  template <class Weight>
  void add(receptor_type receptor, std::span<const neuron_id_type> targets, std::span<const Weight> weights,
           neuron_id_type offset) {
    double* sum = sums_[static_cast<std::size_t>(receptor)].data();
    const std::size_t n = targets.size();
    if (dense_) {
      for (std::size_t k = 0; k < n; ++k) {
        if (k + prefetch_ahead < n) __builtin_prefetch(sum + (targets[k + prefetch_ahead] - offset), 1);
        sum[targets[k] - offset] += weights[k];
      }
      dense_adds_ += n;
      return;
    }
    // A neuron is listed when its sum may be non-zero: every input writes its target
    // to the list's end and advances the end if the sum was zero (branch-free; which
    // inputs find a zero is unpredictable). Listing one twice (its sum returned to 0)
    // only adds zeros later.
    if (touched_.size() < listed_ + n) touched_.resize(listed_ + n);
    neuron_id_type* list = touched_.data();
    std::size_t listed = listed_;
    for (std::size_t k = 0; k < n; ++k) {
      if (k + prefetch_ahead < n) __builtin_prefetch(sum + (targets[k + prefetch_ahead] - offset), 1);
      const neuron_id_type target = targets[k] - offset;
      list[listed] = target;
      listed += sum[target] == 0.0 ? 1 : 0;
      sum[target] += weights[k];
    }
    listed_ = listed;
    if (listed_ * 8 > sums_[0].size()) dense_ = true;
  }

  // Adds the sums, times the receptor's scale, to the two variables and clears them
  // (a scale refers the input to the time the variables are kept at: iaf_psc_exp).
  // A zero sum is not added: -0.0 + 0.0 is +0.0, so adding it would make a
  // decayed-to-zero variable's sign depend on whether this step took the dense or the
  // sparse pass (on the slice size, so on the thread count).
  void apply_and_clear(std::span<double> excitatory, std::span<double> inhibitory, double scale_ex = 1.0,
                       double scale_in = 1.0) {
    double* ex = sums_[0].data();
    double* in = sums_[1].data();
    if (dense_) {
      static const simd::apply_sums_function apply_all = simd::select_apply_sums();
      apply_all(sums_[0].size(), excitatory.data(), inhibitory.data(), ex, in, scale_ex, scale_in);
    } else {
      for (std::size_t k = 0; k < listed_; ++k) {
        if (k + prefetch_ahead < listed_) {
          const neuron_id_type ahead = touched_[k + prefetch_ahead];
          __builtin_prefetch(&excitatory[ahead], 1);
          __builtin_prefetch(&inhibitory[ahead], 1);
          __builtin_prefetch(ex + ahead, 1);
          __builtin_prefetch(in + ahead, 1);
        }
        const neuron_id_type n = touched_[k];
        excitatory[n] = add_unless_zero(excitatory[n], ex[n], scale_ex);
        inhibitory[n] = add_unless_zero(inhibitory[n], in[n], scale_in);
        ex[n] = 0.0;
        in[n] = 0.0;
      }
    }
    listed_ = 0;
    // The next step starts in the mode this one ended in, unless it was dense with
    // few inputs: inputs arrive at similar rates from step to step.
    dense_ = dense_ && dense_adds_ * 16 > sums_[0].size();
    dense_adds_ = 0;
  }

  void state(state_archive& ar) {
    ar.expect(sums_[0].size(), "neurons of an input slot");
    ar.block(sums_[0]);
    ar.block(sums_[1]);
    std::vector<neuron_id_type> listed(touched_.begin(),
                                       touched_.begin() + static_cast<std::ptrdiff_t>(listed_));
    ar.block(listed);
    ar.value(dense_);
    std::uint64_t adds = dense_adds_;
    ar.value(adds);
    dense_adds_ = static_cast<std::size_t>(adds);
    if (sums_[0].size() != sums_[1].size()) ar.fail("input slot sums of different lengths");
    for (const neuron_id_type n : listed)
      if (n >= sums_[0].size()) ar.fail("an input slot lists a neuron out of range");
    if (!ar.saving()) {
      touched_ = std::move(listed);
      listed_ = touched_.size();
    }
  }

 private:
  // Inputs land on neurons in no useful order; once a population outgrows the caches
  // every one is a miss, and the loops run ahead of them by this many (bench/RESULTS.md,
  // CUBA growth).
  static constexpr std::size_t prefetch_ahead = 8;

  // variable + sum * scale, or variable itself when sum is zero; branch-free (the
  // sparse pass's neurons mostly have input on one receptor only, in no pattern).
  static double add_unless_zero(double variable, double sum, double scale) {
    const std::uint64_t keep = sum != 0.0 ? ~std::uint64_t{0} : 0;
    return std::bit_cast<double>((std::bit_cast<std::uint64_t>(variable + sum * scale) & keep) |
                                 (std::bit_cast<std::uint64_t>(variable) & ~keep));
  }

  std::vector<double> sums_[2];  // excitatory, inhibitory
  // touched_[0, listed_): the neurons whose sums may be non-zero (sparse pass).
  std::vector<neuron_id_type> touched_;
  std::size_t listed_ = 0;
  bool dense_ = false;
  std::size_t dense_adds_ = 0;
};

}  // namespace spikeq
