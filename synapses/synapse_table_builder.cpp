#include "synapses/synapse_table_builder.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <numeric>

namespace spikeq {

namespace {

constexpr std::uint32_t sources_per_task = 512;

std::uint32_t row_count(const connection_rows& rows) {
  return static_cast<std::uint32_t>(rows.first.size() - 1);
}

// The part of one table built from a contiguous run of sources.
struct table_chunk {
  std::vector<std::uint32_t> blocks_per_source;
  std::vector<std::uint32_t> block_size;
  std::vector<tick_type> block_delay;
  std::vector<neuron_id_type> target;
  std::vector<weight_type> weight;
};

}  // namespace

std::vector<double> sample_per_synapse(const distribution& dist, const connection_rows& rows,
                                       std::uint64_t seed, stream_kind kind, std::uint32_t projection_index) {
  std::vector<double> values(rows.target.size());
  const std::uint32_t n_rows = row_count(rows);
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, n_rows, sources_per_task),
                    [&](const tbb::blocked_range<std::uint32_t>& r) {
                      for (std::uint32_t s = r.begin(); s < r.end(); ++s) {
                        random_stream rng(seed, kind, projection_index, s);
                        for (std::uint64_t k = rows.first[s]; k < rows.first[s + 1]; ++k) {
                          std::uint64_t index = k;
                          if (dist.type == distribution::kind::cycle) index = k - rows.first[s];
                          if (dist.type == distribution::kind::list && !rows.list_index.empty())
                            index = rows.list_index[k];
                          values[k] = dist.sample(rng, index);
                        }
                      }
                    });
  return values;
}

std::vector<synapse_table> build_synapse_tables(const connection_rows& rows,
                                                const std::vector<double>& weights,
                                                const std::vector<tick_type>& delay_ticks,
                                                const std::vector<target_range>& ranges) {
  const std::uint32_t n_sources = row_count(rows);
  const std::uint32_t n_chunks = (n_sources + sources_per_task - 1) / sources_per_task;
  std::vector<synapse_table> tables(ranges.size());
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    const target_range range = ranges[r];
    std::vector<table_chunk> chunks(n_chunks);
    tbb::parallel_for(
        tbb::blocked_range<std::uint32_t>(0, n_chunks), [&](const tbb::blocked_range<std::uint32_t>& cr) {
          std::vector<std::uint64_t> order;
          for (std::uint32_t chunk = cr.begin(); chunk < cr.end(); ++chunk) {
            table_chunk& out = chunks[chunk];
            const std::uint32_t begin = chunk * sources_per_task;
            const std::uint32_t end = std::min(n_sources, begin + sources_per_task);
            for (std::uint32_t s = begin; s < end; ++s) {
              order.clear();
              for (std::uint64_t k = rows.first[s]; k < rows.first[s + 1]; ++k)
                if (rows.target[k] >= range.offset && rows.target[k] - range.offset < range.size)
                  order.push_back(k);
              // Stable: multapses with equal (delay, target) keep their creation order.
              std::stable_sort(order.begin(), order.end(), [&](std::uint64_t x, std::uint64_t y) {
                return std::tie(delay_ticks[x], rows.target[x]) < std::tie(delay_ticks[y], rows.target[y]);
              });
              std::uint32_t blocks = 0;
              for (std::size_t i = 0; i < order.size(); ++i) {
                const std::uint64_t k = order[i];
                if (i == 0 || delay_ticks[k] != out.block_delay.back()) {
                  out.block_delay.push_back(delay_ticks[k]);
                  out.block_size.push_back(0);
                  ++blocks;
                }
                ++out.block_size.back();
                out.target.push_back(rows.target[k] - range.offset);
                out.weight.push_back(static_cast<weight_type>(weights[k]));
              }
              out.blocks_per_source.push_back(blocks);
            }
          }
        });
    synapse_table& table = tables[r];
    std::size_t n_blocks = 0;
    std::size_t n_synapses = 0;
    for (const auto& c : chunks) {
      n_blocks += c.block_delay.size();
      n_synapses += c.target.size();
    }
    table.source_first_block.reserve(n_sources + 1);
    table.source_first_block.push_back(0);
    table.block_first_synapse.reserve(n_blocks + 1);
    table.block_first_synapse.push_back(0);
    table.block_delay.reserve(n_blocks);
    table.target.reserve(n_synapses);
    table.weight.reserve(n_synapses);
    for (auto& c : chunks) {
      for (const std::uint32_t b : c.blocks_per_source)
        table.source_first_block.push_back(table.source_first_block.back() + b);
      for (const std::uint32_t sz : c.block_size)
        table.block_first_synapse.push_back(table.block_first_synapse.back() + sz);
      table.block_delay.insert(table.block_delay.end(), c.block_delay.begin(), c.block_delay.end());
      table.target.insert(table.target.end(), c.target.begin(), c.target.end());
      table.weight.insert(table.weight.end(), c.weight.begin(), c.weight.end());
      c = table_chunk{};
    }
  }
  return tables;
}

}  // namespace spikeq
