// The calendar queue must pop events in the total order of core/event.hpp,
// whatever the insertion order and however far ahead events are scheduled.
#include "core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace spikeq {
namespace {

std::vector<event> drain(event_queue& q) {
  std::vector<event> out;
  event e;
  while (q.pop(e)) out.push_back(e);
  return out;
}

TEST(event_queue, pops_in_total_order_for_any_insertion_order) {
  std::vector<event> events;
  for (std::uint32_t k = 0; k < 2000; ++k)
    events.push_back(
        {static_cast<tick_type>((k * 7919) % 500), static_cast<event_kind>(k % 7), k % 13, k, 0});
  std::mt19937 shuffle_rng(42);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(events.begin(), events.end(), shuffle_rng);
    event_queue q(10, 100);
    for (const auto& e : events) q.push(e);
    const auto popped = drain(q);
    auto expected = events;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(popped, expected);
  }
}

TEST(event_queue, far_events_go_through_overflow_and_come_back_in_order) {
  // Horizon 50 ticks with width 10: events at 1e6 and beyond wait in the heap.
  event_queue q(10, 50);
  const std::vector<tick_type> ticks{5, 1'000'000, 49, 3'000'000, 51, 1'000'000, 999'999, 60, 7};
  std::uint32_t id = 0;
  for (tick_type t : ticks) q.push({t, event_kind::spike_delivery, id++, 0, 0});
  const auto popped = drain(q);
  ASSERT_EQ(popped.size(), ticks.size());
  EXPECT_TRUE(std::is_sorted(popped.begin(), popped.end()));
  EXPECT_EQ(popped.front().tick, 5);
  EXPECT_EQ(popped.back().tick, 3'000'000);
}

TEST(event_queue, events_pushed_while_popping_keep_the_order) {
  // A delivery scheduled into the current bucket while it is being consumed.
  event_queue q(100, 1000);
  q.push({10, event_kind::population_step, 0, 0, 0});
  q.push({90, event_kind::population_step, 0, 0, 0});
  event e;
  ASSERT_TRUE(q.pop(e));
  EXPECT_EQ(e.tick, 10);
  q.push({50, event_kind::spike_delivery, 3, 0, 0});
  q.push({10, event_kind::record, 0, 0, 0});  // same tick, later kind
  q.push({2000, event_kind::spike_delivery, 1, 0, 0});
  std::vector<tick_type> order;
  while (q.pop(e)) order.push_back(e.tick);
  EXPECT_EQ(order, (std::vector<tick_type>{10, 50, 90, 2000}));
}

TEST(event_queue, same_tick_orders_by_kind_then_keys) {
  event_queue q(1, 10);
  q.push({5, event_kind::population_step, 0, 0, 0});
  q.push({5, event_kind::spike_delivery, 7, 1, 0});
  q.push({5, event_kind::spike_delivery, 2, 9, 0});
  q.push({5, event_kind::current_change, 0, 0, 0});
  const auto popped = drain(q);
  ASSERT_EQ(popped.size(), 4u);
  EXPECT_EQ(popped[0].primary, 2u);
  EXPECT_EQ(popped[1].primary, 7u);
  EXPECT_EQ(popped[2].kind, event_kind::population_step);
  EXPECT_EQ(popped[3].kind, event_kind::current_change);
}

TEST(event_queue, rejects_events_in_the_past) {
  event_queue q(10, 100);
  q.push({500, event_kind::spike_delivery, 0, 0, 0});
  event e;
  ASSERT_TRUE(q.pop(e));
  EXPECT_THROW(q.push({100, event_kind::spike_delivery, 0, 0, 0}), std::logic_error);
}

}  // namespace
}  // namespace spikeq

namespace spikeq {
namespace {

TEST(event_queue, events_pushed_into_the_current_bucket_while_popping_come_out_in_order) {
  // Regression: a spike source firing many times within the bucket being processed
  // used to insert into the sorted bucket (quadratic); now they go through a heap
  // merged at pop, and the total order must hold.
  event_queue q(1000, 10000);
  for (std::uint32_t k = 0; k < 100; ++k) q.push({static_cast<tick_type>(10 * k), event_kind::wakeup, k, 0, 0});
  std::vector<event> popped;
  event e;
  std::uint32_t next_id = 1000;
  while (q.pop(e)) {
    popped.push_back(e);
    // Each of the first 500 pops schedules two events later in the same bucket.
    if (next_id < 2000 && e.tick < 990) {
      q.push({e.tick + 1, event_kind::spike_delivery, next_id++, 0, 0});
      q.push({e.tick + 3, event_kind::wakeup, next_id++, 0, 0});
    }
  }
  ASSERT_GT(popped.size(), 1000u);
  for (std::size_t k = 1; k < popped.size(); ++k) ASSERT_TRUE(popped[k - 1] < popped[k]) << "at " << k;
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace spikeq
