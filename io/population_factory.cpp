#include "io/population_factory.hpp"

#include <cmath>

#include "core/sharded_population.hpp"
#include "io/distribution_from_config.hpp"
#include "neurons/glm_pyramidal.hpp"
#include "neurons/glm_sampling.hpp"
#include "neurons/iaf_cond_exp.hpp"
#include "neurons/iaf_psc_delta.hpp"
#include "neurons/iaf_psc_exp.hpp"
#include "neurons/image_dataset.hpp"
#include "neurons/izhikevich.hpp"
#include "neurons/linear_readout.hpp"
#include "neurons/live_spike_source.hpp"
#include "neurons/poisson_generator.hpp"
#include "neurons/pp_psc_delta.hpp"
#include "neurons/spike_generator.hpp"

namespace spikeq::io {

namespace {

// Initial values of one state variable, neuron by neuron, each from its own stream
// keyed by (seed, population * 16 + variable, neuron).
std::vector<double> initial_values(const config::Distribution& d, std::uint32_t first, std::uint32_t size,
                                   std::uint32_t population_index, std::uint32_t variable,
                                   std::uint64_t seed) {
  const distribution dist = to_distribution(d);
  std::vector<double> values(size);
  for (std::uint32_t k = 0; k < size; ++k) {
    const std::uint32_t n = first + k;
    random_stream rng(seed, stream_kind::initial_state, population_index * 16 + variable, n);
    values[k] = dist.sample(rng, n);
  }
  return values;
}

tick_type step_of(double dt_ms, time_grid grid) { return std::max<tick_type>(1, grid.to_ticks(dt_ms)); }

}  // namespace

std::unique_ptr<population> make_population(const config::Population& p, std::uint32_t index, time_grid grid,
                                            std::uint64_t seed, std::uint32_t first, std::uint32_t count) {
  const std::uint32_t n = count;
  auto init = [&](const config::Distribution& d, std::uint32_t variable) {
    return initial_values(d, first, n, index, variable, seed);
  };
  if (p.has_iaf_psc_exp()) {
    const auto& m = p.iaf_psc_exp();
    iaf_psc_exp_parameters q{m.c_m(),   m.tau_m(),      m.e_l(),        m.v_th(), m.v_reset(),
                             m.t_ref(), m.tau_syn_ex(), m.tau_syn_in(), m.i_e()};
    iaf_psc_exp_state_init s{init(m.v_m(), 0), init(m.i_syn_ex(), 1), init(m.i_syn_in(), 2)};
    return std::make_unique<iaf_psc_exp>(p.name(), n, q, s, grid, step_of(m.dt(), grid));
  }
  if (p.has_iaf_psc_delta()) {
    const auto& m = p.iaf_psc_delta();
    iaf_psc_delta_parameters q{m.c_m(), m.tau_m(), m.e_l(), m.v_th(), m.v_reset(), m.t_ref(), m.i_e()};
    iaf_psc_delta_state_init s{init(m.v_m(), 0)};
    return std::make_unique<iaf_psc_delta>(p.name(), n, q, s, grid);
  }
  if (p.has_iaf_cond_exp()) {
    const auto& m = p.iaf_cond_exp();
    iaf_cond_exp_parameters q{m.c_m(),     m.g_l(),   m.e_l(),        m.e_ex(),       m.e_in(), m.v_th(),
                              m.v_reset(), m.t_ref(), m.tau_syn_ex(), m.tau_syn_in(), m.i_e()};
    iaf_cond_exp_state_init s{init(m.v_m(), 0), init(m.g_ex(), 1), init(m.g_in(), 2)};
    return std::make_unique<iaf_cond_exp>(p.name(), n, q, s, grid, step_of(m.dt(), grid));
  }
  if (p.has_izhikevich()) {
    const auto& m = p.izhikevich();
    izhikevich_parameters q;
    q.a = m.a();
    q.b = m.b();
    q.c_mV = m.c();
    q.d = m.d();
    q.V_th_mV = m.v_th();
    q.I_e = m.i_e();
    q.scheme = m.integration() == config::Izhikevich::RK4 ? izhikevich_scheme::rk4
                                                          : izhikevich_scheme::izhikevich_2003;
    // net.m's heterogeneity: one r ~ U(0, 1) per neuron from (seed, population, neuron).
    izhikevich_neuron_parameters per_neuron;
    if (m.heterogeneity() != config::Izhikevich::HETEROGENEITY_UNSPECIFIED) {
      std::vector<double> r(n);
      for (std::uint32_t k = 0; k < n; ++k)
        r[k] = random_stream(seed, stream_kind::neuron_parameters, index, first + k).uniform();
      per_neuron = net_m_parameters(m.heterogeneity() == config::Izhikevich::NET_M_EXCITATORY
                                        ? izhikevich_heterogeneity::net_m_excitatory
                                        : izhikevich_heterogeneity::net_m_inhibitory,
                                    r);
    }
    izhikevich_state_init s;
    s.V_m_mV = init(m.v_m(), 0);
    if (m.has_u_m()) {
      s.U_m = init(m.u_m(), 1);
    } else {
      s.U_m.resize(n);
      for (std::uint32_t k = 0; k < n; ++k)  // Izhikevich's u = b v
        s.U_m[k] = (per_neuron.b.empty() ? q.b : per_neuron.b[k]) * s.V_m_mV[k];
    }
    return std::make_unique<izhikevich>(p.name(), n, q, s, grid, step_of(m.dt(), grid), per_neuron);
  }
  if (p.has_glm_sampling()) {
    const auto& m = p.glm_sampling();
    const double dt = grid.to_ms(step_of(m.dt(), grid));
    auto steps = [&](double ms) { return static_cast<std::int32_t>(std::llround(ms / dt)); };
    glm_sampling_parameters q;
    q.tau_ref_steps = steps(m.tau_ref());
    q.psp = m.psp() == config::GlmSampling::ALPHA ? glm_psp_shape::alpha : glm_psp_shape::rectangular;
    q.tau_syn_steps = q.psp == glm_psp_shape::alpha ? m.tau_syn() / dt : steps(m.tau_syn());
    q.psp_length_steps = q.psp == glm_psp_shape::alpha ? steps(m.psp_length()) : 0;
    q.refractoriness = m.refractoriness() == config::GlmSampling::SAL_CODE ? glm_refractoriness::sal_code
                                                                           : glm_refractoriness::buesing_2011;
    return std::make_unique<glm_sampling>(p.name(), n, q, init(m.bias(), 0), step_of(m.dt(), grid), seed,
                                          index, first);
  }
  if (p.has_glm_pyramidal()) {
    const auto& m = p.glm_pyramidal();
    const double dt = grid.to_ms(step_of(m.dt(), grid));
    auto steps = [&](double ms) { return static_cast<std::int32_t>(std::llround(ms / dt)); };
    glm_pyramidal_parameters q;
    q.tau_ref_steps = steps(m.tau_ref());
    q.tau_syn_steps = steps(m.tau_syn());
    q.average_steps = steps(m.average_window());
    q.apical_coupling = m.apical_coupling();
    q.interneuron_coupling = m.interneuron_coupling();
    q.nudging = m.nudging();
    q.refractoriness = m.refractoriness() == config::GlmSampling::SAL_CODE ? glm_refractoriness::sal_code
                                                                           : glm_refractoriness::buesing_2011;
    return std::make_unique<glm_pyramidal>(p.name(), n, q, init(m.bias(), 0), step_of(m.dt(), grid), seed,
                                           index);
  }
  if (p.has_pp_psc_delta()) {
    const auto& m = p.pp_psc_delta();
    pp_psc_delta_parameters q;
    q.tau_m_ms = m.tau_m();
    q.C_m_pF = m.c_m();
    q.dead_time_ms = m.dead_time();
    q.dead_time_random = m.dead_time_random();
    q.dead_time_shape = m.dead_time_shape();
    q.with_reset = m.with_reset();
    q.c_1 = m.c_1();
    q.c_2 = m.c_2();
    q.c_3 = m.c_3();
    q.I_e_pA = m.i_e();
    q.t_ref_remaining_ms = m.t_ref_remaining();
    q.tau_sfa_ms.assign(m.tau_sfa().begin(), m.tau_sfa().end());
    q.q_sfa_mV.assign(m.q_sfa().begin(), m.q_sfa().end());
    return std::make_unique<pp_psc_delta>(p.name(), n, q, init(m.v_m(), 0), grid, step_of(m.dt(), grid), seed,
                                          index, first);
  }
  if (p.has_linear_readout())
    return std::make_unique<linear_readout>(p.name(), n, p.linear_readout().tau(), grid.resolution_ms());
  if (p.has_image_dataset())  // the model alone, without data (io/dataset/ builds the real one)
    return std::make_unique<image_dataset>(p.name(), n, std::make_shared<image_presentation>(), grid, seed,
                                           index, first);
  if (p.has_poisson_generator()) {
    const auto& g = p.poisson_generator();
    poisson_generator_parameters q;
    q.rate_Hz = g.rate();
    q.start_ms = g.start();
    if (g.has_stop()) q.stop_ms = g.stop();
    return std::make_unique<poisson_generator>(p.name(), n, q, grid, seed, index, first);
  }
  if (p.has_live_spike_source()) return std::make_unique<live_spike_source>(p.name(), n);
  const auto& g = p.spike_generator();
  std::vector<std::vector<tick_type>> trains(n);
  for (std::uint32_t k = 0; k < n; ++k) {
    const auto& train = g.train(g.train_size() == 1 ? 0 : static_cast<int>(first + k));
    for (const double t : train.spike_times()) trains[k].push_back(grid.to_ticks(t));
  }
  return std::make_unique<spike_generator>(p.name(), std::move(trains));
}

std::unique_ptr<population> make_sharded_population(const config::Population& p, std::uint32_t index,
                                                    time_grid grid, std::uint64_t seed,
                                                    std::span<const neuron_id_type> first) {
  // Readouts are few neurons that their rule trains together: one shard owns them.
  // So are the pyramidal neurons of a dendritic microcircuit, whose rules read them.
  if (p.has_linear_readout() || p.has_glm_pyramidal())
    return make_population(p, index, grid, seed, 0, p.size());
  std::vector<std::unique_ptr<population>> slices;
  for (std::size_t s = 0; s + 1 < first.size(); ++s)
    slices.push_back(make_population(p, index, grid, seed, first[s], first[s + 1] - first[s]));
  return std::make_unique<sharded_population>(p.name(), std::move(slices),
                                              std::vector<neuron_id_type>(first.begin(), first.end()));
}

}  // namespace spikeq::io
