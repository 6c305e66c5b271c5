#include "io/shard_balance.hpp"

#include <map>
#include <string>

#include "io/memory_estimate.hpp"

namespace spikeq::io {

namespace {

// The cost model: a neuron costs its steps, its synaptic inputs and the delay
// blocks they come in. Rates are not known before the run, so every source is taken
// to fire at one nominal rate. The costs per step, per ring-delivered synaptic event
// and per ring block (a run of adds to start: 52 ns against 2.5 ns per synapse) were
// fitted to the shards' busy times of the microcircuit at scale 0.1 on 2 shards
// under five splits. A block onto an event-driven model, or of a plastic
// projection, is a scheduled event (about 1 us), and each of its inputs an exp or a
// rule update: those two costs were fitted to the static and the plastic Brunel
// networks' busy times, an input to an event-driven neuron taken as 10 ns
// (bench/RESULTS.md, "Shard partition").
constexpr double neuron_step_ns = 3.0;
constexpr double ring_input_ns = 2.5;
constexpr double ring_block_ns = 52.0;
constexpr double event_input_ns = 10.0;
constexpr double plastic_input_ns = 56.0;
constexpr double event_block_ns = 1060.0;
constexpr double nominal_rate_hz = 5.0;

// Models that advance in fixed steps (and take static input through rings).
bool stepped(const config::Population& p) {
  return p.has_iaf_psc_exp() || p.has_iaf_cond_exp() || p.has_izhikevich() || p.has_glm_sampling() ||
         p.has_pp_psc_delta();
}

bool divided(const config::Population& p) {
  return !p.has_linear_readout() && !p.has_glm_pyramidal() && !p.has_image_dataset();
}

}  // namespace

std::vector<population_load> population_loads(const config::Network& net) {
  std::map<std::string, int> index;
  for (int k = 0; k < net.population_size(); ++k) index[net.population(k).name()] = k;
  // Estimated input work per model second, summed over each population's neurons.
  std::vector<double> incoming(static_cast<std::size_t>(net.population_size()), 0.0);
  for (int k = 0; k < net.projection_size(); ++k) {
    const auto& pr = net.projection(k);
    double n_targets = 0.0;
    for (const auto& t : pr.target()) n_targets += net.population(index.at(t)).size();
    if (!(n_targets > 0.0)) continue;
    const double synapses = expected_synapses(net, k);
    for (const auto& t : pr.target()) {
      const int p = index.at(t);
      const bool ring = !pr.has_plasticity() && stepped(net.population(p));
      const double input_ns = ring ? ring_input_ns : pr.has_plasticity() ? plastic_input_ns : event_input_ns;
      incoming[static_cast<std::size_t>(p)] +=
          nominal_rate_hz * (synapses * net.population(p).size() / n_targets * input_ns +
                             expected_blocks(net, k, t) * (ring ? ring_block_ns : event_block_ns));
    }
  }
  const double dt_ms = net.simulation().dt() > 0 ? net.simulation().dt() : 0.1;
  const double steps_per_s = 1000.0 / dt_ms;
  std::vector<population_load> loads;
  for (int k = 0; k < net.population_size(); ++k) {
    const auto& p = net.population(k);
    population_load load;
    load.size = p.size();
    if (divided(p) && p.size() > 0) {
      load.cost_per_neuron = (stepped(p) ? steps_per_s * neuron_step_ns : 0.0) +
                             incoming[static_cast<std::size_t>(k)] / p.size();
    }
    loads.push_back(load);
  }
  return loads;
}

std::vector<std::vector<neuron_id_type>> population_slices(const config::Network& net, std::size_t shards) {
  return partition_populations(population_loads(net), shards);
}

}  // namespace spikeq::io
