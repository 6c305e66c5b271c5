// The live server: one Boost.Asio thread that accepts TCP connections on one port,
// serves the raster page over HTTP and the live protocol over WebSocket (Boost.Beast),
// and hands client inputs and control to the simulation through a `link`. The
// simulation never touches a socket: it posts spike batches and text messages here,
// and each client gets them through its own bounded output queue.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "live/endpoints.hpp"
#include "live/link.hpp"
#include "live/messages.hpp"
#include "live/server_options.hpp"

namespace spikeq::live {

// What a new client is told about the run.
struct run_description {
  double resolution_ms = 0.0, t_stop_ms = 0.0;
  double step_ms = 0.0, batch_ms = 0.0;
};

// Spikes of one batch, shared by every client's encoding.
struct spike_batch {
  double from_ms = 0.0, to_ms = 0.0;
  std::vector<spike_record> spikes;
};

class server {
 public:
  // Binds and starts serving. Throws std::invalid_argument for a bad or
  // non-loopback address without allow_remote and a token, std::runtime_error when
  // the port cannot be bound.
  server(const server_options& options, const endpoints& e, const run_description& run, link& l);
  ~server();  // shuts down (as shutdown()) if still running
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const;
  // Per population: whether any client subscribes to it (read by the simulation
  // thread to skip spikes nobody wants; relaxed, a late change only delays them).
  bool anyone_subscribed(std::uint32_t population) const;

  void send_batch(std::shared_ptr<const spike_batch> batch);
  void send_text(std::string text);  // to every client
  // Sends `end`, closes every client (waits up to ~2 s for them to take it) and
  // stops the thread.
  void shutdown(std::string end_message);

  std::uint64_t clients_dropped() const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace spikeq::live
