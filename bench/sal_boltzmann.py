#!/usr/bin/python3
"""T-SAL-5 (rules.md §3.5, §3.10): a spiking Boltzmann machine of 7 glm_sampling
neurons learning a target distribution with sleep-phase Hebbian plasticity under
plasticity noise, with and without SAL, in a numpy re-implementation of the paper
code's loop (unibe-cns/sal-code, scripts/ssn/train_bm.py with
neuralsampling/network.py and stdp_functions.py; read, not copied).

Per iteration (the code's NeuralSamplerFullyConnected.training_iteration):
  simulate `dur` steps of the sampler (logistic hazard sigma(u - ln t_ref), absolute
  refractoriness t_ref + 1 steps, rectangular PSP of t_ref - 1 steps after the spike);
  S_ij  = sum over nearest pairs of a_ij * max(0, 1 - |dt| / t_ref)   (symmetric)
  A_ij  = sum over nearest pairs of s_ij * (-(1 - dt/t_ref) causal, +(1 - |dt|/t_ref) anti-causal)
  W += lr_w (C*_ij - S_ij t_ref / dur) + lr_symm A_ij t_ref / dur,  clipped to +-2
  b += lr_b (p*_i - n_i t_ref / dur),                                clipped to +-2
with per-synapse amplitudes a, s ~ 1 + N(0, sigma^2) truncated at +-1.5 sigma.
Every `val_step`-th iteration is `val_factor` times longer and measures
DKL(p* || p_sampled) over the 2^7 states (state z_i = 1 while refractory, sampled
every step) and the asymmetry var(triu(W - W^T)).

spikeq runs examples/sal_boltzmann.textproto (the same rule as spikeq features:
boltzmann_sleep_hebbian with eta_sal > 0, and eta_sal = 0 without SAL) for each seed,
reads the asymmetry recorded during the run and computes the DKL from the recorded
spikes over the `window` steps before every 10th recorded point.

Usage:
  /usr/bin/python3 bench/sal_boltzmann.py --spikeq build/release/tools/spikeq \
      --seeds 1 2 3 4 5 --figure docs/figures/sal_boltzmann.png
"""
import argparse
import itertools
import json
import sys
import time

import numpy as np

N = 7


def target_distribution(w, b):
    """Exact p(z), <z_i z_j> and p(z_i = 1) over all 2^N states (the code's bm_to_probs)."""
    states = np.array(list(itertools.product((0, 1), repeat=len(b))), dtype=float)
    energy = -(0.5 * np.einsum("si,ij,sj->s", states, w, states) + states @ b)
    p = np.exp(-energy)
    p /= p.sum()
    coact = np.einsum("s,si,sj->ij", p, states, states)
    marg = np.diag(coact).copy()
    np.fill_diagonal(coact, 0.0)
    return p, coact, marg


def truncated_amplitudes(rng, sigma, shape):
    """1 + N(0, sigma^2) truncated at +-1.5 sigma (the code's draw_trunc_distr), by rejection."""
    x = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(x) > 1.5
    while bad.any():
        x[bad] = rng.normal(0.0, 1.0, size=bad.sum())
        bad = np.abs(x) > 1.5
    return 1.0 + sigma * x


def iteration(state, w, b, dur, t_ref, rng, a_hebb, a_sal, collect_states):
    """One sleep phase of `dur` steps; returns (S, A, counts, state histogram)."""
    last, pair_last = state
    log_tref = np.log(t_ref)
    stdp = np.zeros((N, N))
    sal = np.zeros((N, N))
    counts = np.zeros(N)
    hist = np.zeros(2**N) if collect_states else None
    powers = 1 << np.arange(N - 1, -1, -1)
    u_rand = rng.random((dur, N))
    for t in range(dur):
        since = t - last
        psp = ((since > 0) & (since < t_ref)).astype(float)  # rect_kernel: 0 < t - t_s < tau_syn
        u = b + w @ psp
        p = 1.0 / (1.0 + np.exp(-(u - log_tref)))
        fire = np.nonzero((u_rand[t] < p) & (since > t_ref))[0]
        for i in fire:  # the code's order: neuron index within a step
            dt = t - pair_last
            tri = np.where((dt > 0) & (dt < t_ref), 1.0 - dt / t_ref, 0.0)
            tri[i] = 0.0
            stdp[i] += a_hebb[i] * tri
            stdp[:, i] += a_hebb[:, i] * tri
            sal[i] -= a_sal[i] * tri
            sal[:, i] += a_sal[:, i] * tri
            pair_last[i] = t
            last[i] = t
            counts[i] += 1
        if collect_states:
            z = (t - last) < t_ref
            hist[int(z @ powers)] += 1
    return stdp, sal, counts, hist


def dkl(p, q_counts):
    q = q_counts / q_counts.sum()
    q = np.maximum(q, 1e-10)  # a state never visited: floor instead of infinity
    return float(np.sum(p * np.log(p / q)))


def run(seed, sal_on, cfg):
    t_rng = np.random.default_rng(4242 + seed)  # target W*, b*
    i_rng = np.random.default_rng(4343 + seed)  # initial state and amplitudes
    rng = np.random.default_rng(4444 + seed)  # sampling
    wt = 2.0 * t_rng.beta(1.0, 1.0, size=(N, N)) - 1.0
    wt = np.triu(wt, 1)
    wt = wt + wt.T
    bt = 2.0 * t_rng.beta(1.0, 1.0, size=N) - 1.0
    p_t, coact_t, marg_t = target_distribution(wt, bt)
    w = np.triu(i_rng.normal(0.0, cfg.weight_init, (N, N)), 1)
    w = w + w.T + i_rng.normal(0.0, cfg.init_noise, (N, N))
    np.fill_diagonal(w, 0.0)
    b = i_rng.normal(0.0, cfg.bias_init, N)
    a_hebb = truncated_amplitudes(i_rng, cfg.sigma, (N, N))
    a_sal = truncated_amplitudes(i_rng, cfg.sigma, (N, N))
    lr_symm = cfg.lr_symm if sal_on else 0.0
    curve = []
    steps = 0
    for it in range(cfg.iterations):
        val = it % cfg.val_step == 0
        dur = cfg.dur * (cfg.val_factor if val else 1)
        # The paper code starts every iteration's sampler afresh (no spike history).
        state = (np.full(N, -10**9), np.full(N, -10**9))
        stdp, sal, counts, hist = iteration(state, w, b, dur, cfg.t_ref, rng, a_hebb, a_sal, val)
        steps += dur
        w = w + cfg.lr_w * (coact_t - stdp / dur * cfg.t_ref)
        w = w + lr_symm * (sal / dur * cfg.t_ref)
        b = b + cfg.lr_b * (marg_t - counts / dur * cfg.t_ref)
        np.fill_diagonal(w, 0.0)
        w = np.clip(w, -2.0, 2.0)
        b = np.clip(b, -2.0, 2.0)
        if val:
            d = w - w.T
            curve.append((it, dkl(p_t, hist), float(np.var(d[np.triu_indices(N, 1)]))))
    return curve, steps


def spikeq_states(path, population, tau_ref, t0, t1):
    """Histogram of the 2^N states z(t) for steps t in [t0, t1) from recorded spikes
    (z_i = 1 in the tau_ref steps starting with the step of a spike, glm_sampling's z)."""
    import h5py
    with h5py.File(path, "r") as f:
        g = f["spikes"][population]
        ts = np.asarray(g["timestamps"])
        ids = np.asarray(g["node_ids"])
    n = int(ids.max()) + 1 if ids.size else N
    z_until = np.zeros((t1 - t0, n), dtype=bool)
    sel = (ts >= t0 - tau_ref) & (ts < t1)
    for t, i in zip(ts[sel].astype(np.int64), ids[sel]):
        a, b = max(t, t0) - t0, min(t + tau_ref, t1) - t0
        if b > a:
            z_until[a:b, i] = True
    powers = 1 << np.arange(n - 1, -1, -1)
    return np.bincount(z_until.astype(np.int64) @ powers, minlength=2**n).astype(float)


def spikeq_curves(path, target_w, target_b, tau_ref, window, population="bm", projection="W"):
    """(time, DKL over the `window` steps before it, asymmetry variance) at the
    alignment recorder's times of a spikeq run."""
    import h5py
    p_t, _, _ = target_distribution(target_w, target_b)
    with h5py.File(path, "r") as f:
        a = f["alignment"][projection]
        times = np.asarray(a["time"])
        var = np.asarray(a["variance_of_difference"])
    out = []
    for k, (t, v) in enumerate(zip(times, var)):
        t = int(round(t))
        if t < window or (k % 10 and k != len(times) - 1):  # DKL at every 10th point and the end
            continue
        out.append((t, dkl(p_t, spikeq_states(path, population, tau_ref, t - window, t)), float(v)))
    return out


def example_target(path):
    """W*, b* and tau_ref written in a network file (the example's fields)."""
    text = open(path).read()

    def numbers(field):
        i = text.index(field + ":")
        body = text[text.index("[", i) + 1:text.index("]", i)]
        return np.array([float(x) for x in body.replace("\n", " ").split(",")])

    w = numbers("target_weights")
    b = numbers("target_biases")
    return w.reshape(len(b), len(b)), b


def run_spikeq(binary, example, seeds, t_stop, window, outdir):
    """Runs the example with and without SAL for each seed; returns curves and wall time."""
    import os
    import re
    import subprocess
    import tempfile
    base = open(example).read()
    w, b = example_target(example)
    tau_ref = int(re.search(r"tau_ref:\s*(\d+)", base).group(1))
    results, wall, steps = {}, 0.0, 0
    os.makedirs(outdir, exist_ok=True)
    for seed in seeds:
        for sal_on in (False, True):
            text = re.sub(r"seed:\s*\d+", f"seed: {seed}", base, count=1)
            text = re.sub(r"t_stop:\s*\d+", f"t_stop: {t_stop}", text, count=1)
            if not sal_on:
                text = re.sub(r"eta_sal:\s*[0-9.]+", "eta_sal: 0", text)
            net = os.path.join(outdir, f"bm_{seed}_{int(sal_on)}.textproto")
            out = os.path.join(outdir, f"bm_{seed}_{int(sal_on)}.h5")
            with open(net, "w") as f:
                f.write(text)
            tic = time.perf_counter()
            if os.path.exists(out):
                os.remove(out)
            subprocess.run([binary, "run", net, "-o", out], check=True, stdout=subprocess.DEVNULL)
            wall += time.perf_counter() - tic
            steps += t_stop
            results[(seed, sal_on)] = spikeq_curves(out, w, b, tau_ref, window)
            it, d, a = results[(seed, sal_on)][-1]
            print(f"spikeq seed {seed} {'SAL   ' if sal_on else 'no SAL'}: t = {it} ms: DKL {d:.4f}  asym var {a:.3e}",
                  flush=True)
    return results, wall, steps


def summary(results, seeds, label):
    final = {k: v[-1] for k, v in results.items()}
    rows = []
    for sal_on in (False, True):
        d = np.array([final[(s, sal_on)][1] for s in seeds])
        a = np.array([final[(s, sal_on)][2] for s in seeds])
        rows.append((sal_on, d.mean(), d.std(ddof=1) if len(d) > 1 else 0.0, a.mean(), a.std(ddof=1) if len(a) > 1 else 0.0))
        print(f"{label} {'SAL   ' if sal_on else 'no SAL'}: DKL {rows[-1][1]:.4f} ± {rows[-1][2]:.4f}   "
              f"asym var {rows[-1][3]:.3e} ± {rows[-1][4]:.3e}")
    ratio = [final[(s, True)][2] / final[(s, False)][2] for s in seeds]
    wins = sum(final[(s, True)][1] < final[(s, False)][1] for s in seeds)
    print(f"{label} asym(SAL)/asym(no SAL) per seed: {', '.join(f'{r:.4f}' for r in ratio)}; "
          f"DKL(SAL) < DKL(no SAL) in {wins}/{len(seeds)} seeds")
    return rows


def figure(results, seeds, path, title, xscale=1.0, xlabel="iteration"):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    for (seed, sal_on), curve in results.items():
        c = np.array(curve)
        col = "C1" if sal_on else "C0"
        lab = ("with SAL" if sal_on else "without SAL") if seed == seeds[0] else None
        ax[0].plot(c[:, 0] * xscale, c[:, 2], color=col, alpha=0.7, label=lab)
        ax[1].plot(c[:, 0] * xscale, c[:, 1], color=col, alpha=0.7, label=lab)
    ax[0].set_yscale("log")
    ax[0].set_ylabel("asymmetry var(triu(W - Wᵀ))")
    ax[1].set_yscale("log")
    ax[1].set_ylabel("DKL(p* ‖ p_sampled)")
    for a in ax:
        a.set_xlabel(xlabel)
        a.legend()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", default="build/release/tools/spikeq", help="the spikeq binary")
    ap.add_argument("--example", default="examples/sal_boltzmann.textproto")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--t-stop", dest="t_stop", type=int, default=10_000_000, help="spikeq: ms (= steps)")
    ap.add_argument("--window", type=int, default=200_000, help="spikeq: steps of states per DKL")
    ap.add_argument("--outdir", default="/tmp/sal_boltzmann_runs")
    ap.add_argument("--numpy-iterations", dest="numpy_iterations", type=int, default=20,
                    help="iterations of the numpy loop timed (the reduced schedule has 2000)")
    ap.add_argument("--iterations", type=int, default=2000, help="numpy: iterations (reduced: 2000)")
    ap.add_argument("--t-ref", dest="t_ref", type=int, default=50)
    ap.add_argument("--dur", type=int, default=5000, help="numpy: steps per iteration")
    ap.add_argument("--val-step", dest="val_step", type=int, default=100)
    ap.add_argument("--val-factor", dest="val_factor", type=int, default=1)
    ap.add_argument("--lr-w", dest="lr_w", type=float, default=0.01)
    ap.add_argument("--lr-b", dest="lr_b", type=float, default=0.01)
    ap.add_argument("--lr-symm", dest="lr_symm", type=float, default=0.1)
    ap.add_argument("--sigma", type=float, default=0.05)
    ap.add_argument("--init-noise", dest="init_noise", type=float, default=0.2)
    ap.add_argument("--weight-init", dest="weight_init", type=float, default=0.2)
    ap.add_argument("--bias-init", dest="bias_init", type=float, default=0.2)
    ap.add_argument("--numpy-learning", dest="numpy_learning", action="store_true",
                    help="also run the numpy loop's whole schedule for every seed (slow)")
    ap.add_argument("--figure", default=None)
    cfg = ap.parse_args()

    # spikeq: the reduced schedule, with and without SAL, per seed.
    results, wall, steps = run_spikeq(cfg.spikeq, cfg.example, cfg.seeds, cfg.t_stop, cfg.window, cfg.outdir)
    print(f"spikeq: {steps} steps in {wall:.2f} s = {steps / wall:.3g} steps/s "
          f"(wall time of the runs, output included)")
    summary(results, cfg.seeds, "spikeq")
    if cfg.figure:
        figure(results, cfg.seeds, cfg.figure,
               f"T-SAL-5 in spikeq: 7 neurons, σ = 0.05, τ_ref = 50, 5000 steps per iteration, seeds {cfg.seeds}",
               xscale=1.0 / 5000.0)

    # numpy: the paper's loop, timed on numpy_iterations iterations of the same schedule.
    timing = argparse.Namespace(**vars(cfg))
    timing.iterations = cfg.numpy_iterations
    timing.val_step = 10**9
    tic = time.perf_counter()
    _, np_steps = run(cfg.seeds[0], True, timing)
    np_wall = time.perf_counter() - tic
    rate = np_steps / np_wall
    print(f"numpy: {np_steps} steps in {np_wall:.2f} s = {rate:.3g} steps/s; "
          f"reduced schedule ({cfg.t_stop} steps) projected {cfg.t_stop / rate:.0f} s per run")
    full = 20001 * 50000
    print(f"paper's full schedule (20 001 x 50 000 = {full:.3g} steps, validation runs not counted): "
          f"spikeq {full / (steps / wall):.0f} s, numpy {full / rate:.0f} s projected")
    if cfg.numpy_learning:
        np_results = {}
        for seed in cfg.seeds:
            for sal_on in (False, True):
                np_results[(seed, sal_on)], _ = run(seed, sal_on, cfg)
        summary(np_results, cfg.seeds, "numpy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
