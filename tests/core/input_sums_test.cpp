// The per-step input sums (core/input_sums.hpp), the ring's slot cursor
// (core/input_ring.hpp) and the two-pass ring delivery (core/ring_delivery.hpp): whichever pass a step takes
// (sparse list or dense sweep), and however its inputs were batched, every variable receives the sum of its
// inputs in arrival order, added once, and a zero sum leaves it untouched.
#include "core/input_sums.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/input_ring.hpp"
#include "core/ring_delivery.hpp"
#include "core/state_archive.hpp"
#include "core/synapse_table.hpp"

namespace spikeq {
namespace {

struct input {
  receptor_type receptor;
  neuron_id_type target;
  weight_type weight;
};

// What the step must produce: per neuron and receptor, the inputs summed in
// arrival order from 0, added to the variable unless the sum is zero.
void expected_after(const std::vector<input>& inputs, std::vector<double>& ex, std::vector<double>& in) {
  std::vector<double> sum_ex(ex.size(), 0.0), sum_in(in.size(), 0.0);
  for (const input& i : inputs)
    (i.receptor == receptor_type::excitatory ? sum_ex : sum_in)[i.target] += i.weight;
  for (std::size_t n = 0; n < ex.size(); ++n) {
    if (sum_ex[n] != 0.0) ex[n] += sum_ex[n];
    if (sum_in[n] != 0.0) in[n] += sum_in[n];
  }
}

std::vector<input> random_inputs(std::size_t count, std::size_t neurons, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<neuron_id_type> target(0, static_cast<neuron_id_type>(neurons - 1));
  std::uniform_real_distribution<float> weight(-3.0F, 5.0F);
  std::vector<input> inputs;
  for (std::size_t k = 0; k < count; ++k)
    inputs.push_back(
        {k % 3 == 0 ? receptor_type::inhibitory : receptor_type::excitatory, target(rng), weight(rng)});
  return inputs;
}

// Adds `inputs` in blocks of `block` consecutive inputs of one receptor each.
void add_in_blocks(input_sums& sums, const std::vector<input>& inputs, std::size_t block) {
  for (std::size_t first = 0; first < inputs.size();) {
    std::vector<neuron_id_type> targets;
    std::vector<weight_type> weights;
    const receptor_type r = inputs[first].receptor;
    std::size_t k = first;
    for (; k < inputs.size() && k < first + block && inputs[k].receptor == r; ++k) {
      targets.push_back(inputs[k].target + 7);  // a slice starting at neuron 7
      weights.push_back(inputs[k].weight);
    }
    sums.add(r, std::span<const neuron_id_type>(targets), std::span<const weight_type>(weights), 7);
    first = k;
  }
}

// Every element has the same bits (so -0.0 differs from +0.0); names the first that does not.
::testing::AssertionResult same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    return ::testing::AssertionFailure() << "lengths " << a.size() << " and " << b.size();
  for (std::size_t n = 0; n < a.size(); ++n)
    if (std::bit_cast<std::uint64_t>(a[n]) != std::bit_cast<std::uint64_t>(b[n]))
      return ::testing::AssertionFailure() << "neuron " << n << ": " << a[n] << " against " << b[n];
  return ::testing::AssertionSuccess();
}

// One step of a fresh slot of `neurons`: `inputs` added in blocks of `block` and
// applied to variables at `ex0` and `in0` give expected_after's values, and the
// cleared slot adds nothing the next step.
::testing::AssertionResult step_sums_in_arrival_order(std::size_t neurons, const std::vector<input>& inputs,
                                                      std::size_t block, double ex0, double in0) {
  std::vector<double> ex(neurons, ex0), in(neurons, in0);
  auto ex_expected = ex, in_expected = in;
  expected_after(inputs, ex_expected, in_expected);
  input_sums sums;
  sums.resize(neurons);
  add_in_blocks(sums, inputs, block);
  sums.apply_and_clear(ex, in);
  if (auto r = same_bits(ex, ex_expected); !r) return r << " (excitatory)";
  if (auto r = same_bits(in, in_expected); !r) return r << " (inhibitory)";
  sums.apply_and_clear(ex, in);
  if (auto r = same_bits(ex, ex_expected); !r) return r << " (excitatory, a step later)";
  return same_bits(in, in_expected) << " (inhibitory, a step later)";
}

// 10 inputs on 1000 neurons stay on the sparse list; 2000 take the dense sweep.
TEST(input_sums, sparse_and_dense_steps_add_each_sum_in_arrival_order) {
  const std::size_t neurons = 1000;
  for (const std::size_t count : {std::size_t{10}, std::size_t{2000}})
    EXPECT_TRUE(step_sums_in_arrival_order(
        neurons, random_inputs(count, neurons, static_cast<unsigned>(count)), 5, 1.5, -2.5))
        << count << " inputs";
}

// A sum that returns to exactly zero adds nothing: a variable at -0.0 keeps its sign.
TEST(input_sums, a_sum_back_at_zero_leaves_the_variable_untouched) {
  input_sums sums;
  sums.resize(16);
  const std::vector<input> inputs{{receptor_type::excitatory, 3, 2.0F},
                                  {receptor_type::excitatory, 3, -2.0F},
                                  {receptor_type::excitatory, 3, 0.5F},
                                  {receptor_type::excitatory, 3, -0.5F},
                                  {receptor_type::inhibitory, 4, 1.0F}};
  add_in_blocks(sums, inputs, 1);
  std::vector<double> ex(16, -0.0), in(16, -0.0);
  sums.apply_and_clear(ex, in);
  EXPECT_TRUE(std::signbit(ex[3]));
  EXPECT_EQ(ex[3], 0.0);
  EXPECT_EQ(in[4], 1.0);
  EXPECT_TRUE(std::signbit(in[5]));
}

// The sparse list keeps the receptor in an index's top bit, so a slot refuses 2^31
// neurons (before allocating anything) rather than mixing the receptors up.
TEST(input_sums, refuses_a_population_of_two_to_the_31_neurons) {
  input_sums sums;
  EXPECT_THROW(sums.resize(std::size_t{1} << 31), std::length_error);
  sums.resize(16);  // still usable afterwards
  sums.add(receptor_type::inhibitory, 15, 2.0);
  std::vector<double> ex(16, 0.0), in(16, 0.0);
  sums.apply_and_clear(ex, in);
  EXPECT_EQ(in[15], 2.0);
  EXPECT_EQ(ex[15], 0.0);
}

// A step that adds staged input range by range inside its own pass (iaf_psc_exp:
// sort_staged, add_staged_range for each range, staged_applied) gives the bits of
// apply_and_clear after the pass, with scales, -0.0 variables and sums back at zero,
// and leaves the slot empty.
TEST(input_sums, staged_input_added_range_by_range_equals_apply_and_clear) {
  const std::size_t neurons = 100000;  // staged; 49 ranges, the last one partial
  auto inputs = random_inputs(3000, neurons, 21);
  for (std::size_t k = 0; k < inputs.size(); k += 5) inputs[k].target = static_cast<neuron_id_type>(k % 11);
  inputs.push_back({receptor_type::inhibitory, 99999, 2.5F});
  inputs.push_back({receptor_type::inhibitory, 99999, -2.5F});
  input_sums whole, by_range;
  whole.resize(neurons);
  by_range.resize(neurons);
  add_in_blocks(whole, inputs, 16);
  add_in_blocks(by_range, inputs, 16);
  ASSERT_TRUE(by_range.staged_only());
  std::vector<double> ex(neurons, 0.5), in(neurons, -0.0);
  auto ex2 = ex, in2 = in;
  whole.apply_and_clear(ex, in, 1.25, 0.75);
  const std::size_t ranges = by_range.sort_staged();
  EXPECT_EQ(ranges, neurons / input_sums::staged_range_neurons + 1);
  for (std::size_t r = 0; r < ranges; ++r) by_range.add_staged_range(r, ex2, in2, 1.25, 0.75);
  by_range.staged_applied();
  EXPECT_TRUE(same_bits(ex2, ex));
  EXPECT_TRUE(same_bits(in2, in));
  EXPECT_TRUE(by_range.empty());
  EXPECT_FALSE(by_range.staged_only());
}

// Pending sums saved mid-step and loaded into a fresh slot give the same step.
TEST(input_sums, pending_sums_resume_from_a_checkpoint) {
  const std::size_t neurons = 300;
  const auto inputs = random_inputs(20, neurons, 3);
  input_sums original;
  original.resize(neurons);
  add_in_blocks(original, inputs, 4);
  state_archive saved;
  original.state(saved);
  input_sums resumed;
  resumed.resize(neurons);
  state_archive loading(saved.bytes(), "test");
  resumed.state(loading);
  std::vector<double> ex(neurons, 0.25), in(neurons, -0.75);
  auto ex2 = ex, in2 = in;
  original.apply_and_clear(ex, in);
  resumed.apply_and_clear(ex2, in2);
  EXPECT_TRUE(same_bits(ex2, ex));
  EXPECT_TRUE(same_bits(in2, in));
}

// Populations beyond the caches stage sparse input and sum it range by range when
// the step applies it: the sums are bit for bit those of adding on arrival, with
// neurons hit many times (in both receptors, across ranges), sums back at zero, and
// a step whose input passes an eighth of the neurons midway (the dense sweep).
TEST(input_sums, staged_input_of_a_large_population_sums_in_arrival_order) {
  const std::size_t neurons = 100000;
  for (const std::size_t count : {std::size_t{40}, std::size_t{3000}, std::size_t{20000}}) {
    auto inputs = random_inputs(count, neurons, static_cast<unsigned>(count) + 11);
    for (std::size_t k = 0; k < inputs.size(); k += 3) inputs[k].target = static_cast<neuron_id_type>(k % 7);
    inputs.push_back({receptor_type::excitatory, 99999, 1.25F});
    inputs.push_back({receptor_type::excitatory, 99999, -1.25F});
    EXPECT_TRUE(step_sums_in_arrival_order(neurons, inputs, 80, 1.5, -0.0)) << count << " inputs";
  }
}

// A checkpoint taken while input is staged holds it as sums; both the run that saved
// it and the one that resumed from it go on adding to those sums, and apply as one
// uninterrupted step would.
TEST(input_sums, staged_input_resumes_from_a_checkpoint) {
  const std::size_t neurons = 70000;
  const auto inputs = random_inputs(900, neurons, 21);
  const std::vector<input> before(inputs.begin(), inputs.begin() + 500),
      after(inputs.begin() + 500, inputs.end());
  input_sums original;
  original.resize(neurons);
  add_in_blocks(original, before, 16);
  state_archive saved;
  original.state(saved);
  input_sums resumed;
  resumed.resize(neurons);
  state_archive loading(saved.bytes(), "test");
  resumed.state(loading);
  add_in_blocks(original, after, 16);
  add_in_blocks(resumed, after, 16);
  std::vector<double> ex(neurons, 0.25), in(neurons, -0.75);
  auto ex_expected = ex, in_expected = in;
  expected_after(inputs, ex_expected, in_expected);
  auto ex2 = ex, in2 = in;
  original.apply_and_clear(ex, in);
  resumed.apply_and_clear(ex2, in2);
  EXPECT_TRUE(same_bits(ex, ex_expected));
  EXPECT_TRUE(same_bits(in, in_expected));
  EXPECT_TRUE(same_bits(ex2, ex_expected));
  EXPECT_TRUE(same_bits(in2, in_expected));
}

// Listing each spike's run of blocks and adding the runs later (a batch's rows loaded
// first) puts every block into the slot of its arrival step and sums as adding each
// block at once would: runs of one to many blocks, blocks of one synapse to beyond
// the lines loaded ahead, more runs than a batch holds, two receptors; per-synapse
// weights or one shared weight.
TEST(ring_delivery, listed_runs_add_as_direct_adds_would) {
  const std::size_t neurons = 500;
  const tick_type step = 3;
  synapse_table table;
  std::mt19937 rng(5);
  std::uniform_int_distribution<neuron_id_type> target(10, 10 + neurons - 1);  // slice starts at 10
  std::uniform_real_distribution<float> weight(-1.0F, 2.0F);
  const std::uint32_t sources = 12;
  table.block_first_synapse.push_back(0);
  for (std::uint32_t src = 0; src < sources; ++src) {
    table.source_first_block.push_back(static_cast<std::uint32_t>(table.block_delay.size()));
    block_delay_type delay = 0;
    for (std::uint32_t b = 0; b < src % 6; ++b) {
      delay += 1 + static_cast<block_delay_type>((src + b) % 4);  // increasing, some in one step
      const std::size_t size = (src * 7 + b * 37) % 5 == 0 ? 1 : (src * 53 + b * 37) % 300 + 1;
      for (std::size_t k = 0; k < size; ++k) {
        table.target.push_back(target(rng));
        table.weight.push_back(weight(rng));
      }
      table.block_delay.push_back(delay);
      table.block_first_synapse.push_back(table.target.size());
    }
  }
  table.source_first_block.push_back(static_cast<std::uint32_t>(table.block_delay.size()));
  // Per-synapse weights, then one weight shared by every synapse and passed as such
  // (the weights are then not read).
  for (const bool shared : {false, true}) {
    if (shared) std::fill(table.weight.begin(), table.weight.end(), 0.7F);
    const std::optional<weight_type> shared_weight = shared ? std::optional<weight_type>(0.7F) : std::nullopt;
    input_ring direct, listed;
    direct.resize(neurons, 12);
    listed.resize(neurons, 12);
    ring_delivery delivery;
    for (std::uint32_t k = 0; k < 700; ++k) {
      const std::uint32_t src = (k * 5) % sources;
      const tick_type tick = (k / 4) % 8;
      const receptor_type r = k % 2 == 0 ? receptor_type::excitatory : receptor_type::inhibitory;
      const std::uint32_t first = table.first_block(src, 0), end = table.end_block(src, 0);
      if (first == end) continue;
      for (std::uint32_t b = first; b < end; ++b)
        direct.slot(static_cast<std::uint64_t>((tick + table.block_delay[b] + step - 1) / step))
            .add(r, table.block_targets(b), table.block_weights(b), 10);
      delivery.list(table, first, end, tick, r, 10, listed, step, shared_weight);
    }
    delivery.add_all();
    for (std::uint64_t s = 0; s < 12; ++s) {
      std::vector<double> ex(neurons, 0.0), in(neurons, 0.0);
      auto ex2 = ex, in2 = in;
      direct.drain(s, ex, in);
      listed.drain(s, ex2, in2);
      EXPECT_TRUE(same_bits(ex2, ex)) << (shared ? "shared weight" : "per-synapse weights");
      EXPECT_TRUE(same_bits(in2, in)) << (shared ? "shared weight" : "per-synapse weights");
    }
    // add_all forgot the runs: a second call adds nothing.
    delivery.add_all();
    for (std::uint64_t s = 0; s < 12; ++s) {
      std::vector<double> ex(neurons, 0.0), in(neurons, 0.0);
      listed.drain(s, ex, in);
      EXPECT_EQ(ex, std::vector<double>(neurons, 0.0));
      EXPECT_EQ(in, std::vector<double>(neurons, 0.0));
    }
  }
}

// The cursor finds, for non-decreasing arrivals, the slot that input_ring::slot
// gives for the step ending at the first multiple of the step at or after each
// arrival: across step boundaries, several arrivals in one step, and wrapping round.
TEST(input_ring, cursor_finds_the_slot_of_each_arrival_without_dividing) {
  for (const tick_type step : {tick_type{1}, tick_type{100}}) {
    input_ring ring;
    ring.resize(4, 7);
    std::mt19937 rng(static_cast<unsigned>(step));
    std::uniform_int_distribution<tick_type> gap(0, 3 * step);
    for (const tick_type start : {tick_type{1}, step, 5 * step + 1, 1000 * step - 1}) {
      tick_type arrival = start;
      input_ring::cursor cursor = ring.cursor_from(arrival, step);
      for (int k = 0; k < 200; ++k) {
        const auto step_index = static_cast<std::uint64_t>((arrival + step - 1) / step);
        EXPECT_EQ(&cursor.slot_for(arrival), &ring.slot(step_index))
            << "step " << step << ", arrival " << arrival;
        arrival += gap(rng);
      }
    }
  }
}

// With one-step delays the drained slot hands its (zero) sums to the empty next slot,
// so one pair of arrays stays in use; a next slot that already holds input keeps its
// own. Either way every step adds exactly its own inputs, in arrival order.
TEST(input_ring, a_drained_slot_hands_its_sums_to_an_empty_next_slot) {
  constexpr std::size_t neurons = 50, slots = 5;
  input_ring ring;
  ring.resize(neurons, slots);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<neuron_id_type> target(0, neurons - 1);
  std::uniform_real_distribution<double> weight(-3.0, 3.0);
  std::vector<double> ex(neurons, 0.0), in(neurons, 0.0), ex_expected(neurons, 0.0),
      in_expected(neurons, 0.0);
  std::vector<std::vector<double>> sums_ahead(slots + 64, std::vector<double>(2 * neurons, 0.0));
  std::size_t handed_over = 0, kept = 0;
  for (std::uint64_t step = 1; step <= 60; ++step) {
    const double* drained_sums = ring.slot(step).sums(receptor_type::excitatory);
    const bool next_empty = ring.slot(step + 1).empty();
    ring.drain(step, ex, in);
    for (std::size_t n = 0; n < neurons; ++n) {
      if (sums_ahead[step][n] != 0.0) ex_expected[n] += sums_ahead[step][n];
      if (sums_ahead[step][neurons + n] != 0.0) in_expected[n] += sums_ahead[step][neurons + n];
    }
    ASSERT_EQ(ex, ex_expected) << "step " << step;
    ASSERT_EQ(in, in_expected) << "step " << step;
    const bool moved = ring.slot(step + 1).sums(receptor_type::excitatory) == drained_sums;
    EXPECT_EQ(moved, next_empty) << "step " << step;
    (moved ? handed_over : kept) += 1;
    // Then this step's spikes: input for the next step, and now and then for three
    // steps ahead (as the kernel delivers after the step).
    for (const std::uint64_t ahead : {std::uint64_t{1}, std::uint64_t{3}}) {
      if (ahead == 3 && step % 7 != 0) continue;
      for (int k = 0; k < 4; ++k) {
        const neuron_id_type n = target(rng);
        const double w = weight(rng);
        const auto receptor = k % 2 == 0 ? receptor_type::excitatory : receptor_type::inhibitory;
        ring.slot(step + ahead).add(receptor, n, w);
        sums_ahead[step + ahead][(k % 2) * neurons + n] += w;
      }
    }
  }
  EXPECT_GT(handed_over, 0u);
  EXPECT_GT(kept, 0u);
}

}  // namespace
}  // namespace spikeq
