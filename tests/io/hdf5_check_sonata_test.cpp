// tests/io/check_sonata.py (the h5py validator the integration tests run on real
// output) accepts what output_file writes and reports each kind of violation.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "hdf5_test_support.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {
namespace {

using testing::scratch_dir;
using u64s = std::vector<std::uint64_t>;

struct run_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs check_sonata.py with `arguments`, each single-quoted (none contains a quote).
run_result run_checker(const std::vector<std::string>& arguments) {
  std::string command = "/usr/bin/python3 -B '" SPIKEQ_SOURCE_DIR "/tests/io/check_sonata.py'";
  for (const auto& a : arguments) command.append(" '").append(a).append("'");
  command += " 2>&1";
  run_result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool have_h5py() { return std::system("/usr/bin/python3 -c 'import h5py, numpy' > /dev/null 2>&1") == 0; }

void write_valid_file(const std::filesystem::path& path) {
  output_file out(path);
  auto& a = out.add_spike_population("a", 10);
  auto& b = out.add_spike_population("b", 10);
  out.add_spike_population("silent", 5);
  auto& v = out.add_frame_report("v", "V_m", "mV", {1, 3}, 0.0, 0.5);
  out.write_string_dataset("/provenance/network", "population { name: \"a\" }");
  for (const char* attr : {"spikeq_version", "command_line", "seed"})
    out.set_string_attribute("/provenance", attr, "x");
  out.start_streaming();
  a.append(std::vector<double>{0.1, 0.2, 0.2, 5.0}, u64s{9, 0, 1, 2});
  b.append(std::vector<double>{1.0, 2.0, 3.0}, u64s{4, 5, 6});
  for (int f = 0; f < 4; ++f) v.append_frame(std::vector<float>{1.0f, 2.0f});
  out.commit();
}

TEST(hdf5_check_sonata, accepts_what_output_file_writes) {
  if (!have_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy not available";
  const scratch_dir dir("checker_ok");
  write_valid_file(dir / "out.h5");
  const auto r = run_checker({(dir / "out.h5").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SONATA layout ok (3 spike populations, 7 spikes; 1 frame reports)"),
            std::string::npos)
      << r.output;
  // A node count given on the command line overrides the attribute.
  const auto small = run_checker({"--node-count", "a=9", (dir / "out.h5").string()});
  EXPECT_EQ(small.exit_code, 1) << small.output;
  EXPECT_NE(small.output.find("/spikes/a/node_ids: node id 9 is not below the node count 9"),
            std::string::npos)
      << small.output;
}

// Damages a valid file the ways other writers get SONATA wrong.
void damage(const std::filesystem::path& path) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  // sorting as a string (libsonata rejects this form).
  const hid_t a = H5Gopen2(f, "/spikes/a", H5P_DEFAULT);
  H5Adelete(a, "sorting");
  const hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 7);
  const hid_t scalar = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(a, "sorting", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, str, "by_time");
  H5Aclose(attr);
  H5Gclose(a);
  // Times out of order although sorting says by_time.
  const hid_t ts = H5Dopen2(f, "/spikes/b/timestamps", H5P_DEFAULT);
  const std::array<double, 3> times{1.0, 3.0, 2.0};
  H5Dwrite(ts, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, times.data());
  H5Dclose(ts);
  // A stop time that does not match the frames.
  const hid_t time = H5Dopen2(f, "/report/v/mapping/time", H5P_DEFAULT);
  const std::array<double, 3> wrong{0.0, 10.0, 0.5};
  H5Dwrite(time, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, wrong.data());
  H5Dclose(time);
  // No bmtk spelling; no units.
  H5Ldelete(f, "/report/v/mapping/index_pointer", H5P_DEFAULT);
  const hid_t data = H5Dopen2(f, "/report/v/data", H5P_DEFAULT);
  H5Adelete(data, "units");
  H5Dclose(data);
  H5Sclose(scalar);
  H5Tclose(str);
  H5Fclose(f);
}

TEST(hdf5_check_sonata, reports_every_violation_with_its_path) {
  if (!have_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy not available";
  const scratch_dir dir("checker_bad");
  const auto path = dir / "bad.h5";
  write_valid_file(path);
  damage(path);
  const auto r = run_checker({path.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const std::string expected :
       {":/spikes/a@sorting: must be an HDF5 enum on uint8",
        ":/spikes/b/timestamps: sorting is by_time but times decrease",
        ":/report/v/mapping/time: {start, stop, step} = [0.0, 10.0, 0.5] does not match 4 frames",
        ":/report/v/mapping/index_pointer: must be a hard link", ":/report/v/data@units: missing attribute",
        ": 5 SONATA layout violation(s)"})
    EXPECT_NE(r.output.find(path.string() + expected), std::string::npos) << expected << "\n" << r.output;
  // Not HDF5 at all: a clear message, not a traceback.
  testing::write_text(dir / "text.h5", "not hdf5");
  const auto text = run_checker({(dir / "text.h5").string()});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.output.find("cannot open as HDF5"), std::string::npos) << text.output;
  EXPECT_EQ(text.output.find("Traceback"), std::string::npos) << text.output;
}

}  // namespace
}  // namespace spikeq::io
