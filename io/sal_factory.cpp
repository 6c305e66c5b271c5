#include "io/sal_factory.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/boltzmann_factory.hpp"
#include "neurons/glm_pyramidal.hpp"
#include "plasticity/dendritic_prediction.hpp"
#include "plasticity/sal.hpp"

namespace spikeq::io {

namespace pl = plasticity;

std::vector<tick_type> sal_application_ticks(const trial_protocol& protocol, const step_series* schedule) {
  std::vector<tick_type> ticks;
  if (schedule != nullptr)
    for (std::size_t k = 1; k < schedule->tick.size(); ++k)
      if (schedule->value[k] <= 0.0 && schedule->value[k - 1] > 0.0) ticks.push_back(schedule->tick[k]);
  for (std::size_t k = 0; k < protocol.trial_start.size(); ++k) {
    const tick_type end = protocol.trial_end(k);
    if (schedule == nullptr || schedule->at(end - 1) > 0.0) ticks.push_back(end);
  }
  std::sort(ticks.begin(), ticks.end());
  ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
  ticks.erase(ticks.begin(), std::upper_bound(ticks.begin(), ticks.end(), tick_type{0}));
  return ticks;
}

std::unique_ptr<plasticity_rule> make_sal_rule(const config::Sal& cfg, const network& net, projection& proj,
                                               const step_series* schedule, int projection_index) {
  pl::sal_parameters p;
  p.kernel =
      cfg.kernel() == config::Sal::TRIANGULAR ? pl::sal_kernel::triangular : pl::sal_kernel::exponential;
  p.a_causal = cfg.a_causal();
  p.a_anticausal = cfg.a_anticausal();
  p.tau_causal_ms = cfg.tau_causal();
  p.tau_anticausal_ms = cfg.tau_anticausal();
  p.last_spikes = cfg.last_spikes();
  p.eta = cfg.eta();
  p.accumulate = cfg.application() == config::Sal::ACCUMULATED;
  p.normalization_ms = cfg.normalization();
  p.bounds = {cfg.wmin(), cfg.wmax()};
  if (cfg.amplitude_noise() > 0.0)
    p.amplitude =
        pl::noised_amplitudes(cfg.amplitude_noise(), net.seed, static_cast<std::uint32_t>(projection_index),
                              canonical_synapse_ids(proj.synapses));
  if (!p.accumulate) return std::make_unique<pl::sal_rule>(p, net.grid.resolution_ms(), proj.synapses.weight);
  if (cfg.has_period())
    return std::make_unique<pl::sal_rule>(p, net.grid.resolution_ms(), proj.synapses.weight,
                                          std::vector<tick_type>{}, net.grid.to_ticks(cfg.period()));
  return std::make_unique<pl::sal_rule>(p, net.grid.resolution_ms(), proj.synapses.weight,
                                        sal_application_ticks(net.protocol, schedule));
}

std::unique_ptr<plasticity_rule> make_dendritic_prediction_rule(const config::DendriticPrediction& cfg,
                                                                const network& net, projection& proj) {
  const auto* target = dynamic_cast<const glm_pyramidal*>(net.populations[proj.target_population].get());
  if (target == nullptr) throw std::invalid_argument("dendritic_prediction needs a glm_pyramidal target");
  return std::make_unique<pl::dendritic_prediction_rule>(cfg.eta(), pl::weight_bounds{cfg.wmin(), cfg.wmax()},
                                                         proj.synapses.weight, proj.synapses.target, *target);
}

}  // namespace spikeq::io
