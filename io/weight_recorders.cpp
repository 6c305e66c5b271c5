#include "io/weight_recorders.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/random_stream.hpp"
#include "core/shard_layout.hpp"
#include "io/diagnostics.hpp"

namespace spikeq::io {

namespace {

// Edge ids of the report: the listed ones, a reproducible random sample, or all;
// ordered by target neuron, then edge id, as the SONATA mapping groups them.
template <class TargetOf>
std::vector<std::uint64_t> report_columns(const config::WeightRecording& cfg, const synapse_table& table,
                                          std::uint64_t seed, std::uint32_t projection, TargetOf target_of) {
  const std::uint64_t n = table.synapse_count();
  std::vector<std::uint64_t> ids;
  if (cfg.synapses_size() > 0) {
    ids.assign(cfg.synapses().begin(), cfg.synapses().end());
  } else if (cfg.has_sample() && cfg.sample() < n) {
    // Selection sampling (Knuth's algorithm S): every subset equally likely.
    random_stream rng(seed, stream_kind::recording_sample, projection, 0);
    std::uint64_t needed = cfg.sample();
    for (std::uint64_t e = 0; e < n && needed > 0; ++e)
      if (rng.below(n - e) < needed) {
        ids.push_back(e);
        --needed;
      }
  } else {
    ids.resize(n);
    std::iota(ids.begin(), ids.end(), std::uint64_t{0});
  }
  for (const auto e : ids)
    if (e >= n)
      throw std::invalid_argument("edge id " + std::to_string(e) + " is beyond the projection's " +
                                  std::to_string(n) + " synapses");
  std::sort(ids.begin(), ids.end(), [&](std::uint64_t a, std::uint64_t b) {
    return std::pair(target_of(a), a) < std::pair(target_of(b), b);
  });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// The unit a model's input weights are in (the schema's Projection.weight comment).
std::string weight_unit(std::string_view model) {
  if (model == "iaf_psc_exp") return "pA";
  if (model == "iaf_cond_exp") return "nS";
  if (model == "iaf_psc_delta" || model == "izhikevich" || model == "pp_psc_delta") return "mV";
  return "1";
}

}  // namespace

std::string weight_group_name(const std::string& projection_name) {
  std::string name = projection_name;
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

weight_recorder::weight_recorder(network& net, std::uint32_t projection_index,
                                 const config::WeightRecording& cfg, output_file& out)
    : net_(net), projection_(projection_index), grid_(net.grid) {
  const projection& proj = net.projections[projection_index];
  const synapse_table& table = proj.synapses;
  const std::string name = weight_group_name(proj.name);
  if (!proj.rule) static_weights_.assign(table.weight.begin(), table.weight.end());

  // Edge ids follow the canonical (source, delay, target) order whatever the
  // shard count (core/synapse_table.hpp); the table stores synapses shard by shard.
  if (table.shards > 1) storage_of_ = canonical_order(table);
  {
    const std::uint64_t n = table.synapse_count();
    std::vector<std::uint64_t> source_at(n);
    std::vector<double> delay_at(n);
    for (std::uint32_t s = 0; s < table.source_count(); ++s)
      for (std::uint32_t b = table.source_begin(s); b < table.source_end(s); ++b)
        for (std::uint64_t e = table.block_first_synapse[b]; e < table.block_first_synapse[b + 1]; ++e) {
          source_at[e] = s;
          delay_at[e] = grid_.to_ms(table.block_delay[b]);
        }
    std::vector<std::uint64_t> source(n), target(n);
    std::vector<double> delay_ms(n);
    for (std::uint64_t e = 0; e < n; ++e) {
      const std::uint64_t at = storage(e);
      source[e] = source_at[at];
      target[e] = table.target[at];
      delay_ms[e] = delay_at[at];
    }
    const auto initial = canonical_weights();
    edge_topology topology;
    topology.source_population = net.populations[proj.source_population]->name();
    topology.target_population = net.populations[proj.target_population]->name();
    topology.source_node_count = net.populations[proj.source_population]->size();
    topology.target_node_count = net.populations[proj.target_population]->size();
    topology.source = source;
    topology.target = target;
    topology.delay_ms = delay_ms;
    topology.initial_weight = initial;
    edges_ = &out.add_edge_population(name, topology);
  }

  if (cfg.has_interval()) {
    interval_ = std::max<tick_type>(1, grid_.to_ticks(cfg.interval()));
    columns_ = report_columns(cfg, table, net.seed, projection_index,
                              [&](std::uint64_t e) { return table.target[storage(e)]; });
    if (!columns_.empty() && columns_.back() > std::numeric_limits<std::uint32_t>::max())
      throw std::invalid_argument(
          "a synapse report holds edge ids below 2^32 (SONATA element_ids are uint32)");
    frame_mapping mapping;
    for (const auto e : columns_) {
      if (mapping.node_ids.empty() || mapping.node_ids.back() != table.target[storage(e)]) {
        mapping.node_ids.push_back(table.target[storage(e)]);
        mapping.index_pointers.push_back(mapping.element_ids.size());
      }
      mapping.element_ids.push_back(static_cast<std::uint32_t>(e));
    }
    mapping.index_pointers.push_back(mapping.element_ids.size());
    if (!columns_.empty())
      report_ = &out.add_frame_report(name, "syn_weight",
                                      weight_unit(net.populations[proj.target_population]->model()), mapping,
                                      0.0, grid_.to_ms(interval_));
    frame_.resize(columns_.size());
  }
  if (cfg.events() && proj.rule) {
    events_ = &out.add_weight_event_log(name);
    if (!storage_of_.empty()) {
      canonical_of_.resize(storage_of_.size());
      for (std::uint64_t e = 0; e < storage_of_.size(); ++e) canonical_of_[storage_of_[e]] = e;
    }
    if (net.shard_count > 1) {
      const shard_layout layout(net, net.shard_count);
      std::vector<std::uint16_t> owner(table.synapse_count());
      for (std::uint64_t e = 0; e < owner.size(); ++e)
        owner[e] = static_cast<std::uint16_t>(layout.owner(proj.target_population, table.target[e]));
      log_.set_owners(std::move(owner), net.shard_count);
    }
    proj.rule->set_change_log(&log_);
  }
}

weight_recorder::~weight_recorder() {
  const auto& rule = net_.projections[projection_].rule;
  if (events_ != nullptr && rule) rule->set_change_log(nullptr);
}

std::vector<double> weight_recorder::canonical_weights() {
  const auto& rule = net_.projections[projection_].rule;
  const std::span<const double> stored = rule ? rule->weights() : std::span<const double>(static_weights_);
  std::vector<double> w(stored.size());
  for (std::uint64_t e = 0; e < w.size(); ++e) w[e] = stored[storage(e)];
  return w;
}

std::uint32_t weight_recorder::owner_population() const {
  return net_.projections[projection_].target_population;
}

neuron_id_type weight_recorder::column_neuron(std::size_t column) const {
  return net_.projections[projection_].synapses.target[storage(columns_[column])];
}

void weight_recorder::sample(tick_type now, std::span<const std::uint32_t> columns,
                             std::span<double> frame) const {
  const auto& rule = net_.projections[projection_].rule;
  for (const std::uint32_t c : columns) {
    const std::uint64_t at = storage(columns_[c]);
    frame[c] = rule ? rule->weight_at(at, now) : static_weights_[at];
  }
}

void weight_recorder::write(tick_type /*now*/, std::span<const double> frame) {
  for (std::size_t c = 0; c < frame.size(); ++c) frame_[c] = static_cast<float>(frame[c]);
  report_->append_frame(frame_);
}

void weight_recorder::flush() {
  if (events_ == nullptr || log_.empty()) return;
  log_.drain(drained_);
  // Logged by storage index, per shard; the file holds edge ids in (time, edge id)
  // order, the same for any shard count (the sort is stable, so changes of one
  // synapse at one tick keep their order).
  if (!canonical_of_.empty())
    for (auto& d : drained_) d.synapse = canonical_of_[d.synapse];
  std::stable_sort(drained_.begin(), drained_.end(), [](const auto& x, const auto& y) {
    return x.tick != y.tick ? x.tick < y.tick : x.synapse < y.synapse;
  });
  log_times_ms_.resize(drained_.size());
  log_synapses_.resize(drained_.size());
  log_weights_.resize(drained_.size());
  for (std::size_t i = 0; i < drained_.size(); ++i) {
    log_times_ms_[i] = grid_.to_ms(drained_[i].tick);
    log_synapses_[i] = drained_[i].synapse;
    log_weights_[i] = drained_[i].weight;
  }
  events_->append(log_times_ms_, log_synapses_, log_weights_);
}

void weight_recorder::finish() {
  flush();
  edges_->write_final_weights(canonical_weights());
}

std::vector<std::unique_ptr<weight_recorder>> make_weight_recorders(const network_file& file, network& net,
                                                                    output_file& out) {
  std::vector<std::unique_ptr<weight_recorder>> recorders;
  for (int k = 0; k < file.network.recording().weights_size(); ++k) {
    const auto& cfg = file.network.recording().weights(k);
    std::uint32_t p = 0;
    while (p < net.projections.size() && net.projections[p].name != cfg.projection()) ++p;
    if (p == net.projections.size())
      throw input_error({file.error_at({{"recording"}, {"weights", k}, {"projection"}},
                                       "unknown projection '" + cfg.projection() + "'")});
    try {
      recorders.push_back(std::make_unique<weight_recorder>(net, p, cfg, out));
    } catch (const std::invalid_argument& e) {
      throw input_error({file.error_at({{"recording"}, {"weights", k}}, e.what())});
    }
  }
  return recorders;
}

}  // namespace spikeq::io
