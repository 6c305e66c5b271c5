// Population rates over time: spikes per recorded neuron per second in bins of about
// 1/400 of the window (at least 1 ms), one line per population.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"
#include "plot/spike_source.hpp"

namespace spikeq::plot {

void draw_rates(const std::filesystem::path& recording, const plot_window& w,
                const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const spike_selection sel = select_spikes(r, recording.string(), w);
  const double span = sel.t_stop_ms - sel.t_start_ms;
  const double bin = std::max(1.0, span / 400.0);
  const auto bins = static_cast<std::size_t>(std::ceil(span / bin));
  std::vector<std::vector<double>> rate(sel.populations.size(), std::vector<double>(bins, 0.0));
  double highest = 0;
  for (std::size_t k = 0; k < sel.populations.size(); ++k) {
    const auto& p = sel.populations[k];
    analysis::for_each_spike_chunk(r, p.name, [&](std::span<const double> t, std::span<const std::uint64_t>) {
      for (const double x : t)
        if (x >= sel.t_start_ms && x < sel.t_stop_ms)
          rate[k][std::min(bins - 1, static_cast<std::size_t>((x - sel.t_start_ms) / bin))] += 1.0;
    });
    for (std::size_t b = 0; b < bins; ++b) {
      // The last bin may be shorter than `bin`.
      const double width = std::min(bin, span - static_cast<double>(b) * bin);
      rate[k][b] /= static_cast<double>(std::max<std::uint64_t>(p.neurons, 1)) * width / 1000.0;
      highest = std::max(highest, rate[k][b]);
    }
  }
  canvas c(out, 900, 420);
  const canvas::area area{80, 40, 680, 320};
  c.set_area(area, sel.t_start_ms, sel.t_stop_ms, 0, highest > 0 ? highest * 1.05 : 1.0);
  std::vector<std::pair<std::string, colour>> legend;
  cairo_set_line_width(c.cr(), 1.2);
  for (std::size_t k = 0; k < sel.populations.size(); ++k) {
    const colour col = palette(k);
    cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
    for (std::size_t b = 0; b < bins; ++b) {
      const double t = sel.t_start_ms + (static_cast<double>(b) + 0.5) * bin;
      if (b == 0)
        cairo_move_to(c.cr(), c.x(t), c.y(rate[k][b]));
      else
        cairo_line_to(c.cr(), c.x(t), c.y(rate[k][b]));
    }
    cairo_stroke(c.cr());
    legend.emplace_back(sel.populations[k].name, col);
  }
  c.axes("time (ms)", "rate (spikes/s per neuron)");
  c.title(fmt::format("population rate ({:g} ms bins)", bin));
  c.legend(legend);
  c.finish();
}

}  // namespace spikeq::plot
