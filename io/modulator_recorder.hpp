// Writes every neuromodulator channel's releases to /neuromodulators/<channel>
// (io/hdf5/modulator_log.hpp): at each flush, the releases committed since the last
// one. Channels commit releases a window ahead, so a flush may write releases a
// little after the model time reached; all of them happen (none beyond t_stop).
#pragma once

#include <memory>
#include <vector>

#include "core/network.hpp"
#include "core/state_archive.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {

// Writes the trial schedule of net.protocol to /protocol (docs/formats/output.md):
// trial_start and outcome_time (ms), outcome (index into the group's attribute
// outcome_names, comma-separated). Nothing without a protocol.
void write_protocol(const network& net, output_file& out);

class modulator_recorder {
 public:
  // Declares one log per channel of `net` (declaration phase of `out`).
  modulator_recorder(const network& net, output_file& out);
  void flush();
  // Saves or loads how many releases of each channel are written (checkpoints).
  void state(state_archive& ar);

 private:
  const network& net_;
  std::vector<modulator_log*> logs_;
  std::vector<std::size_t> written_;  // releases already written, per channel
  std::vector<double> times_, amounts_;
};

}  // namespace spikeq::io
