// Internals of live/server.hpp shared by server.cpp and the connection classes.
// Everything here runs on the server's io_context thread unless said otherwise.
#pragma once

#include <atomic>
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
// clang-format on
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "live/server.hpp"

namespace spikeq::live {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class ws_session;

class server::impl {
 public:
  impl(const server_options& options, const endpoints& e, const run_description& run, link& l);

  void accept();
  void add(const std::shared_ptr<ws_session>& s);
  void remove(const std::shared_ptr<ws_session>& s);
  void recount_subscriptions();
  // After shutdown began: stops the thread once every client has gone.
  void stop_when_idle();
  bool token_matches(const std::string& candidate) const;
  std::string welcome(bool authorised) const;

  server_options options;
  const endpoints& eps;
  run_description run;
  link& lnk;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::set<std::shared_ptr<ws_session>> sessions;
  std::vector<std::atomic<int>> subscribers;  // per population, written here, read by the simulation
  std::atomic<std::uint64_t> dropped{0};
  bool shutting_down = false;
  std::thread thread;
};

// One HTTP request: the page, or the WebSocket upgrade handed to a ws_session.
class http_connection : public std::enable_shared_from_this<http_connection> {
 public:
  http_connection(tcp::socket socket, server::impl& srv);
  void start();

 private:
  void on_read(beast::error_code ec);
  void respond(http::status status, std::string content_type, std::string body);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  server::impl& srv_;
};

// One WebSocket client: its subscriptions, its authorisation and its bounded
// output queue (docs/formats/live.md, "Limits and policies").
class ws_session : public std::enable_shared_from_this<ws_session> {
 public:
  ws_session(tcp::socket socket, server::impl& srv, bool authorised);
  void start(http::request<http::string_body> request);

  void send(std::shared_ptr<const std::string> frame, bool binary);
  void send_batch(const spike_batch& batch);
  // Sends `error`, then closes.
  void fail(const std::string& message);
  // Sends `text` (the end message), then closes normally.
  void finish(const std::string& text);
  const std::vector<bool>& subscribed() const { return subscribed_; }

 private:
  void read();
  void on_read(beast::error_code ec);
  void handle(const std::string& text);
  void write();
  void on_write(beast::error_code ec);
  void close_now();

  struct frame {
    std::shared_ptr<const std::string> data;
    bool binary;
  };
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  server::impl& srv_;
  bool authorised_;
  bool open_ = false;     // accepted and registered
  bool closing_ = false;  // no more reads; close once the queue is written
  bool writing_ = false;
  websocket::close_code close_code_ = websocket::close_code::normal;
  std::deque<frame> queue_;
  std::size_t queued_bytes_ = 0;
  std::vector<bool> subscribed_;
};

}  // namespace spikeq::live
