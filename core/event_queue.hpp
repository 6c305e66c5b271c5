// Calendar (bucket) priority queue for simulation events.
//
// Most events fall within the next maximum-delay window, so events live in a ring
// of buckets, each spanning `bucket_width` ticks; events beyond the ring's horizon
// wait in an overflow heap and move into the ring as it advances. push and pop are
// O(1) amortised for this workload; a bucket is sorted once, when it becomes current.
// Events pushed into the current bucket after that (a spike source firing at the
// tick being processed, inputs of a delay shorter than the bucket) go into a small
// heap merged with the sorted bucket at pop: O(log n) each, however many arrive.
//
// Invariants:
//   - No event is ever earlier than the last popped one (the kernel only schedules
//     into the future or at the current tick with a later key).
//   - Events pop in the total order of event.hpp.
// Thread safety: none; one queue per shard.
#pragma once

#include <cstddef>
#include <queue>
#include <vector>

#include "core/event.hpp"

namespace spikeq {

class state_archive;

class event_queue {
 public:
  // REQUIRES: bucket_width >= 1. `horizon_ticks` is how far ahead events are kept in
  // the ring (typically the maximum delay); later ones go to the overflow heap.
  event_queue(tick_type bucket_width, tick_type horizon_ticks);

  void push(const event& e);
  // Pops the smallest event into `out`; returns false when the queue is empty.
  bool pop(event& out);
  // Pops the smallest event into `out` if its tick is before `limit`; otherwise
  // leaves the queue as it is (events at or after `limit` may still be pushed).
  bool pop_before(tick_type limit, event& out);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  // Saves or loads the pending events (core/state_archive.hpp). Saving leaves the
  // queue as it is; loading replaces its contents. A loaded queue pops the same
  // events in the same order as the saved one: pops follow the total order of
  // event.hpp, whatever bucket or heap an event sits in.
  // REQUIRES (loading): same bucket width as the saved queue.
  // Saving skips the events for which `keep` is false (events the owner re-creates).
  void state(state_archive& ar, bool (*keep)(const event&) = nullptr);

 private:
  struct later {
    bool operator()(const event& x, const event& y) const { return y < x; }
  };

  std::vector<event>& slot(std::uint64_t bucket) { return ring_[bucket & mask_]; }
  bool advance_to_next_nonempty_bucket(tick_type limit);
  void pull_overflow_into_current();

  tick_type width_;
  std::uint64_t mask_;
  std::vector<std::vector<event>> ring_;
  std::priority_queue<event, std::vector<event>, later> overflow_;
  std::uint64_t current_bucket_ = 0;  // absolute bucket index (tick / width)
  std::size_t cursor_ = 0;            // next unread position in the current bucket
  std::priority_queue<event, std::vector<event>, later> current_late_;  // pushed into the current bucket
  std::size_t in_ring_ = 0;  // events in ring buckets, including current_late_
  std::size_t size_ = 0;
};

}  // namespace spikeq
