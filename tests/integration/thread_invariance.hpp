// Runs one network through the CLI at several thread counts and checks that the
// outputs are byte-identical (tests/integration/compare_outputs.py, which also
// requires every recorded population to spike and every weight log to change).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {

// Success when every run exits 0 and every output equals the first thread count's;
// otherwise the failures, each with the runs' stderr or the listed differences.
inline ::testing::AssertionResult outputs_identical_for_threads(const std::string& name,
                                                                const std::string& network,
                                                                const std::string& extra_args,
                                                                const std::vector<int>& threads) {
  const auto dir = scratch_dir("threads_" + name);
  std::vector<std::filesystem::path> outputs;
  for (const int n : threads) {
    outputs.push_back(dir / ("out_" + std::to_string(n) + ".h5"));
    const auto r = run_spikeq("run '" + network + "' -o '" + outputs.back().string() +
                                  "' --quiet --threads " + std::to_string(n) + " " + extra_args,
                              dir);
    if (r.exit_code != 0)
      return ::testing::AssertionFailure() << n << " threads: exit " << r.exit_code << "\n" << r.err;
  }
  std::string differences;
  for (std::size_t k = 1; k < outputs.size(); ++k) {
    const std::string cmd = "/usr/bin/python3 -B '" + source_path("tests/integration/compare_outputs.py") +
                            "' --require-activity '" + outputs[0].string() + "' '" + outputs[k].string() +
                            "' > '" + (dir / "diff.txt").string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0)
      differences += std::to_string(threads[0]) + " vs " + std::to_string(threads[k]) + " threads:\n" +
                     read_text(dir / "diff.txt");
  }
  if (!differences.empty()) return ::testing::AssertionFailure() << differences;
  std::filesystem::remove_all(dir);
  return ::testing::AssertionSuccess();
}

}  // namespace spikeq::testing
