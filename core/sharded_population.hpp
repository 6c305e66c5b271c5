// A described population split into contiguous slices, one per shard, each slice a
// population object of its own (its own state, input buffers and lists), so shards
// never share a model's mutable state. Slice s owns neurons
// [first(s), first(s + 1)); a slice may be empty.
//
// To the rest of the program (recorders, summaries, checks) it is the whole
// population: name, size, model and recordables are the slices', and sample()
// reads each neuron from its slice. The kernel drives the slices directly; the
// dynamics calls of this object must not be used.
//
// Why slices and not one object shared by threads: models keep per-population
// buffers (pending inputs, refractory lists) that would need locks; a slice built
// for neurons [a, b) draws its initial state and random streams keyed by the
// neurons' population indices, so the slicing never changes a result.
#pragma once

#include <memory>
#include <vector>

#include "core/population.hpp"

namespace spikeq {

class sharded_population final : public population {
 public:
  // REQUIRES: slices non-empty; slice s has first[s + 1] - first[s] neurons;
  // first has slices.size() + 1 entries starting at 0.
  sharded_population(std::string name, std::vector<std::unique_ptr<population>> slices,
                     std::vector<neuron_id_type> first);

  std::size_t slice_count() const { return slices_.size(); }
  population& slice(std::size_t s) { return *slices_[s]; }
  const population& slice(std::size_t s) const { return *slices_[s]; }
  neuron_id_type first(std::size_t s) const { return first_[s]; }

  std::string_view model() const override { return slices_.front()->model(); }
  tick_type step_ticks() const override { return slices_.front()->step_ticks(); }
  std::vector<std::string> recordables() const override { return slices_.front()->recordables(); }
  std::string recordable_unit(std::size_t variable) const override {
    return slices_.front()->recordable_unit(variable);
  }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

  void receive(tick_type, receptor_type, std::span<const neuron_id_type>, std::span<const weight_type>,
               population_output&) override;
  void set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) override;
  void set_noise_currents(tick_type, std::span<const neuron_id_type>, std::span<const double>,
                          population_output&) override;

 private:
  std::vector<std::unique_ptr<population>> slices_;
  std::vector<neuron_id_type> first_;
};

// Boundaries of `size` neurons split into `shards` nearly equal contiguous slices
// (shards + 1 entries; the first size % shards slices get one neuron more).
std::vector<neuron_id_type> slice_boundaries(neuron_id_type size, std::size_t shards);

}  // namespace spikeq
