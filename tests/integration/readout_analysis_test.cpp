// spikeq analyze and spikeq plot --readouts on a readout trained by a trial protocol
// (the paradigm of readout_protocol_test.cpp): a clock of spike generators fires at
// 300 + 30 j ms (j = 0..9) after each trial's start, the outcome follows at 500 ms, A
// with probability 0.8, otherwise B; readout neurons 0 ("A"), 1 ("B") and 2 ("when")
// are taught 1 for 50 ms from their outcome. The clock is the same on every trial, so
// after learning every readout responds on every trial, at the outcome time, with
// p times the response of "when": A about 4 times B.
#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

constexpr int readout_trials = 400;

std::string network_text() {
  std::string trains;
  for (int j = 0; j < 10; ++j) {
    std::string times;
    for (int k = 0; k < readout_trials; ++k)
      times += fmt::format("{}{}", times.empty() ? "" : ", ", 1000 * k + 300 + 30 * j);
    trains += fmt::format("    train {{ spike_times: [{}] }}\n", times);
  }
  return fmt::format(R"(simulation {{ resolution: 0.01 dt: 1 t_stop: {t_stop} seed: 5 }}
population {{
  name: "clock"
  size: 10
  spike_generator {{
{trains}  }}
}}
population {{ name: "readout" size: 3 linear_readout {{ tau: 50 }} }}
projection {{
  name: "clock_to_readout"
  source: "clock"
  target: "readout"
  all_to_all {{}}
  weight {{ constant: 0 }}
  delay {{ constant: 1 }}
  plasticity {{ error_modulated_hebbian {{ eta: 1e-3 mode: ONLINE }} }}
}}
protocol {{
  trial_duration: 1000
  latency: 500
  outcome {{ name: "A" probability: 0.8
    teacher {{ readout: "readout" neurons: [0, 2] duration: 50 }} }}
  outcome {{ name: "B" probability: 0.2
    teacher {{ readout: "readout" neurons: [1, 2] duration: 50 }} }}
  gate {{ start: -100 stop: 100 }}
}}
recording {{
  spikes {{ population: "clock" }}
  state {{ population: "readout" variable: "y" interval: 5 }}
  state {{ population: "readout" variable: "target" interval: 5 }}
}}
)",
                     fmt::arg("t_stop", 1000 * readout_trials), fmt::arg("trains", trains));
}

// One run shared by the tests of this file.
class readout_analysis : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(scratch_dir("readout_analysis"));
    std::ofstream(*dir_ / "net.textproto") << network_text();
    const auto r = run_spikeq(
        "run '" + (*dir_ / "net.textproto").string() + "' -o '" + (*dir_ / "out.h5").string() + "' -q",
        *dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static const std::filesystem::path& dir() { return *dir_; }
  static std::filesystem::path out() { return *dir_ / "out.h5"; }

 private:
  static std::filesystem::path* dir_;
};
std::filesystem::path* readout_analysis::dir_ = nullptr;

TEST_F(readout_analysis, responses_peak_at_the_outcome_in_proportion_to_its_probability) {
  const auto json_path = dir() / "s.json";
  const auto r = run_spikeq("analyze '" + out().string() + "' --json '" + json_path.string() + "'", dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("readout readout (/report/readout): mean over trials of y around the outcome, "
                       "[-300, 300] ms every 5 ms\n  400 of 400 selected trials, 0-399 (A "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("/report/readout.target"), std::string::npos) << "only y is analysed";

  const auto json = nlohmann::json::parse(read_text(json_path));
  const auto& ro = json["readouts"]["readout"];
  EXPECT_EQ(ro["population"], "readout");
  EXPECT_EQ(ro["variable"], "y");
  EXPECT_EQ(ro["align"], "outcome");
  EXPECT_EQ(ro["offsets"]["first"].get<double>(), -300.0);
  EXPECT_EQ(ro["offsets"]["last"].get<double>(), 300.0);
  EXPECT_EQ(ro["offsets"]["step"].get<double>(), 5.0);
  EXPECT_EQ(ro["trials"]["used"].get<int>(), readout_trials);
  EXPECT_EQ(ro["blocks"]["last_quarter"]["first"].get<int>(), 300);
  EXPECT_EQ(ro["blocks"]["last_quarter"]["last"].get<int>(), 399);
  EXPECT_EQ(json["units"]["offsets"], "ms");

  // After learning (last quarter, all trials): every readout peaks within the teacher's
  // 50 ms after the outcome, A and B at about 0.8 and 0.2 of "when".
  const auto late = [&](int neuron, const char* key) {
    return ro["neurons"][neuron]["all"]["last_quarter"][key].get<double>();
  };
  for (int n = 0; n < 3; ++n) {
    EXPECT_GE(late(n, "peak_time"), 0.0) << "neuron " << n;
    EXPECT_LE(late(n, "peak_time"), 50.0) << "neuron " << n;
  }
  EXPECT_GT(late(2, "peak"), 0.8);
  EXPECT_NEAR(late(0, "peak") / late(2, "peak"), 0.8, 0.1);
  EXPECT_NEAR(late(1, "peak") / late(2, "peak"), 0.2, 0.1);
  const double ratio = late(0, "peak") / late(1, "peak");
  EXPECT_GT(ratio, 3.0);
  EXPECT_LT(ratio, 5.5);
  // Learning: the first quarter responds less than the last.
  EXPECT_LT(ro["neurons"][0]["all"]["first_quarter"]["peak"].get<double>(), 0.8 * late(0, "peak"));
  // The outcome counts add up.
  const auto& n0 = ro["neurons"][0];
  EXPECT_EQ(n0["outcomes"]["A"]["all"]["trials"].get<int>() + n0["outcomes"]["B"]["all"]["trials"].get<int>(),
            readout_trials);

  // Every number against a direct computation from the file: frames every 5 ms from
  // 0 and outcomes on the frame grid, so the response at offset d of trial k is the
  // frame (outcome_time[k] + d) / 5.
  io::hdf5_reader file(out());
  const auto outcome_time = file.read_doubles("/protocol/outcome_time");
  const auto outcome = file.read_uint64s("/protocol/outcome");
  const auto data = file.read_float_matrix("/report/readout/data");
  ASSERT_EQ(outcome_time.size(), static_cast<std::size_t>(readout_trials));
  int checked = 0;
  for (const char* block : {"all", "first_quarter", "last_quarter"}) {
    const int first = ro["blocks"][block]["first"], last = ro["blocks"][block]["last"];
    for (int n = 0; n < 3; ++n)
      for (int o = -1; o < 2; ++o) {
        const auto& got =
            o < 0 ? ro["neurons"][n]["all"][block] : ro["neurons"][n]["outcomes"][o == 0 ? "A" : "B"][block];
        double peak = 0, peak_time = 0, at_zero = 0;
        int count = 0;
        for (int d = -300; d <= 300; d += 5) {
          double sum = 0;
          count = 0;
          for (int k = first; k <= last; ++k) {
            if (o >= 0 && outcome[static_cast<std::size_t>(k)] != static_cast<std::uint64_t>(o)) continue;
            const auto frame =
                static_cast<std::uint64_t>((outcome_time[static_cast<std::size_t>(k)] + d) / 5.0);
            sum += data.at(frame, static_cast<std::uint64_t>(n));
            ++count;
          }
          const double mean = sum / count;
          if (d == -300 || std::abs(mean) > std::abs(peak)) {
            peak = mean;
            peak_time = d;
          }
          if (d == 0) at_zero = mean;
        }
        EXPECT_EQ(got["trials"].get<int>(), count) << block << " neuron " << n << " outcome " << o;
        EXPECT_NEAR(got["peak"].get<double>(), peak, 1e-12 * std::abs(peak)) << block << " " << n << " " << o;
        EXPECT_EQ(got["peak_time"].get<double>(), peak_time) << block << " " << n << " " << o;
        EXPECT_NEAR(got["at_zero"].get<double>(), at_zero, 1e-12 * std::abs(at_zero) + 1e-15)
            << block << " " << n << " " << o;
        ++checked;
      }
  }
  EXPECT_EQ(checked, 27);
}

TEST_F(readout_analysis, trials_window_and_alignment_options) {
  const auto json_path = dir() / "o.json";
  auto r = run_spikeq("analyze '" + out().string() + "' --trials 100:200 --readout-window -50:120 --json '" +
                          json_path.string() + "'",
                      dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ro = nlohmann::json::parse(read_text(json_path))["readouts"]["readout"];
  EXPECT_EQ(ro["trials"]["selected"].get<int>(), 100);
  EXPECT_EQ(ro["blocks"]["all"]["first"].get<int>(), 100);
  EXPECT_EQ(ro["blocks"]["all"]["last"].get<int>(), 199);
  EXPECT_EQ(ro["blocks"]["first_quarter"]["last"].get<int>(), 124);
  EXPECT_EQ(ro["offsets"]["first"].get<double>(), -50.0);
  EXPECT_EQ(ro["offsets"]["last"].get<double>(), 120.0);
  // Aligned to the trial start, a window of -800 to 1200 ms is clipped to the trial [0, 1000).
  r = run_spikeq("analyze '" + out().string() +
                     "' --align start --readout-window=-800:1200 --t-start 10000 " + "--json '" +
                     json_path.string() + "'",
                 dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ro = nlohmann::json::parse(read_text(json_path))["readouts"]["readout"];
  EXPECT_EQ(ro["align"], "start");
  EXPECT_EQ(ro["offsets"]["first"].get<double>(), 0.0);
  EXPECT_EQ(ro["offsets"]["last"].get<double>(), 995.0);
  EXPECT_EQ(ro["trials"]["selected"].get<int>(), readout_trials - 10);  // trial starts in [10000, t_stop)
  EXPECT_NEAR(ro["neurons"][2]["all"]["all"]["peak_time"].get<double>(), 515.0, 50.0);
  EXPECT_NE(r.out.find("around the trial start, [0, 995] ms every 5 ms"), std::string::npos) << r.out;

  for (const auto& [options, message] :
       {std::pair{"--trials 5:2", "B > A"}, std::pair{"--trials x:", "not a number"},
        std::pair{"--trials 1.5:", "whole numbers"}, std::pair{"--align middle", "choose outcome or start"},
        std::pair{"--readout-window 10:-10", "LOW <= HIGH"}, std::pair{"--trials 1000:", "no trial"},
        std::pair{"--readout-window 1:3", "holds no frame"}}) {
    r = run_spikeq("analyze '" + out().string() + "' " + options, dir());
    EXPECT_EQ(r.exit_code, 2) << options;
    EXPECT_NE(r.err.find(message), std::string::npos) << options << ": " << r.err;
  }
}

// The rendered figure: three panels (readout neurons 0, 1, 2) side by side, 238 pt wide
// and 42 pt apart from x = 72, 210 pt high from y = 78; offsets -300..300 ms.
TEST_F(readout_analysis, plot_draws_one_panel_per_readout_neuron) {
  for (const std::string ext : {".png", ".svg", ".pdf"}) {
    const auto figure = dir() / ("readouts" + ext);
    const auto r = run_spikeq("plot '" + out().string() + "' --readouts '" + figure.string() + "'", dir());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GT(std::filesystem::file_size(figure), 2000u) << figure;
  }
  cairo_surface_t* png = cairo_image_surface_create_from_png((dir() / "readouts.png").c_str());
  ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(cairo_image_surface_get_width(png), 900);
  EXPECT_EQ(cairo_image_surface_get_height(png), 78 + 210 + 56);
  // Pixels close to an outcome's colour (Okabe-Ito blue for A, vermillion for B).
  const auto count = [&](int x0, int y0, int x1, int y1, std::uint32_t rgb) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      const auto* row = cairo_image_surface_get_data(png) + y * cairo_image_surface_get_stride(png);
      for (int x = x0; x < x1; ++x) {
        const std::uint32_t p = reinterpret_cast<const std::uint32_t*>(row)[x];
        int d = 0;
        for (int shift : {0, 8, 16})
          d = std::max(
              d, std::abs(static_cast<int>((p >> shift) & 0xFF) - static_cast<int>((rgb >> shift) & 0xFF)));
        n += d < 30;
      }
    }
    return n;
  };
  constexpr std::uint32_t blue = 0x0072B2, vermillion = 0xD55E00;
  const auto x_of = [](int panel, double offset) {
    return static_cast<int>(72 + panel * (238 + 42) + (offset + 300) / 600 * 238);
  };
  for (int panel = 0; panel < 3; ++panel) {
    // Both outcomes' curves (in panel 2 A's and B's responses and teachers coincide, and
    // A shows as the rim of its thicker line around B's).
    EXPECT_GT(count(x_of(panel, -300), 78, x_of(panel, 300), 288, blue), 20) << "panel " << panel;
    EXPECT_GT(count(x_of(panel, -300), 78, x_of(panel, 300), 288, vermillion), 50) << "panel " << panel;
    // Nothing high long before the outcome: the upper half is empty before -100 ms.
    EXPECT_EQ(count(x_of(panel, -290), 80, x_of(panel, -100), 183, blue), 0) << "panel " << panel;
  }
  // Neuron 0 ("A") responds near 0.9 of the y range on B trials too (vermillion, solid:
  // B's teacher for it is 0), neuron 1 ("B") only about 0.2 of it.
  EXPECT_GT(count(x_of(0, 0), 78, x_of(0, 40), 140, vermillion), 3);
  EXPECT_EQ(count(x_of(1, 10), 150, x_of(1, 40), 230, vermillion), 0);
  EXPECT_GT(count(x_of(1, 10), 230, x_of(1, 40), 288, vermillion), 3);
  cairo_surface_destroy(png);

  // A run without a protocol has nothing to draw.
  std::ofstream(dir() / "plain.textproto") << R"(simulation { t_stop: 100 }
population { name: "g" size: 1 spike_generator { train { spike_times: [10] } } }
population { name: "r" size: 1 linear_readout {} }
projection { source: "g" target: "r" all_to_all {} weight { constant: 1 } }
recording { spikes { population: "g" } state { population: "r" variable: "y" interval: 1 } }
)";
  auto r = run_spikeq(
      "run '" + (dir() / "plain.textproto").string() + "' -o '" + (dir() / "plain.h5").string() + "' -q",
      dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_spikeq(
      "plot '" + (dir() / "plain.h5").string() + "' --readouts '" + (dir() / "p.png").string() + "'", dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/protocol"), std::string::npos) << r.err;
  r = run_spikeq("analyze '" + (dir() / "plain.h5").string() + "'", dir());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("readout"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace spikeq::testing
