#include "core/shard.hpp"

#include <algorithm>
#include <stdexcept>

namespace spikeq {

namespace {
// Spikes whose table metadata is loaded together: enough misses to overlap, few
// enough lines (6 a spike on CUBA) to stay in the first-level cache until listed.
constexpr std::size_t spikes_per_batch = 64;
}  // namespace

shard::shard(std::size_t index, network& net, const shard_layout& layout, const kernel_hooks& hooks,
             std::vector<probe_window>& probe_windows, const std::vector<pulse_draws>& pulses,
             const std::vector<std::optional<weight_type>>& shared_weights, tick_type bucket_width,
             tick_type horizon, tick_type window)
    : index_(index),
      net_(net),
      layout_(layout),
      hooks_(hooks),
      probe_windows_(probe_windows),
      pulses_(pulses),
      shared_weights_(shared_weights),
      queue_(bucket_width, horizon) {
  stats_.spikes_per_population.assign(net.populations.size(), 0);
  current_neurons_.resize(net.currents.size());
  current_applies_.assign(net.currents.size(), false);
  live_currents_scheduled_.assign(net.currents.size(), 0);
  for (std::size_t c = 0; c < net.currents.size(); ++c) {
    const current_schedule& cs = net.currents[c];
    const population_share& share = layout.share(cs.target_population, index);
    if (share.empty()) continue;
    if (cs.neurons.empty()) {
      current_applies_[c] = true;  // all neurons of the slice
      continue;
    }
    for (const neuron_id_type n : cs.neurons)
      if (n >= share.first && n < share.end) current_neurons_[c].push_back(n - share.first);
    current_applies_[c] = !current_neurons_[c].empty();
  }
  drives_.reserve(net.drives.size());
  for (const poisson_drive& drive : net.drives) {
    const population_share& share = layout.share(drive.target_population, index);
    std::vector<neuron_id_type> neurons;
    std::vector<std::uint32_t> entities;
    const auto add = [&](neuron_id_type n) {
      neurons.push_back(n - share.first);
      entities.push_back(drive.stream_entity_offset + n);
    };
    if (drive.neurons.empty()) {
      for (neuron_id_type n = share.first; n < share.end; ++n) add(n);
    } else {
      for (const neuron_id_type n : drive.neurons)
        if (n >= share.first && n < share.end) add(n);
    }
    drives_.push_back(
        {std::move(neurons), poisson_counts(net.seed, drive.stream_object, std::move(entities), drive.mean)});
  }
  noises_.resize(net.noises.size());
  noise_rows_.resize(net.populations.size());
  std::vector<std::uint32_t> noise_sources_on(net.populations.size(), 0);
  for (const noise_current_source& src : net.noises) ++noise_sources_on[src.target_population];
  for (std::size_t s = 0; s < net.noises.size(); ++s) {
    const noise_current_source& src = net.noises[s];
    const population_share& share = layout.share(src.target_population, index);
    noise_part& part = noises_[s];
    const auto add = [&](neuron_id_type n) {
      part.neurons.push_back(n - share.first);
      part.streams.emplace_back(net.seed, stream_kind::noise_current, src.stream_object,
                                src.stream_entity_offset + n);
    };
    if (src.neurons.empty()) {
      for (neuron_id_type n = share.first; n < share.end; ++n) add(n);
    } else {
      for (const neuron_id_type n : src.neurons)
        if (n >= share.first && n < share.end) add(n);
    }
    part.amplitudes.assign(part.neurons.size(), 0.0);
    if (noise_sources_on[src.target_population] > 1 && !part.neurons.empty()) {
      auto& rows = noise_rows_[src.target_population];
      part.row = static_cast<std::uint32_t>(rows.size());
      rows.emplace_back(share.end - share.first, 0.0);
    }
  }
  // Static projections onto time-stepped slices with an input ring; each ring
  // holds enough steps for the longest delay onto it plus a window.
  via_ring_.assign(net.projections.size(), false);
  std::vector<tick_type> ring_reach(net.populations.size(), 0);
  for (std::size_t p = 0; p < net.projections.size(); ++p) {
    const projection& proj = net.projections[p];
    population* slice = layout.share(proj.target_population, index).slice;
    if (proj.synapses.shards != layout.shard_count())
      throw std::logic_error("projection '" + proj.name + "' has tables for " +
                             std::to_string(proj.synapses.shards) + " shards, the kernel runs " +
                             std::to_string(layout.shard_count()));
    if (proj.rule || slice == nullptr || slice->step_ticks() <= 0 || slice->step_input() == nullptr) continue;
    via_ring_[p] = true;
    for (const tick_type d : proj.synapses.block_delay)
      ring_reach[proj.target_population] = std::max(ring_reach[proj.target_population], d);
  }
  for (std::uint32_t k = 0; k < net.populations.size(); ++k) {
    if (ring_reach[k] == 0) continue;
    population& slice = *layout.share(k, index).slice;
    const tick_type step = slice.step_ticks();
    slice.step_input()->resize(slice.size(), static_cast<std::size_t>((ring_reach[k] + window) / step + 3));
  }
  tick_synapses_.resize(net.projections.size());
  for (std::size_t p = 0; p < net.projections.size(); ++p) {
    const projection& proj = net.projections[p];
    if (!proj.rule || proj.rule->tick_interval() <= 0) continue;
    const population_share& share = layout.share(proj.target_population, index);
    const auto& target = proj.synapses.target;
    for (std::uint64_t s = 0; s < target.size(); ++s)
      if (target[s] >= share.first && target[s] < share.end) tick_synapses_[p].push_back(s);
  }
}

// Events after t_stop are queued too and never processed (advance stops at
// t_stop): the state at a window boundary then does not depend on t_stop, so a
// checkpoint can be resumed to a later stop time.
void shard::schedule(const event& e) { queue_.push(e); }

void shard::start(tick_type t_stop) {
  t_stop_ = t_stop;
  allow_steps_ahead();
  for (std::uint32_t k = 0; k < net_.populations.size(); ++k) {
    population* slice = layout_.share(k, index_).slice;
    if (slice == nullptr) continue;
    if (slice->step_ticks() > 0) schedule(event::step(slice->step_ticks(), k));
    out_.clear();
    slice->start(out_);
    handle_output(k, 0);
  }
  live_currents_scheduled_.assign(net_.currents.size(), 0);
  for (std::uint32_t c = 0; c < net_.currents.size(); ++c)
    if (current_applies_[c] && !net_.currents[c].live && !net_.currents[c].tick.empty())
      schedule(event::current_change(net_.currents[c].tick[0], c, 0));
  schedule_live_currents();
  for (std::uint32_t k = 0; k < net_.pulses.size(); ++k) {
    const auto& p = net_.pulses[k];
    const bool owns_a_target =
        std::any_of(p.target_populations.begin(), p.target_populations.end(),
                    [&](std::uint32_t t) { return !layout_.share(t, index_).empty(); });
    if (owns_a_target && p.start < p.stop) schedule(event::stimulus(p.start, k, 0));
  }
  for (std::uint32_t d = 0; d < net_.drives.size(); ++d) {
    const poisson_drive& drive = net_.drives[d];
    if (!drives_[d].neurons.empty() && drive.start < drive.stop)
      schedule(event::poisson_input(drive.start, d, 0));
  }
  for (std::uint32_t s = 0; s < net_.noises.size(); ++s) {
    const noise_current_source& src = net_.noises[s];
    if (!noises_[s].neurons.empty() && src.start < src.stop) schedule(event::noise_change(src.start, s, 0));
  }
  for (std::uint32_t p = 0; p < net_.projections.size(); ++p)
    if (!tick_synapses_[p].empty())
      schedule(event::plasticity_tick(net_.projections[p].rule->tick_interval(), p));
  for (std::uint32_t k = 0; k < hooks_.probes.size(); ++k)
    if (!probe_windows_[k].shard_columns[index_].empty()) {
      const auto* listed = probe_windows_[k].listed;
      if (listed == nullptr)
        schedule(event::record(hooks_.probes[k]->first_sample(), k));
      else if (!listed->empty())
        schedule(event::record(listed->front(), k));
    }
}

void shard::schedule_deliveries(std::span<const emitted_spike> spikes) {
  // Each spike starts at unpredictable places in its projections' tables: load a
  // batch's block ranges, then their first blocks, then list the batch, so that the
  // batch's misses overlap (core/cache_touch.hpp).
  for (std::size_t first = 0; first < spikes.size(); first += spikes_per_batch) {
    const auto batch = spikes.subspan(first, std::min(spikes_per_batch, spikes.size() - first));
    for (const emitted_spike& spike : batch) touched_ += touch_block_ranges(spike);
    for (const emitted_spike& spike : batch) touched_ += touch_first_blocks(spike);
    for (const emitted_spike& spike : batch) schedule_delivery(spike);
  }
  ring_blocks_.add_all();
}

void shard::schedule_delivery(const emitted_spike& spike) {
  const global_neuron_id_type source = net_.first_global_id[spike.population] + spike.neuron;
  for (const std::uint32_t p : net_.outgoing[spike.population]) {
    const projection& proj = net_.projections[p];
    const population_share& share = layout_.share(proj.target_population, index_);
    if (share.empty()) continue;
    const synapse_table& table = proj.synapses;
    if (via_ring_[p]) {
      list_ring_blocks(spike, proj, share, shared_weights_[p]);
      continue;
    }
    const auto shard = static_cast<std::uint32_t>(index_);
    for (std::uint32_t b = table.first_block(spike.neuron, shard); b < table.end_block(spike.neuron, shard);
         ++b)
      schedule(event::delivery(spike.tick + table.block_delay[b], source, p, b));
  }
}

std::uint64_t shard::touch_block_ranges(const emitted_spike& spike) const {
  std::uint64_t sum = 0;
  for (const std::uint32_t p : net_.outgoing[spike.population]) {
    const synapse_table& table = net_.projections[p].synapses;
    sum += table.first_block(spike.neuron, static_cast<std::uint32_t>(index_));
  }
  return sum;
}

std::uint64_t shard::touch_first_blocks(const emitted_spike& spike) const {
  std::uint64_t sum = 0;
  for (const std::uint32_t p : net_.outgoing[spike.population]) {
    const synapse_table& table = net_.projections[p].synapses;
    const std::uint32_t b = table.first_block(spike.neuron, static_cast<std::uint32_t>(index_));
    if (b < table.block_delay.size())
      sum += static_cast<std::uint64_t>(table.block_delay[b]) + table.block_first_synapse[b];
  }
  return sum;
}

void shard::list_ring_blocks(const emitted_spike& spike, const projection& proj,
                             const population_share& share, std::optional<weight_type> shared_weight) {
  const synapse_table& table = proj.synapses;
  const auto shard = static_cast<std::uint32_t>(index_);
  const std::uint32_t first_block = table.first_block(spike.neuron, shard);
  const std::uint32_t end_block = table.end_block(spike.neuron, shard);
  if (first_block == end_block) return;
  ring_blocks_.list(table, first_block, end_block, spike.tick, proj.receptor, share.first,
                    *share.slice->step_input(), share.slice->step_ticks(), shared_weight);
  // Blocks are sorted by delay: all arrive by t_stop when the last does.
  if (spike.tick + table.block_delay[end_block - 1] <= t_stop_) {
    stats_.synaptic_events += table.block_first_synapse[end_block] - table.block_first_synapse[first_block];
    return;
  }
  for (std::uint32_t b = first_block; b < end_block; ++b)
    if (spike.tick + table.block_delay[b] <= t_stop_)
      stats_.synaptic_events += table.block_first_synapse[b + 1] - table.block_first_synapse[b];
}

void shard::schedule_live_currents() {
  for (std::uint32_t c = 0; c < net_.currents.size(); ++c) {
    const current_schedule& cs = net_.currents[c];
    if (!cs.live || !current_applies_[c]) continue;
    for (std::size_t k = live_currents_scheduled_[c]; k < cs.tick.size(); ++k)
      schedule(event::current_change(cs.tick[k], c, static_cast<std::uint32_t>(k)));
    live_currents_scheduled_[c] = cs.tick.size();
  }
}

void shard::run_window(std::span<const emitted_spike> spikes, tick_type window_end) {
  const window_clock::ticks start = window_clock::now();
  schedule_deliveries(spikes);
  schedule_live_currents();
  advance(window_end);
  stats_.busy_ticks += window_clock::now() - start;
}

void shard::advance(tick_type window_end) {
  event e;
  while (queue_.pop_before(std::min(window_end, t_stop_ + 1), e)) {
    current_ = e;
    ++stats_.events;
    dispatch(e);
  }
}

void shard::dispatch(const event& e) {
  switch (e.kind) {
    case event_kind::spike_delivery:
      deliver(e);
      break;
    case event_kind::post_arrival: {
      const projection& proj = net_.projections[e.projection()];
      proj.rule->on_post_arrival(e.tick, e.target(), proj.post.block(e.block()));
      break;
    }
    case event_kind::plasticity_tick: {
      auto& rule = *net_.projections[e.projection()].rule;
      rule.on_tick(e.tick, tick_synapses_[e.projection()]);
      schedule(event::plasticity_tick(e.tick + rule.tick_interval(), e.projection()));
      break;
    }
    case event_kind::stimulus_input:
      inject_pulses(e);
      break;
    case event_kind::poisson_input:
      inject_poisson(e);
      break;
    case event_kind::wakeup:
      wake(e);
      break;
    case event_kind::population_step: {
      population& slice = *layout_.share(e.population(), index_).slice;
      out_.clear();
      slice.step(e.tick, out_);
      handle_output(e.population(), e.tick);
      schedule(event::step(e.tick + slice.step_ticks(), e.population()));
      break;
    }
    case event_kind::current_change: {
      const std::uint32_t c = e.source_index();
      const current_schedule& cs = net_.currents[c];
      out_.clear();
      layout_.share(cs.target_population, index_)
          .slice->set_current(e.tick, current_neurons_[c], cs.amplitude[e.occurrence()], out_);
      handle_output(cs.target_population, e.tick);
      if (!cs.live && e.occurrence() + 1 < cs.tick.size())
        schedule(event::current_change(cs.tick[e.occurrence() + 1], c, e.occurrence() + 1));
      break;
    }
    case event_kind::noise_change:
      change_noise(e);
      break;
    case event_kind::record: {
      const std::uint32_t k = e.source_index();
      const state_probe& probe = *hooks_.probes[k];
      probe_window& w = probe_windows_[k];
      probe.sample(e.tick, w.shard_columns[index_], {w.row(e.tick), w.columns});
      schedule(event::record(w.next_after(e.tick), k));
      break;
    }
    case event_kind::housekeeping:
      throw std::logic_error("housekeeping runs between windows, not in a shard");
  }
}

void shard::deliver(const event& e) {
  const projection& proj = net_.projections[e.projection()];
  const synapse_table& table = proj.synapses;
  const population_share& share = layout_.share(proj.target_population, index_);
  const neuron_id_type* targets = table.target.data();
  // The table groups each source's blocks by shard: this block is all ours.
  const std::uint64_t first = table.block_first_synapse[e.block()];
  const std::uint64_t last = table.block_first_synapse[e.block() + 1];
  stats_.synaptic_events += last - first;
  if (proj.rule) proj.rule->on_pre_arrival(e.tick, first, last);
  std::span<const neuron_id_type> local(targets + first, last - first);
  if (share.first > 0) {
    local_targets_.resize(local.size());
    for (std::size_t k = 0; k < local.size(); ++k) local_targets_[k] = local[k] - share.first;
    local = local_targets_;
  }
  out_.clear();
  share.slice->receive(e.tick, proj.receptor, local, {table.weight.data() + first, last - first}, out_);
  handle_output(proj.target_population, e.tick);
}

void shard::wake(const event& e) {
  const auto& first = net_.first_global_id;
  const auto k = static_cast<std::uint32_t>(std::upper_bound(first.begin(), first.end(), e.neuron()) -
                                            first.begin() - 1);
  const population_share& share = layout_.share(k, index_);
  out_.clear();
  share.slice->wakeup(e.tick, e.neuron() - first[k] - share.first, e.version(), out_);
  handle_output(k, e.tick);
}

// Offset-0 groups (d_den = 0) learn now; the others are scheduled at now + 2 d_den.
void shard::notify_post_spikes(std::uint32_t p, tick_type now) {
  const projection& proj = net_.projections[p];
  const post_index& index = proj.post;
  for (const neuron_id_type n : out_.spikes) {
    for (std::uint64_t b = index.target_first_block[n]; b < index.target_first_block[n + 1]; ++b) {
      if (index.block_offset[b] == 0)
        proj.rule->on_post_arrival(now, n, index.block(b));
      else
        schedule(event::post_arrival(now + index.block_offset[b], n, p, static_cast<std::uint32_t>(b)));
    }
  }
}

void shard::handle_output(std::uint32_t population, tick_type now) {
  const population_share& share = layout_.share(population, index_);
  const global_neuron_id_type first = net_.first_global_id[population] + share.first;
  for (const auto& w : out_.wakeups) {
    const event wake = event::wakeup(w.tick, first + w.neuron, w.version);
    if (!(current_ < wake))
      throw std::logic_error("population '" + net_.populations[population]->name() +
                             "' requested a wake-up that is not later than the current event");
    schedule(wake);
  }
  if (out_.spikes.empty()) return;
  // From here on spikes carry population indices.
  for (auto& n : out_.spikes) n += share.first;
  stats_.spikes_per_population[population] += out_.spikes.size();
  for (const neuron_id_type n : out_.spikes) outbox_.push_back({now, population, n});
  if (population < net_.incoming_plastic.size())
    for (const std::uint32_t p : net_.incoming_plastic[population]) notify_post_spikes(p, now);
}

}  // namespace spikeq
