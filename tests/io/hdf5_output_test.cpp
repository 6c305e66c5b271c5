// The output file's layout and values: SONATA spike populations and frame reports
// written by io/hdf5/output_file and read back (docs/formats/output.md).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "hdf5_test_support.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/output_file.hpp"

namespace spikeq::io {
namespace {

using testing::scratch_dir;
using u64s = std::vector<std::uint64_t>;

bool is_uint(const hdf5_type_info& t, std::size_t bytes) {
  return t.type_class == H5T_INTEGER && t.size == bytes && !t.is_signed;
}
bool is_float(const hdf5_type_info& t, std::size_t bytes) {
  return t.type_class == H5T_FLOAT && t.size == bytes;
}

// The same object under two names (a hard link), not a copy.
bool same_object(const std::filesystem::path& file, const char* a, const char* b) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  H5O_info_t ia{}, ib{};
  const bool ok = H5Oget_info_by_name2(f, a, &ia, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
                  H5Oget_info_by_name2(f, b, &ib, H5O_INFO_BASIC, H5P_DEFAULT) >= 0;
  H5Fclose(f);
  return ok && ia.addr == ib.addr && ia.rc == 2;
}

TEST(hdf5_output, root_attributes_are_sonata_magic_and_version) {
  const scratch_dir dir("root");
  {
    output_file out(dir / "out.h5");
    out.start_streaming();
    out.commit();
  }
  const hdf5_reader r(dir / "out.h5");
  EXPECT_TRUE(is_uint(r.attribute_type("/", "magic"), 4));
  EXPECT_EQ(r.integer_attribute("/", "magic"), u64s{0x0A7A});  // a scalar, as bmtk writes it
  EXPECT_TRUE(is_uint(r.attribute_type("/", "version"), 4));
  EXPECT_EQ(r.integer_attribute("/", "version"), (u64s{0, 1}));
}

TEST(hdf5_output, two_spike_populations_round_trip_with_sonata_types) {
  const scratch_dir dir("spikes");
  const auto path = dir / "out.h5";
  std::vector<double> exc_t;
  u64s exc_id;
  {
    output_file out(path);
    auto& exc = out.add_spike_population("exc", 10);
    auto& inh = out.add_spike_population("inh", 3);
    out.start_streaming();
    // Uneven batches crossing several 64 Ki chunk boundaries, with a flush between.
    std::size_t k = 0;
    for (const std::size_t batch : {1u, 40000u, 30000u, 65536u, 3u, 70000u}) {
      std::vector<double> t;
      u64s ids;
      for (std::size_t j = 0; j < batch; ++j, ++k) {
        const std::size_t step = k / 3;  // three spikes per time: ties are fine
        t.push_back(static_cast<double>(step) * 0.025);
        ids.push_back((k * 7) % 10);
      }
      exc.append(t, ids);
      exc_t.insert(exc_t.end(), t.begin(), t.end());
      exc_id.insert(exc_id.end(), ids.begin(), ids.end());
      if (batch == 30000u) out.flush();
    }
    inh.append(std::vector<double>{1.5, 1.5, 2.25}, u64s{2, 0, 1});
    EXPECT_EQ(exc.size(), exc_t.size());
    out.commit();
  }
  const hdf5_reader r(path);
  EXPECT_EQ(r.members("/spikes"), (std::vector<std::string>{"exc", "inh"}));
  for (const std::string pop : {"/spikes/exc", "/spikes/inh"}) {
    SCOPED_TRACE(pop);
    EXPECT_TRUE(is_float(r.dataset_type(pop + "/timestamps"), 8));
    EXPECT_TRUE(is_uint(r.dataset_type(pop + "/node_ids"), 8));
    EXPECT_EQ(r.string_attribute(pop + "/timestamps", "units"), "ms");
    // sorting: an HDF5 enum on uint8 {none=0, by_id=1, by_time=2}, value by_time.
    const auto sorting = r.attribute_type(pop, "sorting");
    EXPECT_EQ(sorting.type_class, H5T_ENUM);
    EXPECT_EQ(sorting.size, 1u);
    EXPECT_FALSE(sorting.is_signed);
    EXPECT_EQ(r.enum_members(pop, "sorting"),
              (std::vector<std::pair<std::string, std::int64_t>>{{"none", 0}, {"by_id", 1}, {"by_time", 2}}));
    EXPECT_EQ(r.integer_attribute(pop, "sorting"), u64s{2});
  }
  EXPECT_EQ(r.read_doubles("/spikes/exc/timestamps"), exc_t);
  EXPECT_EQ(r.read_uint64s("/spikes/exc/node_ids"), exc_id);
  EXPECT_EQ(r.integer_attribute("/spikes/exc", "node_count"), u64s{10});
  EXPECT_EQ(r.read_doubles("/spikes/inh/timestamps"), (std::vector<double>{1.5, 1.5, 2.25}));
  EXPECT_EQ(r.read_uint64s("/spikes/inh/node_ids"), (u64s{2, 0, 1}));
  EXPECT_EQ(r.integer_attribute("/spikes/inh", "node_count"), u64s{3});
  // Ranges, as tools peek at the first and last spikes.
  EXPECT_EQ(r.read_doubles("/spikes/exc/timestamps", exc_t.size() - 2, 2),
            (std::vector<double>{exc_t[exc_t.size() - 2], exc_t.back()}));
  EXPECT_EQ(r.read_uint64s("/spikes/exc/node_ids", 65535, 2), (u64s{exc_id[65535], exc_id[65536]}));
  EXPECT_THROW(r.read_doubles("/spikes/inh/timestamps", 2, 2), hdf5_error);
}

TEST(hdf5_output, spike_datasets_are_chunked_unlimited_and_compressed) {
  const scratch_dir dir("chunks");
  const auto path = dir / "out.h5";
  {
    output_file out(path);
    out.add_spike_population("a", 1);
    out.start_streaming();
    out.commit();
  }
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (const char* name : {"/spikes/a/timestamps", "/spikes/a/node_ids"}) {
    SCOPED_TRACE(name);
    const hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    const hid_t space = H5Dget_space(ds);
    hsize_t size = 1, max = 0;
    H5Sget_simple_extent_dims(space, &size, &max);
    EXPECT_EQ(size, 0u);  // an empty population has empty datasets
    EXPECT_EQ(max, H5S_UNLIMITED);
    const hid_t plist = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(plist), H5D_CHUNKED);
    hsize_t chunk = 0;
    H5Pget_chunk(plist, 1, &chunk);
    EXPECT_EQ(chunk, 65536u);
    ASSERT_EQ(H5Pget_nfilters(plist), 2);
    unsigned flags = 0, level = 0, config = 0;
    std::size_t n = 1;
    EXPECT_EQ(H5Pget_filter2(plist, 0, &flags, &n, &level, 0, nullptr, &config), H5Z_FILTER_SHUFFLE);
    n = 1;
    EXPECT_EQ(H5Pget_filter2(plist, 1, &flags, &n, &level, 0, nullptr, &config), H5Z_FILTER_DEFLATE);
    EXPECT_EQ(level, 4u);
    H5Pclose(plist);
    H5Sclose(space);
    H5Dclose(ds);
  }
  H5Fclose(f);
}

TEST(hdf5_output, frame_report_layout_and_values) {
  const scratch_dir dir("frames");
  const auto path = dir / "out.h5";
  {
    output_file out(path);
    auto& v = out.add_frame_report("exc", "V_m", "mV", {5, 0, 7}, 2.0, 0.5);
    out.start_streaming();
    for (int f = 0; f < 7; ++f) {
      v.append_frame(std::vector<float>{-70.0f + static_cast<float>(f), 1.0f * static_cast<float>(f), 0.5f});
      if (f == 2) out.flush();
    }
    EXPECT_EQ(v.frames(), 7u);
    out.commit();
  }
  const hdf5_reader r(path);
  const std::string g = "/report/exc";
  EXPECT_EQ(r.string_attribute(g, "variable"), "V_m");
  EXPECT_TRUE(is_float(r.dataset_type(g + "/data"), 4));
  EXPECT_EQ(r.string_attribute(g + "/data", "units"), "mV");
  const float_matrix data = r.read_float_matrix(g + "/data");
  ASSERT_EQ(data.rows, 7u);
  ASSERT_EQ(data.columns, 3u);
  for (std::uint64_t f = 0; f < 7; ++f) {
    EXPECT_EQ(data.at(f, 0), -70.0f + static_cast<float>(f));
    EXPECT_EQ(data.at(f, 1), static_cast<float>(f));
    EXPECT_EQ(data.at(f, 2), 0.5f);
  }
  EXPECT_EQ(r.read_float_rows(g + "/data", 5, 2).values,
            (std::vector<float>{-65.0f, 5.0f, 0.5f, -64.0f, 6.0f, 0.5f}));
  EXPECT_TRUE(is_uint(r.dataset_type(g + "/mapping/node_ids"), 8));
  EXPECT_EQ(r.read_uint64s(g + "/mapping/node_ids"), (u64s{5, 0, 7}));
  EXPECT_TRUE(is_uint(r.dataset_type(g + "/mapping/index_pointers"), 8));
  EXPECT_EQ(r.read_uint64s(g + "/mapping/index_pointers"), (u64s{0, 1, 2, 3}));
  EXPECT_TRUE(same_object(path, "/report/exc/mapping/index_pointers", "/report/exc/mapping/index_pointer"));
  EXPECT_TRUE(is_uint(r.dataset_type(g + "/mapping/element_ids"), 4));
  EXPECT_EQ(r.read_uint64s(g + "/mapping/element_ids"), (u64s{0, 0, 0}));
  EXPECT_TRUE(is_float(r.dataset_type(g + "/mapping/time"), 8));
  EXPECT_EQ(r.read_doubles(g + "/mapping/time"), (std::vector<double>{2.0, 5.5, 0.5}));
  EXPECT_EQ(r.string_attribute(g + "/mapping/time", "units"), "ms");
}

TEST(hdf5_output, frame_reports_longer_and_wider_than_a_chunk) {
  const scratch_dir dir("frames_big");
  const auto path = dir / "out.h5";
  const std::size_t long_frames = 70000, wide_nodes = 70000;
  {
    output_file out(path);
    auto& tall = out.add_frame_report("tall", "V_m", "mV", {3}, 0.0, 0.1);
    u64s ids(wide_nodes);
    for (std::size_t k = 0; k < wide_nodes; ++k) ids[k] = k;
    auto& wide = out.add_frame_report("wide", "g_ex", "nS", ids, 10.0, 1.0);
    out.start_streaming();
    for (std::size_t f = 0; f < long_frames; ++f)
      tall.append_frame(std::vector<float>{static_cast<float>(f)});
    std::vector<float> frame(wide_nodes);
    for (int f = 0; f < 3; ++f) {
      for (std::size_t k = 0; k < wide_nodes; ++k)
        frame[k] = static_cast<float>(k) + 0.25f * static_cast<float>(f);
      wide.append_frame(frame);
    }
    out.commit();
  }
  const hdf5_reader r(path);
  const auto tall = r.read_floats("/report/tall/data");
  ASSERT_EQ(tall.size(), long_frames);
  for (std::size_t f = 0; f < long_frames; ++f) ASSERT_EQ(tall[f], static_cast<float>(f)) << f;
  const auto time = r.read_doubles("/report/tall/mapping/time");
  EXPECT_DOUBLE_EQ(time[1], 7000.0);
  const float_matrix wide = r.read_float_matrix("/report/wide/data");
  ASSERT_EQ(wide.rows, 3u);
  ASSERT_EQ(wide.columns, wide_nodes);
  EXPECT_EQ(wide.at(2, 69999), 69999.5f);
  EXPECT_EQ(wide.at(1, 65536), 65536.25f);
  EXPECT_EQ(r.read_doubles("/report/wide/mapping/time"), (std::vector<double>{10.0, 13.0, 1.0}));
}

TEST(hdf5_output, provenance_strings_and_attributes) {
  const scratch_dir dir("provenance");
  const auto path = dir / "out.h5";
  const std::string network = "# proto-file: spikeq.proto\npopulation { name: \"exc\" size: 80 }  # µs, ü\n";
  {
    output_file out(path);
    out.write_string_dataset("/provenance/network", network);
    out.set_string_attribute("/provenance", "spikeq_version", "0.1.0");
    out.set_string_attribute("/provenance", "command_line", "spikeq run net.textproto -o out.h5");
    out.set_string_attribute("/provenance", "seed", "1");
    out.set_string_attribute("/provenance", "seed", "42");  // replaced, not an error
    out.set_string_attribute("/", "creator", "spikeq");
    out.start_streaming();
    out.commit();
  }
  const hdf5_reader r(path);
  EXPECT_EQ(r.read_string("/provenance/network"), network);
  EXPECT_EQ(r.string_attribute("/provenance", "spikeq_version"), "0.1.0");
  EXPECT_EQ(r.string_attribute("/provenance", "command_line"), "spikeq run net.textproto -o out.h5");
  EXPECT_EQ(r.string_attribute("/provenance", "seed"), "42");
  EXPECT_EQ(r.string_attribute("/", "creator"), "spikeq");
  EXPECT_TRUE(r.exists("/provenance/network"));
  EXPECT_FALSE(r.exists("/nothing/here"));
  EXPECT_FALSE(r.has_attribute("/nothing", "seed"));
}

}  // namespace
}  // namespace spikeq::io
