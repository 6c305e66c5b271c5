// The short report `spikeq run` prints when a run ends.
#pragma once

#include <ostream>
#include <string>

#include "core/kernel.hpp"

namespace spikeq::tools {

void print_run_summary(std::ostream& os, const network& net, const kernel_statistics& stats, double t_stop_ms,
                       double build_s, double simulate_s, const std::string& output_path);

}  // namespace spikeq::tools
