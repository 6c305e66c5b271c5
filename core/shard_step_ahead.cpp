// Which of the shard's slices may step ahead (population::allow_step_ahead): those
// whose state nothing reads or changes between their steps.
#include <vector>

#include "core/shard.hpp"

namespace spikeq {

void shard::allow_steps_ahead() {
  // Probes read a population's state between its steps (weight and alignment probes
  // too are counted: they do not, but they are few); current and noise sources change
  // it; a checkpoint saves it.
  std::vector<bool> allowed(net_.populations.size(), !hooks_.checkpoint);
  for (const state_probe* probe : hooks_.probes) allowed[probe->owner_population()] = false;
  for (const current_schedule& c : net_.currents) allowed[c.target_population] = false;
  for (const noise_current_source& n : net_.noises) allowed[n.target_population] = false;
  for (std::uint32_t k = 0; k < net_.populations.size(); ++k)
    if (population* slice = layout_.share(k, index_).slice; slice != nullptr)
      slice->allow_step_ahead(allowed[k]);
}

void shard::resume(tick_type t_stop) {
  t_stop_ = t_stop;
  allow_steps_ahead();
}

}  // namespace spikeq
