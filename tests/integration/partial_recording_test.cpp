// A population recorded in part is analysed over its recorded neurons: the README
// example records 10 of its 1000 Poisson generators (20 Hz), and `analyze` used to
// report 0.19 Hz with 99 % silent. The file lists the recorded ids, analyze, inspect
// and plot use them, and files without the list fall back to the neurons that spike.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

TEST(partial_recording, default_example_noise_is_analysed_over_its_10_recorded_generators_at_20_hz) {
  const auto dir = scratch_dir("partial_default");
  const auto out = dir / "default.h5";
  ASSERT_EQ(
      run_spikeq("run '" + source_path("examples/default.textproto") + "' -o '" + out.string() + "' -q", dir)
          .exit_code,
      0);
  {
    const io::hdf5_reader r(out);
    EXPECT_EQ(r.read_uint64s("/spikes/noise/recorded_node_ids"),
              (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(r.shape("/spikes/exc/recorded_node_ids"), std::vector<std::uint64_t>{800});
  }
  const auto json_path = dir / "stats.json";
  const auto r = run_spikeq("analyze '" + out.string() + "' --json '" + json_path.string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("noise: 10 of its 1000 neurons recorded"), std::string::npos) << r.out;
  const auto stats = nlohmann::json::parse(read_text(json_path));
  const auto& noise = stats["populations"]["noise"];
  EXPECT_EQ(noise["neurons"].get<int>(), 10);
  EXPECT_EQ(noise["population_size"].get<int>(), 1000);
  // 10 independent Poisson trains at 20 Hz over 2 s: 400 spikes expected, SD
  // sqrt(400) = 20 spikes, so the mean rate has SD 20 / (10 * 2 s) = 1 Hz; +-4 Hz is
  // 4 SD (a false failure once in ~16000 seeds; the seed is fixed anyway). No
  // generator is silent (P(0 spikes in 2 s) = e^-40).
  EXPECT_NEAR(noise["rate"]["mean"].get<double>(), 20.0, 4.0);
  EXPECT_EQ(noise["fraction_silent"].get<double>(), 0.0);
  // Whole populations are unchanged: all 800 neurons count.
  EXPECT_EQ(stats["populations"]["exc"]["neurons"].get<int>(), 800);
  const auto inspected = run_spikeq("inspect '" + out.string() + "'", dir);
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  EXPECT_NE(inspected.out.find("noise                10 of 1000"), std::string::npos) << inspected.out;
  EXPECT_NE(inspected.out.find("exc                         800"), std::string::npos) << inspected.out;
  const auto plotted =
      run_spikeq("plot '" + out.string() + "' --raster '" + (dir / "r.png").string() + "' --rates '" +
                     (dir / "q.png").string() + "' --isi '" + (dir / "i.png").string() + "'",
                 dir);
  EXPECT_EQ(plotted.exit_code, 0) << plotted.err;
  std::filesystem::remove_all(dir);
}

TEST(partial_recording, files_without_recorded_ids_use_the_neurons_that_spike_and_say_so) {
  // A SONATA file of another tool: 3 neurons (ids 2, 5, 7) spiking 4, 2 and 2 times in 1 s.
  const auto dir = scratch_dir("partial_other");
  const auto file = dir / "other.h5";
  {
    const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t s = H5Gcreate2(f, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t g = H5Gcreate2(s, "pop", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const std::vector<double> t{100, 200, 300, 400, 500, 600, 700, 800};
    const std::vector<std::uint64_t> ids{2, 5, 2, 7, 2, 5, 2, 7};
    const hsize_t n = t.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    for (const auto& [name, type, data] :
         {std::tuple{"timestamps", H5T_NATIVE_DOUBLE, static_cast<const void*>(t.data())},
          std::tuple{"node_ids", H5T_NATIVE_UINT64, static_cast<const void*>(ids.data())}}) {
      const hid_t d = H5Dcreate2(g, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
      H5Dclose(d);
    }
    H5Sclose(space);
    H5Gclose(g);
    H5Gclose(s);
    H5Fclose(f);
  }
  const auto json_path = dir / "stats.json";
  const auto r =
      run_spikeq("analyze '" + file.string() + "' --t-stop 1000 --json '" + json_path.string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("note: /spikes/pop does not list its recorded neurons"), std::string::npos) << r.err;
  const auto stats = nlohmann::json::parse(read_text(json_path));
  EXPECT_EQ(stats["populations"]["pop"]["neurons"].get<int>(), 3);
  EXPECT_FALSE(stats["populations"]["pop"]["recorded_neurons_listed"].get<bool>());
  EXPECT_NEAR(stats["populations"]["pop"]["rate"]["mean"].get<double>(), 8.0 / 3.0, 1e-12);
  const auto inspected = run_spikeq("inspect '" + file.string() + "'", dir);
  EXPECT_EQ(inspected.exit_code, 0) << inspected.err;
  EXPECT_NE(inspected.out.find("note: /spikes/pop does not list its recorded neurons"), std::string::npos)
      << inspected.out;
  const auto plotted =
      run_spikeq("plot '" + file.string() + "' --raster '" + (dir / "r.png").string() + "'", dir);
  EXPECT_EQ(plotted.exit_code, 0) << plotted.err;
  EXPECT_NE(plotted.err.find("note: /spikes/pop"), std::string::npos) << plotted.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
