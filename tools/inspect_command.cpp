#include "tools/inspect_command.hpp"

#include <fmt/format.h>

#include <iostream>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::tools {

namespace {

// Opens normally, or as a SWMR reader for a file that a run is still writing.
io::hdf5_reader open_recording(const std::string& path) {
  try {
    return io::hdf5_reader(path);
  } catch (const io::hdf5_error&) {
    return io::hdf5_reader(path, /*swmr=*/true);
  }
}

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
  for (const auto& pop : r.members("/spikes")) {
    const std::string g = "/spikes/" + pop;
    const std::uint64_t n = r.shape(g + "/timestamps").at(0);
    const std::string nodes =
        r.has_attribute(g, "node_count") ? std::to_string(r.integer_attribute(g, "node_count").at(0)) : "?";
    std::string first = "-", last = "-";
    if (n > 0) {
      first = fmt::format("{:.3f}", r.read_doubles(g + "/timestamps", 0, 1)[0]);
      last = fmt::format("{:.3f}", r.read_doubles(g + "/timestamps", n - 1, 1)[0]);
    }
    os << fmt::format("{:<20} {:>10} {:>12} {:>12} {:>12}  {}\n", pop, nodes, n, first, last,
                      sorting_of(r, g));
  }
}

void print_reports(const io::hdf5_reader& r, std::ostream& os) {
  os << fmt::format("{:<20} {:>10} {:>8} {:>10} {:>10}  {}\n", "report", "variable", "nodes", "frames",
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

}  // namespace

int inspect_file(const std::string& path) {
  try {
    const io::hdf5_reader r = open_recording(path);
    const bool spikes = r.exists("/spikes");
    const bool reports = r.exists("/report");
    if (!spikes && !reports) {
      std::cerr << path << ": error: not a spikeq/SONATA recording: no /spikes or /report group\n";
      return 2;
    }
    std::cout << path << '\n';
    if (spikes) print_spikes(r, std::cout);
    if (reports) print_reports(r, std::cout);
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
