// Alignment between forward and feedback weights over time (/alignment/<name>;
// analysis/alignment_statistics.hpp): the angle between W and B^T in the upper
// panel and the variance of W - B^T (for a recurrent projection, of the upper
// triangle of W - W^T) in the lower one, one colour per alignment, a dot at every
// sample (samples are often sparse: trial and phase ends). NaN samples are left out.
// Time in ms, or in s for windows of 10 s and more.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "analysis/alignment_statistics.hpp"
#include "analysis/recording_analysis.hpp"
#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"

namespace spikeq::plot {

namespace {
constexpr double plot_left = 80, plot_width = 640, panel_height = 200, panel_gap = 70, top_margin = 40,
                 bottom_margin = 58;

// The y range of a panel: from 0 when the values come within a factor of 2 of 0,
// else around them, so that small changes of a large value remain visible.
std::pair<double, double> value_range(const std::vector<const std::vector<double>*>& all, double cap,
                                      double empty_high) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const auto* v : all)
    for (const double x : *v)
      if (std::isfinite(x)) {
        low = std::min(low, x);
        high = std::max(high, x);
      }
  if (!(high >= low)) return {0.0, empty_high};
  if (low >= 0 && low < 0.5 * high) low = 0;
  const double pad = std::max(0.06 * (high - low), 1e-3 * std::max(std::abs(high), 1.0));
  return {low == 0 ? 0.0 : std::max(0.0, low - pad), std::min(cap, high + pad)};
}

// Draws (t, v) as a line through the finite points, with a dot at each; later series
// thinner, so that identical ones all show.
void series(canvas& c, const std::vector<double>& t, const std::vector<double>& v, double scale, colour col,
            std::size_t index) {
  cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
  const double width = std::max(0.8, 2.4 - 0.6 * static_cast<double>(index));
  cairo_set_line_width(c.cr(), width);
  bool open = false;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!std::isfinite(v[k])) {
      open = false;
      continue;
    }
    if (open)
      cairo_line_to(c.cr(), c.x(t[k] * scale), c.y(v[k]));
    else
      cairo_move_to(c.cr(), c.x(t[k] * scale), c.y(v[k]));
    open = true;
  }
  cairo_stroke(c.cr());
  if (t.size() > 400) return;  // dense samples: the line says it all
  for (std::size_t k = 0; k < t.size(); ++k)
    if (std::isfinite(v[k])) {
      cairo_arc(c.cr(), c.x(t[k] * scale), c.y(v[k]), width + 0.8, 0, 2 * M_PI);
      cairo_fill(c.cr());
    }
}
}  // namespace

void draw_alignment(const std::filesystem::path& recording, const plot_window& w,
                    const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const auto names = analysis::alignment_names(r);
  if (names.empty())
    throw io::hdf5_error(recording.string(), "/alignment",
                         "no alignment in this file (record one with recording { alignment { forward: ... "
                         "feedback: ... } })");
  std::vector<analysis::alignment_series> all;
  for (const auto& name : names) all.push_back(analysis::read_alignment(r, name));
  const double t_start = w.t_start_ms.value_or(0.0);
  double t_stop = 0;
  if (w.t_stop_ms) {
    t_stop = *w.t_stop_ms;
  } else if (const auto t = analysis::recorded_t_stop(r)) {
    t_stop = *t;
  } else {
    for (const auto& s : all)
      if (!s.time_ms.empty()) t_stop = std::max(t_stop, s.time_ms.back());
  }
  if (!(t_stop > t_start))
    throw io::input_error(
        {{recording.string(), 0, 0, fmt::format("the window [{}, {}] ms is empty", t_start, t_stop)}});
  // Only the samples inside the window.
  for (auto& s : all) {
    analysis::alignment_series kept = s;
    for (auto* v :
         {&kept.time_ms, &kept.angle_deg, &kept.variance_of_difference, &kept.pearson, &kept.sign_agreement})
      v->clear();
    for (std::size_t k = 0; k < s.time_ms.size(); ++k)
      if (s.time_ms[k] >= t_start && s.time_ms[k] <= t_stop) {
        kept.time_ms.push_back(s.time_ms[k]);
        kept.angle_deg.push_back(s.angle_deg[k]);
        kept.variance_of_difference.push_back(s.variance_of_difference[k]);
        kept.pearson.push_back(s.pearson[k]);
        kept.sign_agreement.push_back(s.sign_agreement[k]);
      }
    s = std::move(kept);
  }

  const bool seconds = t_stop - t_start >= 10000.0;
  const double scale = seconds ? 1e-3 : 1.0;
  bool any_recurrent = false, any_pair = false;
  std::vector<const std::vector<double>*> angles, variances;
  for (const auto& s : all) {
    angles.push_back(&s.angle_deg);
    variances.push_back(&s.variance_of_difference);
    (s.recurrent ? any_recurrent : any_pair) = true;
  }
  canvas c(out, 900, top_margin + 2 * panel_height + panel_gap + bottom_margin);
  const std::string time_label = seconds ? "time (s)" : "time (ms)";

  const canvas::area upper{plot_left, top_margin, plot_width, panel_height};
  const auto [angle_low, angle_high] = value_range(angles, 180.0, 90.0);
  c.set_area(upper, t_start * scale, t_stop * scale, angle_low, angle_high);
  for (std::size_t k = 0; k < all.size(); ++k)
    series(c, all[k].time_ms, all[k].angle_deg, scale, palette(k), k);
  c.axes(time_label, "angle (deg)");
  c.title(any_recurrent && !any_pair ? "angle between W and W^T" : "angle between W and B^T");
  // Key, right of the upper panel: each alignment's name, then what it compares.
  double ky = upper.top + 8;
  for (std::size_t k = 0; k < all.size(); ++k) {
    const colour col = palette(k);
    const double kx = upper.left + upper.width + 14;
    cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
    cairo_set_line_width(c.cr(), 2.0);
    cairo_move_to(c.cr(), kx, ky - 3);
    cairo_line_to(c.cr(), kx + 16, ky - 3);
    cairo_stroke(c.cr());
    cairo_set_source_rgb(c.cr(), 0, 0, 0);
    c.text(kx + 22, ky, all[k].name, 9);
    c.text(
        kx + 22, ky + 11,
        all[k].recurrent ? all[k].forward + " vs its transpose" : all[k].forward + " vs " + all[k].feedback,
        8);
    ky += 28;
  }

  const canvas::area lower{plot_left, top_margin + panel_height + panel_gap, plot_width, panel_height};
  const auto [variance_low, variance_high] =
      value_range(variances, std::numeric_limits<double>::infinity(), 1.0);
  c.set_area(lower, t_start * scale, t_stop * scale, variance_low, variance_high);
  for (std::size_t k = 0; k < all.size(); ++k)
    series(c, all[k].time_ms, all[k].variance_of_difference, scale, palette(k), k);
  c.axes(time_label, "variance");
  c.title(any_recurrent && !any_pair  ? "asymmetry: variance of the upper triangle of W - W^T"
          : any_recurrent && any_pair ? "var(W - B^T); recurrent: var of the upper triangle of W - W^T"
                                      : "variance of W - B^T");
  c.finish();
}

}  // namespace spikeq::plot
