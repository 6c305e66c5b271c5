// Reading which neurons a spike population recorded (analysis/spike_reading.hpp), and
// opening recordings without HDF5's SWMR retry loop on damaged files
// (io::open_recording_file).
#include "analysis/spike_reading.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/hdf5/output_file.hpp"

namespace spikeq::analysis {
namespace {

using ids = std::vector<std::uint64_t>;

std::filesystem::path scratch(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("spikeq_reading_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A spikeq file: population "p" of 20 neurons, of which `recorded` (empty: all) are
// recorded, with spikes of `spiking` at 1, 2, ... ms.
std::filesystem::path write_spikeq_file(const std::filesystem::path& dir, const ids& recorded,
                                        const ids& spiking) {
  const auto path = dir / "spikeq.h5";
  io::output_file out(path);
  auto& p = out.add_spike_population("p", 20);
  p.set_recorded_node_ids(recorded);
  out.start_streaming();
  std::vector<double> times;
  for (std::size_t k = 0; k < spiking.size(); ++k) times.push_back(1.0 + static_cast<double>(k));
  p.append(times, spiking);
  out.commit();
  return path;
}

// A SONATA spike file as another tool writes it: /spikes/p with timestamps and
// node_ids only, and optionally a recorded_node_ids dataset of our own layout.
std::filesystem::path write_other_file(const std::filesystem::path& dir, const ids& node_ids,
                                       const ids* recorded = nullptr, const ids* node_count = nullptr) {
  const auto path = dir / "other.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t spikes = H5Gcreate2(file, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t group = H5Gcreate2(spikes, "p", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const auto write = [&](const char* name, hid_t type, const void* data, hsize_t n) {
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t ds = H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (n > 0) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(ds);
    H5Sclose(space);
  };
  std::vector<double> times(node_ids.size());
  for (std::size_t k = 0; k < times.size(); ++k) times[k] = static_cast<double>(k);
  write("timestamps", H5T_NATIVE_DOUBLE, times.data(), times.size());
  write("node_ids", H5T_NATIVE_UINT64, node_ids.data(), node_ids.size());
  if (recorded != nullptr) write("recorded_node_ids", H5T_NATIVE_UINT64, recorded->data(), recorded->size());
  if (node_count != nullptr) {
    const hsize_t one = 1;
    const hid_t space = H5Screate_simple(1, &one, nullptr);
    const hid_t attr = H5Acreate2(group, "node_count", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, H5T_NATIVE_UINT64, node_count->data());
    H5Aclose(attr);
    H5Sclose(space);
  }
  H5Gclose(group);
  H5Gclose(spikes);
  H5Fclose(file);
  return path;
}

TEST(recorded_neurons, a_partial_spikeq_recording_lists_exactly_the_recorded_neurons) {
  const auto dir = scratch("partial");
  const auto r = open_recording(write_spikeq_file(dir, {3, 7, 9}, {7, 3, 7}));
  const auto n = read_recorded_neurons(r, "p");
  EXPECT_TRUE(n.listed);
  EXPECT_EQ(n.node_ids, (ids{3, 7, 9}));
  EXPECT_EQ(n.population_size, std::uint64_t{20});
  EXPECT_FALSE(n.contiguous);
  EXPECT_EQ(n.index_of(3), 0u);
  EXPECT_EQ(n.index_of(9), 2u);
  EXPECT_EQ(n.index_of(4), recorded_neurons::npos);
  EXPECT_EQ(n.index_of(20), recorded_neurons::npos);
  EXPECT_EQ(n.note("p"), "");
  std::vector<std::uint64_t> slots;
  to_recorded_indices(r, "p", n, ids{7, 3, 9}, slots);
  EXPECT_EQ(slots, (ids{1, 0, 2}));
  EXPECT_THROW(to_recorded_indices(r, "p", n, ids{5}, slots), io::hdf5_error);
  std::filesystem::remove_all(dir);
}

TEST(recorded_neurons, a_whole_spikeq_recording_lists_every_neuron_also_the_silent_ones) {
  const auto dir = scratch("whole");
  const auto r = open_recording(write_spikeq_file(dir, {}, {4}));
  const auto n = read_recorded_neurons(r, "p");
  EXPECT_TRUE(n.listed);
  EXPECT_EQ(n.size(), 20u);
  EXPECT_TRUE(n.contiguous);
  EXPECT_EQ(n.index_of(19), 19u);
  EXPECT_EQ(n.index_of(20), recorded_neurons::npos);
  std::filesystem::remove_all(dir);
}

TEST(recorded_neurons, the_writer_refuses_spikes_of_unrecorded_neurons) {
  const auto dir = scratch("writer");
  io::output_file out(dir / "w.h5");
  auto& p = out.add_spike_population("p", 5);
  EXPECT_THROW(p.set_recorded_node_ids({3, 1}), std::invalid_argument);  // not ascending
  EXPECT_THROW(p.set_recorded_node_ids({5}), std::invalid_argument);     // beyond the node count
  p.set_recorded_node_ids({1, 3});
  out.start_streaming();
  const std::vector<double> t{1.0};
  EXPECT_THROW(p.append(t, ids{2}), std::invalid_argument);
  EXPECT_THROW(p.set_recorded_node_ids({2}), std::logic_error);  // after the declarations
  std::filesystem::remove_all(dir);
}

TEST(recorded_neurons, files_of_other_tools_fall_back_to_the_neurons_that_spike_with_a_note) {
  const auto dir = scratch("other");
  const ids node_count{100};
  const auto r = open_recording(write_other_file(dir, {5, 2, 5, 40}, nullptr, &node_count));
  const auto n = read_recorded_neurons(r, "p");
  EXPECT_FALSE(n.listed);
  EXPECT_EQ(n.node_ids, (ids{2, 5, 40}));
  EXPECT_EQ(n.population_size, std::uint64_t{100});
  const auto note = n.note("p");
  EXPECT_NE(note.find("note: /spikes/p does not list its recorded neurons"), std::string::npos) << note;
  EXPECT_NE(note.find("the 3 neurons that spiked (population of 100)"), std::string::npos) << note;
  std::filesystem::remove_all(dir);
}

TEST(recorded_neurons, an_unsorted_list_from_another_writer_is_sorted_and_ids_beyond_node_count_are_refused) {
  const auto dir = scratch("unsorted");
  const ids recorded{9, 1, 9, 4};
  {
    const auto r = open_recording(write_other_file(dir, {1, 9}, &recorded));
    const auto n = read_recorded_neurons(r, "p");
    EXPECT_TRUE(n.listed);
    EXPECT_EQ(n.node_ids, (ids{1, 4, 9}));
  }
  const ids node_count{5};
  const auto r = open_recording(write_other_file(dir, {1}, &recorded, &node_count));
  EXPECT_THROW(read_recorded_neurons(r, "p"), io::hdf5_error);
  std::filesystem::remove_all(dir);
}

TEST(open_recording_file, a_killed_runs_output_is_marked_for_swmr_and_opens_as_a_swmr_reader) {
  // A child writes, flushes and dies without closing (like a killed run); the file
  // keeps the SWMR-writing mark, so it is opened as a (bounded) SWMR reader.
  const auto dir = scratch("marks");
  const auto path = dir / "killed.h5";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      io::output_file out(path);
      out.add_spike_population("p", 3).set_recorded_node_ids({1});
      out.start_streaming();
      out.flush();
      std::_Exit(0);  // no close
    } catch (...) {
      std::_Exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::filesystem::path temp;
  for (const auto& e : std::filesystem::directory_iterator(dir)) temp = e.path();
  const auto marked = io::read_superblock_status(temp);
  EXPECT_TRUE(marked.found);
  EXPECT_EQ(marked.version, 3u);
  EXPECT_TRUE(marked.write_access);
  EXPECT_TRUE(marked.swmr_write);
  {
    const auto r = io::open_recording_file(temp);
    EXPECT_EQ(read_recorded_neurons(r, "p").node_ids, ids{1});
  }
  const auto closed = io::read_superblock_status(write_spikeq_file(dir, {}, {1}));
  EXPECT_TRUE(closed.found);
  EXPECT_FALSE(closed.write_access);
  EXPECT_FALSE(closed.swmr_write);
  EXPECT_FALSE(io::read_superblock_status(dir / "missing.h5").found);
  std::filesystem::remove_all(dir);
}

TEST(open_recording_file, damaged_superblocks_fail_at_once_naming_the_file) {
  const auto dir = scratch("damaged");
  const auto good = write_spikeq_file(dir, {}, {1});
  std::vector<char> bytes;
  {
    std::ifstream in(good, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto damaged = dir / "damaged.h5";
  for (const unsigned char flags : {0x00, 0x05}) {  // plainly closed, or marked as being written (SWMR)
    auto copy = bytes;
    copy[11] = static_cast<char>(flags);
    copy[40] = static_cast<char>(copy[40] ^ 0x5a);  // root object header address, under the checksum
    std::ofstream(damaged, std::ios::binary).write(copy.data(), static_cast<std::streamsize>(copy.size()));
    const auto start = std::chrono::steady_clock::now();
    try {
      io::open_recording_file(damaged);
      ADD_FAILURE() << "opened a damaged file";
    } catch (const io::hdf5_error& e) {
      EXPECT_EQ(e.file(), damaged.string());
      EXPECT_NE(std::string(e.what()).find("damaged or truncated"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
  }
  std::ofstream(dir / "text.h5") << "not hdf5";
  EXPECT_THROW(io::open_recording_file(dir / "text.h5"), io::hdf5_error);
  EXPECT_THROW(io::open_recording_file(dir / "missing.h5"), io::hdf5_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::analysis
