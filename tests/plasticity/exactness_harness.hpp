// Shared by the STDP exactness tests: a small projection of several synapses with
// spike trains, feeding its events to a rule in time order, and comparing every
// weight with a brute-force reference (stdp_reference.hpp).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/plasticity_rule.hpp"
#include "plasticity/stdp_pair.hpp"
#include "tests/plasticity/stdp_reference.hpp"

namespace spikeq::plasticity::exactness {

namespace ref = reference;
using ref::equal_tick_order;
using ref::train;

constexpr double ms_per_tick = ref::ms_per_tick;

inline bool close(double a, double b, double rel, double abs_floor) {
  const double d = std::abs(a - b);
  return d <= rel * std::max(std::abs(a), std::abs(b)) || d <= abs_floor;
}

// ---------------------------------------------------------------------------
// A small projection with several synapses sharing presynaptic sources and
// postsynaptic targets, so that the rules are driven through blocks [first, last)
// and multi-synapse post spans:
//   synapse 0: source A -> target X     synapse 2: source B -> target Y
//   synapse 1: source B -> target X     synapse 3: source C -> target Z

struct projection_layout {
  std::vector<train> sources, targets;
  std::vector<std::uint64_t> source_first, source_last;  // delay block of each source
  std::vector<std::vector<std::uint64_t>> target_synapses;
  std::vector<int> source_of, target_of;  // per synapse
  std::size_t synapses() const { return source_of.size(); }
  const train& pre(std::size_t s) const { return sources[source_of[s]]; }
  const train& post(std::size_t s) const { return targets[target_of[s]]; }
};

// 200 pre and 200 post spikes per train, uniform over 20 s (Poisson at 10 Hz
// conditioned on the count), plus per synapse hand-picked spikes: 10 exactly
// coincident pre/post pairs (half of them with an extra pre 3 ms and post 7 ms
// earlier, so that the next-latest partner is close), 5 pre-then-post and 5
// post-then-pre pairs one tick apart.
inline projection_layout make_layout(std::uint64_t seed) {
  projection_layout L;
  std::mt19937_64 rng(seed);
  const tick_type t_end = ref::ms(20000.0);
  for (int i = 0; i < 3; ++i) L.sources.push_back(ref::uniform_train(rng, 200, t_end));
  for (int i = 0; i < 3; ++i) L.targets.push_back(ref::uniform_train(rng, 200, t_end));
  L.source_of = {0, 1, 1, 2};
  L.target_of = {0, 0, 1, 2};
  L.source_first = {0, 1, 3};
  L.source_last = {1, 3, 4};
  L.target_synapses = {{0, 1}, {2}, {3}};
  for (std::size_t s = 0; s < L.synapses(); ++s) {
    train& pre = L.sources[L.source_of[s]];
    train& post = L.targets[L.target_of[s]];
    for (int j = 0; j < 10; ++j) {
      const tick_type T = ref::ms(1000.0 + 1900.0 * j + 211.0 * static_cast<double>(s)) + 123;
      ref::add_spike(pre, T);
      ref::add_spike(post, T);
      if (j % 2 == 0) {
        ref::add_spike(pre, T - ref::ms(3.0));
        ref::add_spike(post, T - ref::ms(7.0));
      }
      const tick_type U = T + ref::ms(450.0);
      if (j < 5) {
        ref::add_spike(pre, U);
        ref::add_spike(post, U + 1);
      } else {
        ref::add_spike(post, U);
        ref::add_spike(pre, U + 1);
      }
    }
  }
  return L;
}

struct global_event {
  tick_type t;
  bool is_pre;
  int id;  // source or target index
};

inline std::vector<global_event> global_events(const projection_layout& L, equal_tick_order order) {
  std::vector<global_event> e;
  for (std::size_t i = 0; i < L.sources.size(); ++i)
    for (const tick_type t : L.sources[i]) e.push_back({t, true, static_cast<int>(i)});
  for (std::size_t i = 0; i < L.targets.size(); ++i)
    for (const tick_type t : L.targets[i]) e.push_back({t, false, static_cast<int>(i)});
  std::stable_sort(e.begin(), e.end(), [order](const global_event& a, const global_event& b) {
    if (a.t != b.t) return a.t < b.t;
    const int ra = ref::rank(a.is_pre, order), rb = ref::rank(b.is_pre, order);
    if (ra != rb) return ra < rb;
    return a.id < b.id;
  });
  return e;
}

// Feeds every event to `rule` in time order (equal-tick pre/post in `order`) and
// compares the weight of every touched synapse after every event with the
// reference's weight after the same event of that synapse.
inline ::testing::AssertionResult replay_and_compare(plasticity_rule& rule, const projection_layout& L,
                                                     equal_tick_order order,
                                                     const std::vector<ref::result>& expected, double rel_tol,
                                                     double abs_floor) {
  std::vector<std::size_t> next(L.synapses(), 0);
  std::size_t mismatches = 0, checked = 0;
  double worst = 0.0;
  std::ostringstream first;
  auto check = [&](std::uint64_t s, const global_event& e) {
    const std::size_t k = next[s]++;
    if (k >= expected[s].w_after.size()) {
      if (mismatches++ == 0) first << "synapse " << s << " got more events than the reference";
      return;
    }
    const double want = expected[s].w_after[k];
    const double got = rule.weights()[s];
    ++checked;
    const double rel = std::abs(got - want) / std::max(std::abs(want), 1e-300);
    worst = std::max(worst, rel);
    if (!close(got, want, rel_tol, abs_floor) && mismatches++ == 0) {
      first.precision(17);
      first << "synapse " << s << ", event " << k << " (" << (e.is_pre ? "pre" : "post") << " at tick " << e.t
            << "): rule " << got << ", reference " << want;
    }
  };
  for (const global_event& e : global_events(L, order)) {
    if (e.is_pre) {
      rule.on_pre_arrival(e.t, L.source_first[e.id], L.source_last[e.id]);
      for (std::uint64_t s = L.source_first[e.id]; s < L.source_last[e.id]; ++s) check(s, e);
    } else {
      rule.on_post_arrival(e.t, static_cast<neuron_id_type>(e.id), L.target_synapses[e.id]);
      for (const std::uint64_t s : L.target_synapses[e.id]) check(s, e);
    }
  }
  for (std::size_t s = 0; s < L.synapses(); ++s) {
    if (next[s] != expected[s].w_after.size() && mismatches++ == 0)
      first << "synapse " << s << " missed events";
    const double want = expected[s].w_after.empty() ? std::nan("") : expected[s].w_after.back();
    if (!close(rule.weights()[s], want, rel_tol, abs_floor) && mismatches++ == 0)
      first << "final weight of synapse " << s << " differs";
  }
  if (mismatches == 0)
    return ::testing::AssertionSuccess() << checked << " weights checked, worst rel " << worst;
  return ::testing::AssertionFailure() << mismatches << " mismatches of " << checked << " checked (worst rel "
                                       << worst << "); first: " << first.str();
}

inline std::vector<double> final_weights(plasticity_rule& rule, const projection_layout& L,
                                         equal_tick_order order) {
  for (const global_event& e : global_events(L, order)) {
    if (e.is_pre)
      rule.on_pre_arrival(e.t, L.source_first[e.id], L.source_last[e.id]);
    else
      rule.on_post_arrival(e.t, static_cast<neuron_id_type>(e.id), L.target_synapses[e.id]);
  }
  return {rule.weights().begin(), rule.weights().end()};
}

inline int total_clip_hits(const std::vector<ref::result>& r) {
  int n = 0;
  for (const auto& x : r) n += x.clip_hits;
  return n;
}

inline const char* name_of(pairing_scheme s) {
  switch (s) {
    case pairing_scheme::all_to_all:
      return "all_to_all";
    case pairing_scheme::nearest_symmetric:
      return "nearest_symmetric";
    case pairing_scheme::nearest_pre_centered:
      return "nearest_pre_centered";
    case pairing_scheme::nearest_restricted:
      return "nearest_restricted";
  }
  return "?";
}

// Weights from feeding equal-tick pre/post pre-first (`a`) and post-first (`b`) agree
// to 1e-12 relative.
inline ::testing::AssertionResult same_weights(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    return ::testing::AssertionFailure() << a.size() << " vs " << b.size() << " weights";
  for (std::size_t s = 0; s < a.size(); ++s)
    if (!close(a[s], b[s], 1e-12, 1e-15))
      return ::testing::AssertionFailure()
             << "synapse " << s << ": pre first " << a[s] << ", post first " << b[s];
  return ::testing::AssertionSuccess();
}

}  // namespace spikeq::plasticity::exactness
