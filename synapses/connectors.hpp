// Connectivity generation (PyNN and NEST connectors) with counter-based random streams.
//
// Connections are generated source by source (fixed_number_pre: target by target,
// then regrouped by source), each from its own stream keyed by (seed, projection,
// neuron), so the result is identical however many threads build it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace spikeq {

struct connector_spec {
  enum class kind {
    all_to_all,
    one_to_one,
    fixed_probability,
    fixed_number_pre,
    fixed_number_post,
    fixed_total_number,
    from_list
  };
  kind type = kind::all_to_all;
  double p = 0.0;       // fixed_probability
  std::uint64_t n = 0;  // fixed_number_pre / fixed_number_post / fixed_total_number
  bool allow_self_connections = true;
  bool allow_multapses = false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // from_list (source, target)

  static connector_spec of(kind k) {
    connector_spec spec;
    spec.type = k;
    if (k == kind::fixed_total_number) spec.allow_multapses = true;  // NEST's default
    return spec;
  }
};

// Connections grouped by source in creation order (compressed sparse rows).
struct connection_rows {
  std::vector<std::uint64_t> first;   // n_sources + 1 offsets into target
  std::vector<std::uint32_t> target;  // target indices in the concatenated target space
  // For from_list: position of each connection in the user's list (else empty).
  std::vector<std::uint64_t> list_index;
};

// Generates the connections of one source at a time, in any order and on any thread,
// for connectors whose rows are independent (all but fixed_number_pre and from_list).
// The synapse-table builder uses it to write each row straight into its final place.
class row_generator {
 public:
  // `self_offset` is the position of the source population inside the target space
  // (source i and target self_offset + i are the same neuron), or -1.
  // Throws std::invalid_argument when the request is impossible.
  row_generator(const connector_spec& spec, std::uint32_t n_sources, std::uint32_t n_targets,
                std::int64_t self_offset, std::uint64_t seed, std::uint32_t projection_index);

  static bool supports(connector_spec::kind k) {
    return k != connector_spec::kind::fixed_number_pre && k != connector_spec::kind::from_list;
  }
  // True when each row's length is known before its targets are drawn (all but
  // fixed_probability).
  bool sizes_known() const { return spec_.type != connector_spec::kind::fixed_probability; }
  std::uint32_t n_sources() const { return n_sources_; }
  // REQUIRES: sizes_known().
  std::uint64_t row_size(std::uint32_t source) const;
  // Appends the targets of `source` in creation order. `marks` is scratch space
  // owned by the calling thread (any state on entry; left all false).
  void append_row(std::uint32_t source, std::vector<std::uint32_t>& out, std::vector<bool>& marks) const;

 private:
  std::int64_t self_column(std::uint32_t source) const;

  connector_spec spec_;
  std::uint32_t n_sources_;
  std::uint32_t n_targets_;
  std::int64_t self_offset_;
  std::uint64_t seed_;
  std::uint32_t projection_;
  std::vector<std::uint32_t> total_number_counts_;  // fixed_total_number: per source
};

// Splits n connections among sources for fixed_total_number: every allowed
// (source, target) pair is equally likely for each connection (multinomial).
// Exposed for tests.
std::vector<std::uint32_t> split_total_number(std::uint64_t n, std::uint32_t n_sources,
                                              std::uint32_t n_targets, std::int64_t self_offset,
                                              bool allow_self_connections, std::uint64_t seed,
                                              std::uint32_t projection_index);

// Generates connections from n_sources to n_targets (see row_generator for
// `self_offset`). Throws std::invalid_argument when the request is impossible (e.g.
// more distinct targets than exist).
connection_rows generate_connections(const connector_spec& spec, std::uint32_t n_sources,
                                     std::uint32_t n_targets, std::int64_t self_offset, std::uint64_t seed,
                                     std::uint32_t projection_index);

}  // namespace spikeq
