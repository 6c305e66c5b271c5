#!/usr/bin/python3
"""Speed of SAL in spikeq against a vectorised numpy re-implementation of the same
network (docs/models/sal.md): examples/sal_layer_alignment.textproto, 100 -> 50
glm_sampling neurons (SAL_CODE refractoriness, rectangular PSPs), fixed W, one-sided
nearest-pair SAL on B accumulated every 1000 steps.

The numpy version is the fastest sensible way to write this in numpy: one step is two
matrix-vector products for the membrane potentials (W: 50 x 100, B: 100 x 50), a
vectorised draw, and SAL updates only for the rows/columns of the neurons that fired
(as sal_net.py does with outer products, but sparse). spikeq runs the example file
through `spikeq run` on one thread. Both report steps per second; the numpy run is
shorter (--numpy-steps) because it is slower, and rates are per step.

Usage: /usr/bin/python3 bench/sal_speed.py [--steps 2000000] [--numpy-steps 200000]
           [--spikeq build/release/tools/spikeq]
"""
import argparse
import os
import subprocess
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "sal_layer_alignment.textproto")


def numpy_run(steps, seed=1, n_lower=100, n_upper=50, t_ref=10, t_syn=9, bias=-2.0, eta=0.02, period=1000,
              tau=10.0):
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 0.1, (n_upper, n_lower))
    B = rng.normal(0.0, 0.1, (n_lower, n_upper))
    log_t_ref = np.log(t_ref)
    # Rectangular PSPs as running sums over a ring of the last t_syn steps' spikes.
    ring_lower = np.zeros((t_syn, n_lower))
    ring_upper = np.zeros((t_syn, n_upper))
    psp_lower = np.zeros(n_lower)
    psp_upper = np.zeros(n_upper)
    last_lower = np.full(n_lower, -np.inf)
    last_upper = np.full(n_upper, -np.inf)
    pending = np.zeros_like(B)
    spikes = 0
    start = time.time()
    for t in range(steps):
        u_lower = bias + B @ psp_upper
        u_upper = bias + W @ psp_lower
        p_lower = 1.0 / (1.0 + np.exp(-(u_lower - log_t_ref)))
        p_upper = 1.0 / (1.0 + np.exp(-(u_upper - log_t_ref)))
        fire_lower = (rng.random(n_lower) < p_lower) & (last_lower < t - t_ref)
        fire_upper = (rng.random(n_upper) < p_upper) & (last_upper < t - t_ref)
        fl = np.flatnonzero(fire_lower)
        fu = np.flatnonzero(fire_upper)
        # Nearest pairs on B (pre upper, post lower), partners strictly before t.
        if len(fl):
            dt = t - last_upper
            pending[fl, :] += -np.exp(-dt / tau)[None, :]
        if len(fu):
            dt = t - last_lower
            pending[:, fu] += np.exp(-dt / tau)[:, None]
        last_lower[fl] = t
        last_upper[fu] = t
        spikes += len(fl) + len(fu)
        # The PSP of a spike in step t counts in steps t+1 .. t+t_syn.
        slot = t % t_syn
        psp_lower += fire_lower - ring_lower[slot]
        psp_upper += fire_upper - ring_upper[slot]
        ring_lower[slot] = fire_lower
        ring_upper[slot] = fire_upper
        if (t + 1) % period == 0:
            B += eta * (pending / period * tau)
            pending[:] = 0.0
    return time.time() - start, spikes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=2_000_000)
    ap.add_argument("--numpy-steps", type=int, default=200_000)
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    args = ap.parse_args()
    out = os.path.join(tempfile.mkdtemp(prefix="spikeq_sal_speed_"), "out.h5")
    start = time.time()
    subprocess.run([args.spikeq, "run", EXAMPLE, "-o", out, "-q", "--threads", "1", "--t-stop", str(args.steps)],
                   check=True)
    spikeq_wall = time.time() - start
    numpy_wall, numpy_spikes = numpy_run(args.numpy_steps)
    s_rate = args.steps / spikeq_wall
    n_rate = args.numpy_steps / numpy_wall
    print(f"spikeq: {args.steps} steps in {spikeq_wall:.1f} s = {s_rate:,.0f} steps/s (1 thread, incl. build and output)")
    print(f"numpy : {args.numpy_steps} steps in {numpy_wall:.1f} s = {n_rate:,.0f} steps/s "
          f"({numpy_spikes / args.numpy_steps / 150 * 1000:.1f} spikes per neuron per 1000 steps)")
    print(f"ratio : spikeq {s_rate / n_rate:.1f}x numpy")


if __name__ == "__main__":
    main()
