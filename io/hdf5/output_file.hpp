// The run's single output file: SONATA spike populations and frame reports plus
// provenance (layout in docs/formats/output.md), written safely while the run goes on.
//
// Protocol:
//   1. The constructor creates `.<name>.tmp-<pid>` next to the final path (latest
//      file format, root attributes magic and version). A file at the final path
//      is not touched until commit().
//   2. Declaration phase: add_spike_population, add_frame_report,
//      set_string_attribute, write_string_dataset create every group, dataset and
//      attribute.
//   3. start_streaming() switches to SWMR writing (H5Fstart_swmr_write): no new
//      objects or attributes from then on; append data, flush() now and then.
//   4. commit() flushes, closes, syncs and renames the file onto the final path
//      (atomic replace). keep_partial() closes it readable under the temporary
//      name instead. Destroyed without either, the temporary file is deleted.
//
// Invariants: the final path only ever holds a complete, closed file; references
// returned by add_* stay valid until the output_file is destroyed (appending after
// commit/keep_partial throws std::logic_error).
// Thread safety: none; every call from one thread (the one that runs the kernel).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5/alignment_log.hpp"
#include "io/hdf5/continual_learning_log.hpp"
#include "io/hdf5/edge_population.hpp"
#include "io/hdf5/frame_report.hpp"
#include "io/hdf5/hdf5_handle.hpp"
#include "io/hdf5/live_input_log.hpp"
#include "io/hdf5/modulator_log.hpp"
#include "io/hdf5/spike_population.hpp"
#include "io/hdf5/weight_event_log.hpp"

namespace spikeq::io {

class output_file {
 public:
  // Creates the temporary file next to `final_path`. Throws hdf5_error naming
  // final_path if it cannot be created (for example, the directory is missing or
  // not writable); nothing is left behind then.
  explicit output_file(std::filesystem::path final_path);
  // Without commit()/keep_partial(): closes and deletes the temporary file.
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  // --- Declaration phase (before start_streaming; std::logic_error after) ---

  // Adds /spikes/<name> for a population of `node_count` neurons (node ids 0..n-1),
  // all recorded unless spike_population::set_recorded_node_ids says otherwise.
  // REQUIRES: `name` a single non-empty HDF5 name without '/', not used before
  // (std::invalid_argument / hdf5_error).
  spike_population& add_spike_population(const std::string& name, std::uint64_t node_count);
  // Adds /report/<group_name>: `variable` in `units` of the given nodes (one column
  // each), frames at start_ms + k * step_ms. REQUIRES as frame_report's constructor,
  // and `group_name` as for add_spike_population.
  frame_report& add_frame_report(const std::string& group_name, const std::string& variable,
                                 const std::string& units, const std::vector<std::uint64_t>& node_ids,
                                 double start_ms, double step_ms);
  // The same with an explicit column mapping (a synapse report: columns are edges).
  frame_report& add_frame_report(const std::string& group_name, const std::string& variable,
                                 const std::string& units, const frame_mapping& mapping, double start_ms,
                                 double step_ms);
  // Adds /edges/<name> (REQUIRES as edge_population's constructor; `name` as above).
  edge_population& add_edge_population(const std::string& name, const edge_topology& topology);
  // Adds /weight_events/<name>.
  weight_event_log& add_weight_event_log(const std::string& name);
  // Adds /neuromodulators/<name> for a channel with decay `tau_ms` and level `tonic`.
  modulator_log& add_modulator_log(const std::string& name, double tau_ms, double tonic);
  // Adds /alignment/<name> (io/hdf5/alignment_log.hpp).
  alignment_log& add_alignment_log(const std::string& name, const alignment_description& what);
  // /continual_learning (at most one; io/hdf5/continual_learning_log.hpp).
  continual_learning_log& add_continual_learning_log(const continual_learning_schedule& schedule);
  // /live: the inputs taken from live clients (at most one).
  live_input_log& add_live_input_log(const live_log_description& what);
  // Writes string attribute `name` of the group at absolute `group_path` ("/" for
  // the root), creating missing groups; replaces an attribute of the same name.
  void set_string_attribute(const std::string& group_path, const std::string& name, const std::string& value);
  // Writes a scalar UTF-8 string dataset at absolute `path`, creating missing groups.
  void write_string_dataset(const std::string& path, const std::string& value);
  // Writes a 1-D dataset at absolute `path` (creating missing groups), optionally
  // with a `units` attribute.
  void write_dataset(const std::string& path, std::span<const double> values, const std::string& units = "");
  void write_dataset(const std::string& path, std::span<const std::uint64_t> values);

  // A resumed run (docs/reliability.md): appends to every spike population, frame
  // report, weight event log, modulator log and alignment log what the same object
  // holds in `snapshot`, the recording of the same network as it stood at the
  // checkpoint. REQUIRES: declaration phase, every object declared, no live log.
  void restore_recording(const std::filesystem::path& snapshot);

  // --- Streaming phase ---

  // Starts SWMR writing: from now on a reader may open the temporary file with
  // SWMR read. REQUIRES: declaration phase (std::logic_error otherwise).
  void start_streaming();
  bool streaming() const { return phase_ == phase::streaming; }
  // Writes all buffered data, updates every mapping/time, and flushes the whole file
  // (H5Fflush global scope): after it, a crash keeps everything appended so far.
  void flush();
  // Flushes, closes, fsyncs and renames the temporary file onto the final path,
  // replacing any file there atomically. REQUIRES: not closed yet (std::logic_error).
  // On failure the destructor deletes the temporary file and the final path is untouched.
  void commit();
  // Flushes and closes the file complete and readable, but leaves it under its
  // temporary name (an interrupted run); returns that path.
  std::filesystem::path keep_partial();

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temporary_path() const { return temp_path_; }

 private:
  enum class phase { declaring, streaming, closed };

  void require_declaring(const std::string& path, const char* what) const;
  void require_open(const char* what) const;
  hid_t group(const std::string& path);  // open or create, with its parents
  void close_checked();                  // closes everything; throws if a close fails
  void close_quietly() noexcept;

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::string name_;  // final path, for messages
  phase phase_ = phase::declaring;
  bool keep_file_ = false;  // committed (renamed) or kept: the destructor deletes nothing
  hdf5_handle file_;
  std::vector<std::pair<std::string, hdf5_handle>> groups_;  // open groups by absolute path
  std::vector<std::unique_ptr<spike_population>> spikes_;
  std::vector<std::unique_ptr<frame_report>> reports_;
  std::vector<std::unique_ptr<edge_population>> edges_;
  std::vector<std::unique_ptr<weight_event_log>> weight_events_;
  std::vector<std::unique_ptr<modulator_log>> modulators_;
  std::vector<std::unique_ptr<alignment_log>> alignments_;
  std::unique_ptr<continual_learning_log> continual_;
  std::unique_ptr<live_input_log> live_;
};

}  // namespace spikeq::io
