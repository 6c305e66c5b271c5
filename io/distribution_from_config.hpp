// Conversion of schema distributions to core/distribution.hpp.
#pragma once

#include "core/distribution.hpp"
#include "spikeq.pb.h"

namespace spikeq::io {

inline distribution to_distribution(const config::Distribution& d) {
  distribution out;
  switch (d.kind_case()) {
    case config::Distribution::kUniform:
      out.type = distribution::kind::uniform;
      out.a = d.uniform().low();
      out.b = d.uniform().high();
      break;
    case config::Distribution::kNormal:
      out.type = distribution::kind::normal;
      out.a = d.normal().mean();
      out.b = d.normal().std();
      if (d.normal().has_min()) out.min = d.normal().min();
      if (d.normal().has_max()) out.max = d.normal().max();
      break;
    case config::Distribution::kList:
      out.type = distribution::kind::list;
      out.values.assign(d.list().values().begin(), d.list().values().end());
      break;
    case config::Distribution::kCycle:
      out.type = distribution::kind::cycle;
      out.a = d.cycle().low();
      out.b = d.cycle().high();
      out.step = d.cycle().step();
      break;
    default:
      out.type = distribution::kind::constant;
      out.a = d.constant();
      break;
  }
  return out;
}

}  // namespace spikeq::io
