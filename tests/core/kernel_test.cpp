// Kernel behaviour with minimal stand-in populations: exact delays, the order of
// simultaneous inputs, time-stepped scheduling and stimulus timing.
#include "core/kernel.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <tuple>

#include "tests/core/scripted_network.hpp"

namespace spikeq {
namespace {

using testing::make_table;
using testing::scripted_source;

struct arrival {
  tick_type tick;
  neuron_id_type target;
  weight_type weight;
  receptor_type receptor;
};

// Logs every input and every step; never fires.
class logging_target final : public population {
 public:
  logging_target(neuron_id_type size, tick_type step) : population("tgt", size), step_(step) {}
  std::string_view model() const override { return "logging_target"; }
  tick_type step_ticks() const override { return step_; }
  void step(tick_type now, population_output&) override { steps.push_back(now); }
  void receive(tick_type now, receptor_type r, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output&) override {
    for (std::size_t k = 0; k < targets.size(); ++k) arrivals.push_back({now, targets[k], weights[k], r});
  }
  void set_current(tick_type now, std::span<const neuron_id_type>, double amplitude,
                   population_output&) override {
    currents.emplace_back(now, amplitude);
  }
  std::vector<arrival> arrivals;
  std::vector<tick_type> steps;
  std::vector<std::pair<tick_type, double>> currents;

 private:
  tick_type step_;
};

network two_population_network(std::unique_ptr<population> src, std::unique_ptr<population> tgt) {
  network net;
  net.first_global_id = {0, src->size()};
  net.populations.push_back(std::move(src));
  net.populations.push_back(std::move(tgt));
  net.outgoing.resize(2);
  return net;
}

TEST(kernel, spike_arrives_exactly_after_each_heterogeneous_delay) {
  // One spike at tick 1000 through synapses with delays from 1 tick to far beyond
  // the queue's ring (which spans about the maximum delay).
  const std::vector<tick_type> delays{1, 2, 3, 99, 100, 101, 1000, 12345, 99999, 250000, 5'000'000};
  std::vector<std::tuple<neuron_id_type, neuron_id_type, tick_type, weight_type>> rows;
  for (std::size_t k = 0; k < delays.size(); ++k)
    rows.emplace_back(0, static_cast<neuron_id_type>(k), delays[k], static_cast<weight_type>(k + 1));
  auto tgt = std::make_unique<logging_target>(static_cast<neuron_id_type>(delays.size()), 100);
  auto* log = tgt.get();
  network net = two_population_network(
      std::make_unique<scripted_source>(1, std::vector<std::vector<tick_type>>{{1000}}), std::move(tgt));
  net.projections.push_back({"p", 0, 1, receptor_type::excitatory, make_table(1, rows), nullptr, {}});
  net.outgoing[0] = {0};
  kernel k(net, {});
  k.run(6'000'000);
  ASSERT_EQ(log->arrivals.size(), delays.size());
  for (const auto& a : log->arrivals) EXPECT_EQ(a.tick, 1000 + delays[a.target]) << "target " << a.target;
  EXPECT_EQ(k.statistics().synaptic_events, delays.size());
}

TEST(kernel, simultaneous_inputs_arrive_in_source_order_whatever_the_scheduling_order) {
  // Sources fire at different ticks with delays chosen so that all inputs reach the
  // target at tick 5000; they were scheduled in the reverse of source order.
  const neuron_id_type n = 50;
  std::vector<std::vector<tick_type>> fire(n);
  std::vector<std::tuple<neuron_id_type, neuron_id_type, tick_type, weight_type>> rows;
  for (neuron_id_type s = 0; s < n; ++s) {
    fire[s] = {static_cast<tick_type>(4000 - 10 * s)};
    rows.emplace_back(s, 0, static_cast<tick_type>(1000 + 10 * s), 0.1f * static_cast<float>(s + 1));
  }
  auto tgt = std::make_unique<logging_target>(1, 100);
  auto* log = tgt.get();
  network net = two_population_network(std::make_unique<scripted_source>(n, fire), std::move(tgt));
  net.projections.push_back({"p", 0, 1, receptor_type::excitatory, make_table(n, rows), nullptr, {}});
  net.outgoing[0] = {0};
  kernel k(net, {});
  k.run(10000);
  ASSERT_EQ(log->arrivals.size(), n);
  for (neuron_id_type s = 0; s < n; ++s) {
    EXPECT_EQ(log->arrivals[s].tick, 5000);
    EXPECT_FLOAT_EQ(log->arrivals[s].weight, 0.1f * static_cast<float>(s + 1));
  }
}

TEST(kernel, steps_run_every_step_and_after_inputs_of_the_same_tick) {
  auto tgt = std::make_unique<logging_target>(1, 100);
  auto* log = tgt.get();
  network net = two_population_network(
      std::make_unique<scripted_source>(1, std::vector<std::vector<tick_type>>{{150}}), std::move(tgt));
  net.projections.push_back(
      {"p", 0, 1, receptor_type::inhibitory, make_table(1, {{0, 0, 50, -2.0f}}), nullptr, {}});
  net.outgoing[0] = {0};
  kernel k(net, {});
  k.run(1000);
  EXPECT_EQ(log->steps, (std::vector<tick_type>{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}));
  ASSERT_EQ(log->arrivals.size(), 1u);
  EXPECT_EQ(log->arrivals[0].tick, 200);
  EXPECT_EQ(log->arrivals[0].receptor, receptor_type::inhibitory);
}

TEST(kernel, current_changes_happen_at_their_ticks) {
  auto tgt = std::make_unique<logging_target>(3, 100);
  auto* log = tgt.get();
  network net = two_population_network(
      std::make_unique<scripted_source>(1, std::vector<std::vector<tick_type>>{{}}), std::move(tgt));
  net.currents.push_back({"dc", 1, {}, {0, 300, 700}, {5.0, -1.0, 0.0}});
  kernel k(net, {});
  k.run(1000);
  EXPECT_EQ(log->currents, (std::vector<std::pair<tick_type, double>>{{0, 5.0}, {300, -1.0}, {700, 0.0}}));
}

TEST(kernel, random_pulses_pick_reproducible_targets_once_per_interval) {
  auto run_once = [](std::uint64_t seed) {
    auto tgt = std::make_unique<logging_target>(10, 100);
    auto* log = tgt.get();
    network net = two_population_network(
        std::make_unique<scripted_source>(1, std::vector<std::vector<tick_type>>{{}}), std::move(tgt));
    net.seed = seed;
    random_pulse_source pulses;
    pulses.target_populations = {1};
    pulses.amplitude = 20.0;
    pulses.interval = 1000;
    pulses.start = 1000;
    pulses.stop = 1'000'000;
    net.pulses.push_back(pulses);
    kernel k(net, {});
    k.run(100'000);
    return log->arrivals;
  };
  const auto a = run_once(5);
  const auto b = run_once(5);
  ASSERT_EQ(a.size(), 100u);  // ticks 1000, 2000, ..., 100000
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].tick, static_cast<tick_type>(1000 * (k + 1)));
    EXPECT_EQ(a[k].target, b[k].target);
    EXPECT_FLOAT_EQ(a[k].weight, 20.0f);
  }
  const auto c = run_once(6);
  int same = 0;
  for (std::size_t k = 0; k < a.size(); ++k) same += a[k].target == c[k].target;
  EXPECT_LT(same, 30);  // about 10 expected by chance
}

// Samples one column (owned by neuron 0 of the logging target) at a list of ticks;
// the value is how many steps the target had taken by then.
class listed_probe final : public state_probe {
 public:
  listed_probe(const logging_target& target, std::vector<tick_type> ticks)
      : target_(target), ticks_(std::move(ticks)) {}
  tick_type first_sample() const override { return 0; }
  tick_type interval() const override { return 1; }
  const std::vector<tick_type>* sample_ticks() const override { return &ticks_; }
  std::size_t column_count() const override { return 1; }
  std::uint32_t owner_population() const override { return 1; }
  neuron_id_type column_neuron(std::size_t) const override { return 0; }
  void sample(tick_type, std::span<const std::uint32_t> columns, std::span<double> frame) const override {
    for (const auto c : columns) frame[c] = static_cast<double>(target_.steps.size());
  }
  void write(tick_type now, std::span<const double> frame) override { written.emplace_back(now, frame[0]); }
  std::vector<std::pair<tick_type, double>> written;

 private:
  const logging_target& target_;
  std::vector<tick_type> ticks_;
};

TEST(kernel, probes_with_listed_ticks_sample_exactly_there_after_the_ticks_events) {
  // Steps every 100 ticks; windows of 1000 ticks (no synapses). Samples at 0, inside
  // a window, on both sides of a window end, on a step's tick (after the step) and
  // beyond t_stop (dropped).
  auto tgt = std::make_unique<logging_target>(2, 100);
  const logging_target& log = *tgt;
  network net = two_population_network(
      std::make_unique<scripted_source>(1, std::vector<std::vector<tick_type>>{{}}), std::move(tgt));
  listed_probe probe(log, {0, 150, 151, 999, 1000, 2300, 5000});
  kernel_hooks hooks;
  hooks.probes.push_back(&probe);
  kernel k(net, hooks);
  k.run(3000);
  EXPECT_EQ(probe.written, (std::vector<std::pair<tick_type, double>>{
                               {0, 0}, {150, 1}, {151, 1}, {999, 9}, {1000, 10}, {2300, 23}}));
}

}  // namespace
}  // namespace spikeq
