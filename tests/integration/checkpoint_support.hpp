// A run cut at its first checkpoint and resumed against the uninterrupted run
// (docs/reliability.md): the recordings must be equal byte for byte except the
// provenance of how each run was started (compare_outputs.py --resumed).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {

struct cut {
  double checkpoint_ms;  // --checkpoint-every of the cut run: its only checkpoint
  double cut_stop_ms;    // where the cut run stops (after the checkpoint; before the
                         // next one): a resumed run may go further than it was going
  double t_stop_ms;      // the uninterrupted run's and the resumed run's stop
  int cut_threads;
  int resume_threads;
};

inline ::testing::AssertionResult identical(const std::filesystem::path& reference,
                                            const std::filesystem::path& resumed,
                                            const std::filesystem::path& dir) {
  const std::filesystem::path diff = dir / "diff.txt";
  const std::string cmd = "/usr/bin/python3 -B '" + source_path("tests/integration/compare_outputs.py") +
                          "' --require-activity --resumed '" + reference.string() + "' '" + resumed.string() +
                          "' > '" + diff.string() + "' 2>&1";
  if (std::system(cmd.c_str()) != 0) return ::testing::AssertionFailure() << read_text(diff);
  return ::testing::AssertionSuccess();
}

// The uninterrupted run to t_stop against a run stopped after its first checkpoint
// and resumed from it to t_stop.
inline ::testing::AssertionResult resumed_equals_uninterrupted(const std::string& name,
                                                               const std::string& network, const cut& c) {
  const std::filesystem::path dir = scratch_dir("ckpt_" + name);
  const std::filesystem::path reference = dir / "reference.h5", part = dir / "part.h5",
                              resumed = dir / "resumed.h5";
  const std::string net = "'" + network + "'";
  auto r = run_spikeq(
      "run " + net + " -o '" + reference.string() + "' -q --t-stop " + std::to_string(c.t_stop_ms), dir);
  if (r.exit_code != 0)
    return ::testing::AssertionFailure() << "reference run: exit " << r.exit_code << r.err;
  r = run_spikeq("run " + net + " -o '" + part.string() + "' -q --t-stop " + std::to_string(c.cut_stop_ms) +
                     " --checkpoint-every " + std::to_string(c.checkpoint_ms) + " --threads " +
                     std::to_string(c.cut_threads),
                 dir);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << "cut run: exit " << r.exit_code << r.err;
  const std::filesystem::path checkpoint = dir / "part.h5.checkpoint";
  if (!std::filesystem::exists(checkpoint)) return ::testing::AssertionFailure() << "no checkpoint written";
  r = run_spikeq("resume '" + checkpoint.string() + "' -o '" + resumed.string() + "' -q --t-stop " +
                     std::to_string(c.t_stop_ms) + " --threads " + std::to_string(c.resume_threads),
                 dir);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << "resume: exit " << r.exit_code << r.err;
  auto same = identical(reference, resumed, dir);
  if (same) std::filesystem::remove_all(dir);
  return same;
}

}  // namespace spikeq::testing
