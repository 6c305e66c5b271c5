// The continual-learning evaluation inside a run (rules.md §4.6; docs/models/hlop.md,
// "Evaluation"): for a network whose image_dataset teaches a linear_readout and shows
// evaluation samples after each task (test_samples_per_task > 0), the readout's
// output y is sampled every millisecond of each evaluation presentation (a state
// probe, so at exactly those ticks for any thread count); the sample's prediction
// is the readout neuron with the largest mean (shared head over all classes; the
// lowest index on ties). When the run ends, the accuracy matrix, ACC and BWT go to
// /continual_learning (io/hdf5/continual_learning_log.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/kernel.hpp"
#include "core/state_archive.hpp"
#include "io/hdf5/output_file.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// accuracy[t * tasks + j] (NaN where nothing was evaluated) -> ACC, the mean of the
// last row's entries, and BWT, the mean over j < tasks-1 of accuracy[last, j] -
// accuracy[j, j] (NaN with fewer than two tasks or missing entries).
struct continual_learning_summary {
  double acc, bwt;
};
continual_learning_summary summarize_accuracy(std::span<const double> accuracy, std::uint64_t tasks);

class continual_learning_recorder final : public state_probe {
 public:
  // `presentation_ticks`: how long each sample is shown; `readout`: the population
  // index of the taught readout. Declares /continual_learning in `out`.
  continual_learning_recorder(const network& net, std::uint32_t readout, tick_type presentation_ticks,
                              output_file& out);

  tick_type first_sample() const override { return 0; }
  tick_type interval() const override { return 1; }
  const std::vector<tick_type>* sample_ticks() const override { return &ticks_; }
  std::size_t column_count() const override { return classes_; }
  std::uint32_t owner_population() const override { return readout_; }
  neuron_id_type column_neuron(std::size_t column) const override {
    return static_cast<neuron_id_type>(column);
  }
  void sample(tick_type now, std::span<const std::uint32_t> columns, std::span<double> frame) const override;
  void write(tick_type now, std::span<const double> frame) override;

  // Writes the results (samples not reached keep the "not evaluated" prediction).
  void finish();
  void state(state_archive& ar);

 private:
  const population& pop_;
  std::uint32_t readout_;
  std::size_t y_variable_ = 0;
  std::size_t classes_;
  continual_learning_schedule schedule_;
  continual_learning_log& log_;
  std::vector<tick_type> ticks_;
  std::uint64_t samples_per_presentation_ = 1;
  std::vector<std::uint64_t> prediction_;  // per evaluation trial
  std::vector<double> sum_;                // this presentation's summed outputs
  std::uint64_t evaluation_ = 0, samples_seen_ = 0;
};

// nullptr unless the network has an image_dataset with a readout and evaluation trials.
std::unique_ptr<continual_learning_recorder> make_continual_learning_recorder(const network_file& file,
                                                                              const network& net,
                                                                              output_file& out);

}  // namespace spikeq::io
