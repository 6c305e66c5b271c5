// A built network as the kernel runs it: populations, projections in delivery
// layout, and stimulus schedules. Produced by the builder (io/), consumed by kernel.
//
// Invariants: population global ids are contiguous, population k owning
// [first_global_id[k], first_global_id[k] + size); every projection's source and
// target index a population; outgoing[k] lists the projections whose source is k;
// incoming_plastic[k] the projections with a rule whose target is k.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/neuromodulation.hpp"
#include "core/plasticity_rule.hpp"
#include "core/population.hpp"
#include "core/post_index.hpp"
#include "core/synapse_table.hpp"
#include "core/time_grid.hpp"
#include "core/trial_protocol.hpp"
#include "core/weight_tie.hpp"

namespace spikeq {

struct projection {
  std::string name;
  std::uint32_t source_population = 0;
  std::uint32_t target_population = 0;
  receptor_type receptor = receptor_type::excitatory;
  synapse_table synapses;
  // Plastic projections only: the rule that owns the weights, and the transposed
  // index through which postsynaptic spikes reach it.
  std::unique_ptr<plasticity_rule> rule;
  post_index post;
};

// A piecewise-constant injected current: at tick[k] the current becomes amplitude[k].
struct current_schedule {
  std::string name;
  std::uint32_t target_population = 0;
  std::vector<neuron_id_type> neurons;  // empty: all
  std::vector<tick_type> tick;
  std::vector<double> amplitude;
  // Live: changes are appended while the run goes on (core/external_input.hpp), so
  // shards schedule each new entry instead of chaining them.
  bool live = false;
};

// Every `interval` ticks in [start, stop), `count` neurons drawn at random from
// `neurons` (indices into the concatenation of the target populations, or all of
// them when empty) get one excitatory input of `amplitude`.
struct random_pulse_source {
  std::string name;
  std::vector<std::uint32_t> target_populations;
  std::vector<std::uint64_t> neurons;
  double amplitude = 0.0;
  tick_type interval = 1;
  tick_type start = 0;
  tick_type stop = 0;
  std::uint32_t count = 1;
  std::uint32_t stream_object = 0;  // identifies this source in the random streams
};

// Every `interval` ticks in [start, stop), each chosen neuron of the target
// population (all when `neurons` is empty) receives k ~ Poisson(mean) inputs of
// `weight`, k from the stream (seed, poisson_input, stream_object,
// stream_entity_offset + neuron): the neuron's index in the current source's
// concatenated target space.
struct poisson_drive {
  std::string name;
  std::uint32_t target_population = 0;
  std::vector<neuron_id_type> neurons;
  double mean = 0.0;  // inputs per neuron and interval
  double weight = 0.0;
  receptor_type receptor = receptor_type::excitatory;
  tick_type interval = 1;
  tick_type start = 0;
  tick_type stop = 0;
  std::uint32_t stream_object = 0;
  std::uint32_t stream_entity_offset = 0;
};

// A fluctuating injected current: at start and every `interval` ticks after it
// before stop, each chosen neuron of the target population (all when `neurons` is
// empty) gets a new constant current (model units, pA for iaf models), uniform on
// [low, high) or normal(mean, sd), from the stream (seed, noise_current,
// stream_object, stream_entity_offset + neuron); from stop on it is 0. It is the
// population's separate noise term (population::set_noise_currents), so it adds to
// the schedules' currents; sources on the same population add up.
struct noise_current_source {
  enum class distribution : std::uint8_t { uniform, normal };
  std::string name;
  std::uint32_t target_population = 0;
  std::vector<neuron_id_type> neurons;
  distribution kind = distribution::uniform;
  double low = 0.0, high = 0.0;  // uniform
  double mean = 0.0, sd = 0.0;   // normal
  tick_type interval = 1;
  tick_type start = 0;
  tick_type stop = 0;  // max: never
  std::uint32_t stream_object = 0;
  std::uint32_t stream_entity_offset = 0;
};

struct network {
  time_grid grid;
  std::uint64_t seed = 0;
  // Shards the populations were split into (core/sharded_population.hpp); the
  // kernel runs this many. Results do not depend on it.
  std::size_t shard_count = 1;
  std::vector<std::unique_ptr<population>> populations;
  std::vector<global_neuron_id_type> first_global_id;
  std::vector<projection> projections;
  std::vector<std::vector<std::uint32_t>> outgoing;
  std::vector<std::vector<std::uint32_t>> incoming_plastic;  // by target population
  std::vector<current_schedule> currents;
  std::vector<random_pulse_source> pulses;
  std::vector<poisson_drive> drives;
  std::vector<noise_current_source> noises;
  // Neuromodulator channels and their sources; rules hold pointers to the channels.
  neuromodulation modulation;
  // The trial structure of a learning experiment (empty without one); readouts and
  // rules keep pointers into it.
  trial_protocol protocol;
  // Projections whose weights copy another's, refreshed at every window end.
  std::vector<weight_tie> ties;

  std::uint64_t neuron_count() const;
  std::uint64_t synapse_count() const;
  // Smallest and largest synaptic delay in ticks (0 when there are no synapses).
  tick_type min_delay() const;
  tick_type max_delay() const;
  // Index of the population with this name, or -1.
  int find_population(const std::string& name) const;
  // The live current sources (current schedules with live set), in network order:
  // for each, the indices of its schedules (one per target population; the builder
  // gives them the source's name and puts them next to each other).
  std::vector<std::vector<std::uint32_t>> live_current_sources() const;
};

}  // namespace spikeq
