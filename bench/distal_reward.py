#!/usr/bin/python3
"""Izhikevich 2007 Fig. 1 (distal reward) with spikeq: examples/distal_reward.textproto
and its no-reward control (the same file with the reward contingency disabled, so
the would-be rewards are still marked but release nothing), for several seeds.

For each run the script reports the wall time of `spikeq run`, the number of
rewards, the reinforced synapse's weight at the end and the first time it reached
90 % of the maximum, and the other excitatory weights (mean, 99th percentile,
fraction above 3), prints a table (--markdown: rows for docs/bench), and draws
docs/figures/distal_reward.png: the reinforced weight and the mean of the sampled
excitatory weights over time, reward and control.

Usage (from the repository root, after scripts/setup.sh; python3-matplotlib):
    /usr/bin/python3 bench/distal_reward.py [--seeds 1 2 3] [--duration-ms 3600000]
        [--spikeq build/release/tools/spikeq] [--markdown] [--plot PATH] [--keep DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import spikeq_analysis as sa  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "distal_reward.textproto")
W_MAX = 4.0


def control_text():
    text = open(EXAMPLE).read()
    out, n = re.subn(r"(\n    amount: 0\.5\n)", r"\1    disabled: true\n", text)
    if n != 1:
        raise SystemExit("could not find the contingency's amount in " + EXAMPLE)
    return out


def run(spikeq, network, output, seed, duration_ms):
    start = time.perf_counter()
    subprocess.run([spikeq, "run", network, "-o", output, "--seed", str(seed), "--t-stop", str(duration_ms), "-q"],
                   check=True)
    return time.perf_counter() - start


def summarize(path):
    t, _, target = sa.load_report(path, "reinforced")
    target = target[:, 0].astype(float)
    t_exc, _, sampled = sa.load_report(path, "exc_to_all.exc")
    edges = sa.load_edges(path)
    final = edges["exc_to_all.exc"]["final"].astype(float)
    with h5py.File(path, "r") as f:
        amounts = f["neuromodulators/dopamine/release_amounts"][:]
    reached = np.flatnonzero(target >= 0.9 * W_MAX)
    return dict(
        t=t, target=target, t_exc=t_exc, mean_exc=sampled.astype(float).mean(axis=1),
        rewards=int(np.count_nonzero(amounts > 0)), contingent=int(amounts.size),
        final_target=float(edges["reinforced"]["final"][0]),
        reached_s=float(t[reached[0]]) / 1000.0 if reached.size else float("nan"),
        mean_other=float(final.mean()), p99_other=float(np.percentile(final, 99)),
        above3=float(np.mean(final > 3.0)), rank=float(np.mean(final >= edges["reinforced"]["final"][0])))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--duration-ms", type=float, default=3600000.0)
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "figures", "distal_reward.png"))
    ap.add_argument("--keep", help="keep the HDF5 outputs in this directory")
    args = ap.parse_args()

    work = args.keep or tempfile.mkdtemp(prefix="spikeq_distal_")
    os.makedirs(work, exist_ok=True)
    control = os.path.join(work, "distal_reward_control.textproto")
    with open(control, "w") as f:
        f.write(control_text())
    results = []
    for seed in args.seeds:
        for kind, network in (("reward", EXAMPLE), ("control", control)):
            out = os.path.join(work, f"{kind}_{seed}.h5")
            wall = run(args.spikeq, network, out, seed, args.duration_ms)
            s = summarize(out)
            s.update(kind=kind, seed=seed, wall=wall)
            results.append(s)
            print(f"{kind:7s} seed {seed}: {wall:6.1f} s wall, rewards {s['rewards']:4d} "
                  f"(contingent events {s['contingent']}), reinforced w {s['final_target']:.3f} "
                  f"(90 % of max at {s['reached_s']:.0f} s), other exc: mean {s['mean_other']:.3f}, "
                  f"99th pct {s['p99_other']:.3f}, > 3: {100 * s['above3']:.1f} %, "
                  f"target's rank: top {100 * s['rank']:.2f} %", flush=True)
    if args.markdown:
        print("\n| run | seed | wall (s) | rewards | reinforced w (end) | reached 0.9 w_max (s) | "
              "other exc mean | other exc 99th pct | others > 3 |")
        print("|---|---|---|---|---|---|---|---|---|")
        for s in results:
            print(f"| {s['kind']} | {s['seed']} | {s['wall']:.1f} | {s['rewards']} | {s['final_target']:.3f} | "
                  f"{s['reached_s']:.0f} | {s['mean_other']:.3f} | {s['p99_other']:.3f} | {100 * s['above3']:.1f} % |")
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
        for ax, kind in zip(axes, ("reward", "control")):
            for s in (r for r in results if r["kind"] == kind):
                line, = ax.plot(s["t"] / 60000.0, s["target"], lw=1.2, label=f"reinforced synapse, seed {s['seed']}")
                ax.plot(s["t_exc"] / 60000.0, s["mean_exc"], lw=1.0, ls="--", color=line.get_color(),
                        label=f"mean of 4000 sampled exc. synapses, seed {s['seed']}")
            ax.axhline(W_MAX, color="0.6", lw=0.8)
            ax.set_xlabel("model time (min)")
            ax.set_title("reward 1-3 s after n2 fires within 20 ms of n1" if kind == "reward"
                         else "control: contingency disabled")
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("synaptic weight (mV)")
        axes[0].legend(fontsize=7, loc="center right")
        fig.suptitle("Distal reward (Izhikevich 2007, Fig. 1) in spikeq: examples/distal_reward.textproto")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        print("figure:", args.plot)


if __name__ == "__main__":
    main()
