// /continual_learning: the continual-learning evaluation of a run (rules.md §4.6;
// docs/formats/output.md). Declared with the evaluation schedule, which is known
// before the run; the results are written once, when the run ends:
//   trial       uint64 [E]   the protocol trial of each evaluation sample
//   after_task  uint64 [E]   the training task it follows (row of the matrix)
//   task        uint64 [E]   the task it tests (column)
//   label       uint64 [E]
//   prediction  uint64 [E]   the readout neuron with the largest mean output over the
//                            presentation; 2^64-1 until the run has evaluated it
//   accuracy    float64 [T x T]  accuracy[t, j] on task j after training task t (NaN for j > t)
//   ACC, BWT    float64 [1]  mean final accuracy; mean of accuracy[T-1, j] - accuracy[j, j]
//                            over j < T-1 (NaN for one task)
// Fixed-size datasets: nothing is created after SWMR writing starts.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

struct continual_learning_schedule {
  std::vector<std::uint64_t> trial, after_task, task, label;
  std::uint64_t tasks = 0;
};

class continual_learning_log {
 public:
  continual_learning_log(hid_t parent, const continual_learning_schedule& schedule, const std::string& file);
  // REQUIRES: one prediction per evaluation trial; accuracy tasks x tasks row-major.
  void write_results(std::span<const std::uint64_t> prediction, std::span<const double> accuracy, double acc,
                     double bwt);
  herr_t close() noexcept;

 private:
  std::string file_;
  std::uint64_t evaluations_, tasks_;
  hdf5_handle group_, prediction_, accuracy_, acc_, bwt_;
};

}  // namespace spikeq::io
