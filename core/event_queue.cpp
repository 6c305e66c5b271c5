#include "core/event_queue.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <limits>
#include <stdexcept>

#include "core/state_archive.hpp"

namespace spikeq {

namespace {
// Cap the ring so that very long delays do not cost memory; they use the heap.
constexpr std::uint64_t max_ring_buckets = 1u << 16;
}  // namespace

event_queue::event_queue(tick_type bucket_width, tick_type horizon_ticks) : width_(bucket_width) {
  if (bucket_width < 1) throw std::invalid_argument("event_queue: bucket width must be >= 1 tick");
  const auto wanted = static_cast<std::uint64_t>(std::max<tick_type>(horizon_ticks, 1) / bucket_width + 2);
  const std::uint64_t buckets = std::min(std::bit_ceil(wanted), max_ring_buckets);
  ring_.resize(buckets);
  mask_ = buckets - 1;
}

void event_queue::push(const event& e) {
  const auto bucket = static_cast<std::uint64_t>(e.tick / width_);
  assert(e.tick >= 0);
  ++size_;
  if (bucket < current_bucket_ + ring_.size() && bucket >= current_bucket_) {
    auto& b = slot(bucket);
    if (bucket == current_bucket_) {
      current_late_.push(e);  // the bucket is already sorted and partly consumed
    } else {
      b.push_back(e);
    }
    ++in_ring_;
    return;
  }
  if (bucket < current_bucket_) throw std::logic_error("event_queue: event scheduled in the past");
  overflow_.push(e);
}

void event_queue::pull_overflow_into_current() {
  auto& b = slot(current_bucket_);
  while (!overflow_.empty() &&
         static_cast<std::uint64_t>(overflow_.top().tick / width_) < current_bucket_ + ring_.size()) {
    const event e = overflow_.top();
    overflow_.pop();
    const auto bucket = static_cast<std::uint64_t>(e.tick / width_);
    if (bucket == current_bucket_) {
      b.push_back(e);
    } else {
      slot(bucket).push_back(e);
    }
    ++in_ring_;
  }
}

bool event_queue::advance_to_next_nonempty_bucket(tick_type limit) {
  // Never move past the bucket holding `limit`: events of the next window (ticks
  // >= limit) may still be pushed after this call returns.
  const auto last_allowed = static_cast<std::uint64_t>(limit / width_);
  while (true) {
    auto& b = slot(current_bucket_);
    if (cursor_ < b.size() || !current_late_.empty()) return true;
    b.clear();
    cursor_ = 0;
    if (size_ == 0 || current_bucket_ >= last_allowed) return false;
    if (in_ring_ == 0) {
      // Jump over empty time straight to the earliest overflow event.
      current_bucket_ = std::min(static_cast<std::uint64_t>(overflow_.top().tick / width_), last_allowed);
    } else {
      ++current_bucket_;
    }
    pull_overflow_into_current();
    auto& next = slot(current_bucket_);
    std::sort(next.begin(), next.end());
  }
}

bool event_queue::pop_before(tick_type limit, event& out) {
  if (size_ == 0) return false;
  if (!advance_to_next_nonempty_bucket(limit)) return false;
  const auto& b = slot(current_bucket_);
  const bool take_late = !current_late_.empty() && (cursor_ == b.size() || current_late_.top() < b[cursor_]);
  const event& next = take_late ? current_late_.top() : b[cursor_];
  if (next.tick >= limit) return false;
  out = next;
  if (take_late) {
    current_late_.pop();
  } else {
    ++cursor_;
  }
  --in_ring_;
  --size_;
  return true;
}

bool event_queue::pop(event& out) { return pop_before(std::numeric_limits<tick_type>::max(), out); }

void event_queue::state(state_archive& ar, bool (*keep)(const event&)) {
  ar.begin_section("event_queue");
  ar.expect(static_cast<std::uint64_t>(width_), "the event queue's bucket width (ticks)");
  std::uint64_t bucket = current_bucket_;
  ar.value(bucket);
  // Every pending event, in pop order, so equal queues give equal bytes.
  std::vector<event> pending;
  if (ar.saving()) {
    pending.reserve(size_);
    for (std::uint64_t k = 0; k < ring_.size(); ++k) {
      const auto& b = ring_[k];
      const bool current = k == (current_bucket_ & mask_);
      pending.insert(pending.end(), b.begin() + static_cast<std::ptrdiff_t>(current ? cursor_ : 0), b.end());
    }
    for (auto heap : {current_late_, overflow_})
      for (; !heap.empty(); heap.pop()) pending.push_back(heap.top());
    if (keep != nullptr) std::erase_if(pending, [&](const event& e) { return !keep(e); });
    std::sort(pending.begin(), pending.end());
  }
  std::uint64_t count = pending.size();
  ar.value(count);
  if (ar.loading()) {
    // 24 bytes per event; a count the remaining bytes cannot hold is damage.
    if (count > ar.bytes().size()) ar.fail("impossible event count");
    pending.resize(count);
  }
  for (event& e : pending) {
    ar.value(e.tick);
    ar.value(e.kind);
    ar.value(e.primary);
    ar.value(e.secondary);
    ar.value(e.tertiary);
  }
  if (ar.loading()) {
    for (auto& b : ring_) b.clear();
    overflow_ = {};
    current_late_ = {};
    current_bucket_ = bucket;
    cursor_ = 0;
    in_ring_ = 0;
    size_ = 0;
    for (const event& e : pending) {
      if (e.tick < 0 || static_cast<std::uint64_t>(e.tick / width_) < bucket ||
          static_cast<std::uint8_t>(e.kind) > static_cast<std::uint8_t>(event_kind::housekeeping))
        ar.fail("an event lies before the queue's position or has an unknown kind");
      push(e);
    }
  }
  ar.end_section();
}

}  // namespace spikeq
