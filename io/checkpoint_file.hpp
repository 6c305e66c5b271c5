// The checkpoint container on disk: what makes a state_archive payload
// (core/state_archive.hpp) a file that can be trusted after a crash.
//
//   "SPKQCKPT" | u32 format version | u32 0 | u64 network hash | u64 payload length
//   | payload | u32 CRC-32 (zlib) of everything before it
//
// Writing is atomic: the file is written under a temporary name next to the
// target, fsync'ed, renamed over the target, and the directory fsync'ed, so the
// previous checkpoint stays valid until the new one is complete and a kill -9 at
// any moment leaves either the old or the new file (docs/formats/checkpoint.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace spikeq {

// 6: multi-shard populations are sliced by estimated cost (core/shard_partition.hpp).
inline constexpr std::uint32_t checkpoint_format_version = 6;

struct checkpoint_contents {
  std::uint32_t format_version = checkpoint_format_version;
  std::uint64_t network_hash = 0;
  std::vector<std::byte> payload;
};

// Throws std::runtime_error naming `path` when it cannot be written (the target is
// then untouched and the temporary file removed).
void write_checkpoint_file(const std::filesystem::path& path, std::uint64_t network_hash,
                           std::span<const std::byte> payload);

// Throws checkpoint_error naming `path` when the file is missing, truncated,
// damaged (checksum), or of another format version.
checkpoint_contents read_checkpoint_file(const std::filesystem::path& path);

// Where write_checkpoint_file writes before renaming.
std::filesystem::path checkpoint_temporary_path(const std::filesystem::path& path);

}  // namespace spikeq
