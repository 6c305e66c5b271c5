#include "plasticity/hlop/task_subspace.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity::hlop {

task_subspace::task_subspace(std::size_t n_inputs, std::uint32_t tasks, task_subspace_parameters p)
    : p_(p),
      tasks_(std::max<std::uint32_t>(tasks, 1)),
      learner_(n_inputs, std::max<std::uint32_t>(p.batch_size, 1), p.subspace),
      sample_sum_(n_inputs, 0.0),
      batch_(std::size_t{std::max<std::uint32_t>(p.batch_size, 1)} * n_inputs, 0.0) {
  if (p.batch_size == 0) throw std::invalid_argument("hlop: batch_size must be at least 1");
  const std::uint64_t rows =
      std::uint64_t{p.rows_first_task} + std::uint64_t{tasks_ - 1} * std::uint64_t{p.rows_per_task};
  if (rows > n_inputs)
    throw std::invalid_argument("hlop: " + std::to_string(rows) + " lateral neurons over " +
                                std::to_string(tasks_) + " tasks exceed the " + std::to_string(n_inputs) +
                                " presynaptic neurons (the input dimension)");
  learner_.add_task_rows(p.rows_first_task);
}

void task_subspace::observe(std::span<const double> x) {
  for (std::size_t j = 0; j < sample_sum_.size(); ++j) sample_sum_[j] += x[j];
  ++sample_steps_;
}

void task_subspace::end_sample() {
  if (sample_steps_ == 0) return;
  const std::size_t n = sample_sum_.size();
  const double scale = p_.input_scale / static_cast<double>(sample_steps_);
  double* row = batch_.data() + batch_fill_ * n;
  for (std::size_t j = 0; j < n; ++j) row[j] = sample_sum_[j] * scale;
  std::fill(sample_sum_.begin(), sample_sum_.end(), 0.0);
  sample_steps_ = 0;
  if (++batch_fill_ == p_.batch_size) flush_batch();
}

void task_subspace::flush_batch() {
  if (batch_fill_ > 0) learner_.update_batch(batch_, batch_fill_);
  batch_fill_ = 0;
}

void task_subspace::begin_next_task() {
  end_sample();
  flush_batch();
  learner_.freeze();
  ++task_;
  if (task_ < tasks_ && p_.rows_per_task > 0) learner_.add_task_rows(p_.rows_per_task);
}

void task_subspace::project_rows(std::span<double> rows, std::size_t count) const {
  if (!projects()) return;
  const std::size_t n = learner_.inputs();
  for (std::size_t k = 0; k < count; ++k) {
    const auto row = rows.subspan(k * n, n);
    learner_.project(row, row);
  }
}

void task_subspace::state(state_archive& ar) {
  ar.begin_section("hlop task subspace");
  std::uint32_t task = task_;
  ar.value(task);
  if (ar.loading()) {
    if (task >= tasks_ + 1) ar.fail("hlop: task beyond the data set's tasks");
    // Rebuild the rows' layout as the run had it, then load their values.
    while (task_ < task) begin_next_task();
  }
  learner_.state(ar);
  archive_fixed_block(ar, sample_sum_, "hlop sample trace sums");
  ar.value(sample_steps_);
  archive_fixed_block(ar, batch_, "hlop batch");
  std::uint64_t fill = batch_fill_;
  ar.value(fill);
  if (ar.loading()) {
    if (fill >= std::max<std::uint32_t>(p_.batch_size, 1)) ar.fail("hlop: batch fill beyond the batch size");
    batch_fill_ = fill;
  }
  ar.end_section();
}

}  // namespace spikeq::plasticity::hlop
