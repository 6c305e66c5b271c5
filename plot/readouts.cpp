// Readout responses around the outcome time: one panel per readout neuron (of every
// readout with a frame report of y), one line per outcome: the response averaged over
// the trials with that outcome (analysis/readout_responses.hpp), with a band of
// +-1 SEM, and, when the readout's `target` is recorded too, the teacher averaged the
// same way (dashed steps, same colour: the teacher is piecewise constant). Panels share their y range so
// amplitudes compare across neurons; x is the time from the outcome (or the trial start) in ms.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/readout_responses.hpp"
#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"
#include "plot/canvas.hpp"
#include "plot/figures.hpp"

namespace spikeq::plot {

namespace {
constexpr double left_margin = 72, panel_width = 238, panel_height = 210, column_gap = 42, row_gap = 64,
                 top_margin = 78, bottom_margin = 56, right_margin = 30;
constexpr std::size_t max_columns = 3;

struct panel {
  const analysis::readout_responses* response;
  const analysis::readout_responses* teacher;  // nullptr: no target recorded
  std::size_t column;                          // of the response's report
  std::optional<std::size_t> teacher_column;
};

// The samples joined by straight lines, or as steps (each value held until the next
// sample: a piecewise-constant signal such as the teacher).
void polyline(canvas& c, const std::vector<double>& x, const std::vector<double>& y, bool steps = false) {
  bool open = false;
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (!std::isfinite(y[k])) {
      open = false;
      continue;
    }
    if (open)
      cairo_line_to(c.cr(), c.x(x[k]), c.y(steps ? y[k - 1] : y[k]));
    else
      cairo_move_to(c.cr(), c.x(x[k]), c.y(y[k]));
    if (open && steps) cairo_line_to(c.cr(), c.x(x[k]), c.y(y[k]));
    open = true;
  }
  cairo_stroke(c.cr());
}

// The band mean +- SEM (where both are finite).
void band(canvas& c, const std::vector<double>& x, const analysis::averaged_response& a) {
  if (a.trials < 2) return;
  const double root_n = std::sqrt(static_cast<double>(a.trials));
  bool any = false;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double y = a.mean[k] + a.sd[k] / root_n;
    if (!std::isfinite(y)) continue;
    if (any)
      cairo_line_to(c.cr(), c.x(x[k]), c.y(y));
    else
      cairo_move_to(c.cr(), c.x(x[k]), c.y(y));
    any = true;
  }
  for (std::size_t k = x.size(); k-- > 0;) {
    const double y = a.mean[k] - a.sd[k] / root_n;
    if (std::isfinite(y)) cairo_line_to(c.cr(), c.x(x[k]), c.y(y));
  }
  if (any) cairo_fill(c.cr());
}

// Later outcomes are drawn thinner on top of earlier ones, so that identical
// responses (a readout that does not depend on the outcome) both stay visible.
double outcome_line_width(std::size_t outcome) {
  return std::max(1.0, 2.6 - 1.2 * static_cast<double>(outcome));
}

void dashed(canvas& c, bool on, double unit = 1.0) {
  const double dash[] = {5.0 * unit, 3.0 * unit};
  cairo_set_dash(c.cr(), dash, on ? 2 : 0, 0);
}
}  // namespace

void draw_readouts(const std::filesystem::path& recording, const plot_window& w,
                   const std::filesystem::path& out) {
  const io::hdf5_reader r = analysis::open_recording(recording);
  const auto protocol = analysis::read_protocol(r);
  if (!protocol)
    throw io::hdf5_error(recording.string(), "/protocol",
                         "no trial protocol in this file (declare one with protocol { ... })");
  const auto reports = analysis::readout_reports(r);
  analysis::response_request q = w.readout;
  q.t_start_ms = w.t_start_ms.value_or(-std::numeric_limits<double>::infinity());
  q.t_stop_ms = w.t_stop_ms.value_or(std::numeric_limits<double>::infinity());
  std::vector<analysis::readout_responses> responses, teachers;
  responses.reserve(reports.size());
  teachers.reserve(reports.size());
  for (const auto& rep : reports)
    if (rep.variable == "y" && !rep.node_ids.empty())
      responses.push_back(analysis::average_readout(r, *protocol, rep, q));
  if (responses.empty())
    throw io::hdf5_error(
        recording.string(), "/report",
        "no frame report of a linear_readout's y (record it with recording { state { population: "
        "\"<readout>\" variable: \"y\" interval: 5 } })");
  for (const auto& rep : reports)
    if (rep.variable == "target" && !rep.node_ids.empty())
      teachers.push_back(analysis::average_readout(r, *protocol, rep, q));

  std::vector<panel> panels;
  for (const auto& ro : responses) {
    const analysis::readout_responses* teacher = nullptr;
    for (const auto& t : teachers)
      if (t.report.population == ro.report.population) teacher = &t;
    for (std::size_t col = 0; col < ro.report.node_ids.size(); ++col) {
      panel p{&ro, teacher, col, std::nullopt};
      if (teacher) {
        const auto& ids = teacher->report.node_ids;
        const auto it = std::find(ids.begin(), ids.end(), ro.report.node_ids[col]);
        if (it != ids.end()) p.teacher_column = static_cast<std::size_t>(it - ids.begin());
      }
      panels.push_back(p);
    }
  }

  // One y range for all panels: every mean +- SEM and teacher, and 0.
  double low = 0, high = 0, x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  const auto extend = [&](const analysis::readout_responses& ro, std::size_t col, bool with_sem) {
    x_low = std::min(x_low, ro.offsets_ms.front());
    x_high = std::max(x_high, ro.offsets_ms.back());
    for (std::size_t o = 0; o < ro.outcomes.size(); ++o) {
      const auto& a = ro.at(0, o, col);
      const double root_n = std::sqrt(static_cast<double>(a.trials));
      for (std::size_t k = 0; k < a.mean.size(); ++k) {
        const double sem = with_sem && a.trials >= 2 ? a.sd[k] / root_n : 0.0;
        if (!std::isfinite(a.mean[k])) continue;
        low = std::min(low, a.mean[k] - (std::isfinite(sem) ? sem : 0.0));
        high = std::max(high, a.mean[k] + (std::isfinite(sem) ? sem : 0.0));
      }
    }
  };
  for (const auto& p : panels) {
    extend(*p.response, p.column, true);
    if (p.teacher_column) extend(*p.teacher, *p.teacher_column, false);
  }
  if (!(high > low)) high = low + 1;
  const double pad = 0.06 * (high - low);
  low = low < 0 ? low - pad : low;
  high += pad;
  if (!(x_high > x_low)) x_high = x_low + 1;

  const std::size_t columns = std::min(max_columns, panels.size());
  const std::size_t rows = (panels.size() + columns - 1) / columns;
  const auto nc = static_cast<double>(columns), nr = static_cast<double>(rows);
  const double width = left_margin + nc * panel_width + (nc - 1) * column_gap + right_margin;
  canvas c(out, std::max(width, 420.0), top_margin + nr * panel_height + (nr - 1) * row_gap + bottom_margin);

  // Heading and the key, shared by the panels.
  const auto& first = responses.front();
  const auto& all = first.blocks[0];
  const bool on_outcome = first.align == analysis::alignment::outcome;
  const double figure_width = std::max(width, 420.0);
  cairo_set_source_rgb(c.cr(), 0, 0, 0);
  c.text(figure_width / 2, 22,
         fmt::format("readout responses averaged over trials {}-{} ({} trials), aligned to the {}", all.first,
                     all.last, all.trials, on_outcome ? "outcome" : "trial start"),
         12, true);
  {
    double kx = left_margin;
    const double ky = 46;
    for (std::size_t o = 0; o < first.outcomes.size(); ++o) {
      const colour col = palette(o);
      cairo_set_source_rgba(c.cr(), col.r, col.g, col.b, 0.2);
      cairo_rectangle(c.cr(), kx, ky - 9, 22, 10);
      cairo_fill(c.cr());
      cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
      cairo_set_line_width(c.cr(), outcome_line_width(o));
      cairo_move_to(c.cr(), kx, ky - 4);
      cairo_line_to(c.cr(), kx + 22, ky - 4);
      cairo_stroke(c.cr());
      cairo_set_source_rgb(c.cr(), 0, 0, 0);
      const std::string label =
          fmt::format("outcome {} ({} trials)", first.outcomes[o], first.at(0, o, 0).trials);
      c.text(kx + 28, ky, label, 10);
      cairo_text_extents_t e;
      cairo_set_font_size(c.cr(), 10);
      cairo_text_extents(c.cr(), label.c_str(), &e);
      kx += 28 + e.x_advance + 22;
    }
    cairo_set_source_rgb(c.cr(), 0, 0, 0);
    c.text(kx, ky, "lines: mean, bands: \u00b11 SEM", 10);
    cairo_text_extents_t e;
    cairo_text_extents(c.cr(), "lines: mean, bands: \u00b11 SEM", &e);
    kx += e.x_advance + 22;
    if (!teachers.empty()) {
      cairo_set_source_rgb(c.cr(), 0.35, 0.35, 0.35);
      cairo_set_line_width(c.cr(), 1.3);
      dashed(c, true);
      cairo_move_to(c.cr(), kx, ky - 4);
      cairo_line_to(c.cr(), kx + 22, ky - 4);
      cairo_stroke(c.cr());
      dashed(c, false);
      cairo_set_source_rgb(c.cr(), 0, 0, 0);
      c.text(kx + 28, ky, "teacher (mean target)", 10);
    }
  }

  for (std::size_t k = 0; k < panels.size(); ++k) {
    const auto& p = panels[k];
    const auto& ro = *p.response;
    const std::size_t row = k / columns, column = k % columns;
    const canvas::area area{left_margin + static_cast<double>(column) * (panel_width + column_gap),
                            top_margin + static_cast<double>(row) * (panel_height + row_gap), panel_width,
                            panel_height};
    c.set_area(area, x_low, x_high, low, high);

    cairo_save(c.cr());
    cairo_rectangle(c.cr(), area.left, area.top, area.width, area.height);
    cairo_clip(c.cr());
    // Reference lines: zero response, and the alignment time.
    cairo_set_line_width(c.cr(), 0.7);
    cairo_set_source_rgb(c.cr(), 0.75, 0.75, 0.75);
    if (low < 0) {
      cairo_move_to(c.cr(), area.left, c.y(0));
      cairo_line_to(c.cr(), area.left + area.width, c.y(0));
      cairo_stroke(c.cr());
    }
    if (x_low < 0 && x_high > 0) {
      dashed(c, true, 0.6);
      cairo_move_to(c.cr(), c.x(0), area.top);
      cairo_line_to(c.cr(), c.x(0), area.top + area.height);
      cairo_stroke(c.cr());
      dashed(c, false);
    }
    cairo_set_line_join(c.cr(), CAIRO_LINE_JOIN_ROUND);
    for (std::size_t o = 0; o < ro.outcomes.size(); ++o) {
      const colour col = palette(o);
      cairo_set_source_rgba(c.cr(), col.r, col.g, col.b, 0.2);
      band(c, ro.offsets_ms, ro.at(0, o, p.column));
    }
    if (p.teacher_column)
      for (std::size_t o = 0; o < p.teacher->outcomes.size(); ++o) {
        const colour col = palette(o);
        cairo_set_source_rgba(c.cr(), col.r, col.g, col.b, 0.9);
        cairo_set_line_width(c.cr(), 1.2);
        dashed(c, true);
        polyline(c, p.teacher->offsets_ms, p.teacher->at(0, o, *p.teacher_column).mean, true);
        dashed(c, false);
      }
    for (std::size_t o = 0; o < ro.outcomes.size(); ++o) {
      const colour col = palette(o);
      cairo_set_source_rgb(c.cr(), col.r, col.g, col.b);
      cairo_set_line_width(c.cr(), outcome_line_width(o));
      polyline(c, ro.offsets_ms, ro.at(0, o, p.column).mean);
    }
    cairo_restore(c.cr());

    const bool bottom = row + 1 == rows || k + columns >= panels.size();
    c.axes(bottom ? (on_outcome ? "time from outcome (ms)" : "time from trial start (ms)") : "",
           column == 0 ? fmt::format("readout {} ({})", ro.report.variable,
                                     ro.report.units.empty() ? "a.u." : ro.report.units)
                       : "");
    c.title(fmt::format("{} neuron {}", ro.report.population, ro.report.node_ids[p.column]));
  }
  c.finish();
}

}  // namespace spikeq::plot
