// Alignment between a forward and a feedback projection during the run
// (recording.alignment; io/alignment_metrics.hpp for the measures,
// docs/models/alignment.md): at each sample tick the shards read the two
// projections' weights at exactly that tick (after every other event there), like
// a weight frame report, through state probes with irregular sample ticks
// (state_probe::sample_ticks); when both frames of a tick have arrived, the
// recorder builds W[upper, lower] and B^T[upper, lower] (synapses between the same
// pair summed in edge id order, absent pairs 0), computes the measures and appends
// one row to /alignment/<name>. Results are the same for any thread count.
//
// Sample ticks: 0, then every `interval`, or (no interval) every protocol trial end
// and every end of a learning phase of either projection; and t_stop.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/kernel.hpp"
#include "core/state_archive.hpp"
#include "io/alignment_metrics.hpp"
#include "io/hdf5/output_file.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

class alignment_recorder {
 public:
  // `forward` and `feedback` index net.projections (equal: a recurrent projection
  // against its transpose); `learning_names` are the names the protocol's phases
  // use for them. Declares /alignment/<name> in `out` (declaration phase).
  // REQUIRES: feedback's source is forward's target and vice versa.
  alignment_recorder(network& net, const config::Alignment& cfg, std::uint32_t forward,
                     std::uint32_t feedback, const std::vector<std::string>& learning_names, tick_type t_stop,
                     output_file& out);
  ~alignment_recorder();
  alignment_recorder(const alignment_recorder&) = delete;
  alignment_recorder& operator=(const alignment_recorder&) = delete;

  // The kernel probes to hook (one for a recurrent alignment, else two).
  std::vector<state_probe*> probes();
  const std::vector<tick_type>& sample_ticks() const { return ticks_; }
  // Saves or loads the frames waiting for their partner (checkpoints).
  void state(state_archive& ar);

 private:
  class weight_probe;
  // Sums a frame of one projection (edge id order) into its entries on the union of
  // W's and B^T's listed entries (multapses added in edge id order).
  static void fill(const std::vector<std::uint64_t>& position, std::span<const double> frame,
                   std::vector<double>& values);
  void on_frame(std::uint32_t probe, tick_type now, std::span<const double> frame);

  const network& net_;
  bool recurrent_;
  std::uint64_t upper_size_ = 0, lower_size_ = 0;
  std::vector<tick_type> ticks_;
  std::vector<std::unique_ptr<weight_probe>> probes_;
  // The union of the entries of vec W and vec B^T (ascending), and, per edge id of
  // the forward and of the feedback projection, its position in the union.
  std::vector<std::uint64_t> union_index_;
  std::vector<std::uint64_t> forward_position_, feedback_position_;
  std::vector<double> w_, bt_;  // W's and B^T's entries at the union's positions
  std::vector<std::map<tick_type, std::vector<double>>> pending_;  // per probe: frames awaiting the other
  std::vector<std::vector<double>> spare_;                         // frame buffers for reuse
  alignment_log* log_ = nullptr;
};

// One recorder per recording.alignment entry of `file` (checked by resolve_network).
std::vector<std::unique_ptr<alignment_recorder>> make_alignment_recorders(const network_file& file,
                                                                          network& net, output_file& out);

}  // namespace spikeq::io
