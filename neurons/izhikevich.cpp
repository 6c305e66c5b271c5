#include "neurons/izhikevich.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

#include "neurons/assign_values.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

namespace {

struct preset {
  const char* name;
  double a, b, c, d;
};

// Izhikevich (2003), IEEE TNN 14:1569, Fig. 2.
constexpr std::array<preset, 7> presets{{
    {"RS", 0.02, 0.2, -65.0, 8.0},
    {"IB", 0.02, 0.2, -55.0, 4.0},
    {"CH", 0.02, 0.2, -50.0, 2.0},
    {"FS", 0.1, 0.2, -65.0, 2.0},
    {"LTS", 0.02, 0.25, -65.0, 2.0},
    {"TC", 0.02, 0.25, -65.0, 0.05},
    {"RZ", 0.1, 0.26, -65.0, 2.0},
}};

inline double dv_dt(double v, double u, double I) { return 0.04 * v * v + 5.0 * v + 140.0 - u + I; }

}  // namespace

bool apply_izhikevich_preset(std::string_view name, izhikevich_parameters& p) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const auto& x : presets) {
    if (upper == x.name) {
      p.a = x.a;
      p.b = x.b;
      p.c_mV = x.c;
      p.d = x.d;
      return true;
    }
  }
  return false;
}

izhikevich_neuron_parameters net_m_parameters(izhikevich_heterogeneity kind, std::span<const double> r) {
  izhikevich_neuron_parameters q;
  if (kind == izhikevich_heterogeneity::none) return q;
  const std::size_t n = r.size();
  q.a.resize(n);
  q.b.resize(n);
  q.c_mV.resize(n);
  q.d.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (kind == izhikevich_heterogeneity::net_m_excitatory) {
      const double r2 = r[k] * r[k];
      q.a[k] = 0.02;
      q.b[k] = 0.2;
      q.c_mV[k] = -65.0 + 15.0 * r2;
      q.d[k] = 8.0 - 6.0 * r2;
    } else {
      q.a[k] = 0.02 + 0.08 * r[k];
      q.b[k] = 0.25 - 0.05 * r[k];
      q.c_mV[k] = -65.0;
      q.d[k] = 2.0;
    }
  }
  return q;
}

izhikevich::izhikevich(std::string name, neuron_id_type size, const izhikevich_parameters& p,
                       const izhikevich_state_init& init, time_grid grid, tick_type step_ticks,
                       const izhikevich_neuron_parameters& per_neuron)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      h_ms_(grid.to_ms(step_ticks)),
      a_(size, p.a),
      b_(size, p.b),
      c_mV_(size, p.c_mV),
      d_(size, p.d),
      v_mV_(init.V_m_mV),
      u_(init.U_m),
      I_stim_(size, 0.0),
      input_(size, 0.0) {
  if (!per_neuron.a.empty()) {
    if (per_neuron.a.size() != size || per_neuron.b.size() != size || per_neuron.c_mV.size() != size ||
        per_neuron.d.size() != size)
      throw std::invalid_argument("izhikevich: per-neuron parameters need one value per neuron");
    a_ = per_neuron.a;
    b_ = per_neuron.b;
    c_mV_ = per_neuron.c_mV;
    d_ = per_neuron.d;
  }
}

template <bool with_noise>
void izhikevich::step_izhikevich_2003() {
  // Izhikevich's scheme (net.m, spnet.cpp): v in two half-steps with the step's
  // input, then u with the new v.
  const double half = 0.5 * h_ms_;
  const std::size_t n = size();
  for (std::size_t k = 0; k < n; ++k) {
    double I = p_.I_e + I_stim_[k];
    if constexpr (with_noise) I += I_noise_[k];
    I += input_[k];
    double v = v_mV_[k];
    const double u = u_[k];
    v += half * dv_dt(v, u, I);
    v += half * dv_dt(v, u, I);
    v_mV_[k] = v;
    u_[k] = u + h_ms_ * a_[k] * (b_[k] * v - u);
    input_[k] = 0.0;
  }
}

template <bool with_noise>
void izhikevich::step_rk4() {
  // Classical RK4 on the continuous model; synaptic input is a jump of v at the
  // start of the step (the delta-synapse limit of the 2003 scheme's one-step pulse).
  const double h = h_ms_;
  const std::size_t n = size();
  for (std::size_t k = 0; k < n; ++k) {
    double I = p_.I_e + I_stim_[k];
    if constexpr (with_noise) I += I_noise_[k];
    const double a = a_[k], b = b_[k];
    const double v0 = v_mV_[k] + input_[k];
    const double u0 = u_[k];
    const double kv1 = dv_dt(v0, u0, I), ku1 = a * (b * v0 - u0);
    const double v1 = v0 + 0.5 * h * kv1, u1 = u0 + 0.5 * h * ku1;
    const double kv2 = dv_dt(v1, u1, I), ku2 = a * (b * v1 - u1);
    const double v2 = v0 + 0.5 * h * kv2, u2 = u0 + 0.5 * h * ku2;
    const double kv3 = dv_dt(v2, u2, I), ku3 = a * (b * v2 - u2);
    const double v3 = v0 + h * kv3, u3 = u0 + h * ku3;
    const double kv4 = dv_dt(v3, u3, I), ku4 = a * (b * v3 - u3);
    v_mV_[k] = v0 + h / 6.0 * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4);
    u_[k] = u0 + h / 6.0 * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4);
    input_[k] = 0.0;
  }
}

void izhikevich::step(tick_type /*now*/, population_output& out) {
  const bool noise = !I_noise_.empty();
  if (p_.scheme == izhikevich_scheme::izhikevich_2003) {
    noise ? step_izhikevich_2003<true>() : step_izhikevich_2003<false>();
  } else {
    noise ? step_rk4<true>() : step_rk4<false>();
  }
  const std::size_t n = size();
  for (std::size_t k = 0; k < n; ++k) {
    if (v_mV_[k] >= p_.V_th_mV) {
      v_mV_[k] = c_mV_[k];
      u_[k] += d_[k];
      out.spikes.push_back(static_cast<neuron_id_type>(k));
    }
  }
}

void izhikevich::receive(tick_type /*now*/, receptor_type /*receptor*/,
                         std::span<const neuron_id_type> targets, std::span<const weight_type> weights,
                         population_output& /*out*/) {
  for (std::size_t k = 0; k < targets.size(); ++k) input_[targets[k]] += weights[k];
}

void izhikevich::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons, double amplitude,
                             population_output& /*out*/) {
  assign_values(I_stim_, neurons, amplitude);
}

void izhikevich::set_noise_currents(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                                    std::span<const double> amplitudes, population_output& /*out*/) {
  if (I_noise_.empty()) I_noise_.assign(size(), 0.0);
  for (std::size_t k = 0; k < neurons.size(); ++k) I_noise_[neurons[k]] = amplitudes[k];
}

void izhikevich::sample(std::size_t variable, tick_type /*now*/, std::span<const neuron_id_type> neurons,
                        std::span<double> values) const {
  const std::vector<double>& source = variable == 0 ? v_mV_ : u_;
  for (std::size_t k = 0; k < neurons.size(); ++k) values[k] = source[neurons[k]];
}

void izhikevich::state(state_archive& ar) {
  ar.begin_section("izhikevich");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, v_mV_, "neurons");
  state_per_neuron(ar, u_, "neurons");
  state_per_neuron(ar, I_stim_, "neurons");
  state_optional_per_neuron(ar, I_noise_, size(), "noise currents");
  state_per_neuron(ar, input_, "neurons");
  ar.end_section();
}

}  // namespace spikeq
