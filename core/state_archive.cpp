#include "core/state_archive.hpp"

namespace spikeq {

state_archive::state_archive(std::vector<std::byte> payload, std::string origin)
    : saving_(false), origin_(std::move(origin)), bytes_(std::move(payload)) {}

void state_archive::fail(std::string_view why) const {
  std::string where;
  for (const auto& s : sections_) where += (where.empty() ? "" : "/") + s.tag;
  std::string message = origin_.empty() ? std::string("checkpoint") : origin_;
  message += ": ";
  if (!where.empty()) message += "in section '" + where + "': ";
  message += why;
  throw checkpoint_error(message);
}

void state_archive::require(std::uint64_t count, std::size_t size) const {
  const std::size_t end = sections_.empty() ? bytes_.size() : sections_.back().body_end;
  const std::size_t left = end - pos_;
  if (size != 0 && count > left / size) fail("truncated or damaged (needs more bytes than remain)");
}

void state_archive::raw(void* p, std::size_t n) {
  if (saving_) {
    const auto* b = static_cast<const std::byte*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    return;
  }
  require(n, 1);
  std::memcpy(p, bytes_.data() + pos_, n);
  pos_ += n;
}

void state_archive::text(std::string& s) {
  std::uint64_t n = s.size();
  value(n);
  if (loading()) {
    require(n, 1);
    s.resize(n);
  }
  if (n > 0) raw(s.data(), n);
}

void state_archive::text_expect(const std::string& s, std::string_view what) {
  std::string stored = s;
  text(stored);
  if (stored != s)
    fail(std::string(what) + " is '" + stored + "' in the checkpoint, '" + s + "' in this network");
}

void state_archive::block(std::vector<bool>& v) {
  std::uint64_t n = v.size();
  value(n);
  if (loading()) {
    require(n, 1);
    v.assign(n, false);
  }
  for (std::size_t k = 0; k < n; ++k) {
    std::uint8_t b = v[k] ? 1 : 0;
    value(b);
    if (b > 1) fail("a flag is neither 0 nor 1");
    v[k] = b == 1;
  }
}

void state_archive::expect(std::uint64_t expected, std::string_view what) {
  std::uint64_t stored = expected;
  value(stored);
  if (stored != expected)
    fail(std::string(what) + " is " + std::to_string(stored) + " in the checkpoint but " +
         std::to_string(expected) + " in this network");
}

void state_archive::begin_section(std::string_view tag) {
  std::string stored(tag);
  text(stored);
  if (saving_) {
    sections_.push_back({stored, bytes_.size(), 0});
    std::uint64_t placeholder = 0;
    value(placeholder);
    return;
  }
  if (stored != tag) fail("expected section '" + std::string(tag) + "', found '" + stored + "'");
  std::uint64_t length = 0;
  value(length);
  require(length, 1);
  sections_.push_back({stored, 0, pos_ + static_cast<std::size_t>(length)});
}

void state_archive::end_section() {
  if (sections_.empty()) throw std::logic_error("state_archive: end_section without begin_section");
  if (saving_) {
    const std::size_t at = sections_.back().length_at;
    const std::uint64_t length = bytes_.size() - at - sizeof(std::uint64_t);
    std::memcpy(bytes_.data() + at, &length, sizeof length);
    sections_.pop_back();
    return;
  }
  if (pos_ != sections_.back().body_end) fail("section body has a different length than the reader expects");
  sections_.pop_back();
}

}  // namespace spikeq
