// Triplet STDP against explicit triplet sums (rules.md §1.4, §1.6 T-STDP-1), and the
// Sjostrom et al. 2001 pairing-frequency protocol (T-STDP-4; Pfister & Gerstner 2006).
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
// Triplet STDP.

struct triplet_case {
  std::string set;     // apply_triplet_parameter_set name
  bool force_nearest;  // run the set with nearest-spike interaction
  bool tight = false;  // bounds [0.9, 1.1] from w0 = 1 instead of [0, 10] from w0 = 5
};

ref::triplet_parameters to_ref(const stdp_triplet_parameters& p) {
  ref::triplet_parameters r;
  r.tau_plus = p.tau_plus_ms;
  r.tau_x = p.tau_x_ms;
  r.tau_minus = p.tau_minus_ms;
  r.tau_y = p.tau_y_ms;
  r.A2_plus = p.A2_plus;
  r.A3_plus = p.A3_plus;
  r.A2_minus = p.A2_minus;
  r.A3_minus = p.A3_minus;
  r.nearest = p.nearest;
  r.w_min = p.bounds.w_min;
  r.w_max = p.bounds.w_max;
  return r;
}

// Wide bounds [0, 10] from w0 = 5 are never reached over the 20 s trains (checked
// below on the reference); tight bounds [0.9, 1.1] from w0 = 1 are hit often.
double triplet_w0(const triplet_case& c) { return c.tight ? 1.0 : 5.0; }

stdp_triplet_parameters make_triplet_parameters(const triplet_case& c) {
  stdp_triplet_parameters p;
  EXPECT_TRUE(apply_triplet_parameter_set(c.set, p)) << c.set;
  if (c.force_nearest) p.nearest = true;
  p.bounds = c.tight ? weight_bounds{0.9, 1.1} : weight_bounds{0.0, 10.0};
  return p;
}

class triplet_exactness : public ::testing::TestWithParam<triplet_case> {};

void PrintTo(const triplet_case& c, std::ostream* os) {
  *os << c.set << (c.force_nearest ? " as nearest" : "") << (c.tight ? ", tight bounds" : "");
}

// rules.md T-STDP-1 for the triplet rule: explicit sums of the triplet kernels
// (Pfister & Gerstner 2006, eqs. of rules.md §1.4) after every event, to 1e-12 relative.
TEST_P(triplet_exactness, every_event_matches_explicit_triplet_sums) {
  const triplet_case c = GetParam();
  const projection_layout L = make_layout(977);
  const stdp_triplet_parameters p = make_triplet_parameters(c);
  const ref::triplet_parameters rp = to_ref(p);
  for (const equal_tick_order order : {equal_tick_order::pre_first, equal_tick_order::post_first}) {
    SCOPED_TRACE(order == equal_tick_order::pre_first ? "pre fed first at equal ticks"
                                                      : "post fed first at equal ticks");
    std::vector<ref::result> expected;
    for (std::size_t s = 0; s < L.synapses(); ++s)
      expected.push_back(ref::triplet_reference(rp, L.pre(s), L.post(s), triplet_w0(c), order));
    if (c.tight) {
      EXPECT_GT(total_clip_hits(expected), 20);
    } else {
      EXPECT_EQ(total_clip_hits(expected), 0);
    }
    std::vector<weight_type> table(L.synapses(), static_cast<weight_type>(triplet_w0(c)));
    stdp_triplet_rule rule(p, ms_per_tick, table);
    EXPECT_TRUE(replay_and_compare(rule, L, order, expected, 1e-12, 1e-15));
  }
}

// rules.md §0: equal-tick pre/post never interact; the triplet updates are additive,
// so the feeding order does not matter unless clipping comes between them (then the
// kernel's fixed order decides, as for pair rules).
class triplet_order : public ::testing::TestWithParam<triplet_case> {};

TEST_P(triplet_order, equal_tick_feeding_order_does_not_matter_when_unclipped) {
  const triplet_case c = GetParam();
  const projection_layout L = make_layout(977);
  const stdp_triplet_parameters p = make_triplet_parameters(c);
  std::vector<weight_type> t1(L.synapses(), static_cast<weight_type>(triplet_w0(c))), t2 = t1;
  stdp_triplet_rule a(p, ms_per_tick, t1), b(p, ms_per_tick, t2);
  EXPECT_TRUE(same_weights(final_weights(a, L, equal_tick_order::pre_first),
                           final_weights(b, L, equal_tick_order::post_first)));
}

std::vector<triplet_case> all_triplet_cases() {
  std::vector<triplet_case> v;
  for (const char* const name : triplet_parameter_set_names()) v.push_back({name, false});
  // The all-to-all sets run with nearest-spike interaction as well.
  v.push_back({"visual_cortex_all_to_all", true});
  v.push_back({"hippocampal_all_to_all", true});
  // Clipping matters.
  v.push_back({"visual_cortex_all_to_all", false, true});
  v.push_back({"hippocampal_nearest", false, true});
  return v;
}

INSTANTIATE_TEST_SUITE_P(stdp_triplet, triplet_exactness, ::testing::ValuesIn(all_triplet_cases()),
                         [](const ::testing::TestParamInfo<triplet_case>& info) {
                           return info.param.set + (info.param.force_nearest ? "_as_nearest" : "") +
                                  (info.param.tight ? "_tight_bounds" : "");
                         });

std::vector<triplet_case> unclipped_triplet_cases() {
  std::vector<triplet_case> v;
  for (const auto& c : all_triplet_cases())
    if (!c.tight) v.push_back(c);
  return v;
}

INSTANTIATE_TEST_SUITE_P(stdp_triplet, triplet_order, ::testing::ValuesIn(unclipped_triplet_cases()),
                         [](const ::testing::TestParamInfo<triplet_case>& info) {
                           return info.param.set + (info.param.force_nearest ? "_as_nearest" : "") +
                                  (info.param.tight ? "_tight_bounds" : "");
                         });

// ---------------------------------------------------------------------------
// rules.md T-STDP-4: Sjostrom et al. 2001 pairing protocol on the minimal
// visual-cortex all-to-all triplet model (Pfister & Gerstner 2006).

struct pairing_protocol_result {
  double rule_w;                  // final weight of the rule
  double ltp, ltd;                // explicit sums: Σ_post A3+ r1 o2 and Σ_pre A2- o1
  double closed_ltp, closed_ltd;  // the same by geometric series
};

constexpr int pairings = 60;

pairing_protocol_result run_pairing_protocol(double frequency_hz, int dt_ms) {
  stdp_triplet_parameters p;
  EXPECT_TRUE(apply_triplet_parameter_set("visual_cortex_all_to_all_minimal", p));
  p.bounds = {0.0, 100.0};
  EXPECT_EQ(p.A2_plus, 0.0);
  EXPECT_EQ(p.A3_minus, 0.0);
  const double period_ms = 1000.0 / frequency_hz;
  const double start_ms = 100.0;
  train pre, post;
  for (int k = 0; k < pairings; ++k) {
    pre.push_back(ref::ms(start_ms + k * period_ms));
    post.push_back(ref::ms(start_ms + k * period_ms + dt_ms));
  }

  pairing_protocol_result r{};
  // The rule.
  std::vector<weight_type> table{1.0f};
  stdp_triplet_rule rule(p, ms_per_tick, table);
  const std::uint64_t synapse = 0;
  for (const auto& e : ref::merge(pre, post, equal_tick_order::pre_first)) {
    if (e.is_pre)
      rule.on_pre_arrival(e.t, 0, 1);
    else
      rule.on_post_arrival(e.t, 0, {&synapse, 1});
  }
  r.rule_w = rule.weights()[0];

  // Explicit sums over the spike times.
  for (const tick_type q : post) {
    double r1 = 0.0, o2 = 0.0;
    for (const tick_type s : pre)
      if (s < q) r1 += ref::kernel(q, s, p.tau_plus_ms);
    for (const tick_type s : post)
      if (s < q) o2 += ref::kernel(q, s, p.tau_y_ms);
    r.ltp += p.A3_plus * r1 * o2;
  }
  for (const tick_type s : pre) {
    double o1 = 0.0;
    for (const tick_type q : post)
      if (q < s) o1 += ref::kernel(s, q, p.tau_minus_ms);
    r.ltd += p.A2_minus * o1;
  }

  // Closed form for the periodic trains (|dt| < period): with a = e^{-T/tau+},
  // b = e^{-T/tau_y}, c = e^{-T/tau-}, G(x, m0, k) = Σ_{m=m0..k} x^m:
  //  dt > 0: r1(k) = e^{-dt/tau+} G(a,0,k), o2(k) = G(b,1,k), o1(k) = e^{dt/tau-} G(c,1,k)
  //  dt < 0, d = |dt|: r1(k) = e^{d/tau+} G(a,1,k), o2(k) = G(b,1,k), o1(k) = e^{-d/tau-} G(c,0,k)
  auto G = [](double x, int m0, int k) {
    if (k < m0) return 0.0;
    return (std::pow(x, m0) - std::pow(x, k + 1)) / (1.0 - x);
  };
  const double T = period_ms, d = std::abs(static_cast<double>(dt_ms));
  const double a = std::exp(-T / p.tau_plus_ms), b = std::exp(-T / p.tau_y_ms),
               c = std::exp(-T / p.tau_minus_ms);
  for (int k = 0; k < pairings; ++k) {
    double r1, o2 = G(b, 1, k), o1;
    if (dt_ms > 0) {
      r1 = std::exp(-d / p.tau_plus_ms) * G(a, 0, k);
      o1 = std::exp(d / p.tau_minus_ms) * G(c, 1, k);
    } else {
      r1 = std::exp(d / p.tau_plus_ms) * G(a, 1, k);
      o1 = std::exp(-d / p.tau_minus_ms) * G(c, 0, k);
    }
    r.closed_ltp += p.A3_plus * r1 * o2;
    r.closed_ltd += p.A2_minus * o1;
  }
  return r;
}

TEST(triplet_frequency_dependence, sjostrom_protocol_matches_explicit_kernel_sums) {
  const std::vector<double> frequencies{0.1, 10, 20, 40, 50};
  std::vector<double> dw_plus, dw_minus;
  for (const int dt : {+10, -10}) {
    for (const double f : frequencies) {
      SCOPED_TRACE("dt " + std::to_string(dt) + " ms at " + std::to_string(f) + " Hz");
      const auto r = run_pairing_protocol(f, dt);
      // The two independent computations of the reference agree.
      EXPECT_TRUE(close(r.ltp, r.closed_ltp, 1e-12, 1e-300)) << r.ltp << " vs " << r.closed_ltp;
      EXPECT_TRUE(close(r.ltd, r.closed_ltd, 1e-12, 1e-300)) << r.ltd << " vs " << r.closed_ltd;
      // The rule's final weight equals 1 + Σ LTP - Σ LTD (no clipping within [0, 100]).
      const double want_w = 1.0 + r.ltp - r.ltd;
      EXPECT_TRUE(close(r.rule_w, want_w, 1e-12, 0.0)) << r.rule_w << " vs " << want_w;
      const double dw = r.rule_w - 1.0;
      EXPECT_NEAR(dw, r.ltp - r.ltd, 1e-12);
      (dt > 0 ? dw_plus : dw_minus).push_back(dw);
    }
  }
  // Qualitative result (rules.md T-STDP-4; Pfister & Gerstner 2006, Fig. 6 / Sjostrom 2001):
  // at 0.1 Hz, post-before-pre depresses and pre-before-post gives no more than that
  // (in fact no measurable change: the only LTP term is ~1e-35);
  EXPECT_LT(dw_minus[0], 0.0);
  EXPECT_GE(dw_plus[0], 0.0);
  EXPECT_LT(dw_plus[0], std::abs(dw_minus[0]));
  // at high frequency both orders potentiate, and more so the higher the frequency.
  // rules.md says "at >= 20-40 Hz": with this parameter set and 60 pairings,
  // post-before-pre at 20 Hz still depresses (dw = -0.334, the same in the rule and
  // in both independent sums), so both orders are required to potentiate from 40 Hz on.
  EXPECT_GT(dw_plus[2], 0.0);  // 20 Hz, +10 ms
  EXPECT_GT(dw_plus[3], 0.0);  // 40 Hz
  EXPECT_GT(dw_plus[4], 0.0);  // 50 Hz
  EXPECT_GT(dw_minus[3], 0.0) << "40 Hz, -10 ms";
  EXPECT_GT(dw_minus[4], 0.0) << "50 Hz, -10 ms";
  EXPECT_LT(dw_plus[2], dw_plus[3]);
  EXPECT_LT(dw_plus[3], dw_plus[4]);
  EXPECT_LT(dw_minus[2], dw_minus[3]);
  EXPECT_LT(dw_minus[3], dw_minus[4]);
  for (std::size_t i = 0; i < frequencies.size(); ++i)
    std::printf("T-STDP-4 %5.1f Hz: dw(+10 ms) = %+.6e, dw(-10 ms) = %+.6e\n", frequencies[i], dw_plus[i],
                dw_minus[i]);
}

}  // namespace
}  // namespace spikeq::plasticity
