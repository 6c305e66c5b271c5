#!/usr/bin/env python3
"""Plain-Python reference for glm_sampling's coupled-pair test (not run by ctest).

Two neural-sampling neurons (Buesing et al. 2011) coupled symmetrically with
rectangular PSPs of tau steps, updated in parallel with the one-step lag of the SAL
paper code: in step s every neuron's u uses the spikes of steps s - tau .. s - 1.
Prints the fraction of steps in each state (z0, z1) next to the Boltzmann
distribution exp(b.z + z'Wz/2)/Z and their KL divergence, for several seeds.

    /usr/bin/python3 tests/neurons/glm_sampling_reference.py TAU STEPS SEEDS [MODE]

MODE is "buesing" (default: may fire again tau steps after a spike) or "sal_code"
(tau + 1 steps). Results with b = (-0.5, 0.3), w = 1 are in docs/models/glm_sampling.md.
"""

import itertools
import math
import random
import sys

B = [-0.5, 0.3]
W = [[0.0, 1.0], [1.0, 0.0]]


def simulate(tau, steps, seed, mode):
    rng = random.Random(seed)
    n = len(B)
    never = 1 << 30
    since = [never] * n
    history = [[0.0] * n for _ in range(tau)]  # input absorbed per step, ring of tau rows
    psp = [0.0] * n
    min_interval = tau if mode == "buesing" else tau + 1
    log_tau = math.log(tau)
    counts = [0] * (2**n)
    fired = [0] * n
    for s in range(steps):
        row = history[s % tau]
        for i in range(n):
            x = sum(W[i][j] * fired[j] for j in range(n))  # spikes of step s - 1
            psp[i] += x - row[i]
            row[i] = x
        fired = [0] * n
        for i in range(n):
            since[i] = min(since[i] + 1, never)
            if since[i] >= min_interval:
                p = 1.0 / (1.0 + math.exp(-(B[i] + psp[i] - log_tau)))
                if rng.random() < p:
                    since[i] = 0
                    fired[i] = 1
        state = 0
        for i in range(n):
            state = 2 * state + (1 if since[i] < tau else 0)
        counts[state] += 1
    return [c / steps for c in counts]


def boltzmann():
    n = len(B)
    weights = []
    for z in itertools.product([0, 1], repeat=n):
        energy = sum(B[i] * z[i] for i in range(n))
        energy += 0.5 * sum(z[i] * W[i][j] * z[j] for i in range(n) for j in range(n))
        weights.append(math.exp(energy))
    total = sum(weights)
    return [x / total for x in weights]


def main():
    tau, steps, seeds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "buesing"
    target = boltzmann()
    print("boltzmann", " ".join(f"{p:.4f}" for p in target))
    for seed in range(seeds):
        q = simulate(tau, steps, seed, mode)
        dkl = sum(t * math.log(t / x) for t, x in zip(target, q))
        print(f"tau {tau} seed {seed}", " ".join(f"{p:.4f}" for p in q), f"dkl {dkl:.5f}")


if __name__ == "__main__":
    main()
