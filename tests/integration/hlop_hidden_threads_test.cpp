// The hidden-layer network (hlop_hidden_network.hpp) gives byte-identical output for
// 1, 2 and 3 threads: the readout's per-trial errors reach the hidden layer's shards
// only across a window barrier (core/trial_errors.hpp), and every shard's copy of the
// lateral learner sees the same rates. Label threads: CI runs it under
// ThreadSanitizer too, which checks that the errors are never read while written.
#include <gtest/gtest.h>

#include "tests/integration/hlop_hidden_network.hpp"
#include "tests/integration/thread_invariance.hpp"

namespace spikeq::testing {
namespace {

using namespace hlop_hidden_network;  // NOLINT(google-build-using-namespace): the tests' shared network

TEST(hlop_hidden, bytes_identical_for_1_2_and_3_threads) {
  const auto net =
      prepare("hlop_hidden_threads", network(hidden_rule, readout_hlop) +
                                         "recording { spikes { population: \"hidden\" } "
                                         "weights { projection: \"pixels_to_hidden\" events: true } "
                                         "weights { projection: \"hidden_to_readout\" } }\n");
  EXPECT_TRUE(outputs_identical_for_threads("hlop_hidden", net.string(), "", {1, 2, 3}));
}

}  // namespace
}  // namespace spikeq::testing
