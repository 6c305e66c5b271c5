#include "io/modulator_recorder.hpp"

#include <fmt/format.h>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

void write_protocol(const network& net, output_file& out) {
  const trial_protocol& p = net.protocol;
  if (p.empty()) return;
  std::vector<double> starts, outcome_times;
  std::vector<std::uint64_t> outcomes(p.outcome.begin(), p.outcome.end());
  for (std::size_t k = 0; k < p.trial_start.size(); ++k) {
    starts.push_back(net.grid.to_ms(p.trial_start[k]));
    outcome_times.push_back(net.grid.to_ms(p.outcome_tick[k]));
  }
  out.write_dataset("/protocol/trial_start", starts, "ms");
  out.write_dataset("/protocol/outcome_time", outcome_times, "ms");
  out.write_dataset("/protocol/outcome", outcomes);
  // Data-set presentations: which sample each trial showed (its label is the
  // outcome), its task, whether it evaluates, the pixel permutations and where each
  // task starts, from which accuracies per task are computed after the run.
  if (!p.sample.empty()) {
    out.write_dataset("/protocol/sample", std::vector<std::uint64_t>(p.sample.begin(), p.sample.end()));
    out.write_dataset("/protocol/label", outcomes);
    out.write_dataset("/protocol/task", std::vector<std::uint64_t>(p.task.begin(), p.task.end()));
    out.write_dataset("/protocol/evaluation",
                      std::vector<std::uint64_t>(p.evaluation.begin(), p.evaluation.end()));
    out.write_dataset("/protocol/pixel_permutation",
                      std::vector<std::uint64_t>(p.pixel_permutation.begin(), p.pixel_permutation.end()));
    out.write_dataset("/protocol/task_start",
                      std::vector<std::uint64_t>(p.task_start.begin(), p.task_start.end()));
  }
  out.set_string_attribute("/protocol", "outcome_names", hdf5_write::join_names(p.outcome_names));
  out.set_string_attribute("/protocol", "trial_duration_ms",
                           fmt::format("{}", net.grid.to_ms(p.trial_ticks)));
}

modulator_recorder::modulator_recorder(const network& net, output_file& out) : net_(net) {
  for (const auto& ch : net.modulation.channels)
    logs_.push_back(&out.add_modulator_log(ch->name(), net.grid.to_ms(1) * ch->tau_ticks(), ch->tonic()));
  written_.assign(logs_.size(), 0);
}

void modulator_recorder::flush() {
  for (std::size_t k = 0; k < logs_.size(); ++k) {
    const modulator_channel& ch = *net_.modulation.channels[k];
    const auto ticks = ch.release_ticks();
    const auto amounts = ch.release_amounts();
    times_.clear();
    amounts_.clear();
    for (std::size_t r = written_[k]; r < ticks.size(); ++r) {
      times_.push_back(net_.grid.to_ms(ticks[r]));
      amounts_.push_back(amounts[r]);
    }
    written_[k] = ticks.size();
    if (!times_.empty()) logs_[k]->append(times_, amounts_);
  }
}

void modulator_recorder::state(state_archive& ar) {
  ar.begin_section("modulator_recorder");
  ar.expect(written_.size(), "neuromodulator channels");
  for (std::size_t k = 0; k < written_.size(); ++k) {
    std::uint64_t n = written_[k];
    ar.value(n);
    if (n > net_.modulation.channels[k]->release_ticks().size())
      ar.fail("more releases written than the channel holds");
    written_[k] = static_cast<std::size_t>(n);
  }
  ar.end_section();
}

}  // namespace spikeq::io
