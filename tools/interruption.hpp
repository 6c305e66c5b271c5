// Ctrl-C (SIGINT) and SIGTERM during a run: the handlers only set a flag, which the
// run polls between events, so the run can stop at a clean point and keep what it
// has recorded without touching the requested output path.
//
// Thread safety: one guard at a time, in the thread that runs the kernel.
#pragma once

namespace spikeq::tools {

class interruption_guard {
 public:
  interruption_guard();   // installs the handlers
  ~interruption_guard();  // restores the previous ones
  interruption_guard(const interruption_guard&) = delete;
  interruption_guard& operator=(const interruption_guard&) = delete;

  // Whether SIGINT or SIGTERM arrived since construction.
  static bool requested();
};

}  // namespace spikeq::tools
