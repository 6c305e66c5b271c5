#include "io/recorders.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace spikeq::io {

namespace {
constexpr std::size_t spike_batch = 1 << 16;
}

int find_recordable(const population& pop, const std::string& variable) {
  const auto names = pop.recordables();
  const auto it = std::find(names.begin(), names.end(), variable);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

void check_state_recordings(const network_file& file, const network& net) {
  std::vector<diagnostic> errors;
  const auto& rec = file.network.recording();
  for (int k = 0; k < rec.state_size(); ++k) {
    const auto& s = rec.state(k);
    const auto& pop = *net.populations[static_cast<std::size_t>(net.find_population(s.population()))];
    if (find_recordable(pop, s.variable()) >= 0) continue;
    std::string known;
    for (const auto& n : pop.recordables()) known += (known.empty() ? "" : ", ") + n;
    errors.push_back(file.error_at(
        {{"recording"}, {"state", k}, {"variable"}},
        fmt::format("{} has no recordable '{}' (it has: {})", pop.model(), s.variable(), known)));
  }
  if (!errors.empty()) throw input_error(std::move(errors));
}

spike_recorder::spike_recorder(const network& net, output_file& out) : net_(net), out_(out) {
  channels_.resize(net.populations.size());
}

void spike_recorder::add(std::uint32_t population, const std::vector<neuron_id_type>& neurons) {
  auto& c = channels_[population];
  const auto& pop = *net_.populations[population];
  const bool first_entry = !c;
  if (!c) {
    c = std::make_unique<channel>();
    c->sink = &out_.add_spike_population(pop.name(), pop.size());
  }
  if (neurons.empty()) {
    c->selected.clear();
    c->selected.shrink_to_fit();
    c->sink->set_recorded_node_ids({});
    return;
  }
  // A population recorded whole by an earlier entry stays whole.
  if (c->selected.empty() && !first_entry) return;
  if (c->selected.empty()) c->selected.assign(pop.size(), false);
  for (const auto n : neurons) c->selected[n] = true;
  std::vector<std::uint64_t> ids;  // ascending, so the file lists each neuron once
  for (std::uint64_t n = 0; n < c->selected.size(); ++n)
    if (c->selected[n]) ids.push_back(n);
  c->sink->set_recorded_node_ids(std::move(ids));
}

void spike_recorder::on_spikes(std::uint32_t population, tick_type tick,
                               std::span<const neuron_id_type> neurons) {
  channel* c = channels_[population].get();
  if (c == nullptr) return;
  const double t_ms = net_.grid.to_ms(tick);
  for (const neuron_id_type n : neurons) {
    if (!c->selected.empty() && !c->selected[n]) continue;
    c->times_ms.push_back(t_ms);
    c->node_ids.push_back(n);
  }
  if (c->times_ms.size() >= spike_batch) flush(*c);
}

void spike_recorder::flush(channel& c) {
  if (c.times_ms.empty()) return;
  c.sink->append(c.times_ms, c.node_ids);
  c.times_ms.clear();
  c.node_ids.clear();
}

void spike_recorder::flush() {
  for (auto& c : channels_)
    if (c) flush(*c);
}

state_recorder::state_recorder(const population& pop, std::uint32_t population_index,
                               std::size_t variable_index, std::vector<neuron_id_type> neurons,
                               tick_type interval, frame_report& sink)
    : pop_(pop),
      population_index_(population_index),
      variable_(variable_index),
      neurons_(std::move(neurons)),
      interval_(interval),
      sink_(sink),
      frame_(neurons_.size()) {}

void state_recorder::sample(tick_type now, std::span<const std::uint32_t> columns,
                            std::span<double> frame) const {
  // Scratch per thread: shards sample concurrently.
  thread_local std::vector<neuron_id_type> neurons;
  thread_local std::vector<double> values;
  neurons.clear();
  for (const std::uint32_t c : columns) neurons.push_back(neurons_[c]);
  values.resize(neurons.size());
  pop_.sample(variable_, now, neurons, values);
  for (std::size_t k = 0; k < columns.size(); ++k) frame[columns[k]] = values[k];
}

void state_recorder::write(tick_type /*now*/, std::span<const double> frame) {
  for (std::size_t k = 0; k < frame.size(); ++k) frame_[k] = static_cast<float>(frame[k]);
  sink_.append_frame(frame_);
}

}  // namespace spikeq::io
