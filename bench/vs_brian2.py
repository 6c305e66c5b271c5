#!/usr/bin/python3
"""spikeq vs Brian2 C++ standalone, side by side on the same network.

Networks (bench/networks/*.textproto, Brian2 side in bench/brian2/benchmark_networks.py):
  cuba, coba        Brette et al. 2007 benchmarks 2 and 1 (default 10 s of model time);
                    Brian2 integrates COBA with exponential Euler, delay 0.1 ms
  coba_euler        spikeq's same COBA network against Brian2 with forward Euler and no
                    delay, its fastest sensible configuration (accuracy of each method:
                    bench/coba_accuracy.py)
  coba_both         coba and coba_euler in one run, alternating
  brunel_static     Brunel 2000, 10^4 neurons, 10^7 synapses (default 1 s of model time)
  brunel_plastic    the same with additive pair STDP on the 6.4 M E->E synapses
  brunel            both Brunel networks in one run, which adds the plastic / static
                    ratio of each simulator (benchmarks.md network 5, target <= 2.5)

Runs both simulators alternately (A B A B ...; for `brunel`: spikeq static, Brian2
static, spikeq plastic, Brian2 plastic per pair) and prints each run's simulation time
and firing rates, then the medians and the median ratio brian2 / spikeq (> 1 means
spikeq is faster). Brian2 is compiled once before the first pair; its time is the
simulation time Brian2 itself reports (compilation, process start and synapse creation
excluded); spikeq's is the simulation time it reports (network construction excluded).
Both are single-threaded. For spikeq the synaptic events (deliveries through
projections, from its run summary) per second of simulation wall time are reported too.

Usage (from the repository root, after scripts/setup.sh):
    /usr/bin/python3 bench/vs_brian2.py [--network cuba|coba|brunel_static|brunel_plastic|brunel]
        [--pairs 5] [--duration-ms MS] [--runtime] [--markdown]
    (--network also takes coba_euler and coba_both)
"""
import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "brian2"))
import benchmark_networks as brian2_nets  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DURATION_MS = {"cuba": 10000.0, "coba": 10000.0, "coba_euler": 10000.0, "coba_both": 10000.0,
                       "brunel_static": 1000.0, "brunel_plastic": 1000.0, "brunel": 1000.0}
# Brian2 configurations that spikeq answers with another network file's name.
SPIKEQ_NETWORK = {"coba_euler": "coba"}
# Options that run several configurations, alternating.
GROUPS = {"brunel": ["brunel_static", "brunel_plastic"], "coba_both": ["coba", "coba_euler"]}


def run_spikeq(binary, network, duration_ms, seed, out_dir):
    out = os.path.join(out_dir, f"{network}.h5")
    textproto = SPIKEQ_NETWORK.get(network, network)
    cmd = [binary, "run", os.path.join(ROOT, f"bench/networks/{textproto}.textproto"), "-o", out,
           "--t-stop", str(duration_ms), "--seed", str(seed)]
    # GNU time reports this process's own peak resident memory (Brian2's binary is
    # another child, so getrusage(RUSAGE_CHILDREN) would mix the two).
    done = subprocess.run(["/usr/bin/time", "-f", "peak_kb=%M"] + cmd, check=True, capture_output=True, text=True)
    peak_kb = int(re.search(r"peak_kb=(\d+)", done.stderr).group(1))
    sim = float(re.search(r"in ([0-9.]+) s wall", done.stdout).group(1))
    synaptic_events = int(re.search(r"(\d+) synaptic events", done.stdout).group(1))
    n_exc_neurons, n_inh_neurons = brian2_nets.SIZES[network]
    with h5py.File(out, "r") as f:
        n_exc = len(f["/spikes/exc/timestamps"])
        n_inh = len(f["/spikes/inh/timestamps"])
    os.remove(out)
    seconds = duration_ms / 1000.0
    return {"sim_time_s": sim, "exc_rate_hz": n_exc / n_exc_neurons / seconds,
            "inh_rate_hz": n_inh / n_inh_neurons / seconds, "peak_mb": peak_kb / 1024.0,
            "synaptic_events": synaptic_events, "synaptic_events_per_s": synaptic_events / sim}


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}"


def commit():
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    # Uncommitted changes outside bench/ (the simulator itself) mark the commit dirty.
    dirty = subprocess.run(["git", "--no-optional-locks", "-C", ROOT, "status", "--porcelain", "--untracked-files=no",
                            "--", ".", ":!bench"], capture_output=True, text=True).stdout.strip()
    return head + ("+dirty" if dirty else "")


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spikeq", default=os.path.join(ROOT, "build/release/tools/spikeq"))
    parser.add_argument("--network", choices=["cuba", "coba", "coba_euler", "coba_both", "brunel_static",
                                              "brunel_plastic", "brunel"],
                        default="cuba")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--duration-ms", type=float, default=None,
                        help="model time (default 10000 for cuba/coba, 1000 for the Brunel networks)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runtime", action="store_true", help="also time Brian2's runtime (numpy) mode once")
    parser.add_argument("--markdown", action="store_true", help="print rows for bench/RESULTS.md")
    parser.add_argument("--commit", default=None,
                        help="commit for the markdown rows when --spikeq was built elsewhere (default: this tree's HEAD, "
                             "+dirty if files outside bench/ are modified)")
    args = parser.parse_args()
    duration_ms = args.duration_ms if args.duration_ms is not None else DEFAULT_DURATION_MS[args.network]
    networks = GROUPS.get(args.network, [args.network])

    out_dir = tempfile.mkdtemp(prefix="spikeq_bench_")  # Brian2 builds, spikeq output; removed at the end
    try:
        run(args, duration_ms, networks, out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def run(args, duration_ms, networks, out_dir):
    brian = {}
    for net in networks:
        brian[net] = brian2_nets.standalone_network(net, duration_ms, args.seed, os.path.join(out_dir, f"brian2_{net}"))
        print(f"{net}: Brian2 {brian2_nets.b2.__version__} standalone compiled in {brian[net].compile_s:.1f} s "
              f"(not timed below)")
    print(f"{duration_ms:g} ms of model time, seed {args.seed}")
    print(f"{'run':>4} {'network':>15} {'peer':>8} {'sim s':>8} {'exc Hz':>8} {'inh Hz':>8} {'syn ev/s':>10}")
    s_runs = {net: [] for net in networks}
    b_runs = {net: [] for net in networks}
    for k in range(args.pairs):
        for net in networks:
            s = run_spikeq(args.spikeq, net, duration_ms, args.seed, out_dir)
            b = brian[net].run()
            s_runs[net].append(s)
            b_runs[net].append(b)
            print(f"{k:>4} {net:>15} {'spikeq':>8} {s['sim_time_s']:8.3f} {s['exc_rate_hz']:8.3f} {s['inh_rate_hz']:8.3f} "
                  f"{s['synaptic_events_per_s']:10.3g}", flush=True)
            print(f"{k:>4} {net:>15} {'brian2':>8} {b['sim_time_s']:8.3f} {b['exc_rate_hz']:8.3f} {b['inh_rate_hz']:8.3f}",
                  flush=True)

    summary = {}
    for net in networks:
        s_time, b_time = median(s_runs[net], "sim_time_s"), median(b_runs[net], "sim_time_s")
        ratio = statistics.median(b["sim_time_s"] / s["sim_time_s"] for s, b in zip(s_runs[net], b_runs[net]))
        s_last, b_last = s_runs[net][-1], b_runs[net][-1]
        summary[net] = dict(s_time=s_time, b_time=b_time, ratio=ratio, s_last=s_last, b_last=b_last,
                            events_per_s=median(s_runs[net], "synaptic_events_per_s"))
        print(f"{net}: median simulation time: spikeq {s_time:.3f} s, Brian2 standalone {b_time:.3f} s; "
              f"median ratio Brian2/spikeq = {ratio:.2f} (spikeq/Brian2 = {1 / ratio:.2f})")
        print(f"{net}: spikeq real-time factor {s_time / (duration_ms / 1000):.4f}; "
              f"{s_last['synaptic_events'] / (duration_ms / 1000):.3g} synaptic events per model second, "
              f"{summary[net]['events_per_s']:.3g} per wall second; peak memory spikeq {s_last['peak_mb']:.0f} MB, "
              f"Brian2 {b_last['peak_mb']:.0f} MB")
    if args.network == "brunel":
        # Per pair: the plastic run over the static run just before it, same simulator.
        summary["plastic_static"] = {
            sim: statistics.median(p["sim_time_s"] / s["sim_time_s"] for s, p in zip(runs["brunel_static"],
                                                                                     runs["brunel_plastic"]))
            for sim, runs in (("s", s_runs), ("b", b_runs))}
        print(f"plastic / static (median over pairs): spikeq {summary['plastic_static']['s']:.2f} (target <= 2.5), "
              f"Brian2 {summary['plastic_static']['b']:.2f}")
    if args.runtime:
        for net in networks:
            r = brian2_nets.run_runtime(net, duration_ms, args.seed)
            print(f"{net}: Brian2 runtime (numpy): {r['sim_time_s']:.2f} s, exc {r['exc_rate_hz']:.2f} Hz, "
                  f"inh {r['inh_rate_hz']:.2f} Hz; ratio {r['sim_time_s'] / summary[net]['s_time']:.1f}")
    if args.markdown:
        rev = args.commit or commit()
        command = (f"`bench/vs_brian2.py --network {args.network} --pairs {args.pairs} --duration-ms {duration_ms:g}`")
        for net in networks:
            m = summary[net]
            s_last, b_last = m["s_last"], m["b_last"]
            rates = (f"spikeq {s_last['exc_rate_hz']:.2f}/{s_last['inh_rate_hz']:.2f} Hz, "
                     f"Brian2 {b_last['exc_rate_hz']:.2f}/{b_last['inh_rate_hz']:.2f} Hz")
            if net.startswith("brunel"):
                plastic_static = "—"
                if "plastic_static" in summary and net == "brunel_plastic":
                    ps = summary["plastic_static"]
                    plastic_static = f"spikeq {ps['s']:.2f}, Brian2 {ps['b']:.2f}"
                print(f"| {net} | {datetime.date.today()} | {rev} | {machine()} | {command} | "
                      f"Brian2 {brian2_nets.b2.__version__} cpp_standalone | {m['s_time']:.3f} s | {m['b_time']:.3f} s | "
                      f"{m['ratio']:.2f} | {plastic_static} | {m['events_per_s']:.3g} | "
                      f"{s_last['peak_mb']:.0f} MB / {b_last['peak_mb']:.0f} MB | {rates} |")
            else:
                method = ", forward Euler, no delay" if net == "coba_euler" else ""
                print(f"| {net} | {datetime.date.today()} | {rev} | {command} | "
                      f"Brian2 {brian2_nets.b2.__version__} cpp_standalone{method} | {m['s_time']:.3f} s | "
                      f"{m['b_time']:.3f} s | "
                      f"{m['ratio']:.2f} | {s_last['peak_mb']:.0f} MB | {rates} |")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
