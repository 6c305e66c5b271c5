// What the kernel promises plasticity rules (core/plasticity_rule.hpp): the time
// frame for axonal, dendritic and split delays (rules.md §1.5), the order of
// pre arrivals, post arrivals, ticks and spikes at one tick, and that a delivered
// spike carries the weight its own pre event produced (NEST's order).
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <tuple>

#include "core/kernel.hpp"
#include "tests/core/scripted_network.hpp"

namespace spikeq {
namespace {

using testing::firing_target;
using testing::make_table;
using testing::scripted_source;

struct plasticity_call {
  char kind;  // 'a' pre arrival, 'p' post arrival, 't' tick
  tick_type tick;
  std::uint64_t synapse;
  friend bool operator==(const plasticity_call&, const plasticity_call&) = default;
  friend std::ostream& operator<<(std::ostream& os, const plasticity_call& c) {
    return os << c.kind << '@' << c.tick << '#' << c.synapse;
  }
};

// Logs every call; adds 1 to each synapse's weight at a pre arrival.
class logging_rule final : public plasticity_rule {
 public:
  logging_rule(std::span<weight_type> table, tick_type tick_interval)
      : table_(table), tick_interval_(tick_interval), w_(table.begin(), table.end()) {}
  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override {
    for (auto s = first; s < last; ++s) {
      calls.push_back({'a', now, s});
      w_[s] += 1.0;
      table_[s] = static_cast<weight_type>(w_[s]);
    }
  }
  void on_post_arrival(tick_type now, neuron_id_type, std::span<const std::uint64_t> synapses) override {
    for (const auto s : synapses) calls.push_back({'p', now, s});
  }
  tick_type tick_interval() const override { return tick_interval_; }
  void on_tick(tick_type now, std::span<const std::uint64_t>) override { calls.push_back({'t', now, 0}); }
  double weight(std::uint64_t s) const override { return w_[s]; }
  std::span<const double> weights() const override { return w_; }
  void set_change_log(weight_change_log*) override {}
  void set_learning_schedule(const step_series*) override {}
  std::vector<plasticity_call> calls;

 private:
  std::span<weight_type> table_;  // the buffer stays put when the projection is moved
  tick_type tick_interval_;
  std::vector<double> w_;
};

struct plastic_fixture {
  network net;
  logging_rule* rule = nullptr;
  firing_target* target = nullptr;

  // One source neuron firing at pre_ticks onto one target neuron firing at
  // post_ticks through synapses with the given delays; dendritic[s] per synapse.
  plastic_fixture(std::vector<tick_type> pre_ticks, std::vector<tick_type> post_ticks,
                  const std::vector<tick_type>& delays, const std::vector<tick_type>& dendritic,
                  tick_type tick_interval = 0) {
    auto post = std::make_unique<firing_target>(std::vector<std::vector<tick_type>>{std::move(post_ticks)});
    target = post.get();
    net.first_global_id = {0, 1};
    net.populations.push_back(
        std::make_unique<scripted_source>(1, std::vector<std::vector<tick_type>>{std::move(pre_ticks)}));
    net.populations.push_back(std::move(post));
    std::vector<std::tuple<neuron_id_type, neuron_id_type, tick_type, weight_type>> rows;
    for (const auto d : delays) rows.emplace_back(0, 0, d, 0.0f);
    projection p{"p", 0, 1, receptor_type::excitatory, make_table(1, rows), nullptr, {}};
    p.post = build_post_index(p.synapses, 1, dendritic);
    auto r = std::make_unique<logging_rule>(p.synapses.weight, tick_interval);
    rule = r.get();
    p.rule = std::move(r);
    net.projections.push_back(std::move(p));
    net.outgoing = {{0}, {}};
    net.incoming_plastic = {{}, {0}};
  }
  void run(tick_type t_stop) {
    kernel k(net, {});
    k.run(t_stop);
  }
};

TEST(kernel_plasticity, axonal_delays_pre_arrives_after_the_delay_post_at_once) {
  // rules.md §1.5, Izhikevich convention: d_den = 0, so dt_syn = t_post - (t_pre + d).
  plastic_fixture f({1000}, {1500}, {7, 300}, {});
  f.run(5000);
  EXPECT_EQ(f.rule->calls,
            (std::vector<plasticity_call>{{'a', 1007, 0}, {'a', 1300, 1}, {'p', 1500, 0}, {'p', 1500, 1}}));
}

TEST(kernel_plasticity, dendritic_delays_reach_each_synapse_in_the_shifted_frame) {
  // NEST convention: d_ax = 0, d_den = d. The rule sees pre at t_pre + d and post
  // at t_post + 2d, so dt_syn = (t_post + d) - t_pre as NEST's stdp_synapse uses.
  plastic_fixture f({1000}, {1500}, {7, 300}, {7, 300});
  f.run(5000);
  EXPECT_EQ(f.rule->calls,
            (std::vector<plasticity_call>{{'a', 1007, 0}, {'a', 1300, 1}, {'p', 1514, 0}, {'p', 2100, 1}}));
  for (const auto& c : f.rule->calls) {
    const tick_type d = c.synapse == 0 ? 7 : 300;
    if (c.kind == 'p') {
      EXPECT_EQ((c.tick - d) - (1000 + d - d), (1500 + d) - 1000) << "dt_syn of synapse " << c.synapse;
    }
  }
}

TEST(kernel_plasticity, split_delays_use_the_dendritic_part) {
  // d = 10 (d_ax 6, d_den 4) and d = 300 (d_ax 296, d_den 4).
  plastic_fixture f({1000}, {1500}, {10, 300}, {4, 4});
  f.run(5000);
  EXPECT_EQ(f.rule->calls,
            (std::vector<plasticity_call>{{'a', 1010, 0}, {'a', 1300, 1}, {'p', 1508, 0}, {'p', 1508, 1}}));
}

TEST(kernel_plasticity, post_arrivals_beyond_t_stop_are_not_delivered) {
  plastic_fixture f({1000}, {1500}, {300}, {300});
  f.run(2000);
  EXPECT_EQ(f.rule->calls, (std::vector<plasticity_call>{{'a', 1300, 0}}));
}

TEST(kernel_plasticity, at_one_tick_pre_arrivals_come_before_spikes_and_ticks) {
  // event.hpp: deliveries, post arrivals, wake-ups (this target's spikes), then
  // plasticity ticks; spikes of time-stepped populations come after the ticks.
  plastic_fixture f({900}, {1000, 2000}, {100}, {}, 1000);
  f.run(2000);
  EXPECT_EQ(f.rule->calls,
            (std::vector<plasticity_call>{
                {'a', 1000, 0}, {'p', 1000, 0}, {'t', 1000, 0}, {'p', 2000, 0}, {'t', 2000, 0}}));
}

TEST(kernel_plasticity, a_delivered_spike_carries_the_weight_its_pre_event_produced) {
  plastic_fixture f({100, 200}, {}, {5}, {});
  f.run(1000);
  ASSERT_EQ(f.target->received.size(), 2u);
  EXPECT_EQ(std::get<2>(f.target->received[0]), 1.0f);
  EXPECT_EQ(std::get<2>(f.target->received[1]), 2.0f);
}

TEST(post_index, groups_each_targets_synapses_by_back_propagation_offset) {
  // Two sources onto targets 0 and 1; dendritic delays 0, 3, 0, 3, 5.
  const auto table =
      make_table(2, {{0, 0, 5, 0.f}, {0, 1, 6, 0.f}, {1, 0, 7, 0.f}, {1, 0, 8, 0.f}, {1, 1, 9, 0.f}});
  // Table order: (0->0 d5), (0->1 d6), (1->0 d7), (1->0 d8), (1->1 d9).
  const std::vector<tick_type> dendritic{0, 3, 0, 3, 5};
  const post_index index = build_post_index(table, 2, dendritic);
  ASSERT_EQ(index.target_first_block, (std::vector<std::uint64_t>{0, 2, 4}));
  EXPECT_EQ(index.block_offset, (std::vector<tick_type>{0, 6, 6, 10}));
  EXPECT_EQ(std::vector<std::uint64_t>(index.block(0).begin(), index.block(0).end()),
            (std::vector<std::uint64_t>{0, 2}));
  EXPECT_EQ(std::vector<std::uint64_t>(index.block(1).begin(), index.block(1).end()),
            (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(std::vector<std::uint64_t>(index.block(2).begin(), index.block(2).end()),
            (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(std::vector<std::uint64_t>(index.block(3).begin(), index.block(3).end()),
            (std::vector<std::uint64_t>{4}));
}

}  // namespace
}  // namespace spikeq
