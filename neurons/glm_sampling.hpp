// Stochastic discrete-time "neural sampling" neurons (Buesing et al. 2011), the
// neuron model of the SAL experiments (rules.md §3.3): in every step of length dt
//   u_i = b_i + I_i + sum_j W_ij PSP_j,
//   P(spike) = sigma(u_i - ln tau_ref)   (logistic; tau_ref in steps),
// unless the neuron is refractory. The binary state z_i is 1 for the tau_ref steps
// that start with the step of a spike. PSPs are rectangular (1 for tau_syn steps)
// or alpha-shaped (normalised to tau_ref, cut after psp_length steps), starting in
// the step that absorbs the input: with a delay of one step, a spike emitted in
// step n counts in steps n+1 .. n+tau_syn (the SAL paper code's one-step lag).
// Equations, update order and the mapping to the paper code: docs/models/glm_sampling.md.
//
// Invariants: the PSP history holds the input absorbed by the last psp_length
// steps, one row per step (structure of arrays, slot = step index mod length).
// Randomness: neuron n's draws come from its own counter-based stream keyed by
// (seed, glm_spiking, population, n), one uniform per step the neuron may fire in,
// so results do not depend on how the population is split over shards.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/input_ring.hpp"
#include "core/input_sums.hpp"
#include "core/population.hpp"
#include "core/random_stream.hpp"

namespace spikeq {

enum class glm_psp_shape { rectangular, alpha };

// When a neuron may fire again after a spike in step n.
enum class glm_refractoriness {
  // From step n + tau_ref on (Buesing et al. 2011, discrete time): z = 1 exactly
  // while refractory, and P(z = 1) = sigma(u) for constant u.
  buesing_2011,
  // From step n + tau_ref + 1 on, as the SAL paper code (network.py's
  // `last_spike < t - t_ref`, sal_net.py's `last_spike_counter > t_ref`).
  sal_code,
};

struct glm_sampling_parameters {
  std::int32_t tau_ref_steps = 10;  // >= 1
  glm_psp_shape psp = glm_psp_shape::rectangular;
  // Rectangular: the PSP's length in whole steps. Alpha: its time constant in steps.
  double tau_syn_steps = 10;
  // Alpha only: the kernel's length in steps (>= 1).
  std::int32_t psp_length_steps = 100;
  glm_refractoriness refractoriness = glm_refractoriness::buesing_2011;
};

// The PSP kernel kappa[j], j = 0 .. length - 1: the weight of input absorbed j
// steps ago. Rectangular: 1 for j < tau_syn. Alpha (sal_net.py's AlphaPSP):
// tau_ref / tau_syn^2 * j * exp(-j / tau_syn).
std::vector<double> glm_psp_kernel(const glm_sampling_parameters& p);

class glm_sampling final : public population {
 public:
  // `bias` holds b_i of the size() neurons; `stream_object` (the population index)
  // and `first_neuron` (this object's first neuron in the population) key the
  // random streams. REQUIRES: bias.size() == size, step_ticks > 0.
  glm_sampling(std::string name, neuron_id_type size, const glm_sampling_parameters& p,
               std::vector<double> bias, tick_type step_ticks, std::uint64_t seed,
               std::uint32_t stream_object, neuron_id_type first_neuron);

  std::string_view model() const override { return "glm_sampling"; }
  void state(state_archive& ar) override;
  tick_type step_ticks() const override { return step_ticks_; }
  input_ring* step_input() override { return &ring_; }
  void step(tick_type now, population_output& out) override;
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  // Currents are dimensionless terms added to u (like the bias).
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude,
                   population_output& out) override;
  void set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                          std::span<const double> amplitudes, population_output& out) override;
  // z: 1 in the tau_ref steps from a spike on, else 0; u: the potential of the last step;
  // bias: b, which a plasticity rule may learn.
  std::vector<std::string> recordables() const override { return {"z", "u", "bias"}; }
  // Learning of the biases by a plasticity rule (boltzmann_sleep_hebbian): adds `delta`
  // to neuron `local`'s bias (index within this object), clipped to [lo, hi]; returns it.
  double add_to_bias(neuron_id_type local, double delta, double lo, double hi) {
    bias_[local] = std::clamp(bias_[local] + delta, lo, hi);
    return bias_[local];
  }
  std::string recordable_unit(std::size_t) const override { return ""; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

 private:
  // Adds this step's input to the PSP history and brings psp_ up to date.
  void absorb_input(std::uint64_t step_index);

  glm_sampling_parameters p_;
  tick_type step_ticks_;
  double log_tau_ref_;
  // Steps after a spike before the neuron may fire again (tau_ref or tau_ref + 1).
  std::int32_t min_interval_;
  std::vector<double> kernel_;
  std::vector<double> bias_;
  std::vector<double> I_stim_;
  std::vector<double> I_noise_;  // empty until the first noise current
  std::vector<double> u_;
  std::vector<double> psp_;  // sum_j W_ij PSP_j of the last step
  // Steps since the neuron's last spike, saturating at a large value (no spike yet).
  std::vector<std::int32_t> since_spike_;
  // history_[slot * size + n]: input of neuron n absorbed in the step with that slot.
  std::vector<double> history_;
  std::vector<double> in_ex_, in_in_;  // this step's input (scratch, zero between steps)
  input_ring ring_;
  input_sums pending_;
  std::vector<random_stream> streams_;
};

}  // namespace spikeq
