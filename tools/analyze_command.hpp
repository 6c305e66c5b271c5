// `spikeq analyze OUT.h5`: spike-train statistics per population, as a table and
// optionally as JSON (with units) for scripts.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace spikeq::tools {

struct analyze_options {
  std::string recording;
  std::vector<std::string> populations;
  std::optional<double> t_start_ms, t_stop_ms;
  double bin_ms = 5.0;
  double band_low_hz = 30.0;  // rate-spectrum band (default gamma)
  double band_high_hz = 80.0;
  std::string json_path;  // empty: no JSON
  // Readouts (docs/analysis.md, "Readouts"): trials "A:B", window "LOW:HIGH" (ms
  // around the alignment time), alignment "outcome" or "start"; empty: the defaults.
  std::string trials, readout_window, align;
};

// Exit codes: 0, 2 for a bad file or request (message names the file and the path
// inside it), 1 for internal errors.
int analyze_recording_command(const analyze_options& options);

}  // namespace spikeq::tools
