// The shard's stimulus events: random pulses, Poisson drives and noise-current
// changes, each delivered to the slices this shard owns in one call per event.
#include "core/shard.hpp"

namespace spikeq {

void shard::inject_pulses(const event& e) {
  const random_pulse_source& src = net_.pulses[e.source_index()];
  const auto occurrence = static_cast<std::uint64_t>((e.tick - src.start) / src.interval);
  const auto picks = pulses_[e.source_index()].of(occurrence, src.count, index_);
  // Population by population, each in draw order, as a single shard delivers them.
  std::uint64_t offset = 0;
  for (const std::uint32_t t : src.target_populations) {
    const population_share& share = layout_.share(t, index_);
    const std::uint64_t lo = offset + share.first, hi = offset + share.end;
    offset += net_.populations[t]->size();
    local_targets_.clear();
    for (const std::uint64_t pick : picks)
      if (pick >= lo && pick < hi) local_targets_.push_back(static_cast<neuron_id_type>(pick - lo));
    if (local_targets_.empty()) continue;
    pulse_weights_.assign(local_targets_.size(), static_cast<weight_type>(src.amplitude));
    out_.clear();
    share.slice->receive(e.tick, receptor_type::excitatory, local_targets_, pulse_weights_, out_);
    handle_output(t, e.tick);
  }
  const tick_type next = e.tick + src.interval;
  if (next < src.stop) schedule(event::stimulus(next, e.source_index(), e.occurrence() + 1));
}

void shard::inject_poisson(const event& e) {
  const poisson_drive& drive = net_.drives[e.source_index()];
  drive_part& part = drives_[e.source_index()];
  const std::size_t n = part.neurons.size();
  local_targets_.resize(n);
  pulse_weights_.resize(n);
  // Branch-free compaction of the neurons that receive input (about a third get
  // none at the microcircuit's rates: a branch on it mispredicts).
  std::size_t kept = 0;
  const auto counts = part.counts.of(static_cast<std::uint64_t>((e.tick - drive.start) / drive.interval));
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t count = counts[k];
    local_targets_[kept] = part.neurons[k];
    pulse_weights_[kept] = static_cast<weight_type>(count * drive.weight);
    kept += count != 0;
  }
  local_targets_.resize(kept);
  pulse_weights_.resize(kept);
  if (!local_targets_.empty()) {
    out_.clear();
    layout_.share(drive.target_population, index_)
        .slice->receive(e.tick, drive.receptor, local_targets_, pulse_weights_, out_);
    handle_output(drive.target_population, e.tick);
  }
  const tick_type next = e.tick + drive.interval;
  if (next < drive.stop) schedule(event::poisson_input(next, e.source_index(), e.occurrence() + 1));
}

// New amplitudes for every neuron the source drives here (0 from its stop on): one
// draw from the neuron's stream each, handed to the slice in one call.
void shard::change_noise(const event& e) {
  const noise_current_source& src = net_.noises[e.source_index()];
  noise_part& part = noises_[e.source_index()];
  const std::size_t n = part.neurons.size();
  const bool drawing = e.tick < src.stop;
  if (!drawing) {
    std::fill(part.amplitudes.begin(), part.amplitudes.end(), 0.0);
  } else if (src.kind == noise_current_source::distribution::uniform) {
    for (std::size_t k = 0; k < n; ++k) part.amplitudes[k] = part.streams[k].uniform(src.low, src.high);
  } else {
    for (std::size_t k = 0; k < n; ++k) part.amplitudes[k] = src.mean + src.sd * part.streams[k].normal();
  }
  std::span<const double> amplitudes = part.amplitudes;
  if (part.row != noise_part::no_row) {
    // Several sources drive this population: each neuron gets the sum of theirs.
    auto& rows = noise_rows_[src.target_population];
    std::vector<double>& mine = rows[part.row];
    noise_totals_.resize(n);
    for (std::size_t k = 0; k < n; ++k) mine[part.neurons[k]] = part.amplitudes[k];
    for (std::size_t k = 0; k < n; ++k) {
      const neuron_id_type m = part.neurons[k];
      double total = rows[0][m];
      for (std::size_t r = 1; r < rows.size(); ++r) total += rows[r][m];
      noise_totals_[k] = total;
    }
    amplitudes = noise_totals_;
  }
  out_.clear();
  layout_.share(src.target_population, index_)
      .slice->set_noise_currents(e.tick, part.neurons, amplitudes, out_);
  handle_output(src.target_population, e.tick);
  if (drawing)
    schedule(
        event::noise_change(std::min(e.tick + src.interval, src.stop), e.source_index(), e.occurrence() + 1));
}

}  // namespace spikeq
