// Every build of the dense input pass gives the baseline's bits, adds nothing where
// a sum is zero (a variable at -0.0 keeps its sign) and clears the sums.
#include "core/simd/input_sums_kernel.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "core/simd/cpu_features.hpp"

namespace spikeq::simd {
namespace {

TEST(input_sums_kernel, every_build_agrees_with_the_baseline_and_skips_zero_sums) {
  const std::size_t n = 1003;  // not a multiple of any vector width
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> value(-5.0, 5.0);
  std::vector<double> ex0(n), in0(n), sum_ex0(n), sum_in0(n);
  for (std::size_t k = 0; k < n; ++k) {
    ex0[k] = k % 7 == 0 ? -0.0 : value(rng);
    in0[k] = k % 5 == 0 ? -0.0 : value(rng);
    sum_ex0[k] = k % 3 == 0 ? 0.0 : value(rng);
    sum_in0[k] = k % 4 == 0 ? 0.0 : value(rng);
  }
  std::vector<apply_sums_function> builds{&apply_sums_baseline};
  if (cpu_has_avx2()) builds.push_back(&apply_sums_avx2);
  if (cpu_has_avx512()) builds.push_back(&apply_sums_avx512);
  // Scale 1 adds the sums as they are; other scales (iaf_psc_exp's currents referred
  // to an earlier step) multiply them first.
  for (const auto& [scale_ex, scale_in] : {std::pair{1.0, 1.0}, std::pair{1.7, 0.3}}) {
    std::vector<double> expected_ex, expected_in;
    for (const auto build : builds) {
      auto ex = ex0, in = in0, sum_ex = sum_ex0, sum_in = sum_in0;
      build(n, ex.data(), in.data(), sum_ex.data(), sum_in.data(), scale_ex, scale_in);
      for (std::size_t k = 0; k < n; ++k) {
        ASSERT_EQ(sum_ex[k], 0.0);
        ASSERT_EQ(sum_in[k], 0.0);
        if (sum_ex0[k] == 0.0) {
          ASSERT_EQ(std::signbit(ex[k]), std::signbit(ex0[k])) << k;  // -0.0 stays -0.0
        } else {
          ASSERT_EQ(ex[k], ex0[k] + sum_ex0[k] * scale_ex) << k;
        }
      }
      if (expected_ex.empty()) {
        expected_ex = ex;
        expected_in = in;
        continue;
      }
      for (std::size_t k = 0; k < n; ++k) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(ex[k]), std::bit_cast<std::uint64_t>(expected_ex[k])) << k;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(in[k]), std::bit_cast<std::uint64_t>(expected_in[k])) << k;
      }
    }
  }
}

}  // namespace
}  // namespace spikeq::simd
