#!/usr/bin/python3
"""Soak run (issue 12, docs/reliability.md): Izhikevich's polychronization network
(examples/polychronization.textproto: 1000 neurons, STDP, 100,000 plastic synapses)
for 24 h of model time, sampling spikeq's resident memory (/proc/PID/status VmRSS)
every few seconds. Memory must stay flat: a leak or a growing buffer would show as a
trend between the start, the middle and the end.

The recording keeps 20 neurons' spikes per population and the weights every 10 min of
model time, so the output stays small (all spikes of 24 h would be ~5 GB).

Usage: bench/soak.py [--spikeq build/release/tools/spikeq] [--hours 24] [--interval 10]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--interval", type=float, default=10.0, help="wall seconds between memory samples")
    a = ap.parse_args()
    text = open(os.path.join(ROOT, "examples", "polychronization.textproto")).read()
    head, _, _ = text.partition("recording {")
    neurons = ", ".join(str(k) for k in range(20))
    text = head + ("recording {\n"
                   f"  spikes {{ population: \"exc\" neurons: [{neurons}] }}\n"
                   f"  spikes {{ population: \"inh\" neurons: [{neurons}] }}\n"
                   "  weights { projection: \"exc_to_all/exc\" interval: 600000 }\n"
                   "}\n")
    t_stop_ms = a.hours * 3600e3
    with tempfile.TemporaryDirectory() as work:
        net = os.path.join(work, "soak.textproto")
        open(net, "w").write(text)
        out = os.path.join(work, "soak.h5")
        t0 = time.monotonic()
        p = subprocess.Popen([a.spikeq, "run", net, "-o", out, "--t-stop", f"{t_stop_ms:.0f}", "--stats"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples = []
        while p.poll() is None:
            try:
                samples.append((time.monotonic() - t0, rss_mib(p.pid)))
            except OSError:
                break
            time.sleep(a.interval)
        stdout, stderr = p.communicate()
        wall = time.monotonic() - t0
        if p.returncode != 0:
            print(stderr, file=sys.stderr)
            return 1
        size_mib = os.path.getsize(out) / 2**20
    samples = [s for s in samples if s[1] == s[1]]
    n = len(samples)
    start, middle, end = samples[min(1, n - 1)], samples[n // 2], samples[-1]
    print(stdout)
    print(f"soak: {a.hours:g} h of model time in {wall / 60:.1f} min wall; output {size_mib:.1f} MiB")
    print(f"resident memory: start {start[1]:.1f} MiB (at {start[0]:.0f} s), middle {middle[1]:.1f} MiB "
          f"(at {middle[0]:.0f} s), end {end[1]:.1f} MiB (at {end[0]:.0f} s); "
          f"max {max(s[1] for s in samples):.1f} MiB over {n} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
