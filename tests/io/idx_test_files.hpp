// Small IDX files the tests write themselves (format: io/dataset/idx_file.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace spikeq::testing {

// The bytes of an IDX file: magic (0, 0, type, dims.size()), big-endian dimensions, data.
inline std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& data,
                             std::uint8_t type = 0x08) {
  std::string b{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (const std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<char>((d >> shift) & 0xff));
  b.append(data.begin(), data.end());
  return b;
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// Images (n x rows x cols) and labels as two IDX files in `dir`.
inline void write_image_set(const std::filesystem::path& dir, std::uint32_t rows, std::uint32_t cols,
                            const std::vector<std::vector<std::uint8_t>>& images,
                            const std::vector<std::uint8_t>& labels) {
  std::vector<std::uint8_t> pixels;
  for (const auto& im : images) pixels.insert(pixels.end(), im.begin(), im.end());
  write_file(dir / "images.idx", idx_bytes({static_cast<std::uint32_t>(images.size()), rows, cols}, pixels));
  write_file(dir / "labels.idx", idx_bytes({static_cast<std::uint32_t>(labels.size())}, labels));
}

}  // namespace spikeq::testing
