// The checkpoint building blocks: the symmetric state archive, the event queue's
// state, and the atomic, checksummed checkpoint file. Every expectation is a
// round-trip identity (what was saved is what is loaded, and a restored queue pops
// exactly the sequence the original pops) or a refusal of damaged input.
#include "io/checkpoint_file.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/event_queue.hpp"
#include "core/state_archive.hpp"

namespace spikeq {
namespace {

namespace fs = std::filesystem;

struct sample_state {
  std::uint64_t counter = 0;
  double value = 0;
  event_kind kind = event_kind::spike_delivery;
  std::vector<float> weights;
  std::vector<bool> flags;
  std::string name;

  void state(state_archive& ar) {
    ar.begin_section("sample");
    ar.value(counter);
    ar.value(value);
    ar.value(kind);
    ar.begin_section("arrays");
    ar.block(weights);
    ar.block(flags);
    ar.end_section();
    ar.text(name);
    ar.end_section();
  }
};

sample_state filled() {
  sample_state s;
  s.counter = 0x0123456789abcdefULL;
  s.value = -1.0 / 3.0;
  s.kind = event_kind::wakeup;
  s.weights = {0.5F, -2.25F, 1e-30F};
  s.flags = {true, false, true, true};
  s.name = "exc";
  return s;
}

std::vector<std::byte> save(sample_state s) {
  state_archive ar;
  s.state(ar);
  return ar.bytes();
}

TEST(StateArchive, LoadsWhatWasSaved) {
  state_archive in(save(filled()), "x.ckpt");
  sample_state back;
  back.state(in);
  EXPECT_TRUE(in.at_end());
  const sample_state want = filled();
  EXPECT_EQ(back.counter, want.counter);
  EXPECT_EQ(back.value, want.value);  // bit copy, so exact
  EXPECT_EQ(back.kind, want.kind);
  EXPECT_EQ(back.weights, want.weights);
  EXPECT_EQ(back.flags, want.flags);
  EXPECT_EQ(back.name, want.name);
}

TEST(StateArchive, EqualStatesGiveEqualBytes) { EXPECT_EQ(save(filled()), save(filled())); }

TEST(StateArchive, WrongSectionNamesBothTagsAndTheFile) {
  state_archive in(save(filled()), "x.ckpt");
  try {
    in.begin_section("population");
    FAIL() << "a mismatching tag must be refused";
  } catch (const checkpoint_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("x.ckpt"), std::string::npos) << m;
    EXPECT_NE(m.find("'population'"), std::string::npos) << m;
    EXPECT_NE(m.find("'sample'"), std::string::npos) << m;
  }
}

TEST(StateArchive, ReaderThatReadsLessThanTheSectionFails) {
  state_archive in(save(filled()), "x.ckpt");
  in.begin_section("sample");
  std::uint64_t counter = 0;
  in.value(counter);
  EXPECT_THROW(in.end_section(), checkpoint_error);
}

TEST(StateArchive, EveryTruncationIsRefused) {
  const std::vector<std::byte> full = save(filled());
  for (std::size_t n = 0; n < full.size(); ++n) {
    state_archive in(std::vector<std::byte>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)),
                     "t");
    sample_state back;
    EXPECT_THROW(back.state(in), checkpoint_error) << "truncated to " << n << " bytes";
  }
}

TEST(StateArchive, ImpossibleCountIsRefusedBeforeAllocating) {
  state_archive out;
  std::uint64_t huge = ~std::uint64_t{0} / 2;
  out.value(huge);
  state_archive in(out.bytes(), "t");
  std::vector<double> v;
  EXPECT_THROW(in.block(v), checkpoint_error);
}

// A queue with events in the current bucket, later ring buckets and the overflow
// heap (horizon 8 ticks, bucket width 2), several at one tick.
event_queue busy_queue() {
  event_queue q(2, 8);
  for (std::uint32_t k = 0; k < 40; ++k) {
    const tick_type t = (k * 7) % 53;
    q.push(event::delivery(t, k, k % 3, 0));
    if (k % 4 == 0) q.push(event::wakeup(t, k, 1));
    if (k % 5 == 0) q.push(event::step(t + 100, k));
  }
  return q;
}

std::vector<event> drain(event_queue& q) {
  std::vector<event> out;
  event e;
  while (q.pop(e)) out.push_back(e);
  return out;
}

TEST(EventQueueState, RestoredQueuePopsTheSameSequence) {
  for (int consumed : {0, 1, 5, 17, 30}) {
    event_queue original = busy_queue();
    event e;
    for (int k = 0; k < consumed; ++k) ASSERT_TRUE(original.pop_before(40, e));
    // An event pushed into the bucket being consumed (the "late" heap).
    original.push(event::wakeup(e.tick, 999, 2));
    state_archive out;
    original.state(out);
    state_archive out_again;
    original.state(out_again);
    EXPECT_EQ(out.bytes(), out_again.bytes()) << "saving must not change the queue";

    event_queue restored(2, 8);
    state_archive in(out.bytes(), "q");
    restored.state(in);
    EXPECT_TRUE(in.at_end());
    EXPECT_EQ(restored.size(), original.size());
    // Both accept the same future pushes.
    original.push(event::wakeup(e.tick + 3, 7, 9));
    restored.push(event::wakeup(e.tick + 3, 7, 9));
    EXPECT_EQ(drain(restored), drain(original)) << "after " << consumed << " pops";
  }
}

TEST(EventQueueState, OtherBucketWidthIsRefused) {
  event_queue original = busy_queue();
  state_archive out;
  original.state(out);
  event_queue other(4, 8);
  state_archive in(out.bytes(), "q");
  EXPECT_THROW(other.state(in), checkpoint_error);
}

class CheckpointFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("spikeq_checkpoint_file_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::vector<char> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write_bytes(const fs::path& p, const std::vector<char>& b) {
    std::ofstream(p, std::ios::binary | std::ios::trunc)
        .write(b.data(), static_cast<std::streamsize>(b.size()));
  }
  static ::testing::AssertionResult refused(const fs::path& p, const std::string& why) {
    try {
      read_checkpoint_file(p);
      return ::testing::AssertionFailure() << "accepted a checkpoint that is " << why;
    } catch (const checkpoint_error& e) {
      if (std::string(e.what()).find(p.string()) == std::string::npos)
        return ::testing::AssertionFailure() << "the message does not name the file: " << e.what();
    }
    return ::testing::AssertionSuccess();
  }

  fs::path dir_;
};

TEST_F(CheckpointFile, ReadsBackWhatWasWritten) {
  const fs::path p = dir_ / "a.ckpt";
  const std::vector<std::byte> payload = save(filled());
  write_checkpoint_file(p, 0xfeedULL, payload);
  EXPECT_FALSE(fs::exists(checkpoint_temporary_path(p)));
  const checkpoint_contents c = read_checkpoint_file(p);
  EXPECT_EQ(c.format_version, checkpoint_format_version);
  EXPECT_EQ(c.network_hash, 0xfeedULL);
  EXPECT_EQ(c.payload, payload);
}

TEST_F(CheckpointFile, EveryFlippedByteIsRefused) {
  const fs::path p = dir_ / "a.ckpt";
  write_checkpoint_file(p, 42, save(filled()));
  const std::vector<char> good = read_bytes(p);
  // CRC-32 detects every single-bit error (and every burst up to 32 bits).
  for (std::size_t at = 0; at < good.size(); ++at) {
    std::vector<char> bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    write_bytes(p, bad);
    EXPECT_TRUE(refused(p, "damaged at byte " + std::to_string(at)));
  }
}

TEST_F(CheckpointFile, EveryTruncationIsRefused) {
  const fs::path p = dir_ / "a.ckpt";
  write_checkpoint_file(p, 42, save(filled()));
  const std::vector<char> good = read_bytes(p);
  for (std::size_t n = 0; n < good.size(); ++n) {
    write_bytes(p, std::vector<char>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
    EXPECT_TRUE(refused(p, "truncated to " + std::to_string(n) + " bytes"));
  }
  EXPECT_TRUE(refused(dir_ / "missing.ckpt", "missing"));
}

TEST_F(CheckpointFile, OtherFormatVersionIsRefusedByName) {
  const fs::path p = dir_ / "a.ckpt";
  write_checkpoint_file(p, 42, save(filled()));
  std::vector<char> b = read_bytes(p);
  const std::uint32_t future = checkpoint_format_version + 1;
  std::memcpy(b.data() + 8, &future, sizeof future);
  // A well-formed file of another version: recompute its CRC-32 (zlib's crc32).
  const auto crc = static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size() - 4)));
  std::memcpy(b.data() + b.size() - 4, &crc, sizeof crc);
  write_bytes(p, b);
  try {
    read_checkpoint_file(p);
    FAIL() << "accepted another format version";
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("format version " + std::to_string(future)), std::string::npos)
        << e.what();
  }
}

TEST_F(CheckpointFile, FailedWriteKeepsThePreviousCheckpoint) {
  const fs::path p = dir_ / "a.ckpt";
  const std::vector<std::byte> first = save(filled());
  write_checkpoint_file(p, 1, first);
  // The temporary name is taken by a directory: the new checkpoint cannot be written.
  fs::create_directory(checkpoint_temporary_path(p));
  sample_state other = filled();
  other.counter = 7;
  EXPECT_THROW(write_checkpoint_file(p, 1, save(other)), std::runtime_error);
  EXPECT_EQ(read_checkpoint_file(p).payload, first);
  fs::remove(checkpoint_temporary_path(p));
  write_checkpoint_file(p, 1, save(other));
  EXPECT_EQ(read_checkpoint_file(p).payload, save(other));
}

}  // namespace
}  // namespace spikeq
