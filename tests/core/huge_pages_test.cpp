// core/huge_pages.hpp: the arrays keep their contents, and where the system grants
// transparent huge pages on request (mode "madvise" or "always"), a large array
// asked for them is backed by them.
#include "core/huge_pages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace spikeq {
namespace {

struct record {
  double w;
  std::int64_t t;
};

TEST(huge_pages, resize_fills_every_element_with_the_value) {
  std::vector<record> v;
  resize_in_huge_pages(v, 300000, record{0.5, -1});
  ASSERT_EQ(v.size(), 300000u);
  for (const record& r : v) {
    ASSERT_EQ(r.w, 0.5);
    ASSERT_EQ(r.t, -1);
  }
}

TEST(huge_pages, small_and_empty_arrays_are_left_as_they_are) {
  std::vector<std::uint64_t> empty;
  reserve_in_huge_pages(empty, 0);
  EXPECT_TRUE(empty.empty());
  std::vector<std::uint64_t> small;
  resize_in_huge_pages(small, 10, std::uint64_t{7});
  EXPECT_EQ(small, std::vector<std::uint64_t>(10, 7));
}

// The system's transparent huge page mode: the bracketed word of
// /sys/kernel/mm/transparent_hugepage/enabled, or "" where there is none.
std::string huge_page_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(in, line);
  const auto open = line.find('['), close = line.find(']');
  return open == std::string::npos || close == std::string::npos ? ""
                                                                 : line.substr(open + 1, close - open - 1);
}

// Kilobytes of anonymous huge pages in the mapping that holds `address`
// (/proc/self/smaps), or -1 if no mapping holds it.
long huge_kb_of_mapping(const void* address) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= a && a < end;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::stol(line.substr(14));
  }
  return -1;
}

TEST(huge_pages, a_large_array_is_backed_by_huge_pages_where_the_system_grants_them) {
  const std::string mode = huge_page_mode();
  if (mode != "madvise" && mode != "always") GTEST_SKIP() << "transparent huge pages: '" << mode << "'";
  std::vector<std::uint64_t> v;
  resize_in_huge_pages(v, std::size_t{16} << 20, std::uint64_t{1});  // 128 MiB, touched
  // The whole 2 MiB pages inside the array: all but at most two partial ones at
  // its ends. The kernel may still refuse (fragmented memory), so ask for most.
  const long huge_kb = huge_kb_of_mapping(v.data() + v.size() / 2);
  ASSERT_GE(huge_kb, 0) << "no mapping holds the array";
  EXPECT_GE(huge_kb, 64L * 1024) << "of 128 MiB, " << huge_kb << " KiB in huge pages";
}

}  // namespace
}  // namespace spikeq
