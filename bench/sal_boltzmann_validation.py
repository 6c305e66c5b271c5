#!/usr/bin/python3
"""T-SAL-5's DKL claim (rules.md §3.5, §3.10; Gierlich et al. 2025, sampling-network
experiment): with plasticity noise, a spiking Boltzmann machine that learns with SAL
ends closer to its target distribution than one without.

The DKL measured inside a learning run (bench/sal_boltzmann.py) is dominated by the
estimator's own bias: 200 000 steps hold about 4000 independent samples of 128 states.
As the paper code does (a validation run `val_factor` times longer than an iteration),
this script measures the *learned* network instead: after each learning run it reads
the final weights (/edges/W/0/syn_weight) and the recorded biases (glm_sampling's
`bias`), builds the same network with those values and no plasticity, samples it for
`--validation` steps and computes DKL(p* || p_sampled) over all of them.

Schedules: `reduced` is examples/sal_boltzmann.textproto as shipped (2000 iterations of
5000 steps, learning rates 0.01 / 0.01 / 0.1); `paper` is train_bm.py's (20 001
iterations of 50 000 steps, 0.001 / 0.001 / 0.002; about 9 minutes per run).

Usage:
  /usr/bin/python3 bench/sal_boltzmann_validation.py --spikeq build/release/tools/spikeq \
      --schedule reduced --seeds 1 2 3 4 5 6 7 8 9 10 --validation 20000000
"""
import argparse
import os
import re
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sal_boltzmann import N, dkl, example_target, spikeq_states, target_distribution  # noqa: E402

PAPER = [  # (pattern, replacement) turning the example into the paper's schedule
    (r"t_stop:\s*\d+", "t_stop: 1000050000"),
    (r"trial_duration:\s*\d+", "trial_duration: 50000 trials: 20001"),
    (r"eta_weight:\s*[0-9.]+", "eta_weight: 0.001"),
    (r"eta_bias:\s*[0-9.]+", "eta_bias: 0.001"),
    (r"eta_sal:\s*0\.1", "eta_sal: 0.002"),
    (r"interval:\s*50000 }", "interval: 5000000 }"),
]

FROZEN = """simulation {{ resolution: 1 dt: 1 t_stop: {t_stop} seed: {seed} }}
population {{
  name: "bm" size: {n}
  glm_sampling {{
    tau_ref: {tau_ref} tau_syn: {tau_syn} refractoriness: SAL_CODE
    bias {{ list {{ values: [{biases}] }} }}
  }}
}}
projection {{
  name: "W" source: "bm" target: "bm"
  all_to_all {{ allow_self_connections: false }}
  weight {{ list {{ values: [{weights}] }} }}
  delay {{ constant: 1 }}
  receptor_type: EXCITATORY
}}
recording {{ spikes {{ population: "bm" }} weights {{ projection: "W" interval: {t_stop} }} }}
"""


def sampled_counts(path, tau_ref, steps, chunk=2_000_000):
    """State histogram over steps [0, steps) of a frozen run, in chunks (memory)."""
    return sum(spikeq_states(path, "bm", tau_ref, t, min(t + chunk, steps)) for t in range(0, steps, chunk))


def learning_text(base, seed, sal_on, schedule):
    text = re.sub(r"seed:\s*\d+", f"seed: {seed}", base, count=1)
    if schedule == "paper":
        for pattern, new in PAPER:
            text = re.sub(pattern, new, text, count=1)
        text = re.sub(r"\n\s*spikes \{ population: \"bm\" \}", "", text)  # 10^9 steps of spikes: not needed
    if not sal_on:
        text = re.sub(r"eta_sal:\s*[0-9.]+", "eta_sal: 0", text)
    return text


def learned_parameters(path):
    """Final W (n x n, W[target, source] as the rule's) and biases of a learning run."""
    with h5py.File(path, "r") as f:
        src = np.asarray(f["/edges/W/source_node_id"])
        tgt = np.asarray(f["/edges/W/target_node_id"])
        w = np.asarray(f["/edges/W/0/syn_weight"], dtype=float)
        biases = np.asarray(f["/report/bm/data"][-1], dtype=float)
    matrix = np.zeros((N, N))
    matrix[tgt, src] = w
    return matrix, biases


def frozen_run(binary, matrix, biases, tau_ref, tau_syn, seed, steps, stem):
    # all_to_all creates source-major, targets ascending; checked against the file below.
    order = [(s, t) for s in range(N) for t in range(N) if s != t]
    text = FROZEN.format(t_stop=steps, seed=seed, n=N, tau_ref=tau_ref, tau_syn=tau_syn,
                         biases=", ".join(f"{b:.17g}" for b in biases),
                         weights=", ".join(f"{matrix[t, s]:.17g}" for s, t in order))
    with open(stem + ".textproto", "w") as f:
        f.write(text)
    if os.path.exists(stem + ".h5"):
        os.remove(stem + ".h5")
    subprocess.run([binary, "run", stem + ".textproto", "-o", stem + ".h5", "-q"], check=True)
    with h5py.File(stem + ".h5", "r") as f:
        got = np.zeros((N, N))
        got[np.asarray(f["/edges/W/target_node_id"]), np.asarray(f["/edges/W/source_node_id"])] = \
            np.asarray(f["/edges/W/0/syn_weight"])
    # Weights are single precision in the kernel (weight_type).
    assert np.array_equal(got, matrix.astype(np.float32).astype(float)), "frozen weights differ from the learned ones"
    return stem + ".h5"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", default="build/release/tools/spikeq")
    ap.add_argument("--example", default="examples/sal_boltzmann.textproto")
    ap.add_argument("--schedule", choices=["reduced", "paper"], default="reduced")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--validation", type=int, default=20_000_000, help="steps of frozen sampling per run")
    ap.add_argument("--outdir", default="/tmp/sal_boltzmann_validation")
    ap.add_argument("--figure", default=None, help="per-seed DKL with and without SAL (PNG)")
    cfg = ap.parse_args()

    os.makedirs(cfg.outdir, exist_ok=True)
    base = open(cfg.example).read()
    w_star, b_star = example_target(cfg.example)
    p_star, _, _ = target_distribution(w_star, b_star)
    tau_ref = int(re.search(r"tau_ref:\s*(\d+)", base).group(1))
    tau_syn = int(re.search(r"tau_syn:\s*(\d+)", base).group(1))
    rows = {}
    for seed in cfg.seeds:
        for sal_on in (False, True):
            stem = os.path.join(cfg.outdir, f"{cfg.schedule}_{seed}_{'sal' if sal_on else 'nosal'}")
            with open(stem + ".textproto", "w") as f:
                f.write(learning_text(base, seed, sal_on, cfg.schedule))
            if os.path.exists(stem + ".h5"):
                os.remove(stem + ".h5")
            tic = time.perf_counter()
            subprocess.run([cfg.spikeq, "run", stem + ".textproto", "-o", stem + ".h5", "-q"], check=True)
            learn_s = time.perf_counter() - tic
            matrix, biases = learned_parameters(stem + ".h5")
            asym = float(np.var((matrix - matrix.T)[np.triu_indices(N, 1)]))
            out = frozen_run(cfg.spikeq, matrix, biases, tau_ref, tau_syn, seed + 1000, cfg.validation,
                             stem + "_frozen")
            d = dkl(p_star, sampled_counts(out, tau_ref, cfg.validation))
            # The same network with W replaced by its symmetric part: what asymmetry alone costs.
            sym = frozen_run(cfg.spikeq, 0.5 * (matrix + matrix.T), biases, tau_ref, tau_syn, seed + 1000,
                             cfg.validation, stem + "_symmetrised")
            d_sym = dkl(p_star, sampled_counts(sym, tau_ref, cfg.validation))
            rows[(seed, sal_on)] = (d, d_sym, asym)
            print(f"seed {seed} {'SAL   ' if sal_on else 'no SAL'}: learning {learn_s:.0f} s; "
                  f"DKL {d:.4f} (symmetrised W: {d_sym:.4f}); asymmetry var {asym:.3e}", flush=True)
    print(f"\nschedule {cfg.schedule}, {cfg.validation} validation steps per run, seeds {cfg.seeds}")
    for sal_on in (False, True):
        v = np.array([rows[(s, sal_on)] for s in cfg.seeds])
        sd = v.std(axis=0, ddof=1) if len(cfg.seeds) > 1 else np.zeros(3)
        print(f"{'with SAL   ' if sal_on else 'without SAL'}: DKL {v[:, 0].mean():.4f} ± {sd[0]:.4f}   "
              f"symmetrised {v[:, 1].mean():.4f} ± {sd[1]:.4f}   asymmetry {v[:, 2].mean():.3e} ± {sd[2]:.3e}")
    wins = sum(rows[(s, True)][0] < rows[(s, False)][0] for s in cfg.seeds)
    diff = np.array([rows[(s, False)][0] - rows[(s, True)][0] for s in cfg.seeds])
    print(f"DKL(SAL) < DKL(no SAL) in {wins}/{len(cfg.seeds)} seeds; paired difference "
          f"{diff.mean():.4f} ± {diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0:.4f} (SE)")
    if cfg.figure:
        figure(rows, cfg.seeds, cfg.figure, f"T-SAL-5, {cfg.schedule} schedule, DKL of the learned network "
               f"({cfg.validation:.0e} frozen steps), seeds {cfg.seeds[0]}–{cfg.seeds[-1]}")
    return 0


def figure(rows, seeds, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    plain = np.array([rows[(s, False)][0] for s in seeds])
    sal = np.array([rows[(s, True)][0] for s in seeds])
    lim = (0, 1.1 * max(plain.max(), sal.max()))
    ax[0].plot(lim, lim, color="0.6", lw=1)
    ax[0].scatter(plain, sal, color="C1")
    for s, x, y in zip(seeds, plain, sal):
        ax[0].annotate(str(s), (x, y), textcoords="offset points", xytext=(4, 2), fontsize=7)
    ax[0].set_xlim(lim)
    ax[0].set_ylim(lim)
    ax[0].set_xlabel("DKL without SAL")
    ax[0].set_ylabel("DKL with SAL")
    ax[0].set_title("per seed (below the diagonal: SAL better)", fontsize=9)
    labels = ["without SAL", "without SAL,\nW symmetrised", "with SAL"]
    values = [plain, np.array([rows[(s, False)][1] for s in seeds]), sal]
    ax[1].bar(range(3), [v.mean() for v in values], yerr=[v.std(ddof=1) if len(v) > 1 else 0 for v in values],
              color=["C0", "0.6", "C1"], capsize=4)
    for k, v in enumerate(values):
        ax[1].scatter(np.full(len(v), k) + np.linspace(-0.2, 0.2, len(v)), v, color="k", s=8, zorder=3)
    ax[1].set_xticks(range(3))
    ax[1].set_xticklabels(labels)
    ax[1].set_ylabel("DKL(p* ‖ p_sampled), mean ± SD")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
