// A figure drawn with cairo and written as PNG, SVG or PDF (chosen by the file
// extension), with the pieces every spikeq plot needs: a plot area with linear axes,
// "nice" ticks (1-2-5 steps), axis labels with units, a title and a legend.
//
// Thread safety: none; one canvas per figure.
#pragma once

#include <cairo.h>

#include <filesystem>
#include <string>
#include <vector>

namespace spikeq::plot {

struct colour {
  double r, g, b;
};
// A qualitative palette (Okabe & Ito 2008, readable with colour-vision deficiencies).
colour palette(std::size_t k);

// Tick positions covering [low, high] with about `target` steps of 1, 2 or 5 x 10^n.
std::vector<double> nice_ticks(double low, double high, int target = 6);

class canvas {
 public:
  // Throws std::invalid_argument for an extension other than .png, .svg or .pdf, and
  // std::runtime_error when cairo cannot create the surface (e.g. unwritable path).
  canvas(const std::filesystem::path& file, double width_pt, double height_pt);
  ~canvas();
  canvas(const canvas&) = delete;
  canvas& operator=(const canvas&) = delete;

  // The plot area inside margins, in canvas coordinates.
  struct area {
    double left, top, width, height;
  };
  // Sets the data ranges of a plot area (several areas may share a canvas).
  void set_area(area a, double x_low, double x_high, double y_low, double y_high);
  double x(double data) const { return a_.left + (data - x0_) / (x1_ - x0_) * a_.width; }
  double y(double data) const { return a_.top + a_.height - (data - y0_) / (y1_ - y0_) * a_.height; }
  const area& current_area() const { return a_; }

  void axes(const std::string& x_label, const std::string& y_label, bool y_ticks = true);
  void title(const std::string& text);
  // Legend entries in the top-right corner of the current area.
  void legend(const std::vector<std::pair<std::string, colour>>& entries);
  void text(double cx, double cy, const std::string& s, double size = 10, bool centred = false);

  cairo_t* cr() const { return cr_; }
  // Writes the file (PNG) or finishes the document (SVG, PDF). Throws on failure.
  void finish();

 private:
  std::filesystem::path file_;
  bool png_ = false;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  area a_{0, 0, 1, 1};
  double x0_ = 0, x1_ = 1, y0_ = 0, y1_ = 1;
  bool finished_ = false;
};

}  // namespace spikeq::plot
