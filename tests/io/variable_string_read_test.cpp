// Variable-length strings (io/hdf5/variable_string_read): libhdf5 reads only the stored
// descriptor and io/hdf5/global_heap the string, so values written by libhdf5 arrive
// intact, and a damaged heap (what made libhdf5 1.10.8 allocate gigabytes or crash:
// fuzz/regressions/recording/hdf5-1.10.8-*) is an hdf5_error naming the string.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hdf5_test_support.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {
namespace {

using testing::scratch_dir;

std::filesystem::path file_with_strings(const scratch_dir& dir) {
  auto path = dir / "strings.h5";
  output_file out(path);
  out.set_string_attribute("/", "title", "five strings");
  out.set_string_attribute("/", "unicode", "τ_m = 10 ms");
  out.set_string_attribute("/", "empty", "");
  out.write_string_dataset("/network", std::string(100000, 'n'));  // a collection of its own
  out.write_string_dataset("/notes", "line one\nline two");
  out.start_streaming();
  out.commit();
  return path;
}

std::vector<char> bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Offsets of the global heap collections ("GCOL") in a file's bytes.
std::vector<std::size_t> collections_in(const std::vector<char>& bytes) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i + 4 <= bytes.size(); ++i)
    if (std::memcmp(bytes.data() + i, "GCOL", 4) == 0) found.push_back(i);
  return found;
}

// The error of reading attribute `name` of "/", which must fail.
std::string error_reading_title(const std::filesystem::path& path) {
  const hdf5_reader r(path);
  try {
    (void)r.string_attribute("/", "title");
  } catch (const hdf5_error& e) {
    EXPECT_EQ(e.path(), "/@title");
    return e.what();
  }
  ADD_FAILURE() << "a damaged string was read";
  return "";
}

TEST(variable_string_read, values_written_by_libhdf5_arrive_intact) {
  const scratch_dir dir("vlen");
  const auto path = file_with_strings(dir);
  const hdf5_reader r(path);
  EXPECT_EQ(r.string_attribute("/", "title"), "five strings");
  EXPECT_EQ(r.string_attribute("/", "unicode"), "τ_m = 10 ms");
  EXPECT_EQ(r.string_attribute("/", "empty"), "");
  EXPECT_EQ(r.read_string("/network"), std::string(100000, 'n'));
  EXPECT_EQ(r.read_string("/notes"), "line one\nline two");
  try {
    (void)r.string_attribute("/", "missing");
    ADD_FAILURE() << "a missing attribute was read";
  } catch (const hdf5_error& e) {
    EXPECT_EQ(e.path(), "/@missing");
  }
}

TEST(variable_string_read, a_string_dataset_never_written_reads_as_empty) {
  const scratch_dir dir("vlen_unwritten");
  const auto path = dir / "unwritten.h5";
  {
    const hdf5_handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    const hdf5_handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    ASSERT_GE(H5Tset_size(type.get(), H5T_VARIABLE), 0);
    const hdf5_handle space(H5Screate(H5S_SCALAR), H5Sclose);
    const hdf5_handle dataset(
        H5Dcreate2(file.get(), "/unwritten", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
    ASSERT_TRUE(dataset.valid());
  }
  EXPECT_EQ(hdf5_reader(path).read_string("/unwritten"), "");
}

// Heap addresses are relative to the base address (after a user block), and lengths
// may be stored in 4 bytes (H5Pset_sizes): both change where the reader looks.
TEST(variable_string_read, files_with_a_user_block_or_4_byte_lengths_are_read_right) {
  const scratch_dir dir("vlen_layouts");
  struct layout {
    hsize_t user_block;
    std::size_t length_size;
  };
  for (const layout l : {layout{512, 8}, layout{0, 4}, layout{1024, 4}}) {
    const auto path =
        dir / ("layout_" + std::to_string(l.user_block) + "_" + std::to_string(l.length_size) + ".h5");
    {
      const hdf5_handle creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
      ASSERT_GE(H5Pset_userblock(creation.get(), l.user_block), 0);
      ASSERT_GE(H5Pset_sizes(creation.get(), 8, l.length_size), 0);
      const hdf5_handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), H5P_DEFAULT), H5Fclose);
      ASSERT_TRUE(file.valid());
      const hdf5_handle type(H5Tcopy(H5T_C_S1), H5Tclose);
      ASSERT_GE(H5Tset_size(type.get(), H5T_VARIABLE), 0);
      const hdf5_handle space(H5Screate(H5S_SCALAR), H5Sclose);
      const hdf5_handle attribute(
          H5Acreate2(file.get(), "title", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
      const char* value = "after the user block";
      ASSERT_GE(H5Awrite(attribute.get(), type.get(), &value), 0);
    }
    EXPECT_EQ(hdf5_reader(path).string_attribute("/", "title"), "after the user block")
        << "user block " << l.user_block << ", lengths of " << l.length_size << " bytes";
  }
}

// libhdf5 1.10.8 allocates and clears what a damaged collection claims
// (fuzz/regressions/recording/hdf5-1.10.8-vlen-4GiB-malloc-oom-5dd08a4b.h5); here it
// is refused before any allocation, at once.
TEST(variable_string_read, a_collection_claiming_more_than_the_file_is_refused_at_once) {
  const scratch_dir dir("vlen_claim");
  const auto path = file_with_strings(dir);
  auto bytes = bytes_of(path);
  const auto collections = collections_in(bytes);
  ASSERT_FALSE(collections.empty());
  for (const std::size_t at : collections) std::memset(bytes.data() + at + 8, 0x7f, 8);  // size: 2^63 - 1 ...
  write_bytes(path, bytes);
  const auto start = std::chrono::steady_clock::now();
  const std::string what = error_reading_title(path);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_NE(what.find("the string's storage is damaged: global heap collection at address"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("claims 9187201950435737471 bytes"), std::string::npos) << what;
}

// libhdf5 1.10.8 copies an object's stored size whatever the string's length says
// (fuzz/regressions/recording/hdf5-1.10.8-memcpy-overlap-in-H5HG_read-efb1249b.h5).
TEST(variable_string_read, an_object_whose_size_differs_from_the_strings_length_is_refused) {
  const scratch_dir dir("vlen_object");
  const auto path = file_with_strings(dir);
  auto bytes = bytes_of(path);
  const auto collections = collections_in(bytes);
  ASSERT_FALSE(collections.empty());
  // Every object's size field (after the 16-byte collection header and each object's
  // 8 bytes of index, count and reserved): one byte longer.
  for (const std::size_t at : collections) {
    std::uint64_t size = 0;
    std::memcpy(&size, bytes.data() + at + 16 + 8, 8);
    ++size;
    std::memcpy(bytes.data() + at + 16 + 8, &size, 8);
  }
  write_bytes(path, bytes);
  const std::string what = error_reading_title(path);
  EXPECT_NE(what.find("the string claims"), std::string::npos) << what;
}

TEST(variable_string_read, a_string_pointing_at_no_collection_is_refused) {
  const scratch_dir dir("vlen_signature");
  const auto path = file_with_strings(dir);
  auto bytes = bytes_of(path);
  for (const std::size_t at : collections_in(bytes)) bytes[at] = 'X';
  write_bytes(path, bytes);
  const std::string what = error_reading_title(path);
  EXPECT_NE(what.find("no global heap collection at address"), std::string::npos) << what;
}

}  // namespace
}  // namespace spikeq::io
