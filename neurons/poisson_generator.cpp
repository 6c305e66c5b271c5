#include "neurons/poisson_generator.hpp"

#include "neurons/step_support.hpp"

namespace spikeq {

poisson_generator::poisson_generator(std::string name, neuron_id_type size,
                                     const poisson_generator_parameters& p, time_grid grid,
                                     std::uint64_t seed, std::uint32_t stream_object,
                                     neuron_id_type first_neuron)
    : spike_source(std::move(name), size),
      p_(p),
      grid_(grid),
      mean_interval_ms_(p.rate_Hz > 0 ? 1000.0 / p.rate_Hz : 0.0),
      next_time_ms_(size, p.start_ms),
      version_(size, 0) {
  streams_.reserve(size);
  for (neuron_id_type n = 0; n < size; ++n)
    streams_.emplace_back(seed, stream_kind::poisson, stream_object, first_neuron + n);
}

void poisson_generator::schedule_next(neuron_id_type n, population_output& out) {
  // Intervals accumulate in continuous time, so placing spikes on ticks does not
  // bias the rate; several spikes may share a tick at high rates.
  next_time_ms_[n] += streams_[n].exponential(mean_interval_ms_);
  if (next_time_ms_[n] >= p_.stop_ms) return;
  out.wakeups.push_back({grid_.to_ticks_ceil(next_time_ms_[n]), n, ++version_[n]});
}

void poisson_generator::start(population_output& out) {
  if (p_.rate_Hz <= 0) return;
  for (neuron_id_type n = 0; n < size(); ++n) schedule_next(n, out);
}

void poisson_generator::wakeup(tick_type /*now*/, neuron_id_type n, std::uint32_t version,
                               population_output& out) {
  if (version != version_[n]) return;
  out.spikes.push_back(n);
  schedule_next(n, out);
}

void poisson_generator::state(state_archive& ar) {
  ar.begin_section("poisson_generator");
  ar.expect(size(), "neurons");
  state_streams(ar, streams_, "random streams");
  state_per_neuron(ar, next_time_ms_, "neurons");
  state_per_neuron(ar, version_, "neurons");
  ar.end_section();
}

}  // namespace spikeq
