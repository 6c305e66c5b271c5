#include "core/kernel.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/random_stream.hpp"

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

}  // namespace

kernel::kernel(network& net, kernel_hooks hooks)
    : net_(net), hooks_(std::move(hooks)), queue_(choose_bucket_width(net), choose_horizon(net)) {
  stats_.spikes_per_population.assign(net_.populations.size(), 0);
}

void kernel::schedule_if_due(const event& e) {
  if (e.tick <= t_stop_) queue_.push(e);
}

void kernel::schedule_initial_events(tick_type t_stop) {
  t_stop_ = t_stop;
  for (std::uint32_t k = 0; k < net_.populations.size(); ++k) {
    auto& pop = *net_.populations[k];
    if (pop.step_ticks() > 0) schedule_if_due({pop.step_ticks(), event_kind::population_step, k, 0, 0});
    out_.clear();
    pop.start(out_);
    handle_output(k, 0);
  }
  for (std::uint32_t k = 0; k < net_.currents.size(); ++k)
    if (!net_.currents[k].tick.empty())
      schedule_if_due({net_.currents[k].tick[0], event_kind::current_change, k, 0, 0});
  for (std::uint32_t k = 0; k < net_.pulses.size(); ++k) {
    const auto& p = net_.pulses[k];
    if (p.start < p.stop) schedule_if_due({p.start, event_kind::stimulus_input, k, 0, 0});
  }
  for (std::uint32_t k = 0; k < net_.projections.size(); ++k) {
    const auto& rule = net_.projections[k].rule;
    if (rule && rule->tick_interval() > 0)
      schedule_if_due({rule->tick_interval(), event_kind::plasticity_tick, k, 0, 0});
  }
  for (std::uint32_t k = 0; k < hooks_.probes.size(); ++k)
    schedule_if_due({hooks_.probes[k]->first_sample(), event_kind::record, k, 0, 0});
  if (hooks_.housekeeping && hooks_.housekeeping_interval > 0)
    schedule_if_due({hooks_.housekeeping_interval, event_kind::housekeeping, 0, 0, 0});
}

void kernel::run(tick_type t_stop) {
  schedule_initial_events(t_stop);
  event e;
  while (queue_.pop(e)) {
    current_ = e;
    ++stats_.events;
    dispatch(e);
  }
}

void kernel::dispatch(const event& e) {
  switch (e.kind) {
    case event_kind::spike_delivery:
      deliver(e);
      break;
    case event_kind::post_arrival: {
      const projection& proj = net_.projections[e.b];
      proj.rule->on_post_arrival(e.tick, e.a, proj.post.block(e.c));
      break;
    }
    case event_kind::plasticity_tick: {
      auto& rule = *net_.projections[e.a].rule;
      rule.on_tick(e.tick);
      schedule_if_due({e.tick + rule.tick_interval(), event_kind::plasticity_tick, e.a, 0, 0});
      break;
    }
    case event_kind::stimulus_input:
      inject_pulses(e);
      break;
    case event_kind::wakeup: {
      const auto& first = net_.first_global_id;
      const auto k =
          static_cast<std::uint32_t>(std::upper_bound(first.begin(), first.end(), e.a) - first.begin() - 1);
      out_.clear();
      net_.populations[k]->wakeup(e.tick, e.a - first[k], e.b, out_);
      handle_output(k, e.tick);
      break;
    }
    case event_kind::population_step: {
      auto& pop = *net_.populations[e.a];
      out_.clear();
      pop.step(e.tick, out_);
      handle_output(e.a, e.tick);
      schedule_if_due({e.tick + pop.step_ticks(), event_kind::population_step, e.a, 0, 0});
      break;
    }
    case event_kind::current_change: {
      const auto& c = net_.currents[e.a];
      out_.clear();
      net_.populations[c.target_population]->set_current(e.tick, c.neurons, c.amplitude[e.b], out_);
      handle_output(c.target_population, e.tick);
      if (e.b + 1 < c.tick.size())
        schedule_if_due({c.tick[e.b + 1], event_kind::current_change, e.a, e.b + 1, 0});
      break;
    }
    case event_kind::record: {
      auto* probe = hooks_.probes[e.a];
      probe->sample(e.tick);
      schedule_if_due({e.tick + probe->interval(), event_kind::record, e.a, 0, 0});
      break;
    }
    case event_kind::housekeeping:
      hooks_.housekeeping(e.tick);
      schedule_if_due({e.tick + hooks_.housekeeping_interval, event_kind::housekeeping, 0, 0, 0});
      break;
  }
}

void kernel::deliver(const event& e) {
  const projection& proj = net_.projections[e.b];
  const auto targets = proj.synapses.block_targets(e.c);
  stats_.synaptic_events += targets.size();
  if (proj.rule)
    proj.rule->on_pre_arrival(e.tick, proj.synapses.block_first_synapse[e.c],
                              proj.synapses.block_first_synapse[e.c + 1]);
  out_.clear();
  net_.populations[proj.target_population]->receive(e.tick, proj.receptor, targets,
                                                    proj.synapses.block_weights(e.c), out_);
  handle_output(proj.target_population, e.tick);
}

void kernel::inject_pulses(const event& e) {
  const random_pulse_source& src = net_.pulses[e.a];
  std::uint64_t choices = src.neurons.size();
  if (choices == 0)
    for (const auto t : src.target_populations) choices += net_.populations[t]->size();
  random_stream rng(net_.seed, stream_kind::stimulus, src.stream_object, e.b);
  // Draw all picks first (fixed draw order), then deliver population by population.
  pulse_picks_.clear();
  for (std::uint32_t k = 0; k < src.count; ++k) {
    const std::uint64_t pick = rng.below(choices);
    pulse_picks_.push_back(src.neurons.empty() ? pick : src.neurons[pick]);
  }
  std::uint64_t offset = 0;
  for (const std::uint32_t t : src.target_populations) {
    const std::uint64_t size = net_.populations[t]->size();
    pulse_targets_.clear();
    for (const std::uint64_t pick : pulse_picks_)
      if (pick >= offset && pick < offset + size)
        pulse_targets_.push_back(static_cast<neuron_id_type>(pick - offset));
    offset += size;
    if (pulse_targets_.empty()) continue;
    pulse_weights_.assign(pulse_targets_.size(), static_cast<weight_type>(src.amplitude));
    out_.clear();
    net_.populations[t]->receive(e.tick, receptor_type::excitatory, pulse_targets_, pulse_weights_, out_);
    handle_output(t, e.tick);
  }
  const tick_type next = e.tick + src.interval;
  if (next < src.stop) schedule_if_due({next, event_kind::stimulus_input, e.a, e.b + 1, 0});
}

// Offset-0 groups (d_den = 0) learn now; the others are scheduled at now + 2 d_den.
void kernel::notify_post_spikes(std::uint32_t p, tick_type now) {
  const projection& proj = net_.projections[p];
  const post_index& index = proj.post;
  for (const neuron_id_type n : out_.spikes) {
    for (std::uint64_t b = index.target_first_block[n]; b < index.target_first_block[n + 1]; ++b) {
      if (index.block_offset[b] == 0)
        proj.rule->on_post_arrival(now, n, index.block(b));
      else
        schedule_if_due(
            {now + index.block_offset[b], event_kind::post_arrival, n, p, static_cast<std::uint32_t>(b)});
    }
  }
}

void kernel::handle_output(std::uint32_t population, tick_type now) {
  const global_neuron_id_type first = net_.first_global_id[population];
  for (const auto& w : out_.wakeups) {
    const event wake{w.tick, event_kind::wakeup, first + w.neuron, w.version, 0};
    if (!(current_ < wake))
      throw std::logic_error("population '" + net_.populations[population]->name() +
                             "' requested a wake-up that is not later than the current event");
    schedule_if_due(wake);
  }
  if (out_.spikes.empty()) return;
  stats_.spikes_per_population[population] += out_.spikes.size();
  if (hooks_.spikes != nullptr) hooks_.spikes->on_spikes(population, now, out_.spikes);
  if (population < net_.incoming_plastic.size())
    for (const std::uint32_t p : net_.incoming_plastic[population]) notify_post_spikes(p, now);
  for (const std::uint32_t p : net_.outgoing[population]) {
    const synapse_table& table = net_.projections[p].synapses;
    for (const neuron_id_type s : out_.spikes) {
      for (std::uint32_t b = table.source_first_block[s]; b < table.source_first_block[s + 1]; ++b)
        schedule_if_due({now + table.block_delay[b], event_kind::spike_delivery, first + s, p, b});
    }
  }
}

}  // namespace spikeq
