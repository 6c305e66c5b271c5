// Single spike pairs: the STDP window (rules.md §1.1; Song, Miller & Abbott 2000;
// Bi & Poo 1998) for the pair and triplet rules, and NEST's documented example for
// the nearest schemes (rules.md §1.3; NEST stdp_nn_* docs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iomanip>
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
// The STDP window of a single pair (rules.md §1.1; Song, Miller & Abbott 2000).

constexpr double window_A_plus = 0.01, window_A_minus = 0.012, window_tau_plus = 16.8,
                 window_tau_minus = 33.7;

double window(double dt_ms) {
  if (dt_ms > 0) return window_A_plus * std::exp(-dt_ms / window_tau_plus);
  if (dt_ms < 0) return -window_A_minus * std::exp(dt_ms / window_tau_minus);
  return 0.0;
}

// Δw of one pre at t_pre and one post at t_pre + dt, fed in time order (equal ticks
// in `order`), additive, starting from w = 0 within [-1, 1] so that Δw = w exactly.
double single_pair_dw(pairing_scheme scheme, int dt_ms, equal_tick_order order) {
  stdp_pair_parameters p;
  p.tau_plus_ms = window_tau_plus;
  p.tau_minus_ms = window_tau_minus;
  p.pairing = scheme;
  p.dependence.type = weight_dependence::kind::additive;
  p.dependence.A_plus = window_A_plus;
  p.dependence.A_minus = window_A_minus;
  p.bounds = {-1.0, 1.0};
  std::vector<weight_type> table{0.0f};
  stdp_pair_rule rule(p, ms_per_tick, table);
  const tick_type t_pre = ref::ms(200.0), t_post = t_pre + ref::ms(dt_ms);
  const std::uint64_t synapse = 0;
  const bool pre_first = t_pre < t_post || (t_pre == t_post && order == equal_tick_order::pre_first);
  if (pre_first) {
    rule.on_pre_arrival(t_pre, 0, 1);
    rule.on_post_arrival(t_post, 0, {&synapse, 1});
  } else {
    rule.on_post_arrival(t_post, 0, {&synapse, 1});
    rule.on_pre_arrival(t_pre, 0, 1);
  }
  return rule.weights()[0];
}

TEST(stdp_window, single_pair_follows_the_exponential_window) {
  for (const auto scheme : {pairing_scheme::all_to_all, pairing_scheme::nearest_symmetric,
                            pairing_scheme::nearest_pre_centered, pairing_scheme::nearest_restricted}) {
    SCOPED_TRACE(name_of(scheme));
    for (int dt = -100; dt <= 100; ++dt) {
      for (const auto order : {equal_tick_order::pre_first, equal_tick_order::post_first}) {
        const double dw = single_pair_dw(scheme, dt, order);
        const double want = window(dt);
        if (dt == 0) {
          EXPECT_EQ(dw, 0.0) << "equal-time pair must contribute nothing (rules.md §0)";
        } else {
          EXPECT_TRUE(close(dw, want, 1e-12, 0.0)) << "dt " << dt << " ms: " << dw << " vs " << want;
        }
      }
    }
  }
}

// The triplet rule reduces to the pair window for a single pair: o2 = r2 = 0
// (rules.md §1.4), so Δw = A2+ exp(-dt/tau+) or -A2- exp(dt/tau-).
TEST(stdp_window, triplet_single_pair_is_the_pair_window) {
  stdp_triplet_parameters p;
  ASSERT_TRUE(apply_triplet_parameter_set("hippocampal_all_to_all", p));
  p.bounds = {-1.0, 1.0};
  for (int dt = -100; dt <= 100; ++dt) {
    std::vector<weight_type> table{0.0f};
    stdp_triplet_rule rule(p, ms_per_tick, table);
    const tick_type t_pre = ref::ms(200.0), t_post = t_pre + ref::ms(dt);
    const std::uint64_t synapse = 0;
    if (t_pre <= t_post) {
      rule.on_pre_arrival(t_pre, 0, 1);
      rule.on_post_arrival(t_post, 0, {&synapse, 1});
    } else {
      rule.on_post_arrival(t_post, 0, {&synapse, 1});
      rule.on_pre_arrival(t_pre, 0, 1);
    }
    const double want = dt > 0   ? p.A2_plus * std::exp(-dt / p.tau_plus_ms)
                        : dt < 0 ? -p.A2_minus * std::exp(dt / p.tau_minus_ms)
                                 : 0.0;
    if (dt == 0) {
      EXPECT_EQ(rule.weights()[0], 0.0);
    } else {
      EXPECT_TRUE(close(rule.weights()[0], want, 1e-12, 0.0))
          << "dt " << dt << ": " << rule.weights()[0] << " vs " << want;
    }
  }
}

// ---------------------------------------------------------------------------
// NEST's documented example for the nearest schemes (rules.md §1.3; NEST
// stdp_nn_*_synapse docs): pre = {10, 20} ms, post = {20} ms gives the LTP pair
// 20 -> 10 (the coincident pair is dropped and the next-latest pre is used).

// One earlier spike at 10 ms (pre when `earlier_is_pre`, else post), then a pre and a
// post both at 20 ms, fed in `order`; returns the weight change.
double nest_example_dw(pairing_scheme scheme, equal_tick_order order, bool earlier_is_pre) {
  stdp_pair_parameters p;
  p.tau_plus_ms = window_tau_plus;
  p.tau_minus_ms = window_tau_minus;
  p.pairing = scheme;
  p.dependence.A_plus = window_A_plus;
  p.dependence.A_minus = window_A_minus;
  p.bounds = {-1.0, 1.0};
  std::vector<weight_type> table{0.0f};
  stdp_pair_rule rule(p, ms_per_tick, table);
  const std::uint64_t synapse = 0;
  if (earlier_is_pre) {
    rule.on_pre_arrival(ref::ms(10), 0, 1);
  } else {
    rule.on_post_arrival(ref::ms(10), 0, {&synapse, 1});
  }
  if (order == equal_tick_order::pre_first) {
    rule.on_pre_arrival(ref::ms(20), 0, 1);
    rule.on_post_arrival(ref::ms(20), 0, {&synapse, 1});
  } else {
    rule.on_post_arrival(ref::ms(20), 0, {&synapse, 1});
    rule.on_pre_arrival(ref::ms(20), 0, 1);
  }
  return rule.weights()[0];
}

TEST(stdp_nearest, nest_example_coincident_pair_falls_back_to_the_earlier_partner) {
  for (const auto scheme : {pairing_scheme::all_to_all, pairing_scheme::nearest_symmetric,
                            pairing_scheme::nearest_pre_centered, pairing_scheme::nearest_restricted}) {
    for (const auto order : {equal_tick_order::pre_first, equal_tick_order::post_first}) {
      SCOPED_TRACE(std::string(name_of(scheme)) +
                   (order == equal_tick_order::pre_first ? " pre first" : " post first"));
      // NEST's example: pre {10, 20}, post {20} gives only the LTP pair 20 -> 10.
      const double ltp = nest_example_dw(scheme, order, true);
      EXPECT_TRUE(close(ltp, window(10.0), 1e-12, 0.0)) << ltp;
      // The mirror image: post {10, 20}, pre {20} gives only the LTD pair 20 <- 10.
      const double ltd = nest_example_dw(scheme, order, false);
      EXPECT_TRUE(close(ltd, window(-10.0), 1e-12, 0.0)) << ltd;
    }
  }
}

}  // namespace
}  // namespace spikeq::plasticity
