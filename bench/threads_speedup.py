#!/usr/bin/python3
"""Speed-up of spikeq with 2 (or more) threads over 1, on the same network, runs
alternating (1, N, 1, N, ...), median ratio of the simulation wall times (the run
summary's 'simulated ... in X s wall', construction excluded). Also checks that the
outputs of the two thread counts are byte-identical (tests/integration/compare_outputs.py).

Each pair also runs N independent 1-thread copies at the same time (--no-ceiling skips
them). N copies finishing in t_c each do N runs' work in t_c, so N * t_1 / t_c is the
most any N-thread run can gain on this machine (the cores share caches, memory
bandwidth and a clock budget): the machine's ceiling for this network, printed next
to the speed-up.

Usage: bench/threads_speedup.py NETWORK.textproto [--t-stop MS] [--threads N] [--pairs K]
                                [--spikeq build/release/tools/spikeq] [--markdown]
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(spikeq, network, t_stop, threads, out):
    cmd = [spikeq, "run", network, "-o", out, "--threads", str(threads), "--stats"]
    if t_stop is not None:
        cmd += ["--t-stop", str(t_stop)]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    sim = float(re.search(r"simulated .* in ([0-9.]+) s wall", text).group(1))
    peak = re.search(r"peak resident memory: ([^\n]+)", text)
    return sim, text, peak.group(1) if peak else "?"


def run_copies(spikeq, network, t_stop, copies, tmp):
    """Simulation wall times of `copies` 1-thread runs started together."""
    procs = []
    for k in range(copies):
        cmd = [spikeq, "run", network, "-o", os.path.join(tmp, f"copy{k}.h5"), "--threads", "1", "--stats"]
        if t_stop is not None:
            cmd += ["--t-stop", str(t_stop)]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
    times = []
    for proc in procs:
        text = proc.communicate()[0]
        if proc.returncode != 0:
            raise RuntimeError(f"a concurrent copy failed ({proc.returncode})")
        times.append(float(re.search(r"simulated .* in ([0-9.]+) s wall", text).group(1)))
    return times


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("network")
    p.add_argument("--t-stop", type=float)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--spikeq", default=os.path.join(ROOT, "build/release/tools/spikeq"))
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--no-ceiling", action="store_true", help="skip the concurrent independent copies")
    a = p.parse_args()
    ones, ns, ceilings = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        o1, on = os.path.join(tmp, "one.h5"), os.path.join(tmp, "n.h5")
        for _ in range(a.pairs):
            t1, text1, peak1 = run(a.spikeq, a.network, a.t_stop, 1, o1)
            tn, textn, peakn = run(a.spikeq, a.network, a.t_stop, a.threads, on)
            ones.append(t1)
            ns.append(tn)
            line = f"1 thread {t1:.3f} s   {a.threads} threads {tn:.3f} s   ratio {t1 / tn:.2f}"
            if not a.no_ceiling:
                copies = run_copies(a.spikeq, a.network, a.t_stop, a.threads, tmp)
                ceilings.append(a.threads * t1 / statistics.mean(copies))
                line += (f"   {a.threads} concurrent 1-thread copies {statistics.mean(copies):.3f} s each: "
                         f"ceiling {ceilings[-1]:.2f}")
            print(line, flush=True)
        same = subprocess.run(["/usr/bin/python3", "-B", os.path.join(ROOT, "tests/integration/compare_outputs.py"),
                               o1, on]).returncode == 0
    ratios = [x / y for x, y in zip(ones, ns)]
    rates = re.findall(r"^(\S+)\s+\d+\s+\d+\s+([0-9.]+)$", text1, re.M)
    print(f"median speed-up {statistics.median(ratios):.2f} ({a.threads} threads vs 1); outputs identical: {same}")
    ceiling = f"{statistics.median(ceilings):.2f}" if ceilings else "not measured"
    if ceilings:
        print(f"median machine ceiling {ceiling}: the speed-up reaches "
              f"{statistics.median(ratios) / statistics.median(ceilings):.0%} of it")
    print("rates (Hz): " + ", ".join(f"{n} {r}" for n, r in rates))
    print(f"peak memory: 1 thread {peak1}; {a.threads} threads {peakn}")
    if a.markdown:
        print(f"| {os.path.basename(a.network)} | {a.t_stop} ms | {statistics.median(ones):.2f} s | "
              f"{statistics.median(ns):.2f} s | {statistics.median(ratios):.2f} | {ceiling} | {same} | "
              f"{os.cpu_count()} × {cpu_model()} |")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
