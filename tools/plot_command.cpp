#include "tools/plot_command.hpp"

#include <iostream>

#include "io/diagnostics.hpp"
#include "io/hdf5/hdf5_handle.hpp"
#include "plot/figures.hpp"

namespace spikeq::tools {

int plot_recording_command(const plot_options& o) {
  if (o.raster.empty() && o.rates.empty() && o.isi.empty() && o.weights.empty() && o.modulators.empty() &&
      o.readouts.empty() && o.alignment.empty() && o.accuracy.empty()) {
    std::cerr << "error: choose at least one figure: --raster, --rates, --isi, --weights, --modulators, "
                 "--readouts, --alignment or --accuracy FILE\n";
    return 2;
  }
  plot::plot_window w{o.populations, o.t_start_ms, o.t_stop_ms, {}};
  try {
    analysis::parse_response_options(o.trials, o.readout_window, o.align, w.readout);
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
  try {
    io::silence_hdf5_errors();
    if (!o.raster.empty()) plot::draw_raster(o.recording, w, o.raster);
    if (!o.rates.empty()) plot::draw_rates(o.recording, w, o.rates);
    if (!o.isi.empty()) plot::draw_isi(o.recording, w, o.isi);
    if (!o.weights.empty()) plot::draw_weights(o.recording, w, o.weights);
    if (!o.modulators.empty()) plot::draw_modulators(o.recording, w, o.modulators);
    if (!o.readouts.empty()) plot::draw_readouts(o.recording, w, o.readouts);
    if (!o.alignment.empty()) plot::draw_alignment(o.recording, w, o.alignment);
    if (!o.accuracy.empty()) plot::draw_accuracy(o.recording, w, o.accuracy);
    return 0;
  } catch (const io::input_error& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.format() << '\n';
  } catch (const io::hdf5_error& e) {
    std::cerr << "error: " << e.what() << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << '\n';
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << '\n';
  }
  return 2;
}

}  // namespace spikeq::tools
