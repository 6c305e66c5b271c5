#include "synapses/synapse_table_builder.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <tuple>

#include "core/huge_pages.hpp"
#include "core/sharded_population.hpp"

namespace spikeq {

namespace {

// Fixed chunking (not TBB's auto partitioner): block order depends on chunk
// boundaries only through concatenation, which is in source order either way.
// Small chunks balance the load for small source populations (L5i: 1065 neurons
// with ~10^3 synapses each).
constexpr std::uint32_t sources_per_task = 64;

// Blocks of one table made by a contiguous run of sources.
struct block_chunk {
  std::vector<std::uint32_t> blocks_per_source;
  std::vector<std::uint32_t> block_size;
  std::vector<tick_type> block_delay;
};

// Per-thread scratch space for one source's row.
struct row_scratch {
  std::vector<std::uint32_t> target;
  std::vector<std::uint64_t> list_index;
  std::vector<double> weight;
  std::vector<tick_type> delay;
  std::vector<std::uint32_t> order;
  std::vector<bool> marks;
  std::vector<std::uint32_t> spare;
  std::vector<std::uint32_t> bucket;
};

// One stable counting-sort pass of sc.order by key(position) in [0, buckets).
template <class Key>
void counting_pass(row_scratch& sc, std::size_t buckets, Key key) {
  sc.bucket.assign(buckets + 1, 0);
  for (const std::uint32_t k : sc.order) ++sc.bucket[key(k) + 1];
  for (std::size_t b = 0; b < buckets; ++b) sc.bucket[b + 1] += sc.bucket[b];
  sc.spare.resize(sc.order.size());
  for (const std::uint32_t k : sc.order) sc.spare[sc.bucket[key(k)]++] = k;
  sc.order.swap(sc.spare);
}

// Sorts the row positions in sc.order (creation order on entry) by (delay, target,
// position): position breaks ties so that multapses keep their creation order.
// Stable LSD radix passes over the target's bytes, then one over the delay (a row's
// delays span few ticks), are several times faster than a comparison sort through
// the index.
void sort_row(row_scratch& sc) {
  constexpr tick_type max_span = 1 << 16;
  if (sc.order.size() < 2) return;
  tick_type lo = sc.delay[sc.order[0]], hi = lo;
  std::uint32_t max_target = 0;
  for (const std::uint32_t k : sc.order) {
    lo = std::min(lo, sc.delay[k]);
    hi = std::max(hi, sc.delay[k]);
    max_target = std::max(max_target, sc.target[k]);
  }
  if (hi - lo >= max_span) {
    std::sort(sc.order.begin(), sc.order.end(), [&](std::uint32_t x, std::uint32_t y) {
      return std::tie(sc.delay[x], sc.target[x], x) < std::tie(sc.delay[y], sc.target[y], y);
    });
    return;
  }
  for (unsigned shift = 0; shift < 32 && (max_target >> shift) != 0; shift += 8)
    counting_pass(sc, 256, [&](std::uint32_t k) { return (sc.target[k] >> shift) & 0xffu; });
  if (hi > lo)
    counting_pass(sc, static_cast<std::size_t>(hi - lo + 1),
                  [&](std::uint32_t k) { return static_cast<std::size_t>(sc.delay[k] - lo); });
}

// The shard that owns target `local` of a population whose slices start at
// `first` (shards + 1 entries; slices may be empty).
class shard_of {
 public:
  explicit shard_of(std::vector<neuron_id_type> first) : first_(std::move(first)) {}
  std::uint32_t operator()(std::uint32_t local) const {
    // A few shards: a scan is quicker than a binary search.
    if (first_.size() <= 9) {
      std::uint32_t s = 0;
      while (local >= first_[s + 1]) ++s;
      return s;
    }
    return static_cast<std::uint32_t>(std::upper_bound(first_.begin(), first_.end(), local) - first_.begin() -
                                      1);
  }

 private:
  std::vector<neuron_id_type> first_;
};

// Where each table's synapses of each source start: offsets[r][s], n_sources + 1 each.
using table_offsets = std::vector<std::vector<std::uint64_t>>;

// Fills tables whose offsets are known. `fetch(s, scratch)` fills scratch.target
// (and list_index) with source s's row and returns the creation index of its first
// connection.
template <class Fetch>
std::vector<synapse_table> fill_tables(std::uint32_t n_sources, const table_offsets& offsets,
                                       const std::vector<target_range>& ranges, const synapse_values& values,
                                       std::uint32_t shards, Fetch fetch) {
  const std::size_t n_tables = ranges.size();
  std::vector<synapse_table> tables(n_tables);
  for (auto& t : tables) t.shards = shards;
  for (std::size_t r = 0; r < n_tables; ++r) {
    resize_in_huge_pages(tables[r].target, offsets[r][n_sources]);
    resize_in_huge_pages(tables[r].weight, offsets[r][n_sources]);
  }
  std::vector<shard_of> owners;
  owners.reserve(ranges.size());
  for (const target_range& range : ranges)
    owners.emplace_back(!range.slice_first.empty() ? range.slice_first
                                                   : slice_boundaries(range.size, shards));
  const std::uint32_t n_chunks = (n_sources + sources_per_task - 1) / sources_per_task;
  std::vector<std::vector<block_chunk>> chunks(n_tables, std::vector<block_chunk>(n_chunks));
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, n_chunks), [&](const tbb::blocked_range<std::uint32_t>& cr) {
        row_scratch sc;
        for (std::uint32_t chunk = cr.begin(); chunk < cr.end(); ++chunk) {
          const std::uint32_t begin = chunk * sources_per_task;
          const std::uint32_t end = std::min(n_sources, begin + sources_per_task);
          for (std::uint32_t s = begin; s < end; ++s) {
            sc.target.clear();
            sc.list_index.clear();
            const std::uint64_t first = fetch(s, sc);
            const std::size_t n = sc.target.size();
            // Row positions are 32-bit in the sort keys.
            if (n > std::numeric_limits<std::uint32_t>::max())
              throw std::invalid_argument("a source makes more than 2^32 connections");
            sc.weight.resize(n);
            sc.delay.resize(n);
            values.fill(s, first, sc.target, sc.list_index, sc.weight, sc.delay);
            for (std::size_t r = 0; r < n_tables; ++r) {
              const target_range& range = ranges[r];
              sc.order.clear();
              for (std::uint32_t k = 0; k < n; ++k)
                if (sc.target[k] >= range.offset && sc.target[k] - range.offset < range.size)
                  sc.order.push_back(k);
              sort_row(sc);
              const shard_of& owner = owners[r];
              if (shards > 1)
                counting_pass(sc, shards,
                              [&](std::uint32_t k) { return owner(sc.target[k] - range.offset); });
              synapse_table& table = tables[r];
              block_chunk& out = chunks[r][chunk];
              std::uint64_t pos = offsets[r][s];
              const std::size_t counts_at = out.blocks_per_source.size();
              out.blocks_per_source.resize(counts_at + shards, 0);
              std::uint32_t shard = 0;
              for (std::size_t i = 0; i < sc.order.size(); ++i, ++pos) {
                const std::uint32_t k = sc.order[i];
                const std::uint32_t local = sc.target[k] - range.offset;
                const std::uint32_t here = shards > 1 ? owner(local) : 0;
                if (i == 0 || here != shard || sc.delay[k] != out.block_delay.back()) {
                  shard = here;
                  if (sc.delay[k] > std::numeric_limits<block_delay_type>::max())
                    throw std::invalid_argument("a delay of " + std::to_string(sc.delay[k]) +
                                                " ticks is longer than synapse tables hold (2^31 - 1 ticks)");
                  out.block_delay.push_back(sc.delay[k]);
                  out.block_size.push_back(0);
                  ++out.blocks_per_source[counts_at + shard];
                }
                ++out.block_size.back();
                table.target[pos] = local;
                table.weight[pos] = static_cast<weight_type>(sc.weight[k]);
              }
            }
          }
        }
      });
  for (std::size_t r = 0; r < n_tables; ++r) {
    synapse_table& table = tables[r];
    std::size_t n_blocks = 0;
    for (const auto& c : chunks[r]) n_blocks += c.block_delay.size();
    table.source_first_block.reserve(std::size_t{n_sources} * shards + 1);
    table.source_first_block.push_back(0);
    table.block_first_synapse.reserve(n_blocks + 1);
    table.block_first_synapse.push_back(0);
    table.block_delay.reserve(n_blocks);
    for (auto& c : chunks[r]) {
      for (const std::uint32_t b : c.blocks_per_source)
        table.source_first_block.push_back(table.source_first_block.back() + b);
      for (const std::uint32_t sz : c.block_size)
        table.block_first_synapse.push_back(table.block_first_synapse.back() + sz);
      for (const tick_type d : c.block_delay) table.block_delay.push_back(static_cast<block_delay_type>(d));
      c = block_chunk{};
    }
  }
  return tables;
}

// Values looked up in explicit arrays by creation index.
class array_values final : public synapse_values {
 public:
  array_values(const std::vector<double>& weights, const std::vector<tick_type>& delays)
      : weights_(weights), delays_(delays) {}
  void fill(std::uint32_t, std::uint64_t first, std::span<const std::uint32_t> targets,
            std::span<const std::uint64_t>, std::span<double> weights,
            std::span<tick_type> delays) const override {
    for (std::size_t i = 0; i < targets.size(); ++i) {
      weights[i] = weights_[first + i];
      delays[i] = delays_[first + i];
    }
  }

 private:
  const std::vector<double>& weights_;
  const std::vector<tick_type>& delays_;
};

}  // namespace

std::vector<synapse_table> build_synapse_tables(const connection_rows& rows, const synapse_values& values,
                                                const std::vector<target_range>& ranges,
                                                std::uint32_t shards) {
  const auto n_sources = static_cast<std::uint32_t>(rows.first.size() - 1);
  table_offsets offsets(ranges.size(), std::vector<std::uint64_t>(n_sources + 1, 0));
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, n_sources, sources_per_task),
      [&](const tbb::blocked_range<std::uint32_t>& sr) {
        for (std::uint32_t s = sr.begin(); s < sr.end(); ++s)
          for (std::uint64_t k = rows.first[s]; k < rows.first[s + 1]; ++k)
            for (std::size_t r = 0; r < ranges.size(); ++r)
              if (rows.target[k] - ranges[r].offset < ranges[r].size && rows.target[k] >= ranges[r].offset)
                ++offsets[r][s + 1];
      });
  for (auto& o : offsets) std::partial_sum(o.begin(), o.end(), o.begin());
  return fill_tables(n_sources, offsets, ranges, values, shards, [&](std::uint32_t s, row_scratch& sc) {
    sc.target.assign(rows.target.begin() + static_cast<std::ptrdiff_t>(rows.first[s]),
                     rows.target.begin() + static_cast<std::ptrdiff_t>(rows.first[s + 1]));
    if (!rows.list_index.empty())
      sc.list_index.assign(rows.list_index.begin() + static_cast<std::ptrdiff_t>(rows.first[s]),
                           rows.list_index.begin() + static_cast<std::ptrdiff_t>(rows.first[s + 1]));
    return rows.first[s];
  });
}

std::uint64_t connection_count(const row_generator& rows) {
  std::uint64_t n = 0;
  for (std::uint32_t s = 0; s < rows.n_sources(); ++s) n += rows.row_size(s);
  return n;
}

synapse_table build_synapse_table(const row_generator& rows, const synapse_values& values,
                                  std::uint32_t target_count, std::uint32_t shards,
                                  std::span<const neuron_id_type> slice_first) {
  const std::uint32_t n_sources = rows.n_sources();
  table_offsets offsets(1, std::vector<std::uint64_t>(n_sources + 1, 0));
  for (std::uint32_t s = 0; s < n_sources; ++s) offsets[0][s + 1] = offsets[0][s] + rows.row_size(s);
  const std::vector<target_range> all{
      {0, target_count, std::vector<neuron_id_type>(slice_first.begin(), slice_first.end())}};
  auto tables = fill_tables(n_sources, offsets, all, values, shards, [&](std::uint32_t s, row_scratch& sc) {
    rows.append_row(s, sc.target, sc.marks);
    return offsets[0][s];
  });
  return std::move(tables[0]);
}

std::vector<double> sample_per_synapse(const distribution& dist, const connection_rows& rows,
                                       std::uint64_t seed, stream_kind kind, std::uint32_t projection_index) {
  std::vector<double> values(rows.target.size());
  const auto n_rows = static_cast<std::uint32_t>(rows.first.size() - 1);
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
  return build_synapse_tables(rows, array_values(weights, delay_ticks), ranges, 1);
}

}  // namespace spikeq
