// How the size of an STDP update depends on the current weight (rules.md §1.1).
//   additive        (Song, Miller & Abbott 2000):  F+ = A+,              F- = A-
//   multiplicative  (van Rossum et al. 2000):      F+ = A+,              F- = A- * w
//   power_law       (Gutig et al. 2003; NEST's stdp_synapse parameterisation):
//                   F+ = lambda (1 - w/Wmax)^mu+ Wmax,  F- = alpha lambda (w/Wmax)^mu- Wmax
// The result is clipped to the rule's bounds after every update.
#pragma once

#include <cmath>

namespace spikeq::plasticity {

struct weight_dependence {
  enum class kind { additive, multiplicative, power_law };
  kind type = kind::additive;
  double A_plus = 0.01;
  double A_minus = 0.01;
  double lambda = 0.01;
  double alpha = 1.0;
  double mu_plus = 1.0;
  double mu_minus = 1.0;
  double w_max = 1.0;  // the rule's upper bound, which power_law normalises by

  // Weight after potentiation by a presynaptic trace x (before clipping).
  double facilitate(double w, double x) const {
    switch (type) {
      case kind::additive:
      case kind::multiplicative:
        return w + A_plus * x;
      case kind::power_law:
        return w + lambda * std::pow(1.0 - w / w_max, mu_plus) * w_max * x;
    }
    return w;
  }
  // Weight after depression by a postsynaptic trace y (before clipping).
  double depress(double w, double y) const {
    switch (type) {
      case kind::additive:
        return w - A_minus * y;
      case kind::multiplicative:
        return w - A_minus * w * y;
      case kind::power_law:
        return w - alpha * lambda * std::pow(w / w_max, mu_minus) * w_max * y;
    }
    return w;
  }
};

}  // namespace spikeq::plasticity
