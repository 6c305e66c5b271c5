// Counter-based random streams (Philox4x32-10 from Random123).
//
// A stream is identified by (seed, stream_kind, entity): the same key always yields
// the same sequence, whatever order entities are constructed or simulated in and
// whichever thread draws them. This is what makes construction and simulation
// deterministic and parallel without a shared generator.
//
// Thread safety: a random_stream object is not shared; create one per entity.
#pragma once

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

#include "core/state_archive.hpp"

namespace spikeq {

// Distinct purposes draw from disjoint streams even for the same entity id.
enum class stream_kind : std::uint32_t {
  connectivity = 1,
  weight = 2,
  delay = 3,
  initial_state = 4,
  poisson = 5,
  stimulus = 6,
  recording_sample = 7,
  poisson_input = 8,
  modulator = 10,  // reward delays of neuromodulator sources
  protocol = 12,   // trial outcomes
  noise_current = 11,
  neuron_parameters = 13,     // per-neuron model parameters (heterogeneous populations)
  glm_spiking = 14,           // glm_sampling: one uniform per step a neuron may fire in
  escape_noise = 15,          // pp_psc_delta: spike draws and random dead times
  plasticity_amplitude = 16,  // per-synapse learning amplitudes (SAL's plasticity noise)
  dataset_order = 20,         // image_dataset: sample order and pixel permutation per task
  feedback_weight = 21,       // fixed random feedback of feedback alignment, per hidden neuron
};

// random_stream::poisson counts this many table entries without a branch; tables
// are padded to at least one more.
inline constexpr std::size_t poisson_cdf_head = 8;

// Cumulative Poisson probabilities P(K <= k) for k = 0, 1, ... until they stop
// growing (the tail below double precision), for random_stream::poisson; the last
// entry (and the padding) is 2, above every uniform.
inline std::vector<double> poisson_cdf(double mean) {
  std::vector<double> cdf;
  double p = std::exp(-mean), cumulative = p;
  cdf.push_back(cumulative);
  for (std::uint32_t k = 1; k < 100000; ++k) {
    p *= mean / k;
    if (cumulative + p == cumulative && k > mean) break;
    cumulative += p;
    cdf.push_back(cumulative);
  }
  cdf.back() = 2.0;  // every u < 1 stops here
  if (cdf.size() <= poisson_cdf_head) cdf.resize(poisson_cdf_head + 1, 2.0);
  return cdf;
}

class random_stream {
 public:
  // `object` distinguishes e.g. projection 3 from projection 4; `entity` is the
  // neuron or source index inside that object.
  random_stream(std::uint64_t seed, stream_kind kind, std::uint32_t object, std::uint32_t entity)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {
    counter_.v[0] = (static_cast<std::uint32_t>(kind) << 24) ^ object;
    counter_.v[1] = entity;
    counter_.v[2] = 0;
    counter_.v[3] = 0;
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform() {
    const std::uint64_t bits = next_u64() >> 11;
    return static_cast<double>(bits) * 0x1.0p-53;
  }
  // Uniform on (0, 1]: safe for log().
  double uniform_open_low() { return 1.0 - uniform(); }

  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Standard normal by Box-Muller, both values used.
  double normal() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform_open_low()));
    const double phi = 2.0 * std::numbers::pi * uniform();
    spare_normal_ = r * std::sin(phi);
    has_spare_normal_ = true;
    return r * std::cos(phi);
  }

  // The next out.size() values normal() would return, leaving the stream where
  // those calls would. Faster for many: each pair's log, square root, sine and cosine
  // wait on one another, and separate pairs' chains overlap once the uniforms are
  // drawn first (network construction draws 6e8 normals at full scale).
  void normals(std::span<double> out) {
    std::size_t done = 0;
    if (has_spare_normal_ && !out.empty()) {
      out[done++] = spare_normal_;
      has_spare_normal_ = false;
    }
    constexpr std::size_t batch_pairs = 64;
    double low_open[batch_pairs], turn[batch_pairs];
    while (done < out.size()) {
      const std::size_t pairs = std::min(batch_pairs, (out.size() - done + 1) / 2);
      for (std::size_t j = 0; j < pairs; ++j) {
        low_open[j] = uniform_open_low();
        turn[j] = uniform();
      }
      for (std::size_t j = 0; j < pairs; ++j) {
        const double r = std::sqrt(-2.0 * std::log(low_open[j]));
        const double phi = 2.0 * std::numbers::pi * turn[j];
        const double second = r * std::sin(phi);
        out[done++] = r * std::cos(phi);
        if (done < out.size()) {
          out[done++] = second;
        } else {
          spare_normal_ = second;
          has_spare_normal_ = true;
        }
      }
    }
  }

  double exponential(double mean) { return -mean * std::log(uniform_open_low()); }

  // Poisson-distributed count by inversion: the smallest k with u < cdf[k], for
  // a table of cumulative probabilities (poisson_cdf) of a small mean; one uniform.
  // The first poisson_cdf_head entries are counted without branches (a walk
  // mispredicts about once per draw), the rare tail by walking on.
  std::uint32_t poisson(std::span<const double> cdf) {
    const double u = uniform();
    std::uint32_t k = 0;
    for (std::size_t j = 0; j < poisson_cdf_head; ++j) k += u >= cdf[j];
    if (k == poisson_cdf_head)
      while (k + 1 < cdf.size() && u >= cdf[k]) ++k;
    return k;
  }

  // Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    while (true) {
      const std::uint64_t x = next_u64();
      const __uint128_t m = static_cast<__uint128_t>(x) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (-n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }

  // Saves or loads the position in the stream (the key is the stream's identity and
  // must match).
  void state(state_archive& ar) {
    for (auto& k : key_.v) {
      const std::uint32_t expected = k;
      ar.value(k);
      if (k != expected) ar.fail("a random stream belongs to another seed or entity");
    }
    for (auto& c : counter_.v) ar.value(c);
    for (auto& b : block_.v) ar.value(b);
    ar.value(buffered_);
    ar.value(spare_normal_);
    ar.value(has_spare_normal_);
    if (buffered_ < 0 || buffered_ > 2) ar.fail("a random stream's buffer count is out of range");
  }

  std::uint64_t next_u64() {
    if (buffered_ == 0) refill();
    --buffered_;
    const auto pair = 2 * static_cast<std::size_t>(buffered_);
    const std::uint64_t hi = block_.v[pair + 1];
    const std::uint64_t lo = block_.v[pair];
    return (hi << 32) | lo;
  }

 private:
  using philox = r123::Philox4x32;

  void refill() {
    block_ = philox()(counter_, key_);
    if (++counter_.v[2] == 0) ++counter_.v[3];
    buffered_ = 2;
  }

  philox::key_type key_;
  philox::ctr_type counter_{};
  philox::ctr_type block_{};
  int buffered_ = 0;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

// Saves or loads the positions of a fixed set of streams (one per neuron, say);
// their count is the description's, checked under `what`.
inline void state_streams(state_archive& ar, std::vector<random_stream>& streams, const char* what) {
  ar.expect(streams.size(), what);
  for (random_stream& s : streams) s.state(ar);
}

}  // namespace spikeq
