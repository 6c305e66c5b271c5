// Runs one network through the CLI at several thread counts and checks that the
// outputs are byte-identical (tests/integration/compare_outputs.py, which also
// requires every recorded population to spike and every weight log to change).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {

inline void expect_identical_for_threads(const std::string& name, const std::string& network,
                                         const std::string& extra_args, const std::vector<int>& threads) {
  const auto dir = scratch_dir("threads_" + name);
  std::vector<std::filesystem::path> outputs;
  for (const int n : threads) {
    outputs.push_back(dir / ("out_" + std::to_string(n) + ".h5"));
    const auto r = run_spikeq("run '" + network + "' -o '" + outputs.back().string() +
                                  "' --quiet --threads " + std::to_string(n) + " " + extra_args,
                              dir);
    ASSERT_EQ(r.exit_code, 0) << n << " threads: " << r.err;
  }
  for (std::size_t k = 1; k < outputs.size(); ++k) {
    const std::string cmd = "/usr/bin/python3 -B '" + source_path("tests/integration/compare_outputs.py") +
                            "' --require-activity '" + outputs[0].string() + "' '" + outputs[k].string() +
                            "' > '" + (dir / "diff.txt").string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    EXPECT_EQ(status, 0) << threads[0] << " vs " << threads[k] << " threads:\n"
                         << read_text(dir / "diff.txt");
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace spikeq::testing
