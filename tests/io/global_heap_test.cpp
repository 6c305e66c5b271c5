// io/hdf5/global_heap against collections laid out by hand after the HDF5 File Format
// Specification, "Global Heap" (version 1): header "GCOL", 1, three reserved bytes, the
// collection's size; objects of index (2 bytes), reference count (2), reserved (4),
// size (a length) and data padded to 8 bytes; index 0 the free space. Headers padded to
// 8 bytes as libhdf5 writes them (checked against files it wrote with 4-byte lengths:
// tests/io/variable_string_read_test.cpp).
#include "io/hdf5/global_heap.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "hdf5_test_support.hpp"

namespace spikeq::io {
namespace {

using testing::scratch_dir;

void put(std::vector<unsigned char>& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) out.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

// libhdf5 pads each header to a multiple of 8 bytes (H5HG_ALIGN), which the
// specification's tables do not show.
void pad(std::vector<unsigned char>& out) { out.resize((out.size() + 7) / 8 * 8, 0); }

struct heap_object {
  std::uint16_t index;
  std::string data;
};

// A collection of `size` bytes (at least what the objects need) with lengths of
// `length_size` bytes; the rest is free space.
std::vector<unsigned char> collection(const std::vector<heap_object>& objects, std::size_t length_size,
                                      std::uint64_t size) {
  std::vector<unsigned char> out = {'G', 'C', 'O', 'L', 1, 0, 0, 0};
  put(out, size, length_size);
  pad(out);
  for (const auto& o : objects) {
    put(out, o.index, 2);
    put(out, 1, 2);
    put(out, 0, 4);
    put(out, o.data.size(), length_size);
    pad(out);
    out.insert(out.end(), o.data.begin(), o.data.end());
    out.insert(out.end(), (8 - o.data.size() % 8) % 8, 0);  // the data padded, not the offset
  }
  const std::uint64_t free = size - out.size();
  put(out, 0, 2);
  put(out, 0, 2);
  put(out, 0, 4);
  put(out, free, length_size);
  out.resize(size, 0);
  return out;
}

std::filesystem::path file_with(const scratch_dir& dir, const std::vector<unsigned char>& prefix,
                                const std::vector<unsigned char>& heap) {
  const auto path = dir / "heap.bin";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(prefix.data()), static_cast<std::streamsize>(prefix.size()));
  out.write(reinterpret_cast<const char*>(heap.data()), static_cast<std::streamsize>(heap.size()));
  return path;
}

std::string error_of(const std::filesystem::path& path, const heap_file_layout& layout,
                     const global_heap_id& id, std::uint64_t size) {
  try {
    (void)read_global_heap_object(path, layout, id, size);
  } catch (const global_heap_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "a damaged heap was read";
  return "";
}

const std::vector<heap_object> three = {{1, "tau_m_ms"}, {2, "a longer string than eight"}, {7, ""}};

TEST(global_heap, objects_are_found_by_index_in_any_order) {
  const scratch_dir dir("heap");
  const auto path = file_with(dir, {}, collection(three, 8, 4096));
  EXPECT_EQ(read_global_heap_object(path, {0, 8}, {0, 2}, 26), "a longer string than eight");
  EXPECT_EQ(read_global_heap_object(path, {0, 8}, {0, 1}, 8), "tau_m_ms");
  EXPECT_EQ(read_global_heap_object(path, {0, 8}, {0, 7}, 0), "");
}

TEST(global_heap, addresses_are_relative_to_the_base_address_and_lengths_may_be_4_bytes) {
  const scratch_dir dir("heap_base");
  const std::vector<unsigned char> user_block(512, 0xaa);
  const auto path = file_with(dir, user_block, collection(three, 4, 256));
  EXPECT_EQ(read_global_heap_object(path, {512, 4}, {0, 1}, 8), "tau_m_ms");
  EXPECT_NE(error_of(path, {0, 4}, {0, 1}, 8).find("no global heap collection at address 0"),
            std::string::npos);
}

TEST(global_heap, damaged_collections_and_ids_are_errors_that_say_what_is_wrong) {
  const scratch_dir dir("heap_damaged");
  auto heap = collection(three, 8, 4096);
  const auto path = file_with(dir, {}, heap);
  EXPECT_NE(error_of(path, {0, 8}, {8192, 1}, 8).find("lies beyond the end of the file"), std::string::npos);
  EXPECT_NE(error_of(path, {0, 8}, {0, 3}, 8).find("no object 3 in global heap collection"),
            std::string::npos);
  EXPECT_NE(error_of(path, {0, 8}, {0, 1}, 9).find("holds 8 bytes, the string claims 9"), std::string::npos);
  EXPECT_NE(error_of(path, {0, 3}, {0, 1}, 8).find("unsupported size of lengths 3"), std::string::npos);

  heap[4] = 2;  // version
  EXPECT_NE(error_of(file_with(dir, {}, heap), {0, 8}, {0, 1}, 8).find("unknown version 2"),
            std::string::npos);
  heap[4] = 1;
  heap[8 + 7] = 0x10;  // the collection's size: 2^60 + 4096
  EXPECT_NE(error_of(file_with(dir, {}, heap), {0, 8}, {0, 1}, 8).find("claims 1152921504606851072 bytes"),
            std::string::npos);
  heap[8 + 7] = 0;
  heap[16 + 8 + 6] = 1;  // object 1's size: 2^48 + 8
  EXPECT_NE(error_of(file_with(dir, {}, heap), {0, 8}, {0, 2}, 26)
                .find("object 1 of global heap collection at "
                      "address 0 runs past the collection's end"),
            std::string::npos);
}

// A collection that is all free space and zeros, or objects of size 0 repeated: the walk
// ends (at the collection's end, or after 65536 objects) without finding the object.
TEST(global_heap, a_walk_through_a_degenerate_collection_ends) {
  const scratch_dir dir("heap_degenerate");
  std::vector<heap_object> empties(70000, heap_object{5, ""});
  const auto path = file_with(dir, {}, collection(empties, 8, 16 + 70000 * 16 + 16));
  EXPECT_NE(error_of(path, {0, 8}, {0, 6}, 0).find("no object 6"), std::string::npos);
}

}  // namespace
}  // namespace spikeq::io
