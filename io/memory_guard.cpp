#include "io/memory_guard.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "io/diagnostics.hpp"

namespace spikeq::io {

namespace {

constexpr double gib = 1024.0 * 1024.0 * 1024.0;

std::optional<double> parse_bytes(const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == 0 || v < 0) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<double> meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024.0;
  }
  return std::nullopt;
}

// memory.max - memory.current of this process's cgroup (v2), or empty when unlimited.
std::optional<double> cgroup_remaining() {
  std::ifstream self("/proc/self/cgroup");
  std::string line;
  std::string path;
  while (std::getline(self, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty()) return std::nullopt;
  const std::string dir = "/sys/fs/cgroup" + path;
  std::ifstream max_file(dir + "/memory.max");
  std::ifstream current_file(dir + "/memory.current");
  std::string max_text;
  double current = 0;
  if (!(max_file >> max_text) || max_text == "max" || !(current_file >> current)) return std::nullopt;
  const auto limit = parse_bytes(max_text);
  if (!limit) return std::nullopt;
  return std::max(0.0, *limit - current);
}

// GiB with as many decimals as make small figures readable.
std::string format_gib(double bytes) {
  const double g = bytes / gib;
  if (g >= 100) return fmt::format("{:.0f}", g);
  if (g >= 1) return fmt::format("{:.1f}", g);
  return fmt::format("{:.2f}", g);
}

std::string format_count(double n) { return n < 1e9 ? fmt::format("{:.0f}", n) : fmt::format("{:.3g}", n); }

}  // namespace

std::optional<double> available_memory_bytes() {
  if (const char* limit = std::getenv("SPIKEQ_MEMORY_LIMIT_BYTES"); limit != nullptr && *limit != '\0')
    return parse_bytes(limit);
  auto available = meminfo_available();
  if (const auto cgroup = cgroup_remaining()) available = available ? std::min(*available, *cgroup) : *cgroup;
  return available;
}

void check_memory_fits(const network_file& file, const memory_estimate& estimate,
                       std::optional<double> available) {
  if (!available || estimate.peak_bytes <= *available) return;
  std::string message = fmt::format("the network needs an estimated {} GiB but {} GiB are available",
                                    format_gib(estimate.peak_bytes), format_gib(*available));
  if (estimate.dominant >= 0) {
    const auto& p = estimate.projections[static_cast<std::size_t>(estimate.dominant)];
    message += fmt::format("; projection '{}' dominates ({} GiB, {} synapses)", p.name,
                           format_gib(p.resident_bytes + p.transient_bytes), format_count(p.synapses));
    throw input_error({file.error_at({{"projection", p.index}}, message)});
  }
  if (estimate.largest_population >= 0) {
    const auto& pop = file.network.population(estimate.largest_population);
    message += fmt::format("; population '{}' dominates ({} GiB, {} neurons)", pop.name(),
                           format_gib(estimate.largest_population_bytes), format_count(pop.size()));
    throw input_error({file.error_at({{"population", estimate.largest_population}, {"size"}}, message)});
  }
  throw input_error({{file.path, 0, 0, message}});
}

void report_out_of_memory(const network_file& file, const memory_estimate& estimate) {
  // The estimate said it fits, or the available memory was unknown: name what is big.
  std::string message = fmt::format("out of memory while building the network (estimated {} GiB)",
                                    format_gib(estimate.peak_bytes));
  if (estimate.dominant >= 0) {
    const auto& p = estimate.projections[static_cast<std::size_t>(estimate.dominant)];
    message += fmt::format("; projection '{}' dominates ({} GiB, {} synapses)", p.name,
                           format_gib(p.resident_bytes + p.transient_bytes), format_count(p.synapses));
    throw input_error({file.error_at({{"projection", p.index}}, message)});
  }
  if (estimate.largest_population >= 0) {
    const auto& pop = file.network.population(estimate.largest_population);
    message += fmt::format("; population '{}' dominates ({} GiB, {} neurons)", pop.name(),
                           format_gib(estimate.largest_population_bytes), format_count(pop.size()));
    throw input_error({file.error_at({{"population", estimate.largest_population}, {"size"}}, message)});
  }
  throw input_error({{file.path, 0, 0, message}});
}

memory_estimate check_memory_fits(const network_file& file, std::size_t shards) {
  auto estimate = estimate_memory(file.network, shards);
  check_memory_fits(file, estimate, available_memory_bytes());
  return estimate;
}

}  // namespace spikeq::io
