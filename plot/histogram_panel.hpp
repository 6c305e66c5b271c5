// A histogram drawn as steps in a plot area, shared by the ISI, CV and weight figures.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "plot/canvas.hpp"

namespace spikeq::plot {

struct histogram {
  double low = 0, high = 1;
  std::vector<double> counts;
  void add(double x) {
    if (!(x >= low) || !(x <= high) || counts.empty()) return;
    const auto n = counts.size();
    const auto b =
        std::min(n - 1, static_cast<std::size_t>((x - low) / (high - low) * static_cast<double>(n)));
    counts[b] += 1.0;
  }
  // Counts divided by their sum (a probability per bin); all zero when empty.
  std::vector<double> fractions() const {
    double total = 0;
    for (const double c : counts) total += c;
    std::vector<double> f(counts.size(), 0.0);
    if (total > 0)
      for (std::size_t i = 0; i < counts.size(); ++i) f[i] = counts[i] / total;
    return f;
  }
};

// Draws `values` (one per bin over [low, high]) as a step outline in the current
// area; dashed when asked.
inline void draw_steps(canvas& c, double low, double high, const std::vector<double>& values, colour col,
                       bool dashed = false) {
  if (values.empty()) return;
  const double width = (high - low) / static_cast<double>(values.size());
  cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
  cairo_set_line_width(c.cr(), 1.3);
  const double dash[] = {4.0, 3.0};
  cairo_set_dash(c.cr(), dash, dashed ? 2 : 0, 0);
  cairo_move_to(c.cr(), c.x(low), c.y(0));
  for (std::size_t b = 0; b < values.size(); ++b) {
    const double x0 = low + static_cast<double>(b) * width;
    cairo_line_to(c.cr(), c.x(x0), c.y(values[b]));
    cairo_line_to(c.cr(), c.x(x0 + width), c.y(values[b]));
  }
  cairo_line_to(c.cr(), c.x(high), c.y(0));
  cairo_stroke(c.cr());
  cairo_set_dash(c.cr(), nullptr, 0, 0);
}

}  // namespace spikeq::plot
