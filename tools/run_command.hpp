// `spikeq run` and `spikeq validate`: load, check, build and simulate a network.
#pragma once

#include <cstddef>
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
  bool stats = false;
  double flush_seconds = 10.0;  // wall time between flushes of the recording (what a crash can lose)
  std::string command_line;     // stored in the output for provenance
  // Live I/O (docs/live.md): serve HOST:PORT while running, or replay a live run's inputs.
  std::string serve;
  std::string token_file;
  bool allow_remote = false;
  std::string mode = "free";  // free, realtime, lockstep
  double step_ms = 1.0;
  double batch_ms = 10.0;
  std::size_t max_message_kb = 1024;
  std::size_t client_buffer_mb = 64;
  std::size_t max_clients = 32;
  std::string port_file;
  bool start_paused = false;  // free/realtime: wait for a client's resume (or step) first
  std::string replay;
  // Checkpoints (docs/reliability.md): every this many ms of model time, into
  // checkpoint_path (default: the output path + ".checkpoint").
  std::optional<double> checkpoint_every_ms;
  std::string checkpoint_path;
  // `spikeq resume`: the checkpoint to continue from. network_path is then optional
  // (checked against the checkpoint's network when given) and output_path defaults
  // to the checkpointed run's.
  std::string resume_path;
};

// Exit codes: 0 success, 2 bad input, 1 internal error, 130 interrupted (SIGINT or
// SIGTERM: the output path is left alone, the partial recording kept beside it).
// Messages go to stderr, the run summary to stdout.
int run_network(const run_options& options);
// `spikeq resume`: run_network from options.resume_path.
int resume_network(const run_options& options);
int validate_network(const std::string& network_path);

}  // namespace spikeq::tools
