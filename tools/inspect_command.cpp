#include "tools/inspect_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "analysis/recording_completeness.hpp"
#include "analysis/weight_statistics.hpp"
#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::tools {

namespace {

std::string sorting_of(const io::hdf5_reader& r, const std::string& group) {
  if (!r.has_attribute(group, "sorting")) return "unspecified";
  if (r.attribute_class(group, "sorting") == H5T_STRING)
    return r.string_attribute(group, "sorting") + " (string)";
  static const char* const names[] = {"none", "by_id", "by_time"};
  const auto v = r.integer_attribute(group, "sorting");
  return !v.empty() && v[0] < 3 ? names[v[0]] : "unknown";
}

void print_spikes(const io::hdf5_reader& r, std::ostream& os) {
  os << fmt::format("{:<20} {:>10} {:>12} {:>12} {:>12}  {}\n", "spikes", "neurons", "spikes", "first (ms)",
                    "last (ms)", "sorting");
  std::vector<std::string> unlisted;
  for (const auto& pop : r.members("/spikes")) {
    const std::string g = "/spikes/" + pop;
    const std::uint64_t n = r.shape(g + "/timestamps").at(0);
    // Recorded neurons (of the population's size when only some were recorded); "?"
    // when the file does not list them (other tools: analyze uses the neurons that spiked).
    const std::string size =
        r.has_attribute(g, "node_count") ? std::to_string(r.integer_attribute(g, "node_count").at(0)) : "?";
    std::string nodes = "? of " + size;
    if (r.exists(g + "/recorded_node_ids")) {
      const std::string recorded = std::to_string(r.shape(g + "/recorded_node_ids").at(0));
      nodes = recorded == size ? size : recorded + " of " + size;
    } else {
      unlisted.push_back(pop);
    }
    std::string first = "-", last = "-";
    if (n > 0) {
      first = fmt::format("{:.3f}", r.read_doubles(g + "/timestamps", 0, 1)[0]);
      last = fmt::format("{:.3f}", r.read_doubles(g + "/timestamps", n - 1, 1)[0]);
    }
    os << fmt::format("{:<20} {:>10} {:>12} {:>12} {:>12}  {}\n", pop, nodes, n, first, last,
                      sorting_of(r, g));
  }
  for (const auto& pop : unlisted)
    os << fmt::format(
        "note: /spikes/{} does not list its recorded neurons (no recorded_node_ids); analyze and "
        "plot use the neurons that spiked\n",
        pop);
}

void print_reports(const io::hdf5_reader& r, std::ostream& os) {
  os << fmt::format("{:<20} {:>10} {:>8} {:>10} {:>10}  {}\n", "report", "variable", "columns", "frames",
                    "step (ms)", "span (ms)");
  for (const auto& group : r.members("/report")) {
    const std::string g = "/report/" + group;
    const auto shape = r.shape(g + "/data");
    const auto time = r.read_doubles(g + "/mapping/time");
    const std::string variable = r.has_attribute(g, "variable") ? r.string_attribute(g, "variable") : "?";
    const std::string units =
        r.has_attribute(g + "/data", "units") ? " (" + r.string_attribute(g + "/data", "units") + ")" : "";
    os << fmt::format("{:<20} {:>10} {:>8} {:>10} {:>10.6g}  {:.10g} to {:.10g}{}\n", group, variable,
                      shape.at(1), shape.at(0), time.at(2), time.at(0), time.at(1), units);
  }
}

std::string describe(const analysis::weight_summary& s) {
  if (s.count == 0) return s.missing > 0 ? "missing (NaN)" : "-";
  return fmt::format("{:.6g} +- {:.6g} [{:.6g}, {:.6g}]", s.mean, s.sd, s.min, s.max);
}

// Edge populations (weights): sizes, initial and final weight statistics, and how
// many weights changed; weight-change logs by length.
void print_edges(const io::hdf5_reader& r, std::ostream& os) {
  for (const auto& name : r.members("/edges")) {
    const std::string g = "/edges/" + name;
    const std::uint64_t n = r.shape(g + "/source_node_id").at(0);
    const std::string source = r.has_attribute(g + "/source_node_id", "node_population")
                                   ? r.string_attribute(g + "/source_node_id", "node_population")
                                   : "?";
    const std::string target = r.has_attribute(g + "/target_node_id", "node_population")
                                   ? r.string_attribute(g + "/target_node_id", "node_population")
                                   : "?";
    os << fmt::format("edges {:<20} {} -> {}, {} synapses\n", name, source, target, n);
    if (r.exists(g + "/0/initial_syn_weight"))
      os << fmt::format("  initial weight  {}\n",
                        describe(analysis::summarise_weights(r, g + "/0/initial_syn_weight")));
    if (r.exists(g + "/0/syn_weight"))
      os << fmt::format("  final weight    {}\n",
                        describe(analysis::summarise_weights(r, g + "/0/syn_weight")));
    const bool final_missing = r.exists(g + "/0/syn_weight") && n > 0 &&
                               analysis::summarise_weights(r, g + "/0/syn_weight").count == 0;
    if (final_missing)
      os << "  changed         final weights not recorded (incomplete run)\n";
    else if (const auto changed = analysis::changed_weights(r, g))
      os << fmt::format("  changed         {} of {}\n", *changed, n);
    if (r.exists("/weight_events/" + name))
      os << fmt::format("  weight events   {}\n", r.shape("/weight_events/" + name + "/timestamps").at(0));
  }
}

// Channels and the trial schedule: sizes only (spikeq analyze computes statistics).
void print_three_factor(const io::hdf5_reader& r, std::ostream& os) {
  if (r.exists("/neuromodulators"))
    for (const auto& name : r.members("/neuromodulators")) {
      const std::string g = "/neuromodulators/" + name;
      os << fmt::format("neuromodulator {:<11} {} releases, tau {} ms, tonic {}\n", name,
                        r.shape(g + "/release_times").at(0), r.double_attribute(g, "tau").at(0),
                        r.double_attribute(g, "tonic").at(0));
    }
  if (r.exists("/protocol/trial_start"))
    os << fmt::format("protocol           {} trials, outcomes {}\n", r.shape("/protocol/trial_start").at(0),
                      r.has_attribute("/protocol", "outcome_names")
                          ? r.string_attribute("/protocol", "outcome_names")
                          : std::string("?"));
  if (r.exists("/alignment"))
    for (const auto& name : r.members("/alignment"))
      if (r.exists("/alignment/" + name + "/time"))
        os << fmt::format("alignment {:<16} {} samples\n", name,
                          r.shape("/alignment/" + name + "/time").at(0));
}

// Inputs taken from live clients (spikeq run --serve, docs/live.md).
void print_live(const io::hdf5_reader& r, std::ostream& os) {
  if (!r.exists("/live/spikes/ticks")) return;
  const auto rows = [&](const std::string& d) { return r.exists(d) ? r.shape(d).at(0) : 0; };
  os << fmt::format("live inputs ({})    {} spikes, {} current changes, {} releases",
                    r.string_attribute("/live", "mode"), rows("/live/spikes/ticks"),
                    rows("/live/currents/ticks"), rows("/live/releases/ticks"));
  const auto stopped = r.read_doubles("/live/stopped_at");
  if (!stopped.empty()) os << fmt::format("; stopped by a client at {} ms", stopped.front());
  os << " (replay: spikeq run NET -o OUT.h5 --replay this file)\n";
}

}  // namespace

int inspect_file(const std::string& path) {
  try {
    const io::hdf5_reader r = io::open_recording_file(path);
    const bool spikes = r.exists("/spikes");
    const bool reports = r.exists("/report");
    const bool edges = r.exists("/edges");
    if (!spikes && !reports && !edges) {
      std::cerr << path << ": error: not a spikeq/SONATA recording: no /spikes, /report or /edges group\n";
      return 2;
    }
    std::cout << path << '\n';
    if (analysis::is_incomplete_recording(r, path))
      std::cout << fmt::format(
          "incomplete recording: the run did not finish; it holds model time up to {:.3f} ms\n",
          analysis::last_recorded_time_ms(r));
    if (spikes) print_spikes(r, std::cout);
    if (reports) print_reports(r, std::cout);
    if (edges) print_edges(r, std::cout);
    print_three_factor(r, std::cout);
    print_live(r, std::cout);
    if (r.has_attribute("/provenance", "spikeq_version"))
      std::cout << fmt::format("written by spikeq {}: {}\n",
                               r.string_attribute("/provenance", "spikeq_version"),
                               r.string_attribute("/provenance", "command_line"));
    return 0;
  } catch (const io::hdf5_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
}

}  // namespace spikeq::tools
