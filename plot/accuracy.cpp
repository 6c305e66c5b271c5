// The continual-learning accuracy matrix (/continual_learning; rules.md §4.6,
// analysis/continual_learning.hpp) as a heat map: row t (top to bottom) after
// training task t, column j the task tested, each cell coloured by its accuracy on a
// white-to-blue scale from 0 to 1 and labelled with it; entries not evaluated
// (j > t) are left blank. ACC and BWT in the title.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/continual_learning.hpp"
#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"

namespace spikeq::plot {

namespace {
constexpr double left = 110, top = 60, cell_max = 90, grid_max = 540, key_width = 18, bottom = 70;

// White (0) to dark blue (1).
colour scale_colour(double accuracy) {
  const double a = std::clamp(accuracy, 0.0, 1.0);
  return {1.0 - 0.85 * a, 1.0 - 0.65 * a, 1.0 - 0.25 * a};
}
}  // namespace

void draw_accuracy(const std::filesystem::path& recording, const plot_window& /*w*/,
                   const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const auto result = analysis::read_continual_learning(r);
  if (!result || result->tasks == 0)
    throw io::hdf5_error(recording.string(), "/continual_learning",
                         "no continual-learning evaluation in this file (an image_dataset with a readout and "
                         "test_samples_per_task > 0 writes one)");
  const auto& c = *result;
  const double cell = std::min(cell_max, grid_max / static_cast<double>(c.tasks));
  const double side = cell * static_cast<double>(c.tasks);
  canvas fig(out, left + side + 110, top + side + bottom);
  cairo_t* cr = fig.cr();
  const double font = std::clamp(cell / 4.5, 7.0, 13.0);
  for (std::uint64_t t = 0; t < c.tasks; ++t)
    for (std::uint64_t j = 0; j < c.tasks; ++j) {
      const double x = left + cell * static_cast<double>(j), y = top + cell * static_cast<double>(t);
      const double a = c.at(t, j);
      if (std::isfinite(a)) {
        const colour col = scale_colour(a);
        cairo_set_source_rgb(cr, col.r, col.g, col.b);
        cairo_rectangle(cr, x, y, cell, cell);
        cairo_fill(cr);
        const double ink = a > 0.55 ? 1.0 : 0.0;
        cairo_set_source_rgb(cr, ink, ink, ink);
        fig.text(x + cell / 2, y + cell / 2 + font / 3, fmt::format("{:.2f}", a), font, true);
      }
      cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
      cairo_set_line_width(cr, 0.5);
      cairo_rectangle(cr, x, y, cell, cell);
      cairo_stroke(cr);
    }
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (std::uint64_t k = 0; k < c.tasks; ++k) {
    const double mid = cell * (static_cast<double>(k) + 0.5);
    fig.text(left + mid, top + side + 16, std::to_string(k), 10, true);
    fig.text(left - 14, top + mid + 4, std::to_string(k), 10, true);
  }
  fig.text(left + side / 2, top + side + 36, "task tested", 11, true);
  cairo_save(cr);
  cairo_translate(cr, left - 40, top + side / 2);
  cairo_rotate(cr, -M_PI / 2);
  fig.text(0, 0, "after training task", 11, true);
  cairo_restore(cr);
  fig.text(left + side / 2, 24, "continual-learning accuracy", 13, true);
  fig.text(left + side / 2, 42,
           fmt::format("ACC {:.3f}, BWT {:+.3f} ({} evaluation samples)", c.acc, c.bwt, c.evaluated), 10,
           true);
  // Colour key: 0 at the bottom, 1 at the top.
  const double kx = left + side + 40;
  for (int k = 0; k < 100; ++k) {
    const colour col = scale_colour(k / 99.0);
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
    cairo_rectangle(cr, kx, top + side * (1.0 - (k + 1) / 100.0), key_width, side / 100.0 + 0.5);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.6);
  cairo_rectangle(cr, kx, top, key_width, side);
  cairo_stroke(cr);
  for (const double v : {0.0, 0.5, 1.0})
    fig.text(kx + key_width + 6, top + side * (1 - v) + 4, fmt::format("{:g}", v), 9);
  fig.finish();
}

}  // namespace spikeq::plot
