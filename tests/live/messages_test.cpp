// The live protocol's messages (docs/formats/live.md): parsing and checking client
// frames, encoding server frames byte for byte.
#include "live/messages.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace spikeq::live {
namespace {

endpoints sample_endpoints() {
  endpoints e;
  e.populations = {{"exc", 800, "iaf_psc_exp", false}, {"stimulus", 50, "live_spike_source", true}};
  e.currents = {{"drive", "exc", {3, 4}}};
  e.channels = {{"dopamine", true}, {"internal", false}};
  return e;
}

std::string rejection(const std::string& text) {
  try {
    parse_client_message(text, sample_endpoints());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(LiveMessages, ParsesEveryClientMessage) {
  const auto e = sample_endpoints();
  const auto spikes = std::get<spikes_message>(parse_client_message(
      R"({"type":"spikes","population":"stimulus","neurons":[0,49],"times_ms":[1.5,2]})", e));
  EXPECT_EQ(spikes.population, 1u);
  EXPECT_EQ(spikes.neurons, (std::vector<std::uint32_t>{0, 49}));
  EXPECT_EQ(spikes.times_ms, (std::vector<double>{1.5, 2.0}));
  const auto current = std::get<current_message>(
      parse_client_message(R"({"type":"current","source":"drive","amplitude":-25})", e));
  EXPECT_EQ(current.source, 0u);
  EXPECT_EQ(current.amplitude, -25.0);
  EXPECT_FALSE(current.time_ms);
  const auto release = std::get<release_message>(
      parse_client_message(R"({"type":"release","channel":"dopamine","amount":0.5,"time_ms":12})", e));
  EXPECT_EQ(release.channel, 0u);
  EXPECT_EQ(release.time_ms, 12.0);
  const auto step =
      std::get<control_message>(parse_client_message(R"({"type":"control","command":"step","ms":5})", e));
  EXPECT_EQ(step.command, control_command::step);
  EXPECT_EQ(step.ms, 5.0);
  const auto sub = std::get<subscribe_message>(
      parse_client_message(R"({"type":"unsubscribe","populations":["stimulus"]})", e));
  EXPECT_FALSE(sub.subscribe);
  EXPECT_EQ(sub.populations, (std::vector<std::uint32_t>{1}));
  EXPECT_TRUE(
      std::get<subscribe_message>(parse_client_message(R"({"type":"subscribe"})", e)).populations.empty());
  EXPECT_EQ(std::get<hello_message>(parse_client_message(R"({"type":"hello","token":"t0k"})", e)).token,
            "t0k");
  EXPECT_FALSE(needs_token(hello_message{}));
  EXPECT_FALSE(needs_token(subscribe_message{}));
  EXPECT_TRUE(needs_token(spikes_message{}));
  EXPECT_TRUE(needs_token(control_message{}));
}

TEST(LiveMessages, RejectsMalformedAndInvalidMessagesSayingWhy) {
  EXPECT_NE(rejection("{not json").find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejection("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(rejection(R"({"kind":"spikes"})").find("'type' is missing"), std::string::npos);
  EXPECT_NE(rejection(R"({"type":"launch"})").find("unknown message type 'launch'"), std::string::npos);
  EXPECT_NE(rejection(R"({"type":"spikes","population":"nope","neurons":[0]})").find("no population 'nope'"),
            std::string::npos);
  EXPECT_NE(
      rejection(R"({"type":"spikes","population":"exc","neurons":[0]})").find("not a live_spike_source"),
      std::string::npos);
  EXPECT_NE(rejection(R"({"type":"spikes","population":"stimulus","neurons":[50]})").find("out of range"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"type":"spikes","population":"stimulus","neurons":[-1]})").find("non-negative"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"type":"spikes","population":"stimulus","neurons":[1,2],"times_ms":[1]})")
                .find("1 entries for 2 neurons"),
            std::string::npos);
  EXPECT_NE(
      rejection(R"({"type":"spikes","population":"stimulus","neurons":[1],"times_ms":[-3]})").find(">= 0"),
      std::string::npos);
  EXPECT_NE(rejection(R"({"type":"current","source":"drive","amplitude":"high"})").find("must be a number"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"type":"release","channel":"internal","amount":1})").find("does not take live"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"type":"control","command":"explode"})").find("unknown command"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"type":"control","command":"step","ms":0})").find("ms must be > 0"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"type":"hello","token":7})").find("must be a string"), std::string::npos);
}

TEST(LiveMessages, SpikeBatchHasTheDocumentedLayoutAndKeepsSubscribedPopulations) {
  const std::vector<spike_record> spikes = {{1.25, 0, 7}, {1.5, 1, 3}, {2.0, 0, 799}};
  const std::string frame = encode_spike_batch(1.0, 3.0, spikes, {true, false});
  // docs/formats/live.md: 32-byte header, 16 bytes per spike.
  ASSERT_EQ(frame.size(), 32u + 2 * 16u);
  EXPECT_EQ(frame.substr(0, 4), "SQSP");
  std::uint32_t version = 0, count = 0, population = 9, neuron = 0;
  double from = 0, to = 0, t = 0;
  std::memcpy(&version, frame.data() + 4, 4);
  std::memcpy(&from, frame.data() + 8, 8);
  std::memcpy(&to, frame.data() + 16, 8);
  std::memcpy(&count, frame.data() + 24, 4);
  EXPECT_EQ(version, 1u);
  EXPECT_EQ(from, 1.0);
  EXPECT_EQ(to, 3.0);
  EXPECT_EQ(count, 2u);
  std::memcpy(&t, frame.data() + 48, 8);
  std::memcpy(&population, frame.data() + 56, 4);
  std::memcpy(&neuron, frame.data() + 60, 4);
  EXPECT_EQ(t, 2.0);
  EXPECT_EQ(population, 0u);
  EXPECT_EQ(neuron, 799u);
  EXPECT_EQ(encode_spike_batch(0.0, 1.0, spikes, {false, false}).size(), 32u);
}

TEST(LiveMessages, WelcomeDescribesTheRun) {
  welcome_info w;
  w.mode = "lockstep";
  w.resolution_ms = 0.001;
  w.step_ms = 1.0;
  w.t_stop_ms = 500.0;
  const auto j = nlohmann::json::parse(encode_welcome(w, sample_endpoints()));
  EXPECT_EQ(j["type"], "welcome");
  EXPECT_EQ(j["mode"], "lockstep");
  EXPECT_EQ(j["populations"][1]["name"], "stimulus");
  EXPECT_EQ(j["populations"][1]["live"], true);
  EXPECT_EQ(j["currents"][0]["target"], "exc");
  EXPECT_EQ(j["channels"][1]["live"], false);
  EXPECT_EQ(nlohmann::json::parse(encode_error("x \"quoted\""))["message"], "x \"quoted\"");
  EXPECT_EQ(nlohmann::json::parse(encode_end(12.5, "stopped"))["t_ms"], 12.5);
}

}  // namespace
}  // namespace spikeq::live
