// HLOP's task bookkeeping (plasticity/hlop/task_subspace.hpp): sample means feed the
// learner in batches, rows are added and frozen at task boundaries as the paper code
// does (first task k0 rows, then k per task; rules.md §4.5), update rows are
// projected off the frozen subspace only, and a state saved mid-task and loaded into
// a fresh module continues bit-identically (checkpoints).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/random_stream.hpp"
#include "plasticity/hlop/task_subspace.hpp"

namespace spikeq::plasticity::hlop {
namespace {

constexpr std::size_t dimension = 12;

task_subspace_parameters parameters() {
  task_subspace_parameters p;
  p.rows_first_task = 3;
  p.rows_per_task = 2;
  p.batch_size = 4;
  p.subspace.learning_rate = 0.3;  // the small within-task variances (1/12) converge in 100 batches
  p.subspace.seed = 9;
  return p;
}

// Sample `s` of task `t`: a few steps of a vector in the span of basis vectors
// e_{3t}, e_{3t+1}, e_{3t+2} (disjoint per task), with per-sample weights.
void show_sample(task_subspace& m, std::uint32_t t, std::uint32_t s) {
  random_stream rng(5, stream_kind::stimulus, t, s);
  std::vector<double> x(dimension, 0.0);
  for (std::size_t k = 0; k < 3; ++k) x[3 * t + k] = 1.0 + rng.uniform();
  for (int step = 0; step < 3; ++step) m.observe(x);
  m.end_sample();
}

TEST(HlopTaskSubspace, rows_grow_and_freeze_at_task_boundaries) {
  task_subspace m(dimension, 3, parameters());
  EXPECT_EQ(m.learner().rows(), 3u);
  EXPECT_FALSE(m.projects());
  for (std::uint32_t s = 0; s < 200; ++s) show_sample(m, 0, s);
  m.begin_next_task();
  EXPECT_EQ(m.learner().rows(), 5u);
  EXPECT_EQ(m.learner().frozen_rows(), 3u);
  EXPECT_TRUE(m.projects());
  m.begin_next_task();
  EXPECT_EQ(m.learner().rows(), 7u);
  EXPECT_EQ(m.learner().frozen_rows(), 5u);
}

TEST(HlopTaskSubspace, projection_removes_the_first_tasks_directions_only) {
  task_subspace m(dimension, 2, parameters());
  std::vector<double> rows(2 * dimension, 0.0);
  rows[0] = 1.0;              // row 0: along task 0's e_0
  rows[dimension + 5] = 1.0;  // row 1: along e_5, no task's direction
  m.project_rows(rows, 2);
  EXPECT_EQ(rows[0], 1.0) << "nothing frozen during the first task: identity";
  for (std::uint32_t s = 0; s < 400; ++s) show_sample(m, 0, s);
  m.begin_next_task();
  m.project_rows(rows, 2);
  // The 3 rows learned task 0's 3-dimensional span: e_0 is removed, e_5 kept.
  EXPECT_LT(std::abs(rows[0]), 0.01);
  EXPECT_NEAR(rows[dimension + 5], 1.0, 0.01);
}

TEST(HlopTaskSubspace, too_many_lateral_neurons_are_refused) {
  auto p = parameters();
  p.rows_first_task = 8;
  p.rows_per_task = 3;
  EXPECT_THROW(task_subspace(dimension, 3, p), std::invalid_argument);  // 8 + 2 x 3 > 12
  EXPECT_NO_THROW(task_subspace(dimension, 2, p));                      // 8 + 3 <= 12
}

TEST(HlopTaskSubspace, state_round_trip_continues_bit_identically) {
  task_subspace a(dimension, 3, parameters());
  for (std::uint32_t s = 0; s < 50; ++s) show_sample(a, 0, s);
  a.begin_next_task();
  for (std::uint32_t s = 0; s < 7; ++s) show_sample(a, 1, s);  // a batch half full
  a.observe(std::vector<double>(dimension, 0.5));              // a sample half seen
  state_archive saved;
  a.state(saved);
  task_subspace b(dimension, 3, parameters());
  state_archive loading(saved.bytes(), "test");
  b.state(loading);
  EXPECT_TRUE(loading.at_end());
  for (task_subspace* m : {&a, &b}) {
    m->end_sample();
    for (std::uint32_t s = 7; s < 30; ++s) show_sample(*m, 1, s);
    m->begin_next_task();
  }
  const auto wa = a.learner().weights(), wb = b.learner().weights();
  ASSERT_EQ(wa.size(), wb.size());
  EXPECT_EQ(std::memcmp(wa.data(), wb.data(), wa.size() * sizeof(double)), 0);
}

}  // namespace
}  // namespace spikeq::plasticity::hlop
