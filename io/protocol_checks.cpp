#include "io/protocol_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "io/feedback_alignment_checks.hpp"

namespace spikeq::io::checks {

namespace {

// The readout population called `name`, or nullptr after an error at `where`.
const config::Population* find_readout(const config::Network& net, const std::map<std::string, int>& index,
                                       const std::string& name, const field_path& where, checker& c) {
  const auto it = index.find(name);
  if (it == index.end()) {
    c.error(where, "unknown population '" + name + "'");
    return nullptr;
  }
  const auto& p = net.population(it->second);
  if (!p.has_linear_readout()) {
    c.error(where, "population '" + name + "' is not a linear_readout");
    return nullptr;
  }
  return &p;
}

template <typename Ids>
void check_ids(const Ids& ids, std::uint64_t size, const std::string& what, const field_path& where,
               checker& c) {
  for (int i = 0; i < ids.size(); ++i)
    if (ids[i] >= size)
      c.error(extend(where, {{"neurons", i}}),
              fmt::format("neuron {} is outside {} ({} neurons)", ids[i], what, size));
}

void check_probabilities(const auto& values, const field_path& where, checker& c) {
  double sum = 0.0;
  for (const double v : values) {
    if (!(v >= 0.0 && v <= 1.0)) c.error(where, fmt::format("probability {} is outside [0, 1]", v));
    sum += v;
  }
  if (std::abs(sum - 1.0) > 1e-9)
    c.error(where, fmt::format("the outcome probabilities sum to {:.6g}, not 1", sum));
}

void check_stimulus(const config::Network& net, const std::map<std::string, int>& index,
                    const config::Stimulus& s, const field_path& here, checker& c) {
  if (s.target().empty()) c.error(here, "a stimulus needs a target population");
  std::uint64_t size = 0;
  for (int t = 0; t < s.target_size(); ++t) {
    const auto it = index.find(s.target(t));
    if (it == index.end())
      c.error(extend(here, {{"target", t}}), "unknown population '" + s.target(t) + "'");
    else
      size += net.population(it->second).size();
  }
  if (size > 0) check_ids(s.neurons(), size, "the stimulus's targets", here, c);
}

}  // namespace

void check_protocol(config::Network& net, const std::map<std::string, int>& index, checker& c) {
  // Every readout is fed, and readout rules train readouts.
  std::set<std::string> fed;
  std::set<std::string> rls_projections;
  for (int k = 0; k < net.projection_size(); ++k) {
    const auto& pr = net.projection(k);
    for (const auto& t : pr.target()) fed.insert(t);
    if (!pr.has_plasticity() || !pr.plasticity().has_error_modulated_hebbian()) continue;
    const auto& rule = pr.plasticity().error_modulated_hebbian();
    const field_path here{{"projection", k}, {"plasticity"}, {"error_modulated_hebbian"}};
    for (int t = 0; t < pr.target_size(); ++t) {
      const auto it = index.find(pr.target(t));
      if (it != index.end() && !net.population(it->second).has_linear_readout())
        c.error(extend(here, {}), "error_modulated_hebbian trains linear_readout populations; '" +
                                      pr.target(t) + "' is not one");
    }
    // An image_dataset's samples are trials too (io/dataset/image_dataset_builder.hpp).
    const bool has_trials =
        net.has_protocol() || std::any_of(net.population().begin(), net.population().end(),
                                          [](const auto& p) { return p.has_image_dataset(); });
    if (rule.mode() == config::ErrorModulatedHebbian::OFFLINE && !has_trials)
      c.error(extend(here, {{"mode"}}),
              "OFFLINE consolidates at trial ends: the network needs a protocol or an image_dataset");
    if (!checks::on_grid(rule.step(), net.simulation().resolution()))
      c.error(extend(here, {{"step"}}),
              fmt::format("step = {} ms is not a whole number of resolution steps", rule.step()));
    if (rule.mode() == config::ErrorModulatedHebbian::RLS) rls_projections.insert(pr.name());
    if (rule.has_hlop() && std::any_of(net.population().begin(), net.population().end(), [](const auto& p) {
          return p.has_image_dataset() && p.image_dataset().joint();
        }))
      c.error(extend(here, {{"hlop"}}),
              "hlop protects earlier tasks at task boundaries; a joint image_dataset has none (its tasks are "
              "interleaved)");
  }
  check_feedback_alignment(net, index, c);
  for (int k = 0; k < net.population_size(); ++k)
    if (net.population(k).has_linear_readout() && !fed.count(net.population(k).name()))
      c.error({{"population", k}}, "readout '" + net.population(k).name() +
                                       "' has no presynaptic projection: nothing can drive it");

  for (int k = 0; k < net.target_series_size(); ++k) {
    const auto& ts = net.target_series(k);
    const field_path here{{"target_series", k}};
    // A glm_pyramidal's target series is its nudging target.
    const auto pyramidal = index.find(ts.readout());
    const bool nudged = pyramidal != index.end() && net.population(pyramidal->second).has_glm_pyramidal();
    const auto* readout = nudged ? &net.population(pyramidal->second)
                                 : find_readout(net, index, ts.readout(), extend(here, {{"readout"}}), c);
    if (readout != nullptr && ts.neuron() >= readout->size())
      c.error(extend(here, {{"neuron"}}), fmt::format("neuron {} is outside readout '{}' (size {})",
                                                      ts.neuron(), ts.readout(), readout->size()));
    if (ts.times_size() != ts.values_size())
      c.error(extend(here, {{"values"}}),
              fmt::format("{} values for {} times: a target series needs one value per time",
                          ts.values_size(), ts.times_size()));
    for (int i = 1; i < ts.times_size(); ++i)
      if (!(ts.times(i) > ts.times(i - 1)))
        c.error(extend(here, {{"times", i}}), "times must increase strictly");
  }

  if (!net.has_protocol()) return;
  const auto& p = net.protocol();
  const field_path here{{"protocol"}};
  if (!p.has_trial_duration()) c.error(here, "a protocol needs trial_duration");
  std::vector<double> probabilities;
  for (const auto& o : p.outcome()) probabilities.push_back(o.probability());
  if (!p.outcome().empty()) check_probabilities(probabilities, here, c);
  for (int i = 0; i < p.cue_size(); ++i) check_stimulus(net, index, p.cue(i), extend(here, {{"cue", i}}), c);
  std::set<std::string> names;
  for (int o = 0; o < p.outcome_size(); ++o) {
    const auto& outcome = p.outcome(o);
    const field_path at = extend(here, {{"outcome", o}});
    if (outcome.name().empty()) c.error(extend(at, {{"name"}}), "an outcome needs a name");
    if (!names.insert(outcome.name()).second)
      c.error(extend(at, {{"name"}}), "outcome '" + outcome.name() + "' is declared twice");
    for (int s = 0; s < outcome.stimulus_size(); ++s)
      check_stimulus(net, index, outcome.stimulus(s), extend(at, {{"stimulus", s}}), c);
    for (int t = 0; t < outcome.teacher_size(); ++t) {
      const auto& teacher = outcome.teacher(t);
      const field_path tt = extend(at, {{"teacher", t}});
      if (const auto* r = find_readout(net, index, teacher.readout(), extend(tt, {{"readout"}}), c))
        check_ids(teacher.neurons(), r->size(), "readout '" + teacher.readout() + "'", tt, c);
    }
  }
  if (p.gate().has_start() && p.gate().has_stop() && !(p.gate().stop() > p.gate().start()))
    c.error(extend(here, {{"gate"}, {"stop"}}), "the gate must close after it opens");
  std::set<std::string> plastic;
  for (const auto& pr : net.projection())
    if (pr.has_plasticity()) plastic.insert(pr.name());
  for (int k = 0; k < p.phase_size(); ++k) {
    const auto& phase = p.phase(k);
    const field_path at = extend(here, {{"phase", k}});
    for (int i = 0; i < phase.projections_size(); ++i)
      if (!plastic.count(phase.projections(i)))
        c.error(extend(at, {{"projections", i}}),
                "'" + phase.projections(i) + "' is not a plastic projection");
    if (phase.has_stop() && !(phase.stop() > phase.start()))
      c.error(extend(at, {{"stop"}}), "a phase must end after it starts");
    if (p.has_trial_duration() && phase.start() >= p.trial_duration())
      c.error(extend(at, {{"start"}}), "the phase starts after the trial ends");
  }
  for (int k = 0; k < p.change_size(); ++k) {
    const auto& change = p.change(k);
    const field_path at = extend(here, {{"change", k}});
    if (change.probabilities_size() > 0) {
      if (change.probabilities_size() != p.outcome_size())
        c.error(extend(at, {{"probabilities"}}), fmt::format("{} probabilities for {} outcomes",
                                                             change.probabilities_size(), p.outcome_size()));
      else
        check_probabilities(change.probabilities(), extend(at, {{"probabilities"}}), c);
    }
    for (int r = 0; r < change.reset_size(); ++r)
      if (!rls_projections.count(change.reset(r)))
        c.error(extend(at, {{"reset", r}}),
                "'" + change.reset(r) + "' is not a projection with an RLS error_modulated_hebbian rule");
  }
}

}  // namespace spikeq::io::checks
