#include "io/boltzmann_factory.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/random_stream.hpp"
#include "core/sharded_population.hpp"
#include "io/diagnostics.hpp"
#include "neurons/glm_sampling.hpp"
#include "plasticity/boltzmann_sleep_hebbian.hpp"
#include "plasticity/sal.hpp"

namespace spikeq::io {

namespace pl = plasticity;

std::vector<std::uint64_t> canonical_synapse_ids(const synapse_table& table) {
  const std::vector<std::uint64_t> order = canonical_order(table);
  std::vector<std::uint64_t> id(order.size());
  for (std::uint64_t c = 0; c < order.size(); ++c) id[order[c]] = c;
  return id;
}

namespace {

// Stream object of the target draw (kept apart from the per-synapse amplitudes,
// whose objects are projection indices).
constexpr std::uint32_t target_stream_object = 0x00ffffffu;

// W* and b* uniform in [-1, 1] (2 Beta(1, 1) - 1 as in train_bm.py), W* symmetric
// with a zero diagonal, from the stream keyed by target_seed.
void draw_target(std::uint64_t seed, std::size_t n, std::vector<double>& w, std::vector<double>& b) {
  w.assign(n * n, 0.0);
  b.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      random_stream r(seed, stream_kind::plasticity_amplitude, target_stream_object,
                      static_cast<std::uint32_t>(i * n + j));
      w[i * n + j] = w[j * n + i] = r.uniform(-1.0, 1.0);
    }
  for (std::size_t i = 0; i < n; ++i) {
    random_stream r(seed, stream_kind::plasticity_amplitude, target_stream_object,
                    static_cast<std::uint32_t>(n * n + i));
    b[i] = r.uniform(-1.0, 1.0);
  }
}

}  // namespace

std::unique_ptr<plasticity_rule> make_boltzmann_rule(const network_file& file, int k, network& net,
                                                     projection& proj, std::vector<tick_type> apply_ticks) {
  const auto& cfg = file.network.projection(k).plasticity().boltzmann_sleep_hebbian();
  const field_path here{{"projection", k}, {"plasticity"}, {"boltzmann_sleep_hebbian"}};
  auto at = [&](const std::string& field, int index = -1) {
    field_path p = here;
    p.push_back({field, index});
    return p;
  };
  auto fail = [&](const field_path& where, const std::string& what) {
    throw input_error(
        {file.error_at(where, fmt::format("projection '{}': boltzmann_sleep_hebbian: {}", proj.name, what))});
  };
  if (proj.source_population != proj.target_population)
    fail(here, "needs a recurrent projection (source and target the same population)");
  population* pop = net.populations[proj.target_population].get();
  std::vector<std::pair<neuron_id_type, glm_sampling*>> slices;
  if (auto* split = dynamic_cast<sharded_population*>(pop)) {
    for (std::size_t s = 0; s < split->slice_count(); ++s)
      slices.emplace_back(split->first(s), dynamic_cast<glm_sampling*>(&split->slice(s)));
  } else {
    slices.emplace_back(0, dynamic_cast<glm_sampling*>(pop));
  }
  for (const auto& slice : slices)
    if (slice.second == nullptr)
      fail(here, "the population must be glm_sampling (the rule learns its biases)");
  const std::size_t n = pop->size();
  if (!cfg.has_tau()) fail(at("tau"), "tau (the window width, the neurons' tau_ref) is required");

  std::vector<double> w, b;
  if (cfg.target_weights_size() > 0 || cfg.target_biases_size() > 0) {
    if (cfg.has_target_seed())
      fail(at("target_seed"), "give target_weights and target_biases or target_seed, not both");
    if (static_cast<std::size_t>(cfg.target_weights_size()) != n * n)
      fail(at("target_weights"), fmt::format("{} values given, the population of {} needs {} x {} = {}",
                                             cfg.target_weights_size(), n, n, n, n * n));
    if (static_cast<std::size_t>(cfg.target_biases_size()) != n)
      fail(at("target_biases"),
           fmt::format("{} values given, the population needs {}", cfg.target_biases_size(), n));
    w.assign(cfg.target_weights().begin(), cfg.target_weights().end());
    b.assign(cfg.target_biases().begin(), cfg.target_biases().end());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        if (std::abs(w[i * n + j] - w[j * n + i]) > 1e-12)
          fail(at("target_weights"),
               fmt::format("the target is not symmetric: W*[{}][{}] = {} but W*[{}][{}] = {}", i, j,
                           w[i * n + j], j, i, w[j * n + i]));
    for (std::size_t i = 0; i < n; ++i) w[i * n + i] = 0.0;
  } else if (cfg.has_target_seed()) {
    draw_target(cfg.target_seed(), n, w, b);
  } else {
    fail(here, "needs a target: target_weights and target_biases, or target_seed");
  }
  if (n > 20) fail(here, fmt::format("the exact target needs all 2^N states; N = {} is more than 20", n));
  const pl::boltzmann_statistics target = pl::exact_boltzmann_statistics(w, b);

  const synapse_table& table = proj.synapses;
  std::vector<double> coactivation(table.synapse_count(), 0.0);
  for (std::uint32_t src = 0; src < table.source_count(); ++src)
    for (std::uint32_t blk = table.source_begin(src); blk < table.source_end(src); ++blk)
      for (std::uint64_t s = table.block_first_synapse[blk]; s < table.block_first_synapse[blk + 1]; ++s)
        coactivation[s] = table.target[s] == src ? 0.0 : target.coactivation[table.target[s] * n + src];

  pl::boltzmann_sleep_parameters p;
  p.tau_ms = cfg.tau();
  p.normalization_ms = cfg.has_normalization() ? cfg.normalization() : cfg.tau();
  p.eta_weight = cfg.eta_weight();
  p.eta_bias = cfg.eta_bias();
  p.eta_sal = cfg.eta_sal();
  p.bounds = {cfg.wmin(), cfg.wmax()};
  p.bias_min = cfg.bias_min();
  p.bias_max = cfg.bias_max();
  if (cfg.amplitude_noise() > 0.0) {
    const std::vector<std::uint64_t> ids = canonical_synapse_ids(table);
    // Objects 2k and 2k + 1: the Hebbian and the SAL window of projection k.
    p.hebbian_amplitude =
        pl::noised_amplitudes(cfg.amplitude_noise(), net.seed, 2 * static_cast<std::uint32_t>(k), ids);
    p.sal_amplitude =
        pl::noised_amplitudes(cfg.amplitude_noise(), net.seed, 2 * static_cast<std::uint32_t>(k) + 1, ids);
  }
  if (apply_ticks.empty()) fail(here, "needs a protocol: its trials are the learning iterations");
  pl::bias_access bias = [slices](neuron_id_type neuron, double delta, double lo, double hi) {
    std::size_t s = slices.size() - 1;
    while (slices[s].first > neuron) --s;
    return slices[s].second->add_to_bias(neuron - slices[s].first, delta, lo, hi);
  };
  try {
    return std::make_unique<pl::boltzmann_sleep_hebbian_rule>(
        p, net.grid.resolution_ms(), proj.synapses.weight, table.target, std::move(coactivation),
        target.marginal, std::move(bias), std::move(apply_ticks));
  } catch (const std::invalid_argument& e) {
    fail(here, e.what());
  }
  return nullptr;
}

}  // namespace spikeq::io
