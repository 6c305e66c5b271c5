// The meeting point of the server thread (which receives client messages) and the
// simulation thread (which applies them at window ends): inputs waiting to be
// applied, and the run control (paused, how far a step may go, stop). Everything
// under one mutex; the simulation blocks on it only while halted.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <vector>

#include "core/types.hpp"
#include "live/messages.hpp"

namespace spikeq::live {

class link {
 public:
  static constexpr tick_type unbounded = std::numeric_limits<tick_type>::max();

  // `step_ticks`: a step's length (lockstep steps, and steps while paused, are
  // rounded up to whole ones). `start_halted`: lockstep waits at t = 0 for a step.
  link(tick_type step_ticks, double ticks_per_ms, bool start_halted);

  // --- server thread ---
  // Queues an input (spikes, current, release) or applies a control message.
  void submit(client_message m);
  tick_type now() const;

  // --- simulation thread ---
  // Whether anything arrived since the last take_inputs or must_halt (one atomic
  // load: the simulation asks at every window end, most often for nothing).
  bool attention() const { return attention_.load(std::memory_order_acquire); }
  void set_now(tick_type now) { now_.store(now, std::memory_order_relaxed); }
  // Moves the inputs received so far into `out` (arrival order) and sets `now`.
  void take_inputs(tick_type now, std::vector<client_message>& out);
  bool stop_requested() const;
  // Whether the run must halt at `now` (paused and the last step is done). Also
  // says whether a step ended here (a client asked for it and awaits step_done).
  bool must_halt(tick_type now, bool& step_completed);
  // The tick at which the run halts unless a message changes it (unbounded while
  // running freely).
  tick_type halt_tick() const;
  // Blocks until the run may go on past `now` or stop is requested; calls `poll`
  // every 100 ms (it may throw to abandon the run, e.g. on Ctrl-C).
  void wait_while_halted(tick_type now, const std::function<void()>& poll);

 private:
  bool halted_at(tick_type now) const { return paused_ && now >= run_until_; }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  tick_type step_ticks_;
  double ticks_per_ms_;
  std::atomic<tick_type> now_{0};
  std::atomic<bool> attention_{true};
  bool paused_;
  tick_type run_until_ = 0;      // while paused: the run may process events before it
  bool step_requested_ = false;  // a step is under way: announce its end
  bool stop_ = false;
  std::vector<client_message> inputs_;
};

}  // namespace spikeq::live
