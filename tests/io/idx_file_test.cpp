// The IDX reader (io/dataset/idx_file.hpp) on files written here to the format's
// definition (LeCun et al., "The MNIST database", file format section), and the
// Fashion-MNIST files of Debian's dataset-fashion-mnist package (60000 training and
// 10000 test images of 28 x 28, per the data set's README).
#include "io/dataset/idx_file.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>

#include "io/dataset/fashion_mnist_files.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/io/idx_test_files.hpp"

namespace spikeq::testing {
namespace {

std::string error_of(const std::filesystem::path& p, std::size_t dims) {
  try {
    io::read_idx(p, dims);
  } catch (const io::idx_error& e) {
    return e.what();
  }
  return "";
}

const std::vector<std::uint8_t> two_images{0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,
                                           11,  12,  13,  14,  15,  255, 254, 253, 252, 251, 250,
                                           249, 248, 247, 246, 245, 244, 243, 242, 241, 240};

TEST(idx_file, reads_dimensions_and_bytes) {
  const auto dir = scratch_dir("idx_good");
  write_file(dir / "a.idx", idx_bytes({2, 4, 4}, two_images));
  const auto a = io::read_idx(dir / "a.idx", 3);
  EXPECT_EQ(a.dims, (std::vector<std::uint32_t>{2, 4, 4}));
  EXPECT_EQ(a.count(), 2u);
  EXPECT_TRUE(std::equal(a.data.begin(), a.data.end(), two_images.begin(), two_images.end()));
  std::filesystem::remove_all(dir);
}

TEST(idx_file, reads_gzip_compressed_files) {
  const auto dir = scratch_dir("idx_gz");
  const std::string bytes = idx_bytes({2, 4, 4}, two_images);
  gzFile gz = gzopen((dir / "a.idx.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(gz);
  const auto a = io::read_idx(dir / "a.idx.gz", 3);
  EXPECT_EQ(a.dims, (std::vector<std::uint32_t>{2, 4, 4}));
  EXPECT_TRUE(std::equal(a.data.begin(), a.data.end(), two_images.begin(), two_images.end()));
  std::filesystem::remove_all(dir);
}

TEST(idx_file, rejects_a_wrong_magic) {
  const auto dir = scratch_dir("idx_magic");
  std::string bytes = idx_bytes({2, 4, 4}, two_images);
  bytes[0] = 0x12;
  write_file(dir / "a.idx", bytes);
  const auto e = error_of(dir / "a.idx", 3);
  EXPECT_NE(e.find("no IDX magic"), std::string::npos) << e;
  EXPECT_NE(e.find("a.idx"), std::string::npos) << e;
  write_file(dir / "f.idx", idx_bytes({2, 4, 4}, two_images, 0x0d));  // 0x0d: float, not supported
  EXPECT_NE(error_of(dir / "f.idx", 3).find("element type 0x0d"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(idx_file, rejects_truncated_and_oversized_files) {
  const auto dir = scratch_dir("idx_truncated");
  std::string bytes = idx_bytes({2, 4, 4}, two_images);
  write_file(dir / "short.idx", bytes.substr(0, bytes.size() - 1));
  EXPECT_NE(error_of(dir / "short.idx", 3)
                .find("is truncated: the header announces 32 data bytes, the file holds 31"),
            std::string::npos)
      << error_of(dir / "short.idx", 3);
  write_file(dir / "header.idx", bytes.substr(0, 9));
  EXPECT_NE(error_of(dir / "header.idx", 3).find("shorter than its 16-byte header"), std::string::npos);
  write_file(dir / "long.idx", bytes + "x");
  EXPECT_NE(error_of(dir / "long.idx", 3).find("trailing bytes"), std::string::npos);
  write_file(dir / "empty.idx", "");
  EXPECT_NE(error_of(dir / "empty.idx", 3).find("truncated"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(idx_file, rejects_a_wrong_dimension_count_and_a_missing_file) {
  const auto dir = scratch_dir("idx_dims");
  write_file(dir / "a.idx", idx_bytes({32}, two_images));
  EXPECT_NE(error_of(dir / "a.idx", 3).find("has 1 dimensions, expected 3"), std::string::npos);
  EXPECT_NE(error_of(dir / "missing.idx", 1).find("cannot be opened"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Skipped, with the reason, only where the package is not installed.
TEST(fashion_mnist_package, files_hold_60000_and_10000_images_of_28_by_28) {
  io::dataset_files train, test;
  try {
    train = io::fashion_mnist_files(true);
    test = io::fashion_mnist_files(false);
  } catch (const io::dataset_package_error& e) {
    GTEST_SKIP() << e.what();
  }
  for (const auto& [files, n] : {std::pair{train, 60000u}, std::pair{test, 10000u}}) {
    const auto images = io::read_idx(files.images, 3);
    const auto labels = io::read_idx(files.labels, 1);
    EXPECT_EQ(images.dims, (std::vector<std::uint32_t>{n, 28, 28})) << files.images;
    EXPECT_EQ(labels.dims, (std::vector<std::uint32_t>{n})) << files.labels;
    EXPECT_EQ(*std::max_element(labels.data.begin(), labels.data.end()), 9) << "10 classes";
  }
}

}  // namespace
}  // namespace spikeq::testing
