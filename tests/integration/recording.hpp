// Reading spikes and state frames back from a spikeq output file in tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::testing {

struct spike_data {
  std::vector<double> times_ms;
  std::vector<std::uint64_t> node_ids;
};

inline spike_data read_spikes(const std::filesystem::path& file, const std::string& population) {
  io::hdf5_reader r(file);
  return {r.read_doubles("/spikes/" + population + "/timestamps"),
          r.read_uint64s("/spikes/" + population + "/node_ids")};
}

struct frame_data {
  std::vector<float> values;  // frames x columns, row-major
  std::size_t frames = 0;
  std::size_t columns = 0;
};

inline frame_data read_frames(const std::filesystem::path& file, const std::string& group) {
  io::hdf5_reader r(file);
  const auto shape = r.shape("/report/" + group + "/data");
  return {r.read_floats("/report/" + group + "/data"), static_cast<std::size_t>(shape.at(0)),
          static_cast<std::size_t>(shape.at(1))};
}

}  // namespace spikeq::testing
