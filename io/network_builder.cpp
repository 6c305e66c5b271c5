#include "io/network_builder.hpp"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "core/sharded_population.hpp"
#include "io/dataset/image_dataset_builder.hpp"
#include "io/distribution_from_config.hpp"
#include "io/plasticity_factory.hpp"
#include "io/population_factory.hpp"
#include "io/protocol_builder.hpp"
#include "io/shard_balance.hpp"
#include "io/weight_tie_builder.hpp"
#include "synapses/connectors.hpp"
#include "synapses/synapse_table_builder.hpp"
#include "synapses/synapse_values.hpp"

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
    case config::Projection::kFixedTotalNumber:
      spec.type = kind::fixed_total_number;
      spec.n = pr.fixed_total_number().n();
      spec.allow_self_connections = !pr.fixed_total_number().has_allow_self_connections() ||
                                    pr.fixed_total_number().allow_self_connections();
      spec.allow_multapses =
          !pr.fixed_total_number().has_allow_multapses() || pr.fixed_total_number().allow_multapses();
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

// Explicit from_list weights and delays override the projection's distributions.
void set_list_values(const config::Projection& pr, distribution_values& values) {
  if (!pr.has_from_list()) return;
  const auto& list = pr.from_list().connection();
  values.list_weight.resize(static_cast<std::size_t>(list.size()));
  values.list_delay_ms.resize(static_cast<std::size_t>(list.size()));
  for (int i = 0; i < list.size(); ++i) {
    if (list[i].has_weight()) values.list_weight[static_cast<std::size_t>(i)] = list[i].weight();
    if (list[i].has_delay()) values.list_delay_ms[static_cast<std::size_t>(i)] = list[i].delay();
  }
}

// List distributions need exactly one value per connection.
void check_list_lengths(const network_file& file, const config::Projection& pr, int k, std::uint64_t n) {
  for (const bool weight : {true, false}) {
    const bool has = weight ? pr.has_weight() : pr.has_delay();
    const config::Distribution& d = weight ? pr.weight() : pr.delay();
    if (has && d.has_list() && static_cast<std::uint64_t>(d.list().values_size()) != n)
      throw input_error(
          {file.error_at({{"projection", k}, {weight ? "weight" : "delay"}},
                         fmt::format("list has {} values but the projection made {} connections",
                                     d.list().values_size(), n))});
  }
}

// Connections, weights and delays straight into one table per target population.
// Connectors generated source by source onto one population write each row into
// its final place; the others are materialised first (4 bytes per connection).
std::vector<synapse_table> make_tables(const network_file& file, const config::Projection& pr, int k,
                                       const network& net, std::uint32_t n_sources, std::uint32_t n_targets,
                                       std::int64_t self_offset, const std::vector<target_range>& ranges) {
  const std::uint64_t seed = file.network.simulation().seed();
  const connector_spec spec = make_connector(pr);
  // A missing distribution means 0 (validation has required a weight and filled in
  // the default delay by now).
  distribution_values values(pr.has_weight() ? to_distribution(pr.weight()) : distribution{},
                             pr.has_delay() ? to_distribution(pr.delay()) : distribution{}, net.grid, seed,
                             static_cast<std::uint32_t>(k));
  set_list_values(pr, values);
  std::vector<synapse_table> tables;
  try {
    if (ranges.size() == 1 && row_generator::supports(spec.type) &&
        spec.type != connector_spec::kind::fixed_probability) {
      const row_generator gen(spec, n_sources, n_targets, self_offset, seed, static_cast<std::uint32_t>(k));
      check_list_lengths(file, pr, k, connection_count(gen));
      tables.push_back(build_synapse_table(
          gen, values, n_targets, static_cast<std::uint32_t>(net.shard_count), ranges[0].slice_first));
    } else {
      const connection_rows rows =
          generate_connections(spec, n_sources, n_targets, self_offset, seed, static_cast<std::uint32_t>(k));
      check_list_lengths(file, pr, k, rows.target.size());
      tables = build_synapse_tables(rows, values, ranges, static_cast<std::uint32_t>(net.shard_count));
    }
  } catch (const std::invalid_argument& e) {
    throw input_error({file.error_at({{"projection", k}}, "projection '" + pr.name() + "': " + e.what())});
  }
  if (const auto bad = values.first_bad_delay())
    throw input_error(
        {file.error_at({{"projection", k}, {"delay"}},
                       fmt::format("projection '{}': a delay of {} ms is shorter than one resolution step",
                                   pr.name(), bad->delay_ms))});
  return tables;
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
    const auto* split = dynamic_cast<const sharded_population*>(net.populations[idx].get());
    target_range range{n_targets, net.populations[idx]->size(), {0, net.populations[idx]->size()}};
    if (split != nullptr) {
      range.slice_first.clear();
      for (std::size_t s = 0; s <= split->slice_count(); ++s) range.slice_first.push_back(split->first(s));
    }
    ranges.push_back(std::move(range));
    target_populations.push_back(idx);
    n_targets += net.populations[idx]->size();
  }
  auto tables =
      make_tables(file, pr, k, net, net.populations[source]->size(), n_targets, self_offset, ranges);
  const receptor_type receptor = [&] {
    switch (pr.receptor_type()) {
      case config::Projection::INHIBITORY:
        return receptor_type::inhibitory;
      case config::Projection::BASAL:
        return receptor_type::basal;
      case config::Projection::APICAL:
        return receptor_type::apical;
      case config::Projection::APICAL_INTERNEURON:
        return receptor_type::apical_interneuron;
      default:
        return receptor_type::excitatory;
    }
  }();
  for (std::size_t t = 0; t < tables.size(); ++t) {
    projection p;
    p.name = pr.target_size() > 1 ? pr.name() + "/" + pr.target(static_cast<int>(t)) : pr.name();
    p.source_population = source;
    p.target_population = target_populations[t];
    p.receptor = receptor;
    p.synapses = std::move(tables[t]);
    attach_plasticity(file, k, net, p);
    if (p.rule)
      net.incoming_plastic[p.target_population].push_back(static_cast<std::uint32_t>(net.projections.size()));
    net.outgoing[source].push_back(static_cast<std::uint32_t>(net.projections.size()));
    net.projections.push_back(std::move(p));
  }
}

// Calls add(population, its offset in the source's concatenated target space, the
// chosen neurons in it) for every target population the current source reaches;
// no neurons chosen means all of them.
template <class Add>
void for_each_target(const config::CurrentSource& cs, const std::vector<std::uint32_t>& targets,
                     const network& net, Add add) {
  std::uint64_t offset = 0;
  for (const std::uint32_t t : targets) {
    const std::uint32_t size = net.populations[t]->size();
    std::vector<neuron_id_type> chosen;
    for (const std::uint32_t n : cs.neurons())
      if (n >= offset && n < offset + size) chosen.push_back(static_cast<neuron_id_type>(n - offset));
    if (cs.neurons().empty() || !chosen.empty()) add(t, offset, std::move(chosen));
    offset += size;
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
  if (cs.has_poisson_input()) {
    const auto& g = cs.poisson_input();
    const tick_type interval = std::max<tick_type>(1, net.grid.to_ticks(file.network.simulation().dt()));
    for_each_target(
        cs, targets, net, [&](std::uint32_t t, std::uint64_t offset, std::vector<neuron_id_type> chosen) {
          poisson_drive drive;
          drive.name = cs.name();
          drive.target_population = t;
          drive.neurons = std::move(chosen);
          drive.mean = g.rate() * net.grid.to_ms(interval) / 1000.0;
          drive.weight = g.weight();
          drive.receptor = g.weight() < 0 ? receptor_type::inhibitory : receptor_type::excitatory;
          drive.interval = interval;
          // Like random pulses, the first inputs fall in the step (start, start + dt].
          drive.start = net.grid.to_ticks(g.start()) + interval;
          drive.stop = g.has_stop() ? net.grid.to_ticks(g.stop()) : std::numeric_limits<tick_type>::max();
          drive.stream_object = static_cast<std::uint32_t>(k);
          drive.stream_entity_offset = static_cast<std::uint32_t>(offset);
          net.drives.push_back(std::move(drive));
        });
    return;
  }
  if (cs.has_noise_current()) {
    const auto& g = cs.noise_current();
    for_each_target(
        cs, targets, net, [&](std::uint32_t t, std::uint64_t offset, std::vector<neuron_id_type> chosen) {
          noise_current_source src;
          src.name = cs.name();
          src.target_population = t;
          src.neurons = std::move(chosen);
          if (g.has_normal()) {
            src.kind = noise_current_source::distribution::normal;
            src.mean = g.normal().mean();
            src.sd = g.normal().std();
          } else {
            src.kind = noise_current_source::distribution::uniform;
            src.low = g.uniform().low();
            src.high = g.uniform().high();
          }
          // Validation has filled in the interval (default simulation.dt).
          src.interval = std::max<tick_type>(1, net.grid.to_ticks(g.interval()));
          // The first amplitude applies from start on (a change at t applies from t).
          src.start = net.grid.to_ticks(g.start());
          src.stop = g.has_stop() ? net.grid.to_ticks(g.stop()) : std::numeric_limits<tick_type>::max();
          src.stream_object = static_cast<std::uint32_t>(k);
          src.stream_entity_offset = static_cast<std::uint32_t>(offset);
          net.noises.push_back(std::move(src));
        });
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
  } else if (cs.has_live_current()) {
    sched.live = true;
    sched.tick.push_back(0);
    sched.amplitude.push_back(cs.live_current().amplitude());
  } else {
    const auto& g = cs.step_current_generator();
    for (int i = 0; i < g.amplitude_times_size(); ++i) {
      sched.tick.push_back(net.grid.to_ticks(g.amplitude_times(i)));
      sched.amplitude.push_back(g.amplitude_values(i));
    }
  }
  // One schedule per target population, with the chosen neurons mapped into it.
  for_each_target(cs, targets, net, [&](std::uint32_t t, std::uint64_t, std::vector<neuron_id_type> chosen) {
    current_schedule part = sched;
    part.name = cs.name();
    part.target_population = t;
    part.neurons = std::move(chosen);
    net.currents.push_back(std::move(part));
  });
}

void build_neuromodulators(const network_file& file, network& net) {
  const config::Network& cfg = file.network;
  const auto pop = [&](const std::string& name) {
    return static_cast<std::uint32_t>(net.find_population(name));
  };
  std::uint32_t contingencies = 0;
  for (int k = 0; k < cfg.neuromodulator_size(); ++k) {
    const auto& ch = cfg.neuromodulator(k);
    const auto channel = static_cast<std::uint32_t>(k);
    net.modulation.channels.push_back(
        std::make_unique<modulator_channel>(ch.name(), ch.tau() / net.grid.resolution_ms(), ch.tonic()));
    net.modulation.channels.back()->set_accepts_external(ch.live());
    for (const auto& vt : ch.volume_transmitter())
      net.modulation.sources.push_back(std::make_unique<volume_transmitter>(
          channel, pop(vt.population()),
          std::vector<neuron_id_type>(vt.neurons().begin(), vt.neurons().end()), vt.amount(),
          net.grid.to_ticks(vt.delay())));
    for (const auto& sched : ch.schedule()) {
      std::vector<tick_type> ticks;
      std::vector<double> amounts;
      for (int i = 0; i < sched.times_size(); ++i) {
        ticks.push_back(net.grid.to_ticks(sched.times(i)));
        amounts.push_back(sched.amounts(sched.amounts_size() == 1 ? 0 : i));
      }
      net.modulation.sources.push_back(
          std::make_unique<scheduled_release>(channel, std::move(ticks), std::move(amounts)));
    }
    for (const auto& rc : ch.reward_contingency()) {
      reward_contingency::parameters p;
      p.channel = channel;
      p.pre_population = pop(rc.pre_population());
      p.pre_neuron = rc.pre_neuron();
      p.post_population = pop(rc.post_population());
      p.post_neuron = rc.post_neuron();
      p.window = net.grid.to_ticks(rc.window());
      p.delay_min = net.grid.to_ticks(rc.delay_min());
      p.delay_max = net.grid.to_ticks(rc.delay_max());
      p.amount = rc.disabled() ? 0.0 : rc.amount();
      p.seed = net.seed;
      p.stream_object = contingencies++;
      net.modulation.sources.push_back(std::make_unique<reward_contingency>(p));
    }
  }
}

}  // namespace

network build_network(const network_file& file, std::size_t shards) {
  const config::Network& cfg = file.network;
  network net;
  net.shard_count = std::max<std::size_t>(shards, 1);
  net.grid = time_grid(cfg.simulation().resolution());
  net.seed = cfg.simulation().seed();
  global_neuron_id_type next_id = 0;
  const auto slices = population_slices(cfg, net.shard_count);
  std::shared_ptr<const image_presentation> dataset;  // its trials are the run's: at most one
  int dataset_population = -1;
  for (int k = 0; k < cfg.population_size(); ++k) {
    if (cfg.population(k).has_image_dataset()) {
      if (dataset)
        throw input_error({file.error_at({{"population", k}, {"image_dataset"}},
                                         "a network has at most one image_dataset population")});
      dataset = load_image_dataset(file, k, net.seed);
      dataset_population = k;
      net.populations.push_back(make_image_dataset(file, k, dataset, net.grid, net.seed, net.shard_count));
    } else {
      net.populations.push_back(make_sharded_population(cfg.population(k), static_cast<std::uint32_t>(k),
                                                        net.grid, net.seed,
                                                        slices[static_cast<std::size_t>(k)]));
    }
    net.first_global_id.push_back(next_id);
    next_id += cfg.population(k).size();
  }
  net.outgoing.resize(net.populations.size());
  net.incoming_plastic.resize(net.populations.size());
  build_neuromodulators(file, net);  // before the rules that read the channels
  build_protocol(file, net);         // before the readout rules that read it
  if (dataset) build_dataset_protocol(file, dataset_population, *dataset, net);  // likewise
  for (int k = 0; k < cfg.projection_size(); ++k) build_projection(file, k, net);
  build_weight_ties(file, net);  // once every projection exists
  for (int k = 0; k < cfg.current_source_size(); ++k) build_current_source(file, k, net);
  return net;
}

}  // namespace spikeq::io
