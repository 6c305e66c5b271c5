// Failures: HDF5 errors become hdf5_error naming the file and the HDF5 path (and
// HDF5 prints nothing), and the writers' REQUIRES are enforced.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "hdf5_test_support.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {
namespace {

using testing::scratch_dir;
using testing::write_text;
using u64s = std::vector<std::uint64_t>;

// Expects `body` to throw hdf5_error whose message names `file` and `path`.
template <typename Body>
void expect_hdf5_error(Body body, const std::string& file, const std::string& path) {
  try {
    body();
    ADD_FAILURE() << "expected hdf5_error for " << path;
  } catch (const hdf5_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.file(), file);
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(what.rfind(path.empty() ? file + ": " : file + ":" + path + ": ", 0), 0u) << what;
  }
}

void write_small_file(const std::filesystem::path& path) {
  output_file out(path);
  auto& s = out.add_spike_population("a", 1);
  out.start_streaming();
  s.append(std::vector<double>{1.0}, u64s{0});
  out.commit();
}

TEST(hdf5_errors, reader_errors_name_the_file_and_the_path_inside_it) {
  const scratch_dir dir("errors");
  const auto path = dir / "out.h5";
  write_small_file(path);
  const hdf5_reader r(path);
  expect_hdf5_error([&] { r.read_doubles("/spikes/b/timestamps"); }, path.string(), "/spikes/b/timestamps");
  expect_hdf5_error([&] { r.string_attribute("/spikes/a", "nope"); }, path.string(), "/spikes/a@nope");
  expect_hdf5_error([&] { r.members("/report"); }, path.string(), "/report");
  expect_hdf5_error([&] { r.read_float_matrix("/spikes/a/timestamps"); }, path.string(),
                    "/spikes/a/timestamps");
  expect_hdf5_error([&] { r.read_string("/spikes/a/timestamps"); }, path.string(), "/spikes/a/timestamps");
  // The library's own reason is kept.
  try {
    r.read_doubles("/spikes/a/missing");
  } catch (const hdf5_error& e) {
    EXPECT_NE(std::string(e.what()).find("(HDF5: "), std::string::npos) << e.what();
  }
}

TEST(hdf5_errors, files_that_are_missing_or_not_hdf5) {
  const scratch_dir dir("not_hdf5");
  expect_hdf5_error([&] { hdf5_reader r(dir / "missing.h5"); }, (dir / "missing.h5").string(), "");
  write_text(dir / "text.h5", "not hdf5");
  try {
    hdf5_reader r(dir / "text.h5");
    FAIL();
  } catch (const hdf5_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open as HDF5"), std::string::npos) << e.what();
  }
}

TEST(hdf5_errors, writer_errors_name_the_path) {
  const scratch_dir dir("writer_errors");
  const auto path = dir / "out.h5";
  output_file out(path);
  out.add_spike_population("exc", 3);
  const auto duplicate_population = [&] { out.add_spike_population("exc", 3); };
  EXPECT_NO_FATAL_FAILURE(expect_hdf5_error(duplicate_population, path.string(), "/spikes/exc"));
  out.write_string_dataset("/provenance/network", "x");
  const auto duplicate_dataset = [&] { out.write_string_dataset("/provenance/network", "y"); };
  EXPECT_NO_FATAL_FAILURE(expect_hdf5_error(duplicate_dataset, path.string(), "/provenance/network"));
  // A dataset where a group is needed: the error names the offending object.
  const auto dataset_as_group = [&] { out.set_string_attribute("/provenance/network/sub", "a", "b"); };
  EXPECT_NO_FATAL_FAILURE(expect_hdf5_error(dataset_as_group, path.string(), "/provenance/network"));
}

TEST(hdf5_errors, hdf5_prints_nothing_when_it_fails) {
  const scratch_dir dir("quiet");
  write_small_file(dir / "out.h5");
  const hdf5_reader r(dir / "out.h5");
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(r.read_doubles("/no/such/dataset"), hdf5_error);
  EXPECT_THROW(hdf5_reader(dir / "missing.h5"), hdf5_error);
  EXPECT_FALSE(r.has_attribute("/spikes/a", "nope"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(hdf5_contract, spike_appends_must_be_consistent_and_in_time_order) {
  const scratch_dir dir("spike_contract");
  output_file out(dir / "out.h5");
  auto& s = out.add_spike_population("a", 5);
  out.start_streaming();
  s.append(std::vector<double>{1.0, 2.0}, u64s{0, 4});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(s.append(std::vector<double>{3.0, 4.0}, u64s{1}), std::invalid_argument);     // lengths
  EXPECT_THROW(s.append(std::vector<double>{1.5}, u64s{1}), std::invalid_argument);          // before 2.0
  EXPECT_THROW(s.append(std::vector<double>{3.0, 2.5}, u64s{1, 1}), std::invalid_argument);  // decreasing
  EXPECT_THROW(s.append(std::vector<double>{nan}, u64s{1}), std::invalid_argument);          // NaN
  EXPECT_THROW(s.append(std::vector<double>{3.0}, u64s{5}), std::invalid_argument);          // id >= count
  EXPECT_EQ(s.size(), 2u);                              // a rejected batch appends nothing
  s.append(std::vector<double>{2.0, 3.0}, u64s{2, 3});  // ties with the last time are fine
  out.commit();
  EXPECT_EQ(hdf5_reader(dir / "out.h5").read_doubles("/spikes/a/timestamps"),
            (std::vector<double>{1.0, 2.0, 2.0, 3.0}));
}

TEST(hdf5_contract, frame_reports_need_nodes_a_positive_step_and_whole_frames) {
  const scratch_dir dir("frame_contract");
  output_file out(dir / "out.h5");
  EXPECT_THROW(out.add_frame_report("none", "V_m", "mV", std::vector<std::uint64_t>{}, 0.0, 1.0),
               std::invalid_argument);
  EXPECT_THROW(out.add_frame_report("zero", "V_m", "mV", {1}, 0.0, 0.0), std::invalid_argument);
  EXPECT_THROW(out.add_frame_report("inf", "V_m", "mV", {1}, INFINITY, 1.0), std::invalid_argument);
  auto& v = out.add_frame_report("ok", "V_m", "mV", {1, 2}, 0.0, 1.0);
  out.start_streaming();
  EXPECT_THROW(v.append_frame(std::vector<float>{1.0f}), std::invalid_argument);
  EXPECT_THROW(v.append_frame(std::vector<float>{1.0f, 2.0f, 3.0f}), std::invalid_argument);
  EXPECT_EQ(v.frames(), 0u);
}

TEST(hdf5_contract, nothing_is_declared_after_streaming_starts) {
  const scratch_dir dir("phase_contract");
  output_file out(dir / "out.h5");
  out.start_streaming();
  EXPECT_TRUE(out.streaming());
  EXPECT_THROW(out.add_spike_population("a", 1), std::logic_error);
  EXPECT_THROW(out.add_frame_report("a", "V_m", "mV", {0}, 0.0, 1.0), std::logic_error);
  EXPECT_THROW(out.set_string_attribute("/provenance", "seed", "1"), std::logic_error);
  EXPECT_THROW(out.write_string_dataset("/provenance/network", "x"), std::logic_error);
  EXPECT_THROW(out.start_streaming(), std::logic_error);
}

TEST(hdf5_contract, nothing_is_written_after_commit) {
  const scratch_dir dir("closed_contract");
  output_file out(dir / "out.h5");
  auto& s = out.add_spike_population("a", 1);
  auto& v = out.add_frame_report("a", "V_m", "mV", {0}, 0.0, 1.0);
  out.start_streaming();
  out.commit();
  EXPECT_THROW(s.append(std::vector<double>{1.0}, u64s{0}), std::logic_error);
  EXPECT_THROW(v.append_frame(std::vector<float>{1.0f}), std::logic_error);
  EXPECT_THROW(out.flush(), std::logic_error);
  EXPECT_THROW(out.commit(), std::logic_error);
  EXPECT_THROW(out.keep_partial(), std::logic_error);
}

TEST(hdf5_contract, names_are_single_hdf5_names_and_paths_are_absolute) {
  const scratch_dir dir("name_contract");
  output_file out(dir / "out.h5");
  for (const std::string bad : {"", ".", "a/b", "/a"}) {
    EXPECT_THROW(out.add_spike_population(bad, 1), std::invalid_argument) << bad;
    EXPECT_THROW(out.add_frame_report(bad, "V_m", "mV", {0}, 0.0, 1.0), std::invalid_argument) << bad;
  }
  EXPECT_THROW(out.set_string_attribute("provenance", "a", "b"), std::invalid_argument);
  EXPECT_THROW(out.set_string_attribute("/provenance/", "a", "b"), std::invalid_argument);
  EXPECT_THROW(out.write_string_dataset("network", "x"), std::invalid_argument);
  EXPECT_THROW(out.write_string_dataset("/provenance/", "x"), std::invalid_argument);
}

TEST(hdf5_handle, closes_with_the_matching_function) {
  hid_t space_id = H5I_INVALID_HID;
  {
    hdf5_handle space(H5Screate(H5S_SCALAR));  // close function from the id's kind
    ASSERT_TRUE(space.valid());
    space_id = space.get();
    EXPECT_GT(H5Iis_valid(space_id), 0);
    hdf5_handle moved(std::move(space));
    EXPECT_FALSE(space.valid());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_EQ(moved.get(), space_id);
  }
  EXPECT_EQ(H5Iis_valid(space_id), 0);
  hdf5_handle type(H5Tcopy(H5T_NATIVE_INT));
  EXPECT_GE(type.close(), 0);
  EXPECT_FALSE(type.valid());
  EXPECT_EQ(type.close(), 0);  // closing an empty handle is a no-op
  hdf5_handle plist(H5Pcreate(H5P_FILE_ACCESS));
  const hid_t released = plist.release();
  EXPECT_FALSE(plist.valid());
  EXPECT_GT(H5Iis_valid(released), 0);
  H5Pclose(released);
  EXPECT_THROW(checked(H5I_INVALID_HID, "f.h5", "/x", "cannot"), hdf5_error);
}

}  // namespace
}  // namespace spikeq::io
