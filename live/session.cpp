#include <fmt/format.h>

#include <iostream>

#include "live/page.hpp"
#include "live/server_impl.hpp"

namespace spikeq::live {

namespace {

// Requests are small (a GET with a few headers); a bound stops a client from
// making the server buffer without end before it is even a WebSocket.
constexpr std::uint32_t max_request_bytes = 16 * 1024;
constexpr auto request_timeout = std::chrono::seconds(10);
// A client message arrives in reads of at most this many bytes.
constexpr std::size_t read_chunk_bytes = 64 * 1024;

// The token of `/live?token=T` (no percent-decoding: tokens are plain words).
std::string query_token(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, 6) == "token=") return std::string(pair.substr(6));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

// --- http_connection ---

http_connection::http_connection(tcp::socket socket, server::impl& srv)
    : stream_(std::move(socket)), srv_(srv) {
  parser_.header_limit(max_request_bytes);
  parser_.body_limit(max_request_bytes);
}

void http_connection::start() {
  stream_.expires_after(request_timeout);
  http::async_read(stream_, buffer_, parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void http_connection::on_read(beast::error_code ec) {
  if (ec) return;  // timed out, closed or not HTTP: nothing to answer
  http::request<http::string_body> request = parser_.release();
  const std::string_view target(request.target().data(), request.target().size());
  if (websocket::is_upgrade(request)) {
    if (path_of(target) != "/live")
      return respond(http::status::not_found, "text/plain", "no such endpoint\n");
    if (srv_.shutting_down)
      return respond(http::status::service_unavailable, "text/plain", "the run is over\n");
    if (srv_.sessions.size() >= srv_.options.max_clients)
      return respond(http::status::service_unavailable, "text/plain",
                     fmt::format("too many clients (at most {})\n", srv_.options.max_clients));
    const std::string token = query_token(target);
    if (!token.empty() && !srv_.token_matches(token))
      return respond(http::status::unauthorized, "text/plain", "wrong token\n");
    const bool authorised = srv_.options.token.empty() || !token.empty();
    stream_.expires_never();
    std::make_shared<ws_session>(stream_.release_socket(), srv_, authorised)->start(std::move(request));
    return;
  }
  if (request.method() != http::verb::get)
    return respond(http::status::bad_request, "text/plain", "GET only\n");
  if (path_of(target) == "/" || path_of(target) == "/index.html")
    return respond(http::status::ok, "text/html; charset=utf-8", std::string(page_html));
  respond(http::status::not_found, "text/plain", "no such page\n");
}

void http_connection::respond(http::status status, std::string content_type, std::string body) {
  response_ = std::make_shared<http::response<http::string_body>>(status, 11);
  response_->set(http::field::server, "spikeq");
  response_->set(http::field::content_type, content_type);
  response_->set(http::field::cache_control, "no-store");
  response_->keep_alive(false);
  response_->body() = std::move(body);
  response_->prepare_payload();
  http::async_write(stream_, *response_, [self = shared_from_this()](beast::error_code, std::size_t) {
    beast::error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  });
}

// --- ws_session ---

ws_session::ws_session(tcp::socket socket, server::impl& srv, bool authorised)
    : ws_(std::move(socket)),
      srv_(srv),
      authorised_(authorised),
      subscribed_(srv.eps.populations.size(), false) {}

void ws_session::start(http::request<http::string_body> request) {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  // The bound is checked here as frames arrive (on_read), so an oversized message
  // gets an error message; Beast's own limit, further out, is a backstop that would
  // drop the connection without one.
  ws_.read_message_max(srv_.options.max_message_bytes + read_chunk_bytes);
  ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    self->open_ = true;
    self->srv_.add(self);
    self->send(std::make_shared<const std::string>(self->srv_.welcome(self->authorised_)), false);
    self->read();
  });
}

void ws_session::read() {
  ws_.async_read_some(buffer_, read_chunk_bytes,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void ws_session::on_read(beast::error_code ec) {
  if (closing_) return;
  if (ec == websocket::error::message_too_big || (!ec && buffer_.size() > srv_.options.max_message_bytes))
    return fail(fmt::format("message larger than {} bytes", srv_.options.max_message_bytes));
  if (ec) return close_now();  // the client went away
  if (!ws_.got_text()) return fail("binary frames from clients are not accepted; send JSON text");
  if (!ws_.is_message_done()) return read();
  const std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  try {
    handle(text);
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  if (!closing_) read();
}

void ws_session::handle(const std::string& text) {
  client_message m = parse_client_message(text, srv_.eps);
  if (const auto* h = std::get_if<hello_message>(&m)) {
    if (!srv_.options.token.empty() && !srv_.token_matches(h->token))
      throw std::invalid_argument("wrong token");
    authorised_ = true;
    send(std::make_shared<const std::string>(encode_hello_reply()), false);
    return;
  }
  if (const auto* s = std::get_if<subscribe_message>(&m)) {
    if (s->populations.empty()) {
      subscribed_.assign(subscribed_.size(), s->subscribe);
    } else {
      for (const auto p : s->populations) subscribed_[p] = s->subscribe;
    }
    srv_.recount_subscriptions();
    return;
  }
  if (needs_token(m) && !authorised_)
    throw std::invalid_argument("inputs and control need the token (hello, or /live?token=)");
  srv_.lnk.submit(std::move(m));
}

void ws_session::send(std::shared_ptr<const std::string> data, bool binary) {
  if (!open_ || closing_) return;
  if (queued_bytes_ + data->size() > srv_.options.client_buffer_bytes) {
    // It does not read what it asked for: drop it rather than grow without bound.
    ++srv_.dropped;
    std::cerr << "spikeq: live client dropped: too slow (more than " << srv_.options.client_buffer_bytes
              << " bytes waiting)\n";
    return close_now();
  }
  queued_bytes_ += data->size();
  queue_.push_back({std::move(data), binary});
  if (!writing_) write();
}

void ws_session::send_batch(const spike_batch& batch) {
  send(std::make_shared<const std::string>(
           encode_spike_batch(batch.from_ms, batch.to_ms, batch.spikes, subscribed_)),
       true);
}

void ws_session::fail(const std::string& message) {
  if (!open_ || closing_) return;
  send(std::make_shared<const std::string>(encode_error(message)), false);
  closing_ = true;
  close_code_ = websocket::close_code::policy_error;
  if (!writing_) write();
}

void ws_session::finish(const std::string& text) {
  if (!open_ || closing_) return;
  send(std::make_shared<const std::string>(text), false);
  closing_ = true;
  if (!writing_) write();
}

void ws_session::write() {
  if (queue_.empty()) {
    if (!closing_) return;
    writing_ = true;
    ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) { self->close_now(); });
    return;
  }
  writing_ = true;
  ws_.binary(queue_.front().binary);
  ws_.async_write(asio::buffer(*queue_.front().data),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

void ws_session::on_write(beast::error_code ec) {
  writing_ = false;
  if (ec) return close_now();
  queued_bytes_ -= queue_.front().data->size();
  queue_.pop_front();
  write();
}

void ws_session::close_now() {
  if (!open_) return;
  open_ = false;
  closing_ = true;
  // The queue stays: a write in flight still refers to its front; it goes with the
  // session once the cancelled handlers have run.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
  srv_.remove(shared_from_this());
}

}  // namespace spikeq::live
