// Connectivity generation (PyNN connectors) with counter-based random streams.
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
    from_list
  };
  kind type = kind::all_to_all;
  double p = 0.0;       // fixed_probability
  std::uint32_t n = 0;  // fixed_number_pre / fixed_number_post
  bool allow_self_connections = true;
  bool allow_multapses = false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // from_list (source, target)

  static connector_spec of(kind k) {
    connector_spec spec;
    spec.type = k;
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

// Generates connections from n_sources to n_targets. `self_offset` is the position
// of the source population inside the target space (source i and target
// self_offset + i are the same neuron), or -1 if the source is not a target.
// Throws std::invalid_argument when the request is impossible (e.g. more distinct
// targets than exist).
connection_rows generate_connections(const connector_spec& spec, std::uint32_t n_sources,
                                     std::uint32_t n_targets, std::int64_t self_offset, std::uint64_t seed,
                                     std::uint32_t projection_index);

}  // namespace spikeq
