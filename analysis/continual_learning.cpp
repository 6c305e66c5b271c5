#include "analysis/continual_learning.hpp"

#include <limits>
#include <string>

namespace spikeq::analysis {

std::optional<continual_learning_result> read_continual_learning(const io::hdf5_reader& r) {
  const std::string g = "/continual_learning";
  if (!r.exists(g)) return std::nullopt;
  continual_learning_result out;
  const auto shape = r.shape(g + "/accuracy");
  if (shape.size() != 2 || shape[0] != shape[1])
    throw io::hdf5_error(r.file_name(), g + "/accuracy", "not a square matrix");
  out.tasks = shape[0];
  out.accuracy = r.read_doubles(g + "/accuracy");
  const auto after = r.read_uint64s(g + "/after_task");
  const auto task = r.read_uint64s(g + "/task");
  const auto label = r.read_uint64s(g + "/label");
  const auto prediction = r.read_uint64s(g + "/prediction");
  if (task.size() != after.size() || label.size() != after.size() || prediction.size() != after.size())
    throw io::hdf5_error(r.file_name(), g, "after_task, task, label and prediction differ in length");
  out.evaluations = after.size();
  out.samples.assign(out.tasks * out.tasks, 0);
  for (std::size_t e = 0; e < after.size(); ++e) {
    if (prediction[e] == std::numeric_limits<std::uint64_t>::max()) continue;  // not reached
    if (after[e] >= out.tasks || task[e] >= out.tasks)
      throw io::hdf5_error(r.file_name(), g + "/task", "a task index beyond the accuracy matrix");
    ++out.samples[after[e] * out.tasks + task[e]];
    ++out.evaluated;
  }
  const auto acc = r.read_doubles(g + "/ACC");
  const auto bwt = r.read_doubles(g + "/BWT");
  if (acc.size() != 1 || bwt.size() != 1)
    throw io::hdf5_error(r.file_name(), g, "ACC and BWT hold one value each");
  out.acc = acc[0];
  out.bwt = bwt[0];
  return out;
}

}  // namespace spikeq::analysis
