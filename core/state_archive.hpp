// A small binary archive for checkpoints: one symmetric function per stateful
// class saves and loads its state, so the two directions cannot drift apart:
//
//   void event_queue::state(state_archive& ar) {
//     ar.begin_section("event_queue");
//     ar.value(current_bucket_);
//     ...
//     ar.end_section();
//   }
//
// Layout of the payload (docs/formats/checkpoint.md): little-endian scalars as in
// memory; a section is its tag (u32 length + bytes), a u64 length of its body,
// then the body; a block is a u64 element count followed by the elements
// contiguously. Loading checks every tag and that a section's body is consumed
// exactly, so a reader that disagrees with the writer fails at the first
// mismatching section with its name rather than reading garbage.
//
// The archive holds bytes in memory only; core/ knows no files. Files, the format
// version, the network hash and the checksum are io/checkpoint_file.hpp's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace spikeq {

// A checkpoint that cannot be read: damaged, truncated, of another format version
// or of another network. The message names what was being read.
class checkpoint_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Scalars the archive copies byte for byte: trivially copyable and without
// padding, so that equal states give equal bytes (and equal checksums).
template <class T>
concept archive_scalar = std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>;
template <class T>
concept archive_value = (archive_scalar<T> && !std::is_enum_v<T>) || std::is_same_v<T, double> ||
                        std::is_same_v<T, float> || std::is_same_v<T, bool>;

class state_archive {
 public:
  // An empty archive to save into.
  state_archive() = default;
  // An archive loading from `payload`; `origin` (a file name) prefixes every error.
  state_archive(std::vector<std::byte> payload, std::string origin);

  bool saving() const { return saving_; }
  bool loading() const { return !saving_; }

  void begin_section(std::string_view tag);
  void end_section();

  template <archive_value T>
  void value(T& v) {
    raw(&v, sizeof(T));
  }
  template <class T>
  requires std::is_enum_v<T>
  void value(T& v) {
    auto u = static_cast<std::underlying_type_t<T>>(v);
    value(u);
    v = static_cast<T>(u);
  }
  // A contiguous vector: count, then the elements as one block.
  template <archive_value T, class Allocator>
  void block(std::vector<T, Allocator>& v) {
    std::uint64_t n = v.size();
    value(n);
    if (loading()) {
      require(n, sizeof(T));
      v.resize(n);
    }
    if (n > 0) raw(v.data(), n * sizeof(T));
  }
  // std::vector<bool> has no contiguous storage; one byte per element.
  void block(std::vector<bool>& v);
  void text(std::string& s);
  // A name the network fixes: saved; loading checks it equals `s`.
  void text_expect(const std::string& s, std::string_view what);
  // Loading: the stored value must equal `expected` (sizes and counts the
  // network fixes); `what` names it in the error.
  void expect(std::uint64_t expected, std::string_view what);

  // Saving: the bytes so far.
  const std::vector<std::byte>& bytes() const { return bytes_; }
  // Loading: true once every byte was read.
  bool at_end() const { return pos_ == bytes_.size(); }

  [[noreturn]] void fail(std::string_view why) const;

 private:
  void raw(void* p, std::size_t n);
  // Loading: throws unless `count` elements of `size` bytes remain.
  void require(std::uint64_t count, std::size_t size) const;

  bool saving_ = true;
  std::string origin_;
  std::vector<std::byte> bytes_;
  std::size_t pos_ = 0;
  struct open_section {
    std::string tag;
    std::size_t length_at;  // saving: where the body length goes
    std::size_t body_end;   // loading: where the body must end
  };
  std::vector<open_section> sections_;
};

}  // namespace spikeq
