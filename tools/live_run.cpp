#include "tools/live_run.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "io/diagnostics.hpp"
#include "io/live_replay.hpp"
#include "live/live_port.hpp"
#include "live/server.hpp"

namespace spikeq::tools {

namespace {

[[noreturn]] void bad_option(const std::string& option, const std::string& what) {
  throw io::input_error({{option, 0, 0, what}});
}

// HOST:PORT, with [IPv6]:PORT.
std::pair<std::string, std::uint16_t> parse_address(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size())
    bad_option("--serve", "expected HOST:PORT, e.g. 127.0.0.1:8080, got '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    bad_option("--serve", "the port in '" + text + "' is not a number");
  }
  if (port > 65535) bad_option("--serve", "the port must be at most 65535");
  return {host, static_cast<std::uint16_t>(port)};
}

std::string read_token(const std::string& path) {
  std::ifstream f(path);
  if (!f) bad_option(path, "cannot read the token file");
  std::stringstream text;
  text << f.rdbuf();
  std::string token = text.str();
  const auto last = token.find_last_not_of(" \t\r\n");
  token.erase(last == std::string::npos ? 0 : last + 1);
  token.erase(0, token.find_first_not_of(" \t\r\n"));
  if (token.empty()) bad_option(path, "the token file is empty");
  if (token.find_first_of(" \t\r\n&?#%") != std::string::npos)
    bad_option(path, "the token must be one word without &, ?, # or %");
  return token;
}

live::run_mode mode_of(const std::string& name) {
  if (name == "lockstep") return live::run_mode::lockstep;
  if (name == "realtime") return live::run_mode::realtime;
  return live::run_mode::free;
}

}  // namespace

struct live_run::parts {
  const network* net = nullptr;
  tick_type t_stop = 0;
  io::live_input_log* log = nullptr;
  spike_observer* recorder = nullptr;
  // --serve
  live::endpoints endpoints;
  std::unique_ptr<live::link> link;
  std::unique_ptr<live::server> server;
  std::unique_ptr<live::live_port> port;
  std::string mode;
  // --replay
  std::unique_ptr<io::live_replay> replay;
  input_journal journal;
  bool stopped = false;
  tick_type reached = 0;
};

live_run::live_run(const run_options& options, const network& net, tick_type t_stop, io::output_file& out,
                   spike_observer* recorder)
    : parts_(std::make_unique<parts>()) {
  parts& p = *parts_;
  p.net = &net;
  p.t_stop = t_stop;
  p.recorder = recorder;
  if (options.serve.empty() && options.replay.empty()) return;
  active_ = true;

  io::live_log_description what;
  what.resolution_ms = net.grid.resolution_ms();
  for (const auto& pop : net.populations) what.populations.push_back(pop->name());
  for (const auto& s : net.live_current_sources())
    what.current_sources.push_back(net.currents[s.front()].name);
  for (const auto& c : net.modulation.channels) what.channels.push_back(c->name());

  if (!options.replay.empty()) {
    p.replay = std::make_unique<io::live_replay>(options.replay, net);
    what.window_bound_ticks = p.replay->max_window();
    what.mode = "replay";
    p.mode = "replay";
    p.log = &out.add_live_input_log(what);
    // The replay's own output can be replayed again.
    p.log->append(p.replay->inputs());
    return;
  }

  live::server_options so;
  std::tie(so.address, so.port) = parse_address(options.serve);
  if (!options.token_file.empty()) so.token = read_token(options.token_file);
  so.allow_remote = options.allow_remote;
  so.mode = mode_of(options.mode);
  so.step_ms = options.step_ms;
  so.batch_ms = options.batch_ms;
  so.max_message_bytes = options.max_message_kb * 1024;
  so.client_buffer_bytes = options.client_buffer_mb * 1024 * 1024;
  so.max_clients = options.max_clients;
  so.port_file = options.port_file;
  p.mode = live::mode_name(so.mode);

  const tick_type step_ticks = net.grid.to_ticks(so.step_ms), batch_ticks = net.grid.to_ticks(so.batch_ms);
  if (step_ticks == 0) bad_option("--step-ms", "the step is shorter than the resolution");
  if (batch_ticks == 0) bad_option("--batch-ms", "the batch is shorter than the resolution");
  live::live_port::settings how;
  how.mode = so.mode;
  how.step_ticks = step_ticks;
  how.batch_ticks = so.mode == live::run_mode::lockstep ? step_ticks : batch_ticks;
  how.t_stop = t_stop;
  what.window_bound_ticks = so.mode == live::run_mode::lockstep ? how.step_ticks : how.batch_ticks;
  what.mode = p.mode;
  p.log = &out.add_live_input_log(what);

  p.endpoints = live::endpoints::of(net);
  p.link = std::make_unique<live::link>(step_ticks, 1.0 / net.grid.resolution_ms(),
                                        so.mode == live::run_mode::lockstep || options.start_paused);
  live::run_description run;
  run.resolution_ms = net.grid.resolution_ms();
  run.t_stop_ms = net.grid.to_ms(t_stop);
  run.step_ms = net.grid.to_ms(step_ticks);
  run.batch_ms = net.grid.to_ms(how.batch_ticks);
  try {
    p.server = std::make_unique<live::server>(so, p.endpoints, run, *p.link);
  } catch (const std::invalid_argument& e) {
    bad_option("--serve", e.what());
  } catch (const std::runtime_error& e) {
    bad_option("--serve", e.what());
  }
  p.port = std::make_unique<live::live_port>(net, p.endpoints, *p.link, *p.server, how, recorder);
  const std::string host = so.address.find(':') != std::string::npos ? "[" + so.address + "]" : so.address;
  std::cerr << fmt::format("spikeq: serving http://{}:{}/ (live raster) and ws://{}:{}/live, mode {}{}\n",
                           host, p.server->port(), host, p.server->port(), p.mode,
                           so.mode == live::run_mode::lockstep ? " (waiting for a client's step)"
                           : options.start_paused              ? " (paused until a client resumes)"
                                                               : "");
}

live_run::~live_run() = default;

spike_observer* live_run::spikes() const {
  return parts_->port ? static_cast<spike_observer*>(parts_->port.get()) : parts_->recorder;
}

external_input* live_run::external() const {
  if (parts_->port) return parts_->port.get();
  return parts_->replay.get();
}

void live_run::set_poll(std::function<void()> poll) {
  if (parts_->port) parts_->port->set_poll(std::move(poll));
}

tick_type live_run::now() const { return parts_->link ? parts_->link->now() : 0; }

double live_run::halted_seconds() const { return parts_->port ? parts_->port->halted_seconds() : 0.0; }

void live_run::flush() {
  if (!parts_->port) return;
  parts_->journal.clear();
  parts_->port->take_journal(parts_->journal);
  parts_->log->append(parts_->journal);
}

void live_run::finish(tick_type reached) {
  parts& p = *parts_;
  if (!active_) return;
  flush();
  p.reached = reached;
  p.stopped = reached <= p.t_stop;
  if (p.stopped) p.log->append_stop(p.net->grid.to_ms(reached));
  if (p.port) p.port->finish(reached, p.stopped);
}

std::string live_run::summary() const {
  const parts& p = *parts_;
  if (!active_) return {};
  std::string line;
  if (p.replay) {
    line = fmt::format("live: replayed {} spikes, {} current changes, {} releases",
                       p.replay->inputs().spikes.size(), p.replay->inputs().currents.size(),
                       p.replay->inputs().releases.size());
  } else {
    line = fmt::format("live ({}): {} inputs applied, {} clients dropped as too slow", p.mode,
                       p.port->inputs_applied(), p.server->clients_dropped());
    if (p.mode == "realtime") line += fmt::format(", fell behind real time in {} batches", p.port->behind());
    line +=
        fmt::format(", {:.3f} s halted waiting for clients (not counted above)", p.port->halted_seconds());
  }
  if (p.stopped) line += fmt::format("; stopped by a client at t = {} ms", p.net->grid.to_ms(p.reached));
  return line;
}

}  // namespace spikeq::tools
