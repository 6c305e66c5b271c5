#!/usr/bin/python3
"""`spikeq analyze --json` and python/spikeq_analysis.py must agree to 1e-9 on the
same recording (issue 4). Usage: compare_with_python.py SPIKEQ_BINARY SOURCE_DIR"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

spikeq, source = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "python"))
import spikeq_analysis as sa  # noqa: E402

T0, T1, BIN = 500.0, 2600.0, 5.0  # 2 spectrum segments
with tempfile.TemporaryDirectory() as d:
    out, js = os.path.join(d, "cuba.h5"), os.path.join(d, "stats.json")
    subprocess.run([spikeq, "run", os.path.join(source, "examples/cuba.textproto"), "-o", out, "--t-stop", "2600",
                    "-q"], check=True)
    subprocess.run([spikeq, "analyze", out, "--t-start", str(T0), "--bin", str(BIN), "--json", js], check=True,
                   stdout=subprocess.DEVNULL)
    with open(js) as f:
        stats = json.load(f)
    failures = []

    def same(label, ours, reference):
        if not np.isclose(ours, reference, rtol=1e-9, atol=1e-12):
            failures.append(f"{label}: spikeq analyze {ours!r} vs python {reference!r}")

    for name, (t, ids, n) in sa.load_spikes(out).items():
        keep = (t >= T0) & (t < T1)
        wt, wi = t[keep], ids[keep]
        s = stats["populations"][name]
        r = sa.rates(t, ids, n, T0, T1)
        same(f"{name} mean rate", s["rate"]["mean"], r.mean())
        same(f"{name} median rate", s["rate"]["median"], np.percentile(r, 50))
        same(f"{name} p95 rate", s["rate"]["p95"], np.percentile(r, 95))
        same(f"{name} CV", s["cv"]["mean"], sa.cvs(wt, wi, n).mean())
        same(f"{name} LV", s["lv"]["mean"], sa.lvs(wt, wi, n).mean())
        same(f"{name} Fano", s["fano_factor"], sa.fano_factor(t, ids, n, T0, T1, BIN))
        same(f"{name} correlation", s["mean_pairwise_correlation"], sa.mean_correlation(t, ids, n, T0, T1, BIN))
        same(f"{name} synchrony", s["synchrony_chi"], sa.synchrony(t, ids, n, T0, T1, BIN))
        _, _, peak, band = sa.rate_spectrum(t, T0, T1)
        spectrum = s["rate_spectrum"]
        same(f"{name} spectrum peak", spectrum["peak"], peak)
        same(f"{name} band power", spectrum["band_power_fraction"], band)
    # Weights: a plastic run (Song 2000, 20 s) with a weight report.
    plastic, pjs = os.path.join(d, "song.h5"), os.path.join(d, "song.json")
    subprocess.run([spikeq, "run", os.path.join(source, "tests/data/plasticity/song2000.textproto"), "-o", plastic,
                    "--t-stop", "20000", "-q"], check=True)
    subprocess.run([spikeq, "analyze", plastic, "--json", pjs], check=True, stdout=subprocess.DEVNULL)
    with open(pjs) as f:
        pstats = json.load(f)
    edges = sa.load_edges(plastic)["stdp"]
    _, _, frames = sa.load_report(plastic, "stdp")
    ref = sa.weight_statistics(edges["final"], bounds=(0.0, 0.1), initial=edges["initial"], report=frames)
    w = pstats["weights"]["stdp"]
    same("weight mean", w["final"]["mean"], ref["mean"])
    same("weight sd", w["final"]["sd"], ref["sd"])
    same("fraction at Wmin", w["fraction_at_lower_bound"], ref["fraction_at_lower"])
    same("fraction at Wmax", w["fraction_at_upper_bound"], ref["fraction_at_upper"])
    same("mean change (report)", w["change"]["mean"], ref["mean_change"])
    same("mean |change| (report)", w["change"]["mean_absolute"], ref["mean_absolute_change"])
    if list(w["histogram"]["counts"]) != list(ref["histogram"]):
        failures.append(f"weight histogram: {w['histogram']['counts']} vs {list(ref['histogram'])}")
    # Neuromodulators: volume transmitters, a schedule and a reward contingency
    # (tests/data/threads/mixed.textproto), over the whole run and over a window
    # that starts after some releases and cuts others short.
    mixed = os.path.join(d, "mixed.h5")
    subprocess.run([spikeq, "run", os.path.join(source, "tests/data/threads/mixed.textproto"), "-o", mixed, "-q"],
                   check=True)
    channels = sa.load_neuromodulators(mixed)
    if not channels:
        failures.append("mixed.textproto: no /neuromodulators channels read")
    for window in ([], ["--t-start", "120", "--t-stop", "390"]):
        mjs = os.path.join(d, "mixed.json")
        subprocess.run([spikeq, "analyze", mixed, "--json", mjs] + window, check=True, stdout=subprocess.DEVNULL)
        with open(mjs) as f:
            mstats = json.load(f)
        t0, t1 = mstats["window"]["t_start"], mstats["window"]["t_stop"]
        for name, channel in channels.items():
            ref = sa.modulator_statistics(channel, t0, t1)
            ours = mstats["neuromodulators"][name]
            for key in ("tau", "tonic", "total_amount", "release_rate", "mean_level", "peak_level", "peak_time"):
                same(f"{name} [{t0}, {t1}] {key}", ours[key], ref[key])
            for key in ("releases", "nonzero_releases"):
                if ours[key] != ref[key]:
                    failures.append(f"{name} [{t0}, {t1}] {key}: spikeq analyze {ours[key]} vs python {ref[key]}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"spikeq analyze and python/spikeq_analysis.py agree to 1e-9 on {len(stats['populations'])} populations,"
          f" weights and {len(channels)} neuromodulator channels")
