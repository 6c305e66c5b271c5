#include "analysis/modulator_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spikeq::analysis {

namespace {
constexpr std::uint64_t chunk = std::uint64_t{1} << 20;

std::string group_path(const std::string& name) { return "/neuromodulators/" + name; }

double scalar_attribute(const io::hdf5_reader& r, const std::string& group, const char* attribute) {
  if (!r.has_attribute(group, attribute))
    throw io::hdf5_error(r.file_name(), group, std::string("no attribute '") + attribute + "'");
  return r.double_attribute(group, attribute).at(0);
}
}  // namespace

std::vector<std::string> modulator_channels(const io::hdf5_reader& r) {
  if (!r.exists("/neuromodulators")) return {};
  return r.members("/neuromodulators");
}

modulator_channel_info read_modulator_channel(const io::hdf5_reader& r, const std::string& name) {
  const std::string g = group_path(name);
  modulator_channel_info info;
  info.name = name;
  info.tau_ms = scalar_attribute(r, g, "tau");
  info.tonic = scalar_attribute(r, g, "tonic");
  if (!(info.tau_ms > 0)) throw io::hdf5_error(r.file_name(), g + "@tau", "tau must be > 0");
  for (const char* d : {"/release_times", "/release_amounts"})
    if (!r.exists(g + d)) throw io::hdf5_error(r.file_name(), g + d, "missing dataset");
  info.releases = r.shape(g + "/release_times").at(0);
  if (r.shape(g + "/release_amounts").at(0) != info.releases)
    throw io::hdf5_error(r.file_name(), g, "release_times and release_amounts differ in length");
  return info;
}

void for_each_release_chunk(const io::hdf5_reader& r, const std::string& name,
                            const std::function<void(std::span<const double>, std::span<const double>)>& f) {
  const std::string g = group_path(name);
  const std::uint64_t n = read_modulator_channel(r, name).releases;
  double last = -std::numeric_limits<double>::infinity();
  for (std::uint64_t offset = 0; offset < n; offset += chunk) {
    const std::uint64_t count = std::min(chunk, n - offset);
    const auto times = r.read_doubles(g + "/release_times", offset, count);
    const auto amounts = r.read_doubles(g + "/release_amounts", offset, count);
    for (const double t : times) {
      if (!(t >= last)) throw io::hdf5_error(r.file_name(), g + "/release_times", "times are not ascending");
      last = t;
    }
    f(times, amounts);
  }
}

modulator_accumulator::modulator_accumulator(double tau_ms, double tonic, double t_start_ms, double t_stop_ms)
    : tau_(tau_ms), tonic_(tonic), a_(t_start_ms), b_(t_stop_ms) {
  if (!(tau_ms > 0) || !(t_stop_ms > t_start_ms))
    throw std::invalid_argument("modulator_accumulator: needs tau > 0 and t_stop > t_start");
}

void modulator_accumulator::candidate(double level, double t) {
  if (level > peak_) {
    peak_ = level;
    peak_time_ = t;
  }
}

void modulator_accumulator::close_group() {
  if (group_open_ && t_ >= a_) candidate(tonic_ + phasic_, t_);
  group_open_ = false;
}

void modulator_accumulator::advance(double t) {
  // M(a): the decayed releases before the window (a release at a itself is
  // included when its group closes).
  if (t_ < a_ && t > a_) candidate(tonic_ + phasic_ * std::exp(-(a_ - t_) / tau_), a_);
  if (phasic_ != 0) phasic_ *= std::exp(-(t - t_) / tau_);
  t_ = t;
  if (t > a_) candidate(tonic_ + phasic_, t);  // the left limit M(t-)
}

void modulator_accumulator::add(std::span<const double> times_ms, std::span<const double> amounts) {
  if (times_ms.size() != amounts.size())
    throw std::invalid_argument("modulator_accumulator: times and amounts differ in length");
  for (std::size_t k = 0; k < times_ms.size(); ++k) {
    const double t = times_ms[k], x = amounts[k];
    if (t > b_) return;
    // Integral over [a, b] of x * exp(-(s - t) / tau) ds, s >= t.
    const double term = t >= a_ ? x * tau_ * -std::expm1(-(b_ - t) / tau_)
                                : x * tau_ * std::exp(-(a_ - t) / tau_) * -std::expm1(-(b_ - a_) / tau_);
    const double sum = integral_ + term;  // Neumaier's compensated summation
    compensation_ +=
        std::abs(integral_) >= std::abs(term) ? (integral_ - sum) + term : (term - sum) + integral_;
    integral_ = sum;
    if (t >= a_) {
      ++releases_;
      nonzero_ += x != 0;
      total_ += x;
    }
    if (t != t_) {
      close_group();
      advance(t);
    }
    phasic_ += x;
    group_open_ = true;
  }
}

modulator_statistics modulator_accumulator::finish(const std::string& name) const {
  modulator_accumulator end = *this;  // closing the last group and reaching b change the state
  end.close_group();
  if (end.t_ < b_) end.advance(b_);
  modulator_statistics s;
  s.name = name;
  s.tau_ms = tau_;
  s.tonic = tonic_;
  s.t_start_ms = a_;
  s.t_stop_ms = b_;
  s.releases = releases_;
  s.nonzero_releases = nonzero_;
  s.total_amount = total_;
  s.release_rate_hz = static_cast<double>(releases_) / ((b_ - a_) / 1000.0);
  s.mean_level = tonic_ + (integral_ + compensation_) / (b_ - a_);
  s.peak_level = end.peak_;
  s.peak_time_ms = end.peak_time_;
  return s;
}

modulator_statistics analyze_modulator(const io::hdf5_reader& r, const std::string& name, double t_start_ms,
                                       double t_stop_ms) {
  const auto info = read_modulator_channel(r, name);
  modulator_accumulator acc(info.tau_ms, info.tonic, t_start_ms, t_stop_ms);
  for_each_release_chunk(r, name,
                         [&](std::span<const double> t, std::span<const double> x) { acc.add(t, x); });
  return acc.finish(name);
}

modulator_trace trace_modulator(const io::hdf5_reader& r, const std::string& name, double t_start_ms,
                                double t_stop_ms, std::size_t cells) {
  if (cells == 0 || !(t_stop_ms > t_start_ms))
    throw std::invalid_argument("trace_modulator: needs cells >= 1 and t_stop > t_start");
  const auto info = read_modulator_channel(r, name);
  const double tau = info.tau_ms, tonic = info.tonic, a = t_start_ms, b = t_stop_ms;
  modulator_trace out;
  out.cell_ms = (b - a) / static_cast<double>(cells);
  out.release_cells.assign(cells, 0);
  const auto edge = [&](std::size_t i) { return i == cells ? b : a + static_cast<double>(i) * out.cell_ms; };

  double phasic = 0, t_last = -std::numeric_limits<double>::infinity();
  bool group_open = false;
  const auto level_at = [&](double t) {
    return tonic + (phasic != 0 ? phasic * std::exp(-(t - t_last) / tau) : 0.0);
  };

  // The current cell and its extremes, each with its order of occurrence.
  std::ptrdiff_t cell = -1;
  struct extreme {
    double level = 0, time = 0;
    std::uint64_t order = 0;
    bool set = false;
  } lo, hi;
  std::uint64_t order = 0;
  const auto offer = [&](double level, double t) {
    ++order;
    if (!lo.set || level < lo.level) lo = {level, t, order, true};
    if (!hi.set || level > hi.level) hi = {level, t, order, true};
  };
  const auto vertex = [&](double t, double level) {
    out.times_ms.push_back(t);
    out.levels.push_back(level);
  };
  const auto end_cell = [&] {
    if (lo.set) {
      const extreme& first = lo.order <= hi.order ? lo : hi;
      const extreme& second = lo.order <= hi.order ? hi : lo;
      vertex(first.time, first.level);
      if (second.order != first.order) vertex(second.time, second.level);
    }
    lo.set = hi.set = false;
  };
  // Moves to the cell holding t (every release before t has been folded in).
  const auto reach_cell_of = [&](double t) {
    while (cell < 0 ||
           (static_cast<std::size_t>(cell) + 1 < cells && t >= edge(static_cast<std::size_t>(cell) + 1))) {
      if (cell >= 0) end_cell();
      ++cell;
      vertex(edge(static_cast<std::size_t>(cell)), level_at(edge(static_cast<std::size_t>(cell))));
    }
  };
  const auto close_group = [&] {
    if (group_open && t_last >= a) offer(tonic + phasic, t_last);
    group_open = false;
  };

  for_each_release_chunk(r, name, [&](std::span<const double> times, std::span<const double> amounts) {
    for (std::size_t k = 0; k < times.size(); ++k) {
      const double t = times[k], x = amounts[k];
      if (t > b) return;
      if (t != t_last) {
        close_group();
        if (t >= a) {
          reach_cell_of(t);
          offer(level_at(t), t);  // the left limit M(t-)
        }
        if (phasic != 0) phasic *= std::exp(-(t - t_last) / tau);
        t_last = t;
      }
      phasic += x;
      group_open = true;
      if (t >= a) out.release_cells[static_cast<std::size_t>(cell)] |= x != 0 ? 1 : 2;
    }
  });
  close_group();
  reach_cell_of(b);
  end_cell();
  vertex(b, level_at(b));
  return out;
}

}  // namespace spikeq::analysis
