#!/usr/bin/python3
"""Crash campaign (issue 12, docs/reliability.md): kill `spikeq run` with SIGKILL at
20 seeded random moments of a long run of examples/polychronization.textproto
(flushing every 0.2 s of wall time) and check each temporary output:

- it opens as a SWMR reader (how spikeq's tools and h5py read a file whose writer
  died), and plainly after `h5clear -s` (HDF5's tool to clear the writer's flag);
- every spike population holds equally long timestamps/node_ids, timestamps in time
  order, node ids inside the population;
- every frame report's time range (start, stop, step) matches the frames present;
- `spikeq inspect` says the recording is incomplete and how far it goes (at or after
  the last spike), and `spikeq analyze` works on it.

Usage: crash_campaign.py SPIKEQ SOURCE_DIR [--kills 20] [--seed 1]
"""
import argparse
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np


def check_file(h5, where):
    problems = []
    spikes = h5.get("spikes")
    last_spike = 0.0
    if spikes is not None:
        for pop, g in spikes.items():
            t, ids = g["timestamps"][:], g["node_ids"][:]
            if len(t) != len(ids):
                problems.append(f"{where}: /spikes/{pop}: {len(t)} timestamps, {len(ids)} node_ids")
            if len(t) and np.any(np.diff(t) < 0):
                problems.append(f"{where}: /spikes/{pop}/timestamps not in time order")
            n = g.attrs.get("node_count")
            if n is not None and len(ids) and ids.max() >= n:
                problems.append(f"{where}: /spikes/{pop}: node id {ids.max()} >= node_count {n}")
            if len(t):
                last_spike = max(last_spike, float(t[-1]))
    reports = h5.get("report")
    if reports is not None:
        for pop, g in reports.items():
            start, stop, step = (float(x) for x in g["mapping/time"][:])
            frames = g["data"].shape[0]
            if abs(start + frames * step - stop) > 1e-6 * max(1.0, abs(stop)):
                problems.append(f"{where}: /report/{pop}: time [{start}, {stop}) step {step} but {frames} frames")
    return problems, last_spike


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spikeq")
    ap.add_argument("source")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    net = os.path.join(a.source, "examples", "polychronization.textproto")
    problems = []
    with tempfile.TemporaryDirectory() as work:
        for k in range(a.kills):
            run_dir = os.path.join(work, f"run{k}")
            os.mkdir(run_dir)
            out = os.path.join(run_dir, "poly.h5")
            p = subprocess.Popen([a.spikeq, "run", net, "-o", out, "--t-stop", "3600000", "-q",
                                  "--flush-every", "0.2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            moment = rng.uniform(0.6, 2.5)
            time.sleep(moment)
            p.send_signal(signal.SIGKILL)
            p.wait()
            where = f"kill {k} at {moment:.2f} s"
            if os.path.exists(out):
                problems.append(f"{where}: the final output path exists")
            partial = glob.glob(os.path.join(run_dir, ".poly.h5.tmp-*"))
            if len(partial) != 1:
                problems.append(f"{where}: expected one temporary file, found {partial}")
                continue
            partial = partial[0]
            try:
                with h5py.File(partial, "r", swmr=True) as h5:
                    found, last_spike = check_file(h5, where + " (SWMR)")
                    problems += found
            except OSError as e:
                problems.append(f"{where}: does not open as a SWMR reader: {e}")
                continue
            cleared = os.path.join(run_dir, "cleared.h5")
            shutil.copy(partial, cleared)
            subprocess.run(["h5clear", "-s", cleared], check=True, capture_output=True)
            try:
                with h5py.File(cleared, "r") as h5:
                    problems += check_file(h5, where + " (plain, after h5clear -s)")[0]
            except OSError as e:
                problems.append(f"{where}: does not open plainly after h5clear -s: {e}")
            inspect = subprocess.run([a.spikeq, "inspect", partial], capture_output=True, text=True, timeout=60)
            m = re.search(r"incomplete recording: the run did not finish; it holds model time up to ([0-9.]+) ms",
                          inspect.stdout)
            if inspect.returncode != 0 or not m:
                problems.append(f"{where}: inspect exit {inspect.returncode}, no incomplete notice:\n"
                                f"{inspect.stdout}{inspect.stderr}")
            elif float(m.group(1)) + 1e-9 < last_spike:
                problems.append(f"{where}: inspect says {m.group(1)} ms, but spikes go to {last_spike} ms")
            analyze = subprocess.run([a.spikeq, "analyze", partial], capture_output=True, text=True, timeout=120)
            if analyze.returncode != 0:
                problems.append(f"{where}: analyze exit {analyze.returncode}: {analyze.stderr}")
            print(f"{where}: model time {m.group(1) if m else '?'} ms recorded, "
                  f"{'ok' if not problems else 'problems so far: ' + str(len(problems))}", flush=True)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
