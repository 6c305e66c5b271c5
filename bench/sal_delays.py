#!/usr/bin/python3
"""SAL with unequal forward and backward delays (rules.md §3.9; docs/models/sal.md):
examples/sal_two_neurons.textproto with the delay of W_ab (b -> a) and of W_ba
(a -> b) swept, both weights plastic (their sum is conserved, so the residual
asymmetry is W_ab - W_ba at the end) and one-sided (only W_ba learns; how far it ends
from W_ab = 1.5). Reports the mean over the last 500 epochs of 1500, per seed.

Usage: /usr/bin/python3 bench/sal_delays.py [--delays 1 2 5 10 20] [--seeds 1 2 3]
           [--spikeq build/release/tools/spikeq]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import spikeq_analysis as sa  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "sal_two_neurons.textproto")
AB_RULE = ("      eta: 0.03\n      application: ACCUMULATED\n      period: 1500\n"
           "      normalization: 25\n      reciprocal: \"W_ba\"")
DELAY = "  delay { constant: 1 }"


def variant(text, d_ab, d_ba, one_sided, seed):
    first = text.index(DELAY)
    second = text.index(DELAY, first + 1)
    text = (text[:first] + f"  delay {{ constant: {d_ab} }}" + text[first + len(DELAY):second] +
            f"  delay {{ constant: {d_ba} }}" + text[second + len(DELAY):])
    if one_sided:
        text = text.replace(AB_RULE, AB_RULE.replace("eta: 0.03", "eta: 0"))
    return text.replace("  seed: 1\n", f"  seed: {seed}\n", 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--delays", type=float, nargs="+", default=[1, 2, 5, 10, 20])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    args = ap.parse_args()
    text = open(EXAMPLE).read()
    assert text.count(DELAY) == 2 and AB_RULE in text
    work = tempfile.mkdtemp(prefix="spikeq_sal_delays_")
    print("| d(W_ab) ms | d(W_ba) ms | both plastic: W_ab - W_ba (mean ± SD over seeds) | "
          "one-sided: W_ba - 1.5 |")
    print("|---|---|---|---|")
    for d_ab in args.delays:
        for d_ba in args.delays:
            results = {False: [], True: []}
            for one_sided in (False, True):
                for seed in args.seeds:
                    net = os.path.join(work, "net.textproto")
                    out = os.path.join(work, "out.h5")
                    with open(net, "w") as f:
                        f.write(variant(text, d_ab, d_ba, one_sided, seed))
                    subprocess.run([args.spikeq, "run", net, "-o", out, "-q"], check=True)
                    ba = sa.load_weight_events(out, "W_ba")
                    late = ba["time"] > 1000 * 1500.0
                    if one_sided:
                        results[True].append(float(np.mean(ba["weight"][late])) - 1.5)
                    else:
                        ab = sa.load_weight_events(out, "W_ab")
                        results[False].append(float(np.mean(ab["weight"][late] - ba["weight"][late])))
            both, one = np.array(results[False]), np.array(results[True])
            print(f"| {d_ab:g} | {d_ba:g} | {both.mean():+.3f} ± {both.std(ddof=1):.3f} | "
                  f"{one.mean():+.3f} ± {one.std(ddof=1):.3f} |")


if __name__ == "__main__":
    main()
