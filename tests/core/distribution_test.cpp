// Drawing a row of values at once (distribution::sample_random) gives what one
// sample() call per value gives, from the same stream position, and leaves the stream
// where those calls would: network construction relies on it for weights and delays
// being the same however they are drawn.
#include "core/distribution.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace spikeq {
namespace {

distribution normal(double mean, double sd) {
  distribution d;
  d.type = distribution::kind::normal;
  d.a = mean;
  d.b = sd;
  return d;
}

// Whether sample_random gives `count` values equal to one sample() call each and
// leaves the stream where those calls leave it.
testing::AssertionResult same_as_one_sample_at_a_time(const distribution& d, std::size_t count) {
  random_stream one_by_one(11, stream_kind::delay, 4, 17);
  random_stream at_once(11, stream_kind::delay, 4, 17);
  std::vector<double> expected(count), got(count);
  for (std::size_t k = 0; k < count; ++k) expected[k] = d.sample(one_by_one, k);
  d.sample_random(at_once, got);
  for (std::size_t k = 0; k < count; ++k)
    if (got[k] != expected[k])
      return testing::AssertionFailure()
             << "value " << k << " of " << count << ": " << got[k] << " against " << expected[k];
  if (at_once.next_u64() != one_by_one.next_u64())
    return testing::AssertionFailure()
           << "the stream moved on by a different amount after " << count << " values";
  return testing::AssertionSuccess();
}

TEST(distribution, a_row_drawn_at_once_equals_one_sample_per_value) {
  EXPECT_TRUE(same_as_one_sample_at_a_time(normal(1.5, 0.75), 1000));
  EXPECT_TRUE(same_as_one_sample_at_a_time(normal(1.5, 0.75), 1));
  EXPECT_TRUE(same_as_one_sample_at_a_time(normal(1.5, 0.75), 257));
  distribution uniform;
  uniform.type = distribution::kind::uniform;
  uniform.a = -2.0;
  uniform.b = 3.0;
  EXPECT_TRUE(same_as_one_sample_at_a_time(uniform, 300));
}

TEST(distribution, redraws_outside_the_bounds_consume_what_sample_consumes) {
  // The microcircuit's delays: a normal with a lower bound (about 2 % redrawn).
  distribution delay = normal(1.5, 0.75);
  delay.min = 0.1;
  EXPECT_TRUE(same_as_one_sample_at_a_time(delay, 2000));
  // Most draws rejected: values straddle the batches of normals.
  distribution narrow = normal(0.0, 1.0);
  narrow.min = 1.5;
  narrow.max = 2.0;
  EXPECT_TRUE(same_as_one_sample_at_a_time(narrow, 700));
}

TEST(distribution, bounds_no_draw_reaches_give_the_clipped_mean_after_as_many_draws) {
  distribution impossible = normal(0.0, 1.0);
  impossible.min = 50.0;
  random_stream rng(1, stream_kind::weight, 0, 0);
  std::vector<double> values(3);
  impossible.sample_random(rng, values);
  EXPECT_EQ(values, std::vector<double>(3, 50.0));
  EXPECT_TRUE(same_as_one_sample_at_a_time(impossible, 3));
}

}  // namespace
}  // namespace spikeq
