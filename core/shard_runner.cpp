#include "core/shard_runner.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace spikeq {

namespace {

// About 20-50 us of spinning: longer than the serial step between two windows,
// far shorter than a scheduler time slice.
constexpr int spin_iterations = 20000;

inline void pause() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// Waits until `value` differs from `old`: spinning first when allowed, then sleeping.
template <typename T>
T wait_for_change(const std::atomic<T>& value, T old, bool spin) {
  if (spin)
    for (int k = 0; k < spin_iterations; ++k) {
      const T now = value.load(std::memory_order_acquire);
      if (now != old) return now;
      pause();
    }
  T now = value.load(std::memory_order_acquire);
  while (now == old) {
    value.wait(old, std::memory_order_acquire);
    now = value.load(std::memory_order_acquire);
  }
  return now;
}

}  // namespace

shard_runner::shard_runner(unsigned threads)
    : threads_(std::max(threads, 1u)), spin_(threads_ <= std::max(1u, std::thread::hardware_concurrency())) {
  for (unsigned w = 1; w < threads_; ++w) workers_.emplace_back([this, w] { work(w); });
}

shard_runner::~shard_runner() {
  stopping_.store(true, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  for (auto& t : workers_) t.join();
}

void shard_runner::work(unsigned worker) {
  std::uint64_t seen = 0;
  while (true) {
    seen = wait_for_change(generation_, seen, spin_);
    if (stopping_.load(std::memory_order_relaxed)) return;
    for (std::size_t i = worker; i < n_; i += threads_) (*body_)(i);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
  }
}

void shard_runner::for_each(std::size_t n, const std::function<void(std::size_t)>& body) {
  if (workers_.empty() || n == 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  body_ = &body;
  n_ = n;
  pending_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);  // publishes body_, n_, pending_
  generation_.notify_all();
  for (std::size_t i = 0; i < n; i += threads_) body(i);
  unsigned left = pending_.load(std::memory_order_acquire);
  while (left != 0) left = wait_for_change(pending_, left, spin_);
}

}  // namespace spikeq
