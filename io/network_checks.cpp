#include "io/network_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

namespace spikeq::io::checks {

using config::Distribution;
using config::Network;
using config::Population;
using config::Projection;

namespace {

// Smallest and largest value a distribution can produce (nullopt if unbounded).
std::pair<std::optional<double>, std::optional<double>> value_range(const Distribution& d) {
  switch (d.kind_case()) {
    case Distribution::kConstant:
      return {d.constant(), d.constant()};
    case Distribution::kUniform:
      return {d.uniform().low(), d.uniform().high()};
    case Distribution::kNormal:
      return {d.normal().has_min() ? std::optional(d.normal().min()) : std::nullopt,
              d.normal().has_max() ? std::optional(d.normal().max()) : std::nullopt};
    case Distribution::kList: {
      if (d.list().values().empty()) return {std::nullopt, std::nullopt};
      const auto [lo, hi] = std::minmax_element(d.list().values().begin(), d.list().values().end());
      return {*lo, *hi};
    }
    case Distribution::kCycle:
      return {d.cycle().low(), d.cycle().high()};
    default:
      return {std::nullopt, std::nullopt};
  }
}

void check_distribution(const Distribution& d, const field_path& where, std::uint64_t element_count,
                        const std::string& what, checker& c) {
  switch (d.kind_case()) {
    case Distribution::KIND_NOT_SET:
      c.error(where, what + ": no distribution given (constant, uniform, normal, list or cycle)");
      break;
    case Distribution::kUniform:
      if (!(d.uniform().low() <= d.uniform().high()))
        c.error(extend(where, {{"uniform"}}), fmt::format("{}: uniform low ({}) must not exceed high ({})",
                                                          what, d.uniform().low(), d.uniform().high()));
      break;
    case Distribution::kNormal:
      if (d.normal().has_min() && d.normal().has_max() && d.normal().min() > d.normal().max())
        c.error(extend(where, {{"normal"}}), what + ": normal min exceeds max");
      break;
    case Distribution::kList:
      if (static_cast<std::uint64_t>(d.list().values_size()) != element_count)
        c.error(extend(where, {{"list"}}), fmt::format("{}: list has {} values but {} are needed", what,
                                                       d.list().values_size(), element_count));
      break;
    case Distribution::kCycle:
      if (!(d.cycle().low() <= d.cycle().high()))
        c.error(extend(where, {{"cycle"}}), what + ": cycle low must not exceed high");
      break;
    default:
      break;
  }
}

}  // namespace

bool is_generator(const Population& p) {
  return p.has_poisson_generator() || p.has_spike_generator() || p.has_image_dataset() ||
         p.has_live_spike_source();
}

std::vector<const Population*> resolve_targets(const Network& net,
                                               const google::protobuf::RepeatedPtrField<std::string>& targets,
                                               const std::map<std::string, int>& index,
                                               const field_path& here, const std::string& generator_refusal,
                                               checker& c) {
  std::vector<const Population*> resolved;
  for (int t = 0; t < targets.size(); ++t) {
    const auto it = index.find(targets.Get(t));
    if (it == index.end()) {
      c.error(extend(here, {{"target", t}}), "unknown population '" + targets.Get(t) + "'");
      continue;
    }
    const Population& target = net.population(it->second);
    if (is_generator(target)) {
      c.error(extend(here, {{"target", t}}),
              "population '" + target.name() + "' is a generator and " + generator_refusal);
      continue;
    }
    resolved.push_back(&target);
  }
  return resolved;
}

bool on_grid(double value_ms, double resolution_ms) {
  const double ticks = value_ms / resolution_ms;
  return std::abs(ticks - std::nearbyint(ticks)) <= 1e-6 * std::max(1.0, std::abs(ticks));
}

static void check_threshold_reset(double v_th, double v_reset, const field_path& where, checker& c) {
  if (!(v_reset < v_th))
    c.error(extend(where, {{"V_reset"}}),
            fmt::format("V_reset ({} mV) must be below V_th ({} mV)", v_reset, v_th));
}

// glm_sampling and pp_psc_delta count their times in whole steps of their dt.
static void check_stochastic_neurons(const Population& p, const field_path& here, double resolution,
                                     checker& c) {
  const char* model = p.has_glm_sampling() ? "glm_sampling" : "pp_psc_delta";
  const double dt = p.has_glm_sampling() ? p.glm_sampling().dt() : p.pp_psc_delta().dt();
  if (!on_grid(dt, resolution)) {
    c.error(extend(here, {{model}, {"dt"}}),
            fmt::format("dt = {} ms is not a whole number of resolution steps ({} ms)", dt, resolution));
    return;
  }
  // Step counts are held in 32 bits.
  auto whole_steps = [&](double value, const char* field) {
    if (!on_grid(value, dt))
      c.error(extend(here, {{model}, {field}}),
              fmt::format("{} = {} ms is not a whole number of steps (dt = {} ms)", field, value, dt));
    else if (value / dt > 1e9)
      c.error(extend(here, {{model}, {field}}),
              fmt::format("{} = {} ms is more than 10^9 steps (dt = {} ms)", field, value, dt));
  };
  if (p.has_glm_sampling()) {
    const auto& m = p.glm_sampling();
    whole_steps(m.tau_ref(), "tau_ref");
    // A tau_syn taken from tau_ref is reported there.
    if (m.psp() == config::GlmSampling::RECTANGULAR && m.tau_syn() != m.tau_ref())
      whole_steps(m.tau_syn(), "tau_syn");
    if (m.psp() == config::GlmSampling::ALPHA) whole_steps(m.psp_length(), "psp_length");
    return;
  }
  const auto& m = p.pp_psc_delta();
  // NEST: 0 < dead_time < dt lasts one step; a random dead time is rounded per draw.
  if (!m.dead_time_random() && m.dead_time() >= dt) whole_steps(m.dead_time(), "dead_time");
  if (m.dead_time_random() && m.dead_time() / dt > 1e8)
    c.error(extend(here, {{model}, {"dead_time"}}),
            fmt::format("dead_time = {} ms is more than 10^8 steps (dt = {} ms)", m.dead_time(), dt));
  whole_steps(m.t_ref_remaining(), "t_ref_remaining");
  if (m.tau_sfa_size() != m.q_sfa_size())
    c.error(extend(here, {{model}, {m.q_sfa_size() > 0 ? "q_sfa" : "tau_sfa", 0}}),
            fmt::format("{} q_sfa values for {} tau_sfa values: give one jump per adaptation time constant",
                        m.q_sfa_size(), m.tau_sfa_size()));
}

void check_populations(Network& net, checker& c, std::map<std::string, int>& index) {
  const double resolution = net.simulation().resolution();
  for (int k = 0; k < net.population_size(); ++k) {
    const Population& p = net.population(k);
    const field_path here{{"population", k}};
    if (p.name().empty())
      c.error(here, "population has no name");
    else if (!index.emplace(p.name(), k).second)
      c.error(extend(here, {{"name"}}), "duplicate population name '" + p.name() + "'");
    if (p.size() == 0) c.error(extend(here, {{"size"}}), "population '" + p.name() + "' needs size > 0");
    if (p.model_case() == Population::MODEL_NOT_SET)
      c.error(here, "population '" + p.name() +
                        "' has no model (iaf_psc_exp, iaf_psc_delta, iaf_cond_exp, izhikevich, "
                        "glm_sampling, glm_pyramidal, pp_psc_delta, poisson_generator, spike_generator, "
                        "linear_readout, "
                        "image_dataset, live_spike_source)");
    auto check_dt = [&](double dt, const char* model) {
      if (!on_grid(dt, resolution))
        c.error(extend(here, {{model}, {"dt"}}),
                fmt::format("dt = {} ms is not a whole number of resolution steps ({} ms)", dt, resolution));
    };
    if (p.has_iaf_psc_exp()) {
      const auto& m = p.iaf_psc_exp();
      check_dt(m.dt(), "iaf_psc_exp");
      check_threshold_reset(m.v_th(), m.v_reset(), extend(here, {{"iaf_psc_exp"}}), c);
      check_distribution(m.v_m(), extend(here, {{"iaf_psc_exp"}, {"V_m"}}), p.size(), "V_m", c);
    } else if (p.has_iaf_psc_delta()) {
      check_threshold_reset(p.iaf_psc_delta().v_th(), p.iaf_psc_delta().v_reset(),
                            extend(here, {{"iaf_psc_delta"}}), c);
      check_distribution(p.iaf_psc_delta().v_m(), extend(here, {{"iaf_psc_delta"}, {"V_m"}}), p.size(), "V_m",
                         c);
    } else if (p.has_iaf_cond_exp()) {
      const auto& m = p.iaf_cond_exp();
      check_dt(m.dt(), "iaf_cond_exp");
      check_threshold_reset(m.v_th(), m.v_reset(), extend(here, {{"iaf_cond_exp"}}), c);
      check_distribution(m.v_m(), extend(here, {{"iaf_cond_exp"}, {"V_m"}}), p.size(), "V_m", c);
      check_distribution(m.g_ex(), extend(here, {{"iaf_cond_exp"}, {"g_ex"}}), p.size(), "g_ex", c);
      check_distribution(m.g_in(), extend(here, {{"iaf_cond_exp"}, {"g_in"}}), p.size(), "g_in", c);
    } else if (p.has_izhikevich()) {
      check_dt(p.izhikevich().dt(), "izhikevich");
      check_distribution(p.izhikevich().v_m(), extend(here, {{"izhikevich"}, {"V_m"}}), p.size(), "V_m", c);
      if (p.izhikevich().has_u_m())
        check_distribution(p.izhikevich().u_m(), extend(here, {{"izhikevich"}, {"U_m"}}), p.size(), "U_m", c);
    } else if (p.has_glm_sampling() || p.has_pp_psc_delta()) {
      check_stochastic_neurons(p, here, resolution, c);
      const auto& initial = p.has_glm_sampling() ? p.glm_sampling().bias() : p.pp_psc_delta().v_m();
      const char* model = p.has_glm_sampling() ? "glm_sampling" : "pp_psc_delta";
      const char* variable = p.has_glm_sampling() ? "bias" : "V_m";
      check_distribution(initial, extend(here, {{model}, {variable}}), p.size(), variable, c);
    } else if (p.has_glm_pyramidal()) {
      check_distribution(p.glm_pyramidal().bias(), extend(here, {{"glm_pyramidal"}, {"bias"}}), p.size(),
                         "bias", c);
    } else if (p.has_poisson_generator()) {
      const auto& g = p.poisson_generator();
      if (g.has_stop() && g.stop() < g.start())
        c.error(extend(here, {{"poisson_generator"}, {"stop"}}), "stop is before start");
    } else if (p.has_spike_generator()) {
      const auto& g = p.spike_generator();
      if (g.train_size() != 1 && g.train_size() != static_cast<int>(p.size()))
        c.error(extend(here, {{"spike_generator"}}),
                fmt::format("spike_generator needs 1 train or one per neuron ({}), got {}", p.size(),
                            g.train_size()));
      for (int t = 0; t < g.train_size(); ++t)
        for (double time : g.train(t).spike_times())
          if (!(time >= 0))
            c.error(extend(here, {{"spike_generator"}, {"train", t}, {"spike_times"}}),
                    fmt::format("spike time {} ms is negative", time));
    }
  }
}

void check_projection(Network& net, int k, const std::map<std::string, int>& index,
                      std::set<std::string>& names, checker& c) {
  Projection& pr = *net.mutable_projection(k);
  const field_path here{{"projection", k}};
  if (pr.name().empty()) {
    std::string targets;
    for (const auto& t : pr.target()) targets += (targets.empty() ? "" : "+") + t;
    pr.set_name(pr.source() + "->" + targets);
  }
  if (!names.insert(pr.name()).second)
    c.error(extend(here, {{"name"}}), "duplicate projection name '" + pr.name() + "'");
  const auto src = index.find(pr.source());
  if (pr.source().empty())
    c.error(here, "projection '" + pr.name() + "' has no source");
  else if (src == index.end())
    c.error(extend(here, {{"source"}}), "unknown population '" + pr.source() + "'");
  if (pr.target().empty()) c.error(here, "projection '" + pr.name() + "' has no target");
  std::uint64_t n_targets = 0;
  bool conductance_target = false;
  for (const Population* target : resolve_targets(net, pr.target(), index, here, "cannot receive input", c)) {
    conductance_target = conductance_target || target->has_iaf_cond_exp();
    n_targets += target->size();
  }
  if (pr.connector_case() == Projection::CONNECTOR_NOT_SET)
    c.error(here, "projection '" + pr.name() +
                      "' has no connector (all_to_all, one_to_one, fixed_probability, fixed_number_pre, "
                      "fixed_number_post, fixed_total_number, from_list)");
  const std::uint64_t n_sources = src == index.end() ? 0 : net.population(src->second).size();
  if (pr.has_from_list()) {
    for (int i = 0; i < pr.from_list().connection_size(); ++i) {
      const auto& con = pr.from_list().connection(i);
      const field_path at = extend(here, {{"from_list"}, {"connection", i}});
      if (con.source() >= n_sources && src != index.end())
        c.error(extend(at, {{"source"}}), fmt::format("source {} is outside population '{}' (size {})",
                                                      con.source(), pr.source(), n_sources));
      if (con.target() >= n_targets && n_targets > 0)
        c.error(extend(at, {{"target"}}),
                fmt::format("target {} is outside the target population (size {})", con.target(), n_targets));
    }
  }
  if (pr.has_fixed_total_number() && pr.fixed_total_number().has_allow_multapses() &&
      !pr.fixed_total_number().allow_multapses())
    c.error(extend(here, {{"fixed_total_number"}, {"allow_multapses"}}),
            "fixed_total_number needs allow_multapses: true (as in NEST: without multapses the "
            "connections are no longer drawn independently)");
  if (pr.has_one_to_one() && src != index.end() && n_targets > 0 && n_sources != n_targets)
    c.error(extend(here, {{"one_to_one"}}),
            fmt::format("one_to_one needs equal sizes ({} sources, {} targets)", n_sources, n_targets));
  const bool every_connection_has_weight =
      pr.has_from_list() && pr.from_list().connection_size() > 0 &&
      std::all_of(pr.from_list().connection().begin(), pr.from_list().connection().end(),
                  [](const auto& x) { return x.has_weight(); });
  if (!pr.has_weight() && !every_connection_has_weight)
    c.error(here, "projection '" + pr.name() + "' has no weight");
  // Element counts are only known for list distributions after connecting; lists
  // are checked against the connection count by the builder.
  if (pr.has_weight() && !pr.weight().has_list())
    check_distribution(pr.weight(), extend(here, {{"weight"}}), 0, "weight", c);
  if (!pr.has_delay()) pr.mutable_delay()->set_constant(net.simulation().dt());
  if (!pr.delay().has_list()) check_distribution(pr.delay(), extend(here, {{"delay"}}), 0, "delay", c);
  const double resolution = net.simulation().resolution();
  const auto [dmin, dmax] = value_range(pr.delay());
  if (!dmin)
    c.error(extend(here, {{"delay"}}),
            "delay needs a lower bound (set normal.min) so that it stays >= one resolution step");
  else if (std::llround(*dmin / resolution) < 1)
    c.error(extend(here, {{"delay"}}),
            fmt::format("delay {} ms is shorter than one resolution step ({} ms)", *dmin, resolution));
  if (pr.has_from_list())
    for (int i = 0; i < pr.from_list().connection_size(); ++i) {
      const auto& con = pr.from_list().connection(i);
      if (con.has_delay() && std::llround(con.delay() / resolution) < 1)
        c.error(
            extend(here, {{"from_list"}, {"connection", i}, {"delay"}}),
            fmt::format("delay {} ms is shorter than one resolution step ({} ms)", con.delay(), resolution));
    }
  // The range of weights the projection can have: its distribution (used by every
  // connection without its own weight) and explicit from_list weights.
  std::optional<double> wmin, wmax;
  bool unbounded_below = false, unbounded_above = false;
  const bool distribution_used =
      pr.has_weight() && (!pr.has_from_list() ||
                          std::any_of(pr.from_list().connection().begin(), pr.from_list().connection().end(),
                                      [](const auto& x) { return !x.has_weight(); }));
  if (distribution_used) {
    std::tie(wmin, wmax) = value_range(pr.weight());
    unbounded_below = !wmin;
    unbounded_above = !wmax;
  }
  if (pr.has_from_list())
    for (const auto& con : pr.from_list().connection())
      if (con.has_weight()) {
        wmin = std::min(wmin.value_or(con.weight()), con.weight());
        wmax = std::max(wmax.value_or(con.weight()), con.weight());
      }
  if (conductance_target && (unbounded_below || !wmin))
    c.error(
        extend(here, {{"weight"}}),
        "conductance-based targets (iaf_cond_exp) need weights >= 0 nS: give the distribution a lower bound");
  else if (conductance_target && *wmin < 0)
    c.error(extend(here, {{"weight"}}),
            "conductance-based targets (iaf_cond_exp) need weights >= 0 nS; choose the receptor_type instead "
            "of a sign");
  // Two-compartment targets name the dendrite (io/microcircuit_checks.cpp).
  const bool dendritic_target = std::any_of(pr.target().begin(), pr.target().end(), [&](const auto& t) {
    const auto it = index.find(t);
    return it != index.end() && net.population(it->second).has_glm_pyramidal();
  });
  if (pr.receptor_type() == Projection::RECEPTOR_UNSPECIFIED && !dendritic_target) {
    // NEST's convention: the sign of the weights chooses the receptor.
    const bool all_nonnegative = !unbounded_below && wmin && *wmin >= 0;
    const bool all_negative = !unbounded_above && wmax && *wmax <= 0 && *wmin < 0;
    if (all_negative)
      pr.set_receptor_type(Projection::INHIBITORY);
    else if (all_nonnegative)
      pr.set_receptor_type(Projection::EXCITATORY);
    else
      c.error(extend(here, {{"weight"}}),
              "weights may take both signs: set receptor_type (EXCITATORY or INHIBITORY)");
  }
}

void check_recording(Network& net, const std::map<std::string, int>& index, checker& c) {
  auto& rec = *net.mutable_recording();
  auto check_neurons = [&](const auto& ids, const field_path& here, const Population& p) {
    for (int i = 0; i < ids.size(); ++i)
      if (ids[i] >= p.size())
        c.error(extend(here, {{"neurons", i}}),
                fmt::format("neuron {} is outside population '{}' (size {})", ids[i], p.name(), p.size()));
  };
  std::set<std::string> spikes_seen;
  std::set<std::pair<std::string, std::string>> states_seen;
  for (int k = 0; k < rec.spikes_size(); ++k) {
    const field_path here{{"recording"}, {"spikes", k}};
    if (!spikes_seen.insert(rec.spikes(k).population()).second)
      c.error(extend(here, {{"population"}}), "spikes of '" + rec.spikes(k).population() +
                                                  "' are already recorded; list the neurons in one entry");
    const auto it = index.find(rec.spikes(k).population());
    if (it == index.end())
      c.error(extend(here, {{"population"}}), "unknown population '" + rec.spikes(k).population() + "'");
    else
      check_neurons(rec.spikes(k).neurons(), here, net.population(it->second));
  }
  for (int k = 0; k < rec.state_size(); ++k) {
    const field_path here{{"recording"}, {"state", k}};
    auto& s = *rec.mutable_state(k);
    if (!s.has_interval()) s.set_interval(net.simulation().dt());
    if (!states_seen.emplace(s.population(), s.variable()).second)
      c.error(extend(here, {{"variable"}}), "'" + s.variable() + "' of '" + s.population() +
                                                "' is already recorded; list the neurons in one entry");
    const auto it = index.find(s.population());
    if (it == index.end())
      c.error(extend(here, {{"population"}}), "unknown population '" + s.population() + "'");
    else {
      check_neurons(s.neurons(), here, net.population(it->second));
      if (is_generator(net.population(it->second)))
        c.error(extend(here, {{"population"}}), "generators have no state to record");
    }
    if (s.variable().empty()) c.error(here, "state recording needs a variable (e.g. V_m)");
  }
}

}  // namespace spikeq::io::checks
