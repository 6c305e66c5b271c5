// Shared by the microcircuit tests: generating the network with
// examples/microcircuit.py and measuring per-population rates from the output.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {

inline const std::array<const char*, 8> microcircuit_populations{"L23e", "L23i", "L4e", "L4i",
                                                                 "L5e",  "L5i",  "L6e", "L6i"};

// Runs the generator script with `args`, writing `out`; returns its exit status.
inline int generate_microcircuit(const std::string& args, const std::filesystem::path& out) {
  const std::string cmd = "/usr/bin/python3 -B '" + source_path("examples/microcircuit.py") + "' " + args +
                          " -o '" + out.string() + "'";
  return std::system(cmd.c_str());
}

// Mean rate (Hz) of a recorded population in [from_ms, to_ms).
inline double population_rate(const std::filesystem::path& h5, const std::string& population, double neurons,
                              double from_ms, double to_ms) {
  const auto s = read_spikes(h5, population);
  const auto n = std::count_if(s.times_ms.begin(), s.times_ms.end(),
                               [&](double t) { return t >= from_ms && t < to_ms; });
  return static_cast<double>(n) / neurons / ((to_ms - from_ms) / 1000.0);
}

}  // namespace spikeq::testing
