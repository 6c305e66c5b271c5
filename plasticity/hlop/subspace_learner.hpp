// HLOP lateral subspace learner (Xiao et al., ICLR 2024, "Hebbian learning based
// orthogonal projection"; rules.md §4.2–4.4, §4.7; paper code pkuxmq/HLOP-SNN,
// modules/hlop_module.py, HLOP.forward_with_update / update_weights).
//
// m lateral neurons with weights H (m × n). Per training batch X (B × n), repeated
// `iterations_per_batch` times (paper code: 5):
//   Y = X Hᵀ                      lateral responses of all rows (frozen and new)
//   X̂ = Y H                       recurrent reconstruction
//   G = clamp(Yᵀ (X − X̂) / B, ±clamp)   Oja subspace rule ΔH = η y (x − Hᵀy)ᵀ:
//                                 Hebbian y xᵀ minus anti-Hebbian y yᵀ H
//   G[frozen rows] = 0
//   V = μ V + (1 − μ) G   (frozen rows keep their V),  H += η V
// Because frozen rows take part in X̂, new rows learn the principal subspace of the
// residual x − H₀ᵀ H₀ x. freeze() merges all rows into the frozen subspace H₀
// (Gram–Schmidt orthonormalised); project(x) = x − H₀ᵀ H₀ x is the presynaptic
// trace an "error × trace" rule should use (§4.4).
//
// Optional spike-count quantisation (-hlop_spiking, §4.3): an integrate-and-fire
// lateral unit driven at rate clamp(y, ±s)/s for T steps emits round(·T) spikes, so
// y_spk = round(clamp(y, −s, s)/s · T)/T · s.
//
// No allocation during update_batch/project: scratch is sized by add_task_rows and
// the constructor's max_batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/state_archive.hpp"

namespace spikeq::plasticity::hlop {

struct subspace_parameters {
  double learning_rate = 0.01;   // η; paper code default (0.001 for the MLP's pixel layer)
  double momentum = 0.9;         // μ; paper code HLOP.m
  double clamp = 10.0;           // elementwise bound on G; paper code torch.clamp(-10, 10)
  int iterations_per_batch = 5;  // paper code forward_with_update(iteration=5)
  bool spiking = false;          // -hlop_spiking
  double spiking_scale = 20.0;   // s, hlop_spiking_scale
  int spiking_timesteps = 1000;  // T_lat, hlop_spiking_timesteps
  std::uint64_t seed = 0;        // with `id`, keys the row-initialisation stream
  std::uint32_t id = 0;
};

class subspace_learner {
 public:
  subspace_learner(std::size_t n_inputs, std::size_t max_batch, subspace_parameters params);

  // Appends k rows orthonormal to all existing rows (needs rows() + k ≤ n_inputs).
  void add_task_rows(std::size_t k);
  // Task boundary: all current rows become the frozen subspace H₀, orthonormalised.
  void freeze();
  // x: batch × n row-major, batch ≤ max_batch. Only rows not yet frozen change.
  void update_batch(std::span<const double> x, std::size_t batch);
  // out = x − H₀ᵀ H₀ x (out may alias x); identity while nothing is frozen.
  void project(std::span<const double> x, std::span<double> out) const;
  // The response a lateral unit reports (quantised when params.spiking).
  double response(double y) const;

  std::size_t inputs() const { return n_; }
  std::size_t rows() const { return m_; }
  std::size_t frozen_rows() const { return frozen_; }
  std::span<const double> weights() const { return {h_.data(), m_ * n_}; }
  const subspace_parameters& parameters() const { return params_; }
  // Rows and their momentum; the row layout (rows, frozen rows, blocks added) must
  // already be the saved one, and loading checks that it is.
  void state(state_archive& ar);

 private:
  std::size_t n_, max_batch_, m_ = 0, frozen_ = 0;
  std::uint32_t added_blocks_ = 0;
  subspace_parameters params_;
  std::vector<double> h_, velocity_;  // m × n row-major
  std::vector<double> y_, xhat_, g_;  // scratch: B × m, B × n, m × n
};

}  // namespace spikeq::plasticity::hlop
