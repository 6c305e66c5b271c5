#include "core/shard_runner.hpp"

#include <algorithm>

#if defined(__SANITIZE_THREAD__)
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#else
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#endif

namespace spikeq {

#if defined(__SANITIZE_THREAD__)

// Workers wait for a generation number to change, take indices w, w + T, ... and
// report back; every hand-over goes through the mutex, which TSan understands.
struct shard_runner::backend {
  explicit backend(unsigned threads) {
    for (unsigned w = 1; w < threads; ++w) workers.emplace_back([this, w, threads] { work(w, threads); });
  }
  ~backend() {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
      ++generation;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
  }
  void work(unsigned w, unsigned threads) {
    unsigned long seen = 0;
    while (true) {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return generation != seen; });
      seen = generation;
      if (stopping) return;
      const auto* job = body;
      const std::size_t count = n;
      lock.unlock();
      for (std::size_t i = w; i < count; i += threads) (*job)(i);
      lock.lock();
      if (--running == 0) done.notify_one();
    }
  }
  void run(std::size_t count, const std::function<void(std::size_t)>& job, unsigned threads) {
    {
      const std::lock_guard lock(mutex);
      body = &job;
      n = count;
      running = static_cast<unsigned>(workers.size());
      ++generation;
    }
    wake.notify_all();
    for (std::size_t i = 0; i < count; i += threads) job(i);
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return running == 0; });
  }

  std::mutex mutex;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  const std::function<void(std::size_t)>* body = nullptr;
  std::size_t n = 0;
  unsigned running = 0;
  unsigned long generation = 0;
  bool stopping = false;
};

shard_runner::shard_runner(unsigned threads)
    : threads_(threads), backend_(threads > 1 ? std::make_unique<backend>(threads) : nullptr) {}

void shard_runner::for_each(std::size_t n, const std::function<void(std::size_t)>& body) {
  if (!backend_) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  backend_->run(n, body, threads_);
}

#else

struct shard_runner::backend {
  // More shards than cores is allowed (results never depend on it), but TBB warns
  // when an arena asks for more threads than it will ever get.
  explicit backend(unsigned threads)
      : arena(std::min(static_cast<int>(threads), std::max(2, tbb::info::default_concurrency()))) {}
  tbb::task_arena arena;
};

shard_runner::shard_runner(unsigned threads)
    : threads_(threads), backend_(threads > 1 ? std::make_unique<backend>(threads) : nullptr) {}

void shard_runner::for_each(std::size_t n, const std::function<void(std::size_t)>& body) {
  if (!backend_ || n == 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  backend_->arena.execute([&] {
    tbb::parallel_for(
        std::size_t{0}, n, [&](std::size_t i) { body(i); }, tbb::simple_partitioner());
  });
}

#endif

shard_runner::~shard_runner() = default;

}  // namespace spikeq
