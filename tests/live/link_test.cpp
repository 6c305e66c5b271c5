// The run control between the server and simulation threads (live/link.hpp).
#include "live/link.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace spikeq::live {
namespace {

control_message control(control_command c, std::optional<double> ms = std::nullopt) { return {c, ms}; }

TEST(LiveLink, LockstepHaltsAtZeroAndStepsInWholeSteps) {
  link l(/*step_ticks=*/1000, /*ticks_per_ms=*/1000.0, /*start_halted=*/true);
  bool completed = true;
  EXPECT_TRUE(l.must_halt(0, completed));
  EXPECT_FALSE(completed);  // nobody asked for a step yet
  l.submit(control(control_command::step));
  EXPECT_FALSE(l.must_halt(0, completed));
  EXPECT_FALSE(l.must_halt(500, completed));
  EXPECT_TRUE(l.must_halt(1000, completed));
  EXPECT_TRUE(completed);
  // 2.5 ms is rounded up to 3 whole steps of 1 ms.
  l.submit(control(control_command::step, 2.5));
  EXPECT_FALSE(l.must_halt(3000, completed));
  EXPECT_TRUE(l.must_halt(4000, completed));
  EXPECT_TRUE(completed);
}

TEST(LiveLink, PauseResumeAndStop) {
  link l(1000, 1000.0, false);
  bool completed = false;
  EXPECT_FALSE(l.must_halt(5000, completed));
  l.submit(control(control_command::pause));
  EXPECT_TRUE(l.must_halt(5000, completed));
  EXPECT_FALSE(completed);
  l.submit(control(control_command::resume));
  EXPECT_FALSE(l.must_halt(6000, completed));
  l.submit(control(control_command::stop));
  EXPECT_TRUE(l.stop_requested());
  EXPECT_FALSE(l.must_halt(6000, completed));  // stopping, not halting
}

TEST(LiveLink, InputsArriveInOrderAndAWaitEndsOnAStep) {
  link l(1000, 1000.0, true);
  l.submit(release_message{0, 1.0, std::nullopt});
  l.submit(current_message{0, 2.0, std::nullopt});
  std::vector<client_message> got;
  l.take_inputs(0, got);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<release_message>(got[0]));
  EXPECT_TRUE(std::holds_alternative<current_message>(got[1]));
  std::thread client([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    l.submit(control(control_command::step));
  });
  int polls = 0;
  l.wait_while_halted(0, [&] { ++polls; });
  client.join();
  bool completed = false;
  EXPECT_FALSE(l.must_halt(0, completed));
}

}  // namespace
}  // namespace spikeq::live
