// The short report `spikeq run` prints when a run ends.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/kernel.hpp"

namespace spikeq::tools {

void print_run_summary(std::ostream& os, const network& net, const kernel_statistics& stats, double t_stop_ms,
                       double build_s, double simulate_s, const std::string& output_path);

// What `spikeq run --stats` adds: how fast the network was built and run and how much
// memory it took, per synapse and per event, to compare runs and machines.
struct run_performance {
  double build_s = 0.0;     // reading, checking and building the network
  double simulate_s = 0.0;  // the kernel's run
  double t_stop_ms = 0.0;
  unsigned threads = 1;               // as resolved (--threads 0: every core)
  double estimated_peak_bytes = 0.0;  // io/memory_estimate, before building
};

// Bytes held by the projections' delivery tables (targets, weights, blocks).
std::uint64_t synapse_table_bytes(const network& net);

// One "name: value unit" line per figure, so scripts can read them.
void print_run_statistics(std::ostream& os, const network& net, const kernel_statistics& stats,
                          const run_performance& perf);

}  // namespace spikeq::tools
