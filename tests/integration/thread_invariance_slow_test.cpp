// Thread-count invariance on the large networks of issue 8 (label slow): the
// plastic Brunel network (10^4 neurons, 10^7 synapses, STDP on E->E) for 1 s and
// the Potjans-Diesmann microcircuit at scale 0.1 for 1 s give byte-identical
// outputs with 1, 2 and 4 threads.
#include <gtest/gtest.h>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/thread_invariance.hpp"

namespace spikeq::testing {
namespace {

TEST(thread_invariance_large, plastic_brunel_1_s) {
  EXPECT_TRUE(outputs_identical_for_threads(
      "brunel_plastic", source_path("bench/networks/brunel_plastic.textproto"), "--t-stop 1000", {1, 2, 4}));
}

TEST(thread_invariance_large, microcircuit_scale_0_1_for_1_s) {
  EXPECT_TRUE(outputs_identical_for_threads("microcircuit", source_path("examples/microcircuit.textproto"),
                                            "--t-stop 1000", {1, 2, 4}));
}

}  // namespace
}  // namespace spikeq::testing
