// Reading SONATA spike populations for analysis and plots: opening a recording
// (also one still being written), which neurons were recorded, and the spikes in
// time order, in chunks. Accepted layouts: `sorting` as the SONATA enum, a string, or
// absent; groups not sorted by time are read whole and sorted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

inline constexpr std::uint64_t spike_chunk = std::uint64_t{1} << 20;

// Opens normally, or as a SWMR reader for a file that a run is still writing
// (io::open_recording_file: a damaged file fails at once).
io::hdf5_reader open_recording(const std::filesystem::path& path);

// The group's node_count attribute (spikeq), else 1 + its largest node id.
std::uint64_t node_count(const io::hdf5_reader& r, const std::string& group);

// The neurons whose spikes a population holds: statistics, rates and raster rows are
// over these, not over the whole population (docs/formats/output.md).
struct recorded_neurons {
  static constexpr std::uint64_t npos = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> node_ids;  // ascending, unique
  // True when the file lists them (/spikes/<pop>/recorded_node_ids, spikeq's own);
  // false for files without that list (other tools, older spikeq): then node_ids
  // are the neurons that spiked at least once, and neurons never spiking are unseen.
  bool listed = false;
  std::optional<std::uint64_t> population_size;  // node_count attribute, if any
  bool contiguous = false;  // node_ids are 0 .. size() - 1 (index_of is then the id itself)

  std::uint64_t size() const { return node_ids.size(); }
  // Position of `id` among node_ids (the row of a raster, the slot of a statistic), or npos.
  std::uint64_t index_of(std::uint64_t id) const;
  // A note for the user when the file does not list its recorded neurons ("" otherwise).
  std::string note(const std::string& population) const;
};

// Reads /spikes/<population>'s recorded neurons: recorded_node_ids when present
// (sorted and deduplicated if another writer left them unsorted), else the distinct
// ids in node_ids. Throws io::hdf5_error when recorded_node_ids is not a 1-D integer
// dataset or names ids beyond node_count.
recorded_neurons read_recorded_neurons(const io::hdf5_reader& r, const std::string& population);

// Replaces each node id of `ids` by its index among `neurons` (for accumulators that
// number neurons 0..n-1). Throws io::hdf5_error naming the file when an id is not a
// recorded neuron (a file whose spikes and recorded_node_ids disagree).
void to_recorded_indices(const io::hdf5_reader& r, const std::string& population,
                         const recorded_neurons& neurons, std::span<const std::uint64_t> ids,
                         std::vector<std::uint64_t>& indices);

// Calls `chunk(times_ms, node_ids)` over the spikes of /spikes/<population> in time order.
void for_each_spike_chunk(
    const io::hdf5_reader& r, const std::string& population,
    const std::function<void(std::span<const double>, std::span<const std::uint64_t>)>& chunk);

}  // namespace spikeq::analysis
