#include "core/sharded_population.hpp"

#include <algorithm>
#include <stdexcept>

namespace spikeq {

sharded_population::sharded_population(std::string name, std::vector<std::unique_ptr<population>> slices,
                                       std::vector<neuron_id_type> first)
    : population(std::move(name), first.back()), slices_(std::move(slices)), first_(std::move(first)) {
  if (slices_.empty() || first_.size() != slices_.size() + 1 || first_.front() != 0)
    throw std::logic_error("sharded_population: slices and boundaries do not match");
}

void sharded_population::sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
                                std::span<double> values) const {
  // Runs of neurons in one slice are read with one call; recording asks for
  // neurons in ascending order, so there are few runs.
  thread_local std::vector<neuron_id_type> local;
  std::size_t k = 0;
  while (k < neurons.size()) {
    const auto s = static_cast<std::size_t>(std::upper_bound(first_.begin(), first_.end(), neurons[k]) -
                                            first_.begin() - 1);
    std::size_t end = k;
    local.clear();
    while (end < neurons.size() && neurons[end] >= first_[s] && neurons[end] < first_[s + 1])
      local.push_back(neurons[end++] - first_[s]);
    slices_[s]->sample(variable, now, local, values.subspan(k, end - k));
    k = end;
  }
}

void sharded_population::receive(tick_type, receptor_type, std::span<const neuron_id_type>,
                                 std::span<const weight_type>, population_output&) {
  throw std::logic_error("sharded_population '" + name() + "': the kernel delivers input to its slices");
}

void sharded_population::set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) {
  throw std::logic_error("sharded_population '" + name() + "': the kernel sets currents of its slices");
}

void sharded_population::set_noise_currents(tick_type, std::span<const neuron_id_type>,
                                            std::span<const double>, population_output&) {
  throw std::logic_error("sharded_population '" + name() + "': the kernel sets noise currents of its slices");
}

std::vector<neuron_id_type> slice_boundaries(neuron_id_type size, std::size_t shards) {
  std::vector<neuron_id_type> first(shards + 1, 0);
  const std::uint64_t base = size / shards, extra = size % shards;
  for (std::size_t s = 0; s < shards; ++s)
    first[s + 1] = static_cast<neuron_id_type>(first[s] + base + (s < extra));
  return first;
}

}  // namespace spikeq
