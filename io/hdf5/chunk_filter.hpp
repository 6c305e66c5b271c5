// The filter pipeline spikeq's appendable datasets declare (formats.md: shuffle, then
// deflate level 4), applied outside HDF5, so that a full chunk can be compressed on a
// worker thread while the simulation goes on and then written as it is
// (H5Dwrite_chunk). Compressing spikes on the simulation thread cost CUBA 7 % of its
// run (bench/RESULTS.md, eleventh session). The bytes equal what HDF5's own shuffle and
// deflate filters produce from the same chunk (tests/io/chunk_filter_test.cpp).
#pragma once

#include <cstddef>
#include <vector>

namespace spikeq::io::hdf5_write {

inline constexpr int deflate_level = 4;

// HDF5's shuffle filter (byte k of every element, for k = 0, 1, ...) and then zlib's
// compress2 at deflate_level, of `bytes` bytes of elements of `element_size` bytes.
// Throws std::runtime_error if zlib fails. Thread-safe.
std::vector<unsigned char> shuffle_and_deflate(const void* data, std::size_t bytes, std::size_t element_size);

}  // namespace spikeq::io::hdf5_write
