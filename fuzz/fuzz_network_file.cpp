// libFuzzer target: the bytes as a network description, through what `spikeq validate`
// does (parse, resolve, checks, memory estimate) and the build when it stays small.
// io::input_error is the expected answer to bad input; anything else escaping is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/diagnostics.hpp"
#include "io/memory_guard.hpp"
#include "io/network_builder.hpp"
#include "io/network_file.hpp"
#include "io/resolve.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Longer inputs only slow the search down: every construct fits in far less.
  if (size > 64 * 1024) return -1;
  using namespace spikeq;
  try {
    io::network_file file =
        io::parse_network_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.textproto");
    io::resolve_network(file);
    const auto estimate = io::check_memory_fits(file);
    double neurons = 0;
    for (const auto& p : file.network.population()) neurons += static_cast<double>(p.size());
    // Building touches every byte it allocates, and with full malloc stacks (fuzz.sh) a
    // 10^5-synapse example took 7 s: build only what stays far under the 5 s timeout on
    // a slow machine. Every construct of the builder fits in a few thousand synapses.
    if (estimate.peak_bytes < 16.0 * 1024 * 1024 && neurons < 2e4 && estimate.synapses < 2e4)
      (void)io::build_network(file, 1);
  } catch (const io::input_error&) {
  }
  return 0;
}
