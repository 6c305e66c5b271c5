// window_clock: cheap ticks that convert to the wall time they span.
#include "core/window_clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace spikeq {
namespace {

TEST(window_clock, ticks_never_go_back) {
  window_clock::ticks previous = window_clock::now();
  for (int k = 0; k < 100000; ++k) {
    const window_clock::ticks t = window_clock::now();
    ASSERT_GE(t, previous);
    previous = t;
  }
}

// 50 ms measured in ticks converts to 50 ms (a sleep lasts at least as long as asked;
// the upper bound leaves room for a loaded machine).
TEST(window_clock, ticks_convert_to_the_wall_time_they_span) {
  window_clock clock;
  clock.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto wall_start = std::chrono::steady_clock::now();
  const window_clock::ticks start = window_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const window_clock::ticks elapsed = window_clock::now() - start;
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double measured_s = clock.seconds(elapsed);
  EXPECT_GE(measured_s, 0.050 * 0.98);
  EXPECT_NEAR(measured_s, wall_s, 0.02 * wall_s + 1e-4);
  EXPECT_EQ(clock.seconds(0), 0.0);
}

}  // namespace
}  // namespace spikeq
