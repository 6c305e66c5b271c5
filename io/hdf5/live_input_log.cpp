#include "io/hdf5/live_input_log.hpp"

namespace spikeq::io {

namespace {

template <typename T>
std::span<const T> one(const T& value) {
  return {&value, 1};
}

// Ticks are non-negative (signed only for arithmetic); the file stores uint64.
struct tick_column {
  std::uint64_t value;
  explicit tick_column(tick_type t) : value(static_cast<std::uint64_t>(t)) {}
};

}  // namespace

live_input_log::live_input_log(hid_t root, const live_log_description& what, const std::string& file)
    : file_(file),
      resolution_ms_(what.resolution_ms),
      group_(hdf5_write::create_group(root, "live", file, "/live")),
      spikes_(hdf5_write::create_group(group_.get(), "spikes", file, "/live/spikes")),
      currents_(hdf5_write::create_group(group_.get(), "currents", file, "/live/currents")),
      releases_(hdf5_write::create_group(group_.get(), "releases", file, "/live/releases")),
      spike_injected_(spikes_.get(), "injected_at", 0, file, "/live/spikes/injected_at"),
      spike_ticks_(spikes_.get(), "ticks", 0, file, "/live/spikes/ticks"),
      spike_population_(spikes_.get(), "population", 0, file, "/live/spikes/population"),
      spike_neuron_(spikes_.get(), "neuron", 0, file, "/live/spikes/neuron"),
      spike_times_(spikes_.get(), "times", 0, file, "/live/spikes/times"),
      current_injected_(currents_.get(), "injected_at", 0, file, "/live/currents/injected_at"),
      current_ticks_(currents_.get(), "ticks", 0, file, "/live/currents/ticks"),
      current_source_(currents_.get(), "source", 0, file, "/live/currents/source"),
      current_times_(currents_.get(), "times", 0, file, "/live/currents/times"),
      current_amplitude_(currents_.get(), "amplitude", 0, file, "/live/currents/amplitude"),
      release_injected_(releases_.get(), "injected_at", 0, file, "/live/releases/injected_at"),
      release_ticks_(releases_.get(), "ticks", 0, file, "/live/releases/ticks"),
      release_channel_(releases_.get(), "channel", 0, file, "/live/releases/channel"),
      release_times_(releases_.get(), "times", 0, file, "/live/releases/times"),
      release_amount_(releases_.get(), "amount", 0, file, "/live/releases/amount"),
      stopped_at_(group_.get(), "stopped_at", 0, file, "/live/stopped_at") {
  const hid_t g = group_.get();
  hdf5_write::write_scalar_attribute(g, "resolution_ms", what.resolution_ms, file, "/live");
  hdf5_write::write_scalar_attribute(g, "window_bound_ticks", what.window_bound_ticks, file, "/live");
  hdf5_write::write_string_attribute(g, "mode", what.mode, file, "/live");
  hdf5_write::write_string_attribute(g, "populations", hdf5_write::join_names(what.populations), file,
                                     "/live");
  hdf5_write::write_string_attribute(g, "current_sources", hdf5_write::join_names(what.current_sources), file,
                                     "/live");
  hdf5_write::write_string_attribute(g, "channels", hdf5_write::join_names(what.channels), file, "/live");
  for (const auto* d : {&spike_times_, &current_times_, &release_times_, &stopped_at_})
    hdf5_write::write_string_attribute(d->id(), "units", "ms", file, d->path());
  hdf5_write::write_string_attribute(current_amplitude_.id(), "units", "pA", file, current_amplitude_.path());
}

void live_input_log::append(const input_journal& inputs) {
  for (const auto& s : inputs.spikes) {
    spike_injected_.append(one(tick_column(s.injected_at).value));
    spike_ticks_.append(one(tick_column(s.spike.tick).value));
    const std::uint64_t population = s.spike.population, neuron = s.spike.neuron;
    spike_population_.append(one(population));
    spike_neuron_.append(one(neuron));
    const double t = static_cast<double>(s.spike.tick) * resolution_ms_;
    spike_times_.append(one(t));
  }
  for (const auto& c : inputs.currents) {
    current_injected_.append(one(tick_column(c.injected_at).value));
    current_ticks_.append(one(tick_column(c.tick).value));
    const std::uint64_t source = c.source;
    current_source_.append(one(source));
    const double t = static_cast<double>(c.tick) * resolution_ms_;
    current_times_.append(one(t));
    current_amplitude_.append(one(c.amplitude));
  }
  for (const auto& r : inputs.releases) {
    release_injected_.append(one(tick_column(r.injected_at).value));
    release_ticks_.append(one(tick_column(r.release.tick).value));
    const std::uint64_t channel = r.release.channel;
    release_channel_.append(one(channel));
    const double t = static_cast<double>(r.release.tick) * resolution_ms_;
    release_times_.append(one(t));
    release_amount_.append(one(r.release.amount));
  }
}

void live_input_log::append_stop(double t_ms) { stopped_at_.append(one(t_ms)); }

void live_input_log::flush() {
  for (auto* d : {&spike_injected_, &spike_ticks_, &spike_population_, &spike_neuron_, &current_injected_,
                  &current_ticks_, &current_source_, &release_injected_, &release_ticks_, &release_channel_})
    d->flush();
  for (auto* d :
       {&spike_times_, &current_times_, &current_amplitude_, &release_times_, &release_amount_, &stopped_at_})
    d->flush();
}

herr_t live_input_log::close() noexcept {
  herr_t status = 0;
  const auto note = [&](herr_t s) {
    if (s < 0) status = s;
  };
  for (auto* d : {&spike_injected_, &spike_ticks_, &spike_population_, &spike_neuron_, &current_injected_,
                  &current_ticks_, &current_source_, &release_injected_, &release_ticks_, &release_channel_})
    note(d->close());
  for (auto* d :
       {&spike_times_, &current_times_, &current_amplitude_, &release_times_, &release_amount_, &stopped_at_})
    note(d->close());
  for (auto* g : {&spikes_, &currents_, &releases_, &group_}) note(g->close());
  return status;
}

}  // namespace spikeq::io
