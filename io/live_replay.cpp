#include "io/live_replay.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "io/diagnostics.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

namespace {

[[noreturn]] void bad(const std::filesystem::path& file, const std::string& path, const std::string& what) {
  throw input_error({{file.string() + ":" + path, 0, 0, what}});
}

}  // namespace

live_replay::live_replay(const std::filesystem::path& recording, const network& net) {
  hdf5_reader r = open_recording_file(recording);
  try {
    if (!r.exists("/live"))
      bad(recording, "/live", "the file holds no live inputs (not the output of spikeq run --serve)");
    const double resolution = r.double_attribute("/live", "resolution_ms").at(0);
    if (std::abs(resolution - net.grid.resolution_ms()) > 1e-12 * resolution)
      bad(recording, "/live@resolution_ms",
          fmt::format("recorded with resolution {} ms, the network has {} ms", resolution,
                      net.grid.resolution_ms()));
    window_bound_ = r.integer_attribute("/live", "window_bound_ticks").at(0);
    std::vector<std::string> populations, channels, sources;
    for (const auto& p : net.populations) populations.push_back(p->name());
    for (const auto& c : net.modulation.channels) channels.push_back(c->name());
    current_schedules_ = net.live_current_sources();
    for (const auto& s : current_schedules_) sources.push_back(net.currents[s.front()].name);
    const auto check_names = [&](const char* attribute, const std::vector<std::string>& expected) {
      if (r.string_attribute("/live", attribute) != hdf5_write::join_names(expected))
        bad(recording, std::string("/live@") + attribute,
            "the recorded names differ from the network's: replay the network file the live run used");
    };
    check_names("populations", populations);
    check_names("current_sources", sources);
    check_names("channels", channels);

    const auto column = [&](const std::string& path) { return r.read_uint64s(path); };
    // Tick columns: stored as uint64, held as the signed tick type.
    const auto tick_column = [&](const std::string& path) {
      std::vector<tick_type> ticks;
      for (const std::uint64_t t : r.read_uint64s(path)) {
        if (t > static_cast<std::uint64_t>(std::numeric_limits<tick_type>::max()))
          bad(recording, path, "a tick beyond what the tick type holds");
        ticks.push_back(static_cast<tick_type>(t));
      }
      return ticks;
    };
    {
      const auto at = tick_column("/live/spikes/injected_at"), ticks = tick_column("/live/spikes/ticks");
      const auto pop = column("/live/spikes/population"), neuron = column("/live/spikes/neuron");
      if (ticks.size() != at.size() || pop.size() != at.size() || neuron.size() != at.size())
        bad(recording, "/live/spikes", "its datasets differ in length");
      for (std::size_t k = 0; k < at.size(); ++k) {
        if (pop[k] >= net.populations.size() || neuron[k] >= net.populations[pop[k]]->size() ||
            net.populations[pop[k]]->model() != "live_spike_source" || ticks[k] < at[k])
          bad(recording, fmt::format("/live/spikes (row {})", k), "the spike does not fit the network");
        journal_.spikes.push_back(
            {at[k], {ticks[k], static_cast<std::uint32_t>(pop[k]), static_cast<neuron_id_type>(neuron[k])}});
      }
    }
    {
      const auto at = tick_column("/live/currents/injected_at"), ticks = tick_column("/live/currents/ticks");
      const auto source = column("/live/currents/source");
      const auto amplitude = r.read_doubles("/live/currents/amplitude");
      if (ticks.size() != at.size() || source.size() != at.size() || amplitude.size() != at.size())
        bad(recording, "/live/currents", "its datasets differ in length");
      for (std::size_t k = 0; k < at.size(); ++k) {
        if (source[k] >= current_schedules_.size() || ticks[k] < at[k])
          bad(recording, fmt::format("/live/currents (row {})", k), "the change does not fit the network");
        journal_.currents.push_back({at[k], static_cast<std::uint32_t>(source[k]), ticks[k], amplitude[k]});
      }
    }
    {
      const auto at = tick_column("/live/releases/injected_at"), ticks = tick_column("/live/releases/ticks");
      const auto channel = column("/live/releases/channel");
      const auto amount = r.read_doubles("/live/releases/amount");
      if (ticks.size() != at.size() || channel.size() != at.size() || amount.size() != at.size())
        bad(recording, "/live/releases", "its datasets differ in length");
      for (std::size_t k = 0; k < at.size(); ++k) {
        if (channel[k] >= channels.size() || !net.modulation.channels[channel[k]]->accepts_external() ||
            ticks[k] < at[k])
          bad(recording, fmt::format("/live/releases (row {})", k), "the release does not fit the network");
        journal_.releases.push_back({at[k], {ticks[k], static_cast<std::uint32_t>(channel[k]), amount[k]}});
      }
    }
    const auto stopped = r.read_doubles("/live/stopped_at");
    if (!stopped.empty()) stop_ = net.grid.to_ticks(stopped.front());
  } catch (const hdf5_error& e) {
    bad(recording, e.path(), e.what());
  }
}

bool live_replay::at_window_end(tick_type now, injected_inputs& out) {
  for (; next_spike_ < journal_.spikes.size() && journal_.spikes[next_spike_].injected_at <= now;
       ++next_spike_)
    out.spikes.push_back(journal_.spikes[next_spike_].spike);
  for (; next_current_ < journal_.currents.size() && journal_.currents[next_current_].injected_at <= now;
       ++next_current_) {
    const auto& c = journal_.currents[next_current_];
    for (const std::uint32_t schedule : current_schedules_[c.source])
      out.currents.push_back({schedule, c.tick, c.amplitude});
  }
  for (; next_release_ < journal_.releases.size() && journal_.releases[next_release_].injected_at <= now;
       ++next_release_)
    out.releases.push_back(journal_.releases[next_release_].release);
  return !(stop_ && now >= *stop_);
}

}  // namespace spikeq::io
