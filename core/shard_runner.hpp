// Runs one piece of work per shard (or per chunk) on the kernel's threads: a
// fork-join per window. Normal builds use oneTBB (a task arena of `threads`
// threads). Under ThreadSanitizer the same interface runs on a small std::thread
// pool instead: libtbb is not instrumented, so TSan cannot see the synchronisation
// inside it and reports false races; with the pool it checks exactly what matters,
// that shards never touch memory another shard writes.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace spikeq {

class shard_runner {
 public:
  explicit shard_runner(unsigned threads);
  ~shard_runner();
  shard_runner(const shard_runner&) = delete;
  shard_runner& operator=(const shard_runner&) = delete;

  unsigned threads() const { return threads_; }
  // Calls body(i) for every i in [0, n), concurrently, and returns when all are done.
  void for_each(std::size_t n, const std::function<void(std::size_t)>& body);

 private:
  struct backend;
  unsigned threads_;
  std::unique_ptr<backend> backend_;
};

}  // namespace spikeq
