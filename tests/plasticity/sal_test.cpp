// SAL (plasticity/sal.hpp; rules.md §3.2, §3.4) against a literal re-implementation
// of the paper code's pair loop (unibe-cns/sal-code, spiking_sampling_network
// stdp_functions.py: pairbased_stdp with exp_kernel / tri_kernel) on the same spike
// trains: the accumulated window sums and the weights after every epoch agree to
// 1e-12, and on a reciprocal pair the two synapses' sums are exact negatives, so
// W01 + W10 is conserved to rounding (rules.md §3.2, T-SAL-1).
#include "plasticity/sal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace spikeq::plasticity {
namespace {

struct spike {
  tick_type t;
  int neuron;
};

// Two neurons firing at random steps (both may fire in the same step).
std::vector<spike> random_spikes(std::uint32_t seed, tick_type steps, double p) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution fire(p);
  std::vector<spike> out;
  for (tick_type t = 0; t < steps; ++t)
    for (int n = 0; n < 2; ++n)
      if (fire(rng)) out.push_back({t, n});
  return out;
}

// The paper code's kernels with its argument names (a_plus for dt > 0).
double paper_exp_kernel(double dt, double a_plus, double a_minus, double tau_plus, double tau_minus) {
  if (dt > 0.0) return a_plus * std::exp(-dt / tau_plus);
  if (dt < 0.0) return a_minus * std::exp(dt / tau_minus);
  return 0.0;
}
double paper_tri_kernel(double dt, double a_plus, double a_minus, double tau_plus, double tau_minus) {
  if (dt > 0.0 && dt < tau_plus) return a_plus - dt * a_plus / tau_plus;
  if (dt < 0.0 && dt > -tau_minus) return a_minus + dt * a_minus / tau_minus;
  return 0.0;
}

// pairbased_stdp for two neurons, line by line, with the last-spike history carried
// in `last` (spikeq's epochs are consecutive parts of one run). stdp[i][j] belongs
// to the synapse j -> i. The code processes spikes of one step in list order, so a
// later-listed spike sees an earlier one of the same step; with `symmetric_ties`
// every spike of a step pairs with the histories from before the step (spikeq's
// rule, plasticity/sal.hpp); without coincident spikes the two are the same loop.
void paper_pairbased_stdp(const std::vector<spike>& spikes, bool triangular, double tau, std::size_t k,
                          bool symmetric_ties, std::vector<std::vector<double>>& last, double stdp[2][2]) {
  const auto kernel = triangular ? paper_tri_kernel : paper_exp_kernel;
  const double a_plus = -1.0, a_minus = 1.0;
  const auto push = [&](const spike& s) {
    for (std::size_t i = 0; i + 1 < k; ++i) last[s.neuron][i] = last[s.neuron][i + 1];
    last[s.neuron][k - 1] = static_cast<double>(s.t);
  };
  for (std::size_t first = 0; first < spikes.size();) {
    std::size_t end = first + 1;
    if (symmetric_ties)
      while (end < spikes.size() && spikes[end].t == spikes[first].t) ++end;
    for (std::size_t n = first; n < end; ++n) {
      const double t_spk = static_cast<double>(spikes[n].t);
      const int id_spk = spikes[n].neuron;
      for (int id_last = 0; id_last < 2; ++id_last) {
        if (id_last == id_spk) continue;
        double res = 0.0;
        for (std::size_t i = 0; i < k; ++i)
          res += kernel(t_spk - last[id_last][i], a_plus, a_minus, tau, tau);
        stdp[id_spk][id_last] += res;
        res = 0.0;
        for (std::size_t i = 0; i < k; ++i)
          res += kernel(-(t_spk - last[id_last][i]), a_plus, a_minus, tau, tau);
        stdp[id_last][id_spk] += res;
      }
    }
    for (std::size_t n = first; n < end; ++n) push(spikes[n]);
    first = end;
  }
}

// The same trains without steps in which both neurons fire.
std::vector<spike> without_coincidences(const std::vector<spike>& spikes) {
  std::vector<spike> out;
  for (std::size_t n = 0; n < spikes.size(); ++n) {
    const bool tie = (n > 0 && spikes[n - 1].t == spikes[n].t) ||
                     (n + 1 < spikes.size() && spikes[n + 1].t == spikes[n].t);
    if (!tie) out.push_back(spikes[n]);
  }
  return out;
}

// One rule per direction (synapse 0 -> 1 and synapse 1 -> 0), each with its own
// delay; events are presented as the kernel would: neuron n's spike at t reaches
// its outgoing synapse as a presynaptic arrival and its incoming synapse as a
// postsynaptic arrival, both at t + that synapse's delay; at one tick presynaptic
// arrivals come first.
struct reciprocal_pair {
  std::vector<weight_type> table_01{1.5f};  // synapse 1 -> 0: W01 (post 0, pre 1)
  std::vector<weight_type> table_10{0.5f};  // synapse 0 -> 1: W10
  sal_rule w01;
  sal_rule w10;
  tick_type delay_01, delay_10;

  reciprocal_pair(const sal_parameters& p, tick_type period, tick_type d01, tick_type d10)
      : w01(p, 1.0, table_01, {}, period), w10(p, 1.0, table_10, {}, period), delay_01(d01), delay_10(d10) {}

  // Presents every spike whose arrivals fall in [from, to), then the ticks.
  void run(const std::vector<spike>& spikes, tick_type from, tick_type to) {
    const std::uint64_t s0 = 0;
    for (tick_type now = from; now < to; ++now) {
      for (const spike& s : spikes) {  // presynaptic arrivals
        if (s.neuron == 1 && s.t + delay_01 == now) w01.on_pre_arrival(now, 0, 1);
        if (s.neuron == 0 && s.t + delay_10 == now) w10.on_pre_arrival(now, 0, 1);
      }
      for (const spike& s : spikes) {  // postsynaptic arrivals
        if (s.neuron == 0 && s.t + delay_01 == now) w01.on_post_arrival(now, 0, {&s0, 1});
        if (s.neuron == 1 && s.t + delay_10 == now) w10.on_post_arrival(now, 1, {&s0, 1});
      }
      if (w01.tick_interval() > 0 && now > 0 && now % w01.tick_interval() == 0) {
        w01.on_tick(now, {&s0, 1});
        w10.on_tick(now, {&s0, 1});
      }
    }
  }
};

TEST(sal_window, exponential_and_triangular_values_follow_rules_md_3_2) {
  sal_parameters p;
  p.a_causal = 2.0;
  p.a_anticausal = 0.5;
  p.tau_causal_ms = 10.0;
  p.tau_anticausal_ms = 20.0;
  EXPECT_DOUBLE_EQ(sal_window(p, 10.0), -2.0 * std::exp(-1.0));  // causal: depression
  EXPECT_DOUBLE_EQ(sal_window(p, -20.0), 0.5 * std::exp(-1.0));  // anti-causal: potentiation
  EXPECT_EQ(sal_window(p, 0.0), 0.0);
  p.kernel = sal_kernel::triangular;
  EXPECT_DOUBLE_EQ(sal_window(p, 5.0), -1.0);
  EXPECT_DOUBLE_EQ(sal_window(p, -5.0), 0.375);
  EXPECT_EQ(sal_window(p, 10.0), 0.0);
  EXPECT_EQ(sal_window(p, -20.0), 0.0);
}

// T-SAL-1's pairing (each spike with the other's last 10) and the triangular
// nearest variant of the sampling networks, with equal and unequal delays.
struct pairing_case {
  bool triangular;
  std::uint32_t last_spikes;
  tick_type delay_01, delay_10;
  bool coincidences;  // keep steps in which both neurons fire (else the literal loop)
};

class sal_against_paper_loop : public ::testing::TestWithParam<pairing_case> {};

TEST_P(sal_against_paper_loop, window_sums_and_epoch_weights_match_and_the_pair_sum_is_conserved) {
  const pairing_case c = GetParam();
  const tick_type epoch = 1500, epochs = 8;
  const double tau = 25.0, eta = 0.03;
  sal_parameters p;
  p.kernel = c.triangular ? sal_kernel::triangular : sal_kernel::exponential;
  p.tau_causal_ms = p.tau_anticausal_ms = tau;
  p.last_spikes = c.last_spikes;
  p.eta = eta;
  p.accumulate = true;
  p.normalization_ms = tau;  // W += lr * stdp / duration * t_ref
  reciprocal_pair pair(p, epoch, c.delay_01, c.delay_10);

  auto spikes = random_spikes(7, epoch * epochs, 0.03);
  if (!c.coincidences) spikes = without_coincidences(spikes);
  std::vector<std::vector<double>> last(
      2, std::vector<double>(c.last_spikes, -std::numeric_limits<double>::infinity()));
  double w01 = 1.5, w10 = 0.5;
  for (tick_type e = 0; e < epochs; ++e) {
    // The pairs whose later spike reaches the synapses by the epoch's end
    // (with equal delays d: spikes in [e*epoch - d + 1, (e+1)*epoch - d]).
    ASSERT_EQ(c.delay_01, c.delay_10) << "the reference splits epochs for equal delays";
    const tick_type d = c.delay_01;
    std::vector<spike> part;
    for (const spike& s : spikes)
      if (s.t + d > e * epoch && s.t + d <= (e + 1) * epoch) part.push_back(s);
    double stdp[2][2] = {{0, 0}, {0, 0}};
    paper_pairbased_stdp(part, c.triangular, tau, c.last_spikes, c.coincidences, last, stdp);

    pair.run(spikes, e * epoch + 1, (e + 1) * epoch);
    EXPECT_NEAR(pair.w01.pending(0), -pair.w10.pending(0), 1e-14) << "epoch " << e;
    pair.run(spikes, (e + 1) * epoch, (e + 1) * epoch + 1);  // last arrivals, then the application

    w01 += eta * (stdp[0][1] / static_cast<double>(epoch) * tau);
    w10 += eta * (stdp[1][0] / static_cast<double>(epoch) * tau);
    EXPECT_NEAR(pair.w01.weight(0), w01, 1e-12) << "epoch " << e;
    EXPECT_NEAR(pair.w10.weight(0), w10, 1e-12) << "epoch " << e;
    EXPECT_NEAR(pair.w01.weight(0) + pair.w10.weight(0), 2.0, 1e-14) << "epoch " << e;
  }
  EXPECT_NE(pair.w01.weight(0), 1.5);  // the spike trains did produce pairs
}

INSTANTIATE_TEST_SUITE_P(
    pairings, sal_against_paper_loop,
    ::testing::Values(pairing_case{false, 10, 1, 1, false}, pairing_case{false, 1, 1, 1, false},
                      pairing_case{true, 1, 1, 1, false}, pairing_case{false, 10, 5, 5, false},
                      pairing_case{false, 10, 1, 1, true}, pairing_case{false, 1, 1, 1, true},
                      pairing_case{true, 1, 3, 3, true}));

TEST(sal_rule, unequal_delays_do_not_shift_the_window_so_the_sum_stays_conserved) {
  sal_parameters p;
  p.tau_causal_ms = p.tau_anticausal_ms = 10.0;
  p.last_spikes = 3;
  p.eta = 0.01;
  reciprocal_pair pair(p, 0, 1, 7);  // immediate application
  const auto spikes = random_spikes(11, 5000, 0.05);
  pair.run(spikes, 1, 5010);
  EXPECT_NE(pair.w01.weight(0), 1.5);
  EXPECT_NEAR(pair.w01.weight(0) + pair.w10.weight(0), 2.0, 1e-12);
}

TEST(sal_rule, a_causal_pair_depresses_and_an_anticausal_pair_potentiates) {
  sal_parameters p;
  p.tau_causal_ms = p.tau_anticausal_ms = 10.0;
  p.eta = 1.0;
  std::vector<weight_type> table{0.0f};
  sal_rule rule(p, 1.0, table);
  const std::uint64_t s = 0;
  rule.on_pre_arrival(10, 0, 1);
  rule.on_post_arrival(15, 0, {&s, 1});  // pre 5 ms before post
  EXPECT_DOUBLE_EQ(rule.weight(0), -std::exp(-0.5));
  rule.on_post_arrival(30, 0, {&s, 1});  // the last pre is still the one at 10 (nearest: k = 1)
  EXPECT_DOUBLE_EQ(rule.weight(0), -std::exp(-0.5) - std::exp(-2.0));
  rule.on_pre_arrival(32, 0, 1);  // post 2 ms before pre
  EXPECT_DOUBLE_EQ(rule.weight(0), -std::exp(-0.5) - std::exp(-2.0) + std::exp(-0.2));
  EXPECT_FLOAT_EQ(table[0], static_cast<float>(rule.weight(0)));
}

TEST(sal_rule, accumulates_only_while_learning_and_normalises_by_the_learning_time) {
  sal_parameters p;
  p.tau_causal_ms = p.tau_anticausal_ms = 10.0;
  p.eta = 0.5;
  p.accumulate = true;
  p.normalization_ms = 10.0;
  std::vector<weight_type> table{0.0f};
  // Learning from 0 to 40 ms and from 60 to 100 ms; applied at 100 ms.
  step_series schedule;
  schedule.set(0, 1.0);
  schedule.set(40, 0.0);
  schedule.set(60, 1.0);
  schedule.set(100, 0.0);
  sal_rule rule(p, 1.0, table, {100});
  rule.set_learning_schedule(&schedule);
  EXPECT_EQ(rule.tick_interval(), 100);
  const std::uint64_t s = 0;
  rule.on_pre_arrival(20, 0, 1);
  rule.on_post_arrival(30, 0, {&s, 1});  // counted: -exp(-1)
  rule.on_pre_arrival(45, 0, 1);
  rule.on_post_arrival(50, 0, {&s, 1});  // not learning: ignored
  rule.on_post_arrival(70, 0, {&s, 1});  // pairs with the pre at 45: -exp(-2.5)
  const double sum = -std::exp(-1.0) - std::exp(-2.5);
  EXPECT_DOUBLE_EQ(rule.pending(0), sum);
  EXPECT_EQ(rule.weight(0), 0.0);
  rule.on_tick(100, {&s, 1});
  EXPECT_DOUBLE_EQ(rule.weight(0), 0.5 * (sum / 80.0 * 10.0));  // 80 ms of learning
  EXPECT_EQ(rule.pending(0), 0.0);
}

TEST(sal_rule, weights_stay_within_their_bounds) {
  sal_parameters p;
  p.eta = 10.0;
  p.bounds = {-0.25, 0.25};
  std::vector<weight_type> table{0.0f};
  sal_rule rule(p, 1.0, table);
  const std::uint64_t s = 0;
  rule.on_pre_arrival(1, 0, 1);
  rule.on_post_arrival(2, 0, {&s, 1});
  EXPECT_EQ(rule.weight(0), -0.25);
}

}  // namespace
}  // namespace spikeq::plasticity
