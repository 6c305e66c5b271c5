// The cache line of the x86-64 and AArch64 machines spikeq runs on.
#pragma once

#include <cstddef>

namespace spikeq {

inline constexpr std::size_t cache_line_bytes = 64;

}  // namespace spikeq
