// Refusing a network that will not fit: the estimate of io/memory_estimate.hpp
// against the memory the machine has free, checked after resolve_network and before
// build_network, so that an oversized run ends with a message and exit code 2
// rather than with the kernel's OOM killer.
#pragma once

#include <optional>

#include "io/memory_estimate.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// Bytes available to this process: SPIKEQ_MEMORY_LIMIT_BYTES when set (tests, or a
// user who knows better), else MemAvailable from /proc/meminfo, lowered to the
// cgroup's remaining limit when the process runs in a memory-limited cgroup (v2).
// Empty when neither can be read (the check is then skipped).
std::optional<double> available_memory_bytes();

// Throws input_error naming the file (and the dominant projection's line) when the
// estimated peak exceeds `available`. Does nothing when `available` is empty.
void check_memory_fits(const network_file& file, const memory_estimate& estimate,
                       std::optional<double> available);

// For a build that ran out of memory (std::bad_alloc) although the check passed (the
// available memory unknown, or taken by others meanwhile): throws input_error as
// check_memory_fits would with nothing available, naming the dominant projection or
// population.
[[noreturn]] void report_out_of_memory(const network_file& file, const memory_estimate& estimate);

// The check as `spikeq run` and `validate` use it: estimate, then compare with what
// the machine has. Returns the estimate (`run --stats` prints it next to the measured peak).
memory_estimate check_memory_fits(const network_file& file, std::size_t shards = 1);

}  // namespace spikeq::io
