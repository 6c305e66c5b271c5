#include "core/distribution.hpp"

#include <algorithm>
#include <cmath>

namespace spikeq {

double distribution::sample(random_stream& rng, std::uint64_t index) const {
  switch (type) {
    case kind::constant:
      return a;
    case kind::uniform:
      return rng.uniform(a, b);
    case kind::normal: {
      // Redraw outside the bounds (NEST's normal_clipped draws until inside); after
      // many misses the bounds are clearly mis-set for this mean, so clip.
      for (int attempt = 0; attempt < 1000; ++attempt) {
        const double x = a + b * rng.normal();
        if ((!min || x >= *min) && (!max || x <= *max)) return x;
      }
      double x = a;
      if (min) x = std::max(x, *min);
      if (max) x = std::min(x, *max);
      return x;
    }
    case kind::list:
      return values[index];
    case kind::cycle: {
      const auto count = static_cast<std::uint64_t>(std::floor((b - a) / step + 1e-9)) + 1;
      return a + static_cast<double>(index % count) * step;
    }
  }
  return a;
}

}  // namespace spikeq
