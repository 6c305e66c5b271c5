// Independent Poisson spike trains (NEST poisson_generator semantics, but one
// independent train per neuron of the population, like PyNN's SpikeSourcePoisson).
// Spike times are drawn in continuous time from the counter-based stream keyed by
// (seed, population, neuron) and placed on the first tick at or after them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/random_stream.hpp"
#include "core/time_grid.hpp"
#include "neurons/spike_source.hpp"

namespace spikeq {

struct poisson_generator_parameters {
  double rate_Hz = 0.0;
  double start_ms = 0.0;
  double stop_ms = 1e300;  // no stop
};

class poisson_generator final : public spike_source {
 public:
  // `stream_object` identifies this population in the random streams; the object
  // holds neurons [first_neuron, first_neuron + size) of it (a shard's slice), whose
  // streams are keyed by those indices.
  poisson_generator(std::string name, neuron_id_type size, const poisson_generator_parameters& p,
                    time_grid grid, std::uint64_t seed, std::uint32_t stream_object,
                    neuron_id_type first_neuron = 0);

  std::string_view model() const override { return "poisson_generator"; }
  void state(state_archive& ar) override;
  void start(population_output& out) override;
  void wakeup(tick_type now, neuron_id_type neuron, std::uint32_t version, population_output& out) override;

 private:
  // Draws neuron n's next spike time after next_time_ms_[n] and asks for a wake-up.
  void schedule_next(neuron_id_type n, population_output& out);

  poisson_generator_parameters p_;
  time_grid grid_;
  double mean_interval_ms_;
  std::vector<random_stream> streams_;
  std::vector<double> next_time_ms_;
  std::vector<std::uint32_t> version_;
};

}  // namespace spikeq
