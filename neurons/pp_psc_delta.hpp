// Point-process (escape-noise) leaky integrator with delta synapses, NEST's
// pp_psc_delta: V_m (measured from rest, as in NEST) is propagated exactly over each
// step of length h, input makes it jump, and a neuron outside its dead time fires
// in the step with probability 1 - exp(-rate h), rate = c_1 V' + c_2 exp(c_3 V')
// (V' = V_m - E_sfa, the adaptive threshold); with dead_time = 0 it fires a
// Poisson number of spikes instead. Spikes are followed by a dead time of whole
// steps (fixed, or gamma-distributed with mean dead_time), an optional reset of
// V_m to 0 and jumps q_sfa of the adaptation elements.
// Equations and the update order: docs/models/glm_sampling.md.
//
// Randomness: neuron n draws from its own counter-based stream keyed by
// (seed, escape_noise, population, n), so results do not depend on the shard layout.
#pragma once

#include <cstdint>
#include <vector>

#include "core/input_ring.hpp"
#include "core/input_sums.hpp"
#include "core/population.hpp"
#include "core/random_stream.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

struct pp_psc_delta_parameters {
  double tau_m_ms = 10.0;
  double C_m_pF = 250.0;
  double dead_time_ms = 1.0;
  bool dead_time_random = false;
  std::uint32_t dead_time_shape = 1;  // >= 1: gamma shape of a random dead time
  bool with_reset = true;
  double c_1 = 0.0;    // Hz/mV
  double c_2 = 1.238;  // Hz
  double c_3 = 0.25;   // 1/mV
  double I_e_pA = 0.0;
  double t_ref_remaining_ms = 0.0;  // dead time left at the start
  std::vector<double> tau_sfa_ms;   // adaptation time constants ...
  std::vector<double> q_sfa_mV;     // ... and jumps (same length)
};

class pp_psc_delta final : public population {
 public:
  // `V_m_mV` holds the initial V_m (from rest) of the size() neurons; `stream_object`
  // (the population index) and `first_neuron` key the random streams.
  // REQUIRES: V_m_mV.size() == size, step_ticks > 0, tau_sfa and q_sfa of equal length.
  pp_psc_delta(std::string name, neuron_id_type size, const pp_psc_delta_parameters& p,
               std::vector<double> V_m_mV, time_grid grid, tick_type step_ticks, std::uint64_t seed,
               std::uint32_t stream_object, neuron_id_type first_neuron);

  std::string_view model() const override { return "pp_psc_delta"; }
  void state(state_archive& ar) override;
  tick_type step_ticks() const override { return step_ticks_; }
  input_ring* step_input() override { return &ring_; }
  void step(tick_type now, population_output& out) override;
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude_pA,
                   population_output& out) override;
  void set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                          std::span<const double> amplitudes_pA, population_output& out) override;
  std::vector<std::string> recordables() const override { return {"V_m", "E_sfa"}; }
  std::string recordable_unit(std::size_t) const override { return "mV"; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

  // Dead time after a spike, in whole steps (fixed dead time).
  std::int32_t dead_time_steps() const { return dead_steps_; }

 private:
  // Number of spikes neuron k fires in this step at `rate` (Hz), 0 if none.
  std::uint32_t draw_spikes(std::size_t k, double rate_Hz);
  // Dead time after a spike of neuron k, in steps.
  std::int32_t draw_dead_time(std::size_t k);

  pp_psc_delta_parameters p_;
  tick_type step_ticks_;
  double h_ms_;
  double P33_, P30_;          // exact propagators of V over one step
  std::vector<double> Q33_;   // decay of each adaptation element over one step
  std::int32_t dead_steps_;   // fixed dead time in steps
  std::vector<double> V_mV_;  // from rest
  std::vector<double> E_sfa_mV_;
  std::vector<double> q_elems_;  // q_elems_[i * size + n]: adaptation element i of neuron n
  std::vector<std::int32_t> dead_left_;
  std::vector<double> I_stim_pA_;
  std::vector<double> I_noise_pA_;  // empty until the first noise current
  std::vector<double> in_ex_, in_in_;
  input_ring ring_;
  input_sums pending_;
  std::vector<random_stream> streams_;
};

}  // namespace spikeq
