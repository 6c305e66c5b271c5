#include "io/network_builder.hpp"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "io/distribution_from_config.hpp"
#include "io/plasticity_factory.hpp"
#include "io/population_factory.hpp"
#include "synapses/connectors.hpp"
#include "synapses/synapse_table_builder.hpp"

namespace spikeq::io {

namespace {

connector_spec make_connector(const config::Projection& pr) {
  connector_spec spec;
  using kind = connector_spec::kind;
  switch (pr.connector_case()) {
    case config::Projection::kAllToAll:
      spec.type = kind::all_to_all;
      spec.allow_self_connections =
          pr.all_to_all().allow_self_connections() || !pr.all_to_all().has_allow_self_connections();
      break;
    case config::Projection::kOneToOne:
      spec.type = kind::one_to_one;
      break;
    case config::Projection::kFixedProbability:
      spec.type = kind::fixed_probability;
      spec.p = pr.fixed_probability().p();
      spec.allow_self_connections = !pr.fixed_probability().has_allow_self_connections() ||
                                    pr.fixed_probability().allow_self_connections();
      break;
    case config::Projection::kFixedNumberPre:
      spec.type = kind::fixed_number_pre;
      spec.n = pr.fixed_number_pre().n();
      spec.allow_self_connections = !pr.fixed_number_pre().has_allow_self_connections() ||
                                    pr.fixed_number_pre().allow_self_connections();
      spec.allow_multapses = pr.fixed_number_pre().allow_multapses();
      break;
    case config::Projection::kFixedNumberPost:
      spec.type = kind::fixed_number_post;
      spec.n = pr.fixed_number_post().n();
      spec.allow_self_connections = !pr.fixed_number_post().has_allow_self_connections() ||
                                    pr.fixed_number_post().allow_self_connections();
      spec.allow_multapses = pr.fixed_number_post().allow_multapses();
      break;
    case config::Projection::kFromList:
      spec.type = kind::from_list;
      for (const auto& c : pr.from_list().connection()) spec.pairs.emplace_back(c.source(), c.target());
      break;
    default:
      break;
  }
  return spec;
}

// Per-connection values: the projection's distribution, overridden by explicit
// values on from_list connections.
std::vector<double> connection_values(const network_file& file, const config::Projection& pr,
                                      int projection_index, const connection_rows& rows, bool weight,
                                      stream_kind kind) {
  const bool has_dist = weight ? pr.has_weight() : pr.has_delay();
  const field_path where{{"projection", projection_index}, {weight ? "weight" : "delay"}};
  std::vector<double> values(rows.target.size(), 0.0);
  if (has_dist) {
    const config::Distribution& d = weight ? pr.weight() : pr.delay();
    if (d.has_list() && static_cast<std::size_t>(d.list().values_size()) != rows.target.size())
      throw input_error(
          {file.error_at(where, fmt::format("list has {} values but the projection made {} connections",
                                            d.list().values_size(), rows.target.size()))});
    values = sample_per_synapse(to_distribution(d), rows, file.network.simulation().seed(), kind,
                                static_cast<std::uint32_t>(projection_index));
  }
  if (pr.has_from_list()) {
    for (std::size_t k = 0; k < rows.target.size(); ++k) {
      const auto& c = pr.from_list().connection(static_cast<int>(rows.list_index[k]));
      if (weight && c.has_weight()) values[k] = c.weight();
      if (!weight && c.has_delay()) values[k] = c.delay();
    }
  }
  return values;
}

void build_projection(const network_file& file, int k, network& net) {
  const config::Projection& pr = file.network.projection(k);
  const auto source = static_cast<std::uint32_t>(net.find_population(pr.source()));
  std::vector<target_range> ranges;
  std::vector<std::uint32_t> target_populations;
  std::int64_t self_offset = -1;
  std::uint32_t n_targets = 0;
  for (const auto& t : pr.target()) {
    const auto idx = static_cast<std::uint32_t>(net.find_population(t));
    if (idx == source) self_offset = n_targets;
    ranges.push_back({n_targets, net.populations[idx]->size()});
    target_populations.push_back(idx);
    n_targets += net.populations[idx]->size();
  }
  const std::uint64_t seed = file.network.simulation().seed();
  connection_rows rows;
  try {
    rows = generate_connections(make_connector(pr), net.populations[source]->size(), n_targets, self_offset,
                                seed, static_cast<std::uint32_t>(k));
  } catch (const std::invalid_argument& e) {
    throw input_error({file.error_at({{"projection", k}}, "projection '" + pr.name() + "': " + e.what())});
  }
  const auto weights = connection_values(file, pr, k, rows, true, stream_kind::weight);
  // Delays in ticks; the millisecond values are released before the tables are built
  // (construction memory peaks there).
  std::vector<tick_type> delays;
  {
    const auto delays_ms = connection_values(file, pr, k, rows, false, stream_kind::delay);
    delays.resize(delays_ms.size());
    for (std::size_t s = 0; s < delays.size(); ++s) {
      delays[s] = net.grid.to_ticks(delays_ms[s]);
      if (delays[s] < 1)
        throw input_error({file.error_at(
            {{"projection", k}, {"delay"}},
            fmt::format("projection '{}': a delay of {} ms is shorter than one resolution step", pr.name(),
                        delays_ms[s]))});
    }
  }
  auto tables = build_synapse_tables(rows, weights, delays, ranges);
  const receptor_type receptor = pr.receptor_type() == config::Projection::INHIBITORY
                                     ? receptor_type::inhibitory
                                     : receptor_type::excitatory;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    projection p;
    p.name = pr.target_size() > 1 ? pr.name() + "/" + pr.target(static_cast<int>(t)) : pr.name();
    p.source_population = source;
    p.target_population = target_populations[t];
    p.receptor = receptor;
    p.synapses = std::move(tables[t]);
    attach_plasticity(file, k, net.grid, net.populations[p.target_population]->size(), p);
    if (p.rule)
      net.incoming_plastic[p.target_population].push_back(static_cast<std::uint32_t>(net.projections.size()));
    net.outgoing[source].push_back(static_cast<std::uint32_t>(net.projections.size()));
    net.projections.push_back(std::move(p));
  }
}

void build_current_source(const network_file& file, int k, network& net) {
  const auto& cs = file.network.current_source(k);
  std::vector<std::uint32_t> targets;
  for (const auto& t : cs.target()) targets.push_back(static_cast<std::uint32_t>(net.find_population(t)));
  if (cs.has_random_pulse_generator()) {
    const auto& g = cs.random_pulse_generator();
    random_pulse_source src;
    src.name = cs.name();
    src.target_populations = targets;
    src.neurons.assign(cs.neurons().begin(), cs.neurons().end());
    src.amplitude = g.amplitude();
    src.interval = std::max<tick_type>(1, net.grid.to_ticks(g.interval()));
    // The first pulse arrives one interval after start, so it falls in the step
    // (start, start + interval], like the input Izhikevich adds in step 0.
    src.start = net.grid.to_ticks(g.start()) + src.interval;
    src.stop = g.has_stop() ? net.grid.to_ticks(g.stop()) : std::numeric_limits<tick_type>::max();
    src.count = g.count();
    src.stream_object = static_cast<std::uint32_t>(k);
    net.pulses.push_back(std::move(src));
    return;
  }
  current_schedule sched;
  if (cs.has_dc_generator()) {
    const auto& g = cs.dc_generator();
    sched.tick.push_back(net.grid.to_ticks(g.start()));
    sched.amplitude.push_back(g.amplitude());
    if (g.has_stop()) {
      sched.tick.push_back(net.grid.to_ticks(g.stop()));
      sched.amplitude.push_back(0.0);
    }
  } else {
    const auto& g = cs.step_current_generator();
    for (int i = 0; i < g.amplitude_times_size(); ++i) {
      sched.tick.push_back(net.grid.to_ticks(g.amplitude_times(i)));
      sched.amplitude.push_back(g.amplitude_values(i));
    }
  }
  // One schedule per target population, with the chosen neurons mapped into it.
  std::uint64_t offset = 0;
  for (const std::uint32_t t : targets) {
    const std::uint32_t size = net.populations[t]->size();
    current_schedule part = sched;
    part.name = cs.name();
    part.target_population = t;
    bool any = cs.neurons().empty();
    for (const std::uint32_t n : cs.neurons())
      if (n >= offset && n < offset + size) {
        part.neurons.push_back(static_cast<neuron_id_type>(n - offset));
        any = true;
      }
    if (any) net.currents.push_back(std::move(part));
    offset += size;
  }
}

}  // namespace

network build_network(const network_file& file) {
  const config::Network& cfg = file.network;
  network net;
  net.grid = time_grid(cfg.simulation().resolution());
  net.seed = cfg.simulation().seed();
  global_neuron_id_type next_id = 0;
  for (int k = 0; k < cfg.population_size(); ++k) {
    net.populations.push_back(
        make_population(cfg.population(k), static_cast<std::uint32_t>(k), net.grid, net.seed));
    net.first_global_id.push_back(next_id);
    next_id += cfg.population(k).size();
  }
  net.outgoing.resize(net.populations.size());
  net.incoming_plastic.resize(net.populations.size());
  for (int k = 0; k < cfg.projection_size(); ++k) build_projection(file, k, net);
  for (int k = 0; k < cfg.current_source_size(); ++k) build_current_source(file, k, net);
  return net;
}

}  // namespace spikeq::io
