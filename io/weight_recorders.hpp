// Recording of projection weights (recording.weights in the network file; layout
// in docs/formats/output.md): the initial and final weights as a SONATA edge
// population, optionally a synapse frame report of chosen edges at an interval,
// and optionally every weight change of a plastic rule as an event log.
//
// Weights of a plastic projection are read from its rule (double precision); a
// static projection's come from its synapse table. Recorded times follow the
// rule's time frame (core/plasticity_rule.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/kernel.hpp"
#include "io/hdf5/output_file.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// The HDF5 group name of a built projection ('/' of "<projection>/<target>"
// becomes '.').
std::string weight_group_name(const std::string& projection_name);

class weight_recorder final : public state_probe {
 public:
  // Declares the projection's groups in `out` (declaration phase).
  // REQUIRES: `cfg` checked by check_weight_recordings and naming a projection of `net`.
  weight_recorder(network& net, std::uint32_t projection_index, const config::WeightRecording& cfg,
                  output_file& out);
  ~weight_recorder() override;

  bool has_report() const { return report_ != nullptr; }
  tick_type first_sample() const override { return 0; }
  tick_type interval() const override { return interval_; }
  std::size_t column_count() const override { return columns_.size(); }
  std::uint32_t owner_population() const override;
  neuron_id_type column_neuron(std::size_t column) const override;
  void sample(tick_type now, std::span<const std::uint32_t> columns, std::span<double> frame) const override;
  void write(tick_type now, std::span<const double> frame) override;

  // Hands logged weight changes to the output file (call before output_file::flush).
  void flush();
  // Writes the final weights (call once, when the run ends, before commit/keep_partial).
  void finish();

 private:
  // The rule's (or table's) weights in edge id order.
  std::vector<double> canonical_weights();
  // Storage index of edge id e.
  std::uint64_t storage(std::uint64_t e) const { return storage_of_.empty() ? e : storage_of_[e]; }

  network& net_;
  std::uint32_t projection_;
  const time_grid grid_;
  edge_population* edges_ = nullptr;
  frame_report* report_ = nullptr;
  weight_event_log* events_ = nullptr;
  tick_type interval_ = 0;
  std::vector<std::uint64_t> columns_;       // edge ids of the report's columns
  std::vector<std::uint64_t> storage_of_;    // edge id -> storage index (empty: the same)
  std::vector<std::uint64_t> canonical_of_;  // storage index -> edge id, for event logs
  std::vector<float> frame_;
  std::vector<double> static_weights_;  // a static projection's table weights, widened
  weight_change_log log_;
  std::vector<weight_change_log::entry> drained_;
  std::vector<double> log_times_ms_;
  std::vector<std::uint64_t> log_synapses_;
  std::vector<double> log_weights_;
};

// One recorder per recording.weights entry of `file`.
std::vector<std::unique_ptr<weight_recorder>> make_weight_recorders(const network_file& file, network& net,
                                                                    output_file& out);

}  // namespace spikeq::io
