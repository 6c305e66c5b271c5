// shard::state: what a shard changes while it runs, saved at a window boundary.
#include <algorithm>

#include "core/shard.hpp"

namespace spikeq {

void shard::state(state_archive& ar, tick_type boundary) {
  ar.begin_section("shard");
  ar.expect(index_, "shard index");
  // Samples are not saved but scheduled anew from the boundary: a recorder's sample
  // ticks may depend on t_stop (alignment samples at the end), which a resumed run
  // may change. Sampling never changes the state, so the results are the same.
  queue_.state(ar, [](const event& e) { return e.kind != event_kind::record; });
  if (ar.loading()) schedule_samples_from(boundary);
  ar.expect(stats_.spikes_per_population.size(), "populations");
  ar.block(stats_.spikes_per_population);
  ar.value(stats_.events);
  ar.value(stats_.synaptic_events);
  // The outbox is handed over at every exchange: empty between windows.
  ar.expect(outbox_.size(), "spikes waiting in a shard's outbox");
  ar.expect(live_currents_scheduled_.size(), "current schedules");
  for (std::size_t& scheduled : live_currents_scheduled_) {
    std::uint64_t n = scheduled;
    ar.value(n);
    scheduled = static_cast<std::size_t>(n);
  }
  // Poisson drives keep no state: their streams stand at the step index (poisson_counts).
  ar.begin_section("drives");
  ar.expect(drives_.size(), "Poisson drives");
  ar.end_section();
  ar.begin_section("noise");
  for (noise_part& part : noises_) {
    state_streams(ar, part.streams, "driven neurons of a noise current");
    ar.expect(part.amplitudes.size(), "noise amplitudes");
    ar.block(part.amplitudes);
  }
  for (auto& rows : noise_rows_) {
    ar.expect(rows.size(), "noise sources of a population");
    for (auto& row : rows) {
      ar.expect(row.size(), "neurons of a noise row");
      ar.block(row);
    }
  }
  ar.block(noise_totals_);
  ar.end_section();
  // Plain populations belong to shard 0, slices of sharded ones to their shard.
  for (std::uint32_t k = 0; k < net_.populations.size(); ++k) {
    population* slice = layout_.share(k, index_).slice;
    ar.begin_section("population");
    ar.expect(k, "population index");
    if (slice != nullptr) slice->state(ar);
    ar.end_section();
  }
  ar.end_section();
}

void shard::schedule_samples_from(tick_type boundary) {
  for (std::uint32_t k = 0; k < hooks_.probes.size(); ++k) {
    const probe_window& w = probe_windows_[k];
    if (w.shard_columns[index_].empty()) continue;
    if (w.listed != nullptr) {
      const auto it = std::lower_bound(w.listed->begin(), w.listed->end(), boundary);
      if (it != w.listed->end()) schedule(event::record(*it, k));
      continue;
    }
    const tick_type first = hooks_.probes[k]->first_sample();
    const tick_type tick =
        first >= boundary ? first : first + (boundary - first + w.interval - 1) / w.interval * w.interval;
    schedule(event::record(tick, k));
  }
}

}  // namespace spikeq
