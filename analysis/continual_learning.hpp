// The continual-learning evaluation of a run (/continual_learning, written by
// `spikeq run` for an image_dataset with evaluation samples; rules.md §4.6,
// docs/models/hlop.md): the accuracy matrix, ACC and BWT as stored, and how many
// samples each entry rests on. python/spikeq_analysis.py (load_continual_learning)
// reads the same datasets.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

struct continual_learning_result {
  std::uint64_t tasks = 0;
  std::vector<double> accuracy;        // tasks x tasks, row: after training task t; NaN: not evaluated
  std::vector<std::uint64_t> samples;  // evaluated samples per entry, same layout
  std::uint64_t evaluations = 0;       // evaluation samples scheduled
  std::uint64_t evaluated = 0;         // ... of which the run reached
  double acc = 0, bwt = 0;             // NaN when undefined (BWT: one task)
  double at(std::uint64_t t, std::uint64_t j) const { return accuracy[t * tasks + j]; }
};

// nullopt without /continual_learning. Throws io::hdf5_error naming the path when a
// dataset is missing or its shape or values do not fit the others.
std::optional<continual_learning_result> read_continual_learning(const io::hdf5_reader& r);

}  // namespace spikeq::analysis
