// Direct feedback alignment for hidden layers (plasticity/feedback_alignment.hpp;
// Nøkland 2016, the scheme docs/models/hlop.md chooses): after each training
// sample n, ΔW_ij = η φ'_i (Σ_k B_ik ē_k(n)) x̄_j, checked here by hand on a 3 → 2
// layer with a 2-neuron readout: x̄_j counts only arrivals while the gate is open,
// weighted by the gate and divided by its open time; φ'_i is 0 for a neuron that
// fired at or above rate_max in the sample; the update waits for the published
// error (trial end + lag); two shards give the weights of one; B depends only on
// (seed, projection, hidden neuron); with HLOP the rows of later tasks are
// orthogonal to the frozen subspace.
#include "plasticity/feedback_alignment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace spikeq::plasticity {
namespace {

constexpr double alignment_ms_per_tick = 0.1;
constexpr tick_type trial_ticks = 1000, gate_ticks = 600, lag = 20;

class fixed_readout final : public readout_signal {
 public:
  double trace_tau_ms() const override { return 50.0; }
  double output(neuron_id_type, tick_type) const override { return 0.0; }
  double target(neuron_id_type, tick_type) const override { return 0.0; }
  void add_to_output(neuron_id_type, tick_type, double) override {}
  trial_error_table& trial_errors() override { return errors; }
  trial_error_table errors;
};

// Three trials of 100 ms; the gate is open for the first 60 ms (value 1, then 0.5,
// then 1); trial 2 starts task 1.
trial_protocol three_trials() {
  trial_protocol p;
  p.trial_ticks = trial_ticks;
  const double gate[] = {1.0, 0.5, 1.0};
  for (std::uint32_t n = 0; n < 3; ++n) {
    const tick_type start = n * trial_ticks;
    p.trial_start.push_back(start);
    p.outcome_tick.push_back(start);
    p.outcome.push_back(0);
    p.evaluation.push_back(0);
    p.task.push_back(n < 2 ? 0 : 1);
    p.gate.set(start, gate[n]);
    p.gate.set(start + gate_ticks, 0.0);
  }
  p.task_start = {0, 2};
  return p;
}

struct layer {
  std::vector<weight_type> table = std::vector<weight_type>(6, 0.1F);
  // synapse 2j + i: source j → hidden i
  std::vector<neuron_id_type> targets{0, 1, 0, 1, 0, 1};
  std::vector<std::uint32_t> sources{0, 0, 1, 1, 2, 2};
  fixed_readout readout;
  trial_protocol protocol = three_trials();
  feedback_alignment_parameters p;
  std::unique_ptr<feedback_alignment_rule> rule;

  explicit layer(std::size_t shards, bool hlop = false) {
    p.eta = 1e-3;
    p.rate_max_hz = 100;
    p.feedback.type = distribution::kind::normal;
    p.feedback.a = 0.0;
    p.feedback.b = 1.0;
    p.seed = 7;
    p.id = 3;
    p.lag_ticks = lag;
    if (hlop) {
      hlop::task_subspace_parameters h;
      h.rows_first_task = 1;
      h.rows_per_task = 1;
      h.batch_size = 1;
      h.input_scale = 0.01;
      p.hlop = h;
    }
    feedback_alignment_layout layout;
    layout.shards = shards;
    layout.shard_of_target =
        shards == 1 ? std::vector<std::uint16_t>{0, 0} : std::vector<std::uint16_t>{0, 1};
    rule = std::make_unique<feedback_alignment_rule>(p, alignment_ms_per_tick, table, targets, sources, 3, 2,
                                                     layout, readout, 2, protocol);
  }
  void arrive(std::uint32_t source, tick_type t) { rule->on_pre_arrival(t, 2 * source, 2 * source + 2); }
  void fire(neuron_id_type hidden, tick_type t, int times = 1) {
    for (int k = 0; k < times; ++k) rule->on_post_arrival(t, hidden, {});
  }
  void tick(tick_type t, std::size_t shards) {
    if (shards == 1) {
      const std::vector<std::uint64_t> all{0, 1, 2, 3, 4, 5};
      rule->on_tick(t, all);
    } else {
      const std::vector<std::uint64_t> even{0, 2, 4}, odd{1, 3, 5};
      rule->on_tick(t, even);
      rule->on_tick(t, odd);
    }
  }
  // Sample 0: source 0 three times and source 1 once inside the gate, source 1 once
  // after it closed; hidden 0 fires twice (33 Hz), hidden 1 ten times (167 Hz).
  void sample0() {
    arrive(0, 100);
    arrive(0, 200);
    arrive(0, 300);
    arrive(1, 100);
    arrive(1, 700);
    fire(0, 150, 2);
    fire(1, 150, 10);
    const double e[] = {0.5, -0.25};
    readout.errors.publish(0, e);
  }
  // Sample 1 (gate 0.5): source 2 once, hidden 1 once.
  void sample1() {
    arrive(2, 1100);
    fire(1, 1200);
    const double e[] = {1.0, 1.0};
    readout.errors.publish(1, e);
  }
};

TEST(FeedbackAlignment, changes_equal_eta_times_feedback_error_times_gated_rate) {
  layer l(2);
  l.sample0();
  l.tick(trial_ticks + lag - 10, 2);  // the error is not due yet
  for (std::uint64_t s = 0; s < 6; ++s) EXPECT_DOUBLE_EQ(l.rule->weight(s), static_cast<double>(0.1F));
  l.tick(trial_ticks + lag, 2);
  const double w0 = static_cast<double>(0.1F);
  const double delta0 = 1e-3 * (l.rule->feedback(0, 0) * 0.5 - l.rule->feedback(0, 1) * 0.25);
  EXPECT_NEAR(l.rule->weight(0), w0 + delta0 * 3 / 0.06, 1e-15);  // source 0: 50 Hz
  EXPECT_NEAR(l.rule->weight(2), w0 + delta0 * 1 / 0.06, 1e-15);  // source 1: the late arrival ignored
  EXPECT_EQ(l.rule->weight(4), w0);                               // source 2 silent
  for (const std::uint64_t s : {1, 3, 5}) EXPECT_EQ(l.rule->weight(s), w0) << "hidden 1 saturated (phi' = 0)";
  EXPECT_EQ(l.table[0], static_cast<weight_type>(l.rule->weight(0)));  // delivery sees the change

  l.sample1();
  l.tick(2 * trial_ticks + lag, 2);
  const double delta1 = 1e-3 * (l.rule->feedback(1, 0) + l.rule->feedback(1, 1));
  EXPECT_NEAR(l.rule->weight(5), w0 + delta1 * 0.5 / 0.03, 1e-15);  // gate 0.5: count 0.5 over 30 ms
  EXPECT_NEAR(l.rule->weight(0), w0 + delta0 * 3 / 0.06, 1e-15) << "sample 0's counts were cleared";
  // Hidden 0 is silent in sample 1 (phi' = 1: a silent neuron may learn to fire).
  const double delta1_0 = 1e-3 * (l.rule->feedback(0, 0) + l.rule->feedback(0, 1));
  EXPECT_NEAR(l.rule->weight(4), w0 + delta1_0 * 0.5 / 0.03, 1e-15);
}

TEST(FeedbackAlignment, one_shard_equals_two_and_feedback_depends_only_on_the_neuron) {
  layer one(1), two(2);
  for (layer* l : {&one, &two}) {
    l->sample0();
    l->tick(trial_ticks + lag, l == &one ? 1 : 2);
    l->sample1();
    l->tick(2 * trial_ticks + lag, l == &one ? 1 : 2);
  }
  for (std::uint64_t s = 0; s < 6; ++s) EXPECT_EQ(one.rule->weight(s), two.rule->weight(s));
  for (neuron_id_type i = 0; i < 2; ++i)
    for (neuron_id_type k = 0; k < 2; ++k) EXPECT_EQ(one.rule->feedback(i, k), two.rule->feedback(i, k));
  EXPECT_NE(one.rule->feedback(0, 0), one.rule->feedback(1, 0));
}

TEST(FeedbackAlignment, hlop_rows_of_a_later_task_are_orthogonal_to_the_frozen_subspace) {
  layer l(2, true);
  l.sample0();
  l.tick(trial_ticks + lag, 2);
  l.sample1();
  l.tick(2 * trial_ticks + lag, 2);
  std::vector<double> before(6);
  for (std::uint64_t s = 0; s < 6; ++s) before[s] = l.rule->weight(s);
  // Sample 2, task 1: every source fires, hidden 0 fires once.
  for (std::uint32_t j = 0; j < 3; ++j) l.arrive(j, 2 * trial_ticks + 100 + 10 * j);
  l.arrive(0, 2 * trial_ticks + 200);
  l.fire(0, 2 * trial_ticks + 150);
  const double e[] = {0.3, 0.7};
  l.readout.errors.publish(2, e);
  l.tick(3 * trial_ticks + lag, 2);
  const hlop::task_subspace* subspace = l.rule->subspace();
  ASSERT_NE(subspace, nullptr);
  ASSERT_EQ(subspace->learner().frozen_rows(), 1U);
  const auto h = subspace->learner().weights();  // row 0 is frozen
  double along = 0.0, size = 0.0;
  for (std::uint32_t j = 0; j < 3; ++j) {
    const double d = l.rule->weight(2 * j) - before[2 * j];
    along += d * h[j];
    size += d * d;
  }
  EXPECT_GT(size, 0.0) << "hidden 0 learned in task 1";
  EXPECT_LT(std::abs(along), 1e-12 * std::sqrt(size) + 1e-18) << "the change has no component in H0";
}

TEST(FeedbackAlignment, refuses_trials_too_short_for_the_error_to_arrive) {
  layer l(1);
  l.p.lag_ticks = trial_ticks;
  feedback_alignment_layout layout{{0, 0}, 1};
  EXPECT_THROW(feedback_alignment_rule(l.p, alignment_ms_per_tick, l.table, l.targets, l.sources, 3, 2,
                                       layout, l.readout, 2, l.protocol),
               std::invalid_argument);
}

}  // namespace
}  // namespace spikeq::plasticity
