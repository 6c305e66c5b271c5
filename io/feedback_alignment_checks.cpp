#include "io/feedback_alignment_checks.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace spikeq::io::checks {

namespace {

bool trained_by_readout_rule(const config::Network& net, const std::string& readout) {
  return std::any_of(net.projection().begin(), net.projection().end(), [&](const auto& pr) {
    return pr.has_plasticity() && pr.plasticity().has_error_modulated_hebbian() &&
           std::find(pr.target().begin(), pr.target().end(), readout) != pr.target().end();
  });
}

}  // namespace

void check_feedback_alignment(const config::Network& net, const std::map<std::string, int>& index,
                              checker& c) {
  const bool has_trials =
      net.has_protocol() || std::any_of(net.population().begin(), net.population().end(),
                                        [](const auto& p) { return p.has_image_dataset(); });
  const bool joint = std::any_of(net.population().begin(), net.population().end(), [](const auto& p) {
    return p.has_image_dataset() && p.image_dataset().joint();
  });
  for (int k = 0; k < net.projection_size(); ++k) {
    const auto& pr = net.projection(k);
    if (!pr.has_plasticity() || !pr.plasticity().has_feedback_alignment()) continue;
    const auto& rule = pr.plasticity().feedback_alignment();
    const field_path here{{"projection", k}, {"plasticity"}, {"feedback_alignment"}};
    const auto it = index.find(rule.readout());
    if (rule.readout().empty())
      c.error(extend(here, {{"readout"}}), "feedback_alignment needs the readout whose errors it receives");
    else if (it == index.end())
      c.error(extend(here, {{"readout"}}), "unknown population '" + rule.readout() + "'");
    else if (!net.population(it->second).has_linear_readout())
      c.error(extend(here, {{"readout"}}), "population '" + rule.readout() + "' is not a linear_readout");
    else if (!trained_by_readout_rule(net, rule.readout()))
      c.error(extend(here, {{"readout"}}), "no error_modulated_hebbian projection trains readout '" +
                                               rule.readout() + "', so it publishes no errors");
    if (!has_trials)
      c.error(here,
              "feedback_alignment learns once per sample: the network needs an image_dataset or a protocol");
    if (!on_grid(rule.step(), net.simulation().resolution()))
      c.error(extend(here, {{"step"}}),
              fmt::format("step = {} ms is not a whole number of resolution steps", rule.step()));
    if (pr.target_size() != 1)
      c.error({{"projection", k}, {"target"}}, "feedback_alignment trains one hidden population");
    for (const auto& t : pr.target())
      if (const auto target = index.find(t);
          target != index.end() && net.population(target->second).has_linear_readout())
        c.error({{"projection", k}, {"target"}},
                "feedback_alignment trains spiking hidden neurons; '" + t +
                    "' is a linear_readout (train it with error_modulated_hebbian)");
    if (!rule.has_hlop()) continue;
    if (joint)
      c.error(extend(here, {{"hlop"}}),
              "hlop protects earlier tasks at task boundaries; a joint image_dataset has none (its tasks are "
              "interleaved)");
    if (!pr.has_all_to_all())
      c.error(extend(here, {{"hlop"}}), "hlop on a hidden layer needs an all_to_all projection");
    const auto delay = pr.delay().kind_case();
    if (delay != config::Distribution::KIND_NOT_SET && delay != config::Distribution::kConstant)
      c.error({{"projection", k}, {"delay"}},
              "hlop on a hidden layer needs one delay for the whole projection (a constant)");
  }
}

}  // namespace spikeq::io::checks
