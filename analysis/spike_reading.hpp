// Reading SONATA spike populations for analysis and plots: opening a recording
// (also one still being written), a population's neuron count, and its spikes in
// time order, in chunks. Accepted layouts: `sorting` as the SONATA enum, a string, or
// absent; groups not sorted by time are read whole and sorted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

inline constexpr std::uint64_t spike_chunk = std::uint64_t{1} << 20;

// Opens normally, or as a SWMR reader for a file that a run is still writing.
io::hdf5_reader open_recording(const std::filesystem::path& path);

// The group's node_count attribute (spikeq), else 1 + its largest node id.
std::uint64_t node_count(const io::hdf5_reader& r, const std::string& group);

// Calls `chunk(times_ms, node_ids)` over the spikes of /spikes/<population> in time order.
void for_each_spike_chunk(
    const io::hdf5_reader& r, const std::string& population,
    const std::function<void(std::span<const double>, std::span<const std::uint64_t>)>& chunk);

}  // namespace spikeq::analysis
