// Live I/O in `spikeq run` (docs/live.md): with --serve, the server, its simulation
// port and the /live recording of every input a client sent; with --replay, the
// recorded inputs of an earlier live run fed back in. Without either, inactive.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/external_input.hpp"
#include "core/kernel_hooks.hpp"
#include "core/network.hpp"
#include "io/hdf5/output_file.hpp"
#include "tools/run_command.hpp"

namespace spikeq::tools {

class live_run {
 public:
  // Declares /live in `out` (still in its declaration phase) and starts serving.
  // Throws io::input_error for bad options or a replay file that does not fit.
  live_run(const run_options& options, const network& net, tick_type t_stop, io::output_file& out,
           spike_observer* recorder);
  ~live_run();

  bool active() const { return active_; }
  // What the kernel's hooks point at: the port wraps the recorder.
  spike_observer* spikes() const;
  external_input* external() const;
  // Called while halted and at window ends; may throw to abandon the run.
  void set_poll(std::function<void()> poll);
  tick_type now() const;
  // Wall time the run waited for clients (lockstep steps, pause).
  double halted_seconds() const;
  // Moves the inputs applied so far into the recording.
  void flush();
  // The run ended at `reached` (every event before it processed; t_stop + 1 at the
  // end): record where a client stopped it, tell the clients, stop serving.
  void finish(tick_type reached);
  // One line for the run summary (empty when inactive).
  std::string summary() const;

 private:
  struct parts;
  std::unique_ptr<parts> parts_;
  bool active_ = false;
};

}  // namespace spikeq::tools
