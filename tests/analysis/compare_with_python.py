#!/usr/bin/python3
"""`spikeq analyze --json` and python/spikeq_analysis.py must agree to 1e-9 on the
same recording (issue 4): spike statistics, weights, neuromodulators and
readouts. Usage: compare_with_python.py SPIKEQ_BINARY SOURCE_DIR"""
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
    # Readouts: a trained readout (tests/integration/readout_analysis_test.cpp's paradigm)
    # with trials starting 2 ms off the 5 ms frame grid, so that responses are
    # interpolated between frames; default options, and a trial range, a window and
    # alignment on the trial start.
    trials = 120
    trains = "".join("    train { spike_times: [%s] }\n" % ", ".join(str(1000 * k + 300 + 30 * j)
                                                                   for k in range(trials))
                     for j in range(10))
    readout_net = os.path.join(d, "readout.textproto")
    with open(readout_net, "w") as f:
        f.write(f"""simulation {{ resolution: 0.01 dt: 1 t_stop: {1000 * trials} seed: 7 }}
population {{ name: "clock" size: 10 spike_generator {{
{trains} }} }}
population {{ name: "readout" size: 3 linear_readout {{ tau: 50 }} }}
projection {{ name: "clock_to_readout" source: "clock" target: "readout" all_to_all {{}}
  weight {{ constant: 0 }} delay {{ constant: 1 }}
  plasticity {{ error_modulated_hebbian {{ eta: 2e-3 mode: ONLINE }} }} }}
protocol {{ start: 2 trial_duration: 1000 latency: 500
  outcome {{ name: "A" probability: 0.8 teacher {{ readout: "readout" neurons: [0, 2] duration: 50 }} }}
  outcome {{ name: "B" probability: 0.2 teacher {{ readout: "readout" neurons: [1, 2] duration: 50 }} }}
  gate {{ start: -100 stop: 100 }} }}
recording {{
  state {{ population: "readout" variable: "y" interval: 5 }}
  state {{ population: "readout" variable: "target" interval: 5 }}
}}
""")
    readout_out = os.path.join(d, "readout.h5")
    subprocess.run([spikeq, "run", readout_net, "-o", readout_out, "-q"], check=True)
    reports = sa.readout_reports(readout_out)
    if reports != {"readout": dict(population="readout", variable="y"),
                   "readout.target": dict(population="readout", variable="target")}:
        failures.append(f"readout reports: {reports}")
    readouts_compared = 0
    for options, kw in (([], {}),
                        (["--trials", "10:90", "--readout-window=-120:260", "--align", "start", "--t-start", "20000"],
                         dict(trials=(10, 90), window=(-120, 260), align="start", t_start=20000.0))):
        rjs = os.path.join(d, "readout.json")
        subprocess.run([spikeq, "analyze", readout_out, "--json", rjs] + options, check=True,
                       stdout=subprocess.DEVNULL)
        with open(rjs) as f:
            ro = json.load(f)["readouts"]["readout"]
        for entry in ro["neurons"]:
            ref = sa.readout_statistics(readout_out, "readout", entry["node_id"], **kw)
            for pooled, ours_o, ref_o in [("all", entry["all"], ref["all"])] + \
                    [(name, entry["outcomes"][name], ref["outcomes"][name]) for name in ref["outcomes"]]:
                for block, theirs in ref_o.items():
                    label = f"readout {options} neuron {entry['node_id']} {pooled} {block}"
                    if ours_o[block]["trials"] != theirs["trials"]:
                        failures.append(f"{label} trials: {ours_o[block]['trials']} vs {theirs['trials']}")
                    for key in ("peak", "peak_time", "at_zero"):
                        ours = ours_o[block][key]
                        if ours is None or not np.isfinite(theirs[key]):
                            if not (ours is None and not np.isfinite(theirs[key])):
                                failures.append(f"{label} {key}: {ours!r} vs {theirs[key]!r}")
                        else:
                            same(f"{label} {key}", ours, theirs[key])
                    readouts_compared += 1
        r = sa.trial_averaged(readout_out, "readout", 0, **kw)
        if (ro["offsets"]["first"], ro["offsets"]["last"]) != (r["offsets"][0], r["offsets"][-1]):
            failures.append(f"readout offsets {options}: {ro['offsets']} vs {r['offsets'][[0, -1]]}")
        if ro["trials"]["used"] != len(r["trials"]) or ro["trials"]["selected"] != r["selected"]:
            failures.append(f"readout trials {options}: {ro['trials']} vs {len(r['trials'])} of {r['selected']}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"spikeq analyze and python/spikeq_analysis.py agree to 1e-9 on {len(stats['populations'])} populations,"
          f" weights, {len(channels)} neuromodulator channels and {readouts_compared} readout responses")
