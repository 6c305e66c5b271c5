// Builds the rules of the SAL paper's experiments from a projection's plasticity
// block: sal (plasticity/sal.hpp) with its application ticks, and the dendritic
// microcircuit's dendritic_prediction (plasticity/dendritic_prediction.hpp).
// Errors are std::invalid_argument; the caller names the field.
#pragma once

#include <memory>
#include <vector>

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// Where accumulated SAL changes are applied without a period: at the end of every
// learning phase naming the projection (`schedule` falling to 0) and of every trial
// in which it learns (consecutive phases across trials leave no falling edge).
std::vector<tick_type> sal_application_ticks(const trial_protocol& protocol, const step_series* schedule);

std::unique_ptr<plasticity_rule> make_sal_rule(const config::Sal& cfg, const network& net, projection& proj,
                                               const step_series* schedule, int projection_index);

// REQUIRES: the projection's target is a glm_pyramidal.
std::unique_ptr<plasticity_rule> make_dendritic_prediction_rule(const config::DendriticPrediction& cfg,
                                                                const network& net, projection& proj);

}  // namespace spikeq::io
