#include "io/resolve.hpp"

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "io/alignment_checks.hpp"
#include "io/current_source_checks.hpp"
#include "io/microcircuit_checks.hpp"
#include "io/network_checks.hpp"
#include "io/neuromodulator_checks.hpp"
#include "io/plasticity_checks.hpp"
#include "io/protocol_checks.hpp"
#include "io/schema_options.hpp"
#include "neurons/izhikevich.hpp"

namespace spikeq::io {

namespace {

using checks::checker;
using checks::on_grid;
using config::Network;
using config::Population;

void resolve_izhikevich(config::Izhikevich& m) {
  static const char* const names[] = {"", "RS", "IB", "CH", "FS", "LTS", "TC", "RZ"};
  izhikevich_parameters preset;
  apply_izhikevich_preset(names[m.preset() == config::Izhikevich::PRESET_UNSPECIFIED ? 1 : m.preset()],
                          preset);
  if (!m.has_a()) m.set_a(preset.a);
  if (!m.has_b()) m.set_b(preset.b);
  if (!m.has_c()) m.set_c(preset.c_mV);
  if (!m.has_d()) m.set_d(preset.d);
  if (m.integration() == config::Izhikevich::SCHEME_UNSPECIFIED)
    m.set_integration(config::Izhikevich::IZHIKEVICH_2003);
  if (!m.has_dt() && m.integration() == config::Izhikevich::IZHIKEVICH_2003) m.set_dt(1.0);
}

// Fills model-level defaults that depend on other fields (not expressible as options).
void resolve_population(Population& p, double default_dt) {
  if (p.has_iaf_psc_exp()) {
    auto& m = *p.mutable_iaf_psc_exp();
    if (!m.has_dt()) m.set_dt(default_dt);
    if (!m.has_v_m()) m.mutable_v_m()->set_constant(m.e_l());
    if (!m.has_i_syn_ex()) m.mutable_i_syn_ex()->set_constant(0.0);
    if (!m.has_i_syn_in()) m.mutable_i_syn_in()->set_constant(0.0);
  } else if (p.has_iaf_psc_delta()) {
    auto& m = *p.mutable_iaf_psc_delta();
    if (!m.has_v_m()) m.mutable_v_m()->set_constant(m.e_l());
  } else if (p.has_iaf_cond_exp()) {
    auto& m = *p.mutable_iaf_cond_exp();
    if (!m.has_dt()) m.set_dt(default_dt);
    if (!m.has_v_m()) m.mutable_v_m()->set_constant(m.e_l());
    if (!m.has_g_ex()) m.mutable_g_ex()->set_constant(0.0);
    if (!m.has_g_in()) m.mutable_g_in()->set_constant(0.0);
  } else if (p.has_izhikevich()) {
    auto& m = *p.mutable_izhikevich();
    if (!m.has_dt()) m.set_dt(default_dt);
    if (!m.has_v_m()) m.mutable_v_m()->set_constant(m.c());
    // U_m left unset means b * V_m per neuron; the builder applies it.
  } else if (p.has_glm_sampling()) {
    auto& m = *p.mutable_glm_sampling();
    if (!m.has_dt()) m.set_dt(default_dt);
    if (!m.has_tau_syn()) m.set_tau_syn(m.tau_ref());
    // sal_net.py's AlphaPSP: int(10 tau_syn) steps.
    if (!m.has_psp_length() && m.psp() == config::GlmSampling::ALPHA && m.dt() > 0)
      m.set_psp_length(std::max(1.0, std::floor(10.0 * m.tau_syn() / m.dt() + 1e-9)) * m.dt());
    if (!m.has_bias()) m.mutable_bias()->set_constant(0.0);
  } else if (p.has_glm_pyramidal()) {
    auto& m = *p.mutable_glm_pyramidal();
    if (!m.has_dt()) m.set_dt(default_dt);
    if (!m.has_tau_syn()) m.set_tau_syn(m.tau_ref());
    if (!m.has_bias()) m.mutable_bias()->set_constant(0.0);
  } else if (p.has_pp_psc_delta()) {
    auto& m = *p.mutable_pp_psc_delta();
    if (!m.has_dt()) m.set_dt(default_dt);
    if (!m.has_with_reset()) m.set_with_reset(true);
    if (!m.has_dead_time_random()) m.set_dead_time_random(false);
    if (!m.has_v_m()) m.mutable_v_m()->set_constant(0.0);
  }
}

// Reads target series given as files into their times and values, so that the
// resolved description (and the provenance) holds the data the run used.
void load_target_series_files(network_file& file, checker& c) {
  auto& net = file.network;
  const auto& base = file.directory;
  for (int k = 0; k < net.target_series_size(); ++k) {
    auto& ts = *net.mutable_target_series(k);
    if (ts.file().empty()) continue;
    const field_path here{{"target_series", k}, {"file"}};
    if (ts.times_size() > 0 || ts.values_size() > 0) {
      c.error(here, "give the series either as times and values or as a file, not both");
      continue;
    }
    const auto path =
        std::filesystem::path(ts.file()).is_absolute() ? std::filesystem::path(ts.file()) : base / ts.file();
    std::ifstream in(path);
    if (!in) {
      c.error(here, "cannot read target series file '" + path.string() + "'");
      continue;
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      std::replace(line.begin(), line.end(), ',', ' ');
      std::istringstream fields(line);
      double t = 0, v = 0;
      std::string rest;
      if (!(fields >> t)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank
      } else if ((fields >> v) && !(fields >> rest)) {
        ts.add_times(t);
        ts.add_values(v);
        continue;
      }
      c.error(here,
              fmt::format("{}:{}: expected \"time_ms value\", got \"{}\"", path.string(), number, line));
      break;
    }
  }
}

}  // namespace

void resolve_network(network_file& file, const run_overrides& overrides) {
  Network& net = file.network;
  checker c(file);
  // Bounds are checked on what the user wrote, before defaults could mask it.
  field_path root;
  check_schema_bounds(net, root, file, c.errors());
  net.mutable_simulation();
  if (overrides.t_stop_ms) net.mutable_simulation()->set_t_stop(*overrides.t_stop_ms);
  if (overrides.seed) net.mutable_simulation()->set_seed(*overrides.seed);
  if (!net.simulation().has_seed()) net.mutable_simulation()->set_seed(1);
  // net.m's heterogeneity sets a, b, c, d per neuron: nothing else may set them.
  for (int k = 0; k < net.population_size(); ++k) {
    const auto& p = net.population(k);
    if (!p.has_izhikevich() ||
        p.izhikevich().heterogeneity() == config::Izhikevich::HETEROGENEITY_UNSPECIFIED)
      continue;
    const auto& m = p.izhikevich();
    if (m.preset() != config::Izhikevich::PRESET_UNSPECIFIED || m.has_a() || m.has_b() || m.has_c() ||
        m.has_d())
      c.error({{"population", k}, {"izhikevich"}, {"heterogeneity"}},
              "heterogeneity sets a, b, c and d per neuron (net.m): give no preset and no a, b, c or d");
  }
  // Presets first, so that schema defaults do not mask them.
  for (auto& p : *net.mutable_population())
    if (p.has_izhikevich()) resolve_izhikevich(*p.mutable_izhikevich());
  fill_schema_defaults(net);
  const auto& sim = net.simulation();
  if (overrides.t_stop_ms && !(*overrides.t_stop_ms >= 0)) c.error({}, "--t-stop must be >= 0 ms");
  if (sim.resolution() > 0 && !on_grid(sim.dt(), sim.resolution()))
    c.error({{"simulation"}, {"dt"}},
            fmt::format("dt = {} ms is not a whole number of resolution steps ({} ms)", sim.dt(),
                        sim.resolution()));
  if (net.population_size() == 0) c.error({}, "the network has no population");
  // Times the tick type cannot hold (a spike at 1.8e19 ms) would wrap around in the kernel.
  if (sim.resolution() > 0) check_time_ranges(net, sim.resolution(), root, file, c.errors());
  if (!c.errors().empty()) throw input_error(std::move(c.errors()));  // later checks assume sane basics
  for (auto& p : *net.mutable_population()) resolve_population(p, sim.dt());
  fill_schema_defaults(net);
  load_target_series_files(file, c);
  std::map<std::string, int> index;
  check_populations(net, c, index);
  std::set<std::string> projection_names;
  for (int k = 0; k < net.projection_size(); ++k) {
    check_projection(net, k, index, projection_names, c);
    check_plasticity(net, k, c);
  }
  check_current_sources(net, index, c);
  check_neuromodulators(net, index, c);
  check_protocol(net, index, c);
  check_microcircuit(net, index, c);
  check_recording(net, index, c);
  check_weight_recordings(net, c);
  check_alignments(net, c);
  if (!c.errors().empty()) throw input_error(std::move(c.errors()));
}

std::string resolved_text(const config::Network& network) {
  std::string text;
  google::protobuf::TextFormat::Printer printer;
  printer.PrintToString(network, &text);
  return text;
}

}  // namespace spikeq::io
