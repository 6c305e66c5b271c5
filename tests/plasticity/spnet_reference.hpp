// A literal transcription of the STDP bookkeeping of Izhikevich's spnet.cpp
// (May 17, 2004; rules.md §6), with the neurons' firings imposed instead of
// simulated. Per-ms arrays exactly as in spnet:
//   firing of i at step t:   LTP[i][t+D] = 0.1;  LTD[i] = 0.12;
//                            sd[pre->i] += LTP[pre][t + D - D_pre - 1]   (D_pre = delay - 1)
//   delivery at step t of a spike fired at t_f through a synapse in slot t - t_f:
//                            sd -= LTD[post]
//   end of each step:        LTP[i][t+D+1] = 0.95 * LTP[i][t+D];  LTD[i] *= 0.95
//   end of each second:      s += 0.01 + sd;  sd *= 0.9;  s clipped to [0, sm]
// (spnet keeps LTP in a ring of 1001 + D entries; one flat array over the whole run
// is the same thing without the wrap-around copy). Double precision throughout.
#pragma once

#include <algorithm>
#include <vector>

namespace spikeq::plasticity::reference {

struct spnet_synapse {
  int pre, post;
  int delay_ms;  // 1..D
};

struct spnet_network {
  int neurons = 0;
  std::vector<std::vector<int>> firing_steps;  // per neuron, sorted ms steps
  std::vector<spnet_synapse> synapses;
  double initial_weight = 6.0;
  double s_max = 10.0;
};

struct spnet_trajectory {
  // State after the firing phase of step t (before that step's deliveries), t < steps;
  // the last entry is the state after the final end-of-second update.
  std::vector<std::vector<double>> sd, w;
};

inline spnet_trajectory spnet_literal(const spnet_network& net, int seconds) {
  constexpr int D = 20;
  const int steps = seconds * 1000;
  const int n = net.neurons;
  std::vector<std::vector<double>> LTP(n, std::vector<double>(steps + D + 1, 0.0));
  std::vector<double> LTD(n, 0.0);
  std::vector<std::vector<char>> fires(n, std::vector<char>(steps, 0));
  for (int i = 0; i < n; ++i)
    for (const int t : net.firing_steps[i])
      if (t >= 0 && t < steps) fires[i][t] = 1;
  const std::size_t m = net.synapses.size();
  std::vector<double> sd(m, 0.0), s(m, net.initial_weight);

  spnet_trajectory out;
  for (int sec = 0; sec < seconds; ++sec) {
    for (int t0 = 0; t0 < 1000; ++t0) {
      const int t = sec * 1000 + t0;
      // Firings of this step: traces, then LTP of every synapse onto the firing neuron.
      for (int i = 0; i < n; ++i) {
        if (!fires[i][t]) continue;
        LTP[i][t + D] = 0.1;
        LTD[i] = 0.12;
        for (std::size_t k = 0; k < m; ++k) {
          const spnet_synapse& syn = net.synapses[k];
          if (syn.post == i) sd[k] += LTP[syn.pre][t + D - (syn.delay_ms - 1) - 1];
        }
      }
      out.sd.push_back(sd);
      out.w.push_back(s);
      // Deliveries of spikes fired in the last D steps (the slot t - t_f is delay - 1).
      for (std::size_t k = 0; k < m; ++k) {
        const spnet_synapse& syn = net.synapses[k];
        const int t_fired = t - (syn.delay_ms - 1);
        if (t_fired >= 0 && fires[syn.pre][t_fired]) sd[k] -= LTD[syn.post];
      }
      // End of the step: the traces decay.
      for (int i = 0; i < n; ++i) {
        LTP[i][t + D + 1] = 0.95 * LTP[i][t + D];
        LTD[i] *= 0.95;
      }
    }
    for (std::size_t k = 0; k < m; ++k) {
      s[k] += 0.01 + sd[k];
      sd[k] *= 0.9;
      if (s[k] > net.s_max) s[k] = net.s_max;
      if (s[k] < 0) s[k] = 0.0;
    }
  }
  out.sd.push_back(sd);
  out.w.push_back(s);
  return out;
}

}  // namespace spikeq::plasticity::reference
