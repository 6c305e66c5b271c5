// Spike raster: time on x, the recorded neurons stacked population by population
// on y (one row each, in node id order), one colour per population. Spikes are first
// binned into an occupancy grid of the plot area (one cell per pixel column and per
// neuron, or per pixel row when there are more neurons than rows), then each
// occupied cell is drawn once: cost and file size depend on the figure, not on the
// spike count.
#include <cmath>
#include <vector>

#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"
#include "plot/spike_source.hpp"

namespace spikeq::plot {

void draw_raster(const std::filesystem::path& recording, const plot_window& w,
                 const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const spike_selection sel = select_spikes(r, recording.string(), w);
  std::uint64_t total = 0;
  for (const auto& p : sel.populations) total += p.neurons;
  if (total == 0) throw io::input_error({{recording.string(), 0, 0, "no neurons to draw"}});

  canvas c(out, 900, 560);
  const canvas::area area{80, 40, 680, 460};
  c.set_area(area, sel.t_start_ms, sel.t_stop_ms, 0, static_cast<double>(total));
  const auto columns = static_cast<std::size_t>(area.width);
  const std::size_t rows = std::min<std::uint64_t>(total, static_cast<std::uint64_t>(area.height));
  const double row_height = area.height / static_cast<double>(rows);
  const double column_width = area.width / static_cast<double>(columns);
  const double span = sel.t_stop_ms - sel.t_start_ms;

  std::vector<std::pair<std::string, colour>> legend;
  std::uint64_t offset = 0, drawn = 0;
  for (std::size_t k = 0; k < sel.populations.size(); ++k) {
    const auto& p = sel.populations[k];
    std::vector<std::uint8_t> occupied(columns * rows, 0);
    analysis::for_each_spike_chunk(
        r, p.name, [&](std::span<const double> t, std::span<const std::uint64_t> ids) {
          for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i] < sel.t_start_ms || t[i] >= sel.t_stop_ms) continue;
            const std::uint64_t slot = p.recorded.index_of(ids[i]);
            if (slot == analysis::recorded_neurons::npos) continue;
            const auto col =
                std::min(columns - 1, static_cast<std::size_t>((t[i] - sel.t_start_ms) / span * columns));
            const auto row = std::min(rows - 1, static_cast<std::size_t>(static_cast<double>(offset + slot) /
                                                                         static_cast<double>(total) * rows));
            occupied[row * columns + col] = 1;
          }
        });
    const colour col = palette(k);
    cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
    for (std::size_t row = 0; row < rows; ++row)
      for (std::size_t x = 0; x < columns; ++x)
        if (occupied[row * columns + x]) {
          // Row 0 (neuron 0 of the first population) at the bottom.
          cairo_rectangle(c.cr(), area.left + static_cast<double>(x) * column_width,
                          area.top + area.height - static_cast<double>(row + 1) * row_height,
                          std::max(column_width, 1.0), std::max(row_height * 0.8, 1.0));
          ++drawn;
        }
    cairo_fill(c.cr());
    // A faint band boundary between populations.
    offset += p.neurons;
    if (k + 1 < sel.populations.size()) {
      cairo_set_source_rgba(c.cr(), 0, 0, 0, 0.3);
      cairo_set_line_width(c.cr(), 0.5);
      cairo_move_to(c.cr(), area.left, c.y(static_cast<double>(offset)));
      cairo_line_to(c.cr(), area.left + area.width, c.y(static_cast<double>(offset)));
      cairo_stroke(c.cr());
    }
    const bool partial = p.recorded.population_size && *p.recorded.population_size > p.neurons;
    legend.emplace_back(p.name + " (" + std::to_string(p.neurons) +
                            (partial ? " of " + std::to_string(*p.recorded.population_size) : std::string()) +
                            ")",
                        col);
  }
  c.axes("time (ms)", "neuron");
  c.title("spike raster");
  cairo_save(c.cr());
  c.set_area({area.left + area.width + 10, area.top, 110, area.height}, 0, 1, 0, 1);
  c.legend(legend);
  cairo_restore(c.cr());
  c.finish();
}

}  // namespace spikeq::plot
