// Dividing populations among shards (core/shard_partition.hpp): contiguous runs of
// the populations in order, balanced by cost, every neuron owned exactly once.
#include "core/shard_partition.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/sharded_population.hpp"

namespace spikeq {
namespace {

using bounds = std::vector<neuron_id_type>;

TEST(shard_partition, without_costs_every_population_is_split_evenly) {
  const std::vector<population_load> loads{{10, 0.0}, {7, 0.0}};
  const auto first = partition_populations(loads, 3);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0], slice_boundaries(10, 3));
  EXPECT_EQ(first[1], slice_boundaries(7, 3));
}

TEST(shard_partition, equal_costs_split_the_run_of_populations_in_half) {
  // Brunel's 8000 + 2000 neurons: shard 0 takes 5000 of the first, shard 1 the rest.
  const std::vector<population_load> loads{{8000, 1.0}, {2000, 1.0}};
  const auto first = partition_populations(loads, 2);
  EXPECT_EQ(first[0], (bounds{0, 5000, 8000}));
  EXPECT_EQ(first[1], (bounds{0, 0, 2000}));
}

TEST(shard_partition, a_costlier_population_gets_fewer_neurons_per_shard) {
  // Total cost 100 * 3 + 100 * 1 = 400: shard 0's 200 is 66.7 neurons of the first.
  const std::vector<population_load> loads{{100, 3.0}, {100, 1.0}};
  const auto first = partition_populations(loads, 2);
  EXPECT_EQ(first[0], (bounds{0, 67, 100}));
  EXPECT_EQ(first[1], (bounds{0, 0, 100}));
}

TEST(shard_partition, populations_without_cost_go_whole_to_the_shard_whose_run_they_are_in) {
  const std::vector<population_load> loads{{5, 0.0}, {100, 1.0}, {3, 0.0}, {100, 1.0}, {4, 0.0}};
  const auto first = partition_populations(loads, 2);
  EXPECT_EQ(first[0], (bounds{0, 5, 5}));      // ahead of every cost: shard 0
  EXPECT_EQ(first[1], (bounds{0, 100, 100}));  // shard 0's run ends with it
  EXPECT_EQ(first[2], (bounds{0, 0, 3}));      // after shard 0's run: shard 1
  EXPECT_EQ(first[3], (bounds{0, 0, 100}));
  EXPECT_EQ(first[4], (bounds{0, 0, 4}));
}

TEST(shard_partition, more_shards_than_neurons_leaves_shards_empty) {
  const std::vector<population_load> loads{{2, 1.0}, {0, 1.0}, {1, 1.0}};
  const auto first = partition_populations(loads, 7);
  std::size_t owned = 0;
  for (const auto& f : first) {
    ASSERT_EQ(f.size(), 8u);
    for (std::size_t s = 0; s < 7; ++s) {
      EXPECT_LE(f[s], f[s + 1]);
      owned += f[s + 1] - f[s];
    }
  }
  EXPECT_EQ(owned, 3u);
  EXPECT_EQ(first[1], (bounds(8, 0)));
}

TEST(shard_partition, random_networks_are_covered_once_and_balanced_to_one_neuron) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t shards = 1 + rng() % 8;
    std::vector<population_load> loads(1 + rng() % 10);
    double total = 0.0, most_per_neuron = 0.0;
    for (auto& l : loads) {
      l.size = rng() % 3000;
      l.cost_per_neuron = (rng() % 4 == 0) ? 0.0 : 0.5 + (rng() % 1000) / 100.0;
      total += l.size * l.cost_per_neuron;
      most_per_neuron = std::max(most_per_neuron, l.cost_per_neuron);
    }
    const auto first = partition_populations(loads, shards);
    std::vector<double> cost(shards, 0.0);
    for (std::size_t p = 0; p < loads.size(); ++p) {
      ASSERT_EQ(first[p].size(), shards + 1);
      EXPECT_EQ(first[p].front(), 0u);
      EXPECT_EQ(first[p].back(), loads[p].size);
      for (std::size_t s = 0; s < shards; ++s) {
        ASSERT_LE(first[p][s], first[p][s + 1]);
        cost[s] += (first[p][s + 1] - first[p][s]) * loads[p].cost_per_neuron;
      }
    }
    if (!(total > 0.0)) continue;
    // Each run ends within half a neuron of its ideal end, so each shard is within
    // one neuron's cost of an equal share.
    for (std::size_t s = 0; s < shards; ++s)
      EXPECT_NEAR(cost[s], total / shards, most_per_neuron * (1.0 + 1e-9))
          << "trial " << trial << " shard " << s;
  }
}

}  // namespace
}  // namespace spikeq
