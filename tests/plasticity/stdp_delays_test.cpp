// STDP through the kernel with heterogeneous delays (rules.md T-STDP-1 "repeat with
// delays"): pre and post neurons fire scripted trains; each synapse's final weight
// must equal the brute-force reference run on the trains as the synapse sees them,
// pre at t_pre + d_ax and post at t_post + d_den (rules.md §1.5), for the NEST
// (all dendritic), Izhikevich (all axonal) and a split convention. The rule
// parameters are those of NEST's test_stdp_synapse_basic.py (multiplicative mu = 1,
// lambda 0.01, alpha 1.1, tau+ 20 ms, tau- 30 ms, Wmax 90), plus the triplet rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <type_traits>

#include "core/kernel.hpp"
#include "plasticity/stdp_pair.hpp"
#include "plasticity/stdp_triplet.hpp"
#include "tests/core/scripted_network.hpp"
#include "tests/plasticity/stdp_reference.hpp"

namespace spikeq::plasticity {
namespace {

namespace ref = reference;

const tick_type t_stop = ref::ms(10000);
constexpr std::uint32_t n_pre = 3, n_post = 2;

// Every pre onto every post with its own delay (0.1 to 5 ms, on a 1 us grid).
std::vector<tick_type> delays() {
  return {ref::ms(1.0), ref::ms(1.5), ref::ms(0.1), ref::ms(4.2), ref::ms(2.0), ref::ms(5.0)};
}

struct trains {
  std::vector<ref::train> pre, post;
};

// 10 Hz Poisson-like trains plus spikes placed so that some synapses see exactly
// coincident pre and post in their own time frame.
trains make_trains(tick_type d_den_split) {
  std::mt19937_64 rng(11);
  trains t;
  for (std::uint32_t i = 0; i < n_pre; ++i)
    t.pre.push_back(ref::uniform_train(rng, 100, t_stop - ref::ms(50)));
  for (std::uint32_t j = 0; j < n_post; ++j)
    t.post.push_back(ref::uniform_train(rng, 100, t_stop - ref::ms(50)));
  // Synapse pre 0 -> post 0 has delay 1 ms: coincident at the synapse for every
  // convention's d_den in {0, d, split} with the post spike moved accordingly.
  for (const tick_type base : {ref::ms(3000), ref::ms(6000)}) {
    ref::add_spike(t.pre[0], base);
    ref::add_spike(t.post[0], base + ref::ms(1.0));   // axonal: t_post = t_pre + d
    ref::add_spike(t.post[0], base + ref::ms(2000));  // spacer
    ref::add_spike(t.pre[0], base + ref::ms(2500));   // dendritic: t_post + d = t_pre
    ref::add_spike(t.post[0], base + ref::ms(2500) - ref::ms(1.0));
    ref::add_spike(t.post[0], base + ref::ms(2700) + ref::ms(1.0) - 2 * d_den_split);  // split
    ref::add_spike(t.pre[0], base + ref::ms(2700));
  }
  return t;
}

template <typename Rule, typename Params>
std::vector<double> run_kernel(const Params& p, const trains& t,
                               const std::vector<tick_type>& dendritic_of_delay, double w0,
                               bool share_post_side = false) {
  network net;
  net.first_global_id = {0, n_pre};
  net.populations.push_back(std::make_unique<testing::scripted_source>(n_pre, t.pre));
  net.populations.push_back(std::make_unique<testing::firing_target>(t.post));
  std::vector<std::tuple<neuron_id_type, neuron_id_type, tick_type, weight_type>> rows;
  const auto d = delays();
  for (neuron_id_type i = 0; i < n_pre; ++i)
    for (neuron_id_type j = 0; j < n_post; ++j)
      rows.emplace_back(i, j, d[i * n_post + j], static_cast<weight_type>(w0));
  projection proj{"p", 0, 1, receptor_type::excitatory, testing::make_table(n_pre, rows), nullptr, {}};
  std::vector<tick_type> dendritic;
  for (std::uint32_t b = 0; b + 1 < proj.synapses.block_first_synapse.size(); ++b)
    for (auto s = proj.synapses.block_first_synapse[b]; s < proj.synapses.block_first_synapse[b + 1]; ++s)
      dendritic.push_back(dendritic_of_delay[static_cast<std::size_t>(
          std::find(d.begin(), d.end(), proj.synapses.block_delay[b]) - d.begin())]);
  proj.post = build_post_index(proj.synapses, n_post, dendritic);
  std::unique_ptr<Rule> rule;
  if constexpr (std::is_same_v<Rule, stdp_pair_rule>) {
    // With one dendritic delay for all synapses, also run the shared postsynaptic side.
    const bool uniform =
        std::adjacent_find(dendritic.begin(), dendritic.end(), std::not_equal_to<>()) == dendritic.end();
    rule = std::make_unique<Rule>(p, ref::ms_per_tick, std::span<weight_type>(proj.synapses.weight),
                                  share_post_side && uniform
                                      ? std::optional(shared_post_side{proj.synapses.target, n_post})
                                      : std::nullopt);
  } else {
    rule = std::make_unique<Rule>(p, ref::ms_per_tick, std::span<weight_type>(proj.synapses.weight));
  }
  const Rule* r = rule.get();
  proj.rule = std::move(rule);
  net.projections.push_back(std::move(proj));
  net.outgoing = {{0}, {}};
  net.incoming_plastic = {{}, {0}};
  kernel k(net, {});
  k.run(t_stop);
  // Back to (pre, post) order for comparison.
  std::vector<double> by_pair(n_pre * n_post);
  const auto& table = net.projections[0].synapses;
  for (neuron_id_type i = 0; i < n_pre; ++i)
    for (auto b = table.source_first_block[i]; b < table.source_first_block[i + 1]; ++b)
      for (auto s = table.block_first_synapse[b]; s < table.block_first_synapse[b + 1]; ++s)
        by_pair[i * n_post + table.target[s]] = r->weights()[s];
  return by_pair;
}

// The trains one synapse sees, shifted into its frame and cut where the kernel stops
// (events reaching the synapse after t_stop - d_den are not processed by t_stop).
std::pair<ref::train, ref::train> synapse_view(const trains& t, neuron_id_type i, neuron_id_type j,
                                               tick_type d, tick_type d_den) {
  const tick_type d_ax = d - d_den;
  const tick_type horizon = t_stop - d_den;
  ref::train pre, post;
  for (const tick_type s : t.pre[i])
    if (s + d_ax <= horizon) pre.push_back(s + d_ax);
  for (const tick_type s : t.post[j])
    if (s + d_den <= horizon) post.push_back(s + d_den);
  return {pre, post};
}

struct convention {
  const char* name;
  std::function<tick_type(tick_type)> d_den;
};

std::vector<convention> conventions() {
  return {{"dendritic (NEST)", [](tick_type d) { return d; }},
          {"axonal (Izhikevich)", [](tick_type) { return tick_type{0}; }},
          {"split, 0.1 ms dendritic", [](tick_type) { return ref::ms(0.1); }}};
}

TEST(stdp_through_the_kernel, pair_rule_matches_the_reference_for_every_delay_convention) {
  stdp_pair_parameters p;
  p.tau_plus_ms = 20;
  p.tau_minus_ms = 30;
  p.dependence.type = weight_dependence::kind::power_law;
  p.dependence.lambda = 0.01;
  p.dependence.alpha = 1.1;
  p.bounds = {0.0, 90.0};
  ref::pair_parameters rp;
  rp.dep = ref::dependence::power_law;
  rp.tau_plus = 20;
  rp.tau_minus = 30;
  rp.lambda = 0.01;
  rp.alpha = 1.1;
  rp.w_min = 0;
  rp.w_max = 90;
  for (const auto& c : conventions()) {
    SCOPED_TRACE(c.name);
    std::vector<tick_type> den;
    for (const tick_type d : delays()) den.push_back(c.d_den(d));
    const trains t = make_trains(ref::ms(0.1));
    const auto w = run_kernel<stdp_pair_rule>(p, t, den, 50.0);
    // The shared postsynaptic side (one dendritic delay) gives identical weights.
    EXPECT_EQ(run_kernel<stdp_pair_rule>(p, t, den, 50.0, true), w);
    for (neuron_id_type i = 0; i < n_pre; ++i)
      for (neuron_id_type j = 0; j < n_post; ++j) {
        const tick_type d = delays()[i * n_post + j];
        const auto [pre, post] = synapse_view(t, i, j, d, c.d_den(d));
        const auto expected = ref::pair_reference(rp, pre, post, 50.0, ref::equal_tick_order::pre_first);
        ASSERT_FALSE(expected.w_after.empty());
        EXPECT_NEAR(w[i * n_post + j], expected.w_after.back(), 1e-12 * 90) << "synapse " << i << "->" << j;
        EXPECT_NE(w[i * n_post + j], 50.0);
      }
  }
}

TEST(stdp_through_the_kernel, triplet_rule_matches_the_reference_for_every_delay_convention) {
  stdp_triplet_parameters p;
  ASSERT_TRUE(apply_triplet_parameter_set("visual_cortex_all_to_all", p));
  p.bounds = {0.0, 10.0};
  ref::triplet_parameters rp;
  rp.tau_plus = p.tau_plus_ms;
  rp.tau_x = p.tau_x_ms;
  rp.tau_minus = p.tau_minus_ms;
  rp.tau_y = p.tau_y_ms;
  rp.A2_plus = p.A2_plus;
  rp.A3_plus = p.A3_plus;
  rp.A2_minus = p.A2_minus;
  rp.A3_minus = p.A3_minus;
  rp.w_min = 0;
  rp.w_max = 10;
  for (const auto& c : conventions()) {
    SCOPED_TRACE(c.name);
    std::vector<tick_type> den;
    for (const tick_type d : delays()) den.push_back(c.d_den(d));
    const trains t = make_trains(ref::ms(0.1));
    const auto w = run_kernel<stdp_triplet_rule>(p, t, den, 1.0);
    for (neuron_id_type i = 0; i < n_pre; ++i)
      for (neuron_id_type j = 0; j < n_post; ++j) {
        const tick_type d = delays()[i * n_post + j];
        const auto [pre, post] = synapse_view(t, i, j, d, c.d_den(d));
        const auto expected = ref::triplet_reference(rp, pre, post, 1.0, ref::equal_tick_order::pre_first);
        EXPECT_NEAR(w[i * n_post + j], expected.w_after.back(), 1e-12 * 10) << "synapse " << i << "->" << j;
      }
  }
}

}  // namespace
}  // namespace spikeq::plasticity
