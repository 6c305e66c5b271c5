// spikeq command-line entry point: run, validate, inspect, analyze, plot.
#include <hdf5.h>

#include <CLI/CLI.hpp>
#include <iostream>

#if defined(__SANITIZE_THREAD__)
#include <tbb/global_control.h>
#endif

#include "tools/analyze_command.hpp"
#include "tools/inspect_command.hpp"
#include "tools/plot_command.hpp"
#include "tools/run_command.hpp"

namespace {

std::string joined_arguments(int argc, char** argv) {
  std::string out;
  for (int k = 0; k < argc; ++k) {
    if (k > 0) out += ' ';
    out += argv[k];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  // HDF5 1.10 closes still-open files again at exit and crashes on one whose flush
  // failed (a full disk): every file is closed by its owner here, so skip that.
  H5dont_atexit();
#if defined(__SANITIZE_THREAD__)
  // libtbb is not instrumented, so ThreadSanitizer cannot see its synchronisation
  // and would report false races: under TSan, TBB (construction) runs on one
  // thread, and the kernel's shards on core/shard_runner's instrumented pool.
  const tbb::global_control serial_tbb(tbb::global_control::max_allowed_parallelism, 1);
#endif
  CLI::App app{
      "spikeq: event-driven spiking neural network simulator.\n"
      "Networks are Protocol Buffers text files (see docs/network_format.md);\n"
      "recordings are SONATA HDF5 files.\nExit codes: 0 success, 2 bad input, 1 internal error, 130 "
      "interrupted."};
  app.set_version_flag("--version", SPIKEQ_VERSION);
  app.require_subcommand(1);

  spikeq::tools::run_options run;
  auto* run_cmd = app.add_subcommand("run", "Simulate a network and write its recordings to an HDF5 file");
  run_cmd->add_option("network", run.network_path, "Network description (.textproto or .pbtxt)")->required();
  run_cmd
      ->add_option("-o,--output", run.output_path,
                   "Output HDF5 file; written under a temporary name and renamed when the run succeeds")
      ->required();
  run_cmd->add_option("--t-stop", run.t_stop_ms, "Simulated time in ms (overrides simulation.t_stop)");
  run_cmd->add_option("--seed", run.seed, "Random seed (overrides simulation.seed)");
  run_cmd
      ->add_option(
          "--threads", run.threads,
          "Threads (and shards) for the simulation; 0: all cores. Results are identical for any count")
      ->default_val(1)
      ->check(CLI::Range(0, 1024));
  run_cmd->add_flag("-q,--quiet", run.quiet, "Print nothing but errors");
  run_cmd
      ->add_option(
          "--flush-every", run.flush_seconds,
          "Wall-clock seconds between flushes of the recording: a crash keeps everything up to the last one")
      ->check(CLI::Range(0.01, 86400.0));
  auto* serve =
      run_cmd->add_option("--serve", run.serve,
                          "Serve live I/O on HOST:PORT (WebSocket /live, raster page /; docs/live.md). "
                          "PORT 0: any free port");
  run_cmd->add_option("--mode", run.mode, "Live mode: free (as fast as possible), realtime, lockstep")
      ->check(CLI::IsMember({"free", "realtime", "lockstep"}))
      ->needs(serve);
  run_cmd->add_option("--token-file", run.token_file, "File holding the token that inputs and control need")
      ->needs(serve);
  run_cmd
      ->add_flag("--allow-remote", run.allow_remote, "Allow a non-loopback --serve address (needs a token)")
      ->needs(serve);
  run_cmd->add_option("--step-ms", run.step_ms, "Lockstep step (and step while paused) in ms")
      ->check(CLI::PositiveNumber)
      ->needs(serve);
  run_cmd
      ->add_option("--batch-ms", run.batch_ms, "Model time per spike batch in free and realtime modes (ms)")
      ->check(CLI::PositiveNumber)
      ->needs(serve);
  run_cmd->add_option("--max-message-kb", run.max_message_kb, "Largest client message (KiB)")
      ->check(CLI::Range(1, 1 << 20))
      ->needs(serve);
  run_cmd
      ->add_option("--client-buffer-mb", run.client_buffer_mb,
                   "Output waiting per client before it is dropped as too slow (MiB)")
      ->check(CLI::Range(1, 1 << 16))
      ->needs(serve);
  run_cmd->add_option("--max-clients", run.max_clients, "Most clients at once")
      ->check(CLI::Range(1, 4096))
      ->needs(serve);
  run_cmd->add_option("--port-file", run.port_file, "Write the bound port to this file")->needs(serve);
  run_cmd->add_flag("--paused", run.start_paused, "Start halted until a client sends resume or step")
      ->needs(serve);
  run_cmd
      ->add_option("--replay", run.replay, "Replay the live inputs recorded in this output of a --serve run")
      ->excludes(serve);
  run_cmd->add_flag("--stats", run.stats,
                    "Also print construction time, peak memory, bytes per synapse, synaptic events per "
                    "second, real-time factor and threads (printed even with --quiet)");
  const auto add_checkpoint_options = [](CLI::App* cmd, spikeq::tools::run_options& options) {
    cmd->add_option("--checkpoint-every", options.checkpoint_every_ms,
                    "Write a checkpoint every this many ms of model time (rounded up to the kernel's "
                    "window); spikeq resume continues from it (docs/reliability.md)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--checkpoint", options.checkpoint_path,
                    "Checkpoint file (default: the output path + .checkpoint), replaced atomically");
  };
  add_checkpoint_options(run_cmd, run);

  spikeq::tools::run_options resume;
  auto* resume_cmd = app.add_subcommand(
      "resume", "Continue a run from its checkpoint; the recording is identical to the uninterrupted run's");
  resume_cmd
      ->add_option("checkpoint", resume.resume_path, "Checkpoint written by spikeq run --checkpoint-every")
      ->required();
  resume_cmd->add_option("-o,--output", resume.output_path,
                         "Output HDF5 file (default: the checkpointed run's output path)");
  resume_cmd->add_option("--t-stop", resume.t_stop_ms,
                         "Simulated time in ms to run to (default: the checkpointed run's; may be later)");
  resume_cmd->add_option("--network", resume.network_path,
                         "Refuse unless the checkpoint belongs to this network description");
  resume_cmd
      ->add_option("--threads", resume.threads,
                   "Threads; 0: all cores (at most the checkpointed run's shards). Results are identical")
      ->default_val(1)
      ->check(CLI::Range(0, 1024));
  resume_cmd->add_flag("-q,--quiet", resume.quiet, "Print nothing but errors");
  resume_cmd
      ->add_option("--flush-every", resume.flush_seconds,
                   "Wall-clock seconds between flushes of the recording")
      ->check(CLI::Range(0.01, 86400.0));
  resume_cmd->add_flag("--stats", resume.stats, "Also print construction time, memory and speed figures");
  add_checkpoint_options(resume_cmd, resume);

  std::string validate_path;
  auto* validate_cmd =
      app.add_subcommand("validate", "Check a network description and build it without running");
  validate_cmd->add_option("network", validate_path, "Network description")->required();

  std::string inspect_path;
  auto* inspect_cmd = app.add_subcommand("inspect", "Summarise what a recording (OUT.h5) holds");
  inspect_cmd
      ->add_option("recording", inspect_path, "HDF5 output of spikeq run (or another SONATA spike file)")
      ->required();

  spikeq::tools::analyze_options analyze;
  auto* analyze_cmd = app.add_subcommand(
      "analyze", "Spike-train statistics per population, weights and neuromodulator levels of a recording");
  analyze_cmd
      ->add_option("recording", analyze.recording, "HDF5 output of spikeq run (or another SONATA spike file)")
      ->required();
  analyze_cmd->add_option("-p,--population", analyze.populations, "Population(s) to analyse (default: all)");
  analyze_cmd->add_option("--t-start", analyze.t_start_ms, "Window start in ms (default 0)");
  analyze_cmd->add_option("--t-stop", analyze.t_stop_ms, "Window end in ms (default: the run's t_stop)");
  analyze_cmd->add_option("--bin", analyze.bin_ms, "Bin in ms for Fano factor, correlation, synchrony")
      ->default_val(5.0);
  analyze_cmd->add_option("--band-low", analyze.band_low_hz, "Rate-spectrum band start in Hz")
      ->default_val(30.0);
  analyze_cmd->add_option("--band-high", analyze.band_high_hz, "Rate-spectrum band end in Hz")
      ->default_val(80.0);
  analyze_cmd->add_option("--json", analyze.json_path, "Also write the statistics, with units, as JSON");
  analyze_cmd->add_option("--trials", analyze.trials,
                          "Readouts: trials A:B (0-based, B excluded; either may be left out; default all)");
  analyze_cmd->add_option("--readout-window", analyze.readout_window,
                          "Readouts: offsets LOW:HIGH in ms from the alignment time (default -300:300)");
  analyze_cmd->add_option("--align", analyze.align,
                          "Readouts: align trials on their outcome (default) or start");

  spikeq::tools::plot_options plot;
  auto* plot_cmd = app.add_subcommand("plot", "Figures of a recording (PNG, SVG or PDF by file extension)");
  plot_cmd->add_option("recording", plot.recording, "HDF5 output of spikeq run")->required();
  plot_cmd->add_option("--raster", plot.raster, "Spike raster, populations in colour bands");
  plot_cmd->add_option("--rates", plot.rates, "Population rates over time");
  plot_cmd->add_option("--isi", plot.isi, "ISI and CV histograms");
  plot_cmd->add_option("--weights", plot.weights, "Weight histograms and weight-over-time traces");
  plot_cmd->add_option("--modulators", plot.modulators,
                       "Neuromodulator levels over time, exact from the releases, with release times");
  plot_cmd->add_option("--readouts", plot.readouts,
                       "Readout responses averaged over the trials of each outcome, around the outcome time");
  plot_cmd->add_option("--alignment", plot.alignment,
                       "Angle between forward W and feedback B^T and variance of W - B^T over time");
  plot_cmd->add_option(
      "--accuracy", plot.accuracy,
      "Continual-learning accuracy matrix (after each task, on every task) with ACC and BWT");
  plot_cmd->add_option("-p,--population", plot.populations, "Population(s) to draw (default: all)");
  plot_cmd->add_option("--t-start", plot.t_start_ms, "Window start in ms (default 0)");
  plot_cmd->add_option("--t-stop", plot.t_stop_ms, "Window end in ms (default: the run's t_stop)");
  plot_cmd->add_option("--trials", plot.trials, "Readouts: trials A:B (0-based, B excluded; default all)");
  plot_cmd->add_option("--readout-window", plot.readout_window,
                       "Readouts: offsets LOW:HIGH in ms from the alignment time (default -300:300)");
  plot_cmd->add_option("--align", plot.align, "Readouts: align trials on their outcome (default) or start");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (*run_cmd) {
    run.command_line = joined_arguments(argc, argv);
    return spikeq::tools::run_network(run);
  }
  if (*resume_cmd) {
    resume.command_line = joined_arguments(argc, argv);
    return spikeq::tools::resume_network(resume);
  }
  if (*inspect_cmd) return spikeq::tools::inspect_file(inspect_path);
  if (*analyze_cmd) return spikeq::tools::analyze_recording_command(analyze);
  if (*plot_cmd) return spikeq::tools::plot_recording_command(plot);
  return spikeq::tools::validate_network(validate_path);
} catch (const std::exception& e) {
  std::cerr << "spikeq: internal error: " << e.what() << '\n';
  return 1;
}
