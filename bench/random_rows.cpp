// What random reads of a large table cost, with and without a stream between them:
// the pattern of spike delivery at scale (bench/cuba_growth.py at 400k neurons), alone.
//
// A window reads 416 rows of 256 bytes at random places in a table (the rows of one
// 0.1 ms step's spikes in the 400k CUBA network), prefetching 4 rows ahead, and
// appends them to a staging array, as core/ring_delivery.cpp does. Between windows
// a loop optionally streams S MiB of "neuron state" (V = a V + b I1 + c I2 over three
// arrays, as the neuron step does). Reported per table size, stream size and page
// hint (madvise MADV_HUGEPAGE or MADV_NOHUGEPAGE on the table and the state): ns per
// row, the best of 3 runs of 4·10⁶ rows.
//
// It is the floor of the table reads in ring_delivery::add_all at that size: what the
// same reads cost in spikeq's run is in bench/RESULTS.md (CUBA growth).
//
// Build and run with bench/random_rows.sh.
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::size_t huge_page = std::size_t{2} << 20;

// Page-aligned memory with the page hint applied before the first touch.
template <class T>
T* allocate(std::size_t count, bool huge) {
  const std::size_t bytes = (count * sizeof(T) + huge_page - 1) / huge_page * huge_page;
  void* p = std::aligned_alloc(huge_page, bytes);
  if (p == nullptr) std::abort();
  madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);  // a hint only
  return static_cast<T*>(p);
}

double ns_per_row(std::size_t table_mib, std::size_t stream_mib, bool huge) {
  constexpr std::size_t row_words = 64, rows_per_window = 416, rows = 4'000'000, ahead = 4;
  const std::size_t words = (table_mib << 20) / sizeof(std::uint32_t);
  auto* table = allocate<std::uint32_t>(words, huge);
  for (std::size_t i = 0; i < words; ++i) table[i] = static_cast<std::uint32_t>(i);
  const std::size_t neurons = (stream_mib << 20) / (3 * sizeof(double));
  auto* state = allocate<double>(3 * neurons + 1, huge);
  std::fill(state, state + 3 * neurons + 1, 1.0);
  double *V = state, *I1 = state + neurons, *I2 = state + 2 * neurons;
  auto* staged = allocate<std::uint32_t>(rows_per_window * row_words, false);
  std::size_t row_start[rows_per_window];
  std::uint64_t random = 88172645463325252ULL;  // xorshift64
  double seconds = 0;
  std::uint64_t checksum = 0;
  for (std::size_t done = 0; done < rows; done += rows_per_window) {
    for (auto& start : row_start) {
      random ^= random << 13;
      random ^= random >> 7;
      random ^= random << 17;
      start = random % (words - row_words);
    }
    const auto t0 = clock_type::now();
    std::size_t at = 0;
    for (std::size_t k = 0; k < rows_per_window; ++k) {
      if (k + ahead < rows_per_window)
        for (std::size_t line = 0; line < row_words * 4; line += 64)
          __builtin_prefetch(reinterpret_cast<const char*>(table + row_start[k + ahead]) + line);
      for (std::size_t j = 0; j < row_words; ++j) staged[at++] = table[row_start[k] + j] | 0x80000000U;
    }
    seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
    checksum += staged[at - 1];
    for (std::size_t i = 0; i < neurons; ++i) V[i] = 0.99 * V[i] + 0.001 * I1[i] + 0.002 * I2[i];
  }
  checksum += V[0] > 0 ? 1 : 0;
  if (checksum == 0) std::printf("(empty checksum)\n");
  std::free(table);
  std::free(state);
  std::free(staged);
  return seconds * 1e9 / static_cast<double>(rows);
}

}  // namespace

int main() {
  std::printf(
      "416 random 256-byte rows per window, 4 rows prefetched ahead, 4e6 rows, best of 3, 1 thread\n");
  std::printf("%10s %11s | %16s %16s\n", "table MiB", "stream MiB", "ns/row 4K pages", "ns/row huge hint");
  for (const std::size_t table_mib : {8, 128})
    for (const std::size_t stream_mib : {0, 13}) {
      double best[2] = {1e30, 1e30};
      for (int repeat = 0; repeat < 3; ++repeat)
        for (int huge = 0; huge < 2; ++huge)
          best[huge] = std::min(best[huge], ns_per_row(table_mib, stream_mib, huge == 1));
      std::printf("%10zu %11zu | %16.1f %16.1f\n", table_mib, stream_mib, best[0], best[1]);
    }
}
