// Izhikevich's spnet STDP against a literal re-implementation of spnet.cpp's
// bookkeeping (rules.md §6).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iomanip>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "plasticity/spnet_stdp.hpp"
#include "plasticity/stdp_pair.hpp"
#include "plasticity/stdp_triplet.hpp"
#include "tests/plasticity/exactness_harness.hpp"
#include "tests/plasticity/spnet_reference.hpp"
#include "tests/plasticity/stdp_reference.hpp"

namespace spikeq::plasticity {
namespace {

namespace ref = reference;
using ref::equal_tick_order;
using ref::train;
using namespace exactness;

// ---------------------------------------------------------------------------
// spnet (rules.md §6): the rule on a 1 us tick grid reproduces a literal per-ms
// transcription of spnet.cpp's STDP on random trains on the 1 ms grid.

TEST(spnet_stdp, matches_literal_spnet_loop) {
  constexpr int seconds = 5;
  ref::spnet_network net;
  std::mt19937_64 rng(4242);
  const int n_pre = 6, n_post = 2;
  net.neurons = n_pre + n_post;
  net.firing_steps.resize(net.neurons);
  std::bernoulli_distribution pre_fires(0.03), post_fires(0.02);  // 30 Hz and 20 Hz per ms
  for (int t = 0; t < seconds * 1000; ++t) {
    for (int i = 0; i < n_pre; ++i)
      if (pre_fires(rng)) net.firing_steps[i].push_back(t);
    for (int i = n_pre; i < net.neurons; ++i)
      if (post_fires(rng)) net.firing_steps[i].push_back(t);
  }
  // Synapses ordered by (pre, delay) so that each presynaptic spike reaches them in
  // delay blocks, as the kernel delivers them.
  std::uniform_int_distribution<int> delay(1, 20);
  for (int j = 0; j < n_pre; ++j) {
    std::vector<ref::spnet_synapse> out;
    for (int i = n_pre; i < net.neurons; ++i) out.push_back({j, i, delay(rng)});
    if (j == 0) out.push_back({j, n_pre, out[0].delay_ms});  // two synapses in one delay block
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.delay_ms < y.delay_ms; });
    net.synapses.insert(net.synapses.end(), out.begin(), out.end());
  }
  // Hand-picked: a post spike exactly at an arrival (counts as causal in spnet), one
  // a step before and one a step after, and a presynaptic burst with spikes in flight.
  {
    const auto& s0 = net.synapses[0];
    auto& pre0 = net.firing_steps[s0.pre];
    auto& post0 = net.firing_steps[s0.post];
    for (const int tf : {1500, 2300, 3100}) pre0.push_back(tf);
    for (const int tf : {3500, 3502, 3504, 3506}) pre0.push_back(tf);
    post0.push_back(1500 + s0.delay_ms);
    post0.push_back(2300 + s0.delay_ms - 1);
    post0.push_back(3100 + s0.delay_ms + 1);
    post0.push_back(3503 + s0.delay_ms);
    for (auto* v : {&pre0, &post0}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
  }
  const ref::spnet_trajectory want = ref::spnet_literal(net, seconds);

  spnet_stdp_parameters p;  // spnet's constants are the defaults
  std::vector<weight_type> table(net.synapses.size(), static_cast<weight_type>(net.initial_weight));
  spnet_stdp_rule rule(p, ms_per_tick, table);
  ASSERT_EQ(rule.tick_interval(), ref::ms(1000.0));

  // Event frame (spnet_stdp.hpp): a spike fired at step t_f through delay d is
  // delivered in step t_f + d - 1, i.e. reaches the synapse at t_f + d ms; a post spike
  // detected in step t is at t ms. At one ms: arrivals, then the once-per-second
  // update, then post spikes (core/plasticity_rule.hpp ordering).
  std::vector<std::vector<char>> fires(net.neurons, std::vector<char>(seconds * 1000 + 1, 0));
  for (int i = 0; i < net.neurons; ++i)
    for (const int t : net.firing_steps[i]) fires[i][t] = 1;
  std::vector<std::vector<std::uint64_t>> into(net.neurons);
  for (std::size_t k = 0; k < net.synapses.size(); ++k) into[net.synapses[k].post].push_back(k);

  std::size_t mismatches = 0;
  std::ostringstream first;
  first.precision(17);
  auto compare = [&](int t_ms, const std::vector<double>& sd, const std::vector<double>& w) {
    for (std::size_t k = 0; k < net.synapses.size(); ++k) {
      const bool ok_sd = close(rule.derivative(k), sd[k], 1e-9, 1e-12);
      const bool ok_w = close(rule.weights()[k], w[k], 1e-9, 1e-12);
      if ((!ok_sd || !ok_w) && mismatches++ == 0)
        first << "at " << t_ms << " ms, synapse " << k << ": sd " << rule.derivative(k) << " vs " << sd[k]
              << ", w " << rule.weights()[k] << " vs " << w[k];
    }
  };
  std::vector<std::uint64_t> all_synapses(net.synapses.size());
  std::iota(all_synapses.begin(), all_synapses.end(), std::uint64_t{0});
  for (int t = 0; t <= seconds * 1000; ++t) {
    const tick_type now = ref::ms(t);
    for (std::size_t k = 0; k < net.synapses.size();) {
      // one delay block: consecutive synapses with the same pre and delay
      std::size_t end = k + 1;
      while (end < net.synapses.size() && net.synapses[end].pre == net.synapses[k].pre &&
             net.synapses[end].delay_ms == net.synapses[k].delay_ms)
        ++end;
      const int t_fired = t - net.synapses[k].delay_ms;
      if (t_fired >= 0 && fires[net.synapses[k].pre][t_fired]) rule.on_pre_arrival(now, k, end);
      k = end;
    }
    if (t > 0 && now % rule.tick_interval() == 0) rule.on_tick(now, all_synapses);
    if (t < seconds * 1000) {
      for (int i = 0; i < net.neurons; ++i)
        if (fires[i][t] && !into[i].empty())
          rule.on_post_arrival(now, static_cast<neuron_id_type>(i), into[i]);
      compare(t, want.sd[t], want.w[t]);
    }
  }
  compare(seconds * 1000, want.sd.back(), want.w.back());
  EXPECT_EQ(mismatches, 0u) << first.str();
  // The run did exercise the rule.
  double total_sd = 0.0;
  for (const double v : want.sd[seconds * 1000 - 1]) total_sd += std::abs(v);
  EXPECT_GT(total_sd, 0.0);
}

}  // namespace
}  // namespace spikeq::plasticity
