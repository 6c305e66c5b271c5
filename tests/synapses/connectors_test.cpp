// Connectors produce what PyNN's definitions promise, deterministically, and the
// same connections whatever the number of build threads.
#include "synapses/connectors.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <set>

namespace spikeq {
namespace {

using kind = connector_spec::kind;

std::uint64_t count_from(const connection_rows& r, std::uint32_t s) { return r.first[s + 1] - r.first[s]; }

TEST(connectors, all_to_all_with_and_without_self_connections) {
  auto spec = connector_spec::of(kind::all_to_all);
  auto rows = generate_connections(spec, 5, 5, 0, 1, 0);
  EXPECT_EQ(rows.target.size(), 25u);
  spec.allow_self_connections = false;
  rows = generate_connections(spec, 5, 5, 0, 1, 0);
  EXPECT_EQ(rows.target.size(), 20u);
  for (std::uint32_t s = 0; s < 5; ++s)
    for (auto k = rows.first[s]; k < rows.first[s + 1]; ++k) EXPECT_NE(rows.target[k], s);
}

TEST(connectors, self_connections_are_judged_in_the_concatenated_target_space) {
  // Source population sits at offset 3 of the targets (e.g. inh inside [exc, inh]).
  auto spec = connector_spec::of(kind::all_to_all);
  spec.allow_self_connections = false;
  const auto rows = generate_connections(spec, 2, 5, 3, 1, 0);
  EXPECT_EQ(rows.target.size(), 8u);
  for (std::uint32_t s = 0; s < 2; ++s)
    for (auto k = rows.first[s]; k < rows.first[s + 1]; ++k) EXPECT_NE(rows.target[k], s + 3);
}

TEST(connectors, fixed_probability_matches_binomial_statistics) {
  // Expected count n_s * n_t * p (minus the diagonal); SD of a binomial.
  auto spec = connector_spec::of(kind::fixed_probability);
  spec.p = 0.02;
  spec.allow_self_connections = false;
  const std::uint32_t n = 4000;
  const auto rows = generate_connections(spec, n, n, 0, 7, 2);
  const double trials = static_cast<double>(n) * (n - 1);
  const double mean = trials * spec.p;
  EXPECT_NEAR(static_cast<double>(rows.target.size()), mean, 5 * std::sqrt(mean * (1 - spec.p)));
  for (std::uint32_t s = 0; s < n; ++s) {
    std::set<std::uint32_t> seen;
    for (auto k = rows.first[s]; k < rows.first[s + 1]; ++k) {
      EXPECT_NE(rows.target[k], s);
      EXPECT_TRUE(seen.insert(rows.target[k]).second) << "duplicate target";
    }
  }
}

TEST(connectors, fixed_number_post_gives_each_source_n_distinct_targets) {
  auto spec = connector_spec::of(kind::fixed_number_post);
  spec.n = 100;
  spec.allow_self_connections = false;
  const auto rows = generate_connections(spec, 800, 1000, 0, 3, 0);
  for (std::uint32_t s = 0; s < 800; ++s) {
    ASSERT_EQ(count_from(rows, s), 100u);
    std::set<std::uint32_t> seen(rows.target.begin() + static_cast<std::ptrdiff_t>(rows.first[s]),
                                 rows.target.begin() + static_cast<std::ptrdiff_t>(rows.first[s + 1]));
    EXPECT_EQ(seen.size(), 100u);
    EXPECT_EQ(seen.count(s), 0u);
  }
}

TEST(connectors, fixed_number_pre_gives_each_target_n_sources) {
  auto spec = connector_spec::of(kind::fixed_number_pre);
  spec.n = 30;
  const auto rows = generate_connections(spec, 200, 50, -1, 3, 0);
  std::vector<int> in_degree(50, 0);
  for (auto t : rows.target) ++in_degree[t];
  for (int d : in_degree) EXPECT_EQ(d, 30);
}

TEST(connectors, impossible_requests_are_rejected) {
  auto spec = connector_spec::of(kind::fixed_number_post);
  spec.n = 11;
  EXPECT_THROW(generate_connections(spec, 5, 10, -1, 1, 0), std::invalid_argument);
  auto one = connector_spec::of(kind::one_to_one);
  EXPECT_THROW(generate_connections(one, 5, 6, -1, 1, 0), std::invalid_argument);
}

TEST(connectors, identical_for_one_and_two_build_threads) {
  auto spec = connector_spec::of(kind::fixed_probability);
  spec.p = 0.05;
  connection_rows one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = generate_connections(spec, 3000, 3000, 0, 11, 4);
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    two = generate_connections(spec, 3000, 3000, 0, 11, 4);
  }
  EXPECT_EQ(one.first, two.first);
  EXPECT_EQ(one.target, two.target);
}

TEST(connectors, seed_changes_the_connections) {
  auto spec = connector_spec::of(kind::fixed_probability);
  spec.p = 0.1;
  const auto a = generate_connections(spec, 100, 100, -1, 1, 0);
  const auto b = generate_connections(spec, 100, 100, -1, 2, 0);
  EXPECT_NE(a.target, b.target);
}

}  // namespace
}  // namespace spikeq
