// recording.alignment end to end (docs/models/alignment.md): /alignment/<name> is
// written at the documented sample times and holds the measures of the weights at
// exactly those times, recomputed here from the recorded weights with a plain dense
// implementation; spikeq analyze, its JSON, the python reader and spikeq plot
// --alignment report them.
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

// The measures on dense matrices W[upper][lower] and BT[upper][lower] as the paper
// code defines them (symmnet/utils.py, main_salnet.py), written out plainly.
struct measures {
  double angle, variance, pearson, sign;
};
measures dense_measures(const std::vector<std::vector<double>>& w,
                        const std::vector<std::vector<double>>& bt) {
  std::vector<double> x, y;
  for (std::size_t i = 0; i < w.size(); ++i)
    for (std::size_t j = 0; j < w[i].size(); ++j) {
      x.push_back(w[i][j]);
      y.push_back(bt[i][j]);
    }
  const double n = static_cast<double>(x.size());
  double dot = 0, xx = 0, yy = 0, mx = 0, my = 0, md = 0, sign = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    dot += x[k] * y[k];
    xx += x[k] * x[k];
    yy += y[k] * y[k];
    mx += x[k] / n;
    my += y[k] / n;
    md += (x[k] - y[k]) / n;
    sign += ((x[k] > 0) - (x[k] < 0)) * ((y[k] > 0) - (y[k] < 0)) / n;
  }
  double vd = 0, vx = 0, vy = 0, cxy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    vd += (x[k] - y[k] - md) * (x[k] - y[k] - md);
    vx += (x[k] - mx) * (x[k] - mx);
    vy += (y[k] - my) * (y[k] - my);
    cxy += (x[k] - mx) * (y[k] - my);
  }
  return {std::acos(std::clamp(dot / std::sqrt(xx) / std::sqrt(yy), -1.0, 1.0)) * 180 / M_PI, vd / (n - 1),
          cxy / std::sqrt(vx * vy), sign};
}

struct alignment_data {
  std::vector<double> time, angle, variance, pearson, sign;
};
alignment_data read_alignment(const std::filesystem::path& file, const std::string& name) {
  const io::hdf5_reader r(file);
  const std::string g = "/alignment/" + name;
  return {r.read_doubles(g + "/time"), r.read_doubles(g + "/angle_deg"),
          r.read_doubles(g + "/variance_of_difference"), r.read_doubles(g + "/pearson"),
          r.read_doubles(g + "/sign_agreement")};
}

// Lower (3 neurons) -> upper (2) through "w", back through "b", with known weights:
//   W   = [[1, 2, 0], [-1, 0, 2]]   (w: lower 2 -> upper 1 twice, 0.5 + 1.5)
//   B^T = [[0.5, 0, 1], [0, -2, 3]]
// and a recurrent "r" on "rec": W_r = [[0, 1, 0.5], [1, 0, 0], [2, 1.5, 0]].
constexpr const char* static_network = R"(
simulation { t_stop: 100 }
population { name: "lower" size: 3 iaf_psc_delta {} }
population { name: "upper" size: 2 iaf_psc_delta {} }
population { name: "rec" size: 3 iaf_psc_delta {} }
projection {
  name: "w" source: "lower" target: "upper" receptor_type: EXCITATORY
  from_list {
    connection { source: 0 target: 0 weight: 1 }
    connection { source: 1 target: 0 weight: 2 }
    connection { source: 2 target: 1 weight: 0.5 }
    connection { source: 2 target: 1 weight: 1.5 }
    connection { source: 0 target: 1 weight: -1 }
  }
}
projection {
  name: "b" source: "upper" target: "lower" receptor_type: EXCITATORY
  from_list {
    connection { source: 0 target: 0 weight: 0.5 }
    connection { source: 0 target: 2 weight: 1 }
    connection { source: 1 target: 2 weight: 3 }
    connection { source: 1 target: 1 weight: -2 }
  }
}
projection {
  name: "r" source: "rec" target: "rec"
  from_list {
    connection { source: 0 target: 1 weight: 1 }
    connection { source: 1 target: 0 weight: 1 }
    connection { source: 0 target: 2 weight: 2 }
    connection { source: 2 target: 0 weight: 0.5 }
    connection { source: 1 target: 2 weight: 1.5 }
  }
}
recording {
  alignment { name: "wb" forward: "w" feedback: "b" interval: 25 }
  alignment { forward: "b" feedback: "w" }
  alignment { name: "rr" forward: "r" feedback: "r" }
}
)";

std::filesystem::path run_text(const std::filesystem::path& dir, const std::string& text,
                               const std::string& extra = "") {
  { std::ofstream(dir / "net.textproto") << text; }
  const auto out = dir / "out.h5";
  const auto r =
      run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out.string() + "' -q " + extra, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

TEST(alignment, static_projections_give_the_hand_computed_measures_at_every_interval) {
  const auto dir = scratch_dir("alignment_static");
  const auto out = run_text(dir, static_network);
  const std::vector<std::vector<double>> w{{1, 2, 0}, {-1, 0, 2}}, bt{{0.5, 0, 1}, {0, -2, 3}};
  const auto expected = dense_measures(w, bt);
  // By hand: <w, b> = 0.5 + 6 = 6.5, |w|^2 = 10, |b|^2 = 14.25; signs agree at 2 of 6.
  EXPECT_NEAR(expected.angle, std::acos(6.5 / std::sqrt(142.5)) * 180 / M_PI, 1e-12);
  EXPECT_NEAR(expected.sign, 1.0 / 3.0, 1e-15);
  const auto a = read_alignment(out, "wb");
  EXPECT_EQ(a.time, (std::vector<double>{0, 25, 50, 75, 100}));
  for (std::size_t k = 0; k < a.time.size(); ++k) {
    EXPECT_NEAR(a.angle[k], expected.angle, 1e-12);
    EXPECT_NEAR(a.variance[k], expected.variance, 1e-14);
    EXPECT_NEAR(a.pearson[k], expected.pearson, 1e-14);
    EXPECT_NEAR(a.sign[k], 1.0 / 3.0, 1e-15);
  }
  // The reverse pair compares B with W^T: the same angle and correlation; without an
  // interval or a protocol, samples only at the start and the end.
  const auto reverse = read_alignment(out, "b_vs_w");
  EXPECT_EQ(reverse.time, (std::vector<double>{0, 100}));
  EXPECT_NEAR(reverse.angle[1], expected.angle, 1e-12);
  EXPECT_NEAR(reverse.pearson[1], expected.pearson, 1e-14);
  // Recurrent: W_r against its transpose; the variance is the asymmetry of the upper
  // triangle: W_01 - W_10 = 0, W_02 - W_20 = -1.5, W_12 - W_21 = -1.5 -> var 0.5.
  const std::vector<std::vector<double>> wr{{0, 1, 0.5}, {1, 0, 0}, {2, 1.5, 0}},
      wrt{{0, 1, 2}, {1, 0, 1.5}, {0.5, 0, 0}};
  const auto rec = read_alignment(out, "rr");
  const auto rec_expected = dense_measures(wr, wrt);
  ASSERT_EQ(rec.time.size(), 2u);
  EXPECT_NEAR(rec.variance[1], 0.5, 1e-15);
  EXPECT_NEAR(rec.angle[1], rec_expected.angle, 1e-12);
  EXPECT_NEAR(rec.pearson[1], rec_expected.pearson, 1e-14);
  EXPECT_NEAR(rec.sign[1], rec_expected.sign, 1e-15);
  const io::hdf5_reader r(out);
  EXPECT_EQ(r.string_attribute("/alignment/wb", "forward"), "w");
  EXPECT_EQ(r.string_attribute("/alignment/wb", "feedback"), "b");
  EXPECT_EQ(r.string_attribute("/alignment/wb", "upper_population"), "upper");
  EXPECT_EQ(r.string_attribute("/alignment/wb", "lower_population"), "lower");
  EXPECT_EQ(r.integer_attribute("/alignment/wb", "upper_size").at(0), 2u);
  EXPECT_EQ(r.integer_attribute("/alignment/wb", "lower_size").at(0), 3u);
  EXPECT_EQ(r.integer_attribute("/alignment/wb", "recurrent").at(0), 0u);
  EXPECT_EQ(r.integer_attribute("/alignment/rr", "recurrent").at(0), 1u);
  EXPECT_EQ(r.string_attribute("/alignment/wb/time", "units"), "ms");
  EXPECT_EQ(r.string_attribute("/alignment/wb/angle_deg", "units"), "deg");
  std::filesystem::remove_all(dir);
}

// Lower and upper iaf_psc_exp layers driven by Poisson input; the forward projection
// learns with pair STDP only inside the protocol's phase [20, 60) ms of each 100 ms
// trial; the feedback projection is static.
constexpr const char* plastic_network = R"(
simulation { t_stop: 350 seed: 5 }
population { name: "in" size: 30 poisson_generator { rate: 50 } }
population { name: "lower" size: 10 iaf_psc_exp { I_e: 360 } }
population { name: "upper" size: 6 iaf_psc_exp { I_e: 360 } }
projection {
  name: "drive" source: "in" target: "lower" fixed_probability { p: 0.5 }
  weight { constant: 120 } delay { constant: 1 }
}
projection {
  name: "fwd" source: "lower" target: "upper" fixed_probability { p: 0.7 }
  weight { uniform { low: 20 high: 90 } } delay { uniform { low: 0.5 high: 2 } }
  plasticity { stdp { Wmax: 150 additive { A_plus: 3 A_minus: 3.2 } } }
}
projection {
  name: "fb" source: "upper" target: "lower" fixed_probability { p: 0.7 }
  weight { uniform { low: 5 high: 40 } } delay { constant: 1 }
}
protocol {
  trial_duration: 100 trials: 3
  outcome { name: "x" probability: 1 }
  phase { name: "learn" start: 20 stop: 60 projections: "fwd" }
}
recording {
  weights { projection: "fwd" events: true }
  weights { projection: "fb" }
  alignment { name: "layers" forward: "fwd" feedback: "fb" }
}
)";

// W at time t from the recorded weights: the initial weights, then every logged
// change up to and including t (double precision, as the rule holds them).
std::vector<std::vector<double>> matrix_at(const io::hdf5_reader& r, const std::string& name, double t,
                                           std::size_t rows, std::size_t columns, bool transposed) {
  const std::string g = "/edges/" + name;
  const auto source = r.read_uint64s(g + "/source_node_id");
  const auto target = r.read_uint64s(g + "/target_node_id");
  auto weight = r.read_doubles(g + "/0/initial_syn_weight");
  if (r.exists("/weight_events/" + name)) {
    const auto times = r.read_doubles("/weight_events/" + name + "/timestamps");
    const auto edges = r.read_uint64s("/weight_events/" + name + "/edge_ids");
    const auto values = r.read_doubles("/weight_events/" + name + "/weights");
    for (std::size_t k = 0; k < times.size() && times[k] <= t; ++k) weight[edges[k]] = values[k];
  }
  std::vector<std::vector<double>> m(rows, std::vector<double>(columns, 0.0));
  for (std::size_t e = 0; e < weight.size(); ++e)
    (transposed ? m[source[e]][target[e]] : m[target[e]][source[e]]) += weight[e];
  return m;
}

TEST(alignment, plastic_weights_are_sampled_at_trial_and_phase_ends_exactly) {
  const auto dir = scratch_dir("alignment_plastic");
  const auto out = run_text(dir, plastic_network);
  const auto a = read_alignment(out, "layers");
  // t = 0, the phase ends (60, 160, 260 ms), the trial ends (100, 200, 300 ms), t_stop.
  ASSERT_EQ(a.time, (std::vector<double>{0, 60, 100, 160, 200, 260, 300, 350}));
  const io::hdf5_reader r(out);
  ASSERT_GT(r.shape("/weight_events/fwd/timestamps").at(0), 0u) << "the forward weights must learn";
  for (std::size_t k = 0; k < a.time.size(); ++k) {
    const auto w = matrix_at(r, "fwd", a.time[k], 6, 10, false);
    const auto bt = matrix_at(r, "fb", a.time[k], 6, 10, true);
    const auto expected = dense_measures(w, bt);
    EXPECT_NEAR(a.angle[k], expected.angle, 1e-10) << "at " << a.time[k] << " ms";
    EXPECT_NEAR(a.variance[k], expected.variance, 1e-10 * expected.variance) << "at " << a.time[k] << " ms";
    EXPECT_NEAR(a.pearson[k], expected.pearson, 1e-12) << "at " << a.time[k] << " ms";
    EXPECT_NEAR(a.sign[k], expected.sign, 1e-15) << "at " << a.time[k] << " ms";
  }
  // Learning happens only in the phases: nothing changes between a phase end and the
  // next phase start, so the samples at 60 and 100 ms agree.
  EXPECT_EQ(a.angle[1], a.angle[2]);
  EXPECT_NE(a.angle[0], a.angle[1]);
  // The same for any thread count, to the last bit.
  const auto out2 = dir / "out2.h5";
  ASSERT_EQ(
      run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out2.string() + "' -q --threads 3",
                 dir)
          .exit_code,
      0);
  const auto b = read_alignment(out2, "layers");
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.angle, b.angle);
  EXPECT_EQ(a.variance, b.variance);
  EXPECT_EQ(a.pearson, b.pearson);
  EXPECT_EQ(a.sign, b.sign);
  std::filesystem::remove_all(dir);
}

TEST(analyze, alignment_prints_first_last_and_minimum_angle_and_final_measures) {
  const auto dir = scratch_dir("analyze_alignment");
  const auto out = run_text(dir, plastic_network);
  const auto a = read_alignment(out, "layers");
  const auto r = run_spikeq("analyze '" + out.string() + "' --json '" + (dir / "s.json").string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("alignment layers (fwd vs fb^T): 8 samples\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("final: var(W - B^T) "), std::string::npos) << r.out;
  const auto json = nlohmann::json::parse(read_text(dir / "s.json"))["alignment"]["layers"];
  std::size_t lowest = 0;
  for (std::size_t k = 1; k < a.angle.size(); ++k)
    if (a.angle[k] < a.angle[lowest]) lowest = k;
  EXPECT_EQ(json["samples"].get<int>(), 8);
  EXPECT_EQ(json["first"]["time"].get<double>(), 0.0);
  EXPECT_EQ(json["first"]["angle"].get<double>(), a.angle.front());
  EXPECT_EQ(json["last"]["time"].get<double>(), 350.0);
  EXPECT_EQ(json["last"]["angle"].get<double>(), a.angle.back());
  EXPECT_EQ(json["min_angle"]["angle"].get<double>(), a.angle[lowest]);
  EXPECT_EQ(json["min_angle"]["time"].get<double>(), a.time[lowest]);
  EXPECT_EQ(json["final_variance_of_difference"].get<double>(), a.variance.back());
  EXPECT_EQ(json["final_pearson"].get<double>(), a.pearson.back());
  EXPECT_EQ(json["final_sign_agreement"].get<double>(), a.sign.back());
  EXPECT_EQ(json["forward"], "fwd");
  EXPECT_EQ(json["feedback"], "fb");
  // A window: only the samples in [100, 260] ms.
  const auto w = run_spikeq(
      "analyze '" + out.string() + "' --t-start 100 --t-stop 260 --json '" + (dir / "w.json").string() + "'",
      dir);
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const auto win = nlohmann::json::parse(read_text(dir / "w.json"))["alignment"]["layers"];
  EXPECT_EQ(win["samples"].get<int>(), 4);
  EXPECT_EQ(win["first"]["angle"].get<double>(), a.angle[2]);
  EXPECT_EQ(win["last"]["angle"].get<double>(), a.angle[5]);
  // The python module reports the same.
  const std::string script =
      "import sys, json; sys.path.insert(0, '" + source_path("python") +
      "'); import spikeq_analysis as sa; s = sa.load_alignment(sys.argv[1])['layers']; "
      "print(json.dumps(sa.alignment_statistics(s)))";
  { std::ofstream(dir / "check.py") << script; }
  const std::string cmd = "/usr/bin/python3 -B '" + (dir / "check.py").string() + "' '" + out.string() +
                          "' > '" + (dir / "py.json").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto py = nlohmann::json::parse(read_text(dir / "py.json"));
  for (const char* key : {"first", "last", "min_angle"})
    for (const char* field : {"time", "angle"}) EXPECT_EQ(py[key][field], json[key][field]) << key << field;
  for (const char* key : {"samples", "final_variance_of_difference", "final_pearson", "final_sign_agreement"})
    EXPECT_EQ(py[key], json[key]) << key;
  std::filesystem::remove_all(dir);
}

TEST(plot, alignment_draws_angle_and_variance_over_time) {
  const auto dir = scratch_dir("plot_alignment");
  const auto out = run_text(dir, static_network);
  for (const std::string ext : {".png", ".svg", ".pdf"}) {
    const auto figure = dir / ("alignment" + ext);
    const auto r = run_spikeq("plot '" + out.string() + "' --alignment '" + figure.string() + "'", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(std::filesystem::exists(figure));
    EXPECT_GT(std::filesystem::file_size(figure), 1000u) << figure;
  }
  cairo_surface_t* png = cairo_image_surface_create_from_png((dir / "alignment.png").c_str());
  ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
  // Two panels of 200 pt, 70 pt apart, below a 40 pt margin.
  EXPECT_EQ(cairo_image_surface_get_width(png), 900);
  EXPECT_EQ(cairo_image_surface_get_height(png), 40 + 200 + 70 + 200 + 58);
  const auto inked = [&](int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      const auto* row = cairo_image_surface_get_data(png) + y * cairo_image_surface_get_stride(png);
      for (int x = x0; x < x1; ++x)
        n += (reinterpret_cast<const std::uint32_t*>(row)[x] & 0xFFFFFFu) != 0xFFFFFFu;
    }
    return n;
  };
  // Inside both plot areas (x 80-720) something is drawn, and axis labels left of them.
  EXPECT_GT(inked(100, 60, 700, 239), 0);
  EXPECT_GT(inked(100, 330, 700, 509), 0);
  EXPECT_GT(inked(0, 40, 60, 240), 0);
  cairo_surface_destroy(png);
  // A file without alignments: exit 2 naming /alignment.
  const auto plain = dir / "plain.textproto";
  {
    std::ofstream(plain) << R"(
simulation { t_stop: 50 }
population { name: "g" size: 1 spike_generator { train { spike_times: [10] } } }
recording { spikes { population: "g" } }
)";
  }
  ASSERT_EQ(run_spikeq("run '" + plain.string() + "' -o '" + (dir / "p.h5").string() + "' -q", dir).exit_code,
            0);
  const auto r = run_spikeq(
      "plot '" + (dir / "p.h5").string() + "' --alignment '" + (dir / "x.png").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/alignment"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
