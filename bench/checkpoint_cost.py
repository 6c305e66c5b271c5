#!/usr/bin/python3
"""What checkpoints cost (issue 12, docs/reliability.md): for each network, the wall
time of a run without checkpoints and of the same run with --checkpoint-every
(median of --repeats runs each, alternated), the checkpoint's size, and the time of
`spikeq resume` from the checkpoint half-way. Also checks that the resumed recording
equals the uninterrupted one (tests/integration/compare_outputs.py --resumed).

Usage: bench/checkpoint_cost.py [--spikeq build/release/tools/spikeq] [--repeats 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (name, network, t_stop ms, checkpoint interval ms)
NETWORKS = [
    ("polychronization (1000 Izhikevich, 10^5 STDP synapses)", "examples/polychronization.textproto", 10000, 1000),
    ("CUBA (4000 iaf_psc_exp, 3.2*10^5 static synapses)", "examples/cuba.textproto", 1000, 100),
    ("distal reward (1000 Izhikevich, 10^5 dopamine-STDP synapses)", "examples/distal_reward.textproto", 10000, 1000),
]


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spikeq", default=os.path.join(ROOT, "build/release/tools/spikeq"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("| network | model time | without | with checkpoints | overhead | checkpoint size | resume half-way | identical |")
    print("|---|---|---|---|---|---|---|---|")
    for name, net, t_stop, every in NETWORKS:
        with tempfile.TemporaryDirectory() as tmp:
            net_path = os.path.join(ROOT, net)
            plain, checked = [], []
            for _ in range(args.repeats):
                plain.append(timed([args.spikeq, "run", net_path, "-o", f"{tmp}/plain.h5", "-q",
                                    "--t-stop", str(t_stop)]))
                checked.append(timed([args.spikeq, "run", net_path, "-o", f"{tmp}/ck.h5", "-q",
                                      "--t-stop", str(t_stop), "--checkpoint-every", str(every)]))
            size_mb = os.path.getsize(f"{tmp}/ck.h5.checkpoint") / 2**20
            subprocess.run([args.spikeq, "run", net_path, "-o", f"{tmp}/half.h5", "-q", "--t-stop",
                            str(t_stop // 2), "--checkpoint-every", str(t_stop // 2)], check=True)
            resume_s = timed([args.spikeq, "resume", f"{tmp}/half.h5.checkpoint", "-o", f"{tmp}/resumed.h5",
                              "-q", "--t-stop", str(t_stop)])
            same = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests/integration/compare_outputs.py"),
                                   "--resumed", f"{tmp}/plain.h5", f"{tmp}/resumed.h5"],
                                  stdout=subprocess.DEVNULL).returncode == 0
            p, c = statistics.median(plain), statistics.median(checked)
            checkpoints = t_stop // every
            print(f"| {name} | {t_stop / 1000:g} s | {p:.2f} s | {c:.2f} s ({checkpoints} checkpoints) | "
                  f"{100 * (c - p) / p:+.1f} % | {size_mb:.1f} MiB | {resume_s:.2f} s | {'yes' if same else 'NO'} |",
                  flush=True)
            if not same:
                sys.exit(1)


if __name__ == "__main__":
    main()
