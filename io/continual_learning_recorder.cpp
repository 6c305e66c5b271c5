#include "io/continual_learning_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "plasticity/archive_records.hpp"

namespace spikeq::io {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t not_evaluated = std::numeric_limits<std::uint64_t>::max();
}  // namespace

continual_learning_summary summarize_accuracy(std::span<const double> accuracy, std::uint64_t tasks) {
  continual_learning_summary s{nan, nan};
  if (tasks == 0 || accuracy.size() != tasks * tasks) return s;
  const double* last = accuracy.data() + (tasks - 1) * tasks;
  double sum = 0.0;
  for (std::uint64_t j = 0; j < tasks; ++j) sum += last[j];
  s.acc = sum / static_cast<double>(tasks);
  if (tasks >= 2) {
    double drop = 0.0;
    for (std::uint64_t j = 0; j + 1 < tasks; ++j) drop += last[j] - accuracy[j * tasks + j];
    s.bwt = drop / static_cast<double>(tasks - 1);
  }
  return s;
}

namespace {

// Evaluation trials in order, each with the task trained last before it.
continual_learning_schedule evaluation_schedule(const trial_protocol& p) {
  continual_learning_schedule schedule;
  schedule.tasks = p.task_start.size();
  std::uint64_t trained = 0;
  for (std::size_t s = 0; s < p.trial_start.size(); ++s) {
    if (!p.evaluation[s]) {
      // The last task whose training began (joint training: all of them).
      trained = std::max<std::uint64_t>(trained, p.task[s]);
      continue;
    }
    schedule.trial.push_back(s);
    schedule.after_task.push_back(trained);
    schedule.task.push_back(p.task[s]);
    schedule.label.push_back(p.outcome[s]);
  }
  return schedule;
}

}  // namespace

continual_learning_recorder::continual_learning_recorder(const network& net, std::uint32_t readout,
                                                         tick_type presentation_ticks, output_file& out)
    : pop_(*net.populations.at(readout)),
      readout_(readout),
      classes_(pop_.size()),
      schedule_(evaluation_schedule(net.protocol)),
      log_(out.add_continual_learning_log(schedule_)) {
  const auto names = pop_.recordables();
  const auto y = std::find(names.begin(), names.end(), "y");
  if (y == names.end()) throw std::invalid_argument("the readout has no output y");
  y_variable_ = static_cast<std::size_t>(y - names.begin());
  // Every millisecond of the presentation (at least every tick), the first sample one
  // step after the presentation starts: the output integrates the sample from there.
  const tick_type step = std::max<tick_type>(1, net.grid.to_ticks(1.0));
  samples_per_presentation_ = std::max<tick_type>(1, presentation_ticks / step);
  for (const std::uint64_t s : schedule_.trial)
    for (std::uint64_t i = 1; i <= samples_per_presentation_; ++i)
      ticks_.push_back(net.protocol.trial_start[s] + i * step);
  prediction_.assign(schedule_.trial.size(), not_evaluated);
  sum_.assign(classes_, 0.0);
}

void continual_learning_recorder::sample(tick_type now, std::span<const std::uint32_t> columns,
                                         std::span<double> frame) const {
  thread_local std::vector<neuron_id_type> neurons;
  thread_local std::vector<double> values;
  neurons.assign(columns.begin(), columns.end());
  values.resize(neurons.size());
  pop_.sample(y_variable_, now, neurons, values);
  for (std::size_t k = 0; k < columns.size(); ++k) frame[columns[k]] = values[k];
}

void continual_learning_recorder::write(tick_type /*now*/, std::span<const double> frame) {
  if (evaluation_ >= prediction_.size()) return;
  for (std::size_t k = 0; k < classes_; ++k) sum_[k] += frame[k];
  if (++samples_seen_ < samples_per_presentation_) return;
  prediction_[evaluation_++] =
      static_cast<std::uint64_t>(std::max_element(sum_.begin(), sum_.end()) - sum_.begin());
  std::fill(sum_.begin(), sum_.end(), 0.0);
  samples_seen_ = 0;
}

void continual_learning_recorder::finish() {
  const std::uint64_t tasks = schedule_.tasks;
  std::vector<double> correct(tasks * tasks, 0.0), shown(tasks * tasks, 0.0);
  for (std::size_t e = 0; e < prediction_.size(); ++e) {
    if (prediction_[e] == not_evaluated) continue;
    const std::size_t cell = schedule_.after_task[e] * tasks + schedule_.task[e];
    shown[cell] += 1;
    if (prediction_[e] == schedule_.label[e]) correct[cell] += 1;
  }
  std::vector<double> accuracy(tasks * tasks, nan);
  for (std::size_t c = 0; c < accuracy.size(); ++c)
    if (shown[c] > 0) accuracy[c] = correct[c] / shown[c];
  const auto summary = summarize_accuracy(accuracy, tasks);
  log_.write_results(prediction_, accuracy, summary.acc, summary.bwt);
}

void continual_learning_recorder::state(state_archive& ar) {
  ar.begin_section("continual learning evaluation");
  plasticity::archive_fixed_block(ar, prediction_, "evaluation predictions");
  plasticity::archive_fixed_block(ar, sum_, "evaluation output sums");
  std::uint64_t evaluation = evaluation_, seen = samples_seen_;
  ar.value(evaluation);
  ar.value(seen);
  if (ar.loading()) {
    if (evaluation > prediction_.size() || seen >= samples_per_presentation_)
      ar.fail("evaluation position beyond the schedule");
    evaluation_ = evaluation;
    samples_seen_ = seen;
  }
  ar.end_section();
}

std::unique_ptr<continual_learning_recorder> make_continual_learning_recorder(const network_file& file,
                                                                              const network& net,
                                                                              output_file& out) {
  for (const auto& p : file.network.population()) {
    if (!p.has_image_dataset()) continue;
    const auto& d = p.image_dataset();
    if (d.readout().empty() || d.test_samples_per_task() == 0) return nullptr;
    const int readout = net.find_population(d.readout());
    if (readout < 0) return nullptr;  // resolve_network names unknown readouts
    return std::make_unique<continual_learning_recorder>(net, static_cast<std::uint32_t>(readout),
                                                         net.grid.to_ticks(d.presentation()), out);
  }
  return nullptr;
}

}  // namespace spikeq::io
