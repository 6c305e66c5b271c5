#!/usr/bin/python3
"""Yamada & Chao 2025's "what/when" prediction paradigm with spikeq
(examples/reservoir_prediction.textproto; docs/models/reservoir_prediction.md).

Runs three variants of the example through `spikeq run`:
  latency      the example: outcome A (p 0.8) or B (p 0.2) 500 ms after the cue,
               the latency switches to 700 ms at trial 300;
  probability  the same, but at trial 300 the probabilities switch to 0.2 / 0.8
               (latency stays 500 ms);
  evoked       the first 300 trials of the latency example, with outcome stimuli that
               also reach the reservoir (A: a 20 ms pulse of 10 into exc 200-299, B: into
               exc 300-399), so that the readouts can see which outcome occurred (for
               the what/when angle).
Each has the local rule's readouts (what = [A, B], OFFLINE; when, ONLINE) and two FORCE
(RLS) readouts [A, B, when] on the same reservoir, one of which restarts P at the switch.

Definitions (offsets are ms after the cue, i.e. after each trial's start):
  response      the readout's prediction on one trial: its output with the weights it had
                at the trial's start (from the recorded spikes and weight frames), frames
                every 5 ms, offsets 0-995 ms; the recorded y of ONLINE and RLS readouts
                also holds what they learn during the trial (column "recorded y");
  peak          largest value of a response (or of a trial average) in 0-1000 ms
                (the learning phase) and its offset;
  learned       trial average over the 100 trials before the switch ("pre") and the
                last 100 trials ("post");
  relative      peak of a what readout / peak of the same rule's when readout;
  trailing mean the average response of the last 5 trials up to trial j (fewer just
                after the switch: only trials after it count);
  adapt         latency switch: the number of trials after the switch up to and
                including trial j, for the first j at which the trailing mean peaks
                within +-50 ms of the new outcome time (700 ms) on 10 consecutive
                trials (j .. j+9); probability switch: the same with "B's trailing mean
                peak above A's" (swap) and with "A within 0.1 of 0.2 and B within 0.1
                of 0.8" (reach; amplitudes = largest value within +-50 ms of 500 ms);
                "never" if it does not happen before the run ends (200 trials);
  learn         the same test from trial 0 against the first regime (peak within +-50
                ms of 500 ms, amplitude within 0.1 of p, or of 1 for when);
  angle         between the lines spanned by two readout weight vectors (0-90 degrees;
                800 excitatory inputs each), from /report/<projection> at the switch and
                /edges/<projection> at the end; "(A-B)" is the identity axis w_A - w_B.
  --scan        the best cross-validated linear readout of a 50 ms box at 300, 500 and
                700 ms for variants of the reservoir (a bound for any learning rule).

Usage (from the repository root; python3-numpy, -h5py, -matplotlib from Debian):
    /usr/bin/python3 bench/reservoir_prediction.py [--spikeq build/release/tools/spikeq]
        [--variants latency probability evoked] [--seed 1] [--plot PATH] [--keep DIR] [--reuse]
    /usr/bin/python3 bench/reservoir_prediction.py --scan     # the reservoir design choices
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import spikeq_analysis as sa  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "reservoir_prediction.textproto")
FRAME_MS = 5.0
OFFSETS = np.arange(0.0, 1000.0, FRAME_MS)
SEARCH = (OFFSETS >= 0.0) & (OFFSETS < 1000.0)  # the learning phase
BLOCK = 100          # trials in the "pre" and "post" averages
TRAIL = 5            # trailing-mean length
CONSECUTIVE = 10     # trials a criterion must hold for
TOLERANCE_MS = 50.0
TRIAL_MS = 1550.0
EVOKED_TRIALS = 300  # the evoked variant stops before the switch
AMPLITUDE_TOLERANCE = 0.1

# (label, report group, column, which when readout it is compared with)
READOUTS = [
    ("what A", "what", 0, ("when", 0)),
    ("what B", "what", 1, ("when", 0)),
    ("when", "when", 0, None),
    ("FORCE A", "force", 0, ("force", 2)),
    ("FORCE B", "force", 1, ("force", 2)),
    ("FORCE when", "force", 2, None),
    ("FORCE-reset A", "force_reset", 0, ("force_reset", 2)),
    ("FORCE-reset B", "force_reset", 1, ("force_reset", 2)),
    ("FORCE-reset when", "force_reset", 2, None),
]
RULES = {"what": "local, OFFLINE", "when": "local, ONLINE", "force": "FORCE, no reset",
         "force_reset": "FORCE, reset at switch"}


def variant_text(name):
    text = open(EXAMPLE).read()
    if name == "latency":
        return text
    if name == "probability":
        out, n = re.subn(r"change \{ trial: (\d+) latency: 700 ", r"change { trial: \1 probabilities: [0.2, 0.8] ",
                         text)
    elif name == "evoked":
        stim = {"A": range(200, 300), "B": range(300, 400)}
        out, n = text, 0
        for o, ids in stim.items():
            line = (f'    stimulus {{ target: "exc" neurons: [{", ".join(map(str, ids))}] amplitude: 10 '
                    f'duration: 20 }}\n')
            out, k = re.subn(rf'(    name: "{o}"\n    probability: [0-9.]+\n)', lambda m: m.group(1) + line, out)
            n += k
        n = n == 2
    else:
        raise SystemExit("unknown variant " + name)
    if not n:
        raise SystemExit(f"could not make the {name} variant from {EXAMPLE}")
    return out


def run(spikeq, network, output, seed, t_stop=None):
    start = time.perf_counter()
    extra = [] if t_stop is None else ["--t-stop", str(t_stop)]
    subprocess.run([spikeq, "run", network, "-o", output, "--seed", str(seed), "-q"] + extra, check=True)
    return time.perf_counter() - start


def analyse_evoked(path):
    """The evoked variant (no switch: its first 300 trials): the readouts' predictions
    at the outcome time (before the stimulus can reach them) and their peaks on A and
    on B trials (after it), over the last 100 trials, and the weight angles at the end."""
    protocol = sa.load_protocol(path)
    Y = predictions(path, protocol)
    n = min(y.shape[0] for y in Y.values())
    outcome = protocol["outcome"][:n].astype(int)
    last = np.arange(n - BLOCK, n)
    at = int(np.flatnonzero(OFFSETS == 500.0)[0])
    rows = []
    for label, group, col, _ in READOUTS:
        y = Y[group][:, :, col]
        row = dict(label=label, rule=RULES[group], at_outcome=float(y[last, at].mean()))
        for o, name in enumerate(("A", "B")):
            trials = last[outcome[last] == o]
            row["peak_" + name] = peak(y[trials].mean(0)) if len(trials) else (float("nan"), float("nan"))
        rows.append(row)
    w_what, w_when, w_force = (weight_matrices(path, p, n)[1] for p in ("exc_to_what", "exc_to_when", "exc_to_force"))
    return dict(rows=rows, angles={"end": angle_table(w_what, w_when, w_force)}, trials=n)


def report_evoked(res, wall):
    print(f"\n=== evoked: {res['trials']} trials, wall {wall:.1f} s (outcome stimuli also reach the reservoir)")
    print("| readout | rule | y at the outcome time (500 ms) | peak on A trials (ms / y) | peak on B trials (ms / y) |")
    print("|---|---|---|---|---|")
    for row in res["rows"]:
        pa, pb = row["peak_A"], row["peak_B"]
        print(f"| {row['label']} | {row['rule']} | {row['at_outcome']:.2f} | {pa[0]:.0f} / {pa[1]:.2f} | "
              f"{pb[0]:.0f} / {pb[1]:.2f} |")
    print_angles(res["angles"])


def responses(path, protocol):
    """{group: array [trials, offsets, columns]} of the readouts' y."""
    out = {}
    for group in ("what", "when", "force", "force_reset"):
        t, _, data = sa.load_report(path, group)
        step = t[1] - t[0]
        assert abs(step - FRAME_MS) < 1e-9 and abs(t[0]) < 1e-9
        idx = np.round((protocol["trial_start"][:, None] + OFFSETS[None, :]) / step).astype(int)
        keep = idx[:, -1] < data.shape[0]
        out[group] = data[idx[keep]]
    return out


def weight_frames(path, projection):
    """[frames, readout neurons, exc neurons]: the weights at t = 0, trial_duration, ..."""
    import h5py
    with h5py.File(path, "r") as f:
        e = f["edges"][projection]
        src, tgt = e["source_node_id"][:].astype(int), e["target_node_id"][:].astype(int)
        g = f["report"][projection]
        ids = g["mapping/element_ids"][:].astype(int)
        data = g["data"][:]
    out = np.zeros((data.shape[0], tgt.max() + 1, src.max() + 1))
    out[:, tgt[ids], src[ids]] = data
    return out


def predictions(path, protocol, tau_ms=30.0, delay_ms=1.0, chunk=50):
    """{group: [trials, offsets, columns]}: each readout's output on each trial with the
    weights it had at the trial's start, y_k(t) = sum_j W_kj(start) r_j(t), from the
    recorded excitatory spikes (each reaches the readout delay_ms later; r_j: +1 per
    spike, decay tau_ms). This is the readout's prediction before it learns from the
    trial; the recorded y of ONLINE and RLS readouts also contains what they learn
    during the trial (for OFFLINE readouts both are the same)."""
    import h5py
    with h5py.File(path, "r") as f:
        t = f["spikes/exc/timestamps"][:]
        ids = f["spikes/exc/node_ids"][:].astype(int)
    starts = protocol["trial_start"]
    W = {g: weight_frames(path, "exc_to_" + g) for g in ("what", "when", "force", "force_reset")}
    n = min(len(starts), min(w.shape[0] for w in W.values()))
    lead = 200  # ms of history before the cue (the reservoir is silent then; rebound spikes decay)
    span = lead + int(OFFSETS[-1]) + 1
    frames = (lead + OFFSETS).astype(int)
    decay = np.exp(-1.0 / tau_ms)
    out = {g: np.zeros((n, len(OFFSETS), w.shape[1])) for g, w in W.items()}
    order = np.argsort(t, kind="stable")
    t, ids = t[order], ids[order]
    for first in range(0, n, chunk):
        ks = np.arange(first, min(first + chunk, n))
        counts = np.zeros((len(ks), span, 800))
        for i, k in enumerate(ks):
            lo, hi = np.searchsorted(t, [starts[k] - lead - delay_ms, starts[k] + span - lead - delay_ms])
            arrival = t[lo:hi] + delay_ms - (starts[k] - lead)
            # an input arriving in (T - 1, T] is in the readout's state at T
            np.add.at(counts[i], (np.ceil(arrival - 1e-9).astype(int), ids[lo:hi]), 1.0)
        r = np.zeros((len(ks), len(OFFSETS), 800))
        acc = np.zeros((len(ks), 800))
        fi = 0
        for m in range(span):
            acc = acc * decay + counts[:, m]
            while fi < len(frames) and frames[fi] == m:
                r[:, fi] = acc
                fi += 1
        for g, w in W.items():
            out[g][ks] = np.einsum("tfj,tkj->tfk", r, w[ks])
    return out


def peak(curve):
    k = np.flatnonzero(SEARCH)[int(np.argmax(curve[SEARCH]))]
    return float(OFFSETS[k]), float(curve[k])


def amplitude_near(curve, latency):
    m = np.abs(OFFSETS - latency) <= TOLERANCE_MS
    return float(curve[m].max())


def trailing_means(r, first):
    """Trailing means of trials first, first+1, ... (each of up to TRAIL trials, none before first)."""
    c = np.cumsum(r[first:], axis=0)
    out = np.empty_like(c)
    for j in range(c.shape[0]):
        lo = j - TRAIL
        out[j] = (c[j] - (c[lo] if lo >= 0 else 0.0)) / min(TRAIL, j + 1)
    return out


def first_sustained(ok):
    """1 + the first j with ok[j .. j+CONSECUTIVE-1] all true; None if none."""
    ok = np.asarray(ok, dtype=bool)
    for j in range(len(ok) - CONSECUTIVE + 1):
        if ok[j:j + CONSECUTIVE].all():
            return j + 1
    return None


def angle(u, v):
    """Angle between the lines spanned by u and v (0-90 degrees)."""
    c = abs(float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))))
    return float(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))


def weight_matrices(path, projection, frame):
    """(W at the frame, W at the end) as [readout neuron, exc neuron]."""
    edges = sa.load_edges(path)[projection]
    src, tgt = edges["source"].astype(int), edges["target"].astype(int)
    final = np.zeros((tgt.max() + 1, src.max() + 1))
    final[tgt, src] = edges["final"]
    import h5py
    with h5py.File(path, "r") as f:
        g = f["report"][projection]
        ids = g["mapping/element_ids"][:].astype(int)
        row = g["data"][frame]
    at = np.zeros_like(final)
    at[tgt[ids], src[ids]] = row
    return at, final


def angles(path, switch_trial):
    frame = switch_trial  # the weight reports hold one frame per trial_duration from t = 0
    w_what = weight_matrices(path, "exc_to_what", frame)
    w_when = weight_matrices(path, "exc_to_when", frame)
    w_force = weight_matrices(path, "exc_to_force", frame)
    return {label: angle_table(w_what[k], w_when[k], w_force[k]) for label, k in (("switch", 0), ("end", 1))}


def angle_table(w_what, w_when, w_force):
    """Angles between the local rule's (what A, what B, when) and FORCE's (A, B, when) weights."""
    out = {}
    for rule, (a, b, t) in (("local", (w_what[0], w_what[1], w_when[0])),
                            ("FORCE", (w_force[0], w_force[1], w_force[2]))):
        out[rule] = dict(A_when=angle(a, t), B_when=angle(b, t), A_B=angle(a, b), whataxis_when=angle(a - b, t))
    return out


def analyse(path, variant):
    protocol = sa.load_protocol(path)
    n = len(protocol["trial_start"])
    lat = protocol["outcome_time"] - protocol["trial_start"]
    switch = int(np.flatnonzero(np.diff(lat) != 0)[0] + 1) if np.any(np.diff(lat) != 0) else None
    outcome = protocol["outcome"].astype(int)
    if switch is None:  # a probability switch leaves the latency alone: find it from the network text
        text = open(EXAMPLE).read()
        switch = int(re.search(r"change \{ trial: (\d+)", text).group(1))
    R = predictions(path, protocol)
    recorded = responses(path, protocol)
    n = min(n, min(r.shape[0] for r in R.values()))
    p_before = {"A": 0.8, "B": 0.2}
    lat_before = float(lat[0])
    lat_after = float(lat[switch]) if switch < n else lat_before
    rows = []
    for label, group, col, ref in READOUTS:
        r = R[group][:n, :, col]
        target_name = label.split()[-1]
        pre = r[switch - BLOCK:switch].mean(0)
        post = r[n - BLOCK:n].mean(0)
        row = dict(label=label, group=group, rule=RULES[group])
        row["pre_time"], row["pre_amp"] = peak(pre)
        row["post_time"], row["post_amp"] = peak(post)
        row["pre_curve"], row["post_curve"] = pre, post
        row["pre_recorded"] = peak(recorded[group][switch - BLOCK:switch, :, col].mean(0))[1]
        row["pre_recorded_curve"] = recorded[group][switch - BLOCK:switch, :, col].mean(0)
        if ref is not None:
            rr = R[ref[0]][:n, :, ref[1]]
            row["pre_rel"] = row["pre_amp"] / peak(rr[switch - BLOCK:switch].mean(0))[1]
            row["post_rel"] = row["post_amp"] / peak(rr[n - BLOCK:n].mean(0))[1]
        # learning from trial 0
        tm = trailing_means(r[:switch], 0)
        pb = 1.0 if target_name == "when" else p_before[target_name]
        ok = [abs(peak(c)[0] - lat_before) <= TOLERANCE_MS and abs(peak(c)[1] - pb) <= AMPLITUDE_TOLERANCE
              for c in tm]
        row["learn"] = first_sustained(ok)
        # after the switch
        ta = trailing_means(r[:n], switch)
        row["trailing_after"] = ta
        if variant == "probability":
            row["adapt"] = None
        else:
            row["adapt"] = first_sustained([abs(peak(c)[0] - lat_after) <= TOLERANCE_MS for c in ta])
        row["peak_times"] = np.array([peak(c)[0] for c in trailing_means(r[:n], 0)])
        row["amplitudes"] = np.array([amplitude_near(c, lat[min(j, n - 1)]) for j, c in
                                      enumerate(trailing_means(r[:n], 0))])
        rows.append(row)
    by = {row["label"]: row for row in rows}
    if variant == "probability":
        for prefix in ("what", "FORCE", "FORCE-reset"):
            a, b = by[prefix + " A"], by[prefix + " B"]
            amp_a = np.array([amplitude_near(c, lat_after) for c in a["trailing_after"]])
            amp_b = np.array([amplitude_near(c, lat_after) for c in b["trailing_after"]])
            a["swap"] = b["swap"] = first_sustained(amp_b > amp_a)
            a["reach"] = b["reach"] = first_sustained((np.abs(amp_a - 0.2) <= AMPLITUDE_TOLERANCE) &
                                                      (np.abs(amp_b - 0.8) <= AMPLITUDE_TOLERANCE))
    return dict(rows=rows, by=by, switch=switch, trials=n, predictions=R, outcome=outcome[:n], lat_before=lat_before,
                lat_after=lat_after, fraction_A=float(np.mean(outcome[:switch] == 0)),
                angles=angles(path, switch), protocol=protocol)


def fmt_trials(x, remaining):
    return f"never (> {remaining})" if x is None else str(x)


def report(name, res, wall):
    n, switch = res["trials"], res["switch"]
    print(f"\n=== {name}: {n} trials, switch at trial {switch}, wall {wall:.1f} s; "
          f"A in {100 * res['fraction_A']:.1f} % of the first {switch} trials")
    head = ("| readout | rule | pre: peak (ms) | pre: amplitude | pre: / when | pre: recorded y | learn (trials) | "
            "post: peak (ms) | post: amplitude | post: / when | adapt (trials) |")
    if name == "probability":
        head = head.replace("adapt (trials) |", "swap (trials) | reach 0.2/0.8 (trials) |")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for row in res["rows"]:
        rel_pre = f"{row['pre_rel']:.2f}" if "pre_rel" in row else "-"
        rel_post = f"{row['post_rel']:.2f}" if "post_rel" in row else "-"
        cells = [row["label"], row["rule"], f"{row['pre_time']:.0f}", f"{row['pre_amp']:.2f}", rel_pre,
                 f"{row['pre_recorded']:.2f}",
                 fmt_trials(row["learn"], switch), f"{row['post_time']:.0f}", f"{row['post_amp']:.2f}", rel_post]
        if name == "probability":
            cells += [fmt_trials(row.get("swap"), n - switch) if "swap" in row else "-",
                      fmt_trials(row.get("reach"), n - switch) if "reach" in row else "-"]
        else:
            cells.append(fmt_trials(row["adapt"], n - switch))
        print("| " + " | ".join(cells) + " |")
    print_angles(res["angles"])


def print_angles(angles_):
    print("angles (degrees) between readout weight vectors:")
    for when_label, d in angles_.items():
        for rule, a in d.items():
            print(f"  {when_label:6s} {rule:5s}: A-when {a['A_when']:5.1f}, B-when {a['B_when']:5.1f}, "
                  f"A-B {a['A_B']:5.1f}, (A-B)-when {a['whataxis_when']:5.1f}")


def raster_order(path, protocol, trials):
    import h5py
    with h5py.File(path, "r") as f:
        t = f["spikes/exc/timestamps"][:]
        ids = f["spikes/exc/node_ids"][:].astype(int)
    start = protocol["trial_start"]
    counts = np.zeros((800, 100))
    for k in trials:
        m = (t >= start[k]) & (t < start[k] + 1000.0)
        np.add.at(counts, (ids[m], ((t[m] - start[k]) // 10).astype(int)), 1.0)
    active = counts.sum(1) > 0
    order = np.lexsort((np.arange(800), np.argmax(counts, axis=1)))
    order = order[active[order]]
    rank = np.full(800, -1)
    rank[order] = np.arange(len(order))
    return t, ids, rank


def plot(results, path_latency, out_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.gridspec import GridSpec

    plt.rcParams.update({"font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8, "legend.fontsize": 7,
                         "axes.spines.top": False, "axes.spines.right": False})
    lat = results["latency"]
    prob = results.get("probability")
    fig = plt.figure(figsize=(11.5, 7.2))
    gs = GridSpec(2, 3, figure=fig, hspace=0.55, wspace=0.32)
    c_local, c_force, c_reset = "#1b6ca8", "#c0392b", "#7f8c8d"

    # (a) raster of one trial, neurons ordered by their preferred time over trials before the switch
    ax = fig.add_subplot(gs[0, 0])
    sw = lat["switch"]
    t, ids, rank = raster_order(path_latency, lat["protocol"], range(sw - BLOCK, sw))
    for k, colour, size in ((sw - 2, "#f0a04b", 2.6), (sw - 1, "k", 0.9)):
        s = lat["protocol"]["trial_start"][k]
        m = (t >= s) & (t < s + 1000.0) & (rank[ids] >= 0)
        ax.plot(t[m] - s, rank[ids[m]], ".", ms=size, color=colour, mew=0, label=f"trial {k}", rasterized=True)
    ax.axvspan(500, 550, color="0.85", zorder=0)
    ax.set_xlim(0, 1000)
    ax.set_xlabel("time after cue (ms)")
    ax.set_ylabel("excitatory neuron\n(ordered by preferred time)")
    ax.set_title("a  reservoir: two trials, same ordering", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 1.0), markerscale=6, frameon=True, framealpha=0.9,
              edgecolor="none")

    # (b) learned responses before the switch
    ax = fig.add_subplot(gs[0, 1])
    by = lat["by"]
    for label, colour, ls in (("when", c_local, "-"), ("what A", c_local, "--"), ("what B", c_local, ":"),
                              ("FORCE when", c_force, "-"), ("FORCE A", c_force, "--"), ("FORCE B", c_force, ":")):
        ax.plot(OFFSETS, by[label]["pre_curve"], ls=ls, color=colour, lw=1.3,
                label=("local " + label) if not label.startswith("FORCE") else label)
    ax.axvspan(500, 550, color="0.85", zorder=0)
    for y in (0.2, 0.8, 1.0):
        ax.axhline(y, color="0.6", lw=0.5, ls="-", zorder=0)
    ax.set_xlim(0, 1000)
    ax.set_xlabel("time after cue (ms)")
    ax.set_ylabel("readout y (trial average)")
    ax.set_title(f"b  learned: trials {sw - BLOCK}-{sw - 1} (A p=0.8, B p=0.2)", loc="left")
    ax.legend(ncol=2, frameon=False, loc="upper left")

    # (c) the local when readout around the latency switch, trial by trial
    ax = fig.add_subplot(gs[0, 2])
    r = lat["predictions"]["when"][:, :, 0]
    lo, hi = sw - 20, min(sw + 60, r.shape[0])
    im = ax.imshow(r[lo:hi], aspect="auto", origin="lower", cmap="viridis", vmin=0, vmax=1.1,
                   extent=(0, 1000, lo - 0.5, hi - 0.5), interpolation="nearest")
    ax.axhline(sw - 0.5, color="w", lw=0.8, ls="--")
    ax.set_xlabel("time after cue (ms)")
    ax.set_ylabel("trial")
    ax.set_title("c  local 'when' readout across the switch", loc="left")
    fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02, label="y")

    # (d) peak time vs trial (latency switch)
    ax = fig.add_subplot(gs[1, 0])
    x = np.arange(lat["trials"])
    for label, colour, lw, ls in (("FORCE-reset when", c_reset, 1.2, "--"), ("FORCE when", c_force, 1.2, "-"),
                                  ("what A", "#5dade2", 1.0, "-"), ("when", c_local, 1.4, "-")):
        ax.plot(x, by[label]["peak_times"], color=colour, lw=lw, ls=ls,
                label={"when": "local when (ONLINE)", "what A": "local what A (OFFLINE)",
                       "FORCE when": "FORCE, no reset", "FORCE-reset when": "FORCE, P reset"}[label])
    ax.axvline(sw, color="k", lw=0.6, ls="--")
    for y in (lat["lat_before"], lat["lat_after"]):
        ax.axhspan(y - TOLERANCE_MS, y + TOLERANCE_MS, color="0.9", zorder=0)
    ax.set_xlim(sw - 50, lat["trials"])
    ax.set_ylim(100, 1000)
    ax.set_xlabel("trial")
    ax.set_ylabel("peak time (ms, 5-trial mean)")
    ax.set_title("d  latency switch 500 -> 700 ms", loc="left")
    handles, labels_ = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels_[::-1], frameon=False, loc="lower right")

    # (e) amplitudes vs trial (probability switch)
    ax = fig.add_subplot(gs[1, 1])
    if prob is not None:
        bp = prob["by"]
        sp = prob["switch"]
        xp = np.arange(prob["trials"])
        for prefix, colour, name in (("what", c_local, "local (OFFLINE)"), ("FORCE", c_force, "FORCE, no reset"),
                                     ("FORCE-reset", c_reset, "FORCE, P reset")):
            ax.plot(xp, bp[prefix + " A"]["amplitudes"], color=colour, lw=1.2, label=name + ": A")
            ax.plot(xp, bp[prefix + " B"]["amplitudes"], color=colour, lw=1.2, ls=":", label=name + ": B")
        ax.axvline(sp, color="k", lw=0.6, ls="--")
        for y in (0.2, 0.8):
            ax.axhline(y, color="0.6", lw=0.5)
        ax.set_xlim(sp - 50, prob["trials"])
        ax.set_ylim(-0.05, 1.15)
        ax.set_title("e  probability switch 0.8/0.2 -> 0.2/0.8", loc="left")
        ax.legend(ncol=3, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=6.5,
                  columnspacing=1.0, handlelength=1.8)
    ax.set_xlabel("trial")
    ax.set_ylabel("amplitude at 500 ± 50 ms (5-trial mean)")

    # (f) angles
    ax = fig.add_subplot(gs[1, 2])
    groups = [("latency", "outcome only as\nteacher signal"), ("evoked", "outcome stimuli\nalso in reservoir")]
    labels, local, force, xx, x0 = [], [], [], [], 0.0
    for variant, group_name in groups:
        if variant not in results:
            continue
        a = results[variant]["angles"]["end"]
        for key, name in (("A_when", "$w_A$\nvs $w_{when}$"), ("whataxis_when", "$w_A - w_B$\nvs $w_{when}$")):
            labels.append(name)
            local.append(a["local"][key])
            force.append(a["FORCE"][key])
            xx.append(x0)
            x0 += 1.0
        ax.text(x0 - 1.5, -0.17, group_name, transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=7)
        x0 += 0.5
    xx = np.array(xx)
    ax.bar(xx - 0.18, local, 0.36, color=c_local, label="local rule (what OFFLINE, when ONLINE)")
    ax.bar(xx + 0.18, force, 0.36, color=c_force, label="FORCE (RLS)")
    ax.axhline(90, color="0.5", lw=0.6, ls="--")
    ax.set_xticks(xx)
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("angle between weight vectors (deg)")
    ax.set_title("f  'what' vs 'when' readout weights (end)", loc="left")
    ax.legend(frameon=False, loc="upper left")

    fig.suptitle("Yamada & Chao what/when paradigm in spikeq (examples/reservoir_prediction.textproto; "
                 "bench/reservoir_prediction.py)", fontsize=9)
    fig.savefig(out_path, dpi=150, bbox_inches="tight")
    print("figure:", out_path)


# Reservoir variants for --scan: (name, [(old, new) substitutions in the example]).
DELAY = "delay { uniform { low: 1 high: 150 } }"
SPARSE = ("fixed_number_post { n: 2 allow_self_connections: false }\n  weight { uniform { low: 0 high: 60 } }")
DENSE = ("fixed_probability { p: 0.1 allow_self_connections: false }\n  weight { uniform { low: 0 high: 5 } }")
SILENCING = re.compile(r'  cue \{ target: \["exc", "inh"\] amplitude: -[^\n]*\n')
NOISE5 = ("normal { mean: 0 std: 1 }", "normal { mean: 0 std: 5 }")  # net.m's excitatory noise, 5 randn
SCAN = [
    ("example: sparse strong, delays 1-150 ms", []),
    ("delays 1-100 ms", [(DELAY, DELAY.replace("150", "100"))]),
    ("delays 1-50 ms", [(DELAY, DELAY.replace("150", "50"))]),
    ("delays 1-20 ms", [(DELAY, DELAY.replace("150", "20"))]),
    ("no inter-trial silencing", [SILENCING]),
    ("dense weak (p 0.1, U(0, 5)), noise SD 5, delay 1 ms",
     [(SPARSE, DENSE), NOISE5, (DELAY, "delay { constant: 1 }")]),
    ("dense weak (p 0.1, U(0, 5)), noise SD 5, delays 1-150 ms", [(SPARSE, DENSE), NOISE5]),
]
SCAN_TRIALS = 100


def exc_traces(path, protocol, n, tau_ms=30.0):
    """[trials, offsets, 800]: the exponential traces r_j of the excitatory neurons."""
    import h5py
    with h5py.File(path, "r") as f:
        t = f["spikes/exc/timestamps"][:]
        ids = f["spikes/exc/node_ids"][:].astype(int)
    decay = np.exp(-FRAME_MS / tau_ms)
    counts = np.zeros((n, len(OFFSETS), 800))
    k = np.searchsorted(protocol["trial_start"], t, side="right") - 1
    offset = t - protocol["trial_start"][np.maximum(k, 0)]
    m = (k >= 0) & (k < n) & (offset < 1000.0)
    np.add.at(counts, (k[m], (offset[m] // FRAME_MS).astype(int), ids[m]), 1.0)
    out = np.zeros_like(counts)
    acc = np.zeros((n, 800))
    for j in range(len(OFFSETS)):
        acc = acc * decay + counts[:, j]
        out[:, j] = acc
    return out


def best_readout(r, latency, ridge=1.0):
    """Cross-validated least-squares readout of a 50 ms box at `latency` (0 elsewhere in
    0-1000 ms): fitted on one half of the trials, applied to the other, both ways; returns
    the peak (ms, value) of the held-out trial average. This bounds what any readout of
    these traces can do, whatever the learning rule."""
    n = r.shape[0]
    y = ((OFFSETS >= latency) & (OFFSETS < latency + 50.0)).astype(float)
    halves = (np.arange(0, n // 2), np.arange(n // 2, n))
    curves = []
    for fit, test in (halves, halves[::-1]):
        X = r[fit].reshape(-1, r.shape[2])
        w = np.linalg.solve(X.T @ X + ridge * np.eye(X.shape[1]), X.T @ np.tile(y, len(fit)))
        curves.append((r[test] @ w).mean(0))
    return peak(np.mean(curves, axis=0))


def scan(spikeq, work, seed):
    base = open(EXAMPLE).read()
    print(f"\n=== reservoir scan: best cross-validated linear readout of a 50 ms box at 300 / 500 / 700 ms "
          f"({SCAN_TRIALS} trials, excitatory traces, tau 30 ms, ridge 1)")
    print("| reservoir | rate (Hz) | 300 ms: peak (ms) / amplitude | 500 ms | 700 ms | wall (s) |")
    print("|---|---|---|---|---|---|")
    for name, subs in SCAN:
        text = base
        for sub in subs:
            text, k = sub.subn("", text) if isinstance(sub, re.Pattern) else (text.replace(*sub), text.count(sub[0]))
            if k == 0:
                raise SystemExit(f"scan '{name}': substitution not found in {EXAMPLE}")
        network = os.path.join(work, "scan.textproto")
        out = os.path.join(work, "scan.h5")
        with open(network, "w") as f:
            f.write(text)
        wall = run(spikeq, network, out, seed, SCAN_TRIALS * TRIAL_MS)
        protocol = sa.load_protocol(out)
        r = exc_traces(out, protocol, SCAN_TRIALS)
        import h5py
        with h5py.File(out, "r") as f:
            rate = len(f["spikes/exc/timestamps"]) / 800.0 / (SCAN_TRIALS * TRIAL_MS / 1000.0)
        cells = [f"{t:.0f} / {v:.2f}" for t, v in (best_readout(r, lat) for lat in (300.0, 500.0, 700.0))]
        print(f"| {name} | {rate:.1f} | " + " | ".join(cells) + f" | {wall:.1f} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    ap.add_argument("--variants", nargs="+", default=["latency", "probability", "evoked"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "figures", "reservoir_prediction.png"))
    ap.add_argument("--keep", help="keep the networks and HDF5 outputs in this directory")
    ap.add_argument("--reuse", action="store_true", help="analyse the outputs already in --keep")
    ap.add_argument("--scan", action="store_true",
                    help="instead: how long the cue stays readable in variants of the reservoir (delays, connectivity, "
                         "inter-trial silencing)")
    args = ap.parse_args()

    work = args.keep or tempfile.mkdtemp(prefix="spikeq_reservoir_")
    os.makedirs(work, exist_ok=True)
    if args.scan:
        scan(args.spikeq, work, args.seed)
        return
    results, paths, total = {}, {}, 0.0
    for name in args.variants:
        network = os.path.join(work, f"reservoir_{name}.textproto")
        out = os.path.join(work, f"reservoir_{name}_seed{args.seed}.h5")
        with open(network, "w") as f:
            f.write(variant_text(name))
        t_stop = EVOKED_TRIALS * TRIAL_MS if name == "evoked" else None
        if args.reuse and os.path.exists(out):
            wall = float("nan")
        else:
            wall = run(args.spikeq, network, out, args.seed, t_stop)
            total += wall
        if name == "evoked":
            res = analyse_evoked(out)
            report_evoked(res, wall)
        else:
            res = analyse(out, name)
            report(name, res, wall)
        results[name], paths[name] = res, out
    print(f"\ntotal wall time of the runs: {total:.1f} s")
    if args.plot and "latency" in results:
        plot(results, paths["latency"], args.plot)


if __name__ == "__main__":
    main()
