#include "analysis/recording_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/network_file.hpp"

namespace spikeq::analysis {

namespace {
constexpr std::uint64_t chunk = spike_chunk;
}  // namespace

std::optional<double> recorded_t_stop(const io::hdf5_reader& r) {
  // A live client ended the run early (io/hdf5/live_input_log.hpp).
  if (r.exists("/live/stopped_at")) {
    const auto stopped = r.read_doubles("/live/stopped_at");
    if (!stopped.empty()) return stopped.front();
  }
  if (!r.exists("/provenance/network")) return std::nullopt;
  try {
    const auto file = io::parse_network_text(r.read_string("/provenance/network"), "/provenance/network");
    if (file.network.simulation().has_t_stop()) return file.network.simulation().t_stop();
  } catch (const io::input_error&) {
  }
  return std::nullopt;
}

// The bounds of the rule on the projection whose weights are /edges/<name>, from the
// resolved network stored as provenance ("<projection>.<target>" for a projection
// onto several populations).
std::optional<weight_bounds_range> rule_bounds(const io::hdf5_reader& r, const std::string& name) {
  if (!r.exists("/provenance/network")) return std::nullopt;
  try {
    const auto file = io::parse_network_text(r.read_string("/provenance/network"), "/provenance/network");
    for (const auto& pr : file.network.projection()) {
      bool match = pr.name() == name;
      for (const auto& t : pr.target())
        match = match || (pr.target_size() > 1 && pr.name() + "." + t == name);
      if (!match || !pr.has_plasticity()) continue;
      const auto& pl = pr.plasticity();
      if (pl.has_stdp()) return weight_bounds_range{pl.stdp().wmin(), pl.stdp().wmax()};
      if (pl.has_stdp_triplet())
        return weight_bounds_range{pl.stdp_triplet().wmin(), pl.stdp_triplet().wmax()};
      if (pl.has_spnet_stdp()) return weight_bounds_range{pl.spnet_stdp().wmin(), pl.spnet_stdp().wmax()};
    }
  } catch (const io::input_error&) {
  }
  return std::nullopt;
}

recording_statistics analyze_recording(const std::filesystem::path& file, const analysis_request& request) {
  const io::hdf5_reader r = open_recording(file);
  const auto channels = modulator_channels(r);
  recording_statistics out;
  out.protocol = read_protocol(r);
  std::vector<readout_report> responses;
  if (out.protocol)
    for (auto& report : readout_reports(r))
      if (report.variable == "y") responses.push_back(std::move(report));
  // A run that records no spikes may still log its neuromodulators or readouts.
  out.continual = read_continual_learning(r);
  if (!r.exists("/spikes") && channels.empty() && responses.empty() && alignment_names(r).empty() &&
      !out.continual)
    throw io::hdf5_error(file.string(), "/spikes", "no spike populations in this file");
  if (r.exists("/edges"))
    for (const auto& name : r.members("/edges"))
      out.weights.push_back(analyze_weights(r, name, rule_bounds(r, name)));
  std::vector<std::string> names = request.populations;
  const auto available = r.exists("/spikes") ? r.members("/spikes") : std::vector<std::string>{};
  if (names.empty()) names = available;
  for (const auto& name : names)
    if (std::find(available.begin(), available.end(), name) == available.end())
      throw io::input_error({{file.string(), 0, 0, "no spike population '" + name + "' in /spikes"}});
  out.bin_ms = request.bin_ms;
  out.t_start_ms = request.t_start_ms.value_or(0.0);
  const auto run_t_stop = recorded_t_stop(r);
  if (run_t_stop && (out.t_start_ms >= *run_t_stop || request.t_stop_ms.value_or(0.0) > *run_t_stop))
    throw io::input_error(
        {{file.string(), 0, 0,
          fmt::format("the window lies outside the recording, which covers [0, {}] ms", *run_t_stop)}});
  if (request.t_stop_ms) {
    out.t_stop_ms = *request.t_stop_ms;
  } else if (run_t_stop) {
    out.t_stop_ms = *run_t_stop;
  } else {
    for (const auto& name : available) {
      const std::uint64_t n = r.shape("/spikes/" + name + "/timestamps").at(0);
      for (std::uint64_t offset = 0; offset < n; offset += chunk)
        for (const double t :
             r.read_doubles("/spikes/" + name + "/timestamps", offset, std::min(chunk, n - offset)))
          out.t_stop_ms = std::max(out.t_stop_ms, std::nextafter(t, 1e300));
    }
    for (const auto& name : channels) {
      const std::uint64_t n = read_modulator_channel(r, name).releases;
      if (n > 0)
        out.t_stop_ms = std::max(out.t_stop_ms,
                                 r.read_doubles("/neuromodulators/" + name + "/release_times", n - 1, 1)[0]);
    }
    for (const auto& report : responses)
      out.t_stop_ms =
          std::max(out.t_stop_ms, report.start_ms + static_cast<double>(report.frames) * report.step_ms);
  }
  if (!(out.t_stop_ms > out.t_start_ms))
    throw io::input_error({{file.string(), 0, 0,
                            fmt::format("the window [{}, {}) ms is empty", out.t_start_ms, out.t_stop_ms)}});
  if (!(request.bin_ms > 0) || request.bin_ms > out.t_stop_ms - out.t_start_ms)
    throw io::input_error(
        {{file.string(), 0, 0, fmt::format("bin {} ms must be > 0 and fit in the window", request.bin_ms)}});
  for (const auto& name : names) {
    const std::string group = "/spikes/" + name;
    // Statistics over the recorded neurons, not the whole population.
    const recorded_neurons recorded = read_recorded_neurons(r, name);
    if (recorded.size() == 0)
      throw io::input_error({{file.string(), 0, 0, "population '" + name + "' has no neurons or spikes"}});
    if (!recorded.listed) out.notes.push_back(recorded.note(name));
    spike_statistics_accumulator acc(recorded.size(), {out.t_start_ms, out.t_stop_ms, request.bin_ms, 100});
    rate_spectrum_accumulator spectrum(out.t_start_ms, out.t_stop_ms);
    std::vector<std::uint64_t> slots;
    for_each_spike_chunk(r, name, [&](std::span<const double> t, std::span<const std::uint64_t> ids) {
      to_recorded_indices(r, name, recorded, ids, slots);
      acc.add(t, slots);
      spectrum.add(t);
    });
    out.populations.push_back(acc.finish(name));
    out.populations.back().population_size = recorded.population_size.value_or(0);
    out.populations.back().recorded_listed = recorded.listed;
    out.spectra.push_back(spectrum.finish(request.band_low_hz, request.band_high_hz));
  }
  for (const auto& name : channels)
    out.modulators.push_back(analyze_modulator(r, name, out.t_start_ms, out.t_stop_ms));
  for (const auto& name : alignment_names(r))
    out.alignments.push_back(summarize_alignment(read_alignment(r, name), out.t_start_ms, out.t_stop_ms));
  for (const auto& report : responses) {
    response_request q = request.readout;
    q.t_start_ms = out.t_start_ms;
    q.t_stop_ms = out.t_stop_ms;
    out.readouts.push_back(average_readout(r, *out.protocol, report, q));
  }
  return out;
}

}  // namespace spikeq::analysis
