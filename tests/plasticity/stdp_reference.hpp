// Brute-force references for the pair and triplet STDP rules, written
// independently of plasticity/: no traces, no lazy decay. Every quantity is an
// explicit loop over the spikes of one synapse, and every kernel is
// exp(-|dt| / tau) computed directly from the two spike times in ms.
//
// Semantics (rules.md §0, §1.1-1.4; Morrison, Diesmann & Gerstner 2008, Fig. 7;
// Pfister & Gerstner 2006; NEST stdp_synapse / stdp_nn_*_synapse /
// stdp_triplet_synapse):
//  * one synapse sees its pre and post spikes merged in time order; the weight is
//    updated at every event and clipped to [w_min, w_max] after every update;
//  * a spike only pairs with partners strictly earlier than itself, so equal-time
//    pre/post pairs contribute nothing (the spike then pairs with the next-latest
//    partner, NEST's documented policy).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "core/types.hpp"

namespace spikeq::plasticity::reference {

using train = std::vector<tick_type>;  // sorted, unique spike ticks

inline constexpr double ticks_per_ms = 1000.0;  // the tests use ms_per_tick = 0.001 (1 tick = 1 us)
inline constexpr double ms_per_tick = 1.0 / ticks_per_ms;

inline tick_type ms(double t_ms) { return static_cast<tick_type>(std::llround(t_ms * ticks_per_ms)); }

// exp(-|later - earlier| / tau) with both spike times converted to ms.
inline double kernel(tick_type later, tick_type earlier, double tau_ms) {
  const double dt_ms = static_cast<double>(later - earlier) / ticks_per_ms;
  return std::exp(-std::abs(dt_ms) / tau_ms);
}

// Which of an equal-tick pre/post pair is handed to the rule first.
enum class equal_tick_order { pre_first, post_first };

struct timed_event {
  tick_type t;
  bool is_pre;
};

inline int rank(bool is_pre, equal_tick_order order) {
  return (order == equal_tick_order::pre_first) == is_pre ? 0 : 1;
}

// The merged event sequence of one synapse, in time order.
inline std::vector<timed_event> merge(const train& pre, const train& post, equal_tick_order order) {
  std::vector<timed_event> e;
  for (const tick_type t : pre) e.push_back({t, true});
  for (const tick_type t : post) e.push_back({t, false});
  std::stable_sort(e.begin(), e.end(), [order](const timed_event& a, const timed_event& b) {
    if (a.t != b.t) return a.t < b.t;
    return rank(a.is_pre, order) < rank(b.is_pre, order);
  });
  return e;
}

// The latest spike of `spikes` strictly before t.
inline std::optional<tick_type> latest_before(const train& spikes, tick_type t) {
  std::optional<tick_type> best;
  for (const tick_type s : spikes)
    if (s < t) best = s;
  return best;
}

// Whether any spike of `spikes` lies strictly inside (a, b).
inline bool any_strictly_between(const train& spikes, tick_type a, tick_type b) {
  for (const tick_type s : spikes)
    if (a < s && s < b) return true;
  return false;
}

struct clipper {
  double w_min, w_max;
  int hits = 0;
  double operator()(double w) {
    if (w < w_min || w > w_max) ++hits;
    return std::min(std::max(w, w_min), w_max);
  }
};

struct result {
  std::vector<double> w_after;  // weight after each event of merge(pre, post, order)
  int clip_hits = 0;
};

// ---------------------------------------------------------------------------
// Pair STDP (rules.md §1.1-1.3).

enum class scheme { all_to_all, nearest_symmetric, nearest_pre_centered, nearest_restricted };
enum class dependence { additive, multiplicative, power_law };

struct pair_parameters {
  scheme pairing = scheme::all_to_all;
  dependence dep = dependence::additive;
  double tau_plus = 20.0, tau_minus = 20.0;
  double A_plus = 0.01, A_minus = 0.01;                              // additive, multiplicative
  double lambda = 0.01, alpha = 1.0, mu_plus = 1.0, mu_minus = 1.0;  // power_law
  double w_min = 0.0, w_max = 1.0;
};

// F+ and F- of rules.md §1.1 (Song 2000; van Rossum 2000; Gutig 2003 / NEST stdp_synapse).
inline double facilitated(const pair_parameters& p, double w, double x) {
  switch (p.dep) {
    case dependence::additive:
    case dependence::multiplicative:
      return w + p.A_plus * x;
    case dependence::power_law:
      return w + p.lambda * std::pow(1.0 - w / p.w_max, p.mu_plus) * p.w_max * x;
  }
  return w;
}
inline double depressed(const pair_parameters& p, double w, double y) {
  switch (p.dep) {
    case dependence::additive:
      return w - p.A_minus * y;
    case dependence::multiplicative:
      return w - p.A_minus * w * y;
    case dependence::power_law:
      return w - p.alpha * p.lambda * std::pow(w / p.w_max, p.mu_minus) * p.w_max * y;
  }
  return w;
}

// Potentiation drive of a post spike at q.
inline double pair_ltp_drive(const pair_parameters& p, const train& pre, const train& post, tick_type q) {
  double x = 0.0;
  switch (p.pairing) {
    case scheme::all_to_all:  // every earlier pre
      for (const tick_type s : pre)
        if (s < q) x += kernel(q, s, p.tau_plus);
      break;
    case scheme::nearest_symmetric:  // the latest earlier pre
      if (const auto s = latest_before(pre, q)) x = kernel(q, *s, p.tau_plus);
      break;
    case scheme::nearest_pre_centered:  // every earlier pre not consumed by a post in between
      for (const tick_type s : pre)
        if (s < q && !any_strictly_between(post, s, q)) x += kernel(q, s, p.tau_plus);
      break;
    case scheme::nearest_restricted:  // the latest earlier pre, if no post in between
      if (const auto s = latest_before(pre, q); s && !any_strictly_between(post, *s, q))
        x = kernel(q, *s, p.tau_plus);
      break;
  }
  return x;
}

// Depression drive of a pre spike at s.
inline double pair_ltd_drive(const pair_parameters& p, const train& pre, const train& post, tick_type s) {
  double y = 0.0;
  switch (p.pairing) {
    case scheme::all_to_all:  // every earlier post
      for (const tick_type q : post)
        if (q < s) y += kernel(s, q, p.tau_minus);
      break;
    case scheme::nearest_symmetric:
    case scheme::nearest_pre_centered:  // the latest earlier post
      if (const auto q = latest_before(post, s)) y = kernel(s, *q, p.tau_minus);
      break;
    case scheme::nearest_restricted:  // the latest earlier post, if no pre in between
      if (const auto q = latest_before(post, s); q && !any_strictly_between(pre, *q, s))
        y = kernel(s, *q, p.tau_minus);
      break;
  }
  return y;
}

inline result pair_reference(const pair_parameters& p, const train& pre, const train& post, double w0,
                             equal_tick_order order) {
  result r;
  clipper clip{p.w_min, p.w_max};
  double w = w0;
  for (const timed_event& e : merge(pre, post, order)) {
    if (e.is_pre) {
      const double y = pair_ltd_drive(p, pre, post, e.t);
      if (y > 0.0) w = clip(depressed(p, w, y));
    } else {
      const double x = pair_ltp_drive(p, pre, post, e.t);
      if (x > 0.0) w = clip(facilitated(p, w, x));
    }
    r.w_after.push_back(w);
  }
  r.clip_hits = clip.hits;
  return r;
}

// ---------------------------------------------------------------------------
// Triplet STDP (Pfister & Gerstner 2006; rules.md §1.4).

struct triplet_parameters {
  double tau_plus = 16.8, tau_x = 101.0, tau_minus = 33.7, tau_y = 125.0;
  double A2_plus = 0.0, A3_plus = 0.0, A2_minus = 0.0, A3_minus = 0.0;
  bool nearest = false;
  double w_min = 0.0, w_max = 1.0;
};

// Σ_{s in spikes, s < t} exp(-(t - s)/tau), or only its latest term when nearest.
inline double detector(const train& spikes, tick_type t, double tau, bool nearest) {
  if (nearest) {
    const auto s = latest_before(spikes, t);
    return s ? kernel(t, *s, tau) : 0.0;
  }
  double sum = 0.0;
  for (const tick_type s : spikes)
    if (s < t) sum += kernel(t, s, tau);
  return sum;
}

inline result triplet_reference(const triplet_parameters& p, const train& pre, const train& post, double w0,
                                equal_tick_order order) {
  result r;
  clipper clip{p.w_min, p.w_max};
  double w = w0;
  for (const timed_event& e : merge(pre, post, order)) {
    if (e.is_pre) {
      const double o1 = detector(post, e.t, p.tau_minus, p.nearest);
      const double r2 = detector(pre, e.t, p.tau_x, p.nearest);
      if (o1 > 0.0) w = clip(w - o1 * (p.A2_minus + p.A3_minus * r2));
    } else {
      const double r1 = detector(pre, e.t, p.tau_plus, p.nearest);
      const double o2 = detector(post, e.t, p.tau_y, p.nearest);
      if (r1 > 0.0) w = clip(w + r1 * (p.A2_plus + p.A3_plus * o2));
    }
    r.w_after.push_back(w);
  }
  r.clip_hits = clip.hits;
  return r;
}

// ---------------------------------------------------------------------------
// Spike trains.

// n distinct spike ticks drawn uniformly from [0, t_end) (a Poisson train conditioned
// on its count), sorted.
inline train uniform_train(std::mt19937_64& rng, std::size_t n, tick_type t_end) {
  std::uniform_int_distribution<tick_type> u(0, t_end - 1);
  train t;
  while (t.size() < n) {
    t.push_back(u(rng));
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
  }
  return t;
}

inline void add_spike(train& t, tick_type s) {
  t.push_back(s);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
}

}  // namespace spikeq::plasticity::reference
