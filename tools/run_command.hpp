// `spikeq run` and `spikeq validate`: load, check, build and simulate a network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace spikeq::tools {

struct run_options {
  std::string network_path;
  std::string output_path;
  std::optional<double> t_stop_ms;
  std::optional<std::uint64_t> seed;
  unsigned threads = 1;
  bool quiet = false;
  bool stats = false;        // print construction time, memory and speed figures (even with quiet)
  std::string command_line;  // stored in the output for provenance
};

// Exit codes: 0 success, 2 bad input, 1 internal error, 130 interrupted (SIGINT or
// SIGTERM: the output path is left alone, the partial recording kept beside it).
// Messages go to stderr, the run summary to stdout.
int run_network(const run_options& options);
int validate_network(const std::string& network_path);

}  // namespace spikeq::tools
