#include "io/current_source_checks.hpp"

#include <fmt/format.h>

namespace spikeq::io::checks {

using config::Network;
using config::Population;

namespace {

// The step of a time-stepped model in ms (after defaults), or 0 for event-driven ones.
double step_ms(const Population& p) {
  if (p.has_iaf_psc_exp()) return p.iaf_psc_exp().dt();
  if (p.has_iaf_cond_exp()) return p.iaf_cond_exp().dt();
  if (p.has_izhikevich()) return p.izhikevich().dt();
  return 0.0;
}

void check_noise_current(Network& net, config::CurrentSource& cs, const field_path& here,
                         const std::map<std::string, int>& index, checker& c) {
  auto& g = *cs.mutable_noise_current();
  const field_path at = extend(here, {{"noise_current"}});
  if (g.distribution_case() == config::NoiseCurrent::DISTRIBUTION_NOT_SET)
    c.error(at, "noise_current '" + cs.name() + "' has no distribution (uniform or normal)");
  if (g.has_uniform() && !(g.uniform().low() <= g.uniform().high()))
    c.error(extend(at, {{"uniform"}, {"high"}}),
            fmt::format("uniform high ({}) is below low ({})", g.uniform().high(), g.uniform().low()));
  if (g.has_stop() && g.stop() <= g.start()) c.error(extend(at, {{"stop"}}), "stop must be after start");
  if (!g.has_interval()) g.set_interval(net.simulation().dt());
  // Each amplitude must hold for whole ticks and, for time-stepped targets, whole
  // steps: a model sees one current per step.
  const double resolution = net.simulation().resolution();
  if (!on_grid(g.interval(), resolution)) {
    c.error(extend(at, {{"interval"}}),
            fmt::format("interval = {} ms is not a whole number of resolution steps ({} ms)", g.interval(),
                        resolution));
    return;
  }
  for (int i = 0; i < cs.target_size(); ++i) {
    const std::string& t = cs.target(i);
    const auto it = index.find(t);
    if (it == index.end()) continue;
    const Population& tp = net.population(it->second);
    // The models with a noise term (population::set_noise_currents); generators are
    // reported for every current source.
    if (!is_generator(tp) && !tp.has_iaf_psc_exp() && !tp.has_iaf_psc_delta() && !tp.has_iaf_cond_exp() &&
        !tp.has_izhikevich() && !tp.has_glm_sampling() && !tp.has_pp_psc_delta())
      c.error(
          extend(here, {{"target", i}}),
          "population '" + t +
              "' takes no noise_current (iaf_psc_exp, iaf_psc_delta, iaf_cond_exp, izhikevich, glm_sampling "
              "and pp_psc_delta do)");
    const double dt = step_ms(tp);
    if (dt > 0 && !on_grid(g.interval(), dt))
      c.error(
          extend(at, {{"interval"}}),
          fmt::format("interval = {} ms is not a whole number of the steps of population '{}' (dt = {} ms); "
                      "set interval to a multiple of {} ms",
                      g.interval(), t, dt, dt));
  }
}

}  // namespace

void check_current_sources(Network& net, const std::map<std::string, int>& index, checker& c) {
  for (int k = 0; k < net.current_source_size(); ++k) {
    auto& cs = *net.mutable_current_source(k);
    const field_path here{{"current_source", k}};
    if (cs.name().empty()) cs.set_name("current_source_" + std::to_string(k));
    if (cs.target().empty()) c.error(here, "current source '" + cs.name() + "' has no target");
    std::uint64_t n_targets = 0;
    for (const Population* target : resolve_targets(net, cs.target(), index, here, "takes no current", c))
      n_targets += target->size();
    for (int i = 0; i < cs.neurons_size(); ++i)
      if (cs.neurons(i) >= n_targets && n_targets > 0)
        c.error(extend(here, {{"neurons", i}}),
                fmt::format("neuron {} is outside the target populations ({} neurons)", cs.neurons(i),
                            n_targets));
    if (cs.kind_case() == config::CurrentSource::KIND_NOT_SET)
      c.error(here,
              "current source has no kind (dc_generator, step_current_generator, random_pulse_generator, "
              "poisson_input, noise_current, live_current)");
    if (cs.has_poisson_input() && cs.poisson_input().has_stop() &&
        cs.poisson_input().stop() <= cs.poisson_input().start())
      c.error(extend(here, {{"poisson_input"}, {"stop"}}), "stop must be after start");
    if (cs.has_step_current_generator()) {
      const auto& s = cs.step_current_generator();
      if (s.amplitude_times_size() != s.amplitude_values_size())
        c.error(extend(here, {{"step_current_generator"}}),
                fmt::format("{} amplitude_times but {} amplitude_values", s.amplitude_times_size(),
                            s.amplitude_values_size()));
      for (int i = 1; i < s.amplitude_times_size(); ++i)
        if (!(s.amplitude_times(i) > s.amplitude_times(i - 1)))
          c.error(extend(here, {{"step_current_generator"}, {"amplitude_times", i}}),
                  "amplitude_times must increase strictly");
    }
    if (cs.has_dc_generator() && cs.dc_generator().has_stop() &&
        cs.dc_generator().stop() <= cs.dc_generator().start())
      c.error(extend(here, {{"dc_generator"}, {"stop"}}), "stop must be after start");
    if (cs.has_random_pulse_generator() && !cs.random_pulse_generator().has_count())
      cs.mutable_random_pulse_generator()->set_count(1);
    if (cs.has_noise_current()) check_noise_current(net, cs, here, index, c);
  }
}

}  // namespace spikeq::io::checks
