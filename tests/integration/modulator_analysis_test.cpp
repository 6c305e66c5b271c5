// spikeq analyze and spikeq plot --modulators on neuromodulator channels fed by
// schedules with known releases (tests/data/neuromodulators/schedule.textproto):
// "dopamine" releases 1.0 at 100 ms and 0.5 at 300 ms, tau 50 ms, tonic 0.1, t_stop
// 1000 ms; "control" releases 0 at 200 ms, 0.25 at 250 ms and 0 at 800 ms (tau 20 ms,
// tonic 0).
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/modulator_statistics.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

constexpr double tau = 50, tonic = 0.1;

// M(t) = tonic + sum_{t_k <= t} a_k exp(-(t - t_k) / tau); `left`: t_k < t.
double dopamine_level(double t, bool left = false) {
  double m = tonic;
  for (const auto& [tk, ak] : {std::pair{100.0, 1.0}, std::pair{300.0, 0.5}})
    if (tk < t || (!left && tk == t)) m += ak * std::exp(-(t - tk) / tau);
  return m;
}

// The mean of M over [A, B] (the exact integral of the exponentials, truncated at B):
// tonic + (1 / (B - A)) sum_{t_k <= B} a_k tau (exp(-(max(A, t_k) - t_k) / tau) -
// exp(-(B - t_k) / tau)).
double dopamine_mean(double a, double b) {
  double integral = 0;
  for (const auto& [tk, ak] : {std::pair{100.0, 1.0}, std::pair{300.0, 0.5}})
    if (tk <= b) integral += ak * tau * (std::exp(-(std::max(a, tk) - tk) / tau) - std::exp(-(b - tk) / tau));
  return tonic + integral / (b - a);
}

std::filesystem::path run_schedule(const std::filesystem::path& dir) {
  const auto out = dir / "out.h5";
  const auto r = run_spikeq("run '" + source_path("tests/data/neuromodulators/schedule.textproto") +
                                "' -o '" + out.string() + "' -q",
                            dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

TEST(analyze, neuromodulator_mean_level_is_the_exact_integral_of_the_releases) {
  const auto dir = scratch_dir("analyze_modulators");
  const auto out = run_schedule(dir);
  auto r = run_spikeq("analyze '" + out.string() + "' --json '" + (dir / "s.json").string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Over [0, 1000]: tonic + (1.0 * 50 (1 - e^-18) + 0.5 * 50 (1 - e^-14)) / 1000 = 0.17499998.
  EXPECT_NE(r.out.find("neuromodulator dopamine (tau 50 ms, tonic 0.1): 2 releases (2 non-zero), total 1.5, "
                       "2 per s\n  level over [0, 1000] ms: mean 0.175, peak 1.1 at 100 ms\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("neuromodulator control (tau 20 ms, tonic 0): 3 releases (1 non-zero), total 0.25, "
                       "3 per s\n"),
            std::string::npos)
      << r.out;
  const auto json = nlohmann::json::parse(read_text(dir / "s.json"));
  const auto& d = json["neuromodulators"]["dopamine"];
  EXPECT_NEAR(d["mean_level"].get<double>(), dopamine_mean(0, 1000), 1e-14);
  EXPECT_NEAR(d["mean_level"].get<double>(), 0.175 - 0.05 * std::exp(-18.0) - 0.025 * std::exp(-14.0), 1e-14);
  EXPECT_EQ(d["releases"].get<int>(), 2);
  EXPECT_EQ(d["nonzero_releases"].get<int>(), 2);
  EXPECT_DOUBLE_EQ(d["total_amount"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(d["release_rate"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(d["peak_level"].get<double>(), 1.1);
  EXPECT_DOUBLE_EQ(d["peak_time"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(d["tau"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(d["tonic"].get<double>(), 0.1);
  const auto& c = json["neuromodulators"]["control"];
  EXPECT_EQ(c["releases"].get<int>(), 3);
  EXPECT_EQ(c["nonzero_releases"].get<int>(), 1);
  // 0.25 * 20 (1 - e^{-750/20}) / 1000.
  EXPECT_NEAR(c["mean_level"].get<double>(), 0.25 * 20 * (1 - std::exp(-37.5)) / 1000, 1e-15);
  EXPECT_EQ(json["units"]["release_rate"], "Hz");

  // A window that starts after the first release and cuts the second one short.
  r = run_spikeq("analyze '" + out.string() + "' --t-start 200 --t-stop 320 --bin 1 --json '" +
                     (dir / "w.json").string() + "'",
                 dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = nlohmann::json::parse(read_text(dir / "w.json"))["neuromodulators"]["dopamine"];
  EXPECT_NEAR(w["mean_level"].get<double>(), dopamine_mean(200, 320), 1e-14);
  EXPECT_EQ(w["releases"].get<int>(), 1);
  EXPECT_NEAR(w["peak_level"].get<double>(), dopamine_level(300), 1e-14);
  EXPECT_NE(r.out.find("level over [200, 320] ms"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

TEST(analyze, files_without_neuromodulators_show_no_channel_section) {
  const auto dir = scratch_dir("analyze_no_modulators");
  {
    std::ofstream(dir / "net.textproto") << R"(
simulation { t_stop: 500 }
population { name: "gen" size: 1 spike_generator { train { spike_times: [100, 200, 300] } } }
recording { spikes { population: "gen" } }
)";
  }
  const auto out = dir / "out.h5";
  ASSERT_EQ(run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out.string() + "' -q", dir)
                .exit_code,
            0);
  auto r = run_spikeq("analyze '" + out.string() + "' --json '" + (dir / "s.json").string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("neuromodulator"), std::string::npos) << r.out;
  EXPECT_FALSE(nlohmann::json::parse(read_text(dir / "s.json")).contains("neuromodulators"));
  r = run_spikeq("plot '" + out.string() + "' --modulators '" + (dir / "m.png").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/neuromodulators"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(analyze, neuromodulator_trace_is_exact_at_every_vertex) {
  const auto dir = scratch_dir("analyze_modulator_trace");
  const auto out = run_schedule(dir);
  const io::hdf5_reader reader(out);
  const auto trace = analysis::trace_modulator(reader, "dopamine", 0, 1000, 137);
  ASSERT_GE(trace.times_ms.size(), 139u);
  EXPECT_EQ(trace.times_ms.front(), 0.0);
  EXPECT_EQ(trace.times_ms.back(), 1000.0);
  double highest = 0;
  for (std::size_t k = 0; k < trace.times_ms.size(); ++k) {
    const double t = trace.times_ms[k], m = trace.levels[k];
    EXPECT_TRUE(std::abs(m - dopamine_level(t)) < 1e-14 || std::abs(m - dopamine_level(t, true)) < 1e-14)
        << "vertex " << k << " at " << t << " ms: " << m;
    if (k > 0) {
      EXPECT_GE(t, trace.times_ms[k - 1]);
    }
    highest = std::max(highest, m);
  }
  EXPECT_DOUBLE_EQ(highest, 1.1);  // the jump at 100 ms is drawn in full
  int marked = 0;
  for (const auto f : trace.release_cells) marked += f != 0;
  EXPECT_EQ(marked, 2);
  EXPECT_EQ(trace.release_cells[static_cast<std::size_t>(100 / trace.cell_ms)], 1);
  std::filesystem::remove_all(dir);
}

TEST(plot, modulators_draw_each_channel_from_its_releases) {
  const auto dir = scratch_dir("plot_modulators");
  const auto out = run_schedule(dir);
  for (const std::string ext : {".png", ".svg", ".pdf"}) {
    const auto figure = dir / ("modulators" + ext);
    const auto r = run_spikeq("plot '" + out.string() + "' --modulators '" + figure.string() + "'", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(std::filesystem::exists(figure));
    EXPECT_GT(std::filesystem::file_size(figure), 1000u) << figure;
  }
  cairo_surface_t* png = cairo_image_surface_create_from_png((dir / "modulators.png").c_str());
  ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
  // Two panels (control, then dopamine) of 150 pt, 62 pt apart, below a 40 pt margin.
  EXPECT_EQ(cairo_image_surface_get_width(png), 900);
  EXPECT_EQ(cairo_image_surface_get_height(png), 40 + 150 + 62 + 150 + 58);
  const auto inked = [&](int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      const auto* row = cairo_image_surface_get_data(png) + y * cairo_image_surface_get_stride(png);
      for (int x = x0; x < x1; ++x)
        n += (reinterpret_cast<const std::uint32_t*>(row)[x] & 0xFFFFFFu) != 0xFFFFFFu;
    }
    return n;
  };
  // Dopamine panel: top 252, 0-1000 ms over x 80-760. Its y range is [0, 1.1 * 1.111]
  // (room above the peak for the release marks), so the peak 1.1 at 100 ms (x 148)
  // is near y 267, while at 620 ms (x 502) the level is back near tonic (y ~ 390).
  const int top = 252;
  EXPECT_GT(inked(146, top + 12, 151, top + 40), 0) << "the jump to 1.1 at 100 ms";
  EXPECT_EQ(inked(490, top + 12, 515, top + 120), 0) << "nothing high at 620 ms";
  EXPECT_GT(inked(490, top + 125, 515, top + 149), 0) << "the level near tonic at 620 ms";
  EXPECT_GT(inked(146, top + 1, 151, top + 9), 0) << "release mark at 100 ms";
  EXPECT_GT(inked(282, top + 1, 287, top + 9), 0) << "release mark at 300 ms";
  EXPECT_EQ(inked(200, top + 1, 270, top + 9), 0) << "no release between";
  // Control panel (top 40): grey marks of the zero-amount releases at 200 and 800 ms
  // in the second row.
  EXPECT_GT(inked(214, 40 + 10, 219, 40 + 18), 0) << "zero-amount release at 200 ms";
  EXPECT_GT(inked(622, 40 + 10, 627, 40 + 18), 0) << "zero-amount release at 800 ms";
  // Labels: y label left of each panel, x label below the last one.
  EXPECT_GT(inked(0, 40, 60, 190), 0);
  EXPECT_GT(inked(0, top, 60, top + 150), 0);
  EXPECT_GT(inked(300, top + 150 + 20, 560, top + 150 + 45), 0);
  cairo_surface_destroy(png);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
