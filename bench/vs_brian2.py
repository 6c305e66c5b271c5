#!/usr/bin/python3
"""CUBA or COBA (Brette et al. 2007) side by side: spikeq vs Brian2 C++ standalone.

Runs both on the same network for the same model time, alternating (A B A B ...),
and prints each run's simulation time and firing rates, then the median ratio
brian2 / spikeq (> 1 means spikeq is faster). Brian2 is compiled once before the
first pair; its time is the simulation time Brian2 itself reports (compilation and
process start excluded); spikeq's is the simulation time it reports (network
construction excluded). Both are single-threaded.

Usage (from the repository root, after scripts/setup.sh):
    /usr/bin/python3 bench/vs_brian2.py [--network cuba|coba] [--pairs 5] [--duration-ms 10000] [--runtime] [--markdown]
"""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "brian2"))
import benchmark_networks as brian2_nets  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_spikeq(binary, network, duration_ms, seed, out_dir):
    out = os.path.join(out_dir, f"{network}.h5")
    cmd = [binary, "run", os.path.join(ROOT, f"bench/networks/{network}.textproto"), "-o", out,
           "--t-stop", str(duration_ms), "--seed", str(seed)]
    # GNU time reports this process's own peak resident memory (Brian2's binary is
    # another child, so getrusage(RUSAGE_CHILDREN) would mix the two).
    done = subprocess.run(["/usr/bin/time", "-f", "peak_kb=%M"] + cmd, check=True, capture_output=True, text=True)
    peak_kb = int(re.search(r"peak_kb=(\d+)", done.stderr).group(1))
    sim = float(re.search(r"in ([0-9.]+) s wall", done.stdout).group(1))
    with h5py.File(out, "r") as f:
        n_exc = len(f["/spikes/exc/timestamps"])
        n_inh = len(f["/spikes/inh/timestamps"])
    seconds = duration_ms / 1000.0
    return {"sim_time_s": sim, "exc_rate_hz": n_exc / 3200 / seconds, "inh_rate_hz": n_inh / 800 / seconds,
            "peak_mb": peak_kb / 1024.0}


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spikeq", default=os.path.join(ROOT, "build/release/tools/spikeq"))
    parser.add_argument("--network", choices=["cuba", "coba"], default="cuba")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--duration-ms", type=float, default=10000.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runtime", action="store_true", help="also time Brian2's runtime (numpy) mode once")
    parser.add_argument("--markdown", action="store_true", help="print a row for bench/RESULTS.md")
    args = parser.parse_args()

    out_dir = tempfile.mkdtemp(prefix="spikeq_bench_")
    brian = brian2_nets.standalone_network(args.network, args.duration_ms, args.seed, os.path.join(out_dir, "brian2"))
    print(f"Brian2 {brian2_nets.b2.__version__} standalone compiled in {brian.compile_s:.1f} s (not timed below)")
    print(f"{'run':>4} {'peer':>8} {'sim s':>8} {'exc Hz':>8} {'inh Hz':>8}")
    ratios, s_times, b_times, s_last, b_last = [], [], [], None, None
    for k in range(args.pairs):
        s_last = run_spikeq(args.spikeq, args.network, args.duration_ms, args.seed, out_dir)
        b_last = brian.run()
        print(f"{k:>4} {'spikeq':>8} {s_last['sim_time_s']:8.3f} {s_last['exc_rate_hz']:8.3f} {s_last['inh_rate_hz']:8.3f}")
        print(f"{k:>4} {'brian2':>8} {b_last['sim_time_s']:8.3f} {b_last['exc_rate_hz']:8.3f} {b_last['inh_rate_hz']:8.3f}")
        s_times.append(s_last["sim_time_s"])
        b_times.append(b_last["sim_time_s"])
        ratios.append(b_last["sim_time_s"] / s_last["sim_time_s"])
    ratio = statistics.median(ratios)
    print(f"median simulation time: spikeq {statistics.median(s_times):.3f} s, "
          f"Brian2 standalone {statistics.median(b_times):.3f} s; median ratio Brian2/spikeq = {ratio:.2f}")
    print(f"spikeq real-time factor {statistics.median(s_times) / (args.duration_ms / 1000):.4f}; "
          f"peak memory of spikeq {s_last['peak_mb']:.0f} MB")
    if args.runtime:
        r = brian2_nets.run_runtime(args.network, args.duration_ms, args.seed)
        print(f"Brian2 runtime (numpy): {r['sim_time_s']:.2f} s, exc {r['exc_rate_hz']:.2f} Hz, "
              f"inh {r['inh_rate_hz']:.2f} Hz; ratio {r['sim_time_s'] / statistics.median(s_times):.1f}")
    if args.markdown:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        print(f"| {args.network} | {datetime.date.today()} | {commit} | {machine()} | `bench/vs_brian2.py --network {args.network} --pairs {args.pairs} "
              f"--duration-ms {args.duration_ms:g}` | Brian2 {brian2_nets.b2.__version__} cpp_standalone | "
              f"{statistics.median(s_times):.3f} s | {statistics.median(b_times):.3f} s | {ratio:.2f} | "
              f"{s_last['peak_mb']:.0f} MB | spikeq {s_last['exc_rate_hz']:.2f}/{s_last['inh_rate_hz']:.2f} Hz, "
              f"Brian2 {b_last['exc_rate_hz']:.2f}/{b_last['inh_rate_hz']:.2f} Hz |")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
