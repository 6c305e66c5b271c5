#include "analysis/alignment_statistics.hpp"

#include <cmath>

namespace spikeq::analysis {

std::vector<std::string> alignment_names(const io::hdf5_reader& r) {
  if (!r.exists("/alignment")) return {};
  return r.members("/alignment");
}

alignment_series read_alignment(const io::hdf5_reader& r, const std::string& name) {
  const std::string g = "/alignment/" + name;
  alignment_series s;
  s.name = name;
  const auto text = [&](const char* attribute) {
    return r.has_attribute(g, attribute) ? r.string_attribute(g, attribute) : std::string();
  };
  s.forward = text("forward");
  s.feedback = text("feedback");
  s.upper_population = text("upper_population");
  s.lower_population = text("lower_population");
  s.recurrent = r.has_attribute(g, "recurrent") && r.integer_attribute(g, "recurrent").at(0) != 0;
  const std::pair<const char*, std::vector<double>*> columns[] = {
      {"time", &s.time_ms},
      {"angle_deg", &s.angle_deg},
      {"variance_of_difference", &s.variance_of_difference},
      {"pearson", &s.pearson},
      {"sign_agreement", &s.sign_agreement}};
  for (const auto& [dataset, values] : columns) {
    const std::string path = g + "/" + dataset;
    if (!r.exists(path)) throw io::hdf5_error(r.file_name(), path, "missing dataset");
    *values = r.read_doubles(path);
    if (values->size() != s.time_ms.size())
      throw io::hdf5_error(r.file_name(), path, "not as long as " + g + "/time");
  }
  return s;
}

alignment_summary summarize_alignment(const alignment_series& s, double t_start_ms, double t_stop_ms) {
  alignment_summary out;
  out.name = s.name;
  out.forward = s.forward;
  out.feedback = s.feedback;
  out.recurrent = s.recurrent;
  for (std::size_t k = 0; k < s.time_ms.size(); ++k) {
    const double t = s.time_ms[k];
    if (!(t >= t_start_ms && t <= t_stop_ms)) continue;
    if (out.samples++ == 0) {
      out.first_time_ms = t;
      out.first_angle_deg = s.angle_deg[k];
    }
    out.last_time_ms = t;
    out.last_angle_deg = s.angle_deg[k];
    out.final_variance = s.variance_of_difference[k];
    out.final_pearson = s.pearson[k];
    out.final_sign_agreement = s.sign_agreement[k];
    if (!std::isnan(s.angle_deg[k]) && !(s.angle_deg[k] >= out.min_angle_deg)) {
      out.min_angle_deg = s.angle_deg[k];
      out.min_angle_time_ms = t;
    }
  }
  return out;
}

}  // namespace spikeq::analysis
