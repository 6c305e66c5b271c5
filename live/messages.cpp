#include "live/messages.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace spikeq::live {

namespace {

using json = nlohmann::json;

[[noreturn]] void reject(const std::string& what) { throw std::invalid_argument(what); }

const json& field(const json& m, const char* name) {
  const auto it = m.find(name);
  if (it == m.end()) reject(fmt::format("field '{}' is missing", name));
  return *it;
}

std::string string_field(const json& m, const char* name) {
  const json& v = field(m, name);
  if (!v.is_string()) reject(fmt::format("field '{}' must be a string", name));
  return v.get<std::string>();
}

double number(const json& v, const std::string& where) {
  if (!v.is_number()) reject(fmt::format("{} must be a number", where));
  const double x = v.get<double>();
  if (!std::isfinite(x)) reject(fmt::format("{} must be finite", where));
  return x;
}

std::optional<double> optional_time(const json& m) {
  const auto it = m.find("time_ms");
  if (it == m.end() || it->is_null()) return std::nullopt;
  const double t = number(*it, "time_ms");
  if (t < 0) reject("time_ms must be >= 0");
  return t;
}

std::uint32_t index(const json& v, std::uint32_t size, const std::string& where) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    reject(fmt::format("{} must be a non-negative integer", where));
  const auto k = v.get<std::uint64_t>();
  if (k >= size) reject(fmt::format("{} = {} is out of range (size {})", where, k, size));
  return static_cast<std::uint32_t>(k);
}

std::vector<std::uint32_t> population_list(const json& m, const endpoints& e) {
  std::vector<std::uint32_t> out;
  const auto it = m.find("populations");
  if (it == m.end() || it->is_null()) return out;
  if (!it->is_array()) reject("field 'populations' must be a list of names");
  for (const json& name : *it) {
    if (!name.is_string()) reject("field 'populations' must be a list of names");
    const auto p = e.population(name.get<std::string>());
    if (!p) reject(fmt::format("no population '{}'", name.get<std::string>()));
    out.push_back(*p);
  }
  return out;
}

spikes_message parse_spikes(const json& m, const endpoints& e) {
  spikes_message s;
  const std::string name = string_field(m, "population");
  const auto p = e.population(name);
  if (!p) reject(fmt::format("no population '{}'", name));
  if (!e.populations[*p].live) reject(fmt::format("population '{}' is not a live_spike_source", name));
  s.population = *p;
  const json& neurons = field(m, "neurons");
  if (!neurons.is_array()) reject("field 'neurons' must be a list");
  for (std::size_t k = 0; k < neurons.size(); ++k)
    s.neurons.push_back(index(neurons[k], e.populations[*p].size, fmt::format("neurons[{}]", k)));
  const auto times = m.find("times_ms");
  if (times != m.end() && !times->is_null()) {
    if (!times->is_array()) reject("field 'times_ms' must be a list");
    if (times->size() != s.neurons.size())
      reject(fmt::format("times_ms has {} entries for {} neurons", times->size(), s.neurons.size()));
    for (std::size_t k = 0; k < times->size(); ++k) {
      const double t = number((*times)[k], fmt::format("times_ms[{}]", k));
      if (t < 0) reject(fmt::format("times_ms[{}] must be >= 0", k));
      s.times_ms.push_back(t);
    }
  }
  return s;
}

control_message parse_control(const json& m) {
  control_message c;
  const std::string command = string_field(m, "command");
  if (command == "pause") {
    c.command = control_command::pause;
  } else if (command == "resume") {
    c.command = control_command::resume;
  } else if (command == "stop") {
    c.command = control_command::stop;
  } else if (command == "step") {
    c.command = control_command::step;
    const auto it = m.find("ms");
    if (it != m.end() && !it->is_null()) {
      c.ms = number(*it, "ms");
      if (!(*c.ms > 0)) reject("ms must be > 0");
    }
  } else {
    reject(fmt::format("unknown command '{}' (pause, resume, stop, step)", command));
  }
  return c;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

bool needs_token(const client_message& m) {
  return !std::holds_alternative<hello_message>(m) && !std::holds_alternative<subscribe_message>(m);
}

client_message parse_client_message(std::string_view text, const endpoints& e) {
  json m;
  try {
    m = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& err) {
    reject(fmt::format("malformed JSON: {}", err.what()));
  }
  if (!m.is_object()) reject("a message must be a JSON object");
  const std::string type = string_field(m, "type");
  try {
    if (type == "hello") return hello_message{string_field(m, "token")};
    if (type == "subscribe" || type == "unsubscribe")
      return subscribe_message{type == "subscribe", population_list(m, e)};
    if (type == "spikes") return parse_spikes(m, e);
    if (type == "current") {
      const std::string name = string_field(m, "source");
      const auto c = e.current(name);
      if (!c) reject(fmt::format("no live_current source '{}'", name));
      return current_message{*c, number(field(m, "amplitude"), "amplitude"), optional_time(m)};
    }
    if (type == "release") {
      const std::string name = string_field(m, "channel");
      const auto c = e.channel(name);
      if (!c) reject(fmt::format("no neuromodulator channel '{}'", name));
      if (!e.channels[*c].live)
        reject(fmt::format("channel '{}' does not take live releases (live: true)", name));
      return release_message{*c, number(field(m, "amount"), "amount"), optional_time(m)};
    }
    if (type == "control") return parse_control(m);
  } catch (const json::exception& err) {
    reject(fmt::format("{}: {}", type, err.what()));
  }
  reject(fmt::format("unknown message type '{}'", type));
}

std::string encode_spike_batch(double from_ms, double to_ms, std::span<const spike_record> spikes,
                               const std::vector<bool>& subscribed) {
  std::uint32_t count = 0;
  for (const auto& s : spikes)
    if (s.population < subscribed.size() && subscribed[s.population]) ++count;
  std::string frame(32 + 16 * static_cast<std::size_t>(count), '\0');
  char* p = frame.data();
  // The wire format is little-endian, as is every machine we build for (x86-64,
  // aarch64); memcpy keeps the unaligned stores well defined.
  static_assert(std::endian::native == std::endian::little);
  const std::uint32_t version = 1, padding = 0;
  std::memcpy(p, "SQSP", 4);
  std::memcpy(p + 4, &version, 4);
  std::memcpy(p + 8, &from_ms, 8);
  std::memcpy(p + 16, &to_ms, 8);
  std::memcpy(p + 24, &count, 4);
  std::memcpy(p + 28, &padding, 4);
  p += 32;
  for (const auto& s : spikes) {
    if (s.population >= subscribed.size() || !subscribed[s.population]) continue;
    std::memcpy(p, &s.time_ms, 8);
    std::memcpy(p + 8, &s.population, 4);
    std::memcpy(p + 12, &s.neuron, 4);
    p += 16;
  }
  return frame;
}

std::string encode_welcome(const welcome_info& w, const endpoints& e) {
  json pops = json::array(), currents = json::array(), channels = json::array();
  for (const auto& p : e.populations)
    pops.push_back({{"name", p.name}, {"size", p.size}, {"model", p.model}, {"live", p.live}});
  for (const auto& c : e.currents) currents.push_back({{"name", c.name}, {"target", c.target}});
  for (const auto& c : e.channels) channels.push_back({{"name", c.name}, {"live", c.live}});
  return dump({{"type", "welcome"},
               {"mode", w.mode},
               {"resolution_ms", w.resolution_ms},
               {"step_ms", w.step_ms},
               {"batch_ms", w.batch_ms},
               {"t_ms", w.t_ms},
               {"t_stop_ms", w.t_stop_ms},
               {"token_required", w.token_required},
               {"authorised", w.authorised},
               {"populations", pops},
               {"currents", currents},
               {"channels", channels}});
}

std::string encode_hello_reply() { return dump({{"type", "hello"}, {"authorised", true}}); }

std::string encode_step_done(double t_ms) { return dump({{"type", "step_done"}, {"t_ms", t_ms}}); }

std::string encode_status(double t_ms, double wall_s, double real_time_factor, std::uint64_t behind) {
  return dump({{"type", "status"},
               {"t_ms", t_ms},
               {"wall_s", wall_s},
               {"real_time_factor", real_time_factor},
               {"behind", behind}});
}

std::string encode_error(std::string_view message) {
  return dump({{"type", "error"}, {"message", std::string(message)}});
}

std::string encode_end(double t_ms, std::string_view reason) {
  return dump({{"type", "end"}, {"t_ms", t_ms}, {"reason", std::string(reason)}});
}

}  // namespace spikeq::live
