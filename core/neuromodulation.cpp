#include "core/neuromodulation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/random_stream.hpp"

namespace spikeq {

modulator_channel::modulator_channel(std::string name, double tau_ticks, double tonic)
    : name_(std::move(name)), tau_ticks_(tau_ticks), tonic_(tonic) {}

std::ptrdiff_t modulator_channel::last_release_at_or_before(tick_type t) const {
  return std::upper_bound(ticks_.begin(), ticks_.end(), t) - ticks_.begin() - 1;
}

double modulator_channel::phasic(tick_type t) const {
  const std::ptrdiff_t k = last_release_at_or_before(t);
  if (k < 0) return 0.0;
  const auto i = static_cast<std::size_t>(k);
  return level_after_[i] * std::exp(-static_cast<double>(t - ticks_[i]) / tau_ticks_);
}

void modulator_channel::commit(tick_type t, double amount) {
  if (!ticks_.empty() && t < ticks_.back())
    throw std::logic_error("channel '" + name_ + "': release committed out of time order");
  if (!ticks_.empty() && t == ticks_.back()) {
    level_after_.back() += amount;
    amounts_.back() += amount;
    return;
  }
  const double before = phasic(t);
  ticks_.push_back(t);
  level_after_.push_back(before + amount);
  amounts_.push_back(amount);
}

volume_transmitter::volume_transmitter(std::uint32_t channel, std::uint32_t population,
                                       std::vector<neuron_id_type> neurons, double amount, tick_type delay)
    : channel_(channel),
      population_(population),
      neurons_(std::move(neurons)),
      amount_(amount),
      delay_(delay) {
  std::sort(neurons_.begin(), neurons_.end());
}

void volume_transmitter::observe(std::span<const emitted_spike> spikes, std::vector<modulator_release>& out) {
  for (const emitted_spike& s : spikes) {
    if (s.population != population_) continue;
    if (!neurons_.empty() && !std::binary_search(neurons_.begin(), neurons_.end(), s.neuron)) continue;
    out.push_back({s.tick + delay_, channel_, amount_});
  }
}

scheduled_release::scheduled_release(std::uint32_t channel, std::vector<tick_type> ticks,
                                     std::vector<double> amounts)
    : channel_(channel), ticks_(std::move(ticks)), amounts_(std::move(amounts)) {}

void scheduled_release::start(std::vector<modulator_release>& out) {
  for (std::size_t k = 0; k < ticks_.size(); ++k) out.push_back({ticks_[k], channel_, amounts_[k]});
}

reward_contingency::reward_contingency(const parameters& p) : p_(p) {}

void reward_contingency::observe(std::span<const emitted_spike> spikes, std::vector<modulator_release>& out) {
  for (const emitted_spike& s : spikes) {
    if (s.population == p_.post_population && s.neuron == p_.post_neuron && pre_seen_ && s.tick > last_pre_ &&
        s.tick - last_pre_ < p_.window) {
      random_stream draw(p_.seed, stream_kind::modulator, p_.stream_object,
                         static_cast<std::uint32_t>(occurrences_));
      const auto span = static_cast<double>(p_.delay_max - p_.delay_min + 1);
      const auto offset =
          std::min(static_cast<tick_type>(draw.uniform() * span), p_.delay_max - p_.delay_min);
      out.push_back({s.tick + p_.delay_min + offset, p_.channel, p_.amount});
      ++occurrences_;
    }
    // After the check: a post spike at the pre spike's tick is not rewarded.
    if (s.population == p_.pre_population && s.neuron == p_.pre_neuron) {
      last_pre_ = s.tick;
      pre_seen_ = true;
    }
  }
}

tick_type neuromodulation::min_latency() const {
  tick_type shortest = 0;
  for (const auto& s : sources) {
    const tick_type l = s->latency();
    if (l > 0 && (shortest == 0 || l < shortest)) shortest = l;
  }
  return shortest;
}

int neuromodulation::find_channel(const std::string& name) const {
  for (std::size_t k = 0; k < channels.size(); ++k)
    if (channels[k]->name() == name) return static_cast<int>(k);
  return -1;
}

void neuromodulation::inject(const modulator_release& release, tick_type earliest) {
  if (release.tick < earliest)
    throw std::logic_error("an external neuromodulator release lies in model time already simulated");
  if (release.channel >= channels.size() || !channels[release.channel]->accepts_external())
    throw std::logic_error("an external neuromodulator release names no channel that accepts one");
  pending_.push({release, created_++});
}

void neuromodulation::start(tick_type until, tick_type t_stop) {
  collect_scheduled(t_stop);
  commit_before(until);
}

void neuromodulation::collect_scheduled(tick_type t_stop) {
  t_stop_ = t_stop;
  for (auto& s : sources) {
    scratch_.clear();
    s->start(scratch_);
    for (const auto& r : scratch_) pending_.push({r, created_++});
  }
}

void neuromodulation::observe(std::span<const emitted_spike> spikes, tick_type earliest, tick_type until) {
  for (auto& s : sources) {
    scratch_.clear();
    s->observe(spikes, scratch_);
    for (const auto& r : scratch_) {
      if (r.tick < earliest)
        throw std::logic_error("a neuromodulator source released inside a window already simulated");
      pending_.push({r, created_++});
    }
  }
  commit_before(until);
}

void neuromodulation::commit_before(tick_type until) {
  until = std::min(until, t_stop_ + 1);
  while (!pending_.empty() && pending_.top().first.tick < until) {
    const modulator_release r = pending_.top().first;
    pending_.pop();
    channels[r.channel]->commit(r.tick, r.amount);
  }
}

void modulator_channel::state(state_archive& ar) {
  ar.begin_section("channel");
  ar.block(ticks_);
  ar.block(level_after_);
  ar.block(amounts_);
  if (ar.loading()) {
    if (level_after_.size() != ticks_.size() || amounts_.size() != ticks_.size())
      ar.fail("release lists of different lengths");
    if (!std::is_sorted(ticks_.begin(), ticks_.end())) ar.fail("release ticks out of order");
  }
  ar.end_section();
}

void reward_contingency::state(state_archive& ar) {
  ar.begin_section("reward_contingency");
  ar.value(last_pre_);
  ar.value(pre_seen_);
  ar.value(occurrences_);
  ar.end_section();
}

void neuromodulation::state(state_archive& ar) {
  ar.begin_section("neuromodulation");
  ar.expect(channels.size(), "neuromodulator channels");
  for (auto& c : channels) c->state(ar);
  ar.expect(sources.size(), "neuromodulator sources");
  for (auto& s : sources) s->state(ar);
  ar.value(created_);
  // The pending releases in commit order, so equal states give equal bytes.
  std::vector<std::pair<modulator_release, std::uint64_t>> pending;
  if (ar.saving())
    for (auto copy = pending_; !copy.empty(); copy.pop()) pending.push_back(copy.top());
  std::uint64_t count = pending.size();
  ar.value(count);
  if (ar.loading()) {
    if (count > ar.bytes().size()) ar.fail("impossible count of pending releases");
    pending.resize(count);
  }
  for (auto& [r, order] : pending) {
    ar.value(r.tick);
    ar.value(r.channel);
    ar.value(r.amount);
    ar.value(order);
    if (r.channel >= channels.size()) ar.fail("a pending release names no channel");
  }
  if (ar.loading()) {
    pending_ = {};
    for (const auto& p : pending) pending_.push(p);
  }
  ar.end_section();
}

}  // namespace spikeq
