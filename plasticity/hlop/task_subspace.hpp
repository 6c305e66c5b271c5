// HLOP around an "error × presynaptic trace" rule (rules.md §4.4, §4.7; Xiao et al.,
// ICLR 2024): the rule hands over the presynaptic trace vector x of every step in
// which it learns and the update rows it is about to apply; this class
//   - averages x over each training sample (the sample's mean trace, the event-driven
//     stand-in for the paper's weighted firing rate, §4.7) and feeds the means to the
//     lateral subspace_learner in batches of `batch_size` samples (5 inner iterations
//     each, momentum; subspace_learner.hpp);
//   - at each task boundary merges and freezes all rows learned so far (H₀) and adds
//     orthogonally initialised rows for the new task;
//   - projects every update row d (one per postsynaptic neuron, over presynaptic
//     neurons) onto the orthogonal complement of H₀: d ← d (I − H₀ᵀH₀). For
//     ΔW = δ xᵀ this is δ x̃ᵀ with x̃ = x − H₀ᵀH₀x, the paper's projected trace, so
//     old tasks' inputs (in span H₀) see no change: ΔW x_old ≈ 0.
// During the first task nothing is frozen and the projection is the identity.
// No allocation after construction except when rows are added at a boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/state_archive.hpp"
#include "plasticity/hlop/subspace_learner.hpp"

namespace spikeq::plasticity::hlop {

struct task_subspace_parameters {
  subspace_parameters subspace;
  std::uint32_t rows_first_task = 80;  // paper code PMNIST input layer: 80
  std::uint32_t rows_per_task = 70;    // … then 70 per task
  std::uint32_t batch_size = 64;       // paper code: 64
  double input_scale = 1.0;            // x fed to the learner = input_scale · mean trace
};

class task_subspace {
 public:
  // `tasks`: how many task boundaries can come (rows are checked against n_inputs).
  task_subspace(std::size_t n_inputs, std::uint32_t tasks, task_subspace_parameters p);

  // One learning step of a training sample: x over the presynaptic neurons.
  void observe(std::span<const double> x);
  // The sample ended: its mean trace joins the batch (a full batch updates H).
  void end_sample();
  // The next task begins: pending samples update H, every row is frozen, new rows
  // are added (when rows remain).
  void begin_next_task();
  // Each of the `count` rows (n_inputs values each) ← row (I − H₀ᵀH₀).
  void project_rows(std::span<double> rows, std::size_t count) const;

  bool projects() const { return learner_.frozen_rows() > 0; }
  const subspace_learner& learner() const { return learner_; }
  std::uint32_t task() const { return task_; }
  void state(state_archive& ar);

 private:
  void flush_batch();

  task_subspace_parameters p_;
  std::uint32_t tasks_;
  subspace_learner learner_;
  std::uint32_t task_ = 0;
  std::vector<double> sample_sum_;  // n
  std::uint64_t sample_steps_ = 0;
  std::vector<double> batch_;  // batch_size × n, row-major
  std::size_t batch_fill_ = 0;
};

}  // namespace spikeq::plasticity::hlop
