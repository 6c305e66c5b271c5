#include "analysis/readout_responses.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "io/diagnostics.hpp"
#include "io/network_file.hpp"

namespace spikeq::analysis {

namespace {

constexpr double grid_tolerance = 1e-9;  // in frame steps

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  std::string::size_type from = 0;
  while (true) {
    const auto comma = s.find(',', from);
    out.push_back(s.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

bool readout_variable(const std::string& v) { return v == "y" || v == "target" || v == "error"; }

// Where the value at `time` lies among the frames: frames i0 and i1 = i0 + 1 with
// weight f of i1 (f = 0 and i1 = i0 on the frame grid).
struct frame_position {
  std::int64_t i0 = 0, i1 = 0;
  double f = 0;
};

frame_position locate(double time, const readout_report& report) {
  const double p = (time - report.start_ms) / report.step_ms;
  const double nearest = std::round(p);
  if (std::abs(p - nearest) <= grid_tolerance) {
    const auto i = static_cast<std::int64_t>(nearest);
    return {i, i, 0.0};
  }
  const double below = std::floor(p);
  const auto i = static_cast<std::int64_t>(below);
  return {i, i + 1, p - below};
}

}  // namespace

std::pair<std::optional<double>, std::optional<double>> parse_range(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
    throw std::invalid_argument("'" + text + "': expected FROM:TO (either may be left out)");
  const auto number = [&](const std::string& part) -> std::optional<double> {
    if (part.empty()) return std::nullopt;
    std::size_t used = 0;
    double x = 0;
    try {
      x = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != part.size() || !std::isfinite(x))
      throw std::invalid_argument("'" + text + "': '" + part + "' is not a number");
    return x;
  };
  return {number(text.substr(0, colon)), number(text.substr(colon + 1))};
}

void parse_response_options(const std::string& trials, const std::string& window, const std::string& align,
                            response_request& q) {
  if (!trials.empty()) {
    const auto [from, to] = parse_range(trials);
    for (const auto& x : {from, to})
      if (x && (*x < 0 || *x != std::floor(*x) || *x > 1e15))
        throw std::invalid_argument("--trials '" + trials + "': trial indices are whole numbers >= 0");
    if (from) q.first_trial = static_cast<std::uint64_t>(*from);
    if (to) q.end_trial = static_cast<std::uint64_t>(*to);
    if (from && to && !(*to > *from))
      throw std::invalid_argument("--trials '" + trials + "': the range A:B needs B > A (B is excluded)");
  }
  if (!window.empty()) {
    const auto [low, high] = parse_range(window);
    if (low) q.window_low_ms = *low;
    if (high) q.window_high_ms = *high;
    if (!(q.window_high_ms >= q.window_low_ms))
      throw std::invalid_argument("--readout-window '" + window + "': needs LOW <= HIGH (ms)");
  }
  if (align == "outcome" || align.empty())
    q.align = alignment::outcome;
  else if (align == "start")
    q.align = alignment::trial_start;
  else
    throw std::invalid_argument("--align '" + align + "': choose outcome or start");
}

std::optional<trial_schedule> read_protocol(const io::hdf5_reader& r) {
  if (!r.exists("/protocol")) return std::nullopt;
  trial_schedule s;
  for (const char* d : {"/protocol/trial_start", "/protocol/outcome_time", "/protocol/outcome"})
    if (!r.exists(d)) throw io::hdf5_error(r.file_name(), d, "missing dataset");
  s.trial_start_ms = r.read_doubles("/protocol/trial_start");
  s.outcome_time_ms = r.read_doubles("/protocol/outcome_time");
  s.outcome = r.read_uint64s("/protocol/outcome");
  if (s.outcome_time_ms.size() != s.trial_start_ms.size() || s.outcome.size() != s.trial_start_ms.size())
    throw io::hdf5_error(r.file_name(), "/protocol",
                         "trial_start, outcome_time and outcome differ in length");
  if (!r.has_attribute("/protocol", "outcome_names"))
    throw io::hdf5_error(r.file_name(), "/protocol", "no attribute 'outcome_names'");
  s.outcome_names = split_names(r.string_attribute("/protocol", "outcome_names"));
  for (const auto o : s.outcome)
    if (o >= s.outcome_names.size())
      throw io::hdf5_error(r.file_name(), "/protocol/outcome",
                           fmt::format("outcome {} has no name in outcome_names", o));
  if (r.has_attribute("/protocol", "trial_duration_ms")) {
    const std::string text = r.string_attribute("/protocol", "trial_duration_ms");
    try {
      s.trial_duration_ms = std::stod(text);
    } catch (const std::exception&) {
      throw io::hdf5_error(r.file_name(), "/protocol@trial_duration_ms", "not a number: '" + text + "'");
    }
  } else {
    for (std::size_t k = 1; k < s.trial_start_ms.size(); ++k)
      s.trial_duration_ms = std::min(s.trial_duration_ms, s.trial_start_ms[k] - s.trial_start_ms[k - 1]);
  }
  return s;
}

std::vector<readout_report> readout_reports(const io::hdf5_reader& r) {
  std::vector<readout_report> out;
  if (!r.exists("/report")) return out;
  // The readout populations of the network stored as provenance, if it can be read.
  std::optional<std::vector<std::string>> readouts, populations;
  if (r.exists("/provenance/network")) {
    try {
      const auto file = io::parse_network_text(r.read_string("/provenance/network"), "/provenance/network");
      readouts.emplace();
      populations.emplace();
      for (const auto& p : file.network.population()) {
        populations->push_back(p.name());
        if (p.has_linear_readout()) readouts->push_back(p.name());
      }
    } catch (const io::input_error&) {
    }
  }
  const auto contains = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  for (const auto& group : r.members("/report")) {
    const std::string g = "/report/" + group;
    if (!r.has_attribute(g, "variable") || !r.exists(g + "/data")) continue;
    readout_report rep;
    rep.group = group;
    rep.variable = r.string_attribute(g, "variable");
    if (!readout_variable(rep.variable)) continue;
    const std::string suffix = "." + rep.variable;
    const bool suffixed = group.size() > suffix.size() && group.ends_with(suffix);
    rep.population = group;
    if (suffixed && (!populations || !contains(*populations, group)))
      rep.population = group.substr(0, group.size() - suffix.size());
    if (readouts && !contains(*readouts, rep.population)) continue;
    if (r.has_attribute(g + "/data", "units")) rep.units = r.string_attribute(g + "/data", "units");
    rep.node_ids = r.read_uint64s(g + "/mapping/node_ids");
    const auto time = r.read_doubles(g + "/mapping/time");
    if (time.size() != 3 || !(time[2] > 0))
      throw io::hdf5_error(r.file_name(), g + "/mapping/time", "expected {start, stop, step} with step > 0");
    rep.start_ms = time[0];
    rep.step_ms = time[2];
    const auto shape = r.shape(g + "/data");
    if (shape.size() != 2 || shape[1] != rep.node_ids.size())
      throw io::hdf5_error(r.file_name(), g + "/data", "expected frames x nodes, one column per node id");
    rep.frames = shape[0];
    out.push_back(std::move(rep));
  }
  return out;
}

readout_responses average_readout(const io::hdf5_reader& r, const trial_schedule& protocol,
                                  const readout_report& report, const response_request& q) {
  const auto fail = [&](const std::string& what) { return io::input_error({{r.file_name(), 0, 0, what}}); };
  readout_responses out;
  out.report = report;
  out.align = q.align;
  out.outcomes = protocol.outcome_names;
  const std::size_t n_trials = protocol.trial_start_ms.size();
  const auto align_time = [&](std::size_t k) {
    return q.align == alignment::outcome ? protocol.outcome_time_ms[k] : protocol.trial_start_ms[k];
  };

  // Trials selected by index and by time.
  const std::uint64_t first = q.first_trial.value_or(0);
  const std::uint64_t end = std::min<std::uint64_t>(q.end_trial.value_or(n_trials), n_trials);
  std::vector<std::size_t> selected;
  for (std::uint64_t k = first; k < end; ++k) {
    const double a = align_time(k);
    if (a >= q.t_start_ms && a < q.t_stop_ms) selected.push_back(k);
  }
  if (selected.empty())
    throw fail(
        fmt::format("no trial of the protocol's {} is selected (trials {}:{}, alignment times in [{}, {}))",
                    n_trials, first, end, q.t_start_ms, q.t_stop_ms));
  out.trials_selected = selected.size();

  // The window, clipped to every selected trial, on the grid of the frame step.
  double low = q.window_low_ms, trial_end = std::numeric_limits<double>::infinity();
  for (const auto k : selected) {
    low = std::max(low, protocol.trial_start_ms[k] - align_time(k));
    trial_end = std::min(trial_end, protocol.trial_start_ms[k] + protocol.trial_duration_ms - align_time(k));
  }
  const double step = report.step_ms;
  const double j_low = std::ceil(low / step - grid_tolerance);
  double j_high = std::floor(q.window_high_ms / step + grid_tolerance);
  if (std::isfinite(trial_end)) j_high = std::min(j_high, std::ceil(trial_end / step - grid_tolerance) - 1);
  if (!(j_high >= j_low))
    throw fail(fmt::format(
        "the window [{}, {}] ms around the {} holds no frame of /report/{} (every {} ms) inside the trials",
        q.window_low_ms, q.window_high_ms, q.align == alignment::outcome ? "outcome" : "trial start",
        report.group, step));
  for (double j = j_low; j <= j_high; ++j) out.offsets_ms.push_back(j * step + 0.0);  // no -0
  const std::size_t n_offsets = out.offsets_ms.size();

  // Trials whose window lies inside the recorded frames.
  std::vector<std::size_t> used;
  const auto inside = [&](const frame_position& p) {
    return p.i0 >= 0 && p.i1 < static_cast<std::int64_t>(report.frames);
  };
  for (const auto k : selected)
    if (inside(locate(align_time(k) + out.offsets_ms.front(), report)) &&
        inside(locate(align_time(k) + out.offsets_ms.back(), report)))
      used.push_back(k);
  out.trials_used = used.size();
  const std::size_t n = used.size(), quarter = std::max<std::size_t>(1, n / 4);
  const auto block = [&](const char* name, std::size_t from, std::size_t to) {
    trial_block b{name, to - from, 0, 0};
    if (to > from) {
      b.first = used[from];
      b.last = used[to - 1];
    }
    return b;
  };
  out.blocks = {block("all", 0, n), block("first_quarter", 0, std::min(quarter, n)),
                block("last_quarter", n - std::min(quarter, n), n)};

  // Sums and sums of squares per block, outcome (and all), neuron and offset.
  const std::size_t n_outcomes = out.outcomes.size() + 1, n_neurons = report.node_ids.size();
  const std::size_t cells = out.blocks.size() * n_outcomes * n_neurons;
  std::vector<double> sum(cells * n_offsets, 0.0), sum_sq(cells * n_offsets, 0.0);
  std::vector<std::uint64_t> count(cells, 0);
  std::vector<frame_position> at(n_offsets);
  std::vector<double> values(n_offsets * n_neurons);
  // Frames are read in blocks of about 2^20 values (trials come in time order), each
  // block at least a whole trial's window.
  const std::string data = "/report/" + report.group + "/data";
  const auto block_rows =
      static_cast<std::int64_t>(std::max<std::size_t>(1, (std::size_t{1} << 20) / n_neurons));
  io::float_matrix frames;
  std::int64_t block0 = 0;
  for (std::size_t u = 0; u < n; ++u) {
    const std::size_t k = used[u];
    for (std::size_t j = 0; j < n_offsets; ++j) at[j] = locate(align_time(k) + out.offsets_ms[j], report);
    const std::int64_t row0 = at.front().i0, row1 = at.back().i1;
    if (frames.rows == 0 || row0 < block0 || row1 >= block0 + static_cast<std::int64_t>(frames.rows)) {
      block0 = row0;
      const std::int64_t rows =
          std::min(std::max(block_rows, row1 - row0 + 1), static_cast<std::int64_t>(report.frames) - row0);
      frames = r.read_float_rows(data, static_cast<std::uint64_t>(row0), static_cast<std::uint64_t>(rows));
    }
    for (std::size_t j = 0; j < n_offsets; ++j)
      for (std::size_t c = 0; c < n_neurons; ++c) {
        const double v0 = frames.at(static_cast<std::uint64_t>(at[j].i0 - block0), c);
        const double v1 = frames.at(static_cast<std::uint64_t>(at[j].i1 - block0), c);
        values[j * n_neurons + c] = at[j].f == 0 ? v0 : v0 + at[j].f * (v1 - v0);
      }
    for (std::size_t b = 0; b < out.blocks.size(); ++b) {
      const bool member = b == 0 || (b == 1 && u < quarter) || (b == 2 && u >= n - std::min(quarter, n));
      if (!member) continue;
      for (const std::size_t o : {static_cast<std::size_t>(protocol.outcome[k]), n_outcomes - 1})
        for (std::size_t c = 0; c < n_neurons; ++c) {
          const std::size_t cell = (b * n_outcomes + o) * n_neurons + c;
          ++count[cell];
          for (std::size_t j = 0; j < n_offsets; ++j) {
            const double v = values[j * n_neurons + c];
            sum[cell * n_offsets + j] += v;
            sum_sq[cell * n_offsets + j] += v * v;
          }
        }
    }
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.responses.resize(cells);
  for (std::size_t cell = 0; cell < cells; ++cell) {
    averaged_response& a = out.responses[cell];
    a.trials = count[cell];
    a.mean.assign(n_offsets, nan);
    a.sd.assign(n_offsets, nan);
    if (a.trials == 0) continue;
    const auto m = static_cast<double>(a.trials);
    for (std::size_t j = 0; j < n_offsets; ++j) {
      const double s = sum[cell * n_offsets + j];
      a.mean[j] = s / m;
      if (a.trials >= 2)
        a.sd[j] = std::sqrt(std::max(0.0, (sum_sq[cell * n_offsets + j] - s * s / m) / (m - 1)));
      if (std::isnan(a.peak) || std::abs(a.mean[j]) > std::abs(a.peak)) {
        a.peak = a.mean[j];
        a.peak_time_ms = out.offsets_ms[j];
      }
      if (out.offsets_ms[j] == 0) a.at_zero = a.mean[j];
    }
  }
  return out;
}

}  // namespace spikeq::analysis
