#include "live/link.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace spikeq::live {

link::link(tick_type step_ticks, double ticks_per_ms, bool start_halted)
    : step_ticks_(std::max<tick_type>(step_ticks, 1)), ticks_per_ms_(ticks_per_ms), paused_(start_halted) {}

void link::submit(client_message m) {
  {
    const std::lock_guard lock(mutex_);
    if (const auto* c = std::get_if<control_message>(&m)) {
      switch (c->command) {
        case control_command::pause:
          paused_ = true;
          run_until_ = now_.load(std::memory_order_relaxed);
          break;
        case control_command::resume:
          paused_ = false;
          break;
        case control_command::stop:
          stop_ = true;
          break;
        case control_command::step: {
          // Whole steps, so halts stay on the step grid (1e-9: 1.0000000001 steps is 1).
          const double wanted = c->ms ? *c->ms * ticks_per_ms_ / static_cast<double>(step_ticks_) : 1.0;
          const auto steps = static_cast<tick_type>(std::max(1.0, std::ceil(wanted - 1e-9)));
          const tick_type now = now_.load(std::memory_order_relaxed);
          const tick_type from = paused_ ? std::max(run_until_, now) : now;
          paused_ = true;
          run_until_ = from + steps * step_ticks_;
          step_requested_ = true;
          break;
        }
      }
    } else {
      inputs_.push_back(std::move(m));
    }
    attention_.store(true, std::memory_order_release);
  }
  changed_.notify_all();
}

tick_type link::now() const { return now_.load(std::memory_order_relaxed); }

void link::take_inputs(tick_type now, std::vector<client_message>& out) {
  const std::lock_guard lock(mutex_);
  now_.store(now, std::memory_order_relaxed);
  attention_.store(false, std::memory_order_relaxed);
  for (auto& m : inputs_) out.push_back(std::move(m));
  inputs_.clear();
}

bool link::stop_requested() const {
  const std::lock_guard lock(mutex_);
  return stop_;
}

bool link::must_halt(tick_type now, bool& step_completed) {
  const std::lock_guard lock(mutex_);
  now_.store(now, std::memory_order_relaxed);
  const bool halt = !stop_ && halted_at(now);
  step_completed = halt && step_requested_;
  if (step_completed) step_requested_ = false;
  return halt;
}

tick_type link::halt_tick() const {
  const std::lock_guard lock(mutex_);
  return paused_ ? run_until_ : unbounded;
}

void link::wait_while_halted(tick_type now, const std::function<void()>& poll) {
  std::unique_lock lock(mutex_);
  while (!stop_ && halted_at(now)) {
    changed_.wait_for(lock, std::chrono::milliseconds(100));
    lock.unlock();
    poll();
    lock.lock();
  }
}

}  // namespace spikeq::live
