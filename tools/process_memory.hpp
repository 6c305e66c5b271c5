// The process's own memory figures, for `spikeq run --stats`.
#pragma once

#include <cstdint>
#include <optional>

namespace spikeq::tools {

// Peak resident set size so far (VmHWM in /proc/self/status), or empty where the
// file does not exist (not Linux).
std::optional<std::uint64_t> peak_resident_bytes();

}  // namespace spikeq::tools
