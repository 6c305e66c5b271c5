#include "tools/run_summary.hpp"

#include <fmt/format.h>

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

}  // namespace spikeq::tools
