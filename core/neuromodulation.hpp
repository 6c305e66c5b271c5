// Neuromodulator channels (dopamine, reward, error signals) and the sources that
// release onto them (rules.md §5.1-5.3).
//
// A channel's level is M(t) = tonic + phasic(t): the phasic part jumps by a
// release's amount at the release's tick and decays with the channel's tau in
// between. Rules never receive a release as a call: they read M lazily and
// integrate it exactly between the events of each synapse (plasticity/
// modulated_stdp.hpp), so a release costs no per-synapse work.
//
// Releases in the total order (core/event.hpp): a release at tick T changes M for
// every model time after T, and every synapse reads it when it next integrates past
// T. Sources that react to spikes (volume transmitters, reward contingencies) see
// the spikes at the window exchange, in canonical order, and release no earlier
// than one window later (their latency bounds the kernel's window): a release is
// committed to its channel before any shard reaches its tick, and channels change
// only between windows, so shards read them without locks.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "core/spike_exchange.hpp"
#include "core/state_archive.hpp"
#include "core/types.hpp"

namespace spikeq {

class modulator_channel {
 public:
  modulator_channel(std::string name, double tau_ticks, double tonic);

  const std::string& name() const { return name_; }
  double tau_ticks() const { return tau_ticks_; }
  double tonic() const { return tonic_; }
  // Whether releases from outside the model (core/external_input.hpp) may land here.
  bool accepts_external() const { return accepts_external_; }
  void set_accepts_external(bool accepts) { accepts_external_ = accepts; }

  // Committed releases: tick of each (ascending, unique) and the phasic level just
  // after it (releases at one tick are summed).
  std::span<const tick_type> release_ticks() const { return ticks_; }
  std::span<const double> level_after_release() const { return level_after_; }
  // Amount released at release_ticks()[k].
  std::span<const double> release_amounts() const { return amounts_; }

  // Index of the last committed release at or before `t`, or -1.
  std::ptrdiff_t last_release_at_or_before(tick_type t) const;
  // Phasic level at `t` (including a release at exactly `t`).
  double phasic(tick_type t) const;
  double level(tick_type t) const { return tonic_ + phasic(t); }

  // Adds a release. REQUIRES: t >= the last committed release tick.
  void commit(tick_type t, double amount);

  // Saves or loads the committed releases (core/state_archive.hpp).
  void state(state_archive& ar);

 private:
  std::string name_;
  double tau_ticks_;
  double tonic_;
  bool accepts_external_ = false;
  std::vector<tick_type> ticks_;
  std::vector<double> level_after_;
  std::vector<double> amounts_;
};

struct modulator_release {
  tick_type tick = 0;
  std::uint32_t channel = 0;
  double amount = 0.0;
};

// Something that releases onto a channel. Sources are called from the coordinating
// thread only, in model-time order.
class modulator_source {
 public:
  virtual ~modulator_source() = default;
  // Shortest time from a spike to the release it causes (0: the source does not
  // react to spikes). The kernel's window is at most this long.
  virtual tick_type latency() const { return 0; }
  // Releases known before the run (scheduled ones).
  virtual void start(std::vector<modulator_release>& /*out*/) {}
  // The spikes of one window, in canonical (tick, population, neuron) order.
  virtual void observe(std::span<const emitted_spike> /*spikes*/, std::vector<modulator_release>& /*out*/) {}
  // Saves or loads what observe() changes (nothing for most sources).
  virtual void state(state_archive& /*ar*/) {}
};

// Releases `amount` on `channel` `delay` after every spike of the chosen neurons of
// a population (NEST's volume_transmitter: the spike reaches it through a
// connection with that delay).
class volume_transmitter final : public modulator_source {
 public:
  // `neurons` empty: all neurons of the population.
  volume_transmitter(std::uint32_t channel, std::uint32_t population, std::vector<neuron_id_type> neurons,
                     double amount, tick_type delay);
  tick_type latency() const override { return delay_; }
  void observe(std::span<const emitted_spike> spikes, std::vector<modulator_release>& out) override;

 private:
  std::uint32_t channel_;
  std::uint32_t population_;
  std::vector<neuron_id_type> neurons_;  // sorted
  double amount_;
  tick_type delay_;
};

// Releases given as (tick, amount) pairs.
class scheduled_release final : public modulator_source {
 public:
  scheduled_release(std::uint32_t channel, std::vector<tick_type> ticks, std::vector<double> amounts);
  void start(std::vector<modulator_release>& out) override;

 private:
  std::uint32_t channel_;
  std::vector<tick_type> ticks_;
  std::vector<double> amounts_;
};

// Izhikevich 2007's reward: whenever neuron `post` of population Q fires less than
// `window` after the last spike of neuron `pre` of population P (0 < t_post -
// t_pre < window), release `amount` after a delay drawn uniformly from
// [delay_min, delay_max] (whole ticks), from the stream (seed, modulator, object,
// occurrence).
class reward_contingency final : public modulator_source {
 public:
  struct parameters {
    std::uint32_t channel = 0;
    std::uint32_t pre_population = 0;
    neuron_id_type pre_neuron = 0;
    std::uint32_t post_population = 0;
    neuron_id_type post_neuron = 0;
    tick_type window = 0;
    tick_type delay_min = 0;
    tick_type delay_max = 0;
    double amount = 0.0;
    std::uint64_t seed = 0;
    std::uint32_t stream_object = 0;
  };
  explicit reward_contingency(const parameters& p);
  tick_type latency() const override { return p_.delay_min; }
  void observe(std::span<const emitted_spike> spikes, std::vector<modulator_release>& out) override;

  std::uint64_t rewards() const { return occurrences_; }
  void state(state_archive& ar) override;

 private:
  parameters p_;
  tick_type last_pre_ = 0;
  bool pre_seen_ = false;
  std::uint64_t occurrences_ = 0;
};

// The channels and their sources, driven by the kernel at window ends.
class neuromodulation {
 public:
  std::vector<std::unique_ptr<modulator_channel>> channels;
  std::vector<std::unique_ptr<modulator_source>> sources;

  bool empty() const { return channels.empty(); }
  // Shortest latency of a spike-driven source (0: none).
  tick_type min_latency() const;
  // Index of the channel with this name, or -1.
  int find_channel(const std::string& name) const;

  // Queues a release from outside the model (core/external_input.hpp) in the order
  // of calls. Throws std::logic_error when it is before `earliest` or its channel
  // does not exist. Committed like every other release.
  void inject(const modulator_release& release, tick_type earliest);

  // Collects the scheduled releases, then commits those before `until`.
  void start(tick_type until, tick_type t_stop);
  // start() in two parts, so that external releases at early ticks can be injected
  // in between: collect the scheduled releases, then commit before `until`.
  void collect_scheduled(tick_type t_stop);
  void commit_before(tick_type until);
  // Releases after t_stop stay pending (a resumed run may go further) and are
  // never committed. Set by collect_scheduled; a resumed run sets it here.
  void set_stop(tick_type t_stop) { t_stop_ = t_stop; }
  // Feeds one window's spikes to the sources, then commits every pending release
  // before `until` (the end of the next window).
  // Throws std::logic_error when a source releases before `earliest`.
  void observe(std::span<const emitted_spike> spikes, tick_type earliest, tick_type until);

  // Saves or loads the channels, the sources and the pending releases.
  void state(state_archive& ar);

 private:
  struct later {
    bool operator()(const std::pair<modulator_release, std::uint64_t>& a,
                    const std::pair<modulator_release, std::uint64_t>& b) const {
      if (a.first.tick != b.first.tick) return a.first.tick > b.first.tick;
      return a.second > b.second;
    }
  };
  // Pending releases in (tick, order of creation) order: creation follows the
  // canonical spike order and the source order, so commits are deterministic.
  std::priority_queue<std::pair<modulator_release, std::uint64_t>,
                      std::vector<std::pair<modulator_release, std::uint64_t>>, later>
      pending_;
  std::uint64_t created_ = 0;
  std::vector<modulator_release> scratch_;
  tick_type t_stop_ = std::numeric_limits<tick_type>::max() - 1;
};

}  // namespace spikeq
