// ACC and BWT from an accuracy matrix (io/continual_learning_recorder.hpp), the
// definitions of rules.md §4.6 (HLOP paper code: ACC = mean of the last row,
// BWT = mean over earlier tasks of final minus just-learned accuracy).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "io/continual_learning_recorder.hpp"

namespace spikeq::io {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(continual_learning_summary, acc_and_bwt_of_a_three_task_matrix) {
  const std::vector<double> accuracy{0.9, nan, nan,  //
                                     0.7, 0.8, nan,  //
                                     0.6, 0.7, 0.95};
  const auto s = summarize_accuracy(accuracy, 3);
  EXPECT_DOUBLE_EQ(s.acc, (0.6 + 0.7 + 0.95) / 3);
  EXPECT_DOUBLE_EQ(s.bwt, ((0.6 - 0.9) + (0.7 - 0.8)) / 2);
}

TEST(continual_learning_summary, one_task_has_no_bwt_and_a_joint_run_no_diagonal) {
  const auto one = summarize_accuracy(std::vector<double>{0.8}, 1);
  EXPECT_DOUBLE_EQ(one.acc, 0.8);
  EXPECT_TRUE(std::isnan(one.bwt));
  // Joint training evaluates only after the last task: earlier diagonal entries NaN.
  const auto joint = summarize_accuracy(std::vector<double>{nan, nan, 0.7, 0.9}, 2);
  EXPECT_DOUBLE_EQ(joint.acc, 0.8);
  EXPECT_TRUE(std::isnan(joint.bwt));
}

}  // namespace
}  // namespace spikeq::io
