#!/usr/bin/python3
"""HLOP continual learning on Fashion-MNIST (issue 11, rules.md §4.6; docs/models/hlop.md):
runs examples/hlop_pfmnist{,_baseline,_multitask}.textproto (--network linear) or
examples/hlop_pfmnist_hidden{,_baseline,_multitask}.textproto (--network hidden: a
100-neuron LIF layer trained by direct feedback alignment) for several seeds and the
same three variants on a class split (5 tasks x 2 classes, shared 10-way head),
reads /continual_learning (accuracy matrix, ACC, BWT) of every run, and prints a
markdown table of mean +- SD over seeds with wall time and peak memory per run.

Reference: a softmax (multinomial logistic) regression on the same pixels (scaled to
[0, 1]), trained by minibatch gradient descent (batch 50, rate 0.1) with numpy on (a) the 1000 training
samples one task sees and (b) all 60000, tested on the 10000 test images. A
permutation of the pixels does not change what it reaches.

Usage:
  /usr/bin/python3 bench/hlop_fmnist.py --spikeq build/release/tools/spikeq \
      --seeds 1 2 3 [--network linear|hidden] [--jobs 2] [--samples-per-task N] [--out-dir /tmp/hlop_runs]
The whole training set, one HLOP run (docs/models/hlop.md):
  /usr/bin/python3 bench/hlop_fmnist.py --spikeq build/release/tools/spikeq --network hidden \
      --samples-per-task 60000 --variants hlop --splits permuted --seeds 1 --no-reference
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
VARIANTS = ("hlop", "baseline", "multitask")
# The examples of each network: pixels -> readout ("linear"), or pixels -> 100 LIF
# trained by direct feedback alignment -> readout ("hidden").
EXAMPLE = {
    "linear": {"hlop": "hlop_pfmnist", "baseline": "hlop_pfmnist_baseline", "multitask": "hlop_pfmnist_multitask"},
    "hidden": {"hlop": "hlop_pfmnist_hidden", "baseline": "hlop_pfmnist_hidden_baseline",
               "multitask": "hlop_pfmnist_hidden_multitask"},
}
DEFAULT_SAMPLES = {"linear": 1000, "hidden": 3000}


def network_text(network, variant, split, samples):
    text = open(os.path.join(SOURCE, "examples", EXAMPLE[network][variant] + ".textproto")).read()
    if split == "class":
        text = text.replace("split: PERMUTED", "split: CLASS_SPLIT\n    classes_per_task: 2")
    text = re.sub(r"(?<!test_)samples_per_task: \d+", f"samples_per_task: {samples}", text)
    tasks, evaluations = 5, (5 if variant == "multitask" else 15)
    t_stop = (tasks * samples + evaluations * 500) * 150.0
    return re.sub(r"t_stop: \d+", f"t_stop: {t_stop:.0f}", text)


def run(spikeq, out_dir, network, variant, split, seed, samples):
    name = f"{network}_{split}_{variant}_seed{seed}"
    net = os.path.join(out_dir, name + ".textproto")
    with open(net, "w") as f:
        f.write(network_text(network, variant, split, samples))
    out = os.path.join(out_dir, name + ".h5")
    t0 = time.time()
    proc = subprocess.Popen([spikeq, "run", net, "-o", out, "-q", "--seed", str(seed)])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.time() - t0
    if status != 0:
        raise RuntimeError(f"{name}: spikeq run failed ({status})")
    with h5py.File(out, "r") as f:
        g = f["continual_learning"]
        result = {"accuracy": g["accuracy"][:], "ACC": float(g["ACC"][0]), "BWT": float(g["BWT"][0])}
    result.update(variant=variant, split=split, seed=seed, wall_s=wall, peak_mb=usage.ru_maxrss / 1024.0)
    return result


def fmnist_files():
    listing = subprocess.run(["dpkg", "-L", "dataset-fashion-mnist"], capture_output=True, text=True)
    if listing.returncode != 0:
        sys.exit("the reference needs the Debian package dataset-fashion-mnist (scripts/setup.sh installs it)")
    files = {}
    for path in listing.stdout.split():
        base = os.path.basename(path)
        for key in ("train-images", "train-labels", "t10k-images", "t10k-labels"):
            if base.startswith(key):
                files[key] = path
    return files


def read_idx(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def softmax_regression(x, y, x_test, y_test, epochs, lr=0.1, batch=50, seed=1):
    """Minibatch gradient descent on the cross-entropy (with a bias); test accuracy."""
    rng = np.random.default_rng(seed)
    w = np.zeros((x.shape[1] + 1, 10))
    xb = np.hstack([x, np.ones((len(x), 1))])
    onehot = np.eye(10)[y]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for k in range(0, len(x), batch):
            idx = order[k:k + batch]
            z = xb[idx] @ w
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            w -= lr * xb[idx].T @ (p - onehot[idx]) / len(idx)
    pred = np.argmax(np.hstack([x_test, np.ones((len(x_test), 1))]) @ w, axis=1)
    return float(np.mean(pred == y_test))


def reference(samples, seed=1):
    f = fmnist_files()
    x = read_idx(f["train-images"]).reshape(-1, 784) / 255.0
    y = read_idx(f["train-labels"]).astype(int)
    xt = read_idx(f["t10k-images"]).reshape(-1, 784) / 255.0
    yt = read_idx(f["t10k-labels"]).astype(int)
    pick = np.random.default_rng(seed).choice(len(x), samples, replace=False)
    return (softmax_regression(x[pick], y[pick], xt, yt, epochs=100),
            softmax_regression(x, y, xt, yt, epochs=10))


def mean_sd(values):
    v = np.asarray(values, dtype=float)
    return f"{v.mean():.3f} ± {v.std(ddof=1) if len(v) > 1 else 0.0:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", required=True)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--splits", nargs="+", default=["permuted", "class"])
    ap.add_argument("--network", choices=sorted(EXAMPLE), default="linear")
    ap.add_argument("--samples-per-task", type=int, help="default: 1000 (linear), 3000 (hidden)")
    ap.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out-dir", default="/tmp/hlop_fmnist_runs")
    ap.add_argument("--no-reference", action="store_true")
    a = ap.parse_args()
    if a.samples_per_task is None:
        a.samples_per_task = DEFAULT_SAMPLES[a.network]
    os.makedirs(a.out_dir, exist_ok=True)
    jobs = [(v, s, seed) for s in a.splits for v in a.variants for seed in a.seeds]
    with ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(
            lambda j: run(a.spikeq, a.out_dir, a.network, j[0], j[1], j[2], a.samples_per_task), jobs))
    print(f"{a.network} network, {a.samples_per_task} training samples per task, 500 test samples per task, "
          f"seeds {a.seeds}\n")
    print("| split | variant | ACC | BWT | accuracy on each task after training it (diagonal) | wall s | peak MB |")
    print("|---|---|---|---|---|---|---|")
    for s in a.splits:
        for v in a.variants:
            rs = [r for r in results if r["variant"] == v and r["split"] == s]
            diag = [np.nanmean(np.diag(r["accuracy"])) for r in rs]
            bwt = "—" if v == "multitask" else mean_sd([r["BWT"] for r in rs])
            print(f"| {s} | {v} | {mean_sd([r['ACC'] for r in rs])} | {bwt} | "
                  f"{'—' if v == 'multitask' else mean_sd(diag)} | "
                  f"{np.mean([r['wall_s'] for r in rs]):.0f} | {max(r['peak_mb'] for r in rs):.0f} |")
    for r in results:
        print(f"\n{r['split']} {r['variant']} seed {r['seed']}: ACC {r['ACC']:.3f} BWT {r['BWT']:+.3f}\n"
              + np.array2string(r["accuracy"], precision=3))
    if not a.no_reference:
        small, full = reference(a.samples_per_task)
        print(f"\nsoftmax regression on the pixels: {small:.3f} from {a.samples_per_task} training samples, "
              f"{full:.3f} from all 60000 (test set, 10000 images)")


if __name__ == "__main__":
    main()
