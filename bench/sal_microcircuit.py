#!/usr/bin/python3
"""SAL paper Fig. 6: the [1, 1, 1] dendritic microcircuit learning a teacher, with
feedback from SAL, copy-backprop (BP) or fixed random feedback (FA).

For each seed, examples/sal_microcircuit.py writes the three student networks (same
initial weights, same pattern sequence), spikeq runs them, and this script reads
the recordings back: the validation loss per epoch (mean over the 6 validation
patterns of (mean output basal potential after the 2000-step lag - target)^2), the
forward weights and the feedback weight B12 at every pattern end. Writes a table
(stdout) and docs/figures/sal_microcircuit.png.

  /usr/bin/python3 bench/sal_microcircuit.py --spikeq build/release/tools/spikeq --seeds 1 2 3 4 5
"""
import argparse
import concurrent.futures
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
import sal_microcircuit as mc  # noqa: E402

VARIANTS = ["sal", "bp", "fa"]


def run(spikeq, net, out):
    t0 = time.time()
    subprocess.run([spikeq, "run", str(net), "-o", str(out)], check=True, stdout=subprocess.DEVNULL)
    return time.time() - t0


def read(net, out):
    text = pathlib.Path(net).read_text()
    block = re.search(r"target_series \{.*?values: \[([^\]]*)\]", text, re.S).group(1)
    targets = np.array([float(x) for x in block.split(",")])
    with h5py.File(out, "r") as f:
        r = f["report/out"]
        v_b = np.asarray(r["data"])[:, 0]
        t0, _, dt = r["mapping/time"][:]
        w = {k: np.asarray(f[f"report/{k}/data"])[:, 0] for k in ("in_hid", "hid_out", "out_hid")}
    epochs = len(targets) // mc.EPOCH_PATTERNS
    loss = np.zeros(epochs)
    for e in range(epochs):
        for p in range(mc.LEN_TRAIN, mc.EPOCH_PATTERNS):
            k = e * mc.EPOCH_PATTERNS + p
            # Samples at t0 + i dt in [pattern start + lag, pattern end).
            a = int(np.ceil((k * mc.PATTERN_MS + mc.LAG_MS - t0) / dt))
            b = int(np.ceil(((k + 1) * mc.PATTERN_MS - t0) / dt))
            loss[e] += (v_b[a:b].mean() - targets[k]) ** 2
    loss /= mc.LEN_VALIDATION
    # Weights at each epoch's end (frames every pattern, the first at t = 0).
    at_epoch_end = {k: v[:: mc.EPOCH_PATTERNS][: epochs + 1] for k, v in w.items()}
    return loss, at_epoch_end


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", default=str(ROOT / "build/release/tools/spikeq"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--workdir", help="keep networks and recordings here; existing recordings are reused")
    ap.add_argument("--figure", default=str(ROOT / "docs/figures/sal_microcircuit.png"))
    args = ap.parse_args()
    tmp = pathlib.Path(args.workdir) if args.workdir else pathlib.Path(tempfile.mkdtemp(prefix="sal_mc_"))
    tmp.mkdir(parents=True, exist_ok=True)
    jobs = []
    for seed in args.seeds:
        if not (tmp / f"mc{seed}.textproto").exists():
            subprocess.run([sys.executable, str(ROOT / "examples/sal_microcircuit.py"), "--spikeq", args.spikeq,
                            "--epochs", str(args.epochs), "--seed", str(seed), "--out", str(tmp),
                            "--name", f"mc{seed}"], check=True, stderr=subprocess.DEVNULL)
        for v in VARIANTS:
            name = f"mc{seed}" + ("" if v == "sal" else "_" + v)
            jobs.append((seed, v, tmp / f"{name}.textproto", tmp / f"{name}.h5"))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        walls = list(pool.map(lambda j: 0.0 if j[3].exists() else run(args.spikeq, j[2], j[3]), jobs))
    res = {(seed, v): read(net, out) for seed, v, net, out in jobs}

    last = max(1, args.epochs // 10)  # the final tenth of the epochs
    print(f"{len(args.seeds)} seeds, {args.epochs} epochs; wall per run {np.mean(walls):.1f} s "
          f"({args.epochs * mc.EPOCH_MS / 1000:.0f} s of model time)")
    print("| feedback | validation loss, first epoch | last tenth of the epochs | final W21 | final B12 | final |B12 - W21| |")
    print("|---|---|---|---|---|---|")
    for v in VARIANTS:
        first = np.array([res[(s, v)][0][0] for s in args.seeds])
        final = np.array([res[(s, v)][0][-last:].mean() for s in args.seeds])
        w21 = np.array([res[(s, v)][1]["hid_out"][-1] for s in args.seeds])
        b12 = np.array([res[(s, v)][1]["out_hid"][-1] for s in args.seeds])
        gap = np.abs(b12 - w21)
        print(f"| {v.upper()} | {first.mean():.4f} ± {first.std(ddof=1) if len(first) > 1 else 0:.4f} "
              f"| {final.mean():.4f} ± {final.std(ddof=1) if len(final) > 1 else 0:.4f} "
              f"| {w21.mean():.2f} ± {w21.std(ddof=1) if len(w21) > 1 else 0:.2f} "
              f"| {b12.mean():.2f} ± {b12.std(ddof=1) if len(b12) > 1 else 0:.2f} "
              f"| {gap.mean():.2f} ± {gap.std(ddof=1) if len(gap) > 1 else 0:.2f} |")
    for s in args.seeds:
        row = " ".join(f"{v}={res[(s, v)][0][-last:].mean():.4f}" for v in VARIANTS)
        print(f"seed {s}: loss {row}; W21(0) = {res[(s, 'sal')][1]['hid_out'][0]:+.2f}, "
              f"B12(0) = {res[(s, 'sal')][1]['out_hid'][0]:+.2f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    epochs = np.arange(args.epochs + 1)
    s0 = args.seeds[0]
    for v, c in zip(VARIANTS, ["C0", "C1", "C2"]):
        w = res[(s0, v)][1]
        ax[0].plot(epochs, w["out_hid"], color=c, label=f"B12 ({v.upper()})")
    ax[0].plot(epochs, res[(s0, "sal")][1]["hid_out"], "k--", label="W21 (SAL run)")
    ax[0].axhline(2.0, color="grey", lw=0.8, ls=":")
    ax[0].set(xlabel="epoch", ylabel="weight", title=f"(a) feedback and forward weight, seed {s0}")
    ax[0].legend(fontsize=7)
    for v, c in zip(VARIANTS, ["C0", "C1", "C2"]):
        gaps = np.array([res[(s, v)][1]["out_hid"] - res[(s, v)][1]["hid_out"] for s in args.seeds])
        for g in gaps:
            ax[1].plot(epochs, g, color=c, lw=0.7, alpha=0.6)
        ax[1].plot([], [], color=c, label=v.upper())
    ax[1].axhline(0, color="grey", lw=0.8)
    ax[1].set(xlabel="epoch", ylabel="B12 - W21", title="(b) alignment, every seed")
    ax[1].legend(fontsize=7)
    for v, c in zip(VARIANTS, ["C0", "C1", "C2"]):
        losses = np.array([res[(s, v)][0] for s in args.seeds])
        m, sd = losses.mean(0), losses.std(0)
        ax[2].plot(np.arange(1, args.epochs + 1), m, color=c, label=v.upper())
        ax[2].fill_between(np.arange(1, args.epochs + 1), np.maximum(m - sd, 1e-5), m + sd, color=c, alpha=0.2)
    ax[2].set(xlabel="epoch", ylabel="validation loss", yscale="log",
              title=f"(c) validation loss, mean ± SD of {len(args.seeds)} seeds")
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.figure, dpi=120)
    print("figure:", args.figure)


if __name__ == "__main__":
    main()
