#include "io/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "io/shard_balance.hpp"

namespace spikeq::io {

namespace {

// Bytes per element of the structures that grow with the network. Each names the
// vector(s) it stands for, so a change of layout is easy to follow here.
constexpr double table_bytes_per_synapse = 8;  // synapse_table::target (4) + weight (4)
constexpr double bytes_per_block = 12;         // block_first_synapse (8) + block_delay (4)
constexpr double bytes_per_source = 4;         // source_first_block
// Construction temporaries (synapses/synapse_table_builder.hpp): connectors generated
// source by source onto one population write straight into the table and need none;
// the others (fixed_probability, fixed_number_pre, from_list, several targets) first
// materialise connection_rows::target (4), concatenated from per-task chunks (4 more
// while they are joined). Checked against bench/networks/build_1e7.textproto (see
// bench/RESULTS.md, "Memory estimate before building").
constexpr double materialised_bytes_per_synapse = 8;
// from_list adds connection_rows::list_index (8) and connector_spec::pairs (8).
constexpr double from_list_bytes_per_synapse = 16;
// Per table, the builder's per-source offsets (8).
constexpr double build_bytes_per_source = 8;
// Plastic projections: post_index::synapse (8) resident; while it is built, the
// counting sort's by_target (8) and, under a dendritic convention, the per-synapse
// dendritic delays (8).
constexpr double post_index_bytes_per_synapse = 8;
constexpr double post_index_bytes_per_block = 16;  // block_first (8) + block_offset (8)
constexpr double post_index_bytes_per_target = 8;  // target_first_block
constexpr double post_index_build_bytes_per_synapse = 8;
constexpr double dendritic_build_bytes_per_synapse = 8;
// Weight recording keeps a double snapshot and the initial weights (8 + 8).
constexpr double recorded_weight_bytes_per_synapse = 16;
// An alignment (recording.alignment) per synapse of a projection it compares: edge
// order and storage map (16), matrix entry index and value (16), a pending frame (8)
// and the kernel's probe row (8).
constexpr double aligned_bytes_per_synapse = 48;
// Per-neuron state of each model: initial values and working state (doubles), the
// step's input and refractory lists, plus 16 bytes of kernel bookkeeping per neuron.
constexpr double iaf_bytes_per_neuron = 7 * 8 + 16 + 16;  // iaf_psc_exp, iaf_cond_exp
constexpr double iaf_delta_bytes_per_neuron = 3 * 8 + 2 * 8 + 4 + 8 + 16;
constexpr double izhikevich_bytes_per_neuron = 6 * 8 + 16 + 16;
// Izhikevich's a, b, c, d, kept per neuron (net.m's heterogeneity).
constexpr double izhikevich_parameter_bytes_per_neuron = 4 * 8;
constexpr double poisson_bytes_per_neuron = 48 + 8 + 4 + 16;  // stream, next spike, version
// glm_sampling: bias, currents, u, PSP, input (2), steps since the last spike and a
// random stream (64), plus one double of PSP history per step of the kernel.
constexpr double glm_bytes_per_neuron = 7 * 8 + 4 + 64 + 16 + 16;
// pp_psc_delta: V, E_sfa, currents, input (2), dead time and a random stream, plus
// one double per adaptation element.
constexpr double pp_psc_delta_bytes_per_neuron = 6 * 8 + 4 + 64 + 16 + 16;
constexpr double spike_train_bytes = 24 + 16;  // a vector per train
constexpr double spike_time_bytes = 8;
// Executable, libraries, protobuf, HDF5 and recorder buffers: what a tiny network
// already holds (about 20 MiB resident for examples/delay_demo.textproto).
constexpr double process_baseline_bytes = 24.0 * 1024 * 1024;

// Bytes of each plasticity rule's per-synapse record (the structs in plasticity/*.hpp).
constexpr double static_rule_bytes_per_synapse = 8;  // weights_ (double)
constexpr double stdp_pair_bytes_per_synapse = 32;   // w, x_before, t_pre, t_pre_previous
constexpr double stdp_post_side_bytes = 24;          // y_before, t_post, t_post_previous
constexpr double stdp_triplet_bytes_per_synapse = 56;
constexpr double spnet_bytes_per_synapse = 32;
constexpr double modulated_bytes_per_synapse = 32;     // w, c, x, stamp
constexpr double modulated_post_side_bytes = 16;       // y_before, t_post
constexpr double readout_rule_bytes_per_synapse = 36;  // w, r, r_tick, source, pending
// w, pending, and the last k + 1 presynaptic and postsynaptic spike ticks.
double sal_bytes_per_synapse(std::uint32_t last_spikes) { return 16.0 + 16.0 * (last_spikes + 1); }

std::map<std::string, double> population_sizes(const config::Network& net) {
  std::map<std::string, double> sizes;
  for (const auto& p : net.population()) sizes[p.name()] = p.size();
  return sizes;
}

double size_of(const std::map<std::string, double>& sizes, const std::string& name) {
  const auto it = sizes.find(name);
  return it == sizes.end() ? 0.0 : it->second;
}

// How many distinct delays (in ticks) the projection's synapses can have: the
// number of delay blocks per source grows with it.
double distinct_delays(const config::Projection& pr, double resolution_ms) {
  if (pr.has_from_list()) {
    std::set<long long> ticks;
    for (const auto& c : pr.from_list().connection())
      if (c.has_delay()) ticks.insert(std::llround(c.delay() / resolution_ms));
    return static_cast<double>(ticks.size()) + 1.0;
  }
  if (!pr.has_delay()) return 1.0;
  const auto& d = pr.delay();
  if (d.has_uniform()) return std::abs(d.uniform().high() - d.uniform().low()) / resolution_ms + 1.0;
  if (d.has_cycle()) return std::abs(d.cycle().high() - d.cycle().low()) / d.cycle().step() + 1.0;
  if (d.has_list()) {
    std::set<long long> ticks;
    for (const double v : d.list().values()) ticks.insert(std::llround(v / resolution_ms));
    return std::max<double>(1.0, static_cast<double>(ticks.size()));
  }
  if (d.has_normal()) {
    // A normal's entropy equals a uniform's over sqrt(2 pi e) sd: as many distinct
    // values in practice, bounded by the clipping range when there is one.
    double width = 4.13 * d.normal().std();
    if (d.normal().has_min() && d.normal().has_max())
      width = std::min(width, d.normal().max() - d.normal().min());
    return width / resolution_ms + 1.0;
  }
  return 1.0;
}

// Expected number of distinct values among m draws from d equally likely ones.
double expected_distinct(double m, double d) {
  if (m <= 0.0) return 0.0;
  if (d <= 1.0) return std::min(1.0, m);
  return d * -std::expm1(-m / d);
}

// Expected delay blocks of `synapses` synapses from `n_sources` sources onto a
// population that `owners` shards share, each shard with its own blocks.
double delay_blocks(const config::Network& net, const config::Projection& pr, double n_sources,
                    double synapses, double owners) {
  if (!(n_sources > 0.0)) return 0.0;
  const double resolution = net.simulation().resolution() > 0 ? net.simulation().resolution() : 0.001;
  return n_sources * owners *
         expected_distinct(synapses / n_sources / owners, distinct_delays(pr, resolution));
}

bool weights_recorded(const config::Network& net, const std::string& projection) {
  for (const auto& w : net.recording().weights())
    if (w.projection() == projection) return true;
  return false;
}

// Whether an alignment compares the projection (or one of its per-target parts).
bool aligned(const config::Network& net, const std::string& projection) {
  for (const auto& a : net.recording().alignment())
    for (const auto* name : {&a.forward(), &a.feedback()})
      if (*name == projection || name->rfind(projection + "/", 0) == 0) return true;
  return false;
}

double rule_bytes(const config::Plasticity& p, double synapses, double targets, bool shared_post) {
  switch (p.rule_case()) {
    case config::Plasticity::kStdp:
      return synapses * stdp_pair_bytes_per_synapse +
             (shared_post ? targets : synapses) * stdp_post_side_bytes;
    case config::Plasticity::kStdpTriplet:
      return synapses * stdp_triplet_bytes_per_synapse;
    case config::Plasticity::kSpnetStdp:
      return synapses * spnet_bytes_per_synapse;
    case config::Plasticity::kDopamineStdp:
    case config::Plasticity::kRstdp:
      return synapses * modulated_bytes_per_synapse +
             (shared_post ? targets : synapses) * modulated_post_side_bytes;
    case config::Plasticity::kErrorModulatedHebbian: {
      double bytes = synapses * readout_rule_bytes_per_synapse;
      if (p.error_modulated_hebbian().has_hlop()) {
        // Lateral rows, momentum and gradient (3 x rows x n doubles; all_to_all, so
        // n = synapses / targets), the batch and its scratch; tasks after the second
        // add rows_per_task x n x 24 bytes each, small beside the images.
        const auto& h = p.error_modulated_hebbian().hlop();
        const double n = targets > 0 ? synapses / targets : synapses;
        const double rows =
            static_cast<double>(h.lateral_neurons()) + static_cast<double>(h.lateral_neurons_per_task());
        bytes += 3 * 8 * rows * n + 16 * static_cast<double>(h.batch_size()) * (n + rows) + 8 * synapses;
      }
      return bytes;
    }
    case config::Plasticity::kFeedbackAlignment: {
      // w and two banks of presynaptic counts per synapse; per hidden neuron two
      // spike-count banks and its feedback row (a readout of at most ~100 neurons).
      double bytes = synapses * 24 + targets * (16 + 8 * 100);
      if (p.feedback_alignment().has_hlop()) {
        // Each shard holds a copy of the lateral learner; counted once here (a few MB
        // for 784 inputs), the estimate's margin covers the copies.
        const auto& h = p.feedback_alignment().hlop();
        const double n = targets > 0 ? synapses / targets : synapses;
        const double rows =
            static_cast<double>(h.lateral_neurons()) + static_cast<double>(h.lateral_neurons_per_task());
        bytes += 3 * 8 * rows * n + 16 * static_cast<double>(h.batch_size()) * (n + rows);
      }
      return bytes;
    }
    case config::Plasticity::kSal:
      return synapses * sal_bytes_per_synapse(p.sal().has_last_spikes() ? p.sal().last_spikes() : 1);
    default:
      return synapses * static_rule_bytes_per_synapse;
  }
}

projection_memory estimate_projection(const config::Network& net, int index,
                                      const std::map<std::string, double>& sizes, std::size_t shards,
                                      const std::map<std::string, double>& owners) {
  const auto& pr = net.projection(index);
  projection_memory m;
  m.name = pr.name();
  m.index = index;
  m.synapses = expected_synapses(net, index);
  const double n_sources = size_of(sizes, pr.source());
  const double resolution = net.simulation().resolution() > 0 ? net.simulation().resolution() : 0.001;
  const double delays = distinct_delays(pr, resolution);
  double n_targets = 0.0;
  for (const auto& t : pr.target()) n_targets += size_of(sizes, t);
  // One table per target population, holding its share of the synapses.
  for (const auto& t : pr.target()) {
    const double share = n_targets > 0 ? m.synapses * size_of(sizes, t) / n_targets : 0.0;
    // Tables keep each source's synapses per target shard, each shard that owns some
    // of the population with its own delay blocks (core/synapse_table.hpp).
    const auto s = static_cast<double>(std::max<std::size_t>(shards, 1));
    const double blocks = delay_blocks(net, pr, n_sources, share, std::max(1.0, size_of(owners, t)));
    m.table_bytes +=
        share * table_bytes_per_synapse + blocks * bytes_per_block + (n_sources * s + 1) * bytes_per_source;
  }
  m.resident_bytes = m.table_bytes;
  // Connectors the builder generates row by row into a single table need no
  // per-synapse temporaries; the others are materialised first.
  const bool streamed = pr.target_size() == 1 && (pr.has_all_to_all() || pr.has_one_to_one() ||
                                                  pr.has_fixed_number_post() || pr.has_fixed_total_number());
  double build = streamed ? 0.0 : materialised_bytes_per_synapse;
  if (pr.has_from_list()) build += from_list_bytes_per_synapse;
  // The post index is built after the tables, when the rows are gone.
  double build_after = 0.0;
  if (pr.has_plasticity()) {
    const auto& p = pr.plasticity();
    const bool dendritic = (p.has_dendritic_delay() && p.dendritic_delay() > 0) ||
                           p.delay_convention() == config::Plasticity::DENDRITIC;
    // One dendritic delay for every synapse lets the postsynaptic side be shared.
    const bool shared_post =
        !dendritic || (p.has_dendritic_delay() && p.dendritic_delay() > 0) || delays <= 1.0;
    const double in_degree = n_targets > 0 ? m.synapses / n_targets : 0.0;
    const double post_blocks =
        n_targets * (shared_post ? std::min(1.0, in_degree) : expected_distinct(in_degree, delays));
    m.resident_bytes += rule_bytes(p, m.synapses, n_targets, shared_post) +
                        m.synapses * post_index_bytes_per_synapse + post_blocks * post_index_bytes_per_block +
                        (n_targets + 1) * post_index_bytes_per_target;
    build_after = post_index_build_bytes_per_synapse + (dendritic ? dendritic_build_bytes_per_synapse : 0.0);
  }
  if (weights_recorded(net, pr.name())) m.resident_bytes += m.synapses * recorded_weight_bytes_per_synapse;
  if (aligned(net, pr.name())) m.resident_bytes += m.synapses * aligned_bytes_per_synapse;
  m.transient_bytes = m.synapses * std::max(build, build_after) +
                      static_cast<double>(pr.target_size()) * (n_sources + 1) * build_bytes_per_source;
  return m;
}

double population_bytes(const config::Population& p) {
  const double n = p.size();
  switch (p.model_case()) {
    case config::Population::kIafPscDelta:
      return n * iaf_delta_bytes_per_neuron;
    case config::Population::kIzhikevich:
      return n * (izhikevich_bytes_per_neuron + izhikevich_parameter_bytes_per_neuron);
    case config::Population::kGlmSampling: {
      const auto& m = p.glm_sampling();
      const double length = m.psp() == config::GlmSampling::ALPHA ? m.psp_length() : m.tau_syn();
      const double steps = m.dt() > 0 ? std::max(1.0, std::round(length / m.dt())) : 1.0;
      return n * (glm_bytes_per_neuron + 8 * steps);
    }
    case config::Population::kGlmPyramidal: {
      // Three PSP channels' histories and the two moving-average windows.
      const auto& m = p.glm_pyramidal();
      const auto steps = [&](double ms) { return m.dt() > 0 ? std::max(1.0, std::round(ms / m.dt())) : 1.0; };
      return n * (glm_bytes_per_neuron + 3 * 8 * steps(m.tau_syn()) + 2 * 8 * steps(m.average_window()));
    }
    case config::Population::kPpPscDelta:
      return n * (pp_psc_delta_bytes_per_neuron + 8.0 * p.pp_psc_delta().tau_sfa_size());
    case config::Population::kPoissonGenerator:
      return n * poisson_bytes_per_neuron;
    case config::Population::kSpikeGenerator: {
      double bytes = std::max<double>(n, p.spike_generator().train_size()) * spike_train_bytes;
      for (const auto& t : p.spike_generator().train()) bytes += t.spike_times_size() * spike_time_bytes;
      return bytes;
    }
    default:
      return n * iaf_bytes_per_neuron;
  }
}

}  // namespace

double expected_synapses(const config::Network& net, int index) {
  const auto sizes = population_sizes(net);
  const auto& pr = net.projection(index);
  const double n_pre = size_of(sizes, pr.source());
  double n_post = 0.0;
  bool source_is_target = false;
  for (const auto& t : pr.target()) {
    n_post += size_of(sizes, t);
    source_is_target = source_is_target || t == pr.source();
  }
  switch (pr.connector_case()) {
    case config::Projection::kAllToAll: {
      const bool self =
          !pr.all_to_all().has_allow_self_connections() || pr.all_to_all().allow_self_connections();
      return n_pre * n_post - (source_is_target && !self ? n_pre : 0.0);
    }
    case config::Projection::kOneToOne:
      return n_pre;
    case config::Projection::kFixedProbability: {
      const auto& c = pr.fixed_probability();
      const bool self = !c.has_allow_self_connections() || c.allow_self_connections();
      return c.p() * (n_pre * n_post - (source_is_target && !self ? n_pre : 0.0));
    }
    case config::Projection::kFixedNumberPre:
      return static_cast<double>(pr.fixed_number_pre().n()) * n_post;
    case config::Projection::kFixedNumberPost:
      return static_cast<double>(pr.fixed_number_post().n()) * n_pre;
    case config::Projection::kFromList:
      return pr.from_list().connection_size();
    case config::Projection::kFixedTotalNumber:
      return static_cast<double>(pr.fixed_total_number().n());
    default:
      return 0.0;
  }
}

double expected_blocks(const config::Network& net, int index, const std::string& target) {
  const auto sizes = population_sizes(net);
  const auto& pr = net.projection(index);
  const double n_sources = size_of(sizes, pr.source());
  double n_targets = 0.0;
  for (const auto& t : pr.target()) n_targets += size_of(sizes, t);
  if (!(n_targets > 0.0)) return 0.0;
  return delay_blocks(net, pr, n_sources, expected_synapses(net, index) * size_of(sizes, target) / n_targets,
                      1.0);
}

memory_estimate estimate_memory(const config::Network& net, std::size_t shards) {
  memory_estimate e;
  for (int k = 0; k < net.population_size(); ++k) {
    const double bytes = population_bytes(net.population(k));
    e.neuron_bytes += bytes;
    if (e.largest_population < 0 || bytes > e.largest_population_bytes) {
      e.largest_population = k;
      e.largest_population_bytes = bytes;
    }
  }
  const auto sizes = population_sizes(net);
  // How many shards own some of each population (io/shard_balance.hpp).
  std::map<std::string, double> owners;
  const auto slices = population_slices(net, std::max<std::size_t>(shards, 1));
  for (int k = 0; k < net.population_size(); ++k) {
    const auto& first = slices[static_cast<std::size_t>(k)];
    double n = 0.0;
    for (std::size_t sh = 0; sh + 1 < first.size(); ++sh) n += first[sh + 1] > first[sh] ? 1.0 : 0.0;
    owners[net.population(k).name()] = n;
  }
  // Projections are built one after another: while projection k is built, the
  // earlier ones' resident memory is held along with k's temporaries.
  double resident = 0.0;
  double peak = 0.0;
  for (int k = 0; k < net.projection_size(); ++k) {
    auto m = estimate_projection(net, k, sizes, shards, owners);
    peak = std::max(peak, resident + m.resident_bytes + m.transient_bytes);
    resident += m.resident_bytes;
    e.synapses += m.synapses;
    e.table_bytes += m.table_bytes;
    if (e.dominant < 0 || m.resident_bytes + m.transient_bytes >
                              e.projections[static_cast<std::size_t>(e.dominant)].resident_bytes +
                                  e.projections[static_cast<std::size_t>(e.dominant)].transient_bytes)
      e.dominant = k;
    e.projections.push_back(std::move(m));
  }
  e.peak_bytes = process_baseline_bytes + e.neuron_bytes + std::max(peak, resident);
  return e;
}

}  // namespace spikeq::io
