// The synaptic input one step of a time-stepped population receives, summed per
// neuron and receptor as it arrives (NEST's ring-buffer order). Adding it to the
// neurons' variables costs a pass over the touched neurons while input is sparse
// (CUBA: a few percent of the neurons per step) and a pass over all of them once
// more than an eighth are touched (the microcircuit: most neurons every step).
//
// Sparse input to a population larger than the caches is staged instead: appended as
// it arrives and, when the step applies it, summed range of neurons by range in a
// scratch that fits in L1 and added to the variables from there, so an input costs
// one miss (the variable) rather than five (its sum on arrival; both sums and both
// variables on apply). Each neuron's staged inputs keep their arrival order, so
// every sum has the same bits either way (bench/RESULTS.md, CUBA growth).
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "core/cache_aligned_vector.hpp"
#include "core/simd/input_sums_kernel.hpp"
#include "core/state_archive.hpp"
#include "core/types.hpp"

namespace spikeq {

class input_sums {
 public:
  // Throws std::length_error from 2^31 neurons on (the listing keeps the receptor in
  // an index's top bit).
  void resize(std::size_t neurons) {
    if (neurons >= receptor_bit)
      throw std::length_error("input_sums: 2^31 neurons or more in one population");
    sums_[0].assign(neurons, 0.0);
    sums_[1].assign(neurons, 0.0);
    touched_.clear();
    listed_ = 0;
    dense_ = false;
    dense_adds_ = 0;
    staging_ = neurons >= staging_min_neurons;
    staged_targets_.clear();
    staged_weights_.clear();
  }

  void add(receptor_type receptor, neuron_id_type n, double w) {
    add(receptor, std::span<const neuron_id_type>(&n, 1), std::span<const double>(&w, 1), 0);
  }
  // The weight of every input from a table whose synapses all have one weight.
  struct same_weight {
    weight_type value;
    weight_type operator[](std::size_t /*synapse*/) const { return value; }
  };

  // Adds targets[k] - offset's input weights[k] for every k (Weights: a span of
  // weights, or same_weight).
  template <class Weights>
  void add(receptor_type receptor, std::span<const neuron_id_type> targets, const Weights& weights,
           neuron_id_type offset) {
    double* sum = sums_[static_cast<std::size_t>(receptor)].data();
    const std::size_t n = targets.size();
    const std::size_t prefetch_end = prefetching() && n > prefetch_ahead ? n - prefetch_ahead : 0;
    if (dense_) {
      for (std::size_t k = 0; k < n; ++k) {
        if (k < prefetch_end) __builtin_prefetch(sum + (targets[k + prefetch_ahead] - offset), 1);
        sum[targets[k] - offset] += weights[k];
      }
      dense_adds_ += n;
      return;
    }
    if (staging_ && listed_ == 0) {
      const neuron_id_type receptor_flag = receptor == receptor_type::inhibitory ? receptor_bit : 0;
      const std::size_t at = staged_targets_.size();
      staged_targets_.resize(at + n);
      staged_weights_.resize(at + n);
      for (std::size_t k = 0; k < n; ++k) {
        staged_targets_[at + k] = (targets[k] - offset) | receptor_flag;
        staged_weights_[at + k] = weights[k];
      }
      // Past an eighth of the neurons the dense sweep is cheaper; it wants the sums.
      if (staged_targets_.size() * 8 > sums_[0].size()) {
        sum_staged();
        dense_ = true;
      }
      return;
    }
    if (touched_.size() < listed_ + n) touched_.resize(listed_ + n);
    neuron_id_type* list = touched_.data();
    std::size_t listed = listed_;
    const neuron_id_type receptor_flag = receptor == receptor_type::inhibitory ? receptor_bit : 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (k < prefetch_end) __builtin_prefetch(sum + (targets[k + prefetch_ahead] - offset), 1);
      const neuron_id_type target = targets[k] - offset;
      add_listing(sum[target], weights[k], target | receptor_flag, list, listed);
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
    apply_staged(excitatory, inhibitory, scale_ex, scale_in);
    if (dense_) {
      static const simd::apply_sums_function apply_all = simd::select_apply_sums();
      apply_all(sums_[0].size(), excitatory.data(), inhibitory.data(), sums_[0].data(), sums_[1].data(),
                scale_ex, scale_in);
    } else {
      // Each listed (receptor, neuron) pair: CUBA's inputs mostly reach a neuron on
      // one receptor in a step, so only that receptor's variable and sum are touched.
      double* const variables[2] = {excitatory.data(), inhibitory.data()};
      double* const sums[2] = {sums_[0].data(), sums_[1].data()};
      const double scales[2] = {scale_ex, scale_in};
      const std::size_t prefetch_end =
          prefetching() && listed_ > prefetch_ahead ? listed_ - prefetch_ahead : 0;
      for (std::size_t k = 0; k < listed_; ++k) {
        if (k < prefetch_end) {
          const neuron_id_type ahead = touched_[k + prefetch_ahead];
          __builtin_prefetch(variables[ahead >> 31] + (ahead & ~receptor_bit), 1);
          __builtin_prefetch(sums[ahead >> 31] + (ahead & ~receptor_bit), 1);
        }
        const neuron_id_type entry = touched_[k];
        const neuron_id_type n = entry & ~receptor_bit;
        double& variable = variables[entry >> 31][n];
        double& sum = sums[entry >> 31][n];
        variable = add_unless_zero(variable, sum, scales[entry >> 31]);
        sum = 0.0;
      }
    }
    end_step();
  }

  // Whether this step's input is summed in full arrays with nothing staged (the dense
  // pass's form). A step that passes over all neurons anyway may then add and clear
  // the sums itself, as apply_and_clear would with scales 1 (sums), and call
  // dense_applied instead of apply_and_clear.
  bool dense() const { return dense_ && staged_targets_.empty(); }
  double* sums(receptor_type receptor) { return sums_[static_cast<std::size_t>(receptor)].data(); }
  void dense_applied() { end_step(); }

  // Whether no input was added this step.
  bool empty() const { return staged_targets_.empty() && listed_ == 0 && dense_adds_ == 0; }
  // Swaps the storage of two slots' sums, all zero in both (a drained slot and an
  // empty one): nothing a run can see changes, only which memory holds the zeros.
  // REQUIRES: empty() and other.empty(), both applied or never added to.
  void exchange_zero_sums(input_sums& other) {
    sums_[0].swap(other.sums_[0]);
    sums_[1].swap(other.sums_[1]);
  }

  // Staged input applied range by range during a pass of the caller's over the
  // neurons (iaf_psc_exp: each range right after its kernel passed over it, while the
  // variables are in cache, instead of a miss per input): when staged_only(), call
  // sort_staged(), then add_staged_range(r, ...) for r = 0, 1, ... up to the count it
  // returned, then staged_applied(). The variables receive the bits apply_and_clear
  // would give them. Ranges are staged_range_neurons long. Two slots may be sorted and
  // added at once, each with its own `scratch` (0 or 1).
  static constexpr unsigned staged_range_shift = 11;
  static constexpr std::size_t staged_range_neurons = std::size_t{1} << staged_range_shift;
  bool staged_only() const { return !staged_targets_.empty() && !dense_ && listed_ == 0; }
  // Whether sparse input is staged (populations larger than the caches).
  bool staging() const { return staging_; }
  // Sorts the staged input by range (stable: each neuron's inputs stay in arrival
  // order) into this thread's scratch; returns the number of ranges.
  std::size_t sort_staged(unsigned which_scratch = 0) {
    staging_scratch& work = scratch(which_scratch);
    const std::size_t m = staged_targets_.size();
    const std::size_t ranges = (sums_[0].size() >> staged_range_shift) + 1;
    std::vector<std::size_t>& range_ends = work.range_ends;
    range_ends.assign(ranges + 1, 0);
    for (const neuron_id_type t : staged_targets_)
      ++range_ends[((t & ~receptor_bit) >> staged_range_shift) + 1];
    for (std::size_t r = 1; r <= ranges; ++r) range_ends[r] += range_ends[r - 1];
    work.sorted_targets.resize(m);
    work.sorted_weights.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t at = range_ends[((staged_targets_[k] & ~receptor_bit) >> staged_range_shift)]++;
      work.sorted_targets[at] = staged_targets_[k];
      work.sorted_weights[at] = staged_weights_[k];
    }
    // range_ends[r] is now range r's end (and range r + 1's start).
    work.range_sums.resize(2 * staged_range_neurons, 0.0);
    work.range_listed.resize(m);
    return ranges;
  }
  // Sums range r's staged inputs and adds each sum, times its receptor's scale, to its
  // variable unless it is zero.
  // REQUIRES: sort_staged(which_scratch) was called for this step on this thread.
  void add_staged_range(std::size_t r, std::span<double> excitatory, std::span<double> inhibitory,
                        double scale_ex, double scale_in, unsigned which_scratch = 0) {
    staging_scratch& work = scratch(which_scratch);
    double* const variables[2] = {excitatory.data(), inhibitory.data()};
    const double scales[2] = {scale_ex, scale_in};
    const std::size_t first = r == 0 ? 0 : work.range_ends[r - 1];
    const auto base = static_cast<neuron_id_type>(r << staged_range_shift);
    std::size_t listed = 0;
    for (std::size_t k = first; k < work.range_ends[r]; ++k) {
      // Scratch index: neuron within the range times two, plus the receptor.
      const neuron_id_type target = work.sorted_targets[k];
      const std::uint32_t at = (((target & ~receptor_bit) - base) << 1) | (target >> 31);
      add_listing(work.range_sums[at], work.sorted_weights[k], at, work.range_listed.data(), listed);
    }
    for (std::size_t j = 0; j < listed; ++j) {
      const std::uint32_t at = work.range_listed[j];
      double& variable = variables[at & 1][base + (at >> 1)];
      variable = add_unless_zero(variable, work.range_sums[at], scales[at & 1]);
      work.range_sums[at] = 0.0;
    }
  }
  // The staged input was added range by range: the slot is empty again.
  void staged_applied() {
    staged_targets_.clear();
    staged_weights_.clear();
    end_step();
  }

  void state(state_archive& ar) {
    sum_staged();  // the archive holds sums, however they were added
    ar.expect(sums_[0].size(), "neurons of an input slot");
    ar.block(sums_[0]);
    ar.block(sums_[1]);
    // The archive lists neurons (either receptor); loading lists both receptors of each.
    std::vector<neuron_id_type> listed(listed_);
    for (std::size_t k = 0; k < listed_; ++k) listed[k] = touched_[k] & ~receptor_bit;
    ar.block(listed);
    ar.value(dense_);
    std::uint64_t adds = dense_adds_;
    ar.value(adds);
    dense_adds_ = static_cast<std::size_t>(adds);
    if (sums_[0].size() != sums_[1].size()) ar.fail("input slot sums of different lengths");
    for (const neuron_id_type n : listed)
      if (n >= sums_[0].size()) ar.fail("an input slot lists a neuron out of range");
    if (!ar.saving()) {
      touched_.clear();
      for (const neuron_id_type n : listed) {
        touched_.push_back(n);
        touched_.push_back(n | receptor_bit);
      }
      listed_ = touched_.size();
    }
  }

 private:
  // Inputs land on neurons in no useful order; once a population outgrows the caches
  // every one is a miss, and the loops run ahead of them by this many (bench/RESULTS.md,
  // CUBA growth).
  static constexpr std::size_t prefetch_ahead = 8;
  // Below this many neurons the sums and the variables stay in the second-level cache
  // and prefetching is only work: without it CUBA 4k runs 4 % faster (bench/RESULTS.md,
  // Zen 4 host), and 40k and 400k run as fast.
  static constexpr std::size_t prefetch_min_neurons = std::size_t{1} << 14;
  bool prefetching() const { return sums_[0].size() >= prefetch_min_neurons; }
  // Staging pays once the sums (16 bytes a neuron) leave the second-level cache
  // (1 MiB a core here). Measured on CUBA (bench/RESULTS.md), with delivery loading
  // its rows in batches: the 40k network (populations of 32,000 and 8,000 neurons)
  // runs 2 % faster without staging (alternating runs); the 400k network runs 1.2x
  // slower without staging its 80,000-neuron population and 1.8x without staging
  // either. The scratch of one range of staged_range_neurons (both receptors) is
  // 32 KiB.
  static constexpr std::size_t staging_min_neurons = std::size_t{1} << 16;
  // A staged or listed index's top bit marks the inhibitory receptor.
  static constexpr neuron_id_type receptor_bit = neuron_id_type{1} << 31;

  // The slot is empty again. The next step starts in the mode this one ended in,
  // unless it was dense with few inputs: inputs arrive at similar rates from step to
  // step.
  void end_step() {
    listed_ = 0;
    dense_ = dense_ && dense_adds_ * 16 > sums_[0].size();
    dense_adds_ = 0;
  }

  // Adds the staged inputs to the sums in arrival order, listing the touched neurons
  // as `add` does (for the dense sweep, or for an archive).
  void sum_staged() {
    const std::size_t m = staged_targets_.size();
    if (touched_.size() < listed_ + m) touched_.resize(listed_ + m);
    for (std::size_t k = 0; k < m; ++k) {
      const neuron_id_type target = staged_targets_[k] & ~receptor_bit;
      add_listing(sums_[staged_targets_[k] >> 31][target], staged_weights_[k], staged_targets_[k],
                  touched_.data(), listed_);
    }
    staged_targets_.clear();
    staged_weights_.clear();
  }

  // Sums the staged inputs range of neurons by range (a stable counting sort on the
  // range keeps each neuron's inputs in arrival order) and adds each sum, times its
  // receptor's scale, to its variable unless it is zero; then forgets them. The next
  // range's variables are prefetched while a range is summed.
  void apply_staged(std::span<double> excitatory, std::span<double> inhibitory, double scale_ex,
                    double scale_in) {
    if (!staged_targets_.empty()) apply_staged_ranges(excitatory, inhibitory, scale_ex, scale_in);
  }
  // Out of line, so that the small populations' step (which never stages) inlines
  // apply_and_clear as before: inlining this too made CUBA 4k 4 % slower.
  [[gnu::noinline]] void apply_staged_ranges(std::span<double> excitatory, std::span<double> inhibitory,
                                             double scale_ex, double scale_in) {
    const std::size_t ranges = sort_staged();
    const staging_scratch& work = scratch();
    double* const variables[2] = {excitatory.data(), inhibitory.data()};
    const auto prefetch_variables = [&](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; ++k) {
        const neuron_id_type target = work.sorted_targets[k];
        __builtin_prefetch(variables[target >> 31] + (target & ~receptor_bit), 1);
      }
    };
    prefetch_variables(0, work.range_ends[0]);
    for (std::size_t r = 0; r < ranges; ++r) {
      if (r + 1 < ranges) prefetch_variables(work.range_ends[r], work.range_ends[r + 1]);
      add_staged_range(r, excitatory, inhibitory, scale_ex, scale_in);
    }
    staged_targets_.clear();
    staged_weights_.clear();
  }

  // One scratch per thread rather than per slot: a ring has a slot per step of delay.
  struct staging_scratch {
    std::vector<neuron_id_type> sorted_targets;
    std::vector<double> sorted_weights;
    std::vector<std::size_t> range_ends;
    std::vector<double> range_sums;  // all zero between ranges
    std::vector<std::uint32_t> range_listed;
  };
  static staging_scratch& scratch(unsigned which = 0) {
    thread_local staging_scratch work[2];
    return work[which];
  }
  // Adds `weight` to `sum` and lists `index` when the sum may be non-zero: the index
  // is written at the list's end, which advances if the sum was zero (branch-free;
  // which inputs find a zero is unpredictable). Listing one twice (its sum returned
  // to 0) only adds zeros later.
  static void add_listing(double& sum, double weight, std::uint32_t index, std::uint32_t* list,
                          std::size_t& listed) {
    list[listed] = index;
    listed += sum == 0.0 ? 1 : 0;
    sum += weight;
  }

  // variable + sum * scale, or variable itself when sum is zero; branch-free (the
  // sparse pass's neurons mostly have input on one receptor only, in no pattern).
  static double add_unless_zero(double variable, double sum, double scale) {
    const std::uint64_t keep = sum != 0.0 ? ~std::uint64_t{0} : 0;
    return std::bit_cast<double>((std::bit_cast<std::uint64_t>(variable + sum * scale) & keep) |
                                 (std::bit_cast<std::uint64_t>(variable) & ~keep));
  }

  cache_aligned_vector<double> sums_[2];  // excitatory, inhibitory (the dense pass streams them)
  // touched_[0, listed_): the neurons whose sums may be non-zero (sparse pass), each
  // with receptor_bit set for its inhibitory sum.
  std::vector<neuron_id_type> touched_;
  std::size_t listed_ = 0;
  bool dense_ = false;
  std::size_t dense_adds_ = 0;
  // Staged inputs (target, with receptor_bit set if inhibitory; weight) in arrival
  // order, used while nothing is listed.
  bool staging_ = false;
  std::vector<neuron_id_type> staged_targets_;
  std::vector<double> staged_weights_;
};

}  // namespace spikeq
