#include "core/weight_tie.hpp"

#include <cmath>

#include "core/network.hpp"

namespace spikeq {

void refresh_weight_ties(network& net, tick_type now) {
  for (const weight_tie& tie : net.ties) {
    const projection& source = net.projections[tie.source];
    double scale = tie.scale;
    if (tie.scale_schedule != nullptr && !tie.scale_schedule->tick.empty() &&
        now >= tie.scale_schedule->tick.front())
      if (const double v = tie.scale_schedule->at(now); !std::isnan(v)) scale = v;
    for (std::uint64_t s = 0; s < tie.partner.size(); ++s) {
      const std::uint64_t p = tie.partner[s];
      const double w = source.rule ? source.rule->weight(p) : static_cast<double>(source.synapses.weight[p]);
      tie.sink->set(s, scale * w, now);
    }
  }
}

}  // namespace spikeq
