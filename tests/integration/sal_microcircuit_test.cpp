// The SAL paper's Fig. 6 microcircuit (examples/sal_microcircuit*.textproto, written
// by examples/sal_microcircuit.py; docs/models/sal_microcircuit.md) run through the
// CLI for two epochs: the phases switch learning as the paper code's run_pattern
// does, the copy-backprop tie holds B12 = W21 at every frame, and bad microcircuit
// input is exit 2 with file:line:col.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

constexpr int patterns_per_epoch = 26;  // 15 learning, 5 symmetrization, 6 validation
constexpr const char* two_epochs = "--t-stop 1040000";

frame_data run_and_read(const std::string& example, const std::string& projection, const std::string& name) {
  const auto dir = scratch_dir(name);
  const auto r = run_spikeq(
      "run '" + source_path("examples/" + example) + "' -o '" + (dir / "out.h5").string() + "' " + two_epochs,
      dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return read_frames(dir / "out.h5", projection);
}

// Frame k is the weight at the end of pattern k (frame 0: t = 0).
bool changed(const frame_data& w, int pattern) { return w.values[pattern + 1] != w.values[pattern]; }

TEST(sal_microcircuit, feedback_learns_only_in_symmetrization_and_forward_only_in_learning_phases) {
  const auto b = run_and_read("sal_microcircuit.textproto", "out_hid", "mc_sal_b");
  const auto w = run_and_read("sal_microcircuit.textproto", "hid_out", "mc_sal_w");
  ASSERT_EQ(b.frames, 2U * patterns_per_epoch + 1);
  for (int e = 0; e < 2; ++e)
    for (int p = 0; p < patterns_per_epoch; ++p) {
      const int k = e * patterns_per_epoch + p;
      const bool learning = p < 15, symmetrization = p >= 15 && p < 20;
      EXPECT_EQ(changed(b, k), symmetrization) << "pattern " << p << " of epoch " << e;
      EXPECT_EQ(changed(w, k), learning) << "pattern " << p << " of epoch " << e;
    }
}

TEST(sal_microcircuit, copy_backprop_ties_the_feedback_to_the_forward_weight_at_every_frame) {
  const auto b = run_and_read("sal_microcircuit_bp.textproto", "out_hid", "mc_bp_b");
  const auto w = run_and_read("sal_microcircuit_bp.textproto", "hid_out", "mc_bp_w");
  ASSERT_EQ(b.frames, w.frames);
  EXPECT_NE(w.values.front(), w.values.back());  // W21 learned
  EXPECT_EQ(b.values, w.values);
}

TEST(sal_microcircuit, fixed_random_feedback_stays_at_its_initial_value) {
  const auto b = run_and_read("sal_microcircuit_fa.textproto", "out_hid", "mc_fa_b");
  for (const float v : b.values) EXPECT_EQ(v, b.values.front());
}

// Each case: a replacement in the SAL example and the message expected at file:line:col.
TEST(sal_microcircuit, bad_microcircuit_input_is_exit_2_naming_the_field) {
  const std::string text = read_text(source_path("examples/sal_microcircuit.textproto"));
  const struct {
    const char* from;
    const char* to;
    const char* message;
  } cases[] = {
      {"receptor_type: APICAL\n", "\n", "set receptor_type BASAL, APICAL or APICAL_INTERNEURON"},
      {"tie { projection: \"hid_out\" }", "tie { projection: \"nowhere\" }", "unknown projection 'nowhere'"},
      {"parameter: \"apical_coupling\"", "parameter: \"apical_gain\"", "not 'apical_gain'"},
      {"receptor_type: EXCITATORY", "receptor_type: BASAL", "exists only on glm_pyramidal targets"},
      {"average_window: 2000", "average_window: 2000.5", "average_window = 2000.5 ms is not a whole number"},
  };
  for (const auto& c : cases) {
    const auto dir = scratch_dir("mc_bad");
    ASSERT_NE(text.find(c.from), std::string::npos) << c.from;
    write_text(dir / "bad.textproto", replace_all(text, c.from, c.to));
    const auto r = run_spikeq("validate '" + (dir / "bad.textproto").string() + "'", dir);
    EXPECT_EQ(r.exit_code, 2) << c.from;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.textproto:"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace spikeq::testing
