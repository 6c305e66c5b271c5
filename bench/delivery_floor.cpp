// How far spikeq's spike delivery is from what the machine can do at best.
//
// Three measurements, each reported in synaptic events per second and ns per event:
//  1. stream read: the memory bandwidth of a plain sequential read (GB/s), the
//     ceiling for reading a synapse table that does not fit in cache;
//  2. random add (the floor): buf[target[i]] += weight[i] over a sequential stream of
//     (uint32 target, float weight) pairs, 8 bytes per event, into a float buffer of
//     one entry per neuron: the least any event-driven simulator must do per event;
//  3. spikeq delivery: a core/synapse_table with one delay block per source, spikes
//     from random sources, each block handed to the time-stepped models' input list
//     (neurons/step_support.hpp pending_inputs::add, as iaf_psc_exp::receive does) and
//     applied into per-neuron double accumulators once per 0.1 ms step
//     (apply_and_clear), as the step does. The event queue is left out: one event per
//     block, not per synapse.
// Each runs at several network sizes (neurons N, in-degree K, so N * K synapses),
// because whether the table and the per-neuron buffer fit in cache decides the cost.
//
// Build and run with bench/delivery_floor.sh (g++ -O3, this repository's headers).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/synapse_table.hpp"
#include "neurons/step_support.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Keeps the compiler from dropping a result.
template <typename T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// Best of `repeats` sequential reads of `bytes`, in GB/s (10^9 bytes).
double stream_read_gbs(std::size_t bytes, int repeats) {
  std::vector<std::uint64_t> data(bytes / sizeof(std::uint64_t));
  std::iota(data.begin(), data.end(), 0);
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = clock_type::now();
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i + 3 < data.size(); i += 4) {
      s0 += data[i];
      s1 += data[i + 1];
      s2 += data[i + 2];
      s3 += data[i + 3];
    }
    const std::uint64_t sum = s0 + s1 + s2 + s3;
    keep(sum);
    best = std::min(best, seconds_since(t0));
  }
  return static_cast<double>(bytes) / best / 1e9;
}

// Events per second of buf[target[i]] += weight[i] over `events` random targets in [0, n).
double random_add_rate(std::uint32_t n, std::size_t events, std::mt19937_64& rng) {
  std::vector<std::uint32_t> target(events);
  std::vector<float> weight(events, 0.5f);
  std::uniform_int_distribution<std::uint32_t> pick(0, n - 1);
  for (auto& t : target) t = pick(rng);
  std::vector<float> buf(n, 0.0f);
  double best = 1e30;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < events; ++i) buf[target[i]] += weight[i];
    keep(buf[0]);
    best = std::min(best, seconds_since(t0));
  }
  return static_cast<double>(events) / best;
}

// A table of n sources with k random targets each (sorted, as the builder sorts a
// block by target), one block per source (a single delay, as in CUBA).
spikeq::synapse_table make_table(std::uint32_t n, std::uint32_t k, std::mt19937_64& rng) {
  spikeq::synapse_table t;
  std::uniform_int_distribution<std::uint32_t> pick(0, n - 1);
  t.target.resize(static_cast<std::size_t>(n) * k);
  t.weight.assign(t.target.size(), 0.5f);
  for (std::uint32_t s = 0; s < n; ++s) {
    auto first = t.target.begin() + static_cast<std::ptrdiff_t>(s) * k;
    for (auto it = first; it != first + k; ++it) *it = pick(rng);
    std::sort(first, first + k);
    t.source_first_block.push_back(s);
    t.block_first_synapse.push_back(static_cast<std::uint64_t>(s) * k);
    t.block_delay.push_back(100);
  }
  t.source_first_block.push_back(n);
  t.block_first_synapse.push_back(static_cast<std::uint64_t>(n) * k);
  return t;
}

// Events per second of spikeq's delivery path; `spikes_per_step` spikes from random
// sources per 0.1 ms step (N * 5 Hz * 0.1 ms in CUBA), `events` in total.
double spikeq_delivery_rate(const spikeq::synapse_table& table, std::uint32_t n, std::size_t events,
                            std::uint32_t spikes_per_step, std::mt19937_64& rng) {
  const std::uint32_t k = static_cast<std::uint32_t>(table.target.size() / n);
  const std::size_t spikes = events / k;
  std::vector<std::uint32_t> source(spikes);
  std::uniform_int_distribution<std::uint32_t> pick(0, n - 1);
  for (auto& s : source) s = pick(rng);
  std::vector<double> excitatory(n, 0.0), inhibitory(n, 0.0);
  spikeq::pending_inputs pending;
  double best = 1e30;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < spikes; ++i) {
      const std::uint32_t block = table.source_first_block[source[i]];
      pending.add(spikeq::receptor_type::excitatory, table.block_targets(block), table.block_weights(block));
      if ((i + 1) % spikes_per_step == 0) pending.apply_and_clear(excitatory, inhibitory);
    }
    pending.apply_and_clear(excitatory, inhibitory);
    keep(excitatory[0]);
    best = std::min(best, seconds_since(t0));
  }
  return static_cast<double>(spikes) * k / best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t k = argc > 1 ? static_cast<std::uint32_t>(std::atoi(argv[1])) : 80;
  const std::size_t events = argc > 2 ? static_cast<std::size_t>(std::atof(argv[2])) : 50'000'000;
  std::mt19937_64 rng(1);

  const double gbs = stream_read_gbs(std::size_t{1} << 30, 5);
  std::printf("stream read (1 GiB, best of 5): %.2f GB/s -> %.3g events/s at 8 bytes per event\n", gbs,
              gbs * 1e9 / 8);
  std::printf("in-degree %u, %.3g events per measurement, 1 thread\n", k, static_cast<double>(events));
  std::printf("%9s %10s %10s | %12s %8s | %12s %8s | %6s | %s\n", "neurons", "table MiB", "buffer KiB",
              "floor ev/s", "ns/ev", "spikeq ev/s", "ns/ev", "ratio",
              "spikeq GB/s (table + input list + state)");
  for (const std::uint32_t n : {4'000u, 40'000u, 400'000u, 4'000'000u}) {
    const double floor = random_add_rate(n, events, rng);
    const auto table = make_table(n, k, rng);
    const auto spikes_per_step = std::max<std::uint32_t>(1, n / 2000);  // N * 5 Hz * 0.1 ms
    const double spikeq = spikeq_delivery_rate(table, n, events, spikes_per_step, rng);
    // Bytes the delivery path moves per event: the table's target and weight (8),
    // the input-list entry written and read back (12 + 12), the accumulator read and
    // written (8 + 8).
    constexpr double bytes_per_event = 8 + 24 + 16;
    std::printf("%9u %10.1f %10.1f | %12.3g %8.2f | %12.3g %8.2f | %6.2f | %.2f (%.0f%% of stream)\n", n,
                static_cast<double>(table.target.size()) * 8 / (1 << 20), n * 4.0 / 1024, floor, 1e9 / floor,
                spikeq, 1e9 / spikeq, floor / spikeq, spikeq * bytes_per_event / 1e9,
                100 * spikeq * bytes_per_event / 1e9 / gbs);
  }
  std::printf(
      "floor: 8 bytes read per event + a random float add; ratio = floor rate / spikeq rate.\n"
      "spikeq moves %d bytes per event (table 8, input list 12 + 12, double accumulator 8 + 8).\n",
      8 + 24 + 16);
  return 0;
}
