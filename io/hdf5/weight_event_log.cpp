#include "io/hdf5/weight_event_log.hpp"

#include <stdexcept>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io {

weight_event_log::weight_event_log(hid_t parent, const std::string& name, const std::string& file)
    : path_("/weight_events/" + name),
      file_(file),
      group_(hdf5_write::create_group(parent, name, file, path_)),
      times_(group_.get(), "timestamps", 0, file, path_ + "/timestamps"),
      edges_(group_.get(), "edge_ids", 0, file, path_ + "/edge_ids"),
      weights_(group_.get(), "weights", 0, file, path_ + "/weights") {
  hdf5_write::write_string_attribute(times_.id(), "units", "ms", file_, path_ + "/timestamps");
}

void weight_event_log::append(std::span<const double> times_ms, std::span<const std::uint64_t> edge_ids,
                              std::span<const double> weights) {
  if (edge_ids.size() != times_ms.size() || weights.size() != times_ms.size())
    throw std::invalid_argument(file_ + ":" + path_ + ": timestamps, edge_ids and weights differ in length");
  times_.append(times_ms);
  edges_.append(edge_ids);
  weights_.append(weights);
}

void weight_event_log::flush() {
  times_.flush();
  edges_.flush();
  weights_.flush();
}

herr_t weight_event_log::close() noexcept {
  const herr_t a = times_.close();
  const herr_t b = edges_.close();
  const herr_t c = weights_.close();
  const herr_t d = group_.close();
  for (const herr_t s : {a, b, c})
    if (s < 0) return s;
  return d;
}

void weight_event_log::restore_from(const hdf5_reader& source) {
  times_.restore_from(source);
  edges_.restore_from(source);
  weights_.restore_from(source);
}

}  // namespace spikeq::io
