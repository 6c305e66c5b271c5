// Counter-based streams: same key, same numbers; different keys, independent
// numbers; moments of the distributions match their definitions.
#include "core/random_stream.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace spikeq {
namespace {

TEST(random_stream, same_key_gives_the_same_sequence) {
  random_stream a(7, stream_kind::poisson, 3, 11);
  random_stream b(7, stream_kind::poisson, 3, 11);
  for (int k = 0; k < 1000; ++k) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(random_stream, different_entities_seeds_and_kinds_differ) {
  random_stream base(7, stream_kind::poisson, 3, 11);
  random_stream other_entity(7, stream_kind::poisson, 3, 12);
  random_stream other_seed(8, stream_kind::poisson, 3, 11);
  random_stream other_kind(7, stream_kind::weight, 3, 11);
  const auto x = base.next_u64();
  EXPECT_NE(x, other_entity.next_u64());
  EXPECT_NE(x, other_seed.next_u64());
  EXPECT_NE(x, other_kind.next_u64());
}

TEST(random_stream, uniform_and_normal_moments) {
  // Sample mean and variance within 5 standard errors of U(0,1) (1/2, 1/12) and N(0,1).
  random_stream rng(1, stream_kind::initial_state, 0, 0);
  const int n = 200000;
  double su = 0, suu = 0, sn = 0, snn = 0;
  for (int k = 0; k < n; ++k) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    suu += u * u;
    const double z = rng.normal();
    sn += z;
    snn += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(suu / n - (su / n) * (su / n), 1.0 / 12, 0.002);
  EXPECT_NEAR(sn / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(snn / n, 1.0, 0.02);
}

TEST(random_stream, below_is_unbiased_over_small_ranges) {
  random_stream rng(3, stream_kind::connectivity, 0, 0);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int k = 0; k < n; ++k) ++counts[rng.below(7)];
  for (int c : counts) EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
}

// normals() is normal() called out.size() times: the same bits, in the same order,
// with the stream left where those calls leave it (a spare value carried in and out,
// odd and even counts, counts beyond its batch of 64 pairs).
TEST(random_stream, normals_give_the_bits_normal_gives_and_leave_the_stream_where_it_would) {
  random_stream one_by_one(3, stream_kind::weight, 2, 9);
  random_stream batched(3, stream_kind::weight, 2, 9);
  std::size_t checked = 0;
  for (const std::size_t count : {0, 1, 2, 3, 127, 128, 129, 300, 1, 5}) {
    std::vector<double> expected(count), got(count);
    for (double& z : expected) z = one_by_one.normal();
    batched.normals(got);
    for (std::size_t k = 0; k < count; ++k)
      EXPECT_EQ(got[k], expected[k]) << "count " << count << ", value " << k;
    checked += count;
    EXPECT_EQ(batched.normal(), one_by_one.normal()) << "after " << checked << " values";
    EXPECT_EQ(batched.next_u64(), one_by_one.next_u64());
  }
}

}  // namespace
}  // namespace spikeq
