// A live lockstep session gives the same spikes with 1 and 2 simulation threads
// (also run under ThreadSanitizer: the server thread, the simulation's coordinating
// thread and its shard workers).
#include <gtest/gtest.h>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/live/live_session.hpp"

namespace spikeq::testing {
namespace {

TEST(LiveThreads, LockstepSessionIsThreadCountInvariant) {
  const auto dir = scratch_dir("live_threads");
  const auto one = run_lockstep_session(dir, "t1.h5", 4, "1");
  const auto two = run_lockstep_session(dir, "t2.h5", 4, "2");
  ASSERT_EQ(one.exit_code, 0);
  ASSERT_EQ(two.exit_code, 0);
  const io::hdf5_reader a(dir / "t1.h5"), b(dir / "t2.h5");
  for (const std::string pop : {"exc", "inh", "stimulus"}) {
    EXPECT_EQ(a.read_doubles("/spikes/" + pop + "/timestamps"),
              b.read_doubles("/spikes/" + pop + "/timestamps"));
    EXPECT_EQ(a.read_uint64s("/spikes/" + pop + "/node_ids"), b.read_uint64s("/spikes/" + pop + "/node_ids"));
  }
  EXPECT_GT(a.read_doubles("/spikes/exc/timestamps").size(), 100u);
}

}  // namespace
}  // namespace spikeq::testing
