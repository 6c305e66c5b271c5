// fixed_total_number (NEST semantics): exactly n connections, each uniform over the
// allowed (source, target) pairs, identical for any thread count; and the builder's
// row-by-row path gives the same tables as the materialised one.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <numeric>

#include "synapses/connectors.hpp"
#include "synapses/synapse_table_builder.hpp"

namespace spikeq {
namespace {

connector_spec total(std::uint64_t n, bool self = true) {
  auto spec = connector_spec::of(connector_spec::kind::fixed_total_number);
  spec.n = n;
  spec.allow_self_connections = self;
  return spec;
}

TEST(fixed_total_number, makes_exactly_n_connections) {
  for (const std::uint64_t n : {0ull, 1ull, 999ull, 5'000'000ull}) {  // the last spans several draw chunks
    const auto rows = generate_connections(total(n), 300, 200, -1, 3, 1);
    EXPECT_EQ(rows.target.size(), n);
    EXPECT_EQ(rows.first.back(), n);
  }
}

TEST(fixed_total_number, degrees_follow_the_multinomial) {
  // Each connection picks its source and its target uniformly, so out-degrees are
  // Binomial(n, 1/n_s) and in-degrees Binomial(n, 1/n_t): check mean and variance.
  const std::uint32_t n_s = 400, n_t = 250;
  const std::uint64_t n = 200'000;
  const auto rows = generate_connections(total(n), n_s, n_t, -1, 7, 2);
  auto check = [&](const std::vector<double>& degree, double p) {
    const double mean = std::accumulate(degree.begin(), degree.end(), 0.0) / degree.size();
    double var = 0;
    for (double d : degree) var += (d - mean) * (d - mean);
    var /= degree.size() - 1;
    const double expected_var = n * p * (1 - p);
    EXPECT_NEAR(mean, n * p, 1e-9);
    // Sample variance of m draws: relative SD about sqrt(2 / m) (< 10 % here).
    EXPECT_NEAR(var / expected_var, 1.0, 5 * std::sqrt(2.0 / degree.size()));
  };
  std::vector<double> out(n_s), in(n_t, 0.0);
  for (std::uint32_t s = 0; s < n_s; ++s) out[s] = static_cast<double>(rows.first[s + 1] - rows.first[s]);
  for (const auto t : rows.target) in[t] += 1;
  check(out, 1.0 / n_s);
  check(in, 1.0 / n_t);
}

TEST(fixed_total_number, no_self_connections_when_forbidden_and_multapses_by_default) {
  // Source population at offset 50 of the target space (e.g. inh inside [exc, inh]).
  const auto rows = generate_connections(total(100'000, false), 100, 150, 50, 1, 0);
  EXPECT_EQ(rows.target.size(), 100'000u);
  bool multapse = false;
  for (std::uint32_t s = 0; s < 100; ++s) {
    std::vector<int> seen(150, 0);
    for (auto k = rows.first[s]; k < rows.first[s + 1]; ++k) {
      EXPECT_NE(rows.target[k], s + 50);
      multapse = multapse || ++seen[rows.target[k]] > 1;
    }
  }
  EXPECT_TRUE(multapse);
  // Sources without a forbidden pair (none here: all have one) vs. all with one:
  // split_total_number still hands out every connection.
  const auto counts = split_total_number(1000, 10, 10, 0, false, 1, 0);
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}), 1000u);
}

TEST(fixed_total_number, impossible_requests_throw) {
  auto no_multapses = total(10);
  no_multapses.allow_multapses = false;
  EXPECT_THROW(generate_connections(no_multapses, 5, 5, -1, 1, 0), std::invalid_argument);
  // A single neuron connecting to itself only, with autapses forbidden.
  EXPECT_THROW(generate_connections(total(1, false), 1, 1, 0, 1, 0), std::invalid_argument);
}

TEST(fixed_total_number, same_connections_for_any_thread_count_and_seed_matters) {
  connection_rows one, four;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = generate_connections(total(9'000'000, false), 3000, 3000, 0, 11, 4);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 4);
    four = generate_connections(total(9'000'000, false), 3000, 3000, 0, 11, 4);
  }
  EXPECT_EQ(one.first, four.first);
  EXPECT_EQ(one.target, four.target);
  const auto other = generate_connections(total(9'000'000, false), 3000, 3000, 0, 12, 4);
  EXPECT_NE(one.target, other.target);
}

// Row-by-row table construction (no connection_rows) equals the materialised path.
TEST(synapse_table_builder, generated_rows_match_materialised_rows) {
  distribution weight;
  weight.type = distribution::kind::normal;
  weight.a = 87.8;
  weight.b = 8.78;
  weight.min = 0.0;
  distribution delay;
  delay.type = distribution::kind::normal;
  delay.a = 1.5;
  delay.b = 0.75;
  delay.min = 0.05;
  const time_grid grid(0.1);
  for (const auto& spec : {total(400'000, false), [] {
                             auto s = connector_spec::of(connector_spec::kind::fixed_number_post);
                             s.n = 300;
                             return s;
                           }()}) {
    const distribution_values values(weight, delay, grid, 5, 3);
    const auto rows = generate_connections(spec, 1000, 1000, 0, 5, 3);
    const auto a = build_synapse_tables(rows, values, {{0, 1000, {}}});
    synapse_table b;
    {
      tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
      b = build_synapse_table(row_generator(spec, 1000, 1000, 0, 5, 3), values, 1000);
    }
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].target, b.target);
    EXPECT_EQ(a[0].weight, b.weight);
    EXPECT_EQ(a[0].block_delay, b.block_delay);
    EXPECT_EQ(a[0].block_first_synapse, b.block_first_synapse);
    EXPECT_EQ(a[0].source_first_block, b.source_first_block);
    EXPECT_FALSE(values.first_bad_delay());
    for (const float w : b.weight) EXPECT_GE(w, 0.0f);
    for (const auto d : b.block_delay) EXPECT_GE(d, 1);
  }
}

TEST(synapse_table_builder, delays_below_one_tick_are_reported_for_the_first_connection) {
  distribution weight;
  distribution delay;
  delay.type = distribution::kind::uniform;
  delay.a = 0.0;
  delay.b = 0.2;
  const distribution_values values(weight, delay, time_grid(0.1), 1, 0);
  build_synapse_table(row_generator(total(10'000), 100, 100, -1, 1, 0), values, 100);
  const auto bad = values.first_bad_delay();
  ASSERT_TRUE(bad);
  EXPECT_LT(bad->delay_ms, 0.05);
}

}  // namespace
}  // namespace spikeq
