#!/usr/bin/python3
"""SAL demonstrations (docs/models/sal.md; rules.md §3.10): the two-neuron runs
T-SAL-1 (both weights plastic), T-SAL-2 (one-sided) and T-SAL-3 (deterministic
neurons, no noise), and T-SAL-4 (layer alignment, 100 -> 50 stochastic neurons),
each through `spikeq run`; prints the numbers docs/models/sal.md reports and draws
docs/figures/sal.png.

Usage (from the repository root, after scripts/setup.sh; python3-matplotlib):
    /usr/bin/python3 bench/sal_demos.py [--seeds 1 2 3] [--layer-seeds 1] [--layer-steps 50000000]
        [--layer-files OUT.h5 ...] [--spikeq build/release/tools/spikeq] [--plot docs/figures/sal.png]
        [--keep DIR]
The layer run takes about 12 minutes per seed on 2 threads (--threads); --layer-files
reuses outputs of earlier `spikeq run examples/sal_layer_alignment.textproto` runs.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import spikeq_analysis as sa  # noqa: E402

TWO = os.path.join(ROOT, "examples", "sal_two_neurons.textproto")
DETERMINISTIC = os.path.join(ROOT, "tests", "data", "sal", "deterministic_pair.textproto")
LAYERS = os.path.join(ROOT, "examples", "sal_layer_alignment.textproto")
AB_RULE = ("      eta: 0.03\n      application: ACCUMULATED\n      period: 1500\n"
           "      normalization: 25\n      reciprocal: \"W_ba\"")


def run(spikeq, text, workdir, name, extra=()):
    net = os.path.join(workdir, name + ".textproto")
    out = os.path.join(workdir, name + ".h5")
    with open(net, "w") as f:
        f.write(text)
    start = time.time()
    subprocess.run([spikeq, "run", net, "-o", out, "-q", *extra], check=True)
    return out, time.time() - start


def with_seed(text, seed):
    return text.replace("  seed: 1\n", f"  seed: {seed}\n", 1)


def pair_weights(path):
    ab = sa.load_weight_events(path, "W_ab")
    ba = sa.load_weight_events(path, "W_ba")
    return ba["time"] / 1500.0, (ab["weight"] if len(ab["weight"]) else None), ba["weight"]


def at(epochs, values, e):
    return float(values[min(np.searchsorted(epochs, e), len(values) - 1)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--layer-seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--layer-steps", type=int, default=50_000_000)
    ap.add_argument("--layer-files", nargs="*", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "figures", "sal.png"))
    ap.add_argument("--keep", default=None)
    args = ap.parse_args()
    workdir = args.keep or tempfile.mkdtemp(prefix="spikeq_sal_")
    os.makedirs(workdir, exist_ok=True)
    two = open(TWO).read()
    one_sided = two.replace(AB_RULE, AB_RULE.replace("eta: 0.03", "eta: 0"))
    assert one_sided != two
    curves = {}
    print("| run | seed | wall (s) | |W_ab - W_ba| at 300 / 600 / 1500 epochs | W_ab + W_ba - 2 (max) | "
          "W_ba at 800 / 1500 |")
    print("|---|---|---|---|---|---|")
    for seed in args.seeds:
        for label, text in (("both plastic", two), ("one-sided", one_sided),
                            ("deterministic", open(DETERMINISTIC).read())):
            out, wall = run(args.spikeq, with_seed(text, seed), workdir, f"{label.replace(' ', '_')}_{seed}")
            epochs, ab, ba = pair_weights(out)
            if ab is None:
                ab = np.full_like(ba, 1.5)
            diff = np.abs(ab - ba)
            drift = float(np.max(np.abs(ab + ba - 2.0))) if label != "one-sided" else float("nan")
            print(f"| {label} | {seed} | {wall:.2f} | {at(epochs, diff, 300):.3f} / {at(epochs, diff, 600):.3f} / "
                  f"{diff[-1]:.3f} | {drift:.1e} | {at(epochs, ba, 800):.3f} / {ba[-1]:.3f} |")
            curves.setdefault(label, []).append((epochs, ab, ba))

    layers = open(LAYERS).read()
    steps = args.layer_steps
    layer_runs = []
    layer_outputs = []
    if args.layer_files:
        layer_outputs = [(path, float("nan")) for path in args.layer_files]
    else:
        for seed in args.layer_seeds:
            layer_outputs.append(run(args.spikeq, with_seed(layers, seed), workdir, f"layers_{seed}",
                                     ["--t-stop", str(steps), "--threads", str(args.threads)]))
    for k, (out, wall) in enumerate(layer_outputs):
        seed = args.layer_seeds[k] if not args.layer_files else k + 1
        series = sa.load_alignment(out)["W_vs_B"]
        layer_runs.append(series)
        a = series["angle_deg"]
        t = series["time"]
        below = t[np.flatnonzero(a < 10.0)]
        print(f"layers run {seed}: {series['time'][-1]:.0f} steps in {wall:.0f} s; angle {a[0]:.1f} -> {a[-1]:.1f} deg "
              f"(min {np.nanmin(a):.1f}); below 10 deg from "
              f"{(below[0] / 1000.0) if len(below) else float('nan'):.0f} s; pearson {series['pearson'][-1]:.3f}, "
              f"sign agreement {series['sign_agreement'][-1]:.3f}")

    if not args.plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))
    for ax, label, title in ((axes[0], "both plastic", "a  T-SAL-1: both weights learn"),
                             (axes[1], "one-sided", "b  T-SAL-2: only W_ba learns"),
                             (axes[2], "deterministic", "c  T-SAL-3: deterministic, no noise")):
        for k, (epochs, ab, ba) in enumerate(curves[label]):
            ax.plot(epochs, ab, color="C0", lw=1, alpha=1.0 if k == 0 else 0.35,
                    label="W_ab (b -> a)" if k == 0 else None)
            ax.plot(epochs, ba, color="C3", lw=1, alpha=1.0 if k == 0 else 0.35,
                    label="W_ba (a -> b)" if k == 0 else None)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlabel("epoch (1500 steps)")
        ax.set_ylabel("weight")
        ax.legend(frameon=False, fontsize=8)
    for k, series in enumerate(layer_runs):
        axes[3].plot(series["time"] / 1000.0, series["angle_deg"], color="C2", alpha=1.0 if k == 0 else 0.4,
                     label=f"run {k + 1}")
    axes[3].axhline(10.0, color="0.5", ls=":", lw=1)
    axes[3].set_ylim(0, 95)
    axes[3].set_title("d  T-SAL-4: angle(W, B^T), 100 -> 50 neurons", loc="left", fontsize=10)
    axes[3].set_xlabel("model time (s; steps of 1 ms)")
    axes[3].set_ylabel("angle (deg)")
    axes[3].legend(frameon=False, fontsize=8)
    fig.suptitle("SAL in spikeq (examples/sal_two_neurons.textproto, examples/sal_layer_alignment.textproto; "
                 "bench/sal_demos.py)", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.plot, dpi=110)
    print("figure:", args.plot)


if __name__ == "__main__":
    main()
