// The alignment measures (io/alignment_metrics.hpp) against values computed by
// hand: the definitions of Gierlich et al.'s symmnet/utils.py and train_bm.py.
#include "io/alignment_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace spikeq::io {
namespace {

sparse_vector dense(std::vector<double> v) { return sparse_vector::from_dense(v); }

TEST(AlignmentMetrics, IdenticalMatricesAreAlignedExactly) {
  // W = B^T = [[1, 2], [3, -4]]
  const auto w = dense({1, 2, 3, -4});
  const auto v = alignment_between(w, w);
  EXPECT_EQ(v.angle_deg, 0.0);
  EXPECT_EQ(v.variance_of_difference, 0.0);
  EXPECT_EQ(v.pearson, 1.0);
  EXPECT_EQ(v.sign_agreement, 1.0);
}

TEST(AlignmentMetrics, NegatedTransposeIsAntiAligned) {
  // B = -W^T, so B^T = -W: d = 2W = [2, 4, 6, -8], mean 1, sum of squared
  // deviations 1 + 9 + 25 + 81 = 116, unbiased variance 116 / 3.
  const auto v = alignment_between(dense({1, 2, 3, -4}), dense({-1, -2, -3, 4}));
  EXPECT_DOUBLE_EQ(v.angle_deg, 180.0);
  EXPECT_DOUBLE_EQ(v.variance_of_difference, 116.0 / 3.0);
  EXPECT_DOUBLE_EQ(v.pearson, -1.0);
  EXPECT_EQ(v.sign_agreement, -1.0);
}

TEST(AlignmentMetrics, OrthogonalMatricesAreNinetyDegreesApart) {
  // W = I, B^T = [[0, 1], [1, 0]]: <w, b> = 0; the centred entries are opposite
  // (Pearson -1); no entry is non-zero in both (sign agreement 0); d = [1, -1, -1, 1].
  const auto v = alignment_between(dense({1, 0, 0, 1}), dense({0, 1, 1, 0}));
  EXPECT_DOUBLE_EQ(v.angle_deg, 90.0);
  EXPECT_DOUBLE_EQ(v.variance_of_difference, 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(v.pearson, -1.0);
  EXPECT_EQ(v.sign_agreement, 0.0);
}

TEST(AlignmentMetrics, MissingSynapsesCountAsZeros) {
  // 2 x 3 matrices with absent entries: w = [1, 0, 2, 0, 0, -1], b = [.5, 0, 2, 0, 1, 0].
  // <w, b> = 4.5, |w|^2 = 6, |b|^2 = 5.25: cos = 4.5 / sqrt(31.5).
  // d = [.5, 0, 0, 0, -1, -1], mean -.25, squared deviations sum 1.875: variance .375.
  // Pearson: (4.5 - 6 (1/3)(7/12)) / sqrt((6 - 6/9) (5.25 - 6 (7/12)^2)).
  // Signs agree at two of six entries: 1/3.
  sparse_vector w, b;
  w.size = b.size = 6;
  w.index = {0, 2, 5};
  w.value = {1, 2, -1};
  b.index = {0, 2, 4};
  b.value = {0.5, 2, 1};
  const auto v = alignment_between(w, b);
  const double mean_w = 1.0 / 3.0, mean_b = 7.0 / 12.0;
  const double pearson =
      (4.5 - 6 * mean_w * mean_b) / std::sqrt((6 - 6 * mean_w * mean_w) * (5.25 - 6 * mean_b * mean_b));
  EXPECT_NEAR(v.angle_deg, std::acos(4.5 / std::sqrt(31.5)) * 180.0 / M_PI, 1e-12);
  EXPECT_NEAR(v.variance_of_difference, 0.375, 1e-15);
  EXPECT_NEAR(v.pearson, pearson, 1e-15);
  EXPECT_NEAR(v.sign_agreement, 1.0 / 3.0, 1e-15);
  // The same with every zero written out, and with a listed zero.
  const auto from_dense = alignment_between(dense({1, 0, 2, 0, 0, -1}), dense({0.5, 0, 2, 0, 1, 0}));
  EXPECT_NEAR(from_dense.angle_deg, v.angle_deg, 1e-12);
  EXPECT_NEAR(from_dense.variance_of_difference, v.variance_of_difference, 1e-15);
  EXPECT_NEAR(from_dense.pearson, v.pearson, 1e-15);
  EXPECT_EQ(from_dense.sign_agreement, v.sign_agreement);
  b.index = {0, 1, 2, 4};
  b.value = {0.5, 0.0, 2, 1};
  const auto listed_zero = alignment_between(w, b);
  EXPECT_NEAR(listed_zero.variance_of_difference, 0.375, 1e-15);
  EXPECT_NEAR(listed_zero.pearson, pearson, 1e-15);
}

TEST(AlignmentMetrics, UndefinedMeasuresAreNaN) {
  // An all-zero matrix has no direction; a constant one no correlation.
  const auto zero = alignment_between(dense({0, 0, 0, 0}), dense({1, 2, 3, 4}));
  EXPECT_TRUE(std::isnan(zero.angle_deg));
  EXPECT_TRUE(std::isnan(zero.pearson));
  EXPECT_EQ(zero.sign_agreement, 0.0);
  const auto constant = alignment_between(dense({2, 2, 2, 2}), dense({1, 2, 3, 4}));
  EXPECT_TRUE(std::isnan(constant.pearson));
  EXPECT_FALSE(std::isnan(constant.angle_deg));
  EXPECT_THROW(alignment_between(dense({1, 2}), dense({1, 2, 3})), std::invalid_argument);
}

TEST(AlignmentMetrics, SymmetricRecurrentMatrixHasNoAsymmetry) {
  // W = W^T (3 x 3): every W_ij - W_ji is 0.
  const auto w = dense({0, 1, -2, 1, 0.5, 3, -2, 3, 0});
  EXPECT_EQ(upper_triangle_asymmetry(w, 3), 0.0);
  sparse_vector wt = w;  // the transposed vector is the same
  const auto v = alignment_between(w, wt);
  EXPECT_EQ(v.angle_deg, 0.0);
  EXPECT_EQ(v.pearson, 1.0);
}

TEST(AlignmentMetrics, UpperTriangleAsymmetryIsAPopulationVariance) {
  // W = [[0, 1, 2], [3, 0, 0], [2, 0, 0]]: W_01 - W_10 = -2, W_02 - W_20 = 0,
  // W_12 - W_21 = 0; mean -2/3; numpy's var (ddof 0): (16/9 + 4/9 + 4/9) / 3 = 8/9.
  // The diagonal does not count.
  EXPECT_NEAR(upper_triangle_asymmetry(dense({0, 1, 2, 3, 0, 0, 2, 0, 0}), 3), 8.0 / 9.0, 1e-15);
  EXPECT_NEAR(upper_triangle_asymmetry(dense({7, 1, 2, 3, -5, 0, 2, 0, 9}), 3), 8.0 / 9.0, 1e-15);
  EXPECT_TRUE(std::isnan(upper_triangle_asymmetry(dense({1}), 1)));
  EXPECT_THROW(upper_triangle_asymmetry(dense({1, 2, 3}), 2), std::invalid_argument);
}

}  // namespace
}  // namespace spikeq::io
