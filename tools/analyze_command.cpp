#include "tools/analyze_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/recording_analysis.hpp"
#include "analysis/recording_completeness.hpp"
#include "io/diagnostics.hpp"
#include "io/hdf5/hdf5_handle.hpp"
#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::tools {

namespace {

// JSON has no NaN: statistics without eligible neurons become null.
nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

const char* align_name(analysis::alignment a) {
  return a == analysis::alignment::outcome ? "outcome" : "trial start";
}

nlohmann::json readout_json(const analysis::readout_responses& ro) {
  const auto response = [&](std::size_t outcome, std::size_t neuron) {
    nlohmann::json j;
    for (std::size_t b = 0; b < ro.blocks.size(); ++b) {
      const auto& a = ro.at(b, outcome, neuron);
      j[ro.blocks[b].name] = {{"trials", a.trials},
                              {"peak", number(a.peak)},
                              {"peak_time", number(a.peak_time_ms)},
                              {"at_zero", number(a.at_zero)}};
    }
    return j;
  };
  nlohmann::json blocks;
  for (const auto& b : ro.blocks)
    blocks[b.name] = {{"trials", b.trials}, {"first", b.first}, {"last", b.last}};
  nlohmann::json neurons = nlohmann::json::array();
  for (std::size_t c = 0; c < ro.report.node_ids.size(); ++c) {
    nlohmann::json n{{"node_id", ro.report.node_ids[c]}, {"all", response(ro.outcomes.size(), c)}};
    for (std::size_t o = 0; o < ro.outcomes.size(); ++o) n["outcomes"][ro.outcomes[o]] = response(o, c);
    neurons.push_back(n);
  }
  const double step = ro.offsets_ms.size() > 1 ? ro.offsets_ms[1] - ro.offsets_ms[0] : ro.report.step_ms;
  return {{"population", ro.report.population},
          {"variable", ro.report.variable},
          {"align", ro.align == analysis::alignment::outcome ? "outcome" : "start"},
          {"offsets", {{"first", ro.offsets_ms.front()}, {"last", ro.offsets_ms.back()}, {"step", step}}},
          {"outcome_names", ro.outcomes},
          {"trials", {{"selected", ro.trials_selected}, {"used", ro.trials_used}}},
          {"blocks", blocks},
          {"neurons", neurons}};
}

nlohmann::json to_json(const analysis::recording_statistics& s) {
  nlohmann::json out;
  out["window"] = {{"t_start", s.t_start_ms}, {"t_stop", s.t_stop_ms}, {"bin", s.bin_ms}, {"units", "ms"}};
  out["units"] = {{"rate", "Hz"},
                  {"cv", "1"},
                  {"lv", "1"},
                  {"fano_factor", "1"},
                  {"correlation", "1"},
                  {"synchrony_chi", "1"},
                  {"spectrum_peak", "Hz"},
                  {"band_power_fraction", "1"}};
  for (std::size_t k = 0; k < s.populations.size(); ++k) {
    const auto& p = s.populations[k];
    const auto& f = s.spectra[k];
    const auto size = p.population_size > 0 ? nlohmann::json(p.population_size) : nlohmann::json(nullptr);
    out["populations"][p.name] = {{"neurons", p.neurons},
                                  {"population_size", size},
                                  {"recorded_neurons_listed", p.recorded_listed},
                                  {"spikes", p.spikes},
                                  {"rate",
                                   {{"mean", number(p.mean_rate_hz)},
                                    {"median", number(p.median_rate_hz)},
                                    {"p5", number(p.p5_rate_hz)},
                                    {"p95", number(p.p95_rate_hz)}}},
                                  {"fraction_silent", p.fraction_silent},
                                  {"neurons_with_isi_statistics", p.neurons_with_isi_statistics},
                                  {"cv", {{"mean", number(p.mean_cv)}, {"median", number(p.median_cv)}}},
                                  {"lv", {{"mean", number(p.mean_lv)}}},
                                  {"fano_factor", number(p.fano_factor)},
                                  {"mean_pairwise_correlation", number(p.mean_pairwise_correlation)},
                                  {"synchrony_chi", number(p.synchrony_chi)},
                                  {"rate_spectrum",
                                   {{"segments", f.segments},
                                    {"peak", number(f.peak_hz)},
                                    {"band", {f.band_low_hz, f.band_high_hz}},
                                    {"band_power_fraction", number(f.band_power_fraction)}}}};
  }
  for (const auto& w : s.weights) {
    const auto summary = [](const analysis::weight_summary& x) {
      return nlohmann::json{{"count", x.count},   {"missing", x.missing}, {"mean", number(x.mean)},
                            {"sd", number(x.sd)}, {"min", number(x.min)}, {"max", number(x.max)}};
    };
    nlohmann::json j{
        {"edges", w.edges},
        {"initial", summary(w.initial)},
        {"final", summary(w.final_weights)},
        {"fraction_at_lower_bound", number(w.fraction_at_lower)},
        {"fraction_at_upper_bound", number(w.fraction_at_upper)},
        {"histogram",
         {{"low", number(w.histogram_low)}, {"high", number(w.histogram_high)}, {"counts", w.histogram}}},
        {"change",
         {{"source", w.change_source},
          {"from", number(w.change_from_ms)},
          {"to", number(w.change_to_ms)},
          {"mean", number(w.mean_change)},
          {"mean_absolute", number(w.mean_absolute_change)},
          {"changed", w.changed},
          {"compared", w.compared}}}};
    if (w.bounds) j["bounds"] = {w.bounds->w_min, w.bounds->w_max};
    out["weights"][w.name] = j;
  }
  out["units"]["weight"] = "the target model's input unit (pA, mV or nS)";
  out["units"]["change_times"] = "ms";
  for (const auto& m : s.modulators)
    out["neuromodulators"][m.name] = {{"tau", m.tau_ms},
                                      {"tonic", m.tonic},
                                      {"releases", m.releases},
                                      {"nonzero_releases", m.nonzero_releases},
                                      {"total_amount", m.total_amount},
                                      {"release_rate", m.release_rate_hz},
                                      {"mean_level", m.mean_level},
                                      {"peak_level", m.peak_level},
                                      {"peak_time", m.peak_time_ms}};
  for (const auto& ro : s.readouts) out["readouts"][ro.report.group] = readout_json(ro);
  for (const auto& a : s.alignments)
    out["alignment"][a.name] = {
        {"forward", a.forward},
        {"feedback", a.feedback},
        {"recurrent", a.recurrent},
        {"samples", a.samples},
        {"first", {{"time", number(a.first_time_ms)}, {"angle", number(a.first_angle_deg)}}},
        {"last", {{"time", number(a.last_time_ms)}, {"angle", number(a.last_angle_deg)}}},
        {"min_angle", {{"time", number(a.min_angle_time_ms)}, {"angle", number(a.min_angle_deg)}}},
        {"final_variance_of_difference", number(a.final_variance)},
        {"final_pearson", number(a.final_pearson)},
        {"final_sign_agreement", number(a.final_sign_agreement)}};
  if (!s.alignments.empty()) out["units"]["alignment_angle"] = "degrees";
  if (s.continual) {
    const auto& c = *s.continual;
    nlohmann::json rows = nlohmann::json::array(), counts = nlohmann::json::array();
    for (std::uint64_t t = 0; t < c.tasks; ++t) {
      nlohmann::json row = nlohmann::json::array(), n = nlohmann::json::array();
      for (std::uint64_t j = 0; j < c.tasks; ++j) {
        row.push_back(number(c.at(t, j)));
        n.push_back(c.samples[t * c.tasks + j]);
      }
      rows.push_back(row);
      counts.push_back(n);
    }
    out["continual_learning"] = {
        {"tasks", c.tasks},  {"evaluations", c.evaluations}, {"evaluated", c.evaluated}, {"accuracy", rows},
        {"samples", counts}, {"ACC", number(c.acc)},         {"BWT", number(c.bwt)}};
    out["units"]["accuracy"] = "fraction correct (row: after training task t; column: task tested)";
  }
  if (!s.readouts.empty()) {
    out["units"]["offsets"] = "ms";
    out["units"]["readout_peak_time"] = "ms, from the alignment time";
    out["units"]["readout_response"] =
        "the report's units attribute (y, target, error: the unit of the readout's weights)";
  }
  if (!s.modulators.empty()) {
    out["units"]["tau"] = "ms";
    out["units"]["release_rate"] = "Hz";
    out["units"]["level"] = "the releases' amount unit (tonic, total_amount, mean_level, peak_level)";
    out["units"]["peak_time"] = "ms";
  }
  return out;
}

// Per channel: releases in [t_start, t_stop] and the level they make, computed
// exactly from the release log (docs/analysis.md, "Neuromodulators").
void print_modulators(const analysis::recording_statistics& s, std::ostream& os) {
  for (const auto& m : s.modulators) {
    os << fmt::format(
        "neuromodulator {} (tau {:g} ms, tonic {:g}): {} release{} ({} non-zero), total {:.6g}, "
        "{:.4g} per s\n",
        m.name, m.tau_ms, m.tonic, m.releases, m.releases == 1 ? "" : "s", m.nonzero_releases, m.total_amount,
        m.release_rate_hz);
    os << fmt::format("  level over [{:g}, {:g}] ms: mean {:.6g}, peak {:.6g} at {:g} ms\n", m.t_start_ms,
                      m.t_stop_ms, m.mean_level, m.peak_level, m.peak_time_ms);
  }
}

// Per readout report of y: per neuron and outcome (and all trials), the response
// averaged over the trials, its peak and the peak's time from the alignment time, in
// three blocks of trials (docs/analysis.md, "Readouts").
void print_readouts(const analysis::recording_statistics& s, std::ostream& os) {
  for (const auto& ro : s.readouts) {
    const auto& all = ro.blocks[0];
    std::string counts;
    for (std::size_t o = 0; o < ro.outcomes.size(); ++o)
      counts += fmt::format("{}{} {}", o == 0 ? "" : ", ", ro.outcomes[o],
                            ro.report.node_ids.empty() ? 0 : ro.at(0, o, 0).trials);
    os << fmt::format(
        "readout {} (/report/{}): mean over trials of {} around the {}, [{:g}, {:g}] ms every {:g} ms\n",
        ro.report.population, ro.report.group, ro.report.variable, align_name(ro.align),
        ro.offsets_ms.front(), ro.offsets_ms.back(), ro.report.step_ms);
    os << fmt::format("  {} of {} selected trials{} ({})", ro.trials_used, ro.trials_selected,
                      all.trials > 0 ? fmt::format(", {}-{}", all.first, all.last) : "", counts);
    if (ro.trials_used < ro.trials_selected)
      os << fmt::format("; {} outside the recorded frames", ro.trials_selected - ro.trials_used);
    os << '\n';
    if (ro.trials_used == 0 || ro.report.node_ids.empty()) continue;
    const auto heading = [&](const analysis::trial_block& b, const char* name) {
      return fmt::format("{} ({}-{})", name, b.first, b.last);
    };
    os << fmt::format("  {:>6}  {:<10} {:>28} {:>28} {:>28}\n", "neuron", "outcome",
                      heading(ro.blocks[1], "first quarter"), heading(ro.blocks[2], "last quarter"),
                      heading(ro.blocks[0], "all trials"));
    os << fmt::format("  {:>6}  {:<10}", "", "");
    for (int b = 0; b < 3; ++b) os << fmt::format(" {:>6} {:>11} {:>9}", "n", "peak", "at ms");
    os << '\n';
    for (std::size_t c = 0; c < ro.report.node_ids.size(); ++c)
      for (std::size_t o = 0; o <= ro.outcomes.size(); ++o) {
        os << fmt::format("  {:>6}  {:<10}", ro.report.node_ids[c],
                          o < ro.outcomes.size() ? ro.outcomes[o] : "all");
        for (const std::size_t b : {std::size_t{1}, std::size_t{2}, std::size_t{0}}) {
          const auto& a = ro.at(b, o, c);
          if (a.trials == 0)
            os << fmt::format(" {:>6} {:>11} {:>9}", 0, "-", "-");
          else
            os << fmt::format(" {:>6} {:>11.5g} {:>+9g}", a.trials, a.peak, a.peak_time_ms);
        }
        os << '\n';
      }
  }
}

// Per alignment (docs/models/alignment.md): the angle between W and B^T at the first
// and last sample of the window and its minimum, and the other measures at the last.
void print_alignments(const analysis::recording_statistics& s, std::ostream& os) {
  for (const auto& a : s.alignments) {
    os << fmt::format("alignment {} ({} vs {}): {} sample{}\n", a.name, a.forward,
                      a.recurrent ? "its transpose" : a.feedback + "^T", a.samples,
                      a.samples == 1 ? "" : "s");
    if (a.samples == 0) continue;
    os << fmt::format("  angle {:.4g} deg at {:g} ms -> {:.4g} deg at {:g} ms; min {:.4g} deg at {:g} ms\n",
                      a.first_angle_deg, a.first_time_ms, a.last_angle_deg, a.last_time_ms, a.min_angle_deg,
                      a.min_angle_time_ms);
    os << fmt::format("  final: {} {:.6g}, pearson {:.6g}, sign agreement {:.6g}\n",
                      a.recurrent ? "asymmetry var(upper W - W^T)" : "var(W - B^T)", a.final_variance,
                      a.final_pearson, a.final_sign_agreement);
  }
}

// The accuracy matrix (rules.md §4.6): row t after training task t, column j the
// task tested; then ACC and BWT (docs/models/hlop.md, "Evaluation").
void print_continual_learning(const analysis::recording_statistics& s, std::ostream& os) {
  if (!s.continual) return;
  const auto& c = *s.continual;
  os << fmt::format(
      "continual learning (/continual_learning): {} task{}, {} of {} evaluation samples shown\n", c.tasks,
      c.tasks == 1 ? "" : "s", c.evaluated, c.evaluations);
  os << fmt::format("  {:<16}", "accuracy after");
  for (std::uint64_t j = 0; j < c.tasks; ++j) os << fmt::format(" {:>8}", fmt::format("task {}", j));
  os << '\n';
  for (std::uint64_t t = 0; t < c.tasks; ++t) {
    os << fmt::format("  {:<16}", fmt::format("task {}", t));
    for (std::uint64_t j = 0; j < c.tasks; ++j)
      os << (std::isfinite(c.at(t, j)) ? fmt::format(" {:>8.3f}", c.at(t, j)) : fmt::format(" {:>8}", "-"));
    os << '\n';
  }
  os << fmt::format(
      "  ACC {:.4f} (mean final accuracy), BWT {:+.4f} (mean change since each task was learned)\n", c.acc,
      c.bwt);
}

void print_weights(const analysis::recording_statistics& s, std::ostream& os) {
  for (const auto& w : s.weights) {
    os << fmt::format("weights {} ({} synapses): final {:.4g} +- {:.4g} [{:.4g}, {:.4g}]", w.name, w.edges,
                      w.final_weights.mean, w.final_weights.sd, w.final_weights.min, w.final_weights.max);
    if (w.bounds)
      os << fmt::format(", {:.1f} % at Wmin = {:g}, {:.1f} % at Wmax = {:g}", 100 * w.fraction_at_lower,
                        w.bounds->w_min, 100 * w.fraction_at_upper, w.bounds->w_max);
    os << '\n';
    os << fmt::format("  histogram over [{:.4g}, {:.4g}]:", w.histogram_low, w.histogram_high);
    for (const auto n : w.histogram) os << ' ' << n;
    os << '\n';
    if (w.change_source == "report")
      os << fmt::format(
          "  change from {} to {} ms (report, {} synapses): mean {:+.4g}, mean |change| {:.4g}, {} changed\n",
          w.change_from_ms, w.change_to_ms, w.compared, w.mean_change, w.mean_absolute_change, w.changed);
    else if (w.change_source == "edges" && w.compared == 0 && w.final_weights.missing > 0)
      // A crashed run leaves syn_weight NaN: comparing it would call every synapse changed.
      os << "  change initial to final: final weights not recorded (incomplete run)\n";
    else if (w.change_source == "edges")
      os << fmt::format("  change initial to final: mean {:+.4g}, mean |change| {:.4g}, {} of {} changed\n",
                        w.mean_change, w.mean_absolute_change, w.changed, w.compared);
  }
}

void print_table(const analysis::recording_statistics& s, std::ostream& os) {
  os << fmt::format("window {} to {} ms, bins of {} ms\n", s.t_start_ms, s.t_stop_ms, s.bin_ms);
  if (s.populations.empty()) return;  // a file with neuromodulator logs only
  os << fmt::format("{:<14} {:>8} {:>10} {:>9} {:>9} {:>15} {:>7} {:>6} {:>6} {:>6} {:>7} {:>6}\n",
                    "population", "neurons", "spikes", "rate Hz", "median", "p5-p95 Hz", "silent", "CV", "LV",
                    "Fano", "corr", "chi");
  for (const auto& p : s.populations)
    os << fmt::format(
        "{:<14} {:>8} {:>10} {:>9.3f} {:>9.3f} {:>15} {:>7.3f} {:>6.3f} {:>6.3f} {:>6.3f} {:>7.4f} "
        "{:>6.3f}\n",
        p.name, p.neurons, p.spikes, p.mean_rate_hz, p.median_rate_hz,
        fmt::format("{:.2f}-{:.2f}", p.p5_rate_hz, p.p95_rate_hz), p.fraction_silent, p.mean_cv, p.mean_lv,
        p.fano_factor, p.mean_pairwise_correlation, p.synchrony_chi);
  if (!s.spectra.empty()) {
    os << fmt::format("{:<14} {:>9} {:>10} {:>22}\n", "rate spectrum", "segments", "peak Hz",
                      fmt::format("power {:g}-{:g} Hz", s.spectra[0].band_low_hz, s.spectra[0].band_high_hz));
    for (std::size_t k = 0; k < s.populations.size(); ++k)
      os << fmt::format("{:<14} {:>9} {:>10.2f} {:>22.3f}\n", s.populations[k].name, s.spectra[k].segments,
                        s.spectra[k].peak_hz, s.spectra[k].band_power_fraction);
  }
  for (const auto& p : s.populations)
    if (p.population_size > p.neurons && p.recorded_listed)
      os << fmt::format("{}: {} of its {} neurons recorded; statistics over those {}\n", p.name, p.neurons,
                        p.population_size, p.neurons);
  os << "CV and LV over neurons with >= 3 spikes; NaN where no neuron qualifies; the spectrum needs\n"
        "at least 1.024 s of window (docs/analysis.md).\n";
}

}  // namespace

int analyze_recording_command(const analyze_options& options) {
  try {
    analysis::analysis_request request;
    request.populations = options.populations;
    request.t_start_ms = options.t_start_ms;
    request.t_stop_ms = options.t_stop_ms;
    request.bin_ms = options.bin_ms;
    request.band_low_hz = options.band_low_hz;
    request.band_high_hz = options.band_high_hz;
    try {
      analysis::parse_response_options(options.trials, options.readout_window, options.align,
                                       request.readout);
    } catch (const std::invalid_argument& e) {
      std::cerr << "error: " << e.what() << '\n';
      return 2;
    }
    {
      const io::hdf5_reader r = io::open_recording_file(options.recording);
      if (analysis::is_incomplete_recording(r, options.recording)) {
        const double last_ms = analysis::last_recorded_time_ms(r);
        std::cout << fmt::format(
            "incomplete recording: the run did not finish; it holds model time up to {:.3f} ms\n", last_ms);
        // Rates over the run's t_stop would count the unrecorded time as silence.
        if (!request.t_stop_ms && last_ms > request.t_start_ms.value_or(0.0)) request.t_stop_ms = last_ms;
      }
    }
    const auto stats = analysis::analyze_recording(options.recording, request);
    for (const auto& note : stats.notes) std::cerr << note << '\n';
    print_table(stats, std::cout);
    print_weights(stats, std::cout);
    print_modulators(stats, std::cout);
    print_readouts(stats, std::cout);
    print_alignments(stats, std::cout);
    print_continual_learning(stats, std::cout);
    if (!options.json_path.empty()) {
      std::ofstream json(options.json_path);
      if (!json) throw io::input_error({{options.json_path, 0, 0, "cannot write the JSON file"}});
      json << to_json(stats).dump(2) << '\n';
    }
    return 0;
  } catch (const io::input_error& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.format() << '\n';
    return 2;
  } catch (const io::hdf5_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
}

}  // namespace spikeq::tools
