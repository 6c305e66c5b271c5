#include "io/plasticity_factory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>

#include "io/diagnostics.hpp"
#include "plasticity/spnet_stdp.hpp"
#include "plasticity/static_rule.hpp"
#include "plasticity/stdp_pair.hpp"
#include "plasticity/stdp_triplet.hpp"

namespace spikeq::io {

namespace {

using config::Plasticity;
namespace pl = plasticity;

pl::stdp_pair_parameters pair_parameters(const config::Stdp& s) {
  pl::stdp_pair_parameters p;
  p.tau_plus_ms = s.tau_plus();
  p.tau_minus_ms = s.tau_minus();
  p.bounds = {s.wmin(), s.wmax()};
  switch (s.pairing()) {
    case config::Stdp::NEAREST_SYMMETRIC:
      p.pairing = pl::pairing_scheme::nearest_symmetric;
      break;
    case config::Stdp::NEAREST_PRE_CENTERED:
      p.pairing = pl::pairing_scheme::nearest_pre_centered;
      break;
    case config::Stdp::NEAREST_RESTRICTED:
      p.pairing = pl::pairing_scheme::nearest_restricted;
      break;
    default:
      p.pairing = pl::pairing_scheme::all_to_all;
  }
  auto& d = p.dependence;
  if (s.has_additive()) {
    d.type = pl::weight_dependence::kind::additive;
    d.A_plus = s.additive().a_plus();
    d.A_minus = s.additive().a_minus();
  } else if (s.has_multiplicative()) {
    d.type = pl::weight_dependence::kind::multiplicative;
    d.A_plus = s.multiplicative().a_plus();
    d.A_minus = s.multiplicative().a_minus();
  } else {
    d.type = pl::weight_dependence::kind::power_law;
    d.lambda = s.power_law().lambda();
    d.alpha = s.power_law().alpha();
    d.mu_plus = s.power_law().mu_plus();
    d.mu_minus = s.power_law().mu_minus();
  }
  return p;
}

pl::stdp_triplet_parameters triplet_parameters(const config::StdpTriplet& s) {
  pl::stdp_triplet_parameters p;
  pl::apply_triplet_parameter_set(s.parameter_set(), p);  // name checked by check_plasticity
  if (s.has_tau_plus()) p.tau_plus_ms = s.tau_plus();
  if (s.has_tau_minus()) p.tau_minus_ms = s.tau_minus();
  if (s.has_tau_x()) p.tau_x_ms = s.tau_x();
  if (s.has_tau_y()) p.tau_y_ms = s.tau_y();
  if (s.has_a2_plus()) p.A2_plus = s.a2_plus();
  if (s.has_a3_plus()) p.A3_plus = s.a3_plus();
  if (s.has_a2_minus()) p.A2_minus = s.a2_minus();
  if (s.has_a3_minus()) p.A3_minus = s.a3_minus();
  if (s.has_nearest()) p.nearest = s.nearest();
  p.bounds = {s.wmin(), s.wmax()};
  return p;
}

pl::spnet_stdp_parameters spnet_parameters(const config::SpnetStdp& s) {
  pl::spnet_stdp_parameters p;
  p.A_plus = s.a_plus();
  p.A_minus = s.a_minus();
  p.trace_decay = s.trace_decay();
  p.step_ms = s.step();
  p.update_interval_ms = s.update_interval();
  p.drift = s.drift();
  p.derivative_decay = s.derivative_decay();
  p.bounds = {s.wmin(), s.wmax()};
  return p;
}

std::unique_ptr<plasticity_rule> make_rule(const Plasticity& cfg, const time_grid& grid,
                                           std::span<weight_type> table,
                                           std::optional<pl::shared_post_side> shared) {
  const double res = grid.resolution_ms();
  switch (cfg.rule_case()) {
    case Plasticity::kStdp:
      return std::make_unique<pl::stdp_pair_rule>(pair_parameters(cfg.stdp()), res, table, shared);
    case Plasticity::kStdpTriplet:
      return std::make_unique<pl::stdp_triplet_rule>(triplet_parameters(cfg.stdp_triplet()), res, table);
    case Plasticity::kSpnetStdp:
      return std::make_unique<pl::spnet_stdp_rule>(spnet_parameters(cfg.spnet_stdp()), res, table);
    default:
      return std::make_unique<pl::static_rule>(table,
                                               pl::weight_bounds{-std::numeric_limits<double>::infinity(),
                                                                 std::numeric_limits<double>::infinity()});
  }
}

}  // namespace

void attach_plasticity(const network_file& file, int k, const time_grid& grid, std::uint32_t n_targets,
                       projection& proj) {
  const config::Projection& pr = file.network.projection(k);
  if (!pr.has_plasticity()) return;
  const Plasticity& cfg = pr.plasticity();
  const field_path here{{"projection", k}, {"plasticity"}};
  const synapse_table& table = proj.synapses;

  std::vector<tick_type> dendritic;
  const bool split = cfg.has_dendritic_delay() && cfg.dendritic_delay() > 0;
  if (split || cfg.delay_convention() == Plasticity::DENDRITIC) {
    const tick_type fixed = split ? grid.to_ticks(cfg.dendritic_delay()) : 0;
    dendritic.resize(table.synapse_count());
    for (std::uint64_t b = 0; b + 1 < table.block_first_synapse.size(); ++b) {
      const tick_type d = table.block_delay[b];
      if (split && fixed > d)
        throw input_error({file.error_at(
            {{"projection", k}, {"plasticity"}, {"dendritic_delay"}},
            fmt::format("projection '{}': dendritic_delay = {} ms exceeds a synaptic delay of {} ms",
                        proj.name, cfg.dendritic_delay(), grid.to_ms(d)))});
      for (std::uint64_t s = table.block_first_synapse[b]; s < table.block_first_synapse[b + 1]; ++s)
        dendritic[s] = split ? fixed : d;
    }
  }
  proj.post = build_post_index(table, n_targets, dendritic);
  // One dendritic delay for all synapses: a target's postsynaptic side can be shared.
  std::optional<pl::shared_post_side> shared;
  if (std::adjacent_find(dendritic.begin(), dendritic.end(), std::not_equal_to<>()) == dendritic.end())
    shared = pl::shared_post_side{table.target, n_targets};
  try {
    proj.rule = make_rule(cfg, grid, proj.synapses.weight, shared);
  } catch (const std::invalid_argument& e) {
    throw input_error({file.error_at(here, fmt::format("projection '{}': {}", proj.name, e.what()))});
  }
}

}  // namespace spikeq::io
