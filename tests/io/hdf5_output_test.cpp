// The SONATA output file: layout and values round-trip; commit is atomic; a failed
// run leaves an existing file alone; a crash after a flush keeps what was flushed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {
namespace {

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("spikeq_h5_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(hdf5_output, spikes_and_frames_round_trip_with_sonata_types) {
  const auto dir = fresh_dir("roundtrip");
  const auto path = dir / "out.h5";
  {
    output_file out(path);
    auto& exc = out.add_spike_population("exc", 10);
    auto& inh = out.add_spike_population("inh", 3);
    auto& v = out.add_frame_report("exc", "V_m", "mV", {0, 4}, 0.0, 0.1);
    out.write_string_dataset("/provenance/network", "population { name: \"exc\" }");
    out.set_string_attribute("/provenance", "seed", "7");
    out.start_streaming();
    // More than one chunk (65536) to exercise batching.
    std::vector<double> t;
    std::vector<std::uint64_t> ids;
    for (int k = 0; k < 70000; ++k) {
      t.push_back(k * 0.01);
      ids.push_back(static_cast<std::uint64_t>(k % 10));
    }
    exc.append(t, ids);
    inh.append(std::vector<double>{1.5}, std::vector<std::uint64_t>{2});
    for (int f = 0; f < 5; ++f) v.append_frame(std::vector<float>{-70.0f + f, -60.0f - f});
    out.commit();
  }
  hdf5_reader r(path);
  EXPECT_EQ(r.integer_attribute("/", "magic"), std::vector<std::uint64_t>{0x0A7A});
  EXPECT_EQ(r.integer_attribute("/", "version"), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(r.attribute_class("/spikes/exc", "sorting"), H5T_ENUM);
  EXPECT_EQ(r.integer_attribute("/spikes/exc", "sorting"), std::vector<std::uint64_t>{2});  // by_time
  EXPECT_EQ(r.string_attribute("/spikes/exc/timestamps", "units"), "ms");
  const auto t = r.read_doubles("/spikes/exc/timestamps");
  ASSERT_EQ(t.size(), 70000u);
  EXPECT_EQ(t[69999], 69999 * 0.01);
  EXPECT_EQ(r.read_uint64s("/spikes/exc/node_ids")[12345], 5u);
  EXPECT_EQ(r.read_doubles("/spikes/inh/timestamps"), std::vector<double>{1.5});
  EXPECT_EQ(r.shape("/report/exc/data"), (std::vector<std::uint64_t>{5, 2}));
  EXPECT_EQ(r.read_floats("/report/exc/data")[9], -64.0f);
  EXPECT_EQ(r.read_doubles("/report/exc/mapping/time"), (std::vector<double>{0.0, 0.5, 0.1}));
  EXPECT_EQ(r.read_uint64s("/report/exc/mapping/index_pointer"), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(r.string_attribute("/report/exc/data", "units"), "mV");
  EXPECT_EQ(r.read_string("/provenance/network"), "population { name: \"exc\" }");
  EXPECT_EQ(r.string_attribute("/provenance", "seed"), "7");
  std::filesystem::remove_all(dir);
}

TEST(hdf5_output, commit_replaces_an_existing_file_and_leaves_no_temporary) {
  const auto dir = fresh_dir("commit");
  const auto path = dir / "out.h5";
  { std::ofstream(path) << "old"; }
  {
    output_file out(path);
    out.add_spike_population("a", 1);
    out.start_streaming();
    out.commit();
  }
  EXPECT_TRUE(hdf5_reader(path).exists("/spikes/a/timestamps"));
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  std::filesystem::remove_all(dir);
}

TEST(hdf5_output, an_uncommitted_file_never_touches_the_previous_result) {
  const auto dir = fresh_dir("abort");
  const auto path = dir / "out.h5";
  { std::ofstream(path) << "previous result"; }
  {
    output_file out(path);
    auto& s = out.add_spike_population("a", 1);
    out.start_streaming();
    s.append(std::vector<double>{1.0}, std::vector<std::uint64_t>{0});
    out.flush();
    EXPECT_TRUE(std::filesystem::exists(out.temporary_path()));
  }  // destroyed without commit: a failed run
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "previous result");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  std::filesystem::remove_all(dir);
}

TEST(hdf5_output, a_crash_after_a_flush_keeps_the_flushed_spikes) {
  // formats.md: a global flush keeps every spike written so far readable after a crash.
  const auto dir = fresh_dir("crash");
  const auto path = dir / "out.h5";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    output_file out(path);
    auto& s = out.add_spike_population("a", 5);
    out.start_streaming();
    s.append(std::vector<double>{1.0, 2.0, 3.0}, std::vector<std::uint64_t>{0, 1, 2});
    out.flush();
    s.append(std::vector<double>{4.0}, std::vector<std::uint64_t>{3});  // never flushed
    std::_Exit(0);  // no destructors: like a killed process
  }
  int status = 0;
  waitpid(child, &status, 0);
  std::filesystem::path temp;
  for (const auto& e : std::filesystem::directory_iterator(dir)) temp = e.path();
  ASSERT_FALSE(temp.empty()) << "the temporary file of the crashed run should remain";
  EXPECT_FALSE(std::filesystem::exists(path)) << "a crashed run must not appear as a finished result";
  // A SWMR reader opens it as it is (h5clear -s would let ordinary readers in too).
  hdf5_reader r(temp, /*swmr=*/true);
  EXPECT_EQ(r.read_doubles("/spikes/a/timestamps"), (std::vector<double>{1.0, 2.0, 3.0}));
  std::filesystem::remove_all(dir);
}

TEST(hdf5_output, errors_name_the_file_and_the_path_inside_it) {
  const auto dir = fresh_dir("errors");
  const auto path = dir / "out.h5";
  {
    output_file out(path);
    out.add_spike_population("a", 1);
    out.start_streaming();
    out.commit();
  }
  hdf5_reader r(path);
  try {
    r.read_doubles("/spikes/b/timestamps");
    FAIL() << "expected an error";
  } catch (const hdf5_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    EXPECT_NE(what.find("/spikes/b/timestamps"), std::string::npos) << what;
  }
  EXPECT_THROW(hdf5_reader(dir / "missing.h5"), hdf5_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::io
