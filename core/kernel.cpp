#include "core/kernel.hpp"

#include <tbb/info.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/probe_window.hpp"
#include "core/shard.hpp"

namespace spikeq {

namespace {

tick_type choose_bucket_width(const network& net) {
  tick_type width = std::numeric_limits<tick_type>::max();
  for (const auto& p : net.populations)
    if (p->step_ticks() > 0) width = std::min(width, p->step_ticks());
  const tick_type d_min = net.min_delay();
  if (d_min > 0) width = std::min(width, d_min);
  if (width == std::numeric_limits<tick_type>::max()) width = 1;
  return std::max<tick_type>(width, 1);
}

tick_type choose_horizon(const network& net) {
  tick_type horizon = net.max_delay();
  for (const auto& p : net.populations) horizon = std::max(horizon, p->step_ticks());
  return horizon;
}

// Windows are as long as the minimum delay allows; without synapses, 1 ms keeps
// the spikes held between exchanges few.
// Spike-driven neuromodulator sources bound it too: their releases must reach the
// channels before any shard gets there.
// An external input source bounds it too, and the window divides its bound, so the
// source is asked at every multiple of it (a lockstep step, say).
tick_type choose_window(const network& net, const external_input* external) {
  tick_type window = net.min_delay();
  if (window == 0) window = std::max<tick_type>(1, net.grid.to_ticks(1.0));
  const tick_type latency = net.modulation.min_latency();
  if (latency > 0) window = std::min(window, latency);
  const tick_type bound = external != nullptr ? external->max_window() : 0;
  if (bound > 0 && bound % window != 0) {
    tick_type parts = (bound + window - 1) / window;
    while (bound % parts != 0) ++parts;
    window = bound / parts;
  }
  return window;
}

unsigned resolve_threads(unsigned threads, std::size_t shards) {
  if (threads == 0) threads = static_cast<unsigned>(tbb::info::default_concurrency());
  return static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, shards));
}

}  // namespace

kernel::kernel(network& net, kernel_hooks hooks, unsigned threads)
    : net_(net),
      hooks_(std::move(hooks)),
      runner_(resolve_threads(threads, std::max<std::size_t>(net.shard_count, 1))),
      layout_(net, std::max<std::size_t>(net.shard_count, 1)),
      window_(choose_window(net, hooks_.external)) {
  const std::size_t shards = layout_.shard_count();
  stats_.spikes_per_population.assign(net_.populations.size(), 0);
  pulse_draws_.resize(net_.pulses.size());
  for (const auto& src : net_.pulses) pulse_owners_.emplace_back(src, net_, layout_);
  probe_windows_.resize(hooks_.probes.size());
  for (std::size_t k = 0; k < hooks_.probes.size(); ++k) {
    const state_probe& probe = *hooks_.probes[k];
    probe_window& w = probe_windows_[k];
    w.interval = std::max<tick_type>(probe.interval(), 1);
    w.listed = probe.sample_ticks();
    w.columns = probe.column_count();
    w.shard_columns.resize(shards);
    for (std::size_t c = 0; c < w.columns; ++c)
      w.shard_columns[layout_.owner(probe.owner_population(), probe.column_neuron(c))].push_back(
          static_cast<std::uint32_t>(c));
  }
  const tick_type width = choose_bucket_width(net), horizon = choose_horizon(net);
  for (std::size_t s = 0; s < shards; ++s)
    shards_.push_back(std::make_unique<shard>(s, net_, layout_, hooks_, probe_windows_, pulse_draws_,
                                              shared_weights_, width, horizon, window_));
  for (auto& s : shards_) outboxes_.push_back(&s->outbox());
  outboxes_.push_back(&external_outbox_);
}

kernel::~kernel() = default;

void kernel::reset_probe_windows(tick_type window_start, tick_type window_end, tick_type t_stop) {
  for (std::size_t k = 0; k < probe_windows_.size(); ++k) {
    probe_window& w = probe_windows_[k];
    const tick_type last = std::min(window_end - 1, t_stop);
    if (w.listed != nullptr) {
      const auto& ticks = *w.listed;
      const auto begin = std::lower_bound(ticks.begin(), ticks.end(), window_start);
      w.first_listed = static_cast<std::size_t>(begin - ticks.begin());
      w.rows = static_cast<std::size_t>(std::upper_bound(begin, ticks.end(), last) - begin);
      w.values.assign(w.rows * w.columns, 0.0);
      continue;
    }
    const tick_type first = hooks_.probes[k]->first_sample();
    const tick_type from = std::max(first, window_start);
    w.first_tick = first + (from - first + w.interval - 1) / w.interval * w.interval;
    w.rows = w.first_tick > last ? 0 : static_cast<std::size_t>((last - w.first_tick) / w.interval + 1);
    w.values.assign(w.rows * w.columns, 0.0);
  }
}

void kernel::draw_window_pulses(tick_type window_start, tick_type window_end, tick_type t_stop) {
  constexpr std::uint64_t occurrences_per_task = 64;
  for (std::size_t k = 0; k < net_.pulses.size(); ++k) {
    const random_pulse_source& src = net_.pulses[k];
    pulse_draws& draws = pulse_draws_[k];
    plan_pulse_window(src, window_start, window_end, t_stop, layout_.shard_count(), draws);
    if (runner_.threads() == 1 || draws.occurrences < 2 * occurrences_per_task) {
      draw_pulses(src, net_.seed, pulse_owners_[k], draws.first_occurrence, draws.occurrences, draws);
      continue;
    }
    // One contiguous chunk of occurrences per thread.
    const std::uint64_t chunks = runner_.threads();
    runner_.for_each(chunks, [&](std::size_t c) {
      const std::uint64_t from = draws.first_occurrence + draws.occurrences * c / chunks;
      const std::uint64_t to = draws.first_occurrence + draws.occurrences * (c + 1) / chunks;
      draw_pulses(src, net_.seed, pulse_owners_[k], from, to - from, draws);
    });
  }
}

bool kernel::take_external_input(tick_type now, tick_type t_stop) {
  if (hooks_.external == nullptr) return true;
  injected_.clear();
  const bool go_on = hooks_.external->at_window_end(now, injected_);
  for (const emitted_spike& s : injected_.spikes) {
    if (s.tick < now) throw std::logic_error("an external spike lies in model time already simulated");
    if (s.population >= net_.populations.size() || s.neuron >= net_.populations[s.population]->size())
      throw std::logic_error("an external spike names no neuron");
    if (s.tick <= t_stop) pending_external_.insert(s);
  }
  for (const current_setting& c : injected_.currents) {
    if (c.schedule >= net_.currents.size() || !net_.currents[c.schedule].live)
      throw std::logic_error("an external current change names no live current source");
    current_schedule& cs = net_.currents[c.schedule];
    if (c.tick < now || (!cs.tick.empty() && c.tick < cs.tick.back()))
      throw std::logic_error("an external current change lies before the source's last change");
    if (c.tick > t_stop) continue;
    cs.tick.push_back(c.tick);
    cs.amplitude.push_back(c.amplitude);
  }
  for (const modulator_release& r : injected_.releases)
    if (r.tick <= t_stop) net_.modulation.inject(r, now);
  return go_on;
}

void kernel::release_external_spikes(tick_type window_end) {
  auto it = pending_external_.begin();
  for (; it != pending_external_.end() && it->tick < window_end; ++it) {
    external_outbox_.push_back(*it);
    ++stats_.spikes_per_population[it->population];
  }
  pending_external_.erase(pending_external_.begin(), it);
}

bool kernel::finish_window(tick_type window_end, tick_type t_stop) {
  exchanged_ = exchange_.exchange(outboxes_);
  if (!net_.ties.empty()) refresh_weight_ties(net_, window_end);
  if (hooks_.spikes != nullptr) {
    std::size_t k = 0;
    while (k < exchanged_.size()) {
      const emitted_spike& head = exchanged_[k];
      observer_batch_.clear();
      for (; k < exchanged_.size() && exchanged_[k].tick == head.tick &&
             exchanged_[k].population == head.population;
           ++k)
        observer_batch_.push_back(exchanged_[k].neuron);
      hooks_.spikes->on_spikes(head.population, head.tick, observer_batch_);
    }
  }
  for (std::size_t k = 0; k < probe_windows_.size(); ++k) {
    probe_window& w = probe_windows_[k];
    for (std::size_t r = 0; r < w.rows; ++r)
      hooks_.probes[k]->write(w.row_tick(r), {w.values.data() + r * w.columns, w.columns});
  }
  // Outside input comes after the window's spikes were observed (a live client has
  // seen them) and before the modulator sources commit the next window's releases.
  const bool go_on = take_external_input(std::min(window_end, t_stop + 1), t_stop);
  if (!net_.modulation.empty()) net_.modulation.observe(exchanged_, window_end, window_end + window_);
  // Housekeeping sees the state at the end of the window (every event up to
  // window_end - 1 done), at most once per window.
  const tick_type done = std::min(window_end - 1, t_stop);
  if (hooks_.housekeeping && hooks_.housekeeping_interval > 0 && next_housekeeping_ <= done) {
    hooks_.housekeeping(done);
    next_housekeeping_ = (done / hooks_.housekeeping_interval + 1) * hooks_.housekeeping_interval;
  }
  return go_on;
}

void kernel::find_shared_weights() {
  shared_weights_.assign(net_.projections.size(), std::nullopt);
  for (std::size_t p = 0; p < net_.projections.size(); ++p)
    if (!net_.projections[p].rule) shared_weights_[p] = shared_weight(net_.projections[p].synapses);
}

void kernel::run(tick_type t_stop) {
  if (ran_) throw std::logic_error("kernel::run called twice");
  ran_ = true;
  net_.modulation.collect_scheduled(t_stop);
  const bool go_on = take_external_input(0, t_stop);
  net_.modulation.commit_before(window_);
  find_shared_weights();
  runner_.for_each(shards_.size(), [&](std::size_t s) { shards_[s]->start(t_stop); });
  exchanged_ = {};
  if (go_on) {
    run_windows(0, t_stop);
    return;
  }
  reached_ = 0;
  finish_run();
}

void kernel::resume(tick_type t_stop) {
  if (ran_) throw std::logic_error("kernel::resume after the kernel ran");
  ran_ = true;
  net_.modulation.set_stop(t_stop);
  find_shared_weights();
  for (auto& s : shards_) s->resume(t_stop);
  exchanged_ = resumed_exchanged_;
  run_windows(resume_from_, t_stop);
}

void kernel::run_windows(tick_type first_window, tick_type t_stop) {
  next_housekeeping_ = (first_window / std::max<tick_type>(hooks_.housekeeping_interval, 1) + 1) *
                       hooks_.housekeeping_interval;
  const auto for_each_shard = [&](auto&& body) {
    runner_.for_each(shards_.size(), [&](std::size_t s) { body(*shards_[s]); });
  };
  clock_.start();
  bool go_on = true;
  reached_ = t_stop + 1;
  const tick_type checkpoint_interval =
      hooks_.checkpoint ? (hooks_.checkpoint_interval + window_ - 1) / window_ * window_ : 0;
  for (tick_type window_start = first_window; go_on && window_start <= t_stop; window_start += window_) {
    const tick_type window_end = window_start + window_;
    reset_probe_windows(window_start, window_end, t_stop);
    draw_window_pulses(window_start, window_end, t_stop);
    release_external_spikes(window_end);
    for_each_shard([&](shard& s) { s.run_window(exchanged_, window_end); });
    const window_clock::ticks serial_start = window_clock::now();
    go_on = finish_window(window_end, t_stop);
    if (!go_on) reached_ = std::min(window_end, t_stop + 1);
    if (go_on && checkpoint_interval > 0 && window_end <= t_stop && window_end % checkpoint_interval == 0) {
      resume_from_ = window_end;
      hooks_.checkpoint(window_end);
    }
    between_windows_ticks_ += window_clock::now() - serial_start;
  }
  finish_run();
}

void kernel::finish_run() {
  const tick_type last = reached_ > 0 ? reached_ - 1 : 0;
  for (auto& p : net_.projections)
    if (p.rule) p.rule->complete(last);
  stats_.between_windows_s = clock_.seconds(between_windows_ticks_);
  stats_.shard_busy_s.clear();
  for (const auto& s : shards_) {
    const shard_statistics& st = s->statistics();
    stats_.shard_busy_s.push_back(clock_.seconds(st.busy_ticks));
    stats_.events += st.events;
    stats_.synaptic_events += st.synaptic_events;
    for (std::size_t k = 0; k < st.spikes_per_population.size(); ++k)
      stats_.spikes_per_population[k] += st.spikes_per_population[k];
  }
}

void kernel::state(state_archive& ar) {
  if (ar.loading() && ran_) throw std::logic_error("kernel state loaded after the kernel ran");
  ar.begin_section("kernel");
  ar.expect(static_cast<std::uint64_t>(window_), "the kernel's window (ticks)");
  ar.expect(shards_.size(), "shards (a checkpoint resumes with the shard count it was saved with)");
  ar.value(resume_from_);
  if (ar.loading() && (resume_from_ <= 0 || resume_from_ % window_ != 0))
    ar.fail("the saved boundary is not a window boundary");
  std::vector<emitted_spike> exchanged;
  if (ar.saving()) exchanged.assign(exchanged_.begin(), exchanged_.end());
  ar.block(exchanged);
  std::vector<emitted_spike> external(pending_external_.begin(), pending_external_.end());
  ar.block(external);
  if (ar.loading()) {
    for (const emitted_spike& sp : exchanged)
      if (sp.population >= net_.populations.size() || sp.neuron >= net_.populations[sp.population]->size() ||
          sp.tick >= resume_from_ || sp.tick < resume_from_ - window_)
        ar.fail("an exchanged spike names no neuron or lies outside the last window");
    for (const emitted_spike& sp : external)
      if (sp.population >= net_.populations.size() || sp.neuron >= net_.populations[sp.population]->size())
        ar.fail("a pending external spike names no neuron");
    pending_external_ = {external.begin(), external.end()};
    resumed_exchanged_ = std::move(exchanged);
  }
  ar.end_section();
  for (auto& s : shards_) s->state(ar, resume_from_);
  ar.begin_section("projections");
  ar.expect(net_.projections.size(), "projections");
  for (projection& p : net_.projections) {
    ar.begin_section("projection");
    ar.text_expect(p.name, "projection name");
    ar.expect(p.synapses.weight.size(), "synapses of projection '" + p.name + "'");
    // The delivered (float) weights; a rule keeps its own in double precision.
    ar.block(p.synapses.weight);
    std::uint8_t plastic = p.rule ? 1 : 0;
    ar.value(plastic);
    if (plastic != (p.rule ? 1 : 0))
      ar.fail("projection '" + p.name + "' is plastic in only one of the runs");
    if (p.rule) p.rule->state(ar);
    ar.end_section();
  }
  ar.end_section();
  ar.begin_section("currents");
  ar.expect(net_.currents.size(), "current schedules");
  for (current_schedule& cs : net_.currents) {
    // Live schedules grow while the run goes on; the others are the description's.
    if (!cs.live) continue;
    ar.block(cs.tick);
    ar.block(cs.amplitude);
    if (cs.tick.size() != cs.amplitude.size()) ar.fail("a live current schedule of mismatched lengths");
  }
  ar.end_section();
  net_.modulation.state(ar);
}

}  // namespace spikeq
