// Neuromodulator levels: one panel per channel of /neuromodulators, the level M(t)
// reconstructed exactly from the release log (analysis/modulator_statistics.hpp: a
// polyline exact at every vertex, two cells per point of plot width, so every jump
// and peak is drawn), the tonic level dashed, and the releases marked along the top
// of the panel (black: non-zero amount; grey, in a second row: zero amount, the
// would-be rewards of a disabled reward contingency). Time in ms, or in s for
// windows of 10 s and more.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "analysis/modulator_statistics.hpp"
#include "analysis/recording_analysis.hpp"
#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"

namespace spikeq::plot {

namespace {
constexpr double plot_left = 80, plot_width = 680, panel_height = 150, panel_gap = 62, top_margin = 40,
                 bottom_margin = 58;
constexpr double rug_row = 9;  // height of a row of release marks, pt

void dashed_line(canvas& c, double x0, double y0, double x1, double y1) {
  const double dash[] = {5.0, 3.0};
  cairo_set_dash(c.cr(), dash, 2, 0);
  cairo_move_to(c.cr(), x0, y0);
  cairo_line_to(c.cr(), x1, y1);
  cairo_stroke(c.cr());
  cairo_set_dash(c.cr(), nullptr, 0, 0);
}
}  // namespace

void draw_modulators(const std::filesystem::path& recording, const plot_window& w,
                     const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const auto channels = analysis::modulator_channels(r);
  if (channels.empty())
    throw io::hdf5_error(
        recording.string(), "/neuromodulators",
        "no neuromodulator channels in this file (declare them with neuromodulator { ... })");
  // The window as for the other figures: [0, the run's t_stop], else up to the last release.
  const double t_start = w.t_start_ms.value_or(0.0);
  double t_stop = 0;
  if (w.t_stop_ms) {
    t_stop = *w.t_stop_ms;
  } else if (const auto t = analysis::recorded_t_stop(r)) {
    t_stop = *t;
  } else {
    for (const auto& name : channels) {
      const auto n = analysis::read_modulator_channel(r, name).releases;
      if (n > 0)
        t_stop = std::max(t_stop, r.read_doubles("/neuromodulators/" + name + "/release_times", n - 1, 1)[0]);
    }
  }
  if (!(t_stop > t_start))
    throw io::input_error(
        {{recording.string(), 0, 0, fmt::format("the window [{}, {}] ms is empty", t_start, t_stop)}});

  const bool seconds = t_stop - t_start >= 10000.0;
  const double scale = seconds ? 1e-3 : 1.0;
  const std::size_t cells = static_cast<std::size_t>(2 * plot_width);
  const auto n = static_cast<double>(channels.size());
  canvas c(out, 900, top_margin + n * panel_height + (n - 1) * panel_gap + bottom_margin);
  for (std::size_t k = 0; k < channels.size(); ++k) {
    const auto& name = channels[k];
    const auto stats = analysis::analyze_modulator(r, name, t_start, t_stop);
    const auto trace = analysis::trace_modulator(r, name, t_start, t_stop, cells);
    double low = std::min(0.0, stats.tonic), high = std::max(0.0, stats.tonic);
    for (const double v : trace.levels) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
    if (!(high > low)) high = low + 1;
    const bool zero_releases =
        std::any_of(trace.release_cells.begin(), trace.release_cells.end(), [](auto f) { return f & 2; });
    // Room above the highest level for the rows of release marks.
    const double rows = zero_releases ? 2 : 1;
    const double headroom = (rows * rug_row + 6) / (panel_height - rows * rug_row - 6);
    const canvas::area area{plot_left, top_margin + static_cast<double>(k) * (panel_height + panel_gap),
                            plot_width, panel_height};
    c.set_area(area, t_start * scale, t_stop * scale, low, high + (high - low) * headroom);

    cairo_save(c.cr());
    cairo_rectangle(c.cr(), area.left, area.top, area.width, area.height);
    cairo_clip(c.cr());
    cairo_set_line_width(c.cr(), 0.8);
    cairo_set_source_rgb(c.cr(), 0.45, 0.45, 0.45);
    dashed_line(c, area.left, c.y(stats.tonic), area.left + area.width, c.y(stats.tonic));
    const colour col = palette(k);
    cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
    cairo_set_line_width(c.cr(), 1.2);
    cairo_set_line_join(c.cr(), CAIRO_LINE_JOIN_BEVEL);
    for (std::size_t v = 0; v < trace.times_ms.size(); ++v) {
      const double x = c.x(trace.times_ms[v] * scale), y = c.y(trace.levels[v]);
      if (v == 0)
        cairo_move_to(c.cr(), x, y);
      else
        cairo_line_to(c.cr(), x, y);
    }
    cairo_stroke(c.cr());
    cairo_set_line_width(c.cr(), 0.8);
    for (const auto& [bit, grey, row] : {std::tuple{1, 0.0, 0.0}, std::tuple{2, 0.55, 1.0}}) {
      cairo_set_source_rgb(c.cr(), grey, grey, grey);
      for (std::size_t cell = 0; cell < cells; ++cell)
        if (trace.release_cells[cell] & bit) {
          const double x = c.x((t_start + (static_cast<double>(cell) + 0.5) * trace.cell_ms) * scale);
          cairo_move_to(c.cr(), x, area.top + 1 + row * rug_row);
          cairo_line_to(c.cr(), x, area.top + row * rug_row + rug_row - 1);
        }
      cairo_stroke(c.cr());
    }
    cairo_restore(c.cr());

    c.axes(k + 1 == channels.size() ? (seconds ? "time (s)" : "time (ms)") : "", name + " level (a.u.)");
    c.title(fmt::format("{}: tau {:g} ms, tonic {:g}; {} release{} ({} non-zero), mean level {:.4g}", name,
                        stats.tau_ms, stats.tonic, stats.releases, stats.releases == 1 ? "" : "s",
                        stats.nonzero_releases, stats.mean_level));

    // Key, right of the panel.
    const double kx = area.left + area.width + 14;
    double ky = area.top + 8;
    cairo_set_line_width(c.cr(), 1.2);
    cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
    cairo_move_to(c.cr(), kx, ky - 3);
    cairo_line_to(c.cr(), kx + 16, ky - 3);
    cairo_stroke(c.cr());
    cairo_set_source_rgb(c.cr(), 0, 0, 0);
    c.text(kx + 22, ky, "level M(t)", 9);
    ky += 15;
    cairo_set_line_width(c.cr(), 0.8);
    cairo_set_source_rgb(c.cr(), 0.45, 0.45, 0.45);
    dashed_line(c, kx, ky - 3, kx + 16, ky - 3);
    cairo_set_source_rgb(c.cr(), 0, 0, 0);
    c.text(kx + 22, ky, "tonic", 9);
    for (const auto& [label, grey, shown] :
         {std::tuple{"release", 0.0, true}, std::tuple{"zero amount", 0.55, zero_releases}}) {
      if (!shown) continue;
      ky += 15;
      cairo_set_source_rgb(c.cr(), grey, grey, grey);
      cairo_move_to(c.cr(), kx + 8, ky - 8);
      cairo_line_to(c.cr(), kx + 8, ky + 1);
      cairo_stroke(c.cr());
      cairo_set_source_rgb(c.cr(), 0, 0, 0);
      c.text(kx + 22, ky, label, 9);
    }
  }
  c.finish();
}

}  // namespace spikeq::plot
