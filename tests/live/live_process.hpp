// For live tests: a `spikeq run --serve` process started in the background, and a
// small WebSocket client (Boost.Beast) with timeouts on every read.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// clang-format off
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
// clang-format on
#include <vector>

extern char** environ;

namespace spikeq::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// spikeq run ... in the background; stdout and stderr go to files in `dir`.
class spikeq_process {
 public:
  spikeq_process(std::vector<std::string> args, const std::filesystem::path& dir) : dir_(dir) {
    args.insert(args.begin(), SPIKEQ_BINARY);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, (dir / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&files, 2, (dir / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    if (posix_spawn(&pid_, SPIKEQ_BINARY, &files, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start spikeq");
    posix_spawn_file_actions_destroy(&files);
  }
  ~spikeq_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  spikeq_process(const spikeq_process&) = delete;
  spikeq_process& operator=(const spikeq_process&) = delete;

  // The port from the --port-file, once written (0 after `timeout` or if spikeq exited).
  std::uint16_t wait_for_port(const std::filesystem::path& port_file,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      std::ifstream f(port_file);
      unsigned port = 0;
      if (f >> port && port > 0) return static_cast<std::uint16_t>(port);
      if (exited()) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
  }
  bool exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return true;
    }
    return false;
  }
  // The exit code, or nullopt if it has not exited within `timeout` (then killed).
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (exited()) return code_;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }
  std::string out() const { return read(dir_ / "stdout.txt"); }
  std::string err() const { return read(dir_ / "stderr.txt"); }

 private:
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  pid_t pid_ = 0;
  int code_ = -1;
  std::filesystem::path dir_;
};

struct ws_message {
  bool binary = false;
  std::string data;
};

class ws_client {
 public:
  // Connects and upgrades; throws beast::system_error if the server refuses.
  explicit ws_client(std::uint16_t port, const std::string& target = "/live") : ws_(io_) {
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  }
  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
  }
  void send_binary(const std::string& data) {
    ws_.binary(true);
    ws_.write(asio::buffer(data));
  }
  // The next message; nullopt when the connection closed (closed() then says so)
  // or nothing came within `timeout`.
  std::optional<ws_message> read(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (closed_) return std::nullopt;
    beast::flat_buffer buffer;
    beast::error_code ec;
    bool done = false;
    ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      io_.restart();
      io_.run();
      closed_ = true;  // a cancelled read leaves the stream unusable
      return std::nullopt;
    }
    if (ec) {
      closed_ = true;
      return std::nullopt;
    }
    return ws_message{ws_.got_binary(), beast::buffers_to_string(buffer.data())};
  }
  bool closed() const { return closed_; }
  // Reads until a text message whose JSON contains `"type":"<type>"`, returning it.
  std::optional<std::string> read_until_type(const std::string& type,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const std::string key = "\"type\":\"" + type + "\"";
    while (auto m = read(timeout))
      if (!m->binary && m->data.find(key) != std::string::npos) return m->data;
    return std::nullopt;
  }
  void close_abruptly() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    closed_ = true;
  }

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  bool closed_ = false;
};

}  // namespace spikeq::testing
