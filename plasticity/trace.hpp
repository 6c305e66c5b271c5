// Lazily decaying spike traces (rules.md §0), stored as the value just before the
// trace's last spike plus that spike's tick, so that a reading at exactly the tick
// of the last spike excludes it: equal-time pre/post pairs contribute nothing.
#pragma once

#include <cmath>
#include <limits>

#include "core/types.hpp"

namespace spikeq::plasticity {

// Tick of a spike that never happened: far enough in the past that every trace has
// decayed to exactly 0, close enough to zero that `now - no_spike` cannot overflow.
inline constexpr tick_type no_spike = std::numeric_limits<tick_type>::min() / 4;

// How a spike changes its own trace: all-to-all traces add 1, nearest-spike traces
// are set to 1 (Pfister & Gerstner 2006; Morrison et al. 2008).
enum class trace_update { add_one, set_to_one };

inline double after_spike(double before, trace_update update) {
  return update == trace_update::add_one ? before + 1.0 : 1.0;
}

// Decay factor exp(-ticks / tau), given 1 / tau in ticks.
inline double decay(tick_type ticks, double inverse_tau_ticks) {
  return std::exp(-static_cast<double>(ticks) * inverse_tau_ticks);
}

// Trace value at `now` excluding a spike at exactly `now`, with `decay_over(ticks)`
// the decay factor over `ticks` (a rule may read it from a table, decay_table.hpp).
// REQUIRES: now >= last (events reach a synapse in time order).
template <class DecayOver>
double trace_at(double before_last, tick_type last, tick_type now, trace_update update,
                const DecayOver& decay_over) {
  if (last == now) return before_last;
  if (last == no_spike) return 0.0;
  return after_spike(before_last, update) * decay_over(now - last);
}

// The same with the decay exp(-ticks / tau), given 1 / tau in ticks.
inline double trace_at(double before_last, tick_type last, tick_type now, double inverse_tau_ticks,
                       trace_update update) {
  return trace_at(before_last, last, now, update,
                  [inverse_tau_ticks](tick_type ticks) { return decay(ticks, inverse_tau_ticks); });
}

// The latest of two spike ticks (last > previous) strictly before `now`, or no_spike.
inline tick_type latest_before(tick_type last, tick_type previous, tick_type now) {
  return last < now ? last : previous;
}

}  // namespace spikeq::plasticity
