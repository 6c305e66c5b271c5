// ISI and CV histograms per population: inter-spike intervals within the window
// (0-500 ms, 100 bins, as a fraction of all intervals) and the CV of each neuron
// with at least 3 spikes (0-3, 30 bins); definitions as docs/analysis.md.
#include <algorithm>
#include <cmath>
#include <vector>

#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"
#include "plot/histogram_panel.hpp"
#include "plot/spike_source.hpp"

namespace spikeq::plot {

void draw_isi(const std::filesystem::path& recording, const plot_window& w,
              const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const spike_selection sel = select_spikes(r, recording.string(), w);
  std::vector<histogram> isi(sel.populations.size(), histogram{0, 500, std::vector<double>(100, 0.0)});
  std::vector<histogram> cv(sel.populations.size(), histogram{0, 3, std::vector<double>(30, 0.0)});
  for (std::size_t k = 0; k < sel.populations.size(); ++k) {
    const auto n = sel.populations[k].neurons;
    std::vector<double> last(n, -1.0), mean(n, 0.0), m2(n, 0.0);
    std::vector<std::uint64_t> count(n, 0);
    analysis::for_each_spike_chunk(
        r, sel.populations[k].name, [&](std::span<const double> t, std::span<const std::uint64_t> ids) {
          for (std::size_t i = 0; i < t.size(); ++i) {
            const auto id = sel.populations[k].recorded.index_of(ids[i]);
            if (t[i] < sel.t_start_ms || t[i] >= sel.t_stop_ms || id == analysis::recorded_neurons::npos)
              continue;
            if (last[id] >= 0) {
              const double interval = t[i] - last[id];
              isi[k].add(interval);
              ++count[id];  // Welford over the neuron's intervals
              const double d = interval - mean[id];
              mean[id] += d / static_cast<double>(count[id]);
              m2[id] += d * (interval - mean[id]);
            }
            last[id] = t[i];
          }
        });
    for (std::uint64_t id = 0; id < n; ++id)
      if (count[id] >= 2 && mean[id] > 0)
        cv[k].add(std::sqrt(m2[id] / static_cast<double>(count[id])) / mean[id]);
  }
  canvas c(out, 900, 420);
  double top_isi = 0, top_cv = 0;
  for (const auto& h : isi)
    for (const double f : h.fractions()) top_isi = std::max(top_isi, f);
  for (const auto& h : cv)
    for (const double f : h.fractions()) top_cv = std::max(top_cv, f);
  std::vector<std::pair<std::string, colour>> legend;
  c.set_area({80, 40, 340, 320}, 0, 500, 0, top_isi > 0 ? top_isi * 1.05 : 1);
  for (std::size_t k = 0; k < isi.size(); ++k) {
    draw_steps(c, 0, 500, isi[k].fractions(), palette(k));
    legend.emplace_back(sel.populations[k].name, palette(k));
  }
  c.axes("inter-spike interval (ms)", "fraction of intervals");
  c.title("ISI distribution");
  c.set_area({520, 40, 340, 320}, 0, 3, 0, top_cv > 0 ? top_cv * 1.05 : 1);
  for (std::size_t k = 0; k < cv.size(); ++k) draw_steps(c, 0, 3, cv[k].fractions(), palette(k));
  c.axes("CV of ISIs", "fraction of neurons (>= 3 spikes)");
  c.title("CV distribution");
  c.legend(legend);
  c.finish();
}

}  // namespace spikeq::plot
