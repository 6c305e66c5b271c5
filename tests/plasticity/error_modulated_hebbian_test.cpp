// The gated delta rule of readouts (plasticity/error_modulated_hebbian.hpp;
// rules.md §5.6) against its defining property: with the same presynaptic traces
// on every trial and a teacher that is 1 with probability p, the least-squares
// readout is p times the readout learned with a certain teacher (the fit of the
// expected teacher; Yamada & Chao 2025: amplitudes proportional to outcome
// probability). The online, offline and RLS (FORCE) modes all converge to it, and
// y stays equal to sum_j W_kj r_j.
#include "plasticity/error_modulated_hebbian.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace spikeq::plasticity {
namespace {

constexpr double hebbian_ms_per_tick = 0.001;
tick_type ticks_of_ms(double t) { return static_cast<tick_type>(std::llround(t / hebbian_ms_per_tick)); }

// A readout_signal that keeps y_k as the rule promises (lazy decay plus the
// rule's corrections) and checks it against sum_j W_kj r_j.
class test_readout final : public readout_signal {
 public:
  test_readout(std::size_t size, double tau_ms) : tau_(tau_ms), y_(size, 0.0), last_(size, 0) {}
  double trace_tau_ms() const override { return tau_; }
  double output(neuron_id_type k, tick_type now) const override {
    return y_[k] * std::exp(-static_cast<double>(now - last_[k]) * hebbian_ms_per_tick / tau_);
  }
  double target(neuron_id_type k, tick_type now) const override { return targets[k].at(now); }
  void add_to_output(neuron_id_type k, tick_type now, double delta) override {
    y_[k] = output(k, now) + delta;
    last_[k] = now;
  }
  std::vector<step_series> targets{2};
  trial_error_table errors;
  trial_error_table& trial_errors() override { return errors; }

 private:
  double tau_;
  std::vector<double> y_;
  std::vector<tick_type> last_;
};

struct experiment {
  double value_at_outcome_0;  // readout 0 at the teacher's time, last trial
  double value_at_outcome_1;
  double consistency_error;  // max |y - W r| seen
};

// 8 presynaptic neurons fire at fixed times in each 1 s trial (a "clock"); readout
// 0's teacher is 1 for 50 ms at 500 ms with probability 0.8, readout 1's with 0.2
// (the complementary outcome). Gate open 400-600 ms.
experiment run(readout_learning mode, double eta, int trials, double p_a = 0.8) {
  const std::size_t sources = 8, readouts = 2;
  trial_protocol protocol;
  protocol.trial_ticks = ticks_of_ms(1000);
  std::mt19937_64 rng(3);
  std::bernoulli_distribution a_happens(p_a);
  test_readout readout(readouts, 50.0);
  for (int k = 0; k < trials; ++k) {
    const tick_type start = ticks_of_ms(1000.0 * k);
    protocol.trial_start.push_back(start);
    protocol.outcome_tick.push_back(start + ticks_of_ms(500));
    const bool a = a_happens(rng);
    protocol.outcome.push_back(a ? 0 : 1);
    protocol.gate.set(start + ticks_of_ms(400), 1.0);
    protocol.gate.set(start + ticks_of_ms(600), 0.0);
    readout.targets[a ? 0 : 1].set(start + ticks_of_ms(500), 1.0);
    readout.targets[a ? 0 : 1].set(start + ticks_of_ms(550), 0.0);
  }
  // All-to-all, source-major: synapse s = source * 2 + readout.
  std::vector<weight_type> table(sources * readouts, 0.0f);
  std::vector<neuron_id_type> targets;
  std::vector<std::uint32_t> source_of;
  for (std::uint32_t j = 0; j < sources; ++j)
    for (neuron_id_type k = 0; k < readouts; ++k) {
      targets.push_back(k);
      source_of.push_back(j);
    }
  error_modulated_hebbian_parameters p;
  p.eta_per_ms = eta;
  p.mode = mode;
  p.rls_alpha = 0.1;
  error_modulated_hebbian_rule rule(p, hebbian_ms_per_tick, table, targets, source_of, sources, readout,
                                    readouts, protocol, {});
  std::vector<std::uint64_t> all(table.size());
  for (std::uint64_t s = 0; s < all.size(); ++s) all[s] = s;
  experiment e{0, 0, 0};
  for (int k = 0; k < trials; ++k) {
    const tick_type start = ticks_of_ms(1000.0 * k);
    for (tick_type t = start + ticks_of_ms(1); t <= start + ticks_of_ms(1000); t += ticks_of_ms(1)) {
      const double in_trial = static_cast<double>(t - start) * hebbian_ms_per_tick;
      // Source j fires at 350 + 30 j ms of each trial.
      for (std::uint32_t j = 0; j < sources; ++j)
        if (std::abs(in_trial - (350.0 + 30.0 * j)) < 1e-9) {
          rule.on_pre_arrival(t, j * readouts, (j + 1) * readouts);
          for (neuron_id_type r = 0; r < readouts; ++r)
            readout.add_to_output(r, t, rule.weight(j * readouts + r));
        }
      rule.on_tick(t, all);
      if (k == trials - 1 && std::abs(in_trial - 525.0) < 1e-9) {
        e.value_at_outcome_0 = readout.output(0, t);
        e.value_at_outcome_1 = readout.output(1, t);
      }
      if (t % ticks_of_ms(97) == 0)
        for (neuron_id_type r = 0; r < readouts; ++r) {
          double sum = 0.0;
          for (std::uint32_t j = 0; j < sources; ++j)
            sum += rule.weight(j * readouts + r) * rule.trace(j * readouts + r, t);
          e.consistency_error = std::max(e.consistency_error, std::abs(sum - readout.output(r, t)));
        }
    }
  }
  return e;
}

// The readout after 300 trials with a certain teacher and with one given in 80 % of
// the trials: the latter must be 0.8 (outcome 0) and 0.2 (outcome 1) of the former,
// and the readout's output must stay sum_j W_j r_j (add_to_output kept consistent).
struct learned_pair {
  experiment certain, likely;
};

learned_pair learn(readout_learning mode, double eta) {
  return {run(mode, eta, 300, 1.0), run(mode, eta, 300, 0.8)};
}

::testing::AssertionResult proportional_to_probability(const learned_pair& p, double tolerance) {
  const double scale = p.certain.value_at_outcome_0;
  if (!(scale > 0.5))
    return ::testing::AssertionFailure() << "the certain teacher was not learned: " << scale;
  if (std::abs(p.certain.value_at_outcome_1) > 1e-12)
    return ::testing::AssertionFailure()
           << "outcome 1 of the certain teacher: " << p.certain.value_at_outcome_1;
  if (std::abs(p.likely.value_at_outcome_0 / scale - 0.8) > tolerance ||
      std::abs(p.likely.value_at_outcome_1 / scale - 0.2) > tolerance)
    return ::testing::AssertionFailure()
           << "ratios " << p.likely.value_at_outcome_0 / scale << ", " << p.likely.value_at_outcome_1 / scale
           << " instead of 0.8, 0.2 (+-" << tolerance << ")";
  if (!(p.likely.consistency_error < 1e-9) || !(p.certain.consistency_error < 1e-9))
    return ::testing::AssertionFailure() << "output drifted from sum W r by " << p.likely.consistency_error
                                         << ", " << p.certain.consistency_error;
  return ::testing::AssertionSuccess();
}

// Online and offline: stochastic gradient descent with a constant rate keeps a
// fluctuation of the order of eta times the teacher noise around the fit.
TEST(error_modulated_hebbian, online_readout_learns_the_outcome_probability) {
  EXPECT_TRUE(proportional_to_probability(learn(readout_learning::online, 2e-4), 0.1));
}

TEST(error_modulated_hebbian, offline_consolidation_learns_the_same) {
  EXPECT_TRUE(proportional_to_probability(learn(readout_learning::offline, 2e-4), 0.1));
}

// RLS without forgetting is the running least-squares fit: the empirical frequency
// of the outcome over the 300 trials (binomial SD 0.023).
TEST(error_modulated_hebbian, rls_converges_to_the_least_squares_readout) {
  EXPECT_TRUE(proportional_to_probability(learn(readout_learning::rls, 0.0), 0.07));
}

TEST(error_modulated_hebbian, closed_gate_leaves_weights_alone) {
  trial_protocol protocol;  // one trial, gate never opens
  protocol.trial_ticks = ticks_of_ms(1000);
  protocol.trial_start.push_back(0);
  protocol.outcome_tick.push_back(ticks_of_ms(500));
  protocol.outcome.push_back(0);
  test_readout readout(1, 20.0);
  readout.targets[0].set(0, 1.0);
  std::vector<weight_type> table{0.5f};
  std::vector<neuron_id_type> targets{0};
  error_modulated_hebbian_rule rule({}, hebbian_ms_per_tick, table, targets, {0}, 1, readout, 1, protocol,
                                    {});
  const std::uint64_t s = 0;
  rule.on_pre_arrival(ticks_of_ms(10), 0, 1);
  for (tick_type t = ticks_of_ms(11); t < ticks_of_ms(100); t += ticks_of_ms(1)) rule.on_tick(t, {&s, 1});
  EXPECT_EQ(rule.weight(0), 0.5);
}

}  // namespace
}  // namespace spikeq::plasticity
