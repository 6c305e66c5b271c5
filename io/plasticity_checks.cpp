#include "io/plasticity_checks.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "io/plasticity_factory.hpp"
#include "io/schema_options.hpp"
#include "plasticity/stdp_triplet.hpp"

namespace spikeq::io::checks {

using config::Network;
using config::Plasticity;

namespace {

void check_bounds(double w_min, double w_max, const field_path& here, checker& c) {
  if (!(w_min <= w_max))
    c.error(extend(here, {{"Wmin"}}), fmt::format("Wmin = {} exceeds Wmax = {}", w_min, w_max));
}

bool same_window(const config::Sal& a, const config::Sal& b) {
  return a.kernel() == b.kernel() && a.a_causal() == b.a_causal() && a.a_anticausal() == b.a_anticausal() &&
         a.tau_causal() == b.tau_causal() && a.tau_anticausal() == b.tau_anticausal() &&
         a.last_spikes() == b.last_spikes();
}

void check_sal(const Network& net, int k, checker& c) {
  const auto& pr = net.projection(k);
  const auto& s = pr.plasticity().sal();
  const field_path here{{"projection", k}, {"plasticity"}, {"sal"}};
  check_bounds(s.wmin(), s.wmax(), here, c);
  const double res = net.simulation().resolution();
  if (s.has_period() && !on_grid(s.period(), res))
    c.error(extend(here, {{"period"}}),
            fmt::format("period = {} ms is not a whole number of resolution steps ({} ms)", s.period(), res));
  if (s.application() == config::Sal::ACCUMULATED && !s.has_period() && !net.has_protocol())
    c.error(extend(here, {{"application"}}),
            "ACCUMULATED needs a period, or a protocol whose trials and learning phases mark when to apply");
  if (s.application() == config::Sal::IMMEDIATE && (s.has_period() || s.normalization() > 0))
    c.error(extend(here, {{s.has_period() ? "period" : "normalization"}}),
            "period and normalization apply to application: ACCUMULATED");
  if (s.reciprocal().empty()) return;
  const auto partner_it = std::find_if(net.projection().begin(), net.projection().end(),
                                       [&](const auto& q) { return q.name() == s.reciprocal(); });
  if (partner_it == net.projection().end()) {
    c.error(extend(here, {{"reciprocal"}}), "unknown projection '" + s.reciprocal() + "'");
    return;
  }
  const auto& partner = *partner_it;
  if (partner.name() == pr.name()) {
    c.error(extend(here, {{"reciprocal"}}), "a projection cannot be its own reciprocal partner");
    return;
  }
  const bool transposed = pr.target_size() == 1 && partner.target_size() == 1 &&
                          partner.source() == pr.target(0) && partner.target(0) == pr.source();
  if (!transposed)
    c.error(extend(here, {{"reciprocal"}}),
            fmt::format("'{}' ({} -> {}) is not the transpose of '{}' ({} -> {}): a reciprocal pair connects "
                        "the same two populations in opposite directions",
                        partner.name(), partner.source(), fmt::join(partner.target(), ", "), pr.name(),
                        pr.source(), fmt::join(pr.target(), ", ")));
  else if (!partner.has_plasticity() || !partner.plasticity().has_sal() ||
           partner.plasticity().sal().reciprocal() != pr.name())
    c.error(extend(here, {{"reciprocal"}}), "'" + partner.name() + "' must also learn with sal and name '" +
                                                pr.name() + "' as its reciprocal");
  else if (!same_window(s, partner.plasticity().sal()))
    c.error(extend(here, {{"reciprocal"}}),
            "the reciprocal pair '" + pr.name() + "'/'" + partner.name() +
                "' needs the same window (kernel, amplitudes, time constants, last_spikes) on both sides");
}

}  // namespace

void check_plasticity(Network& net, int k, checker& c) {
  auto& pr = *net.mutable_projection(k);
  if (!pr.has_plasticity()) return;
  auto& pl = *pr.mutable_plasticity();
  const field_path here{{"projection", k}, {"plasticity"}};
  if (pl.rule_case() == Plasticity::RULE_NOT_SET) {
    c.error(
        here,
        "plasticity needs a rule (static_synapse, stdp, stdp_triplet, spnet_stdp, dopamine_stdp, rstdp, "
        "error_modulated_hebbian, feedback_alignment, sal, boltzmann_sleep_hebbian, dendritic_prediction)");
    return;
  }
  if (pl.delay_convention() == Plasticity::DELAY_CONVENTION_UNSPECIFIED)
    pl.set_delay_convention(pl.has_spnet_stdp() ? Plasticity::AXONAL : Plasticity::DENDRITIC);
  if (pl.has_dendritic_delay() && pl.delay_convention() == Plasticity::AXONAL && pl.dendritic_delay() > 0)
    c.error(extend(here, {{"dendritic_delay"}}), "a dendritic delay contradicts delay_convention: AXONAL");
  if (pl.has_spnet_stdp()) {
    const bool dendritic = pl.delay_convention() == Plasticity::DENDRITIC ||
                           (pl.has_dendritic_delay() && pl.dendritic_delay() > 0);
    if (dendritic)
      c.error(extend(here, {{"delay_convention"}}),
              "spnet_stdp is defined with axonal delays (Izhikevich 2006): use delay_convention: AXONAL");
    const auto& s = pl.spnet_stdp();
    check_bounds(s.wmin(), s.wmax(), extend(here, {{"spnet_stdp"}}), c);
    const double res = net.simulation().resolution();
    if (!on_grid(s.step(), res))
      c.error(extend(here, {{"spnet_stdp"}, {"step"}}),
              fmt::format("step = {} ms is not a whole number of resolution steps ({} ms)", s.step(), res));
    if (!on_grid(s.update_interval(), res))
      c.error(extend(here, {{"spnet_stdp"}, {"update_interval"}}),
              fmt::format("update_interval = {} ms is not a whole number of resolution steps",
                          s.update_interval()));
  }
  if (pl.has_dopamine_stdp() || pl.has_rstdp()) {
    const char* rule = pl.has_rstdp() ? "rstdp" : "dopamine_stdp";
    const std::string& channel = pl.has_rstdp() ? pl.rstdp().channel() : pl.dopamine_stdp().channel();
    const bool known = std::any_of(net.neuromodulator().begin(), net.neuromodulator().end(),
                                   [&](const auto& ch) { return ch.name() == channel; });
    if (!known)
      c.error(extend(here, {{rule}, {"channel"}}),
              channel.empty() ? std::string(rule) + " needs a channel (a neuromodulator of the network)"
                              : "unknown neuromodulator channel '" + channel + "'");
    const auto p = modulated_parameters(pl);
    check_bounds(p.bounds.w_min, p.bounds.w_max, extend(here, {{rule}}), c);
  }
  if (pl.has_sal()) check_sal(net, k, c);
  if (pl.has_stdp()) {
    auto& s = *pl.mutable_stdp();
    check_bounds(s.wmin(), s.wmax(), extend(here, {{"stdp"}}), c);
    if (s.weight_dependence_case() == config::Stdp::WEIGHT_DEPENDENCE_NOT_SET) {
      s.mutable_power_law();  // NEST's stdp_synapse
      fill_schema_defaults(s);
    }
    if ((s.has_power_law() || s.has_multiplicative()) && s.wmin() < 0)
      c.error(extend(here, {{"stdp"}, {"Wmin"}}),
              "multiplicative and power-law weight dependences need Wmin >= 0 (they scale with w / Wmax)");
    if (s.has_power_law() && !(s.wmax() > 0))
      c.error(extend(here, {{"stdp"}, {"Wmax"}}), "the power-law weight dependence needs Wmax > 0");
  }
  if (pl.has_stdp_triplet()) {
    auto& s = *pl.mutable_stdp_triplet();
    check_bounds(s.wmin(), s.wmax(), extend(here, {{"stdp_triplet"}}), c);
    if (s.parameter_set().empty()) s.set_parameter_set("visual_cortex_all_to_all");
    plasticity::stdp_triplet_parameters probe;
    if (!plasticity::apply_triplet_parameter_set(s.parameter_set(), probe)) {
      std::string known;
      for (const char* n : plasticity::triplet_parameter_set_names())
        known += std::string(known.empty() ? "" : ", ") + n;
      c.error(extend(here, {{"stdp_triplet"}, {"parameter_set"}}),
              "unknown parameter set '" + s.parameter_set() + "' (known: " + known + ")");
    }
  }
}

void check_weight_recordings(Network& net, checker& c) {
  // Built projection names: a projection onto several populations becomes one per
  // target, named "<projection>/<target>".
  std::map<std::string, int> projections;
  for (int k = 0; k < net.projection_size(); ++k) {
    const auto& pr = net.projection(k);
    if (pr.target_size() > 1)
      for (const auto& t : pr.target()) projections.emplace(pr.name() + "/" + t, k);
    else
      projections.emplace(pr.name(), k);
  }
  std::set<std::string> seen;
  auto& rec = *net.mutable_recording();
  for (int k = 0; k < rec.weights_size(); ++k) {
    const auto& w = rec.weights(k);
    const field_path here{{"recording"}, {"weights", k}};
    const auto it = projections.find(w.projection());
    if (it == projections.end()) {
      c.error(extend(here, {{"projection"}}),
              "unknown projection '" + w.projection() +
                  "' (a projection onto several populations is recorded per target, as '<name>/<target>')");
      continue;
    }
    if (!seen.insert(w.projection()).second)
      c.error(extend(here, {{"projection"}}), "the weights of '" + w.projection() + "' are already recorded");
    const auto& pr = net.projection(it->second);
    if (w.events() && !pr.has_plasticity())
      c.error(extend(here, {{"events"}}), "'" + w.projection() + "' is static: its weights never change");
    if (w.has_interval() && !on_grid(w.interval(), net.simulation().resolution()))
      c.error(extend(here, {{"interval"}}),
              fmt::format("interval = {} ms is not a whole number of resolution steps", w.interval()));
    if (!w.has_interval() && (w.synapses_size() > 0 || w.has_sample()))
      c.error(extend(here, {{"interval"}}), "choosing synapses for a frame report needs an interval");
    if (w.synapses_size() > 0 && w.has_sample())
      c.error(extend(here, {{"sample"}}), "give either synapses or sample, not both");
  }
}

}  // namespace spikeq::io::checks
