#include "tools/run_summary.hpp"

#include <fmt/format.h>

#include "tools/process_memory.hpp"

namespace spikeq::tools {

void print_run_summary(std::ostream& os, const network& net, const kernel_statistics& stats, double t_stop_ms,
                       double build_s, double simulate_s, const std::string& output_path) {
  os << fmt::format("network: {} neurons in {} populations, {} synapses (built in {:.3f} s)\n",
                    net.neuron_count(), net.populations.size(), net.synapse_count(), build_s);
  os << fmt::format("simulated {:.1f} ms in {:.3f} s wall: real-time factor {:.4f}\n", t_stop_ms, simulate_s,
                    t_stop_ms > 0 ? simulate_s / (t_stop_ms / 1000.0) : 0.0);
  os << fmt::format("{} events, {} synaptic events\n", stats.events, stats.synaptic_events);
  os << fmt::format("{:<20} {:>10} {:>12} {:>12}\n", "population", "neurons", "spikes", "rate (Hz)");
  std::uint64_t total = 0;
  for (std::size_t k = 0; k < net.populations.size(); ++k) {
    const auto& p = *net.populations[k];
    const auto n = stats.spikes_per_population[k];
    total += n;
    const double rate = t_stop_ms > 0 ? static_cast<double>(n) / p.size() / (t_stop_ms / 1000.0) : 0.0;
    os << fmt::format("{:<20} {:>10} {:>12} {:>12.3f}\n", p.name(), p.size(), n, rate);
  }
  os << fmt::format("total spikes: {}; output: {}\n", total, output_path);
}

std::uint64_t synapse_table_bytes(const network& net) {
  std::uint64_t bytes = 0;
  for (const auto& p : net.projections) {
    const auto& t = p.synapses;
    bytes += t.source_first_block.size() * sizeof(t.source_first_block[0]) +
             t.block_first_synapse.size() * sizeof(t.block_first_synapse[0]) +
             t.block_delay.size() * sizeof(t.block_delay[0]) + t.target.size() * sizeof(t.target[0]) +
             t.weight.size() * sizeof(t.weight[0]);
  }
  return bytes;
}

void print_run_statistics(std::ostream& os, const network& net, const kernel_statistics& stats,
                          const run_performance& perf) {
  constexpr double mib = 1024.0 * 1024.0;
  const auto synapses = static_cast<double>(net.synapse_count());
  const auto per_synapse = [&](double bytes) {
    return synapses > 0 ? fmt::format("{:.2f}", bytes / synapses) : std::string("n/a");
  };
  const auto table = static_cast<double>(synapse_table_bytes(net));
  os << fmt::format("construction time: {:.3f} s\n", perf.build_s);
  if (const auto peak = peak_resident_bytes()) {
    const auto p = static_cast<double>(*peak);
    os << fmt::format("peak resident memory: {:.1f} MiB (estimated before building: {:.1f} MiB)\n", p / mib,
                      perf.estimated_peak_bytes / mib);
    os << fmt::format("bytes per synapse, peak resident: {}\n", per_synapse(p));
  }
  os << fmt::format("synapse tables: {:.1f} MiB\n", table / mib);
  os << fmt::format("bytes per synapse, synapse tables: {}\n", per_synapse(table));
  os << fmt::format("synaptic events per wall second: {:.4g}\n",
                    perf.simulate_s > 0 ? static_cast<double>(stats.synaptic_events) / perf.simulate_s : 0.0);
  os << fmt::format("real-time factor (wall / model time): {:.4g}\n",
                    perf.t_stop_ms > 0 ? perf.simulate_s / (perf.t_stop_ms / 1000.0) : 0.0);
  os << fmt::format("threads: {}\n", perf.threads);
  // Where a multi-threaded run's time goes: a shard busier than the others sets the
  // pace of every window (bench/threads_speedup.py measures the machine's ceiling).
  if (!stats.shard_busy_s.empty()) {
    std::string busy;
    for (const double s : stats.shard_busy_s) busy += fmt::format(" {:.3f}", s);
    os << fmt::format("shard busy time (s):{}\n", busy);
  }
  os << fmt::format("between windows, serial (s): {:.3f}\n", stats.between_windows_s);
}

}  // namespace spikeq::tools
