// One SONATA edge population of the output file, /edges/<name> (layout in
// docs/formats/output.md): source_node_id / target_node_id (uint64, attribute
// node_population), edge_type_id, edge_group_id, edge_group_index, group 0 with
// `delay` (ms), `initial_syn_weight` and `syn_weight` (the weights when the run
// ended), and the source_to_target / target_to_source indices.
//
// Everything but syn_weight is written when the population is declared;
// syn_weight starts as NaN and is written by write_final_weights, so a file cut
// short by a crash shows that the final weights are missing rather than stale.
// Created by output_file::add_edge_population; lives as long as the output_file.
// Thread safety: none; one writer thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

struct edge_topology {
  std::string source_population;
  std::string target_population;
  std::uint64_t source_node_count = 0;
  std::uint64_t target_node_count = 0;
  // One entry per edge, in edge id order (edges sorted by source node).
  std::span<const std::uint64_t> source;
  std::span<const std::uint64_t> target;
  std::span<const double> delay_ms;
  std::span<const double> initial_weight;
};

class edge_population {
 public:
  // REQUIRES: all per-edge spans of equal length; edges sorted by source node;
  // node ids below the node counts (std::invalid_argument naming the path otherwise).
  edge_population(hid_t edges_group, const std::string& name, const edge_topology& topology,
                  const std::string& file);

  // Writes /edges/<name>/0/syn_weight. REQUIRES: one value per edge.
  void write_final_weights(std::span<const double> weights);
  herr_t close() noexcept;

  const std::string& name() const { return name_; }
  std::uint64_t edge_count() const { return edge_count_; }

 private:
  std::string name_, path_, file_;
  std::uint64_t edge_count_;
  hdf5_handle group_;
  hdf5_handle final_weight_;
};

}  // namespace spikeq::io
