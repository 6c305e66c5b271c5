#include "plot/canvas.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <stdexcept>

namespace spikeq::plot {

colour palette(std::size_t k) {
  static constexpr std::array<colour, 7> c{{{0.0, 0.447, 0.698},
                                            {0.835, 0.369, 0.0},
                                            {0.0, 0.620, 0.451},
                                            {0.800, 0.475, 0.655},
                                            {0.337, 0.706, 0.914},
                                            {0.902, 0.624, 0.0},
                                            {0.941, 0.894, 0.259}}};
  return c[k % c.size()];
}

std::vector<double> nice_ticks(double low, double high, int target) {
  std::vector<double> ticks;
  if (!(high > low) || !std::isfinite(low) || !std::isfinite(high)) return {low};
  const double raw = (high - low) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  for (double t = std::ceil(low / step - 1e-9) * step; t <= high + 1e-9 * step; t += step)
    ticks.push_back(std::abs(t) < 1e-12 * step ? 0.0 : t);
  return ticks;
}

canvas::canvas(const std::filesystem::path& file, double width_pt, double height_pt) : file_(file) {
  const std::string ext = file.extension().string();
  if (ext == ".png") {
    png_ = true;
    surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(width_pt),
                                          static_cast<int>(height_pt));
  } else if (ext == ".svg") {
    surface_ = cairo_svg_surface_create(file.c_str(), width_pt, height_pt);
  } else if (ext == ".pdf") {
    surface_ = cairo_pdf_surface_create(file.c_str(), width_pt, height_pt);
  } else {
    throw std::invalid_argument(file.string() + ": choose .png, .svg or .pdf");
  }
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface_));
    cairo_surface_destroy(surface_);
    throw std::runtime_error(file.string() + ": cannot create the figure: " + why);
  }
  cr_ = cairo_create(surface_);
  cairo_set_source_rgb(cr_, 1, 1, 1);
  cairo_paint(cr_);
  cairo_select_font_face(cr_, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
}

canvas::~canvas() {
  cairo_destroy(cr_);
  cairo_surface_destroy(surface_);
}

void canvas::set_area(area a, double x_low, double x_high, double y_low, double y_high) {
  a_ = a;
  x0_ = x_low;
  x1_ = x_high > x_low ? x_high : x_low + 1;
  y0_ = y_low;
  y1_ = y_high > y_low ? y_high : y_low + 1;
}

void canvas::text(double cx, double cy, const std::string& s, double size, bool centred) {
  cairo_set_font_size(cr_, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr_, s.c_str(), &e);
  cairo_move_to(cr_, centred ? cx - e.width / 2 - e.x_bearing : cx, cy);
  cairo_show_text(cr_, s.c_str());
}

namespace {
std::string tick_label(double v, const std::vector<double>& ticks) {
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}", v, decimals);
}
}  // namespace

void canvas::axes(const std::string& x_label, const std::string& y_label, bool y_ticks) {
  cairo_set_source_rgb(cr_, 0, 0, 0);
  cairo_set_line_width(cr_, 1.0);
  cairo_move_to(cr_, a_.left, a_.top);
  cairo_line_to(cr_, a_.left, a_.top + a_.height);
  cairo_line_to(cr_, a_.left + a_.width, a_.top + a_.height);
  cairo_stroke(cr_);
  const auto xt = nice_ticks(x0_, x1_);
  for (const double t : xt) {
    if (t < x0_ || t > x1_) continue;
    cairo_move_to(cr_, x(t), a_.top + a_.height);
    cairo_line_to(cr_, x(t), a_.top + a_.height + 4);
    cairo_stroke(cr_);
    text(x(t), a_.top + a_.height + 15, tick_label(t, xt), 9, true);
  }
  text(a_.left + a_.width / 2, a_.top + a_.height + 32, x_label, 11, true);
  if (y_ticks) {
    const auto yt = nice_ticks(y0_, y1_, 5);
    for (const double t : yt) {
      if (t < y0_ || t > y1_) continue;
      cairo_move_to(cr_, a_.left - 4, y(t));
      cairo_line_to(cr_, a_.left, y(t));
      cairo_stroke(cr_);
      const std::string label = tick_label(t, yt);
      cairo_set_font_size(cr_, 9);
      cairo_text_extents_t e;
      cairo_text_extents(cr_, label.c_str(), &e);
      cairo_move_to(cr_, a_.left - 7 - e.width - e.x_bearing, y(t) + 3);
      cairo_show_text(cr_, label.c_str());
    }
  }
  cairo_save(cr_);
  cairo_translate(cr_, a_.left - 42, a_.top + a_.height / 2);
  cairo_rotate(cr_, -M_PI / 2);
  text(0, 0, y_label, 11, true);
  cairo_restore(cr_);
}

void canvas::title(const std::string& s) {
  cairo_set_source_rgb(cr_, 0, 0, 0);
  text(a_.left + a_.width / 2, a_.top - 10, s, 12, true);
}

void canvas::legend(const std::vector<std::pair<std::string, colour>>& entries) {
  double yy = a_.top + 12;
  for (const auto& [label, c] : entries) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_rectangle(cr_, a_.left + a_.width - 95, yy - 8, 10, 10);
    cairo_fill(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    text(a_.left + a_.width - 80, yy, label, 10);
    yy += 15;
  }
}

void canvas::finish() {
  if (finished_) return;
  finished_ = true;
  cairo_surface_flush(surface_);
  if (png_) {
    const auto status = cairo_surface_write_to_png(surface_, file_.c_str());
    if (status != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error(file_.string() + ": cannot write the PNG: " + cairo_status_to_string(status));
  } else {
    cairo_surface_finish(surface_);
    if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error(file_.string() + ": cannot write the figure: " +
                               cairo_status_to_string(cairo_surface_status(surface_)));
  }
}

}  // namespace spikeq::plot
