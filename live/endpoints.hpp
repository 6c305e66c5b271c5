// What a live client can see and touch in a built network, by name: every
// population (to subscribe to), the live spike sources, the live current sources
// (one per network-file current source; several schedules when it has several
// target populations) and the channels that accept releases. Built once from the
// network before the run; read-only afterwards, so both threads may use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/network.hpp"

namespace spikeq::live {

struct population_endpoint {
  std::string name;
  std::uint32_t size = 0;
  std::string model;
  bool live = false;  // a live_spike_source: clients may send its spikes
};

struct current_endpoint {
  std::string name;
  std::string target;                    // the first target population's name
  std::vector<std::uint32_t> schedules;  // indices into network::currents
};

struct channel_endpoint {
  std::string name;
  bool live = false;
};

struct endpoints {
  std::vector<population_endpoint> populations;  // network order
  std::vector<current_endpoint> currents;        // live current sources only
  std::vector<channel_endpoint> channels;        // network order

  static endpoints of(const network& net);
  std::optional<std::uint32_t> population(const std::string& name) const;
  std::optional<std::uint32_t> current(const std::string& name) const;
  std::optional<std::uint32_t> channel(const std::string& name) const;
};

}  // namespace spikeq::live
