#include "io/neuromodulator_checks.hpp"

#include <fmt/format.h>

#include <set>

namespace spikeq::io::checks {

namespace {

// The population called `name`, or nullptr after recording an error at `where`.
const config::Population* find_population(const config::Network& net, const std::map<std::string, int>& index,
                                          const std::string& name, const field_path& where, checker& c) {
  const auto it = index.find(name);
  if (it == index.end()) {
    c.error(where, "unknown population '" + name + "'");
    return nullptr;
  }
  return &net.population(it->second);
}

void check_neuron(const config::Population* p, std::uint32_t neuron, const field_path& where, checker& c) {
  if (p != nullptr && neuron >= p->size())
    c.error(where,
            fmt::format("neuron {} is outside population '{}' (size {})", neuron, p->name(), p->size()));
}

void check_delay(double delay_ms, double resolution_ms, const field_path& where, checker& c) {
  if (!(delay_ms >= resolution_ms))
    c.error(where, fmt::format("a delay of {} ms is shorter than one resolution step ({} ms)", delay_ms,
                               resolution_ms));
}

}  // namespace

void check_neuromodulators(config::Network& net, const std::map<std::string, int>& index, checker& c) {
  const double res = net.simulation().resolution();
  std::set<std::string> names;
  for (int k = 0; k < net.neuromodulator_size(); ++k) {
    auto& ch = *net.mutable_neuromodulator(k);
    const field_path here{{"neuromodulator", k}};
    if (ch.name().empty()) c.error(extend(here, {{"name"}}), "a neuromodulator channel needs a name");
    if (!names.insert(ch.name()).second)
      c.error(extend(here, {{"name"}}), "channel '" + ch.name() + "' is declared twice");
    for (int v = 0; v < ch.volume_transmitter_size(); ++v) {
      const auto& vt = ch.volume_transmitter(v);
      const field_path at = extend(here, {{"volume_transmitter", v}});
      const auto* p = find_population(net, index, vt.population(), extend(at, {{"population"}}), c);
      for (int i = 0; i < vt.neurons_size(); ++i)
        check_neuron(p, vt.neurons(i), extend(at, {{"neurons", i}}), c);
      check_delay(vt.delay(), res, extend(at, {{"delay"}}), c);
    }
    for (int s = 0; s < ch.schedule_size(); ++s) {
      const auto& sched = ch.schedule(s);
      const field_path at = extend(here, {{"schedule", s}});
      if (sched.amounts_size() != 1 && sched.amounts_size() != sched.times_size())
        c.error(extend(at, {{"amounts"}}),
                fmt::format("{} amounts for {} times: give one amount per time, or one for all",
                            sched.amounts_size(), sched.times_size()));
      for (int i = 0; i < sched.times_size(); ++i)
        if (!(sched.times(i) >= 0))
          c.error(extend(at, {{"times", i}}), fmt::format("release time {} ms is negative", sched.times(i)));
    }
    for (int r = 0; r < ch.reward_contingency_size(); ++r) {
      const auto& rc = ch.reward_contingency(r);
      const field_path at = extend(here, {{"reward_contingency", r}});
      const auto* pre = find_population(net, index, rc.pre_population(), extend(at, {{"pre_population"}}), c);
      check_neuron(pre, rc.pre_neuron(), extend(at, {{"pre_neuron"}}), c);
      const auto* post =
          find_population(net, index, rc.post_population(), extend(at, {{"post_population"}}), c);
      check_neuron(post, rc.post_neuron(), extend(at, {{"post_neuron"}}), c);
      check_delay(rc.delay_min(), res, extend(at, {{"delay_min"}}), c);
      if (rc.delay_max() < rc.delay_min())
        c.error(extend(at, {{"delay_max"}}),
                fmt::format("delay_max = {} ms is shorter than delay_min = {} ms", rc.delay_max(),
                            rc.delay_min()));
    }
  }
}

}  // namespace spikeq::io::checks
