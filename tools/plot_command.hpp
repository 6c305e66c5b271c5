// `spikeq plot OUT.h5 --raster F [--rates F] [--isi F] [--weights F] [--modulators F] [--readouts F]
// [--alignment F] [--accuracy F]`:
// figures of a recording, each written as PNG, SVG or PDF according to its extension.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace spikeq::tools {

struct plot_options {
  std::string recording;
  std::vector<std::string> populations;
  std::optional<double> t_start_ms, t_stop_ms;
  std::string raster, rates, isi, weights, modulators, readouts, alignment, accuracy;  // empty: not drawn
  // Readouts: trials "A:B", window "LOW:HIGH" ms, alignment "outcome" or "start".
  std::string trials, readout_window, align;
};

// Exit codes: 0; 2 for a bad file, request or output path (message names the file and
// the path inside it); 1 for internal errors.
int plot_recording_command(const plot_options& options);

}  // namespace spikeq::tools
