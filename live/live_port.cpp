#include "live/live_port.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace spikeq::live {

namespace {

constexpr auto status_interval = std::chrono::seconds(1);

}  // namespace

live_port::live_port(const network& net, const endpoints& e, link& l, server& s, settings how,
                     spike_observer* next)
    : net_(net),
      endpoints_(e),
      link_(l),
      server_(s),
      how_(how),
      next_(next),
      last_current_tick_(e.currents.size(), 0),
      batch_(std::make_shared<spike_batch>()) {}

tick_type live_port::max_window() const {
  return how_.mode == run_mode::lockstep ? how_.step_ticks : how_.batch_ticks;
}

void live_port::on_spikes(std::uint32_t population, tick_type tick, std::span<const neuron_id_type> neurons) {
  if (next_ != nullptr) next_->on_spikes(population, tick, neurons);
  if (!server_.anyone_subscribed(population)) return;
  const double t_ms = net_.grid.to_ms(tick);
  for (const neuron_id_type n : neurons) batch_->spikes.push_back({t_ms, population, n});
}

tick_type live_port::tick_at(const std::optional<double>& time_ms, tick_type now) const {
  if (!time_ms) return now;
  // Beyond the run (or beyond what a tick can hold): t_stop + 1, which the kernel drops.
  if (*time_ms >= net_.grid.to_ms(how_.t_stop) + net_.grid.resolution_ms()) return how_.t_stop + 1;
  return std::max(now, net_.grid.to_ticks(*time_ms));
}

void live_port::apply(const client_message& m, tick_type now, injected_inputs& out) {
  if (const auto* s = std::get_if<spikes_message>(&m)) {
    for (std::size_t k = 0; k < s->neurons.size(); ++k) {
      const tick_type t = tick_at(s->times_ms.empty() ? std::nullopt : std::optional(s->times_ms[k]), now);
      if (t > how_.t_stop) continue;
      const emitted_spike spike{t, s->population, s->neurons[k]};
      out.spikes.push_back(spike);
      journal_.spikes.push_back({now, spike});
      ++inputs_applied_;
    }
  } else if (const auto* c = std::get_if<current_message>(&m)) {
    // A change dated before the source's last one comes right after it instead:
    // the schedule's changes stay in time order.
    const tick_type t = std::max(tick_at(c->time_ms, now), last_current_tick_[c->source]);
    if (t > how_.t_stop) return;
    last_current_tick_[c->source] = t;
    for (const std::uint32_t schedule : endpoints_.currents[c->source].schedules)
      out.currents.push_back({schedule, t, c->amplitude});
    journal_.currents.push_back({now, c->source, t, c->amplitude});
    ++inputs_applied_;
  } else if (const auto* r = std::get_if<release_message>(&m)) {
    const tick_type t = tick_at(r->time_ms, now);
    if (t > how_.t_stop) return;
    const modulator_release release{t, r->channel, r->amount};
    out.releases.push_back(release);
    journal_.releases.push_back({now, release});
    ++inputs_applied_;
  }
}

void live_port::send_batch(tick_type until) {
  batch_->from_ms = net_.grid.to_ms(batch_start_);
  batch_->to_ms = net_.grid.to_ms(until);
  server_.send_batch(std::move(batch_));
  batch_ = std::make_shared<spike_batch>();
  batch_start_ = until;
}

void live_port::pace(tick_type now) {
  const auto model_time = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double, std::milli>(net_.grid.to_ms(now)));
  const auto due = wall_origin_ + model_time;
  const auto wall = clock::now();
  if (wall < due) {
    std::this_thread::sleep_until(due);
  } else if (wall - due > std::chrono::duration<double, std::milli>(net_.grid.to_ms(how_.batch_ticks))) {
    ++behind_;  // more than a batch late: the clients see this batch late
  }
}

void live_port::report_status(tick_type now) {
  const auto wall = clock::now();
  if (wall < next_status_) return;
  next_status_ = wall + status_interval;
  const double wall_s = std::chrono::duration<double>(wall - wall_start_).count();
  const double model_s = net_.grid.to_ms(now) / 1000.0;
  server_.send_text(
      encode_status(net_.grid.to_ms(now), wall_s, wall_s > 0 ? model_s / wall_s : 0.0, behind_));
}

bool live_port::take_inputs(tick_type now, injected_inputs& out) {
  received_.clear();
  link_.take_inputs(now, received_);
  for (const auto& m : received_) apply(m, now, out);
  return !link_.stop_requested();
}

bool live_port::at_window_end(tick_type now, injected_inputs& out) {
  if (!started_) {
    started_ = true;
    wall_start_ = wall_origin_ = clock::now();
    next_status_ = wall_start_ + status_interval;
  }
  // Most window ends find nothing: no message, no halt due (windows can be 0.1 ms).
  const bool quiet = !link_.attention() && now < halt_at_;
  link_.set_now(now);
  if (!quiet && !take_inputs(now, out)) return false;
  if (now - batch_start_ >= how_.batch_ticks && how_.mode != run_mode::lockstep) send_batch(now);
  bool step_completed = false;
  // Past t_stop nothing is left to step through: the run ends without a halt.
  if (!quiet && now <= how_.t_stop && link_.must_halt(now, step_completed)) {
    if (now > batch_start_) send_batch(now);
    if (step_completed) server_.send_text(encode_step_done(net_.grid.to_ms(now)));
    const auto halted_since = clock::now();
    link_.wait_while_halted(
        now, poll_ ? poll_ : [] {});
    const auto waited = clock::now() - halted_since;
    wall_origin_ += waited;  // realtime resumes where it was
    halted_ += waited;
    if (!take_inputs(now, out)) return false;
  }
  if (!quiet) halt_at_ = link_.halt_tick();
  if (how_.mode == run_mode::realtime) pace(now);
  if (how_.mode != run_mode::lockstep) report_status(now);
  return true;
}

void live_port::finish(tick_type reached, bool stopped_by_client) {
  const tick_type end = std::min(reached, how_.t_stop + 1);
  if (end > batch_start_ || !batch_->spikes.empty()) send_batch(std::max(end, batch_start_));
  const tick_type shown = stopped_by_client ? end : std::min(end, how_.t_stop);
  server_.shutdown(encode_end(net_.grid.to_ms(shown), stopped_by_client ? "stopped" : "finished"));
}

void live_port::take_journal(input_journal& into) {
  into.spikes.insert(into.spikes.end(), journal_.spikes.begin(), journal_.spikes.end());
  into.currents.insert(into.currents.end(), journal_.currents.begin(), journal_.currents.end());
  into.releases.insert(into.releases.end(), journal_.releases.begin(), journal_.releases.end());
  journal_.clear();
}

}  // namespace spikeq::live
