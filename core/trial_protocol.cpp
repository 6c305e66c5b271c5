#include "core/trial_protocol.hpp"

#include <algorithm>
#include <stdexcept>

namespace spikeq {

double step_series::at(tick_type t) const {
  const auto it = std::upper_bound(tick.begin(), tick.end(), t);
  if (it == tick.begin()) return 0.0;
  return value[static_cast<std::size_t>(it - tick.begin() - 1)];
}

void step_series::set(tick_type t, double v) {
  if (!tick.empty() && t < tick.back()) throw std::logic_error("step_series: changes out of time order");
  if (!tick.empty() && t == tick.back()) {
    value.back() = v;
    return;
  }
  tick.push_back(t);
  value.push_back(v);
}

std::ptrdiff_t trial_protocol::trial_at(tick_type t) const {
  return std::upper_bound(trial_start.begin(), trial_start.end(), t) - trial_start.begin() - 1;
}

}  // namespace spikeq
