#include "io/plasticity_factory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>

#include "core/shard_layout.hpp"
#include "io/boltzmann_factory.hpp"
#include "io/diagnostics.hpp"
#include "io/distribution_from_config.hpp"
#include "io/sal_factory.hpp"
#include "neurons/linear_readout.hpp"
#include "plasticity/error_modulated_hebbian.hpp"
#include "plasticity/feedback_alignment.hpp"
#include "plasticity/modulated_stdp.hpp"
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

}  // namespace

pl::modulated_stdp_parameters modulated_parameters(const config::Plasticity& cfg) {
  if (cfg.has_rstdp()) {
    const auto& r = cfg.rstdp();
    pl::modulated_stdp_parameters p;
    p.A_plus = r.a_plus();
    p.A_minus = r.a_minus();
    p.tau_plus_ms = r.tau_plus();
    p.tau_minus_ms = r.tau_minus();
    p.tau_c_ms = r.tau_z();
    p.gain_per_ms = r.gamma();
    p.baseline = r.b();
    p.traces = pl::trace_update::add_one;
    p.bounds = {r.wmin(), r.wmax()};
    return p;
  }
  const auto& d = cfg.dopamine_stdp();
  pl::modulated_stdp_parameters p = d.preset() == config::DopamineStdp::IZHIKEVICH_2007
                                        ? pl::izhikevich_2007_dopamine_stdp()
                                        : pl::nest_dopamine_stdp();
  if (d.has_a_plus()) p.A_plus = d.a_plus();
  if (d.has_a_minus()) p.A_minus = d.a_minus();
  if (d.has_tau_plus()) p.tau_plus_ms = d.tau_plus();
  if (d.has_tau_minus()) p.tau_minus_ms = d.tau_minus();
  if (d.has_tau_c()) p.tau_c_ms = d.tau_c();
  if (d.has_gain()) p.gain_per_ms = d.gain();
  if (d.has_b()) p.baseline = d.b();
  if (d.traces() == config::DopamineStdp::ALL_TO_ALL) p.traces = pl::trace_update::add_one;
  if (d.traces() == config::DopamineStdp::NEAREST) p.traces = pl::trace_update::set_to_one;
  if (d.has_wmin()) p.bounds.w_min = d.wmin();
  if (d.has_wmax()) p.bounds.w_max = d.wmax();
  return p;
}

namespace {

const std::string& modulated_channel_name(const config::Plasticity& cfg) {
  return cfg.has_rstdp() ? cfg.rstdp().channel() : cfg.dopamine_stdp().channel();
}

// Dendritic delays per synapse as the modulated rule keeps them: none when all
// are 0, one when all are equal.
std::vector<tick_type> compact_delays(std::vector<tick_type> d) {
  if (d.empty()) return d;
  if (std::adjacent_find(d.begin(), d.end(), std::not_equal_to<>()) == d.end()) {
    if (d.front() == 0) return {};
    return {d.front()};
  }
  return d;
}

std::unique_ptr<plasticity_rule> make_rule(const Plasticity& cfg, const time_grid& grid,
                                           std::span<weight_type> table,
                                           std::optional<pl::shared_post_side> shared,
                                           const neuromodulation& modulation,
                                           const std::vector<tick_type>& dendritic) {
  const double res = grid.resolution_ms();
  switch (cfg.rule_case()) {
    case Plasticity::kDopamineStdp:
    case Plasticity::kRstdp: {
      const int channel = modulation.find_channel(modulated_channel_name(cfg));
      if (channel < 0)
        throw std::logic_error("unknown neuromodulator channel (validation should have caught it)");
      return std::make_unique<pl::modulated_stdp_rule>(
          modulated_parameters(cfg), res, table, *modulation.channels[static_cast<std::size_t>(channel)],
          compact_delays(dendritic), shared);
    }
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

pl::hlop::task_subspace_parameters hlop_parameters(const config::Hlop& h, std::uint64_t seed,
                                                   int projection_index) {
  pl::hlop::task_subspace_parameters hp;
  hp.rows_first_task = h.lateral_neurons();
  hp.rows_per_task = h.lateral_neurons_per_task();
  hp.batch_size = h.batch_size();
  hp.input_scale = h.trace_scale();
  hp.subspace.learning_rate = h.learning_rate();
  hp.subspace.momentum = h.momentum();
  hp.subspace.clamp = h.clamp();
  hp.subspace.iterations_per_batch = static_cast<int>(h.iterations());
  hp.subspace.spiking = h.spiking();
  hp.subspace.spiking_scale = h.spiking_scale();
  hp.subspace.spiking_timesteps = static_cast<int>(h.spiking_timesteps());
  hp.subspace.seed = seed;
  hp.subspace.id = static_cast<std::uint32_t>(projection_index);
  return hp;
}

// The source neuron of every synapse, in table order.
std::vector<std::uint32_t> synapse_sources(const synapse_table& table) {
  std::vector<std::uint32_t> sources(table.synapse_count());
  for (std::uint32_t src = 0; src < table.source_count(); ++src)
    for (std::uint32_t b = table.source_begin(src); b < table.source_end(src); ++b)
      for (std::uint64_t s = table.block_first_synapse[b]; s < table.block_first_synapse[b + 1]; ++s)
        sources[s] = src;
  return sources;
}

std::unique_ptr<plasticity_rule> make_readout_rule(const config::ErrorModulatedHebbian& cfg, network& net,
                                                   projection& proj, int projection_index) {
  auto* readout = dynamic_cast<linear_readout*>(net.populations[proj.target_population].get());
  if (readout == nullptr)
    throw std::invalid_argument("error_modulated_hebbian needs a linear_readout target");
  pl::error_modulated_hebbian_parameters p;
  p.eta_per_ms = cfg.eta();
  p.step_ms = cfg.step();
  p.mode = cfg.mode() == config::ErrorModulatedHebbian::OFFLINE ? pl::readout_learning::offline
           : cfg.mode() == config::ErrorModulatedHebbian::RLS   ? pl::readout_learning::rls
                                                                : pl::readout_learning::online;
  p.rls_alpha = cfg.alpha();
  p.bounds = {cfg.wmin(), cfg.wmax()};
  if (cfg.has_hlop()) p.hlop = hlop_parameters(cfg.hlop(), net.seed, projection_index);
  const synapse_table& table = proj.synapses;
  std::vector<std::uint32_t> resets;
  for (const auto& [name, trials] : net.protocol.resets)
    if (name == proj.name) resets = trials;
  return std::make_unique<pl::error_modulated_hebbian_rule>(
      p, net.grid.resolution_ms(), proj.synapses.weight, table.target, synapse_sources(table),
      table.source_count(), *readout, readout->size(), net.protocol, std::move(resets));
}

std::unique_ptr<plasticity_rule> make_feedback_alignment_rule(const network_file& file,
                                                              const config::FeedbackAlignment& cfg,
                                                              network& net, projection& proj,
                                                              int projection_index) {
  linear_readout* readout = nullptr;
  for (std::size_t k = 0; k < net.populations.size(); ++k)
    if (net.populations[k]->name() == cfg.readout())
      readout = dynamic_cast<linear_readout*>(net.populations[k].get());
  if (readout == nullptr)
    throw std::invalid_argument("feedback_alignment: '" + cfg.readout() + "' is not a linear_readout");
  pl::feedback_alignment_parameters p;
  p.eta = cfg.eta();
  p.step_ms = cfg.step();
  p.rate_max_hz = cfg.rate_max();
  if (cfg.has_feedback()) {
    p.feedback = to_distribution(cfg.feedback());
  } else {
    p.feedback.type = distribution::kind::normal;
    p.feedback.a = 0.0;
    p.feedback.b = 1.0;
  }
  p.seed = net.seed;
  p.id = static_cast<std::uint32_t>(projection_index);
  // The readout publishes at its first step at or after a trial's end; one kernel
  // window later this rule reads it (core/trial_errors.hpp). A window is at most
  // this projection's smallest delay (or 1 ms when delays are shorter or absent).
  double readout_step_ms = 0.0;
  for (const auto& other : file.network.projection())
    if (other.has_plasticity() && other.plasticity().has_error_modulated_hebbian() &&
        std::find(other.target().begin(), other.target().end(), cfg.readout()) != other.target().end())
      readout_step_ms = std::max(readout_step_ms, other.plasticity().error_modulated_hebbian().step());
  if (readout_step_ms <= 0.0)
    throw std::invalid_argument("feedback_alignment: no error_modulated_hebbian projection trains readout '" +
                                cfg.readout() + "', so no errors are published");
  const auto& delays = proj.synapses.block_delay;
  const tick_type own_min_delay = delays.empty() ? 0 : *std::min_element(delays.begin(), delays.end());
  p.lag_ticks = net.grid.to_ticks(readout_step_ms) + std::max(own_min_delay, net.grid.to_ticks(1.0));
  p.bounds = {cfg.wmin(), cfg.wmax()};
  if (cfg.has_hlop()) p.hlop = hlop_parameters(cfg.hlop(), net.seed, projection_index);
  const synapse_table& table = proj.synapses;
  const neuron_id_type hidden = net.populations[proj.target_population]->size();
  pl::feedback_alignment_layout layout;
  layout.shards = std::max<std::size_t>(net.shard_count, 1);
  layout.shard_of_target.resize(hidden);
  const shard_layout shards(net, layout.shards);
  for (neuron_id_type i = 0; i < hidden; ++i)
    layout.shard_of_target[i] = static_cast<std::uint16_t>(shards.owner(proj.target_population, i));
  return std::make_unique<pl::feedback_alignment_rule>(
      p, net.grid.resolution_ms(), proj.synapses.weight, table.target, synapse_sources(table),
      table.source_count(), hidden, layout, *readout, readout->size(), net.protocol);
}

}  // namespace

void attach_plasticity(const network_file& file, int k, network& net, projection& proj) {
  const time_grid& grid = net.grid;
  const std::uint32_t n_targets = net.populations[proj.target_population]->size();
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
  if (cfg.has_feedback_alignment()) {
    // Hidden spikes are counted when they happen (no back-propagation delay).
    proj.post = build_post_index(table, n_targets, {});
  } else if (cfg.has_sal() || cfg.has_boltzmann_sleep_hebbian()) {
    // SAL's frame: both spikes reach synapse s after its whole delay (plasticity/sal.hpp).
    std::vector<tick_type> offsets(table.synapse_count());
    for (std::uint64_t b = 0; b + 1 < table.block_first_synapse.size(); ++b)
      std::fill(offsets.begin() + static_cast<std::ptrdiff_t>(table.block_first_synapse[b]),
                offsets.begin() + static_cast<std::ptrdiff_t>(table.block_first_synapse[b + 1]),
                table.block_delay[b]);
    proj.post = build_post_index_at_offsets(table, n_targets, offsets);
  } else {
    proj.post = build_post_index(table, n_targets, dendritic);
  }
  // One dendritic delay for all synapses: a target's postsynaptic side can be shared.
  std::optional<pl::shared_post_side> shared;
  if (std::adjacent_find(dendritic.begin(), dendritic.end(), std::not_equal_to<>()) == dendritic.end())
    shared = pl::shared_post_side{table.target, n_targets};
  try {
    const step_series* schedule = nullptr;
    for (const auto& [name, series] : net.protocol.learning)
      if (name == file.network.projection(k).name()) schedule = &series;
    if (cfg.has_error_modulated_hebbian())
      proj.rule = make_readout_rule(cfg.error_modulated_hebbian(), net, proj, k);
    else if (cfg.has_feedback_alignment())
      proj.rule = make_feedback_alignment_rule(file, cfg.feedback_alignment(), net, proj, k);
    else if (cfg.has_sal())
      proj.rule = make_sal_rule(cfg.sal(), net, proj, schedule, k);
    else if (cfg.has_dendritic_prediction())
      proj.rule = make_dendritic_prediction_rule(cfg.dendritic_prediction(), net, proj);
    else if (cfg.has_boltzmann_sleep_hebbian())
      proj.rule = make_boltzmann_rule(file, k, net, proj, sal_application_ticks(net.protocol, schedule));
    else
      proj.rule = make_rule(cfg, grid, proj.synapses.weight, shared, net.modulation, dendritic);
    // Learning phases name the projection as written (also for several targets).
    if (schedule != nullptr) proj.rule->set_learning_schedule(schedule);
  } catch (const std::invalid_argument& e) {
    throw input_error({file.error_at(here, fmt::format("projection '{}': {}", proj.name, e.what()))});
  }
}

}  // namespace spikeq::io
