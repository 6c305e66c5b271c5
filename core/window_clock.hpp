// Wall-clock timing of a run's windows at a cost that does not show in the run.
//
// A window can take a few microseconds of wall time (CUBA: 0.1 ms of model time in
// about 2.5 µs), and the four clock reads per window through clock_gettime took 2 %
// of such a run (bench/RESULTS.md). The x86-64 time-stamp counter is read in a third
// of the time; it is used where the CPU says it ticks at a constant rate on every
// core (CPUID's invariant TSC), steady_clock elsewhere. Ticks become seconds at the
// rate measured between start() and seconds(), so no frequency needs to be known.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace spikeq {

class window_clock {
 public:
  using ticks = std::uint64_t;

  static ticks now() {
#if defined(__x86_64__)
    if (invariant_tsc()) return __rdtsc();
#endif
    return static_cast<ticks>(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  // Starts measuring the tick rate.
  void start() {
    started_ = std::chrono::steady_clock::now();
    started_ticks_ = now();
  }

  // The seconds that `elapsed` ticks stand for, at the rate since start().
  double seconds(ticks elapsed) const {
    if (elapsed == 0) return 0.0;
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const ticks total = now() - started_ticks_;
    return total == 0 ? 0.0 : wall_s * (static_cast<double>(elapsed) / static_cast<double>(total));
  }

 private:
#if defined(__x86_64__)
  static bool invariant_tsc() {
    static const bool invariant = [] {
      unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
      if (__get_cpuid(0x80000007U, &eax, &ebx, &ecx, &edx) == 0) return false;
      return (edx & (1U << 8)) != 0;
    }();
    return invariant;
  }
#endif

  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  ticks started_ticks_ = now();
};

}  // namespace spikeq
