// The live protocol's messages (docs/formats/live.md) as values: client text frames
// parsed and checked against the network's endpoints, server frames encoded. No
// sockets here, so all of it is unit-tested directly.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/spike_exchange.hpp"
#include "live/endpoints.hpp"

namespace spikeq::live {

struct hello_message {
  std::string token;
};
struct subscribe_message {
  bool subscribe = true;                   // false: unsubscribe
  std::vector<std::uint32_t> populations;  // empty: all
};
struct spikes_message {
  std::uint32_t population = 0;
  std::vector<std::uint32_t> neurons;
  std::vector<double> times_ms;  // empty: as soon as possible; else one per neuron
};
struct current_message {
  std::uint32_t source = 0;  // index into endpoints::currents
  double amplitude = 0.0;
  std::optional<double> time_ms;
};
struct release_message {
  std::uint32_t channel = 0;
  double amount = 0.0;
  std::optional<double> time_ms;
};
enum class control_command { pause, resume, stop, step };
struct control_message {
  control_command command = control_command::pause;
  std::optional<double> ms;  // step only
};

using client_message = std::variant<hello_message, subscribe_message, spikes_message, current_message,
                                    release_message, control_message>;

// Whether the message needs the token (inputs and control do).
bool needs_token(const client_message& m);

// Parses one text frame. Throws std::invalid_argument with a message fit for the
// client (what is wrong and where) on malformed JSON, an unknown type, a missing or
// ill-typed field, an unknown name, an index out of range or a non-finite number.
client_message parse_client_message(std::string_view text, const endpoints& e);

// One spike for a client: time in ms, population index, neuron.
struct spike_record {
  double time_ms = 0.0;
  std::uint32_t population = 0;
  std::uint32_t neuron = 0;
};

// The binary spike batch (version 1) of `spikes` covering [from_ms, to_ms), keeping
// only the populations with subscribed[p] set.
std::string encode_spike_batch(double from_ms, double to_ms, std::span<const spike_record> spikes,
                               const std::vector<bool>& subscribed);

struct welcome_info {
  std::string mode;
  double resolution_ms = 0.0, step_ms = 0.0, batch_ms = 0.0, t_ms = 0.0, t_stop_ms = 0.0;
  bool token_required = false, authorised = false;
};
std::string encode_welcome(const welcome_info& w, const endpoints& e);
std::string encode_step_done(double t_ms);
std::string encode_hello_reply();
std::string encode_status(double t_ms, double wall_s, double real_time_factor, std::uint64_t behind);
std::string encode_error(std::string_view message);
std::string encode_end(double t_ms, std::string_view reason);

}  // namespace spikeq::live
