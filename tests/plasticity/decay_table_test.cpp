// decay_table (plasticity/decay_table.hpp) against the library's exp and expm1: the
// tabulated exp(-n/tau) and 1 - exp(-n/tau) stay within a few ulp (relative) for
// short and very long time constants, inside the tables and past their end. exp's
// condition number is |x|: the rounding of x = n/tau itself (in the library call as
// in the tables' split of n) moves exp(-x) by up to |x| ulp, so the bound grows with x.
#include "plasticity/decay_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace spikeq::plasticity {
namespace {

constexpr double ulp = std::numeric_limits<double>::epsilon();

::testing::AssertionResult close(double got, double want, double ulps, const char* what, tick_type n) {
  // Below the normal range (exp(-700) and less) only absolute agreement is asked.
  if (std::abs(got - want) <= ulps * ulp * std::abs(want) + std::numeric_limits<double>::min())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << " at n = " << n << ": " << got << " vs " << want;
}

TEST(decay_table, matches_exp_and_expm1_for_every_time_constant) {
  // tau in ticks: 2 (fast STDP trace at a coarse step) ... 1e9 (an eligibility that
  // barely decays: 1 - exp(-n/tau) is tiny and must keep its relative precision).
  for (const double tau : {2.0, 200.0, 1666.7, 10000.0, 1e9}) {
    const decay_table table(1.0 / tau);
    for (tick_type n = 0; n < 3'000'000; n = n < 600 ? n + 1 : n * 9 / 8 + 7) {
      const double x = -static_cast<double>(n) / tau;
      EXPECT_TRUE(close(table.decay(n), std::exp(x), 4 + 2 * std::abs(x), "exp", n));
      if (n > 0) {
        EXPECT_TRUE(close(table.decayed(n), -std::expm1(x), 6, "1 - exp", n));
      }
    }
  }
}

TEST(decay_table, is_exact_at_zero) {
  const decay_table table(1.0 / 20.0);
  EXPECT_EQ(table.decay(0), 1.0);
  EXPECT_EQ(table.decayed(0), 0.0);
}

}  // namespace
}  // namespace spikeq::plasticity
