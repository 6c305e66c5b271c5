// spikeq run --serve (docs/live.md, docs/formats/live.md): a scripted client in
// lockstep, the recording of its inputs and their replay, and the server's
// policies against bad, unauthorised, slow and many clients.
#include <gtest/gtest.h>

#include <fstream>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/live/live_process.hpp"
#include "tests/live/live_session.hpp"

namespace spikeq::testing {
namespace {

std::vector<double> column(const std::filesystem::path& file, const std::string& path) {
  return io::hdf5_reader(file).read_doubles(path);
}
std::vector<std::uint64_t> ids(const std::filesystem::path& file, const std::string& path) {
  return io::hdf5_reader(file).read_uint64s(path);
}

void expect_same_spikes(const std::filesystem::path& a, const std::filesystem::path& b) {
  for (const std::string pop : {"exc", "inh", "stimulus"}) {
    EXPECT_EQ(column(a, "/spikes/" + pop + "/timestamps"), column(b, "/spikes/" + pop + "/timestamps"))
        << pop;
    EXPECT_EQ(ids(a, "/spikes/" + pop + "/node_ids"), ids(b, "/spikes/" + pop + "/node_ids")) << pop;
  }
}

TEST(LiveServer, LockstepSessionIsRecordedAndReplaysBitForBit) {
  const auto dir = scratch_dir("live_lockstep");
  const auto r = run_lockstep_session(dir, "live.h5", 8);
  ASSERT_EQ(r.exit_code, 0);
  // One batch per step, covering [10 s, 10 s + 10) ms without gaps (docs/formats/live.md).
  ASSERT_EQ(r.batches.size(), 8u);
  ASSERT_EQ(r.step_done.size(), 8u);
  std::size_t stimulus_spikes = 0;
  for (std::size_t s = 0; s < r.batches.size(); ++s) {
    EXPECT_EQ(r.batches[s].from_ms, 10.0 * s);
    EXPECT_EQ(r.batches[s].to_ms, 10.0 * (s + 1));
    EXPECT_NE(r.step_done[s].find("\"t_ms\":" + std::to_string(10 * (s + 1))), std::string::npos)
        << r.step_done[s];
    for (std::size_t k = 0; k < r.batches[s].times.size(); ++k) {
      EXPECT_GE(r.batches[s].times[k], r.batches[s].from_ms);
      EXPECT_LT(r.batches[s].times[k], r.batches[s].to_ms);
      if (r.batches[s].populations[k] == 3) ++stimulus_spikes;  // stimulus: 4th population
    }
  }
  // Every stimulus spike the client sent came back at the time it asked for.
  EXPECT_EQ(stimulus_spikes, 8u * 50u);
  EXPECT_NE(r.end.find("\"reason\":\"stopped\""), std::string::npos) << r.end;

  const auto live = dir / "live.h5";
  EXPECT_EQ(ids(live, "/live/spikes/ticks").size(), 400u);
  EXPECT_EQ(column(live, "/live/currents/amplitude").size(), 8u);
  EXPECT_EQ(column(live, "/live/releases/amount"), std::vector<double>(8, 0.25));
  EXPECT_EQ(column(live, "/live/stopped_at"), std::vector<double>{80.0});
  // The releases reached the channel (NEST-style log of every release).
  EXPECT_EQ(column(live, "/neuromodulators/dopamine/release_times").size(), 8u);
  const auto inspect = run_spikeq("inspect '" + live.string() + "'", dir);
  EXPECT_NE(
      inspect.out.find("live inputs (lockstep)    400 spikes, 8 current changes, 8 releases; stopped by a "
                       "client at 80 ms"),
      std::string::npos)
      << inspect.out;
  // The stopped run is analysed over the 80 ms it simulated.
  const auto analyze = run_spikeq("analyze '" + live.string() + "' -p stimulus", dir);
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_NE(analyze.out.find("window 0 to 80 ms"), std::string::npos) << analyze.out;

  for (const std::string threads : {"1", "3"}) {
    const auto replayed = dir / ("replay" + threads + ".h5");
    const auto rr =
        run_spikeq("run '" + source_path("examples/live_raster.textproto") + "' -o '" + replayed.string() +
                       "' --t-stop 1000 -q --threads " + threads + " --replay '" + live.string() + "'",
                   dir);
    ASSERT_EQ(rr.exit_code, 0) << rr.err;
    expect_same_spikes(live, replayed);
  }
}

TEST(LiveServer, SameMessagesGiveTheSameRun) {
  const auto dir = scratch_dir("live_deterministic");
  const auto a = run_lockstep_session(dir, "a.h5", 5);
  const auto b = run_lockstep_session(dir, "b.h5", 5);
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  expect_same_spikes(dir / "a.h5", dir / "b.h5");
}

TEST(LiveServer, RefusesNonLoopbackAddressesWithoutFlagAndToken) {
  const auto dir = scratch_dir("live_remote");
  const std::string net = "'" + source_path("examples/live_raster.textproto") + "'";
  auto r = run_spikeq("run " + net + " -o out.h5 --serve 0.0.0.0:0", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a loopback address"), std::string::npos) << r.err;
  r = run_spikeq("run " + net + " -o out.h5 --serve 0.0.0.0:0 --allow-remote", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("needs a token"), std::string::npos) << r.err;
  r = run_spikeq("run " + net + " -o out.h5 --serve localhost:http", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.h5"));
}

// A free-running server for the policy tests; stops itself after t_stop.
struct free_server {
  free_server(const std::filesystem::path& dir, std::vector<std::string> extra,
              const std::string& t_stop = "100000")
      : port_file(dir / "port"),
        process(
            [&] {
              std::vector<std::string> args = {"run",
                                               source_path("examples/live_raster.textproto"),
                                               "-o",
                                               (dir / "out.h5").string(),
                                               "--t-stop",
                                               t_stop,
                                               "-q",
                                               "--serve",
                                               "127.0.0.1:0",
                                               "--port-file",
                                               (dir / "port").string(),
                                               "--mode",
                                               "realtime"};
              args.insert(args.end(), extra.begin(), extra.end());
              return args;
            }(),
            dir),
        port(process.wait_for_port(port_file)) {}
  std::filesystem::path port_file;
  spikeq_process process;
  std::uint16_t port;
};

std::string expect_error_then_close(ws_client& c) {
  const auto error = c.read_until_type("error", std::chrono::seconds(10));
  EXPECT_TRUE(error.has_value());
  while (c.read(std::chrono::seconds(10))) {
  }
  EXPECT_TRUE(c.closed());
  return error.value_or("");
}

TEST(LiveServer, BadMessagesCloseThatClientOnly) {
  const auto dir = scratch_dir("live_bad");
  free_server s(dir, {"--max-message-kb", "1"});
  ASSERT_GT(s.port, 0) << s.process.err();
  {
    ws_client c(s.port);
    c.send("{\"type\": \"spikes\", ");
    EXPECT_NE(expect_error_then_close(c).find("malformed JSON"), std::string::npos);
  }
  {
    ws_client c(s.port);
    c.send_binary(std::string("\x01\x02\x03", 3));
    EXPECT_NE(expect_error_then_close(c).find("binary frames"), std::string::npos);
  }
  {
    ws_client c(s.port);
    c.send(R"({"type":"hello","token":")" + std::string(4000, 'x') + "\"}");
    EXPECT_NE(expect_error_then_close(c).find("larger than 1024 bytes"), std::string::npos);
  }
  {
    ws_client c(s.port);
    c.send(R"({"type":"spikes","population":"stimulus","neurons":[50]})");
    EXPECT_NE(expect_error_then_close(c).find("out of range"), std::string::npos);
  }
  // The run went on: a new client still sees model time advance, and can stop it.
  ws_client c(s.port);
  ASSERT_TRUE(c.read_until_type("welcome"));
  EXPECT_TRUE(c.read_until_type("status", std::chrono::seconds(5)));
  c.send(R"({"type":"control","command":"stop"})");
  EXPECT_TRUE(c.read_until_type("end", std::chrono::seconds(10)));
  EXPECT_EQ(s.process.wait(), 0) << s.process.err();
}

TEST(LiveServer, InputsAndControlNeedTheToken) {
  const auto dir = scratch_dir("live_token");
  std::ofstream(dir / "token") << "s3cret\n";
  free_server s(dir, {"--token-file", (dir / "token").string()});
  ASSERT_GT(s.port, 0) << s.process.err();
  {
    ws_client watcher(s.port);  // may watch without a token
    const auto welcome = watcher.read_until_type("welcome");
    ASSERT_TRUE(welcome);
    EXPECT_NE(welcome->find("\"authorised\":false"), std::string::npos);
    watcher.send(R"({"type":"subscribe"})");
    watcher.send(R"({"type":"control","command":"stop"})");
    EXPECT_NE(expect_error_then_close(watcher).find("need the token"), std::string::npos);
  }
  {
    ws_client wrong(s.port);
    wrong.send(R"({"type":"hello","token":"guess"})");
    EXPECT_NE(expect_error_then_close(wrong).find("wrong token"), std::string::npos);
  }
  EXPECT_THROW(ws_client(s.port, "/live?token=guess"), boost::system::system_error);  // HTTP 401
  ws_client hello(s.port);
  hello.send(R"({"type":"hello","token":"s3cret"})");
  EXPECT_TRUE(hello.read_until_type("hello"));
  ws_client owner(s.port, "/live?token=s3cret");
  const auto welcome = owner.read_until_type("welcome");
  ASSERT_TRUE(welcome);
  EXPECT_NE(welcome->find("\"authorised\":true"), std::string::npos);
  owner.send(R"({"type":"control","command":"stop"})");
  EXPECT_TRUE(owner.read_until_type("end", std::chrono::seconds(10)));
  EXPECT_EQ(s.process.wait(), 0) << s.process.err();
}

TEST(LiveServer, AClientThatNeverReadsIsDroppedAndTheRunFinishes) {
  const auto dir = scratch_dir("live_slow");
  // Free mode as fast as it goes, every spike subscribed, 1 MiB of queue: the
  // client's socket buffers fill and its queue passes the bound.
  const auto port_file = dir / "port";
  spikeq_process p({"run", source_path("examples/live_raster.textproto"), "-o", (dir / "out.h5").string(),
                    "--t-stop", "20000", "--serve", "127.0.0.1:0", "--port-file", port_file.string(),
                    "--mode", "free", "--client-buffer-mb", "1"},
                   dir);
  const auto port = p.wait_for_port(port_file);
  ASSERT_GT(port, 0) << p.err();
  ws_client sleeper(port);
  sleeper.send(R"({"type":"subscribe"})");
  EXPECT_EQ(p.wait(std::chrono::seconds(120)), 0) << p.err();
  EXPECT_NE(p.err().find("live client dropped: too slow"), std::string::npos) << p.err();
  EXPECT_NE(p.out().find("1 clients dropped"), std::string::npos) << p.out();
}

TEST(LiveServer, HundredConnectionCyclesAndTheClientLimit) {
  const auto dir = scratch_dir("live_cycles");
  free_server s(dir, {"--max-clients", "2"});
  ASSERT_GT(s.port, 0) << s.process.err();
  for (int k = 0; k < 100; ++k) {
    ws_client c(s.port);
    if (k % 2 == 0) {
      ASSERT_TRUE(c.read_until_type("welcome")) << "cycle " << k;
      c.send(R"({"type":"subscribe"})");
    }
    if (k % 3 == 0) c.close_abruptly();  // others close by going out of scope mid-stream
  }
  ws_client first(s.port), second(s.port);
  ASSERT_TRUE(first.read_until_type("welcome"));
  ASSERT_TRUE(second.read_until_type("welcome"));
  EXPECT_THROW(ws_client(s.port), boost::system::system_error);  // HTTP 503: a third is refused
  first.send(R"({"type":"control","command":"stop"})");
  EXPECT_TRUE(first.read_until_type("end", std::chrono::seconds(10)));
  EXPECT_EQ(s.process.wait(), 0) << s.process.err();
}

TEST(LiveServer, ServesTheRasterPage) {
  const auto dir = scratch_dir("live_page");
  free_server s(dir, {});
  ASSERT_GT(s.port, 0) << s.process.err();
  const auto get = [&](const std::string& target) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port));
    beast::http::request<beast::http::empty_body> req(beast::http::verb::get, target, 11);
    req.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(stream, buffer, res);
    return res;
  };
  const auto page = get("/");
  EXPECT_EQ(page.result(), beast::http::status::ok);
  EXPECT_NE(page.body().find("<canvas"), std::string::npos);
  EXPECT_EQ(page.body().find("http://"), std::string::npos) << "the page must not load external resources";
  EXPECT_EQ(get("/secret").result(), beast::http::status::not_found);
  ws_client c(s.port);
  c.send(R"({"type":"control","command":"stop"})");
  EXPECT_EQ(s.process.wait(), 0);
}

}  // namespace
}  // namespace spikeq::testing
