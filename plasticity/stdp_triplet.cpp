#include "plasticity/stdp_triplet.hpp"

#include <array>

#include "core/huge_pages.hpp"
#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity {

namespace {

struct named_set {
  const char* name;
  double tau_x, tau_y, A2_plus, A3_plus, A2_minus, A3_minus;
  bool nearest;
};

// Pfister & Gerstner 2006, Tables 3 and 4 (rules.md §1.4 lists which rows are
// corroborated by code; the minimal models set unused terms to 0, tau_x then unused).
constexpr std::array<named_set, 8> sets{{
    {"visual_cortex_all_to_all", 101, 125, 5e-10, 6.2e-3, 7e-3, 2.3e-4, false},
    {"visual_cortex_all_to_all_minimal", 101, 125, 0, 6.5e-3, 7.1e-3, 0, false},
    {"visual_cortex_nearest", 714, 40, 8.8e-11, 5.3e-2, 6.6e-3, 3.1e-3, true},
    {"visual_cortex_nearest_minimal", 714, 40, 0, 5e-2, 8e-3, 0, true},
    {"hippocampal_all_to_all", 946, 27, 6.1e-3, 6.7e-3, 1.6e-3, 1.4e-3, false},
    {"hippocampal_all_to_all_minimal", 946, 40, 5.3e-3, 8e-3, 3.5e-3, 0, false},
    {"hippocampal_nearest", 575, 47, 4.6e-3, 9.1e-3, 3e-3, 7.5e-9, true},
    {"hippocampal_nearest_minimal", 575, 48, 4.6e-3, 9.1e-3, 3e-3, 0, true},
}};

constexpr std::array<const char*, 8> names{
    sets[0].name, sets[1].name, sets[2].name, sets[3].name,
    sets[4].name, sets[5].name, sets[6].name, sets[7].name,
};

}  // namespace

bool apply_triplet_parameter_set(const std::string& name, stdp_triplet_parameters& p) {
  for (const auto& s : sets) {
    if (name != s.name) continue;
    p.tau_plus_ms = 16.8;
    p.tau_minus_ms = 33.7;
    p.tau_x_ms = s.tau_x;
    p.tau_y_ms = s.tau_y;
    p.A2_plus = s.A2_plus;
    p.A3_plus = s.A3_plus;
    p.A2_minus = s.A2_minus;
    p.A3_minus = s.A3_minus;
    p.nearest = s.nearest;
    return true;
  }
  return false;
}

std::span<const char* const> triplet_parameter_set_names() { return names; }

stdp_triplet_rule::stdp_triplet_rule(const stdp_triplet_parameters& p, double ms_per_tick,
                                     std::span<weight_type> table)
    : p_(p),
      update_(p.nearest ? trace_update::set_to_one : trace_update::add_one),
      plus_decay_(ms_per_tick / p.tau_plus_ms),
      x_decay_(ms_per_tick / p.tau_x_ms),
      minus_decay_(ms_per_tick / p.tau_minus_ms),
      y_decay_(ms_per_tick / p.tau_y_ms),
      w_(table, p.bounds) {
  resize_in_huge_pages(state_, table.size(), synapse_state{0.0, 0.0, 0.0, 0.0, 0.0, no_spike, no_spike});
  for (std::uint64_t s = 0; s < state_.size(); ++s) state_[s].w = w_.initial(s);
}

void stdp_triplet_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) {
    synapse_state& st = state_[s];
    const double o1 = trace_at(st.o1_before, st.t_post, now, update_,
                               [this](tick_type n) { return minus_decay_.decay(n); });
    const double r2 =
        trace_at(st.r2_before, st.t_pre, now, update_, [this](tick_type n) { return x_decay_.decay(n); });
    if (o1 > 0.0) st.w = w_.update(s, st.w, st.w - o1 * (p_.A2_minus + p_.A3_minus * r2), now);
    st.r1_before =
        trace_at(st.r1_before, st.t_pre, now, update_, [this](tick_type n) { return plus_decay_.decay(n); });
    st.r2_before = r2;
    st.t_pre = now;
    w_.sync(s, st.w);
  }
}

void stdp_triplet_rule::on_post_arrival(tick_type now, neuron_id_type /*target*/,
                                        std::span<const std::uint64_t> synapses) {
  constexpr std::size_t ahead = 8;  // records are scattered through the table
  for (std::size_t k = 0; k < synapses.size(); ++k) {
    if (k + ahead < synapses.size()) __builtin_prefetch(&state_[synapses[k + ahead]], 1);
    const std::uint64_t s = synapses[k];
    synapse_state& st = state_[s];
    const double r1 =
        trace_at(st.r1_before, st.t_pre, now, update_, [this](tick_type n) { return plus_decay_.decay(n); });
    const double o2 =
        trace_at(st.o2_before, st.t_post, now, update_, [this](tick_type n) { return y_decay_.decay(n); });
    if (r1 > 0.0) st.w = w_.update(s, st.w, st.w + r1 * (p_.A2_plus + p_.A3_plus * o2), now);
    st.o1_before = trace_at(st.o1_before, st.t_post, now, update_,
                            [this](tick_type n) { return minus_decay_.decay(n); });
    st.o2_before = o2;
    st.t_post = now;
  }
}

void stdp_triplet_rule::state(state_archive& ar) {
  ar.begin_section("stdp_triplet");
  archive_records(ar, state_, "synapses", [&](synapse_state& st) {
    ar.value(st.w);
    ar.value(st.r1_before);
    ar.value(st.r2_before);
    ar.value(st.o1_before);
    ar.value(st.o2_before);
    ar.value(st.t_pre);
    ar.value(st.t_post);
  });
  ar.end_section();
}

}  // namespace spikeq::plasticity
