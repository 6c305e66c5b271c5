#include "neurons/image_dataset.hpp"

#include "neurons/step_support.hpp"

namespace spikeq {

image_dataset::image_dataset(std::string name, neuron_id_type size,
                             std::shared_ptr<const image_presentation> schedule, time_grid grid,
                             std::uint64_t seed, std::uint32_t stream_object, neuron_id_type first_neuron)
    : spike_source(std::move(name), size),
      s_(std::move(schedule)),
      grid_(grid),
      seed_(seed),
      stream_object_(stream_object),
      first_neuron_(first_neuron),
      population_size_(s_->pixels_per_image),
      streams_(size, random_stream(seed, stream_kind::poisson, stream_object, 0)),
      trial_(size, 0),
      next_time_ms_(size, 0.0),
      mean_interval_ms_(size, 0.0),
      version_(size, 0) {}

bool image_dataset::enter_trial(neuron_id_type n, std::size_t trial) {
  const neuron_id_type neuron = first_neuron_ + n;
  for (; trial < s_->image.size(); ++trial) {
    const double rate_Hz = s_->max_rate_Hz * s_->intensity(trial, neuron) / 255.0;
    if (rate_Hz <= 0.0) continue;
    // The builder bounds trials x size below 2^32, so the entity is unique per (trial, neuron).
    const auto entity = static_cast<std::uint32_t>(trial * population_size_ + neuron);
    streams_[n] = random_stream(seed_, stream_kind::poisson, stream_object_, entity);
    trial_[n] = static_cast<std::uint32_t>(trial);
    mean_interval_ms_[n] = 1000.0 / rate_Hz;
    next_time_ms_[n] = s_->first_ms + static_cast<double>(trial) * s_->period_ms;
    return true;
  }
  trial_[n] = static_cast<std::uint32_t>(trial);
  return false;
}

void image_dataset::schedule_next(neuron_id_type n, population_output& out) {
  for (;;) {
    const std::size_t trial = trial_[n];
    const double end_ms = s_->first_ms + static_cast<double>(trial) * s_->period_ms + s_->presentation_ms;
    // Intervals accumulate in continuous time (as in poisson_generator), so tick
    // placement does not bias the rate.
    next_time_ms_[n] += streams_[n].exponential(mean_interval_ms_[n]);
    if (next_time_ms_[n] < end_ms) {
      out.wakeups.push_back({grid_.to_ticks_ceil(next_time_ms_[n]), n, ++version_[n]});
      return;
    }
    if (!enter_trial(n, trial + 1)) return;
  }
}

void image_dataset::start(population_output& out) {
  for (neuron_id_type n = 0; n < size(); ++n)
    if (enter_trial(n, 0)) schedule_next(n, out);
}

void image_dataset::wakeup(tick_type /*now*/, neuron_id_type n, std::uint32_t version,
                           population_output& out) {
  if (version != version_[n]) return;
  out.spikes.push_back(n);
  schedule_next(n, out);
}

void image_dataset::state(state_archive& ar) {
  ar.begin_section("image_dataset");
  ar.expect(size(), "neurons");
  state_streams(ar, streams_, "random streams");
  state_per_neuron(ar, trial_, "neurons");
  state_per_neuron(ar, next_time_ms_, "neurons");
  state_per_neuron(ar, mean_interval_ms_, "neurons");
  state_per_neuron(ar, version_, "neurons");
  ar.end_section();
}

}  // namespace spikeq
