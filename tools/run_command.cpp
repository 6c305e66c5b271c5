#include "tools/run_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <thread>

#include "core/kernel.hpp"
#include "io/alignment_recorder.hpp"
#include "io/hdf5/hdf5_handle.hpp"
#include "io/hdf5/output_file.hpp"
#include "io/memory_guard.hpp"
#include "io/modulator_recorder.hpp"
#include "io/network_builder.hpp"
#include "io/network_hash.hpp"
#include "io/population_factory.hpp"
#include "io/recorders.hpp"
#include "io/resolve.hpp"
#include "io/weight_recorders.hpp"
#include "tools/interruption.hpp"
#include "tools/live_run.hpp"
#include "tools/progress.hpp"
#include "tools/run_checkpoint.hpp"
#include "tools/run_summary.hpp"

namespace spikeq::tools {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void report(const io::input_error& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.format() << '\n';
}

// build_network, with running out of memory reported as bad input naming what is big
// (the estimate passed, but the machine's memory was unknown or taken meanwhile).
network build_or_report(const io::network_file& file, const io::memory_estimate& estimate,
                        std::size_t shards = 1) {
  try {
    return io::build_network(file, shards);
  } catch (const std::bad_alloc&) {
    io::report_out_of_memory(file, estimate);
  }
}

// `validate` builds the network only below this estimated peak: building touches every
// byte (about 7 s per GiB measured here for 10^8 neurons), which checking does not
// deserve; `run` builds it anyway and reports what the build finds.
constexpr double validate_build_budget_bytes = 512.0 * 1024 * 1024;

// What validate checks of a network it does not build: the state recordings'
// variables, against one neuron of each population's model.
void check_recordings_unbuilt(const io::network_file& file) {
  network models;
  models.grid = time_grid(file.network.simulation().resolution());
  for (int k = 0; k < file.network.population_size(); ++k)
    models.populations.push_back(io::make_population(file.network.population(k),
                                                     static_cast<std::uint32_t>(k), models.grid,
                                                     file.network.simulation().seed(), 0, 1));
  io::check_state_recordings(file, models);
}

// Sets up spike and state recorders as the description asks.
void attach_recorders(const io::network_file& file, const network& net, io::output_file& out,
                      io::spike_recorder& spikes, std::vector<std::unique_ptr<io::state_recorder>>& states) {
  const auto& rec = file.network.recording();
  for (const auto& s : rec.spikes()) {
    const auto pop = static_cast<std::uint32_t>(net.find_population(s.population()));
    spikes.add(pop, {s.neurons().begin(), s.neurons().end()});
  }
  io::check_state_recordings(file, net);
  std::vector<std::string> groups_used;
  for (int k = 0; k < rec.state_size(); ++k) {
    const auto& s = rec.state(k);
    const auto& pop = *net.populations[static_cast<std::size_t>(net.find_population(s.population()))];
    const auto variable = static_cast<std::size_t>(io::find_recordable(pop, s.variable()));
    std::vector<neuron_id_type> neurons(s.neurons().begin(), s.neurons().end());
    if (neurons.empty())
      for (neuron_id_type n = 0; n < pop.size(); ++n) neurons.push_back(n);
    std::string group = pop.name();
    if (std::find(groups_used.begin(), groups_used.end(), group) != groups_used.end())
      group += "." + s.variable();
    groups_used.push_back(group);
    const tick_type interval = std::max<tick_type>(1, net.grid.to_ticks(s.interval()));
    std::vector<std::uint64_t> node_ids(neurons.begin(), neurons.end());
    auto& sink = out.add_frame_report(group, s.variable(), pop.recordable_unit(variable), node_ids, 0.0,
                                      net.grid.to_ms(interval));
    states.push_back(std::make_unique<io::state_recorder>(
        pop, static_cast<std::uint32_t>(net.find_population(s.population())), variable, std::move(neurons),
        interval, sink));
  }
}

// Saves the kernel once before the run, so that a model or rule that cannot be
// checkpointed is reported now rather than at the first checkpoint.
void refuse_unless_checkpointable(kernel& k) {
  try {
    state_archive probe;
    k.state(probe);
  } catch (const checkpoint_error& e) {
    const std::string what = e.what();
    const auto colon = what.find(": ");
    throw io::input_error(
        {{"--checkpoint-every", 0, 0, "this run cannot be checkpointed: " + what.substr(colon + 2)}});
  }
}

// The description a run simulates as written, and resolved: the network file, or,
// when resuming, the one stored in the checkpoint, resolved with the same seed and
// the checkpointed run's t_stop unless --t-stop says otherwise (checked against the
// checkpoint's hash, and against --network when given).
struct description {
  std::string name, text;
  std::optional<std::uint64_t> seed_override;
  io::network_file file;
};

description load_description(const run_options& options, const loaded_checkpoint* resumed) {
  if (resumed == nullptr) {
    std::string text = io::read_network_text(options.network_path);
    io::network_file file = io::parse_network_text(text, options.network_path);
    io::resolve_network(file, {options.t_stop_ms, options.seed});
    // Absolute, so that a resume from another directory finds the files the
    // description names relative to itself.
    return {std::filesystem::absolute(options.network_path).string(), std::move(text), options.seed,
            std::move(file)};
  }
  const std::string where = resumed->path.string();
  io::network_file file =
      io::parse_network_text(resumed->description_text, resumed->description_name + " (in " + where + ")");
  file.directory = std::filesystem::path(resumed->description_name).parent_path();
  const double t_stop_ms = options.t_stop_ms.value_or(resumed->t_stop_ms);
  io::resolve_network(file, {t_stop_ms, resumed->seed_override});
  if (io::network_hash(file.network) != resumed->network_hash)
    throw io::input_error({{where, 0, 0, "the checkpoint is damaged: its network does not match its hash"}});
  if (!options.network_path.empty()) {
    io::network_file given = io::read_network_file(options.network_path);
    io::resolve_network(given, {t_stop_ms, resumed->seed_override});
    if (io::network_hash(given.network) != resumed->network_hash)
      throw io::input_error({{options.network_path, 0, 0,
                              "this is not the network the checkpoint " + where +
                                  " belongs to (the descriptions or seeds differ)"}});
  }
  return {resumed->description_name, resumed->description_text, resumed->seed_override, std::move(file)};
}

int run_checked(const run_options& options) {
  const auto t0 = clock_type::now();
  // From here on Ctrl-C stops the run at its next housekeeping point.
  const interruption_guard interruption;
  std::optional<loaded_checkpoint> resumed;
  if (!options.resume_path.empty()) resumed = read_run_checkpoint(options.resume_path);
  const std::string output_path =
      !options.output_path.empty() ? options.output_path : (resumed ? resumed->output_path : "out.h5");
  const bool checkpointing = options.checkpoint_every_ms.has_value();
  if (checkpointing && (!options.serve.empty() || !options.replay.empty()))
    throw io::input_error({{"--checkpoint-every", 0, 0,
                            "a run with live input (--serve, --replay) cannot be checkpointed: its input "
                            "comes from outside and is not in the checkpoint"}});
  if (checkpointing && !(*options.checkpoint_every_ms > 0.0))
    throw io::input_error({{"--checkpoint-every", 0, 0, "the interval must be a positive number of ms"}});
  // One shard per thread; the results do not depend on the count. A resumed run
  // keeps the checkpoint's shards (and runs them on up to `threads` threads).
  const unsigned threads = options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                                : static_cast<unsigned>(options.threads);
  const std::size_t shards = resumed ? static_cast<std::size_t>(resumed->shards) : threads;
  const std::filesystem::path output(output_path);
  const auto out_dir = output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(out_dir))
    throw io::input_error({{output_path, 0, 0, "the output directory does not exist"}});
  if (std::filesystem::is_directory(output))
    throw io::input_error({{output_path, 0, 0, "the output path is a directory; give a file name"}});
  const std::filesystem::path checkpoint_path = !options.checkpoint_path.empty()
                                                    ? std::filesystem::path(options.checkpoint_path)
                                                    : std::filesystem::path(output_path + ".checkpoint");

  description described = load_description(options, resumed ? &*resumed : nullptr);
  io::network_file& file = described.file;
  const auto estimate = io::check_memory_fits(file, shards);  // before anything big is allocated
  network net = build_or_report(file, estimate, shards);
  const double build_s = seconds_since(t0);

  std::unique_ptr<io::output_file> created;
  try {
    created = std::make_unique<io::output_file>(output);
  } catch (const io::hdf5_error&) {
    throw io::input_error(
        {{output_path, 0, 0, "cannot create the output file (is the directory writable?)"}});
  }
  io::output_file& out = *created;
  io::spike_recorder spikes(net, out);
  std::vector<std::unique_ptr<io::state_recorder>> states;
  attach_recorders(file, net, out, spikes, states);
  auto weights = io::make_weight_recorders(file, net, out);
  auto alignments = io::make_alignment_recorders(file, net, out);
  auto continual = io::make_continual_learning_recorder(file, net, out);
  io::modulator_recorder modulators(net, out);
  io::write_protocol(net, out);
  out.write_string_dataset("/provenance/network", io::resolved_text(file.network));
  out.set_string_attribute("/provenance", "spikeq_version", SPIKEQ_VERSION);
  out.set_string_attribute("/provenance", "command_line", options.command_line);
  out.set_string_attribute("/provenance", "network_file",
                           resumed ? resumed->path.string() + " (checkpoint)" : options.network_path);
  out.set_string_attribute("/provenance", "threads", std::to_string(threads));
  out.set_string_attribute("/provenance", "seed", std::to_string(file.network.simulation().seed()));
  const double t_stop_ms = file.network.simulation().t_stop();
  if (resumed) {
    out.set_string_attribute(
        "/provenance", "resumed_from",
        fmt::format("{} at t = {} ms", resumed->path.string(), net.grid.to_ms(resumed->at)));
    if (net.grid.to_ticks(t_stop_ms) < resumed->at)
      throw io::input_error({{options.resume_path, 0, 0,
                              fmt::format("--t-stop {} ms is before the checkpoint's time, {} ms", t_stop_ms,
                                          net.grid.to_ms(resumed->at))}});
  }
  if (resumed) restore_recording(*resumed, out);
  live_run live(options, net, net.grid.to_ticks(t_stop_ms), out, &spikes);
  out.start_streaming();

  progress_line progress(t_stop_ms, !options.quiet && progress_line::stderr_is_terminal());
  kernel_hooks hooks;
  hooks.spikes = live.spikes();
  hooks.external = live.external();
  for (auto& s : states) hooks.probes.push_back(s.get());
  for (auto& w : weights)
    if (w->has_report()) hooks.probes.push_back(w.get());
  for (auto& a : alignments)
    for (auto* p : a->probes()) hooks.probes.push_back(p);
  if (continual) hooks.probes.push_back(continual.get());
  const auto flush_recorders = [&] {
    spikes.flush();
    for (auto& w : weights) w->flush();
    modulators.flush();
    live.flush();
  };
  auto last_flush = clock_type::now();
  struct interrupted {
    tick_type at;
  };
  hooks.housekeeping = [&](tick_type now) {
    if (interruption_guard::requested()) throw interrupted{now};
    progress.update(net.grid.to_ms(now));
    // Flush now and then so a killed run still leaves a readable file.
    if (clock_type::now() - last_flush > std::chrono::duration<double>(options.flush_seconds)) {
      flush_recorders();
      out.flush();
      last_flush = clock_type::now();
    }
  };
  hooks.housekeeping_interval = std::max<tick_type>(1, net.grid.to_ticks(10.0));
  checkpoint_sources saved{file.network, described.name, described.text, described.seed_override,
                           output_path,  nullptr,        modulators,     alignments,
                           out,          continual.get()};
  if (checkpointing) {
    hooks.checkpoint = [&](tick_type now) {
      flush_recorders();
      out.flush();
      last_flush = clock_type::now();
      write_run_checkpoint(checkpoint_path, saved, now);
    };
  }
  // A live run may wait for clients: Ctrl-C must reach it there too.
  live.set_poll([&] {
    if (interruption_guard::requested()) throw interrupted{live.now()};
    progress.update(net.grid.to_ms(live.now()));
  });
  // Checkpoints fall on window boundaries: the kernel rounds the interval up to whole windows.
  if (checkpointing)
    hooks.checkpoint_interval = std::max<tick_type>(1, net.grid.to_ticks(*options.checkpoint_every_ms));
  kernel k(net, hooks, threads);
  saved.simulation = &k;
  if (resumed) restore_state(*resumed, saved);
  if (checkpointing) refuse_unless_checkpointable(k);
  const auto t_sim = clock_type::now();
  try {
    if (resumed)
      k.resume(net.grid.to_ticks(t_stop_ms));
    else
      k.run(net.grid.to_ticks(t_stop_ms));
  } catch (const interrupted& stop) {
    progress.finish();
    flush_recorders();
    live.finish(stop.at);
    for (auto& w : weights) w->finish();
    if (continual) continual->finish();
    const auto partial = out.keep_partial();
    std::cerr << fmt::format(
        "spikeq: interrupted at t = {} ms; {} was not written. What was recorded so far is in {} "
        "(complete, readable HDF5).\n",
        net.grid.to_ms(stop.at), output_path, partial.string());
    return 130;
  }
  // Waiting for live clients is not simulation time.
  const double sim_s = seconds_since(t_sim) - live.halted_seconds();
  progress.finish();
  live.finish(k.reached());
  flush_recorders();
  for (auto& w : weights) w->finish();
  if (continual) continual->finish();
  out.commit();

  // A client may have stopped the run early: rates are over the time simulated.
  const double simulated_ms = std::min(t_stop_ms, net.grid.to_ms(k.reached()));
  if (!options.quiet) {
    print_run_summary(std::cout, net, k.statistics(), simulated_ms, build_s, sim_s, output_path);
    if (live.active()) std::cout << live.summary() << '\n';
    if (checkpointing) std::cout << "checkpoint: " << checkpoint_path.string() << '\n';
  }
  if (options.stats)
    print_run_statistics(std::cout, net, k.statistics(),
                         {build_s, sim_s, simulated_ms, threads, estimate.peak_bytes});
  return 0;
}

// Runs `body`, mapping failures to the documented exit codes: 2 for bad input
// (every problem printed as file:line:col: error: ...), 1 for internal errors.
template <typename Body>
int with_exit_codes(Body body) {
  try {
    return body();
  } catch (const io::input_error& e) {
    report(e);
    return 2;
  } catch (const checkpoint_error& e) {
    std::cerr << "spikeq: error: " << e.what() << '\n';
    return 2;
  } catch (const io::hdf5_error& e) {
    // Writing the output failed (disk full, file size limit, I/O error): the run's
    // temporary file is gone and any earlier file at the output path is untouched.
    const std::string what = e.what();
    const char* hint = what.find("errno = 28") != std::string::npos   ? " (the disk is full)"
                       : what.find("errno = 27") != std::string::npos ? " (the file size limit was reached)"
                                                                      : "";
    std::cerr << "spikeq: error: cannot write the output" << hint << ": " << what
              << "\nspikeq: nothing was written to the output path; an earlier file there is untouched.\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "spikeq: internal error: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

int run_network(const run_options& options) {
  return with_exit_codes([&] { return run_checked(options); });
}

int resume_network(const run_options& options) {
  return with_exit_codes([&] { return run_checked(options); });
}

int validate_network(const std::string& network_path) {
  return with_exit_codes([&] {
    io::network_file file = io::read_network_file(network_path);
    io::resolve_network(file);
    const auto estimate = io::check_memory_fits(file);
    if (estimate.peak_bytes > validate_build_budget_bytes) {
      check_recordings_unbuilt(file);
      std::uint64_t neurons = 0;
      for (const auto& p : file.network.population()) neurons += p.size();
      std::cout << fmt::format(
          "{}: ok ({} populations, {} neurons, {} projections, about {:.4g} synapses; checked without "
          "building: it needs an estimated {:.1f} GiB, which spikeq run allocates)\n",
          network_path, file.network.population_size(), neurons, file.network.projection_size(),
          estimate.synapses, estimate.peak_bytes / (1024.0 * 1024 * 1024));
      return 0;
    }
    const network net = build_or_report(file, estimate);
    io::check_state_recordings(file, net);
    std::cout << fmt::format("{}: ok ({} populations, {} neurons, {} projections, {} synapses)\n",
                             network_path, net.populations.size(), net.neuron_count(),
                             file.network.projection_size(), net.synapse_count());
    return 0;
  });
}

}  // namespace spikeq::tools
