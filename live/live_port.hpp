// The simulation's side of the live server: the kernel's external input (client
// spikes, currents and releases, applied at window ends) and a spike observer that
// batches the subscribed populations' spikes for the clients. It paces the run in
// realtime mode and halts it in lockstep and while paused.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/external_input.hpp"
#include "core/kernel_hooks.hpp"
#include "core/network.hpp"
#include "live/endpoints.hpp"
#include "live/link.hpp"
#include "live/server.hpp"
#include "live/server_options.hpp"

namespace spikeq::live {

class live_port final : public external_input, public spike_observer {
 public:
  struct settings {
    run_mode mode = run_mode::free;
    tick_type step_ticks = 1;
    tick_type batch_ticks = 1;
    tick_type t_stop = 0;
  };
  // `next`: the observer the spikes go on to (the recorder); may be null.
  live_port(const network& net, const endpoints& e, link& l, server& s, settings how, spike_observer* next);

  // Called while halted; may throw to abandon the run (Ctrl-C).
  void set_poll(std::function<void()> poll) { poll_ = std::move(poll); }

  tick_type max_window() const override;
  bool at_window_end(tick_type now, injected_inputs& out) override;
  void on_spikes(std::uint32_t population, tick_type tick, std::span<const neuron_id_type> neurons) override;

  // Sends what is left and the end message, and shuts the server down.
  // `reached`: every event before it was processed.
  void finish(tick_type reached, bool stopped_by_client);

  // The inputs applied since the last call (for the recording).
  void take_journal(input_journal& into);
  std::uint64_t behind() const { return behind_; }
  std::uint64_t inputs_applied() const { return inputs_applied_; }
  // Wall time spent halted (waiting for a client's step or resume).
  double halted_seconds() const { return std::chrono::duration<double>(halted_).count(); }

 private:
  // Applies what the clients sent; false when one asked to stop.
  bool take_inputs(tick_type now, injected_inputs& out);
  void apply(const client_message& m, tick_type now, injected_inputs& out);
  tick_type tick_at(const std::optional<double>& time_ms, tick_type now) const;
  void send_batch(tick_type until);
  void pace(tick_type now);
  void report_status(tick_type now);

  using clock = std::chrono::steady_clock;
  const network& net_;
  const endpoints& endpoints_;
  link& link_;
  server& server_;
  settings how_;
  spike_observer* next_;
  std::function<void()> poll_;
  std::vector<client_message> received_;
  std::vector<tick_type> last_current_tick_;  // per live current source
  input_journal journal_;
  std::shared_ptr<spike_batch> batch_;
  tick_type batch_start_ = 0;
  clock::time_point wall_start_, wall_origin_, next_status_;
  clock::duration halted_{};
  std::uint64_t behind_ = 0;
  tick_type halt_at_ = 0;  // the link's halt tick when last asked (0: ask at once)
  std::uint64_t inputs_applied_ = 0;
  bool started_ = false;
};

}  // namespace spikeq::live
