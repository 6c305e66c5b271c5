// A short run of examples/sal_boltzmann.textproto (boltzmann_sleep_hebbian with SAL
// and plasticity noise, biases learned) is byte-identical for 1 and 2 threads: the
// noised amplitudes are keyed by canonical synapse ids, the spikes by neuron, and
// each neuron's bias is changed by the shard that owns it.
#include <gtest/gtest.h>

#include "tests/integration/thread_invariance.hpp"

namespace spikeq::testing {
namespace {

TEST(sal_boltzmann_threads, one_and_two_threads_give_identical_output) {
  EXPECT_TRUE(outputs_identical_for_threads("sal_boltzmann", source_path("examples/sal_boltzmann.textproto"),
                                            "--t-stop 100000", {1, 2}));
}

TEST(sal_boltzmann_threads, the_variant_without_sal_too) {
  EXPECT_TRUE(outputs_identical_for_threads("sal_boltzmann_nosal",
                                            source_path("examples/sal_boltzmann_nosal.textproto"),
                                            "--t-stop 100000", {1, 2}));
}

}  // namespace
}  // namespace spikeq::testing
