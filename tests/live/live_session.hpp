// A scripted lockstep client session against examples/live_raster.textproto, shared
// by the integration and thread tests: the same messages give the same run.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.hpp"
#include "tests/live/live_process.hpp"

namespace spikeq::testing {

struct decoded_batch {
  double from_ms = 0, to_ms = 0;
  std::vector<double> times;
  std::vector<std::uint32_t> populations, neurons;
};

inline decoded_batch decode_batch(const std::string& frame) {
  decoded_batch b;
  std::uint32_t count = 0;
  EXPECT_GE(frame.size(), 32u);
  if (frame.size() < 32) return b;
  std::memcpy(&b.from_ms, frame.data() + 8, 8);
  std::memcpy(&b.to_ms, frame.data() + 16, 8);
  std::memcpy(&count, frame.data() + 24, 4);
  EXPECT_EQ(frame.size(), 32u + 16u * count);
  for (std::uint32_t k = 0; k < count && 32 + 16 * (k + 1) <= frame.size(); ++k) {
    double t = 0;
    std::uint32_t p = 0, n = 0;
    std::memcpy(&t, frame.data() + 32 + 16 * k, 8);
    std::memcpy(&p, frame.data() + 40 + 16 * k, 4);
    std::memcpy(&n, frame.data() + 44 + 16 * k, 4);
    b.times.push_back(t);
    b.populations.push_back(p);
    b.neurons.push_back(n);
  }
  return b;
}

struct session_result {
  std::vector<decoded_batch> batches;
  std::vector<std::string> step_done;
  std::string end;
  std::optional<int> exit_code;
};

// Runs examples/live_raster.textproto in lockstep for `steps` steps of 10 ms: each
// step sends the 50 stimulus spikes (neuron k at k/10 ms into the step), a current
// and a dopamine release, then `step`; finally `stop`.
inline session_result run_lockstep_session(const std::filesystem::path& dir, const std::string& output,
                                           int steps, const std::string& threads = "1") {
  session_result r;
  const auto port_file = dir / ("port_" + threads);
  std::filesystem::remove(port_file);
  spikeq_process spikeq({"run", source_path("examples/live_raster.textproto"), "-o", (dir / output).string(),
                         "--t-stop", "1000", "--threads", threads, "--serve", "127.0.0.1:0", "--port-file",
                         port_file.string(), "--mode", "lockstep", "--step-ms", "10"},
                        dir);
  const auto port = spikeq.wait_for_port(port_file);
  EXPECT_GT(port, 0) << spikeq.err();
  if (port == 0) return r;
  ws_client client(port);
  EXPECT_TRUE(client.read_until_type("welcome"));
  client.send(R"({"type":"subscribe"})");
  for (int s = 0; s < steps; ++s) {
    std::string neurons, times;
    for (int k = 0; k < 50; ++k) {
      neurons += (k ? "," : "") + std::to_string(k);
      times += (k ? "," : "") + std::to_string(10.0 * s + 0.1 * k);
    }
    client.send(R"({"type":"spikes","population":"stimulus","neurons":[)" + neurons + R"(],"times_ms":[)" +
                times + "]}");
    client.send(R"({"type":"current","source":"drive","amplitude":)" + std::to_string(100 * (s % 4)) + "}");
    client.send(R"({"type":"release","channel":"dopamine","amount":0.25})");
    client.send(R"({"type":"control","command":"step"})");
    while (auto m = client.read()) {
      if (m->binary) {
        r.batches.push_back(decode_batch(m->data));
        continue;
      }
      if (m->data.find("\"step_done\"") != std::string::npos) {
        r.step_done.push_back(m->data);
        break;
      }
    }
  }
  client.send(R"({"type":"control","command":"stop"})");
  if (auto end = client.read_until_type("end")) r.end = *end;
  r.exit_code = spikeq.wait();
  EXPECT_EQ(r.exit_code, 0) << spikeq.err();
  return r;
}

}  // namespace spikeq::testing
