#include "tools/run_checkpoint.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "io/checkpoint_file.hpp"
#include "io/network_hash.hpp"

namespace spikeq::tools {

namespace {

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read the recording for a checkpoint");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read the recording for a checkpoint");
  return bytes;
}

// The recording of a checkpoint, as a file for the HDF5 reader while it exists.
class recording_snapshot {
 public:
  recording_snapshot(const std::filesystem::path& next_to, const std::vector<std::uint8_t>& bytes)
      : path_(next_to.parent_path() /
              ("." + next_to.filename().string() + ".resume-" + std::to_string(::getpid()) + ".h5")) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
      throw std::runtime_error(path_.string() +
                               ": cannot write the checkpoint's recording: " + std::strerror(errno));
    }
  }
  ~recording_snapshot() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  recording_snapshot(const recording_snapshot&) = delete;
  recording_snapshot& operator=(const recording_snapshot&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void recorder_state(state_archive& ar, const checkpoint_sources& sources) {
  ar.begin_section("recorders");
  sources.modulators.state(ar);
  ar.expect(sources.alignments.size(), "alignment recorders");
  for (auto& a : sources.alignments) a->state(ar);
  ar.expect(sources.continual != nullptr ? 1 : 0, "continual-learning evaluations");
  if (sources.continual != nullptr) sources.continual->state(ar);
  ar.end_section();
}

}  // namespace

void write_run_checkpoint(const std::filesystem::path& path, const checkpoint_sources& sources,
                          tick_type now) {
  state_archive ar;
  ar.begin_section("run");
  std::string name = sources.description_name, text = sources.description_text;
  ar.text(name);
  ar.text(text);
  bool has_seed = sources.seed_override.has_value();
  std::uint64_t seed = sources.seed_override.value_or(0);
  ar.value(has_seed);
  ar.value(seed);
  double t_stop_ms = sources.network.simulation().t_stop();
  ar.value(t_stop_ms);
  std::string output = sources.output_path;
  ar.text(output);
  std::uint64_t shards = sources.simulation->shard_count();
  ar.value(shards);
  ar.value(now);
  ar.end_section();
  ar.begin_section("recording");
  std::vector<std::uint8_t> recording = file_bytes(sources.out.temporary_path());
  ar.block(recording);
  ar.end_section();
  recording = {};
  sources.simulation->state(ar);
  recorder_state(ar, sources);
  write_checkpoint_file(path, io::network_hash(sources.network), ar.bytes());
}

loaded_checkpoint read_run_checkpoint(const std::filesystem::path& path) {
  checkpoint_contents contents = read_checkpoint_file(path);
  loaded_checkpoint c;
  c.path = path;
  c.network_hash = contents.network_hash;
  c.archive = std::make_unique<state_archive>(std::move(contents.payload), path.string());
  state_archive& ar = *c.archive;
  ar.begin_section("run");
  ar.text(c.description_name);
  ar.text(c.description_text);
  bool has_seed = false;
  std::uint64_t seed = 0;
  ar.value(has_seed);
  ar.value(seed);
  if (has_seed) c.seed_override = seed;
  ar.value(c.t_stop_ms);
  ar.text(c.output_path);
  ar.value(c.shards);
  ar.value(c.at);
  ar.end_section();
  if (c.shards == 0 || c.shards > 65536) ar.fail("impossible shard count " + std::to_string(c.shards));
  if (c.at <= 0) ar.fail("the checkpoint's boundary is not after the start");
  return c;
}

void restore_recording(loaded_checkpoint& checkpoint, io::output_file& out) {
  state_archive& ar = *checkpoint.archive;
  ar.begin_section("recording");
  std::vector<std::uint8_t> recording;
  ar.block(recording);
  ar.end_section();
  const recording_snapshot snapshot(out.final_path(), recording);
  recording = {};
  try {
    out.restore_recording(snapshot.path());
  } catch (const io::hdf5_error& e) {
    ar.fail(std::string("its recording cannot be restored: ") + e.what());
  }
}

void restore_state(loaded_checkpoint& checkpoint, const checkpoint_sources& sources) {
  state_archive& ar = *checkpoint.archive;
  sources.simulation->state(ar);
  if (sources.simulation->resume_tick() != checkpoint.at)
    ar.fail("the kernel's boundary differs from the one the checkpoint names");
  recorder_state(ar, sources);
  if (!ar.at_end()) ar.fail("bytes left after the last section");
}

}  // namespace spikeq::tools
