// Turning a parsed network description into the fully specified one that runs:
// every default filled in (from the schema's field options), presets expanded,
// and every semantic rule checked, with errors pointing at file:line:col.
#pragma once

#include <optional>

#include "io/network_file.hpp"

namespace spikeq::io {

struct run_overrides {
  std::optional<double> t_stop_ms;
  std::optional<std::uint64_t> seed;
};

// Fills defaults in place and validates. Throws input_error listing every problem.
void resolve_network(network_file& file, const run_overrides& overrides = {});

// The resolved description as text, for provenance (stored in the output file).
std::string resolved_text(const config::Network& network);

}  // namespace spikeq::io
