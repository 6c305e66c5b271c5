// Checkpoints of `spikeq run` and `spikeq resume` (docs/reliability.md, layout in
// docs/formats/checkpoint.md). A checkpoint is one file, written atomically
// (io/checkpoint_file.hpp), whose payload holds, in this order:
//   run        the network description as written (its text and name) and the
//              command-line overrides (seed, t_stop) that resolve it, the output
//              path, the shard count and the boundary (tick) it was taken at;
//   recording  the bytes of the run's recording as it stood at the boundary, every
//              buffer flushed: a resumed run copies it into its own new output;
//   kernel     kernel::state: shards, populations, weights, rules, neuromodulators;
//   recorders  what recorders keep between flushes (written modulator releases,
//              alignment frames waiting for their partner, evaluation predictions).
// The header carries io::network_hash of the description, checked on resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kernel.hpp"
#include "core/state_archive.hpp"
#include "io/alignment_recorder.hpp"
#include "io/continual_learning_recorder.hpp"
#include "io/hdf5/output_file.hpp"
#include "io/modulator_recorder.hpp"
#include "spikeq.pb.h"

namespace spikeq::tools {

// What a checkpoint must save besides the kernel; references must outlive it.
struct checkpoint_sources {
  const config::Network& network;  // resolved
  // The description as written and how it was resolved: a resumed run resolves
  // it again the same way (resolving a resolved description is not the identity).
  std::string description_name;
  std::string description_text;
  std::optional<std::uint64_t> seed_override;
  std::string output_path;
  kernel* simulation = nullptr;  // set once the kernel exists
  io::modulator_recorder& modulators;
  std::vector<std::unique_ptr<io::alignment_recorder>>& alignments;
  io::output_file& out;
  io::continual_learning_recorder* continual = nullptr;
};

// Saves the run at boundary `now` into `path` (replacing an older checkpoint there
// atomically). REQUIRES: every recorder flushed and out.flush() done since the last
// event before `now`. Throws std::runtime_error naming the path when it cannot be
// written.
void write_run_checkpoint(const std::filesystem::path& path, const checkpoint_sources& sources,
                          tick_type now);

// A checkpoint read back, its "run" section parsed; the archive stands at the
// recording section.
struct loaded_checkpoint {
  std::filesystem::path path;
  std::uint64_t network_hash = 0;
  std::string description_name;
  std::string description_text;
  std::optional<std::uint64_t> seed_override;
  double t_stop_ms = 0;
  std::string output_path;
  std::uint64_t shards = 1;
  tick_type at = 0;
  std::unique_ptr<state_archive> archive;
};

// Throws checkpoint_error when the file is missing, damaged or of another version.
loaded_checkpoint read_run_checkpoint(const std::filesystem::path& path);

// Copies the checkpoint's recording into `out` (declaration phase, every object of
// the same description declared). Throws checkpoint_error when it does not fit.
void restore_recording(loaded_checkpoint& checkpoint, io::output_file& out);
// Then loads the kernel and recorder sections into a kernel built from the
// checkpoint's description with its shard count. Throws checkpoint_error when they
// do not fit.
void restore_state(loaded_checkpoint& checkpoint, const checkpoint_sources& sources);

}  // namespace spikeq::tools
