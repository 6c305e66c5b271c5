// exp(-n / tau) and 1 - exp(-n / tau) for whole numbers of ticks n, from tables built
// once with std::exp and std::expm1: the exact closed forms of the lazily integrated
// rules (modulated_stdp) without a transcendental call per touched synapse. n splits
// into n = hi * 256 + lo and
//   exp(-n/tau)     = E[hi] e[lo]
//   1 - exp(-n/tau) = M[hi] + E[hi] m[lo]    (all terms >= 0: no cancellation)
// so both keep a relative error of a few ulp for every tau; n beyond the tables
// falls back to the library calls.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/types.hpp"

namespace spikeq::plasticity {

class decay_table {
 public:
  static constexpr std::size_t lo_size = 256;
  static constexpr std::size_t hi_size = 1024;  // n < 262 144 ticks from the tables

  decay_table() = default;
  // REQUIRES: inverse_tau_ticks >= 0.
  explicit decay_table(double inverse_tau_ticks) : inv_(inverse_tau_ticks), hi_(2 * hi_size) {
    for (std::size_t k = 0; k < lo_size; ++k) {
      const double x = -static_cast<double>(k) * inv_;
      lo_[2 * k] = std::exp(x);
      lo_[2 * k + 1] = -std::expm1(x);
    }
    for (std::size_t k = 0; k < hi_size; ++k) {
      const double x = -static_cast<double>(k * lo_size) * inv_;
      hi_[2 * k] = std::exp(x);
      hi_[2 * k + 1] = -std::expm1(x);
    }
  }

  // exp(-n / tau). REQUIRES: n >= 0.
  double decay(tick_type n) const {
    const auto u = static_cast<std::size_t>(n);
    if (u >= lo_size * hi_size) return std::exp(-static_cast<double>(n) * inv_);
    return hi_[2 * (u / lo_size)] * lo_[2 * (u % lo_size)];
  }

  // 1 - exp(-n / tau). REQUIRES: n >= 0.
  double decayed(tick_type n) const {
    const auto u = static_cast<std::size_t>(n);
    if (u >= lo_size * hi_size) return -std::expm1(-static_cast<double>(n) * inv_);
    const std::size_t h = 2 * (u / lo_size), l = 2 * (u % lo_size);
    return hi_[h + 1] + hi_[h] * lo_[l + 1];
  }

 private:
  double inv_ = 0.0;
  std::array<double, 2 * lo_size> lo_{};  // interleaved exp, 1 - exp
  std::vector<double> hi_;
};

}  // namespace spikeq::plasticity
