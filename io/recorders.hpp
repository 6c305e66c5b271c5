// Recorders: the kernel's spike observer and state probes, writing into the run's
// SONATA output file (io/hdf5/output_file.hpp). They buffer in memory and hand the
// output file whole batches.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/kernel.hpp"
#include "io/hdf5/output_file.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// Checks that every state recording names a recordable of its population's model;
// throws input_error pointing at the offending field.
void check_state_recordings(const network_file& file, const network& net);

// Index of `variable` in pop.recordables(), or -1.
int find_recordable(const population& pop, const std::string& variable);

// Records the spikes of chosen populations (all neurons or a subset).
class spike_recorder final : public spike_observer {
 public:
  spike_recorder(const network& net, output_file& out);

  // Records population `population`; an empty `neurons` means all of them. Several
  // calls for one population record the union; the output lists the recorded
  // neurons (/spikes/<name>/recorded_node_ids).
  void add(std::uint32_t population, const std::vector<neuron_id_type>& neurons);

  void on_spikes(std::uint32_t population, tick_type tick, std::span<const neuron_id_type> neurons) override;
  // Hands everything buffered to the output file.
  void flush();

 private:
  struct channel {
    spike_population* sink = nullptr;
    std::vector<bool> selected;  // empty: all neurons
    std::vector<double> times_ms;
    std::vector<std::uint64_t> node_ids;
  };
  void flush(channel& c);

  const network& net_;
  output_file& out_;
  std::vector<std::unique_ptr<channel>> channels_;  // by population; null if not recorded
};

// Samples one state variable of chosen neurons of a population every interval.
class state_recorder final : public state_probe {
 public:
  // REQUIRES: variable_index < pop.recordables().size(); interval >= 1 tick.
  state_recorder(const population& pop, std::uint32_t population_index, std::size_t variable_index,
                 std::vector<neuron_id_type> neurons, tick_type interval, frame_report& sink);

  tick_type first_sample() const override { return 0; }
  tick_type interval() const override { return interval_; }
  std::size_t column_count() const override { return neurons_.size(); }
  std::uint32_t owner_population() const override { return population_index_; }
  neuron_id_type column_neuron(std::size_t column) const override { return neurons_[column]; }
  void sample(tick_type now, std::span<const std::uint32_t> columns, std::span<double> frame) const override;
  void write(tick_type now, std::span<const double> frame) override;

 private:
  const population& pop_;
  std::uint32_t population_index_;
  std::size_t variable_;
  std::vector<neuron_id_type> neurons_;
  tick_type interval_;
  frame_report& sink_;
  std::vector<float> frame_;
};

}  // namespace spikeq::io
