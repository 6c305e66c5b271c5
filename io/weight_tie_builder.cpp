#include "io/weight_tie_builder.hpp"

#include <fmt/format.h>

#include <map>
#include <utility>

#include "io/diagnostics.hpp"
#include "plasticity/tied_weights.hpp"

namespace spikeq::io {

namespace {

using neuron_pair = std::pair<neuron_id_type, neuron_id_type>;  // (pre, post)

// Every synapse's (pre, post) in storage order.
std::vector<neuron_pair> synapse_pairs(const synapse_table& table) {
  std::vector<neuron_pair> pairs(table.synapse_count());
  for (std::uint32_t pre = 0; pre < table.source_count(); ++pre)
    for (std::uint32_t b = table.source_begin(pre); b < table.source_end(pre); ++b)
      for (std::uint64_t s = table.block_first_synapse[b]; s < table.block_first_synapse[b + 1]; ++s)
        pairs[s] = {pre, table.target[s]};
  return pairs;
}

int projection_named(const network& net, const std::string& name) {
  for (std::size_t k = 0; k < net.projections.size(); ++k)
    if (net.projections[k].name == name) return static_cast<int>(k);
  return -1;
}

}  // namespace

void build_weight_ties(const network_file& file, network& net) {
  const auto& cfg = file.network;
  for (int k = 0; k < cfg.projection_size(); ++k) {
    const auto& pr = cfg.projection(k);
    if (!pr.has_tie()) continue;
    const field_path here{{"projection", k}, {"tie"}};
    const int tied_index = projection_named(net, pr.name());
    const int source_index = projection_named(net, pr.tie().projection());
    if (tied_index < 0 || source_index < 0)
      throw input_error({file.error_at(here, "the tied or the source projection was not built")});
    projection& tied = net.projections[static_cast<std::size_t>(tied_index)];
    const projection& source = net.projections[static_cast<std::size_t>(source_index)];
    std::map<neuron_pair, std::uint64_t> source_synapse;
    const auto source_pairs = synapse_pairs(source.synapses);
    for (std::uint64_t s = 0; s < source_pairs.size(); ++s) {
      neuron_pair key = source_pairs[s];
      if (pr.tie().transpose()) std::swap(key.first, key.second);
      if (!source_synapse.emplace(key, s).second)
        throw input_error({file.error_at(
            here, fmt::format("'{}' joins neurons {} and {} more than once: a tie needs one synapse per pair",
                              source.name, source_pairs[s].first, source_pairs[s].second))});
    }
    weight_tie tie;
    tie.projection = static_cast<std::uint32_t>(tied_index);
    tie.source = static_cast<std::uint32_t>(source_index);
    tie.scale = pr.tie().scale();
    const auto tied_pairs = synapse_pairs(tied.synapses);
    tie.partner.reserve(tied_pairs.size());
    for (const auto& pair : tied_pairs) {
      const auto it = source_synapse.find(pair);
      if (it == source_synapse.end())
        throw input_error({file.error_at(
            here, fmt::format("'{}' has a synapse {} -> {} that '{}' lacks{}", pr.name(), pair.first,
                              pair.second, source.name, pr.tie().transpose() ? " (transposed)" : ""))});
      tie.partner.push_back(it->second);
    }
    for (const auto& s : net.protocol.settings)
      if (s.target == pr.name() && s.parameter == "tie_scale") tie.scale_schedule = &s.series;
    auto rule = std::make_unique<plasticity::tied_weights>(tied.synapses.weight);
    tie.sink = rule.get();
    tied.rule = std::move(rule);
    tied.post = build_post_index(tied.synapses, net.populations[tied.target_population]->size(), {});
    net.incoming_plastic[tied.target_population].push_back(tie.projection);
    net.ties.push_back(std::move(tie));
  }
  refresh_weight_ties(net, 0);
}

}  // namespace spikeq::io
