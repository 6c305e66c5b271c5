// Trial-averaged responses of linear readouts (docs/analysis.md, "Readouts"): the
// trial schedule of /protocol (written by `spikeq run` for a network with a
// `protocol`), the state reports of readout variables, and each readout neuron's
// response averaged over the trials of each outcome (and over all trials), aligned to
// the outcome time (or the trial start), in blocks of trials.
//
// Offsets are the multiples of the report's frame step inside the window, clipped to
// the trials [trial_start, trial_start + trial_duration); the response at an offset is
// the frame at that time, or the linear interpolation between the two frames around
// it when the alignment times are not on the frame grid. Frames are read in blocks of
// about 2^20 values, so memory does not grow with the run. python/spikeq_analysis.py (load_protocol,
// trial_averaged) computes the same numbers.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

// /protocol: per trial its start, its outcome time (ms) and its outcome (an index
// into outcome_names).
struct trial_schedule {
  std::vector<std::string> outcome_names;
  std::vector<double> trial_start_ms, outcome_time_ms;
  std::vector<std::uint64_t> outcome;
  // The attribute trial_duration_ms; without it, the shortest gap between trial starts
  // (infinite for a single trial).
  double trial_duration_ms = std::numeric_limits<double>::infinity();
};

// nullopt without /protocol. Throws io::hdf5_error (naming the path) for missing
// datasets, datasets of different lengths or outcomes without a name.
std::optional<trial_schedule> read_protocol(const io::hdf5_reader& r);

// A frame report of a linear_readout variable (y, target or error).
struct readout_report {
  std::string group;       // /report/<group>
  std::string population;  // the readout population
  std::string variable;    // y, target or error
  std::string units;
  std::vector<std::uint64_t> node_ids;  // per column
  double start_ms = 0, step_ms = 0;
  std::uint64_t frames = 0;
};

// The reports of readout variables, in group order. A report is one when its
// `variable` attribute is y, target or error and its population (the group name, or
// the name before ".<variable>") is a linear_readout in the network stored as
// provenance; files without a readable provenance are judged by the variable alone (no
// other spikeq model records these variables).
std::vector<readout_report> readout_reports(const io::hdf5_reader& r);

enum class alignment { outcome, trial_start };

struct response_request {
  alignment align = alignment::outcome;
  double window_low_ms = -300, window_high_ms = 300;  // offsets from the alignment time
  // Trials [first_trial, end_trial) (0-based); unset: from the first, to the last.
  std::optional<std::uint64_t> first_trial, end_trial;
  // Only trials whose alignment time lies in [t_start, t_stop).
  double t_start_ms = -std::numeric_limits<double>::infinity();
  double t_stop_ms = std::numeric_limits<double>::infinity();
};

// One neuron's response averaged over a set of trials.
struct averaged_response {
  std::uint64_t trials = 0;
  std::vector<double> mean;                                // per offset (NaN without trials)
  std::vector<double> sd;                                  // sample SD over the trials (NaN for fewer than 2)
  double peak = std::numeric_limits<double>::quiet_NaN();  // the mean of largest magnitude
  double peak_time_ms = std::numeric_limits<double>::quiet_NaN();  // its offset (the first if tied)
  double at_zero = std::numeric_limits<double>::quiet_NaN();       // the mean at offset 0, if in the window
};

struct trial_block {
  std::string name;                   // "all", "first_quarter", "last_quarter"
  std::uint64_t trials = 0;           // trials used in the block
  std::uint64_t first = 0, last = 0;  // their first and last index (inclusive)
};

struct readout_responses {
  readout_report report;
  alignment align = alignment::outcome;
  std::vector<double> offsets_ms;
  std::vector<std::string> outcomes;  // the protocol's outcome names
  std::uint64_t trials_selected = 0;  // by the request's trial range and time window
  std::uint64_t trials_used = 0;      // of those, with the whole window inside the recorded frames
  // Blocks of the trials used, in trial order: all of them, the first and the last
  // quarter (floor(n / 4) trials, at least 1).
  std::vector<trial_block> blocks;
  // Per block, per outcome (the last entry, index outcomes.size(), pools all
  // outcomes), per neuron (column of the report).
  std::vector<averaged_response> responses;
  const averaged_response& at(std::size_t block, std::size_t outcome, std::size_t neuron) const {
    return responses.at((block * (outcomes.size() + 1) + outcome) * report.node_ids.size() + neuron);
  }
};

// "LOW:HIGH" with either side omitted ("100:", ":50", ":"), as the command line takes
// trial ranges and windows. Throws std::invalid_argument naming the text.
std::pair<std::optional<double>, std::optional<double>> parse_range(const std::string& text);
// Fills the request's trials ("A:B", 0-based, B excluded), window ("LOW:HIGH" ms;
// an omitted side keeps the default) and alignment ("outcome" or "start"); empty texts
// leave the defaults. Throws std::invalid_argument with the reason.
void parse_response_options(const std::string& trials, const std::string& window, const std::string& align,
                            response_request& request);

// Throws io::input_error (naming the file) when the request selects no trial or
// leaves no offset (after clipping to the trials); trials whose window is not inside
// the recorded frames are left out (a run cut short), and blocks without trials have
// NaN means.
readout_responses average_readout(const io::hdf5_reader& r, const trial_schedule& protocol,
                                  const readout_report& report, const response_request& request);

}  // namespace spikeq::analysis
