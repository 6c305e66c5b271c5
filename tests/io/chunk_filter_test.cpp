// io/hdf5/chunk_filter.hpp and the whole chunks appendable_dataset filters on a worker
// thread: the filtered bytes equal what HDF5's own shuffle + deflate pipeline stores
// for the same chunk, and a dataset written partly that way (uneven appends, a flush
// off a chunk boundary) reads back exactly, its whole chunks stored as HDF5 would.
#include "io/hdf5/chunk_filter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "hdf5_test_support.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {
namespace {

using hdf5_write::appendable_dataset;
using hdf5_write::chunk_elements;
using hdf5_write::shuffle_and_deflate;
using testing::scratch_dir;

// The stored (filtered) bytes of the chunk at `row` of a dataset.
std::vector<unsigned char> stored_chunk(hid_t dataset, hsize_t row) {
  const std::array<hsize_t, 2> offset{row, 0};
  hsize_t bytes = 0;
  EXPECT_GE(H5Dget_chunk_storage_size(dataset, offset.data(), &bytes), 0);
  std::vector<unsigned char> stored(bytes);
  std::uint32_t filter_mask = 0;
  EXPECT_GE(H5Dread_chunk(dataset, H5P_DEFAULT, offset.data(), &filter_mask, stored.data()), 0);
  EXPECT_EQ(filter_mask, 0u) << "a filter was skipped";
  return stored;
}

// Spike-like values: increasing times, and ids with a pattern.
std::vector<double> spike_times(std::size_t n) {
  std::vector<double> t(n);
  for (std::size_t k = 0; k < n; ++k)
    t[k] = 0.1 * static_cast<double>(k / 7);  // NOLINT(bugprone-integer-division): 7 spikes per step
  return t;
}
std::vector<std::uint64_t> node_ids(std::size_t n) {
  std::vector<std::uint64_t> ids(n);
  for (std::size_t k = 0; k < n; ++k) ids[k] = (k * 2654435761U) % 4000;
  return ids;
}

TEST(chunk_filter, bytes_equal_hdf5s_shuffle_and_deflate) {
  const scratch_dir dir("chunk_filter");
  const auto path = dir / "h5filters.h5";
  const std::vector<double> times = spike_times(chunk_elements);
  const std::vector<std::uint64_t> ids = node_ids(chunk_elements);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const auto write_with_hdf5 = [&](const char* name, hid_t file_type, hid_t memory_type, const void* data) {
    const hsize_t n = chunk_elements;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(plist, 1, &n);
    H5Pset_shuffle(plist);
    H5Pset_deflate(plist, hdf5_write::deflate_level);
    const hid_t ds = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, plist, H5P_DEFAULT);
    EXPECT_GE(H5Dwrite(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
    H5Pclose(plist);
    H5Sclose(space);
    return ds;
  };
  const hid_t t = write_with_hdf5("t", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, times.data());
  const hid_t i = write_with_hdf5("i", H5T_STD_U64LE, H5T_NATIVE_UINT64, ids.data());
  EXPECT_EQ(stored_chunk(t, 0),
            shuffle_and_deflate(times.data(), times.size() * sizeof(double), sizeof(double)));
  EXPECT_EQ(stored_chunk(i, 0), shuffle_and_deflate(ids.data(), ids.size() * sizeof(std::uint64_t), 8));
  H5Dclose(t);
  H5Dclose(i);
  H5Fclose(file);
}

TEST(chunk_filter, filtered_aside_chunks_read_back_exactly) {
  const scratch_dir dir("chunk_aside");
  const auto path = dir / "out.h5";
  const std::size_t n = 3 * chunk_elements + 12345;
  const std::vector<double> times = spike_times(n);
  const std::size_t width = 3;  // a 2-D report of floats, chunk_elements / 3 rows per chunk
  const std::size_t rows = 4 * (chunk_elements / width) + 77;
  std::vector<float> frames(rows * width);
  for (std::size_t k = 0; k < frames.size(); ++k) frames[k] = static_cast<float>(k % 1001) * 0.25F;
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    {
      appendable_dataset<double> t(file, "t", 0, path.string(), "/t");
      appendable_dataset<float> f(file, "f", width, path.string(), "/f");
      // Uneven batches; a flush off a chunk boundary after the first 100,003 values.
      std::size_t done = 0;
      for (std::size_t batch = 1; done < n; batch = batch * 3 % 9973 + 1) {
        const std::size_t m = std::min(batch, n - done);
        t.append({times.data() + done, m});
        done += m;
        if (done >= 100003 && done - m < 100003) t.flush();
      }
      for (std::size_t r = 0; r < rows; r += 500) {
        const std::size_t m = std::min<std::size_t>(500, rows - r);
        f.append({frames.data() + r * width, m * width});
      }
      t.flush();
      f.flush();
      EXPECT_EQ(t.rows_written(), n);
      EXPECT_EQ(f.rows_written(), rows);
      // The whole chunks after the flush started on boundaries: stored as HDF5's own
      // pipeline would store them.
      EXPECT_EQ(stored_chunk(t.id(), 2 * chunk_elements),
                shuffle_and_deflate(times.data() + 2 * chunk_elements, chunk_elements * sizeof(double),
                                    sizeof(double)));
      const std::size_t chunk_rows = chunk_elements / width;
      EXPECT_EQ(stored_chunk(f.id(), chunk_rows),
                shuffle_and_deflate(frames.data() + chunk_rows * width, chunk_rows * width * sizeof(float),
                                    sizeof(float)));
    }
    H5Fclose(file);
  }
  const hdf5_reader r(path);
  EXPECT_EQ(r.read_doubles("/t"), times);
  const auto read = r.read_float_rows("/f", 0, rows);
  EXPECT_EQ(read.values, frames);
}

}  // namespace
}  // namespace spikeq::io
