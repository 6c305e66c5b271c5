#!/usr/bin/python3
"""Checks spikeq's STDP in the plastic Brunel benchmark against a plain numpy reference.

Runs bench/networks/brunel_plastic.textproto with the E->E weights recorded (initial and
final, SONATA edges), then recomputes the weight change of randomly chosen synapses from
the recorded spike trains with the textbook all-to-all additive pair rule in the AXONAL
frame (a presynaptic spike reaches the synapse at t_pre + delay, a postsynaptic one at
t_post; equal times do not pair; pairs completed after t_stop are not applied):
    dw = A_plus  * sum over arrivals before each post    exp(-(t_post - t_arr) / tau_plus)
       - A_minus * sum over posts before each arrival    exp(-(t_arr - t_post) / tau_minus)
and prints the largest difference. With amplitudes this small no weight reaches a bound,
so the order of the updates does not matter and the two must agree to rounding.
This checks numbers, not speed (benchmarks.md: independent reference loop).

Usage: /usr/bin/python3 bench/brunel_stdp_check.py [--duration-ms 1000] [--synapses 3000]
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spikeq", default=os.path.join(ROOT, "build/release/tools/spikeq"))
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synapses", type=int, default=3000, help="synapses checked against the reference")
    args = parser.parse_args()

    text = open(os.path.join(ROOT, "bench/networks/brunel_plastic.textproto")).read()
    stdp = re.search(r"stdp \{(.*?)additive \{ A_plus: ([0-9.e-]+) A_minus: ([0-9.e-]+) \}", text, re.S)
    body, a_plus, a_minus = stdp.group(1), float(stdp.group(2)), float(stdp.group(3))
    tau_plus = float(re.search(r"tau_plus: ([0-9.]+)", body).group(1))
    tau_minus = float(re.search(r"tau_minus: ([0-9.]+)", body).group(1))
    assert "delay_convention: AXONAL" in text
    text = text.replace("recording {", 'recording {\n  weights { projection: "exc_to_exc" }', 1)
    work = tempfile.mkdtemp(prefix="brunel_stdp_check_")
    net, out = os.path.join(work, "net.textproto"), os.path.join(work, "out.h5")
    with open(net, "w") as f:
        f.write(text)
    try:
        subprocess.run([args.spikeq, "run", net, "-o", out, "--t-stop", str(args.duration_ms), "--seed",
                        str(args.seed)], check=True)
        check(out, args, a_plus, a_minus, tau_plus, tau_minus)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(out, args, a_plus, a_minus, tau_plus, tau_minus):

    t_stop = args.duration_ms
    with h5py.File(out, "r") as f:
        e = f["/edges/exc_to_exc"]
        src = e["source_node_id"][:].astype(np.int64)
        tgt = e["target_node_id"][:].astype(np.int64)
        w0, w1, delay = e["0/initial_syn_weight"][:], e["0/syn_weight"][:], e["0/delay"][:]
        times, ids = f["/spikes/exc/timestamps"][:], f["/spikes/exc/node_ids"][:].astype(np.int64)
    dw = w1 - w0
    print(f"{len(dw)} E->E synapses: mean weight {w0.mean():.6g} -> {w1.mean():.6g} mV "
          f"(sd {w1.std():.3g}, range {w1.min():.4g}..{w1.max():.4g}); {np.mean(dw != 0):.3f} changed")
    order = np.argsort(ids, kind="stable")
    times, ids = times[order], ids[order]
    first = np.searchsorted(ids, np.arange(ids.max(initial=0) + 2))
    pick = np.random.default_rng(0).choice(len(dw), min(args.synapses, len(dw)), replace=False)
    ref = np.empty(len(pick))
    for k, s in enumerate(pick):
        arrivals = times[first[src[s]]:first[src[s] + 1]] + delay[s]
        arrivals = arrivals[arrivals <= t_stop]
        post = times[first[tgt[s]]:first[tgt[s] + 1]]
        lag = post[None, :] - arrivals[:, None]  # t_post - t_arrival
        ref[k] = (a_plus * np.exp(-lag[lag > 1e-9] / tau_plus).sum()
                  - a_minus * np.exp(lag[lag < -1e-9] / tau_minus).sum())
    err = np.abs(ref - dw[pick])
    print(f"reference on {len(pick)} synapses: max |dw_spikeq - dw_ref| = {err.max():.3g} mV "
          f"(mean |dw| {np.abs(dw[pick]).mean():.3g} mV)")
    if err.max() > 1e-12:
        raise SystemExit("MISMATCH")


if __name__ == "__main__":
    main()
