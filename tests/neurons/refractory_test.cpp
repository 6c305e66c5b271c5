// neurons/step_support.hpp: holding refractory neurons at -inf (refractory_hold, used
// by iaf_psc_exp) gives every step the values that clamping them to V_reset each step
// (refractory_list, NEST's scheme) gives, and its checkpoints load either way.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "core/state_archive.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {
namespace {

constexpr double reset = 0.0;
constexpr double threshold = 10.0;

// A linear propagation with a positive factor (it keeps -inf at -inf) that drives
// every neuron to threshold again and again, from different starts.
void propagate(std::vector<double>& V) {
  for (double& v : V) v = 0.9 * v + 1.3;
}

template <class Refractory>
void fire(std::vector<double>& V, Refractory& refractory) {
  for (std::size_t k = 0; k < V.size(); ++k)
    if (V[k] >= threshold) V[k] = refractory.hold(static_cast<neuron_id_type>(k), reset);
}

std::vector<double> starts(std::size_t n) {
  std::vector<double> V(n);
  for (std::size_t k = 0; k < n; ++k) V[k] = 0.37 * static_cast<double>(k % 29);
  return V;
}

TEST(refractory_hold, every_step_equals_clamping_to_reset) {
  for (const std::int32_t t_ref_steps : {0, 1, 3, 20}) {
    std::vector<double> clamped = starts(57), held = clamped;
    refractory_list list(t_ref_steps);
    refractory_hold hold(t_ref_steps);
    std::size_t held_values = 0;
    for (int step = 1; step <= 300; ++step) {
      propagate(clamped);
      propagate(held);
      list.clamp(clamped, reset);
      hold.release_due(held, reset);
      fire(clamped, list);
      fire(held, hold);
      for (std::size_t k = 0; k < held.size(); ++k) {
        held_values += held[k] == refractory_hold::held ? 1 : 0;
        ASSERT_EQ(refractory_hold::held_value(held[k], reset), clamped[k])
            << "t_ref " << t_ref_steps << " steps, step " << step << ", neuron " << k;
      }
    }
    // t_ref = 0 holds nothing; otherwise neurons were held (the comparison meant something).
    EXPECT_EQ(held_values == 0, t_ref_steps == 0) << t_ref_steps;
  }
}

TEST(refractory_hold, a_step_taken_range_by_range_releases_what_release_due_releases) {
  // iaf_psc_exp's step ahead (neurons/iaf_psc_exp.cpp) propagates, releases and fires
  // a range of neurons at a time: release_due_below must release each range's
  // neurons before that range is propagated again, and no others.
  constexpr std::size_t range = 7;
  for (const std::int32_t t_ref_steps : {0, 1, 3, 20}) {
    std::vector<double> whole = starts(57), ranged = whole;
    refractory_hold by_step(t_ref_steps), by_range(t_ref_steps);
    std::size_t released = 0;
    for (int step = 1; step <= 300; ++step) {
      propagate(whole);
      by_step.release_due(whole, reset);
      fire(whole, by_step);
      by_range.begin_step();
      for (std::size_t first = 0; first < ranged.size(); first += range) {
        const std::size_t end = std::min(ranged.size(), first + range);
        for (std::size_t k = first; k < end; ++k) ranged[k] = 0.9 * ranged[k] + 1.3;
        by_range.release_due_below(ranged, reset, end);
        for (std::size_t k = first; k < end; ++k)
          if (ranged[k] >= threshold) ranged[k] = by_range.hold(static_cast<neuron_id_type>(k), reset);
      }
      for (std::size_t k = 0; k < whole.size(); ++k) {
        released += whole[k] == reset ? 1 : 0;
        ASSERT_EQ(std::bit_cast<std::uint64_t>(ranged[k]), std::bit_cast<std::uint64_t>(whole[k]))
            << "t_ref " << t_ref_steps << " steps, step " << step << ", neuron " << k;
      }
    }
    EXPECT_GT(released, 0U) << t_ref_steps;
  }
}

TEST(refractory_hold, checkpoints_load_from_either_scheme_and_continue_alike) {
  constexpr std::int32_t t_ref_steps = 7;
  std::vector<double> clamped = starts(40);
  refractory_list list(t_ref_steps);
  for (int step = 1; step <= 25; ++step) {
    propagate(clamped);
    list.clamp(clamped, reset);
    fire(clamped, list);
  }
  // A clamping population's checkpoint (V at reset while refractory) loads into a
  // holding one, whose own checkpoint loads into another holding one.
  state_archive from_list;
  list.state(from_list, clamped.size());
  std::vector<double> held = clamped;
  refractory_hold hold(t_ref_steps);
  state_archive loading(from_list.bytes(), "test");
  hold.state(loading, held);
  EXPECT_TRUE(loading.at_end());
  state_archive from_hold;
  hold.state(from_hold, held);
  EXPECT_EQ(from_hold.bytes(), from_list.bytes());
  std::vector<double> held_again = held;
  refractory_hold hold_again(t_ref_steps);
  state_archive loading_again(from_hold.bytes(), "test");
  hold_again.state(loading_again, held_again);
  std::size_t refractory_at_checkpoint = 0;
  for (const double v : held) refractory_at_checkpoint += v == refractory_hold::held ? 1 : 0;
  EXPECT_GT(refractory_at_checkpoint, 0u);
  for (int step = 26; step <= 120; ++step) {
    propagate(clamped);
    propagate(held);
    propagate(held_again);
    list.clamp(clamped, reset);
    hold.release_due(held, reset);
    hold_again.release_due(held_again, reset);
    fire(clamped, list);
    fire(held, hold);
    fire(held_again, hold_again);
    for (std::size_t k = 0; k < held.size(); ++k) {
      ASSERT_EQ(refractory_hold::held_value(held[k], reset), clamped[k])
          << "step " << step << ", neuron " << k;
      ASSERT_EQ(held_again[k], held[k]) << "step " << step << ", neuron " << k;
    }
  }
}

TEST(refractory_hold, a_checkpoint_with_an_entry_out_of_range_is_refused) {
  refractory_list list(3);
  list.start(5);
  state_archive saved;
  list.state(saved, 10);
  std::vector<double> V(4, 0.0);  // neuron 5 does not exist here
  refractory_hold hold(3);
  state_archive loading(saved.bytes(), "test");
  EXPECT_ANY_THROW(hold.state(loading, V));
}

// The threshold test of listed lanes fires exactly the neurons at or above the
// threshold in those lanes, in index order across lanes and rows, as the test of
// whole blocks does.
TEST(fire_listed_lanes, fires_what_the_whole_block_test_fires_in_index_order) {
  constexpr std::size_t block = 64;
  std::vector<double> V(2 * block + 5, 0.0);
  for (const std::size_t k : std::vector<std::size_t>{3, 8, 11, 60, block + 9, 2 * block + 4}) V[k] = 12.0;
  V[19] = 12.0;  // lane 3, as neuron 3: found through the same lane
  std::vector<double> V_blocks = V;
  const std::vector<std::uint32_t> blocks{0, 1, 2};
  // Lanes of the crossings: block 0 {3, 0, 3, 4} (and 19: 3), block 1 {1}, the
  // partial block 2 all.
  const std::vector<std::uint8_t> lanes{0b11001, 0b10, 0xFF};
  refractory_list by_lanes(2), by_blocks(2);
  population_output out_lanes, out_blocks;
  fire_listed_lanes(V, blocks, lanes, block, threshold, reset, by_lanes, out_lanes);
  fire_listed_blocks(V_blocks, blocks, block, threshold, reset, by_blocks, out_blocks);
  const std::vector<neuron_id_type> expected{3, 8, 11, 19, 60, block + 9, 2 * block + 4};
  EXPECT_EQ(out_lanes.spikes, expected);
  EXPECT_EQ(out_blocks.spikes, expected);
  EXPECT_EQ(V, V_blocks);
}

}  // namespace
}  // namespace spikeq
