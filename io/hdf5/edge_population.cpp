#include "io/hdf5/edge_population.hpp"

#include <array>
#include <limits>
#include <stdexcept>
#include <vector>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

namespace {

using namespace hdf5_write;

// A contiguous [rows x 2] uint64 dataset (SONATA index tables).
void write_pairs(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& values,
                 const std::string& file, const std::string& path) {
  const std::array<hsize_t, 2> dims{values.size() / 2, 2};
  auto space =
      checked(H5Screate_simple(2, dims.data(), nullptr), H5Sclose, file, path, "cannot create a dataspace");
  auto ds = checked(
      H5Dcreate2(parent, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, file, path, "cannot create a dataset");
  if (!values.empty())
    check(H5Dwrite(ds.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), file, path,
          "cannot write");
}

// SONATA index of edges by `key` (source or target node): node_id_to_ranges[n] =
// [first, last) rows of range_to_edge_id, whose rows are [first, last) edge ids.
// `order` lists edge ids grouped by key, ascending within a key.
void write_index(hid_t parent, const std::string& name, std::span<const std::uint64_t> key,
                 const std::vector<std::uint64_t>& order, std::uint64_t node_count, const std::string& file,
                 const std::string& path) {
  std::vector<std::uint64_t> node_ranges(2 * node_count, 0);
  std::vector<std::uint64_t> ranges;
  std::size_t i = 0;
  for (std::uint64_t n = 0; n < node_count; ++n) {
    node_ranges[2 * n] = ranges.size() / 2;
    for (; i < order.size() && key[order[i]] == n;) {
      const std::uint64_t first = order[i];
      std::uint64_t last = first + 1;
      for (++i; i < order.size() && key[order[i]] == n && order[i] == last; ++i) ++last;
      ranges.push_back(first);
      ranges.push_back(last);
    }
    node_ranges[2 * n + 1] = ranges.size() / 2;
  }
  auto group = create_group(parent, name, file, path);
  write_pairs(group.get(), "node_id_to_ranges", node_ranges, file, path + "/node_id_to_ranges");
  write_pairs(group.get(), "range_to_edge_id", ranges, file, path + "/range_to_edge_id");
  // bmtk and NEST read the singular spelling; a hard link is the same dataset.
  check(H5Lcreate_hard(group.get(), "node_id_to_ranges", group.get(), "node_id_to_range", H5P_DEFAULT,
                       H5P_DEFAULT),
        file, path + "/node_id_to_range", "cannot create a link");
}

}  // namespace

edge_population::edge_population(hid_t edges_group, const std::string& name, const edge_topology& t,
                                 const std::string& file)
    : name_(name), path_("/edges/" + name), file_(file), edge_count_(t.source.size()) {
  const auto reject = [&](const std::string& why) {
    throw std::invalid_argument(file + ":" + path_ + ": " + why);
  };
  if (t.target.size() != edge_count_ || t.delay_ms.size() != edge_count_ ||
      t.initial_weight.size() != edge_count_)
    reject("per-edge arrays differ in length");
  for (std::uint64_t e = 0; e < edge_count_; ++e) {
    if (t.source[e] >= t.source_node_count || t.target[e] >= t.target_node_count)
      reject("a node id is out of range");
    if (e > 0 && t.source[e] < t.source[e - 1]) reject("edges are not sorted by source node");
  }
  group_ = create_group(edges_group, name, file_, path_);
  const std::string p = path_ + "/";
  auto src = write_fixed_dataset<std::uint64_t>(group_.get(), "source_node_id", t.source, file_,
                                                p + "source_node_id");
  write_string_attribute(src.get(), "node_population", t.source_population, file_, p + "source_node_id");
  auto tgt = write_fixed_dataset<std::uint64_t>(group_.get(), "target_node_id", t.target, file_,
                                                p + "target_node_id");
  write_string_attribute(tgt.get(), "node_population", t.target_population, file_, p + "target_node_id");
  write_fixed_dataset<std::uint32_t>(group_.get(), "edge_type_id", std::vector<std::uint32_t>(edge_count_, 0),
                                     file_, p + "edge_type_id");
  const std::vector<std::uint16_t> group_ids(edge_count_, 0);
  write_fixed_dataset(group_.get(), "edge_group_id", H5T_STD_U16LE, H5T_NATIVE_UINT16, group_ids.data(),
                      group_ids.size(), file_, p + "edge_group_id");
  std::vector<std::uint32_t> group_index(edge_count_);
  for (std::uint64_t e = 0; e < edge_count_; ++e) group_index[e] = static_cast<std::uint32_t>(e);
  write_fixed_dataset<std::uint32_t>(group_.get(), "edge_group_index", group_index, file_,
                                     p + "edge_group_index");

  auto attributes = create_group(group_.get(), "0", file_, p + "0");
  auto delay = write_fixed_dataset<double>(attributes.get(), "delay", t.delay_ms, file_, p + "0/delay");
  write_string_attribute(delay.get(), "units", "ms", file_, p + "0/delay");
  write_fixed_dataset<double>(attributes.get(), "initial_syn_weight", t.initial_weight, file_,
                              p + "0/initial_syn_weight");
  final_weight_ = write_fixed_dataset<double>(
      attributes.get(), "syn_weight",
      std::vector<double>(edge_count_, std::numeric_limits<double>::quiet_NaN()), file_, p + "0/syn_weight");

  auto indices = create_group(group_.get(), "indices", file_, p + "indices");
  std::vector<std::uint64_t> by_source(edge_count_);
  for (std::uint64_t e = 0; e < edge_count_; ++e) by_source[e] = e;
  write_index(indices.get(), "source_to_target", t.source, by_source, t.source_node_count, file_,
              p + "indices/source_to_target");
  // Counting sort by target keeps ascending edge ids within a target.
  std::vector<std::uint64_t> first(t.target_node_count + 1, 0);
  for (const auto n : t.target) ++first[n + 1];
  for (std::uint64_t n = 0; n < t.target_node_count; ++n) first[n + 1] += first[n];
  std::vector<std::uint64_t> by_target(edge_count_);
  for (std::uint64_t e = 0; e < edge_count_; ++e) by_target[first[t.target[e]]++] = e;
  write_index(indices.get(), "target_to_source", t.target, by_target, t.target_node_count, file_,
              p + "indices/target_to_source");
}

void edge_population::write_final_weights(std::span<const double> weights) {
  if (weights.size() != edge_count_)
    throw std::invalid_argument(file_ + ":" + path_ + "/0/syn_weight: " + std::to_string(weights.size()) +
                                " weights for " + std::to_string(edge_count_) + " edges");
  if (edge_count_ > 0)
    check(H5Dwrite(final_weight_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, weights.data()),
          file_, path_ + "/0/syn_weight", "cannot write");
}

herr_t edge_population::close() noexcept {
  const herr_t a = final_weight_.close();
  const herr_t b = group_.close();
  return a < 0 ? a : b;
}

}  // namespace spikeq::io
