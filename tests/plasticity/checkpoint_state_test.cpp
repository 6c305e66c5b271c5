// Checkpoint and resume of every plasticity rule (issue 12): a rule saved at a
// window boundary and loaded into a freshly built twin must continue bit-identically
// to the uninterrupted rule. The expected values are the uninterrupted rule's own
// weights: resuming is exact or it is wrong, so the comparison is by bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/neuromodulation.hpp"
#include "core/readout_signal.hpp"
#include "core/state_archive.hpp"
#include "core/trial_protocol.hpp"
#include "plasticity/boltzmann_sleep_hebbian.hpp"
#include "plasticity/error_modulated_hebbian.hpp"
#include "plasticity/modulated_stdp.hpp"
#include "plasticity/sal.hpp"
#include "plasticity/spnet_stdp.hpp"
#include "plasticity/static_rule.hpp"
#include "plasticity/stdp_pair.hpp"
#include "plasticity/stdp_triplet.hpp"

namespace spikeq::plasticity {
namespace {

constexpr neuron_id_type target_count = 3;
constexpr tick_type save_tick = 400;  // every event before it processed
constexpr tick_type end_tick = 1200;

// All-to-all, source-major: synapse s = source * target_count + target.
struct layout {
  explicit layout(std::uint32_t sources) : table(sources * target_count), all(table.size()) {
    for (std::uint64_t s = 0; s < table.size(); ++s) {
      table[s] = static_cast<weight_type>(0.3 + 0.01 * static_cast<double>(s));
      targets.push_back(static_cast<neuron_id_type>(s % target_count));
      source_of.push_back(static_cast<std::uint32_t>(s / target_count));
      all[s] = s;
    }
    for (neuron_id_type n = 0; n < target_count; ++n) {
      incoming.emplace_back();
      for (std::uint64_t s = n; s < table.size(); s += target_count) incoming.back().push_back(s);
    }
  }
  std::uint32_t sources() const { return static_cast<std::uint32_t>(table.size() / target_count); }
  std::vector<weight_type> table;
  std::vector<std::uint64_t> all;
  std::vector<neuron_id_type> targets;
  std::vector<std::uint32_t> source_of;
  std::vector<std::vector<std::uint64_t>> incoming;
};

// Deterministic, irregular spike trains with both pre-before-post and
// post-before-pre pairs at several lags.
bool pre_fires(tick_type t, std::uint32_t j) { return (t * 7 + j * 13) % 23 == 0; }
bool post_fires(tick_type t, neuron_id_type n) { return (t * 5 + n * 11) % 29 == 0; }

// Population-owned state a rule writes through (readout traces, biases) is saved
// by its population, not the rule; a case copies it at the checkpoint instead.
class rule_case {
 public:
  explicit rule_case(std::uint32_t sources) : net(sources) {}
  virtual ~rule_case() = default;
  virtual plasticity_rule& rule() = 0;
  virtual void adopt_population_state(const rule_case& /*from*/) {}
  virtual void on_pre(tick_type /*t*/, std::uint32_t /*j*/) {}

  void step(tick_type t) {
    for (std::uint32_t j = 0; j < net.sources(); ++j)
      if (pre_fires(t, j)) {
        rule().on_pre_arrival(t, j * target_count, (j + 1) * target_count);
        on_pre(t, j);
      }
    for (neuron_id_type n = 0; n < target_count; ++n)
      if (post_fires(t, n)) rule().on_post_arrival(t, n, net.incoming[n]);
    const tick_type interval = rule().tick_interval();
    if (interval > 0 && t % interval == 0) rule().on_tick(t, net.all);
  }
  layout net;
};

class stdp_pair_case final : public rule_case {
 public:
  stdp_pair_case(std::uint32_t sources, pairing_scheme pairing, bool shared) : rule_case(sources) {
    stdp_pair_parameters p;
    p.pairing = pairing;
    rule_ = std::make_unique<stdp_pair_rule>(
        p, 1.0, net.table,
        shared ? std::optional<shared_post_side>(shared_post_side{net.targets, target_count}) : std::nullopt);
  }
  plasticity_rule& rule() override { return *rule_; }

 private:
  std::unique_ptr<stdp_pair_rule> rule_;
};

class triplet_case final : public rule_case {
 public:
  explicit triplet_case(std::uint32_t sources) : rule_case(sources) {
    stdp_triplet_parameters p;
    p.A2_plus = 5e-3;  // visible potentiation within the script
    rule_ = std::make_unique<stdp_triplet_rule>(p, 1.0, net.table);
  }
  plasticity_rule& rule() override { return *rule_; }

 private:
  std::unique_ptr<stdp_triplet_rule> rule_;
};

class spnet_case final : public rule_case {
 public:
  explicit spnet_case(std::uint32_t sources) : rule_case(sources) {
    spnet_stdp_parameters p;
    p.update_interval_ms = 100.0;  // several updates on each side of the checkpoint
    rule_ = std::make_unique<spnet_stdp_rule>(p, 1.0, net.table);
  }
  plasticity_rule& rule() override { return *rule_; }

 private:
  std::unique_ptr<spnet_stdp_rule> rule_;
};

class modulated_case final : public rule_case {
 public:
  modulated_case(std::uint32_t sources, bool shared) : rule_case(sources), channel_("da", 200.0, 0.002) {
    for (const tick_type t : {150, 380, 450, 700, 1000}) channel_.commit(t, 0.005);
    modulated_stdp_parameters p = nest_dopamine_stdp();
    p.bounds = {0.0, 1.0};
    rule_ = std::make_unique<modulated_stdp_rule>(
        p, 1.0, net.table, channel_, std::vector<tick_type>{},
        shared ? std::optional<shared_post_side>(shared_post_side{net.targets, target_count}) : std::nullopt);
  }
  plasticity_rule& rule() override { return *rule_; }

 private:
  modulator_channel channel_;
  std::unique_ptr<modulated_stdp_rule> rule_;
};

class sal_case final : public rule_case {
 public:
  sal_case(std::uint32_t sources, bool accumulate) : rule_case(sources) {
    sal_parameters p;
    p.last_spikes = 2;
    p.eta = 1e-2;
    p.accumulate = accumulate;
    p.normalization_ms = accumulate ? 10.0 : 0.0;
    p.amplitude = noised_amplitudes(0.2, 7, 1, net.all);
    rule_ = std::make_unique<sal_rule>(p, 1.0, net.table, std::vector<tick_type>{}, accumulate ? 150 : 0);
  }
  plasticity_rule& rule() override { return *rule_; }

 private:
  std::unique_ptr<sal_rule> rule_;
};

class boltzmann_case final : public rule_case {
 public:
  explicit boltzmann_case(std::uint32_t sources) : rule_case(sources), bias_(target_count, 0.0) {
    boltzmann_sleep_parameters p;
    p.eta_weight = 0.05;
    p.eta_bias = 0.05;
    p.eta_sal = 0.02;
    bias_access access = [this](neuron_id_type n, double d, double lo, double hi) {
      return bias_[n] = std::clamp(bias_[n] + d, lo, hi);
    };
    rule_ = std::make_unique<boltzmann_sleep_hebbian_rule>(
        p, 1.0, net.table, net.targets, std::vector<double>(net.table.size(), 0.1),
        std::vector<double>(target_count, 0.3), access, std::vector<tick_type>{200, 500, 800, 1100});
  }
  plasticity_rule& rule() override { return *rule_; }
  void adopt_population_state(const rule_case& from) override {
    bias_ = static_cast<const boltzmann_case&>(from).bias_;
  }

 private:
  std::vector<double> bias_;
  std::unique_ptr<boltzmann_sleep_hebbian_rule> rule_;
};

// y_k decays with tau and jumps by the weight of each arriving spike (the readout
// population's job in the kernel).
class readout final : public readout_signal {
 public:
  double trace_tau_ms() const override { return 30.0; }
  double output(neuron_id_type k, tick_type now) const override {
    return y[k] * std::exp(-static_cast<double>(now - last[k]) / 30.0);
  }
  double target(neuron_id_type k, tick_type now) const override { return targets[k].at(now); }
  void add_to_output(neuron_id_type k, tick_type now, double delta) override {
    y[k] = output(k, now) + delta;
    last[k] = now;
  }
  std::vector<step_series> targets{target_count};
  trial_error_table errors;
  trial_error_table& trial_errors() override { return errors; }
  std::vector<double> y = std::vector<double>(target_count, 0.0);
  std::vector<tick_type> last = std::vector<tick_type>(target_count, 0);
};

class error_modulated_case final : public rule_case {
 public:
  error_modulated_case(std::uint32_t sources, readout_learning mode) : rule_case(sources) {
    protocol_.trial_ticks = 100;
    for (std::uint32_t k = 0; k < 12; ++k) {
      const tick_type start = 100 * k;
      protocol_.trial_start.push_back(start);
      protocol_.outcome_tick.push_back(start + 50);
      protocol_.outcome.push_back(k % target_count);
      protocol_.gate.set(start + 30, 1.0);
      protocol_.gate.set(start + 70, 0.0);
      readout_.targets[k % target_count].set(start + 50, 1.0);
      readout_.targets[k % target_count].set(start + 60, 0.0);
    }
    error_modulated_hebbian_parameters p;
    p.eta_per_ms = 1e-3;
    p.mode = mode;
    p.rls_alpha = 0.1;
    rule_ = std::make_unique<error_modulated_hebbian_rule>(p, 1.0, net.table, net.targets, net.source_of,
                                                           net.sources(), readout_, target_count, protocol_,
                                                           std::vector<std::uint32_t>{0, 5});
  }
  plasticity_rule& rule() override { return *rule_; }
  void on_pre(tick_type t, std::uint32_t j) override {
    for (neuron_id_type k = 0; k < target_count; ++k)
      readout_.add_to_output(k, t, rule_->weight(j * target_count + k));
  }
  void adopt_population_state(const rule_case& from) override {
    const auto& other = static_cast<const error_modulated_case&>(from).readout_;
    readout_.y = other.y;
    readout_.last = other.last;
  }

 private:
  trial_protocol protocol_;
  readout readout_;
  std::unique_ptr<error_modulated_hebbian_rule> rule_;
};

class static_case final : public rule_case {
 public:
  explicit static_case(std::uint32_t sources) : rule_case(sources), rule_(net.table, weight_bounds{}) {}
  plasticity_rule& rule() override { return rule_; }

 private:
  static_rule rule_;
};

struct named_factory {
  std::string name;
  std::function<std::unique_ptr<rule_case>(std::uint32_t sources)> make;
};

void PrintTo(const named_factory& f, std::ostream* os) { *os << f.name; }

std::vector<named_factory> factories() {
  std::vector<named_factory> f;
  const std::pair<const char*, pairing_scheme> schemes[] = {
      {"all_to_all", pairing_scheme::all_to_all},
      {"nearest_symmetric", pairing_scheme::nearest_symmetric},
      {"nearest_pre_centered", pairing_scheme::nearest_pre_centered},
      {"nearest_restricted", pairing_scheme::nearest_restricted}};
  for (const auto& [name, scheme] : schemes)
    for (const bool shared : {false, true})
      f.push_back(
          {std::string("stdp_pair_") + name + (shared ? "_shared" : ""), [scheme, shared](std::uint32_t n) {
             return std::make_unique<stdp_pair_case>(n, scheme, shared);
           }});
  f.push_back({"stdp_triplet", [](std::uint32_t n) { return std::make_unique<triplet_case>(n); }});
  f.push_back({"spnet_stdp", [](std::uint32_t n) { return std::make_unique<spnet_case>(n); }});
  f.push_back({"modulated_stdp", [](std::uint32_t n) { return std::make_unique<modulated_case>(n, false); }});
  f.push_back(
      {"modulated_stdp_shared", [](std::uint32_t n) { return std::make_unique<modulated_case>(n, true); }});
  f.push_back({"sal_online", [](std::uint32_t n) { return std::make_unique<sal_case>(n, false); }});
  f.push_back({"sal_accumulated", [](std::uint32_t n) { return std::make_unique<sal_case>(n, true); }});
  f.push_back(
      {"boltzmann_sleep_hebbian", [](std::uint32_t n) { return std::make_unique<boltzmann_case>(n); }});
  for (const auto& [name, mode] :
       {std::pair{"online", readout_learning::online}, std::pair{"offline", readout_learning::offline},
        std::pair{"rls", readout_learning::rls}})
    f.push_back({std::string("error_modulated_hebbian_") + name,
                 [mode](std::uint32_t n) { return std::make_unique<error_modulated_case>(n, mode); }});
  f.push_back({"static", [](std::uint32_t n) { return std::make_unique<static_case>(n); }});
  return f;
}

std::vector<std::byte> save(plasticity_rule& rule) {
  state_archive ar;
  rule.state(ar);
  return ar.bytes();
}

void load(plasticity_rule& rule, std::vector<std::byte> bytes) {
  state_archive ar(std::move(bytes), "test.ckpt");
  rule.state(ar);
  if (!ar.at_end()) ar.fail("bytes left over");
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

class checkpoint_state : public ::testing::TestWithParam<named_factory> {};

TEST_P(checkpoint_state, resumed_rule_continues_bit_identically) {
  const auto a = GetParam().make(4);
  const auto b = GetParam().make(4);
  const std::vector<double> initial(a->rule().weights().begin(), a->rule().weights().end());
  for (tick_type t = 1; t < save_tick; ++t) a->step(t);
  load(b->rule(), save(a->rule()));
  b->adopt_population_state(*a);
  // The float copy delivery reads is the kernel's to save (synapse_table::weight).
  std::copy(a->net.table.begin(), a->net.table.end(), b->net.table.begin());
  for (tick_type t = save_tick; t < end_tick; ++t) {
    a->step(t);
    b->step(t);
    if (t % 150 == 0 || t == end_tick - 1) {
      const auto wa = a->rule().weights();
      const auto wb = b->rule().weights();
      ASSERT_EQ(wa.size(), wb.size());
      ASSERT_EQ(a->net.table, b->net.table) << "at tick " << t;
      for (std::uint64_t s = 0; s < wa.size(); ++s) {
        ASSERT_TRUE(same_bits(wa[s], wb[s])) << "synapse " << s << " at tick " << t;
        ASSERT_TRUE(same_bits(a->rule().weight_at(s, t), b->rule().weight_at(s, t)))
            << "synapse " << s << " at tick " << t;
      }
    }
  }
  // The script must have exercised the state (except for static weights).
  const auto final_w = a->rule().weights();
  bool changed = false;
  for (std::uint64_t s = 0; s < final_w.size(); ++s) changed = changed || final_w[s] != initial[s];
  EXPECT_EQ(changed, GetParam().name != "static");
}

TEST_P(checkpoint_state, other_synapse_count_fails_naming_the_mismatch) {
  const auto a = GetParam().make(4);
  const auto b = GetParam().make(2);
  for (tick_type t = 1; t < save_tick; ++t) a->step(t);
  try {
    load(b->rule(), save(a->rule()));
    FAIL() << "loading a checkpoint of 12 synapses into 6 succeeded";
  } catch (const checkpoint_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("test.ckpt"), std::string::npos) << what;
    EXPECT_TRUE(what.find("synapses") != std::string::npos || what.find("neurons") != std::string::npos ||
                what.find("amplitudes") != std::string::npos)
        << what;
  }
}

TEST_P(checkpoint_state, truncated_payload_fails) {
  const auto a = GetParam().make(4);
  const auto b = GetParam().make(4);
  for (tick_type t = 1; t < save_tick; ++t) a->step(t);
  std::vector<std::byte> bytes = save(a->rule());
  ASSERT_GT(bytes.size(), 5u);
  bytes.resize(bytes.size() - 5);
  EXPECT_THROW(load(b->rule(), bytes), checkpoint_error);
}

INSTANTIATE_TEST_SUITE_P(rules, checkpoint_state, ::testing::ValuesIn(factories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace spikeq::plasticity
