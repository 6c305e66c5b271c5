// spikeq plot: figures rendered from real runs and read back as images.
#include <cairo.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

struct image {
  cairo_surface_t* surface = nullptr;
  explicit image(const std::filesystem::path& png)
      : surface(cairo_image_surface_create_from_png(png.c_str())) {}
  ~image() { cairo_surface_destroy(surface); }
  bool ok() const { return cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface); }
  int height() const { return cairo_image_surface_get_height(surface); }
  std::uint32_t pixel(int x, int y) const {
    const auto* row = cairo_image_surface_get_data(surface) + y * cairo_image_surface_get_stride(surface);
    return reinterpret_cast<const std::uint32_t*>(row)[x] & 0xFFFFFFu;
  }
  bool white(int x, int y) const { return pixel(x, y) == 0xFFFFFFu; }
  // Non-white pixels in a rectangle.
  int inked(int x0, int y0, int x1, int y1) const {
    int n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) n += !white(x, y);
    return n;
  }
};

// Two neurons: neuron 0 fires at 500 ms only, neuron 1 at 100, 200, ..., 900 ms.
const char* known_spikes = R"(
simulation { t_stop: 1000 }
population { name: "gen" size: 2 spike_generator {
  train { spike_times: [500] }
  train { spike_times: [100, 200, 300, 400, 500, 600, 700, 800, 900] } } }
recording { spikes { population: "gen" } }
)";

TEST(plot, raster_puts_each_spike_where_its_time_and_neuron_are) {
  const auto dir = scratch_dir("plot_raster");
  { std::ofstream(dir / "net.textproto") << known_spikes; }
  ASSERT_EQ(
      run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + (dir / "out.h5").string() + "' -q",
                 dir)
          .exit_code,
      0);
  const auto r = run_spikeq(
      "plot '" + (dir / "out.h5").string() + "' --raster '" + (dir / "raster.png").string() + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const image img(dir / "raster.png");
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img.width(), 900);
  EXPECT_EQ(img.height(), 560);
  // Plot area: x from 80 over 680 pt for 0-1000 ms; y from 40 over 460 pt, neuron 0
  // in the lower half. Neuron 0 at 500 ms: x = 420; neuron 1 at 100 ms: x = 148.
  EXPECT_GT(img.inked(419, 330, 423, 490), 0) << "neuron 0's spike at 500 ms";
  EXPECT_EQ(img.inked(140, 330, 156, 490), 0) << "neuron 0 is silent at 100 ms";
  EXPECT_GT(img.inked(147, 100, 151, 260), 0) << "neuron 1's spike at 100 ms";
  EXPECT_EQ(img.inked(160, 100, 210, 260), 0) << "neuron 1 is silent between 100 and 200 ms";
  // Axis labels and legend are drawn (ink left of and below the plot area, and right of it).
  EXPECT_GT(img.inked(0, 40, 78, 500), 0);
  EXPECT_GT(img.inked(80, 505, 760, 560), 0);
  EXPECT_GT(img.inked(770, 40, 900, 100), 0);
  std::filesystem::remove_all(dir);
}

TEST(plot, every_figure_renders_as_png_svg_and_pdf_from_a_plastic_run) {
  const auto dir = scratch_dir("plot_all");
  const auto out = dir / "out.h5";
  ASSERT_EQ(run_spikeq("run '" + source_path("tests/data/plasticity/weights_layout.textproto") + "' -o '" +
                           out.string() + "' --t-stop 500 -q",
                       dir)
                .exit_code,
            0);
  for (const std::string ext : {".png", ".svg", ".pdf"}) {
    const auto r = run_spikeq("plot '" + out.string() + "' --raster '" + (dir / ("raster" + ext)).string() +
                                  "' --rates '" + (dir / ("rates" + ext)).string() + "' --isi '" +
                                  (dir / ("isi" + ext)).string() + "' --weights '" +
                                  (dir / ("weights" + ext)).string() + "'",
                              dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string fig : {"raster", "rates", "isi", "weights"}) {
      const auto file = dir / (fig + ext);
      ASSERT_TRUE(std::filesystem::exists(file)) << file;
      const std::string head = read_text(file).substr(0, 5);
      if (ext == ".svg") {
        EXPECT_EQ(head, "<?xml") << file;
      }
      if (ext == ".pdf") {
        EXPECT_EQ(head, "%PDF-") << file;
      }
      if (ext == ".png") {
        const image img(file);
        ASSERT_TRUE(img.ok()) << file;
        EXPECT_GT(img.inked(80, 40, img.width() - 100, img.height() - 60), 200)
            << "blank plot area in " << file;
      }
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(plot, bad_requests_exit_with_2_and_say_why) {
  const auto dir = scratch_dir("plot_bad");
  { std::ofstream(dir / "net.textproto") << known_spikes; }
  const auto out = dir / "out.h5";
  ASSERT_EQ(run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out.string() + "' -q", dir)
                .exit_code,
            0);
  auto r = run_spikeq("plot '" + out.string() + "' --weights '" + (dir / "w.png").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/edges"), std::string::npos) << r.err;
  r = run_spikeq("plot '" + out.string() + "' --raster '" + (dir / "r.gif").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".png, .svg or .pdf"), std::string::npos) << r.err;
  r = run_spikeq("plot '" + out.string() + "' --raster '" + (dir / "r.png").string() + "' -p nope", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no spike population 'nope'"), std::string::npos) << r.err;
  r = run_spikeq("plot '" + out.string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  r = run_spikeq("plot '" + (dir / "missing.h5").string() + "' --raster '" + (dir / "r.png").string() + "'",
                 dir);
  EXPECT_EQ(r.exit_code, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
