// Progress line for long runs: simulated time, wall time and real-time factor,
// redrawn in place on a terminal at most a few times per second; silent when
// standard error is not a terminal (logs, CI, pipes).
#pragma once

#include <chrono>
#include <cstdio>

namespace spikeq::tools {

class progress_line {
 public:
  progress_line(double t_stop_ms, bool enabled);
  ~progress_line();
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;

  // Whether stderr is an interactive terminal.
  static bool stderr_is_terminal();

  void update(double t_ms);
  void finish();

 private:
  using clock = std::chrono::steady_clock;
  double t_stop_ms_;
  bool enabled_;
  bool drawn_ = false;
  clock::time_point start_ = clock::now();
  clock::time_point last_draw_ = start_;
};

}  // namespace spikeq::tools
