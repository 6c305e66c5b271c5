// Weights: left, histograms of the initial (dashed) and final (solid) weights of every
// projection in /edges (40 bins over their joint range); right, the weight-over-time
// traces of up to 20 synapses of the first projection with a weight report.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"
#include "plot/histogram_panel.hpp"

namespace spikeq::plot {

namespace {
constexpr std::uint64_t chunk_size = std::uint64_t{1} << 20;

void for_each_weight(const io::hdf5_reader& r, const std::string& dataset,
                     const std::function<void(double)>& f) {
  const std::uint64_t n = r.shape(dataset).at(0);
  for (std::uint64_t offset = 0; offset < n; offset += chunk_size)
    for (const double w : r.read_doubles(dataset, offset, std::min(chunk_size, n - offset)))
      if (!std::isnan(w)) f(w);
}
}  // namespace

void draw_weights(const std::filesystem::path& recording, const plot_window& /*w*/,
                  const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  if (!r.exists("/edges"))
    throw io::hdf5_error(recording.string(), "/edges",
                         "no weights in this file (record them with recording.weights)");
  const auto names = r.members("/edges");
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const auto& name : names)
    for (const char* d : {"/0/initial_syn_weight", "/0/syn_weight"})
      if (r.exists("/edges/" + name + d))
        for_each_weight(r, "/edges/" + name + d, [&](double x) {
          low = std::min(low, x);
          high = std::max(high, x);
        });
  if (!(high >= low)) throw io::hdf5_error(recording.string(), "/edges", "no weights to draw");
  if (high == low) high = low + 1;
  std::vector<histogram> initial, final_w;
  double top = 0;
  for (const auto& name : names) {
    initial.push_back({low, high, std::vector<double>(40, 0.0)});
    final_w.push_back({low, high, std::vector<double>(40, 0.0)});
    if (r.exists("/edges/" + name + "/0/initial_syn_weight"))
      for_each_weight(r, "/edges/" + name + "/0/initial_syn_weight",
                      [&](double x) { initial.back().add(x); });
    for_each_weight(r, "/edges/" + name + "/0/syn_weight", [&](double x) { final_w.back().add(x); });
    for (const auto* h : {&initial.back(), &final_w.back()})
      for (const double f : h->fractions()) top = std::max(top, f);
  }
  canvas c(out, 900, 420);
  c.set_area({80, 40, 340, 320}, low, high, 0, top * 1.05);
  std::vector<std::pair<std::string, colour>> legend;
  for (std::size_t k = 0; k < names.size(); ++k) {
    draw_steps(c, low, high, initial[k].fractions(), palette(k), true);
    draw_steps(c, low, high, final_w[k].fractions(), palette(k));
    legend.emplace_back(names[k], palette(k));
  }
  c.axes("weight", "fraction of synapses");
  c.title("weights: initial (dashed), final (solid)");

  // Traces from the first projection that has a weight report.
  for (const auto& name : names) {
    const std::string g = "/report/" + name;
    if (!r.exists(g + "/data")) continue;
    const auto shape = r.shape(g + "/data");
    if (shape.at(0) == 0) continue;
    const auto time = r.read_doubles(g + "/mapping/time");
    const std::uint64_t shown = std::min<std::uint64_t>(shape[1], 20);
    const auto data = r.read_float_matrix(g + "/data");
    double w_low = std::numeric_limits<double>::infinity(), w_high = -w_low;
    for (std::uint64_t f = 0; f < shape[0]; ++f)
      for (std::uint64_t col = 0; col < shown; ++col) {
        w_low = std::min<double>(w_low, data.at(f, col));
        w_high = std::max<double>(w_high, data.at(f, col));
      }
    const double t_end = time[0] + static_cast<double>(shape[0] - 1) * time[2];
    c.set_area({520, 40, 340, 320}, time[0], t_end > time[0] ? t_end : time[0] + 1, w_low,
               w_high > w_low ? w_high : w_low + 1);
    cairo_set_line_width(c.cr(), 0.8);
    for (std::uint64_t col = 0; col < shown; ++col) {
      const colour cl = palette(col);
      cairo_set_source_rgba(c.cr(), cl.r, cl.g, cl.b, 0.8);
      for (std::uint64_t f = 0; f < shape[0]; ++f) {
        const double t = time[0] + static_cast<double>(f) * time[2];
        if (f == 0)
          cairo_move_to(c.cr(), c.x(t), c.y(data.at(f, col)));
        else
          cairo_line_to(c.cr(), c.x(t), c.y(data.at(f, col)));
      }
      cairo_stroke(c.cr());
    }
    c.axes("time (ms)", "weight");
    c.title(name + ": " + std::to_string(shown) + " recorded synapses");
    break;
  }
  c.set_area({80, 40, 340, 320}, 0, 1, 0, 1);
  c.legend(legend);
  c.finish();
}

}  // namespace spikeq::plot
