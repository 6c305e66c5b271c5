#include "io/hdf5/alignment_log.hpp"

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io {

alignment_log::alignment_log(hid_t parent, const std::string& name, const alignment_description& what,
                             const std::string& file)
    : path_("/alignment/" + name),
      file_(file),
      group_(hdf5_write::create_group(parent, name, file, path_)),
      time_(group_.get(), "time", 0, file, path_ + "/time"),
      angle_(group_.get(), "angle_deg", 0, file, path_ + "/angle_deg"),
      variance_(group_.get(), "variance_of_difference", 0, file, path_ + "/variance_of_difference"),
      pearson_(group_.get(), "pearson", 0, file, path_ + "/pearson"),
      sign_(group_.get(), "sign_agreement", 0, file, path_ + "/sign_agreement") {
  hdf5_write::write_string_attribute(time_.id(), "units", "ms", file_, path_ + "/time");
  hdf5_write::write_string_attribute(angle_.id(), "units", "deg", file_, path_ + "/angle_deg");
  const hid_t g = group_.get();
  hdf5_write::write_string_attribute(g, "forward", what.forward, file_, path_);
  hdf5_write::write_string_attribute(g, "feedback", what.feedback, file_, path_);
  hdf5_write::write_string_attribute(g, "upper_population", what.upper_population, file_, path_);
  hdf5_write::write_string_attribute(g, "lower_population", what.lower_population, file_, path_);
  hdf5_write::write_scalar_attribute<std::uint64_t>(g, "upper_size", what.upper_size, file_, path_);
  hdf5_write::write_scalar_attribute<std::uint64_t>(g, "lower_size", what.lower_size, file_, path_);
  hdf5_write::write_scalar_attribute<std::uint32_t>(g, "recurrent", what.recurrent ? 1 : 0, file_, path_);
  hdf5_write::write_string_attribute(g, "variance",
                                     what.recurrent ? "population variance of the upper triangle of W - W^T"
                                                    : "unbiased variance of the entries of W - B^T",
                                     file_, path_);
}

void alignment_log::append(double time_ms, double angle_deg, double variance_of_difference, double pearson,
                           double sign_agreement) {
  time_.append({&time_ms, 1});
  angle_.append({&angle_deg, 1});
  variance_.append({&variance_of_difference, 1});
  pearson_.append({&pearson, 1});
  sign_.append({&sign_agreement, 1});
}

void alignment_log::flush() {
  for (auto* d : {&time_, &angle_, &variance_, &pearson_, &sign_}) d->flush();
}

herr_t alignment_log::close() noexcept {
  herr_t status = 0;
  for (auto* d : {&time_, &angle_, &variance_, &pearson_, &sign_}) {
    const herr_t s = d->close();
    if (s < 0 && status >= 0) status = s;
  }
  const herr_t g = group_.close();
  return status < 0 ? status : g;
}

void alignment_log::restore_from(const hdf5_reader& source) {
  for (auto* d : {&time_, &angle_, &variance_, &pearson_, &sign_}) d->restore_from(source);
}

}  // namespace spikeq::io
