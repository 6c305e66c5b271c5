// The pieces of the window protocol (core/kernel.hpp): queues that stop at a
// window's end without moving past it, the canonical spike exchange, and
// populations split into slices that read back as one.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/event_queue.hpp"
#include "core/sharded_population.hpp"
#include "core/spike_exchange.hpp"
#include "tests/core/scripted_network.hpp"

namespace spikeq {
namespace {

TEST(event_queue_window, pop_before_stops_at_the_limit_and_accepts_later_pushes) {
  event_queue q(10, 100);
  q.push(event::step(5, 0));
  q.push(event::step(10, 0));
  q.push(event::step(20, 0));
  event e;
  ASSERT_TRUE(q.pop_before(10, e));
  EXPECT_EQ(e.tick, 5);
  EXPECT_FALSE(q.pop_before(10, e));
  // The next window's deliveries arrive after the queue stopped.
  q.push(event::delivery(12, 3, 0, 0));
  q.push(event::delivery(10, 1, 0, 0));
  std::vector<tick_type> ticks;
  while (q.pop_before(25, e)) ticks.push_back(e.tick);
  EXPECT_EQ(ticks, (std::vector<tick_type>{10, 10, 12, 20}));
}

TEST(event_queue_window, an_empty_stretch_is_not_skipped_past_the_limit) {
  // Only a far event is queued (in the overflow heap); stopping at tick 100 must
  // leave room for pushes at 100..far.
  event_queue q(10, 50);
  q.push(event::step(1'000'000, 0));
  event e;
  EXPECT_FALSE(q.pop_before(100, e));
  q.push(event::delivery(150, 0, 0, 0));
  ASSERT_TRUE(q.pop_before(200, e));
  EXPECT_EQ(e.tick, 150);
  ASSERT_TRUE(q.pop(e));
  EXPECT_EQ(e.tick, 1'000'000);
}

TEST(spike_exchange, the_merged_list_does_not_depend_on_how_spikes_were_split) {
  const std::vector<emitted_spike> all = {{3, 1, 7}, {1, 0, 2}, {3, 0, 9}, {1, 0, 1}, {2, 1, 0}, {3, 1, 2}};
  in_process_spike_exchange one, three;
  std::vector<emitted_spike> whole = all, part0 = {all[0], all[3]}, part1,
                             part2 = {all[1], all[2], all[4], all[5]};
  std::vector<std::vector<emitted_spike>*> single = {&whole};
  std::vector<std::vector<emitted_spike>*> split = {&part0, &part1, &part2};
  const auto a = one.exchange(single);
  const std::vector<emitted_spike> merged_single(a.begin(), a.end());
  const auto b = three.exchange(split);
  const std::vector<emitted_spike> merged_split(b.begin(), b.end());
  EXPECT_EQ(merged_single, merged_split);
  const std::vector<emitted_spike> expected = {{1, 0, 1}, {1, 0, 2}, {2, 1, 0},
                                               {3, 0, 9}, {3, 1, 2}, {3, 1, 7}};
  EXPECT_EQ(merged_single, expected);
  EXPECT_TRUE(part2.empty());  // outboxes are emptied
  EXPECT_TRUE(whole.empty());
}

TEST(sharded_population, slices_cover_the_population_nearly_evenly) {
  EXPECT_EQ(slice_boundaries(10, 3), (std::vector<neuron_id_type>{0, 4, 7, 10}));
  EXPECT_EQ(slice_boundaries(2, 4), (std::vector<neuron_id_type>{0, 1, 2, 2, 2}));
  EXPECT_EQ(slice_boundaries(0, 2), (std::vector<neuron_id_type>{0, 0, 0}));
}

// A population whose recordable value is (slice id) * 1000 + local index.
class numbered_slice final : public population {
 public:
  numbered_slice(neuron_id_type size, int id) : population("p", size), id_(id) {}
  std::string_view model() const override { return "numbered"; }
  void receive(tick_type, receptor_type, std::span<const neuron_id_type>, std::span<const weight_type>,
               population_output&) override {}
  void set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) override {}
  std::vector<std::string> recordables() const override { return {"x"}; }
  void sample(std::size_t, tick_type, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override {
    for (std::size_t k = 0; k < neurons.size(); ++k) values[k] = id_ * 1000 + neurons[k];
  }

 private:
  int id_;
};

TEST(sharded_population, sampling_reads_every_neuron_from_its_slice) {
  const auto first = slice_boundaries(7, 3);  // {0, 3, 5, 7}
  std::vector<std::unique_ptr<population>> slices;
  for (int s = 0; s < 3; ++s) slices.push_back(std::make_unique<numbered_slice>(first[s + 1] - first[s], s));
  const sharded_population pop("p", std::move(slices), first);
  EXPECT_EQ(pop.size(), 7u);
  EXPECT_EQ(pop.model(), "numbered");
  const std::vector<neuron_id_type> neurons = {0, 2, 3, 6, 4, 1};
  std::vector<double> values(neurons.size());
  pop.sample(0, 0, neurons, values);
  EXPECT_EQ(values, (std::vector<double>{0, 2, 1000, 2001, 1001, 1}));
}

}  // namespace
}  // namespace spikeq
