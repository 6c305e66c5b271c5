#include "live/server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "live/server_impl.hpp"

namespace spikeq::live {

const char* mode_name(run_mode m) {
  switch (m) {
    case run_mode::lockstep:
      return "lockstep";
    case run_mode::realtime:
      return "realtime";
    case run_mode::free:
      break;
  }
  return "free";
}

server::impl::impl(const server_options& o, const endpoints& e, const run_description& r, link& l)
    : options(o), eps(e), run(r), lnk(l), acceptor(io), subscribers(e.populations.size()) {}

bool server::impl::token_matches(const std::string& candidate) const {
  // Compares every byte whatever the first difference, so timing tells nothing.
  const std::string& token = options.token;
  unsigned char diff = candidate.size() == token.size() ? 0 : 1;
  for (std::size_t k = 0; k < candidate.size(); ++k)
    diff |= static_cast<unsigned char>(candidate[k] ^ token[k % std::max<std::size_t>(token.size(), 1)]);
  return !token.empty() && diff == 0;
}

std::string server::impl::welcome(bool authorised) const {
  welcome_info w;
  w.mode = mode_name(options.mode);
  w.resolution_ms = run.resolution_ms;
  w.step_ms = run.step_ms;
  w.batch_ms = run.batch_ms;
  w.t_ms = static_cast<double>(lnk.now()) * run.resolution_ms;
  w.t_stop_ms = run.t_stop_ms;
  w.token_required = !options.token.empty();
  w.authorised = authorised;
  return encode_welcome(w, eps);
}

void server::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // the acceptor was closed
    // Small frames both ways (a step request, a step's batch): without this, Nagle's
    // algorithm and delayed acknowledgements add tens of ms to every lockstep step.
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<http_connection>(std::move(socket), *this)->start();
    accept();
  });
}

void server::impl::add(const std::shared_ptr<ws_session>& s) { sessions.insert(s); }

void server::impl::remove(const std::shared_ptr<ws_session>& s) {
  sessions.erase(s);
  recount_subscriptions();
  stop_when_idle();
}

void server::impl::stop_when_idle() {
  if (shutting_down && sessions.empty()) io.stop();
}

void server::impl::recount_subscriptions() {
  std::vector<int> count(subscribers.size(), 0);
  for (const auto& s : sessions)
    for (std::size_t p = 0; p < count.size(); ++p) count[p] += s->subscribed()[p] ? 1 : 0;
  for (std::size_t p = 0; p < count.size(); ++p) subscribers[p].store(count[p], std::memory_order_relaxed);
}

server::server(const server_options& options, const endpoints& e, const run_description& run, link& l)
    : impl_(std::make_unique<impl>(options, e, run, l)) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) throw std::invalid_argument(fmt::format("'{}' is not an IP address", options.address));
  if (!address.is_loopback()) {
    if (!options.allow_remote)
      throw std::invalid_argument(fmt::format(
          "{} is not a loopback address; serving beyond this machine needs --allow-remote and --token-file",
          options.address));
    if (options.token.empty())
      throw std::invalid_argument("serving on a non-loopback address needs a token (--token-file)");
  }
  const tcp::endpoint where(address, options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(where.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(where, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{}: {}", options.address, options.port, ec.message()));
  if (!options.port_file.empty()) {
    std::ofstream f(options.port_file);
    f << port() << '\n';
    if (!f) throw std::runtime_error("cannot write the port file " + options.port_file);
  }
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

server::~server() {
  if (impl_->thread.joinable()) shutdown(encode_end(0.0, "stopped"));
}

std::uint16_t server::port() const { return impl_->acceptor.local_endpoint().port(); }

bool server::anyone_subscribed(std::uint32_t population) const {
  return impl_->subscribers[population].load(std::memory_order_relaxed) > 0;
}

void server::send_batch(std::shared_ptr<const spike_batch> batch) {
  asio::post(impl_->io, [this, batch = std::move(batch)] {
    // A copy: a client dropped while sending would change the set under the loop.
    const auto sessions = impl_->sessions;
    for (const auto& s : sessions) s->send_batch(*batch);
  });
}

void server::send_text(std::string text) {
  asio::post(impl_->io, [this, frame = std::make_shared<const std::string>(std::move(text))] {
    const auto sessions = impl_->sessions;
    for (const auto& s : sessions) s->send(frame, false);
  });
}

void server::shutdown(std::string end_message) {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [this, end_message = std::move(end_message)] {
    impl_->shutting_down = true;
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    const auto sessions = impl_->sessions;
    for (const auto& s : sessions) s->finish(end_message);
    impl_->stop_when_idle();
  });
  // Clients get a moment to read the end message; then the thread stops regardless.
  auto deadline = std::make_shared<asio::steady_timer>(impl_->io, std::chrono::seconds(2));
  asio::post(impl_->io, [this, deadline] {
    deadline->async_wait([this, deadline](beast::error_code) { impl_->io.stop(); });
  });
  impl_->thread.join();
}

std::uint64_t server::clients_dropped() const { return impl_->dropped.load(); }

}  // namespace spikeq::live
