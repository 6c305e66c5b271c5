// What the neuron step alone costs as a network outgrows the caches: the part of
// CUBA's cost per synaptic event (bench/cuba_growth.py) that no change to delivery
// can remove while every neuron is stepped every 0.1 ms with its state in doubles.
//
// For each size, spikeq's iaf_psc_exp step kernel (neurons/simd/psc_exp_kernel.hpp,
// the instruction set the machine supports, as at run time) propagates N neurons
// step after step: V read and written, the two synaptic currents read, 32 bytes per
// neuron-step, and every 64-neuron block tested against a threshold no neuron
// reaches. Reported: ns per neuron-step, the bandwidth that is, and ns per synaptic
// event of the growth benchmark, whose neurons take STEPS_PER_EVENT steps per event
// (10^4 steps per model second over 80 inputs x 5.2 Hz: 24). Each size is timed
// twice: one step per pass over all neurons (step()), and two steps per pass over
// ranges of 2048 neurons, as a large slice that steps ahead does
// (neurons/iaf_psc_exp.cpp, step_and_propagate_ahead): 16 bytes per neuron-step.
//
// Build and run with bench/step_floor.sh.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/cache_aligned_vector.hpp"
#include "neurons/simd/psc_exp_kernel.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// ns per neuron-step of the kernel on n neurons, best of `repeats` timings of
// `neuron_steps` neuron-steps each; with `steps_per_pass` 2, two steps per pass over
// each range of `range` neurons.
double ns_per_neuron_step(std::size_t n, double neuron_steps, int repeats, int steps_per_pass) {
  constexpr std::size_t range = 2048;
  // On cache lines, as iaf_psc_exp keeps them (16-byte aligned arrays cost 4k twice as much here).
  spikeq::cache_aligned_vector<double> V(n), I_ex(n), I_in(n);
  for (std::size_t i = 0; i < n; ++i) {
    V[i] = -10.0 + static_cast<double>(i % 97) * 0.05;  // mV relative to E_L, below threshold
    I_ex[i] = static_cast<double>(i % 13);
    I_in[i] = -static_cast<double>(i % 7);
  }
  std::vector<std::uint32_t> blocks(n / spikeq::simd::psc_exp_block + 1);
  std::vector<std::uint8_t> lanes(blocks.size());
  // CUBA's propagator for h = 0.1 ms, tau_m = 20 ms, C_m = 250 pF (close enough: the
  // cost does not depend on the values).
  const spikeq::simd::psc_exp_propagator c{0.995012479, 3.98e-4, 3.99e-4, 3.99e-4, 0.0};
  const auto propagate = spikeq::simd::select_psc_exp_propagate();
  const auto steps = static_cast<std::size_t>(std::max(1.0, neuron_steps / static_cast<double>(n)));
  double best = 1e30;
  std::size_t crossings = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = clock_type::now();
    if (steps_per_pass == 1) {
      for (std::size_t s = 0; s < steps; ++s)
        crossings += propagate(n, c, V.data(), I_ex.data(), I_in.data(), nullptr, nullptr, 1e9, blocks.data(),
                               lanes.data());
    } else {
      for (std::size_t s = 0; s < steps; s += 2)
        for (std::size_t first = 0; first < n; first += range) {
          const std::size_t count = std::min(range, n - first);
          for (int twice = 0; twice < 2; ++twice)
            crossings += propagate(count, c, V.data() + first, I_ex.data() + first, I_in.data() + first,
                                   nullptr, nullptr, 1e9, blocks.data(), lanes.data());
        }
    }
    const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    best = std::min(best, seconds * 1e9 / static_cast<double>(steps * n));
  }
  if (crossings != 0) std::printf("(unexpected threshold crossings)\n");
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr double steps_per_event = 1e4 / (80 * 5.2);
  const double neuron_steps = argc > 1 ? std::atof(argv[1]) : 2e9;
  std::printf(
      "iaf_psc_exp step kernel, %.3g neuron-steps per timing, best of 3, 1 thread; %.1f neuron-steps "
      "per synaptic event (CUBA growth)\n",
      neuron_steps, steps_per_event);
  std::printf("%9s %10s | %-45s | %-45s\n", "", "", "one step per pass",
              "two steps per pass, 2048-neuron ranges");
  std::printf("%9s %10s | %16s %8s %19s | %16s %8s %19s\n", "neurons", "state MiB", "ns / neuron-step",
              "GB/s", "ns / synaptic event", "ns / neuron-step", "GB/s", "ns / synaptic event");
  for (const std::size_t n : {4000, 40000, 400000, 4000000}) {
    const double one = ns_per_neuron_step(n, neuron_steps, 3, 1);
    const double two = ns_per_neuron_step(n, neuron_steps, 3, 2);
    std::printf("%9zu %10.2f | %16.3f %8.1f %19.2f | %16.3f %8.1f %19.2f\n", n,
                24.0 * static_cast<double>(n) / (1 << 20), one, 32.0 / one, one * steps_per_event, two,
                16.0 / two, two * steps_per_event);
  }
}
