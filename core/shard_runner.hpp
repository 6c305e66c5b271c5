// Runs one piece of work per shard (or per chunk) on the kernel's threads: a
// fork-join per window, thousands of times per second of model time (the
// microcircuit's windows are 0.1 ms of model time and ~0.3 ms of work).
//
// Why not TBB tasks here: with TBB's work stealing, the calling thread that
// finishes its share first takes the other shard's task too unless a worker has
// woken up and stolen it within the window; measured on the microcircuit at scale
// 0.1, 2 threads ran 1.08x faster than 1. So each extra thread is a dedicated
// worker that spins briefly for the next window (when there are no more threads
// than cores) and then sleeps on an atomic wait. The synchronisation is plain
// std::atomic, which ThreadSanitizer sees, so the TSan build checks exactly this
// path. (Construction still uses TBB's parallel_for.)
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace spikeq {

class shard_runner {
 public:
  explicit shard_runner(unsigned threads);
  ~shard_runner();
  shard_runner(const shard_runner&) = delete;
  shard_runner& operator=(const shard_runner&) = delete;

  unsigned threads() const { return threads_; }
  // Calls body(i) for every i in [0, n), thread t taking i = t, t + threads, ...,
  // and returns when all are done.
  void for_each(std::size_t n, const std::function<void(std::size_t)>& body);

 private:
  void work(unsigned worker);

  unsigned threads_;
  bool spin_;  // no more threads than cores: waiting threads spin before sleeping
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stopping_{false};
  const std::function<void(std::size_t)>* body_ = nullptr;  // published by generation_
  std::size_t n_ = 0;
};

}  // namespace spikeq
