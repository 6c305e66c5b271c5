#include "io/hdf5/modulator_log.hpp"

#include <stdexcept>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io {

modulator_log::modulator_log(hid_t parent, const std::string& name, double tau_ms, double tonic,
                             const std::string& file)
    : path_("/neuromodulators/" + name),
      file_(file),
      group_(hdf5_write::create_group(parent, name, file, path_)),
      times_(group_.get(), "release_times", 0, file, path_ + "/release_times"),
      amounts_(group_.get(), "release_amounts", 0, file, path_ + "/release_amounts") {
  hdf5_write::write_string_attribute(times_.id(), "units", "ms", file_, path_ + "/release_times");
  hdf5_write::write_scalar_attribute(group_.get(), "tau", tau_ms, file_, path_);
  hdf5_write::write_string_attribute(group_.get(), "tau_units", "ms", file_, path_);
  hdf5_write::write_scalar_attribute(group_.get(), "tonic", tonic, file_, path_);
}

void modulator_log::append(std::span<const double> times_ms, std::span<const double> amounts) {
  if (amounts.size() != times_ms.size())
    throw std::invalid_argument(file_ + ":" + path_ + ": release_times and release_amounts differ in length");
  times_.append(times_ms);
  amounts_.append(amounts);
}

void modulator_log::flush() {
  times_.flush();
  amounts_.flush();
}

herr_t modulator_log::close() noexcept {
  const herr_t a = times_.close();
  const herr_t b = amounts_.close();
  const herr_t c = group_.close();
  for (const herr_t s : {a, b})
    if (s < 0) return s;
  return c;
}

void modulator_log::restore_from(const hdf5_reader& source) {
  times_.restore_from(source);
  amounts_.restore_from(source);
}

}  // namespace spikeq::io
