// The wide (AVX2, AVX-512) and baseline builds of each neuron kernel give identical bits,
// and the portable exp they use is accurate.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "core/simd/cpu_features.hpp"
#include "core/simd/input_sums_kernel.hpp"
#include "neurons/simd/cond_exp_kernel.hpp"
#include "neurons/simd/exp_approx.hpp"
#include "neurons/simd/psc_exp_kernel.hpp"

namespace spikeq::simd {
namespace {

std::vector<double> random_values(std::size_t n, double low, double high, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(low, high);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// Every build of a kernel this CPU can run, the baseline first; with_baseline false:
// the wide ones only.
template <class Function>
std::vector<Function> kernel_builds(Function baseline, Function avx2, Function avx512, bool with_baseline) {
  std::vector<Function> builds;
  if (with_baseline) builds.push_back(baseline);
  if (cpu_has_avx2()) builds.push_back(avx2);
  if (cpu_has_avx512()) builds.push_back(avx512);
  return builds;
}
std::vector<psc_exp_propagate_function> psc_exp_builds(bool with_baseline = true) {
  return kernel_builds(&psc_exp_propagate_baseline, &psc_exp_propagate_avx2, &psc_exp_propagate_avx512,
                       with_baseline);
}
std::vector<cond_exp_propagate_function> cond_exp_builds(bool with_baseline = true) {
  return kernel_builds(&cond_exp_propagate_baseline, &cond_exp_propagate_avx2, &cond_exp_propagate_avx512,
                       with_baseline);
}

// V for the block-listing tests, with blocks of `block` neurons and the threshold at
// 1.0: crossings in blocks 1 (twice, one exactly at the threshold), 33 (beyond the
// kernels' first chunk) and 40 (the partial last one); a NaN in block 3 and a value
// just below in block 4, which must not be listed.
std::vector<double> potentials_crossing_one(std::size_t block) {
  std::vector<double> V(block * 40 + 3, 0.0);
  V[block + 1] = 1.0;
  V[block + 2] = 2.0;
  V[3 * block + 7] = std::nan("");
  V[4 * block] = 0.999999;
  V[33 * block + 5] = 3.0;
  V.back() = 5.0;
  return V;
}
const std::vector<std::uint32_t> blocks_crossing_one{1, 33, 40};

TEST(exp_approx, within_one_ulp_of_libm_for_nonpositive_arguments) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> wide(-700.0, 0.0), narrow(-2.0, 0.0);
  double worst_ulp = 0;
  for (int k = 0; k < 1000000; ++k) {
    const double x = k % 2 ? wide(rng) : narrow(rng);
    const double expected = std::exp(x);
    const double ulp = std::nextafter(expected, 1e300) - expected;
    worst_ulp = std::max(worst_ulp, std::abs(exp_nonpositive(x) - expected) / ulp);
  }
  EXPECT_LE(worst_ulp, 1.0);
  EXPECT_EQ(exp_nonpositive(0.0), 1.0);
  EXPECT_EQ(exp_nonpositive(-1e-300), 1.0);
  EXPECT_GT(exp_nonpositive(-1e6), 0.0);  // clamped at exp(-700), never denormal or zero
}

// The series without range reduction (exp_approx.hpp), on its whole interval and at
// its ends: exp_nonpositive's 1 ulp holds there too, against libm and against the
// reduced path just outside.
TEST(exp_approx, near_zero_series_within_one_ulp_of_libm) {
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> near_zero(exp_near_zero_min, 0.0);
  std::vector<double> x{exp_near_zero_min, -0.0, -1e-300, -1e-9, -0.005, -0.05, -0.17};
  for (int k = 0; k < 1000000; ++k) x.push_back(near_zero(rng));
  double worst_ulp = 0;
  std::size_t differing = 0;  // from exp_nonpositive, which must take the series here
  for (const double v : x) {
    double series;
    exp_near_zero(v, series);
    const double expected = std::exp(v);
    const double ulp = std::nextafter(expected, 1e300) - expected;
    worst_ulp = std::max(worst_ulp, std::abs(series - expected) / ulp);
    differing += exp_nonpositive(v) != series ? 1 : 0;
  }
  EXPECT_LE(worst_ulp, 1.0);
  EXPECT_EQ(differing, 0U);
  const double inside = exp_nonpositive(exp_near_zero_min);
  const double outside = exp_nonpositive(std::nextafter(exp_near_zero_min, -1.0));
  EXPECT_GE(inside, outside);  // no step down where the paths meet
  EXPECT_LE(inside - outside, 2 * (std::nextafter(inside, 1.0) - inside));
}

// Each neuron of every build gets the bits of the model's scalar equations applied to
// it alone, whichever way its block of eight computed exp: conductances up to
// 1,500 nS put some blocks past exp_near_zero_min (680 nS here) and leave others short
// of it, and a block's neighbours never change a neuron's result.
TEST(simd_kernels, cond_exp_neurons_get_the_bits_of_the_scalar_step_whichever_exp_their_block_takes) {
  const std::size_t n = 1003;
  const cond_exp_propagator c{10.0, -600.0, 0.0, -80.0, 3.0, 0.0005, 0.99, 0.995, 0.98, 0.99};
  const auto V0 = random_values(n, -80, -50, 12), ge0 = random_values(n, 0, 60, 13),
             gi0 = random_values(n, 0, 1500, 14), I_stim = random_values(n, -100, 100, 15);
  auto V_expected = V0, ge_expected = ge0, gi_expected = gi0;
  std::size_t reduced = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double ge = ge0[k] * c.half_decay_ex, gi = gi0[k] * c.half_decay_in;
    const double g_total = c.g_L + ge + gi;
    const double V_inf = (c.E_L_times_g_L + ge * c.E_ex + gi * c.E_in + (c.I_e + I_stim[k])) / g_total;
    const double x = -c.h_over_C * g_total;
    reduced += x < exp_near_zero_min ? 1 : 0;
    V_expected[k] = V_inf + (V0[k] - V_inf) * exp_nonpositive(x);
    ge_expected[k] = ge0[k] * c.decay_ex;
    gi_expected[k] = gi0[k] * c.decay_in;
  }
  ASSERT_GT(reduced, n / 10);  // both ways of computing exp are exercised
  ASSERT_LT(reduced, n - n / 10);
  for (const auto build : cond_exp_builds()) {
    auto V = V0, ge = ge0, gi = gi0;
    std::vector<std::uint32_t> blocks(n / cond_exp_block + 1);
    build(n, c, V.data(), ge.data(), gi.data(), I_stim.data(), nullptr, nullptr, nullptr, 1e9, blocks.data());
    EXPECT_EQ(V, V_expected);
    EXPECT_EQ(ge, ge_expected);
    EXPECT_EQ(gi, gi_expected);
  }
}

TEST(simd_kernels, psc_exp_builds_agree_bit_for_bit) {
  const auto wide = psc_exp_builds(false);
  if (wide.empty()) GTEST_SKIP() << "CPU without AVX2: only the baseline build runs here";
  const std::size_t n = 4103;  // not a multiple of the vector width; beyond two chunks of the step
  const psc_exp_propagator c{0.99, 0.00037, 0.00041, 0.0004, 12.5};
  const double threshold = 15.0;  // some neurons of the random start are above it
  const auto V0 = random_values(n, -20, 20, 1), I_ex0 = random_values(n, 0, 500, 2),
             I_in0 = random_values(n, -800, 0, 3);
  const auto I_stim = random_values(n, -100, 100, 4), I_noise = random_values(n, -50, 50, 5);
  for (const auto build : wide) {
    auto V = V0, I_ex = I_ex0, I_in = I_in0;
    auto V2 = V0, I_ex2 = I_ex0, I_in2 = I_in0;
    std::vector<std::uint32_t> blocks(n / psc_exp_block + 1), blocks2(blocks.size());
    std::vector<std::uint8_t> lanes(blocks.size()), lanes2(blocks.size());
    for (int step = 0; step < 50; ++step) {
      // Every combination of injected and noise currents.
      const double* stim = step % 2 != 0 ? I_stim.data() : nullptr;
      const double* noise = step % 4 >= 2 ? I_noise.data() : nullptr;
      const std::size_t found = psc_exp_propagate_baseline(n, c, V.data(), I_ex.data(), I_in.data(), stim,
                                                           noise, threshold, blocks.data(), lanes.data());
      const std::size_t found2 = build(n, c, V2.data(), I_ex2.data(), I_in2.data(), stim, noise, threshold,
                                       blocks2.data(), lanes2.data());
      ASSERT_EQ(found, found2);
      EXPECT_TRUE(
          std::equal(blocks.begin(), blocks.begin() + static_cast<std::ptrdiff_t>(found), blocks2.begin()));
      EXPECT_TRUE(
          std::equal(lanes.begin(), lanes.begin() + static_cast<std::ptrdiff_t>(found), lanes2.begin()));
    }
    EXPECT_EQ(V, V2);
    EXPECT_EQ(I_ex, I_ex2);
    EXPECT_EQ(I_in, I_in2);
  }
}

// Every build, the blocks of eight included, computes NEST's update
// V <- P22 V + C_ex I_ex + C_in I_in + P20 (I_e + I_stim + I_noise) with the operations
// in that order, so it equals the scalar expression to the bit; I_e = -0.0 stays -0.0
// in the injected current, as in the scalar code.
TEST(simd_kernels, psc_exp_equals_the_scalar_update) {
  const auto builds = psc_exp_builds();
  const std::size_t n = 3 * psc_exp_block + 13;  // whole blocks and a partial one
  auto V0 = random_values(n, -20, 20, 11), I_ex = random_values(n, 0, 500, 12),
       I_in = random_values(n, -800, 0, 13);
  const auto I_stim = random_values(n, -100, 100, 14), I_noise = random_values(n, -50, 50, 15);
  V0[5] = I_ex[5] = I_in[5] = -0.0;  // every term -0.0: the sum's sign shows I_inject's
  const auto bits = [](const std::vector<double>& v) {
    std::vector<std::uint64_t> b(v.size());
    std::memcpy(b.data(), v.data(), v.size() * sizeof(double));
    return b;
  };
  for (const double I_e : {12.5, -0.0}) {
    const psc_exp_propagator c{0.99, 0.00037, 0.00041, 0.0004, I_e};
    for (const bool with_inputs : {false, true}) {
      std::vector<double> expected(n);
      for (std::size_t k = 0; k < n; ++k) {
        const double I_inject = with_inputs ? (c.I_e + I_stim[k]) + I_noise[k] : c.I_e;
        expected[k] = c.P22 * V0[k] + c.C_ex * I_ex[k] + c.C_in * I_in[k] + c.P20 * I_inject;
      }
      for (const auto build : builds) {
        auto V = V0;
        std::vector<std::uint32_t> blocks(n / psc_exp_block + 1);
        std::vector<std::uint8_t> lanes(blocks.size());
        build(n, c, V.data(), I_ex.data(), I_in.data(), with_inputs ? I_stim.data() : nullptr,
              with_inputs ? I_noise.data() : nullptr, 1e9, blocks.data(), lanes.data());
        EXPECT_EQ(bits(V), bits(expected))
            << "I_e " << I_e << (with_inputs ? " with" : " without") << " inputs";
      }
    }
  }
}

// The potentials of potentials_crossing_one with two more crossings: neuron 17 of
// block 1 (lane 1, as neuron 1's) and neuron 63 of block 33 (lane 7).
std::vector<double> potentials_crossing_in_lanes() {
  std::vector<double> V = potentials_crossing_one(psc_exp_block);
  V[psc_exp_block + 17] = 4.0;
  V[33 * psc_exp_block + 63] = 4.0;
  return V;
}

// The listed blocks are exactly those holding a neuron at or above the threshold,
// the last (partial) block included; a NaN never counts as a crossing. Each block's
// lanes are those of its crossing neurons modulo 8 (all of them for the partial block).
TEST(simd_kernels, psc_exp_lists_exactly_the_blocks_and_lanes_with_a_crossing) {
  const psc_exp_propagator identity{1.0, 0.0, 0.0, 0.0, 0.0};  // V unchanged
  std::vector<double> V = potentials_crossing_in_lanes();
  const std::size_t n = V.size();
  const std::vector<double> I_ex(n, 0.0), I_in(n, 0.0);
  // Block 1: neurons 1, 2 and 17; block 33: neurons 5 and 63; block 40 is partial.
  const std::vector<std::uint8_t> expected_lanes{0b110, 0b10100000, 0xFF};
  for (const auto build : psc_exp_builds()) {
    std::vector<std::uint32_t> blocks(n / psc_exp_block + 1);
    std::vector<std::uint8_t> lanes(blocks.size());
    const std::size_t found = build(n, identity, V.data(), I_ex.data(), I_in.data(), nullptr, nullptr, 1.0,
                                    blocks.data(), lanes.data());
    const auto listed = static_cast<std::ptrdiff_t>(found);
    EXPECT_EQ(std::vector<std::uint32_t>(blocks.begin(), blocks.begin() + listed), blocks_crossing_one);
    EXPECT_EQ(std::vector<std::uint8_t>(lanes.begin(), lanes.begin() + listed), expected_lanes);
  }
}

// As for psc_exp: the listed blocks are exactly those in which the new V reached the
// threshold, the partial last block included, never for a NaN.
TEST(simd_kernels, cond_exp_lists_exactly_the_blocks_with_a_crossing) {
  // With h / C = 0 the step's factor exp(0) is 1, and with V_inf = 0 the update
  // V_inf + (V - V_inf) * 1 keeps every V to the bit.
  const cond_exp_propagator unchanged{1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0};
  const std::vector<double> V = potentials_crossing_one(cond_exp_block);
  const std::size_t n = V.size();
  std::vector<double> ge(n, 0.0), gi(n, 0.0);
  for (const auto build : cond_exp_builds()) {
    auto V_after = V;
    std::vector<std::uint32_t> blocks(n / cond_exp_block + 1);
    const std::size_t found = build(n, unchanged, V_after.data(), ge.data(), gi.data(), nullptr, nullptr,
                                    nullptr, nullptr, 1.0, blocks.data());
    blocks.resize(found);
    EXPECT_EQ(blocks, blocks_crossing_one);
  }
}

TEST(simd_kernels, cond_exp_builds_agree_bit_for_bit) {
  const auto wide = cond_exp_builds(false);
  if (wide.empty()) GTEST_SKIP() << "CPU without AVX2: only the baseline build runs here";
  const std::size_t n = 4103;  // not a multiple of the vector width; beyond two chunks of the step
  const cond_exp_propagator c{10.0, -600.0, 0.0, -80.0, 3.0, 0.0005, 0.99, 0.995, 0.98, 0.99};
  const double threshold = -52.0;  // some neurons of the random start are above it
  const auto V0 = random_values(n, -80, -50, 1), ge0 = random_values(n, 0, 60, 2),
             gi0 = random_values(n, 0, 300, 3);
  const auto I_stim = random_values(n, -100, 100, 4), I_noise = random_values(n, -50, 50, 5);
  for (const auto build : wide) {
    auto V = V0, ge = ge0, gi = gi0;
    auto V2 = V0, ge2 = ge0, gi2 = gi0;
    for (int step = 0; step < 50; ++step) {
      const double* stim = step % 2 != 0 ? I_stim.data() : nullptr;
      const double* noise = step % 4 >= 2 ? I_noise.data() : nullptr;
      std::vector<std::uint32_t> blocks(n / cond_exp_block + 1), blocks2(blocks.size());
      const std::size_t found = cond_exp_propagate_baseline(n, c, V.data(), ge.data(), gi.data(), stim, noise,
                                                            nullptr, nullptr, threshold, blocks.data());
      const std::size_t found2 = build(n, c, V2.data(), ge2.data(), gi2.data(), stim, noise, nullptr, nullptr,
                                       threshold, blocks2.data());
      ASSERT_EQ(found, found2);
      blocks.resize(found);
      blocks2.resize(found2);
      EXPECT_EQ(blocks, blocks2);
    }
    EXPECT_EQ(V, V2);
    EXPECT_EQ(ge, ge2);
    EXPECT_EQ(gi, gi2);
  }
}

// Input sums handed to the kernel (the dense form of a step's input) give the bits of
// propagating and then adding them as input_sums::apply_and_clear does (its baseline
// kernel, scales 1), in every build: zero sums are not added, so a conductance of
// -0.0 stays -0.0, and every sum is cleared.
TEST(simd_kernels, cond_exp_sums_in_the_pass_equal_sums_applied_after_it) {
  const auto builds = cond_exp_builds();
  const std::size_t n = 1003;
  const cond_exp_propagator c{10.0, -600.0, 0.0, -80.0, 3.0, 0.0005, 0.99, 0.995, 0.98, 0.99};
  auto V0 = random_values(n, -80, -50, 6), ge0 = random_values(n, 0, 60, 7),
       gi0 = random_values(n, 0, 300, 8);
  auto sums_ex = random_values(n, 0, 6, 9), sums_in = random_values(n, 0, 67, 10);
  for (std::size_t k = 0; k < n; k += 3) sums_ex[k] = 0.0;  // no excitatory input
  for (std::size_t k = 1; k < n; k += 4) sums_in[k] = 0.0;
  ge0[5] = -0.0;  // a conductance at -0.0 without input keeps its sign
  sums_ex[5] = 0.0;
  const auto I_stim = random_values(n, -100, 100, 11);
  const double no_threshold = 1e9;
  std::vector<std::uint32_t> blocks(n / cond_exp_block + 1);
  for (const auto build : builds) {
    auto V = V0, ge = ge0, gi = gi0, sum_ex = sums_ex, sum_in = sums_in;
    auto V2 = V0, ge2 = ge0, gi2 = gi0, sum_ex2 = sums_ex, sum_in2 = sums_in;
    for (int step = 0; step < 4; ++step) {
      const double* stim = step % 2 != 0 ? I_stim.data() : nullptr;
      cond_exp_propagate_baseline(n, c, V.data(), ge.data(), gi.data(), stim, nullptr, nullptr, nullptr,
                                  no_threshold, blocks.data());
      apply_sums_baseline(n, ge.data(), gi.data(), sum_ex.data(), sum_in.data(), 1.0, 1.0);
      build(n, c, V2.data(), ge2.data(), gi2.data(), stim, nullptr, sum_ex2.data(), sum_in2.data(),
            no_threshold, blocks.data());
      ASSERT_EQ(sum_ex2, std::vector<double>(n, 0.0));
      ASSERT_EQ(sum_in2, std::vector<double>(n, 0.0));
      sum_ex = sum_ex2 = sums_ex;  // the next step's input
      sum_in = sum_in2 = sums_in;
    }
    EXPECT_EQ(V, V2);
    EXPECT_EQ(gi, gi2);
    ASSERT_EQ(ge.size(), ge2.size());
    for (std::size_t k = 0; k < n; ++k)  // bitwise, so that -0.0 and +0.0 differ
      ASSERT_EQ(std::signbit(ge[k]), std::signbit(ge2[k])) << k;
    EXPECT_EQ(ge, ge2);
  }
}

}  // namespace
}  // namespace spikeq::simd
