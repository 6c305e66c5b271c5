// How `spikeq run --serve` serves (docs/live.md, docs/formats/live.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace spikeq::live {

enum class run_mode { free, realtime, lockstep };

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (printed, and written to port_file)
  std::string token;       // empty: none
  bool allow_remote = false;
  run_mode mode = run_mode::free;
  double step_ms = 1.0;    // lockstep step; steps while paused
  double batch_ms = 10.0;  // spike batches in free and realtime modes
  std::size_t max_message_bytes = 1024 * 1024;
  std::size_t client_buffer_bytes = 64u * 1024 * 1024;
  std::size_t max_clients = 32;
  std::string port_file;  // written with the bound port once listening
};

const char* mode_name(run_mode m);

}  // namespace spikeq::live
