#include "io/microcircuit_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace spikeq::io::checks {

namespace {

void check_pyramidal_population(const config::Population& p, const field_path& here, double resolution,
                                checker& c) {
  const auto& m = p.glm_pyramidal();
  const field_path at = extend(here, {{"glm_pyramidal"}});
  if (!on_grid(m.dt(), resolution)) {
    c.error(extend(at, {{"dt"}}),
            fmt::format("dt = {} ms is not a whole number of resolution steps ({} ms)", m.dt(), resolution));
    return;
  }
  auto whole_steps = [&](double value, const char* field) {
    if (!on_grid(value, m.dt()))
      c.error(extend(at, {{field}}),
              fmt::format("{} = {} ms is not a whole number of steps (dt = {} ms)", field, value, m.dt()));
    else if (value / m.dt() > 1e7)
      c.error(extend(at, {{field}}), fmt::format("{} = {} ms is more than 10^7 steps", field, value));
  };
  whole_steps(m.tau_ref(), "tau_ref");
  if (m.tau_syn() != m.tau_ref()) whole_steps(m.tau_syn(), "tau_syn");
  whole_steps(m.average_window(), "average_window");
}

bool dendritic(config::Projection::ReceptorType r) {
  return r == config::Projection::BASAL || r == config::Projection::APICAL ||
         r == config::Projection::APICAL_INTERNEURON;
}

}  // namespace

void check_microcircuit(const config::Network& net, const std::map<std::string, int>& index, checker& c) {
  auto population = [&](const std::string& name) -> const config::Population* {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &net.population(it->second);
  };
  for (int k = 0; k < net.population_size(); ++k)
    if (net.population(k).has_glm_pyramidal())
      check_pyramidal_population(net.population(k), {{"population", k}}, net.simulation().resolution(), c);

  std::map<std::string, int> projection_index;
  for (int k = 0; k < net.projection_size(); ++k) projection_index.emplace(net.projection(k).name(), k);
  std::set<std::string> tied;
  for (int k = 0; k < net.projection_size(); ++k) {
    const auto& pr = net.projection(k);
    const field_path here{{"projection", k}};
    bool pyramidal_target = false;
    for (int t = 0; t < pr.target_size(); ++t) {
      const auto* p = population(pr.target(t));
      if (p == nullptr) continue;
      pyramidal_target = pyramidal_target || p->has_glm_pyramidal();
      if (p->has_glm_pyramidal() && !dendritic(pr.receptor_type()))
        c.error(extend(here, {{"receptor_type"}}),
                "projection '" + pr.name() + "' targets glm_pyramidal '" + pr.target(t) +
                    "': set receptor_type BASAL, APICAL or APICAL_INTERNEURON");
      if (!p->has_glm_pyramidal() && dendritic(pr.receptor_type()))
        c.error(extend(here, {{"receptor_type"}}),
                "receptor_type " + config::Projection::ReceptorType_Name(pr.receptor_type()) +
                    " exists only on glm_pyramidal targets; '" + pr.target(t) + "' is not one");
    }
    if (pr.has_plasticity() && pr.plasticity().has_dendritic_prediction()) {
      const field_path at = extend(here, {{"plasticity"}, {"dendritic_prediction"}});
      if (pr.target_size() != 1 || !pyramidal_target)
        c.error(at, "dendritic_prediction trains the basal synapses of one glm_pyramidal population");
      else if (pr.receptor_type() != config::Projection::BASAL)
        c.error(extend(here, {{"receptor_type"}}),
                "dendritic_prediction learns basal synapses: set receptor_type BASAL");
      const auto& rule = pr.plasticity().dendritic_prediction();
      if (!(rule.wmin() <= rule.wmax())) c.error(extend(at, {{"Wmax"}}), "Wmax is below Wmin");
    }
    if (!pr.has_tie()) continue;
    const field_path at = extend(here, {{"tie"}});
    tied.insert(pr.name());
    if (pr.has_plasticity())
      c.error(extend(here, {{"plasticity"}}),
              "projection '" + pr.name() + "' is tied to another's weights and cannot have its own rule");
    if (pr.target_size() != 1)
      c.error(extend(here, {{"target"}}), "a tied projection has one target population");
    const auto it = projection_index.find(pr.tie().projection());
    if (it == projection_index.end()) {
      c.error(extend(at, {{"projection"}}), "unknown projection '" + pr.tie().projection() + "'");
      continue;
    }
    const auto& source = net.projection(it->second);
    if (it->second == k) c.error(extend(at, {{"projection"}}), "a projection cannot be tied to itself");
    if (source.has_tie())
      c.error(extend(at, {{"projection"}}),
              "'" + source.name() + "' is tied itself: tie to its source instead");
    if (source.target_size() != 1)
      c.error(extend(at, {{"projection"}}), "'" + source.name() + "' has several targets");
    const auto* src_pre = population(source.source());
    const auto* src_post = source.target_size() == 1 ? population(source.target(0)) : nullptr;
    const auto* pre = population(pr.source());
    const auto* post = pr.target_size() == 1 ? population(pr.target(0)) : nullptr;
    if (src_pre && src_post && pre && post) {
      const auto want_pre = pr.tie().transpose() ? src_post->size() : src_pre->size();
      const auto want_post = pr.tie().transpose() ? src_pre->size() : src_post->size();
      if (pre->size() != want_pre || post->size() != want_post)
        c.error(at, fmt::format("'{}' is {} x {} (pre x post) but its {}source '{}' gives {} x {}", pr.name(),
                                pre->size(), post->size(), pr.tie().transpose() ? "transposed " : "",
                                source.name(), want_pre, want_post));
    }
  }

  if (!net.has_protocol()) return;
  static const std::set<std::string> pyramidal_settings{"apical_coupling", "interneuron_coupling", "nudging"};
  for (int k = 0; k < net.protocol().phase_size(); ++k) {
    const auto& phase = net.protocol().phase(k);
    for (int i = 0; i < phase.set_size(); ++i) {
      const auto& s = phase.set(i);
      const field_path at{{"protocol"}, {"phase", k}, {"set", i}};
      if (const auto* p = population(s.target())) {
        if (!p->has_glm_pyramidal())
          c.error(extend(at, {{"target"}}), "population '" + s.target() + "' is not a glm_pyramidal");
        else if (!pyramidal_settings.count(s.parameter()))
          c.error(extend(at, {{"parameter"}}),
                  "a glm_pyramidal's phase settings are apical_coupling, interneuron_coupling and nudging, "
                  "not '" +
                      s.parameter() + "'");
        else if (s.parameter() == "nudging" && !(s.value() >= 0))
          c.error(extend(at, {{"value"}}), "nudging must be >= 0");
      } else if (tied.count(s.target())) {
        if (s.parameter() != "tie_scale")
          c.error(extend(at, {{"parameter"}}),
                  "a tied projection's phase setting is tie_scale, not '" + s.parameter() + "'");
      } else {
        c.error(extend(at, {{"target"}}),
                "'" + s.target() + "' is neither a glm_pyramidal population nor a tied projection");
      }
      if (!std::isfinite(s.value())) c.error(extend(at, {{"value"}}), "the value must be finite");
    }
  }
}

}  // namespace spikeq::io::checks
