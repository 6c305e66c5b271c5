#!/usr/bin/python3
"""Writes the Potjans & Diesmann (2014) cortical microcircuit as a spikeq network.

    examples/microcircuit.py --scale 0.1 [--k-scale 1] [--background poisson_input|poisson|dc]
                             [--v0 original|optimized] [-o FILE]

Parameters follow the paper (Potjans & Diesmann 2014, Cereb. Cortex 24:785, Tables
4-5) as tabulated in NEST's example examples/Potjans_2014/network_params.py:
8 populations of iaf_psc_exp neurons, fixed_total_number connectivity with the
paper's connection probabilities, normally distributed weights (10 % relative SD,
sign kept, L4e->L2/3e doubled) and delays (1.5 ms E / 0.75 ms I, 50 % relative SD,
at least one 0.1 ms step), and Poisson background at 8 Hz x K_ext: "poisson" as
one poisson_generator neuron per neuron (one_to_one, 1.5 ms delay, NEST's example),
"poisson_input" (the default) as a current_source drawing each neuron's input
count per step (the same statistics as NEST's generator, at a fraction of the
cost: 1.2e9 input spikes per second at full scale are not events), or "dc", its
mean as a current.

Scaling: --scale multiplies the population sizes. --k-scale multiplies the
in-degrees; by default (1) every neuron keeps the full-scale in-degree, so the
number of synapses is scale x the full count and the mean and variance of each
neuron's input, hence the rates, stay those of the full model (van Albada,
Helias & Diesmann 2015). With --k-scale < 1 weights are divided by sqrt(k_scale)
and a DC current makes up the lost mean input, computed from the full-scale
rates, as in NEST's example.

Standard library only; run with /usr/bin/python3.
"""
import argparse
import math
import sys

POPULATIONS = ["L23e", "L23i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i"]
N_FULL = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
# Connection probabilities, rows = target, columns = source (paper, Table 5).
CONN_PROBS = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443],
]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]  # external in-degrees
# Full-scale rates (Hz) of NEST's example, used only for the DC compensation
# of scaled in-degrees.
FULL_MEAN_RATES = [0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523]
# Initial membrane potentials: "original" is the paper's normal(-58, 10) mV for
# all; "optimized" is NEST's population-specific choice that shortens the
# initial transient.
V0_OPTIMIZED = [(-68.28, 5.36), (-63.16, 4.57), (-63.33, 4.74), (-63.45, 4.94),
                (-63.11, 4.94), (-61.66, 4.55), (-66.72, 5.46), (-61.43, 4.48)]

NEURON = dict(C_m=250.0, tau_m=10.0, tau_syn=0.5, t_ref=2.0, E_L=-65.0, V_th=-50.0, V_reset=-65.0)
PSP_E = 0.15  # mV, mean excitatory PSP amplitude
G = -4.0  # relative inhibitory strength
WEIGHT_REL_SD = 0.1
BG_RATE = 8.0  # Hz per external input
DELAY_MEAN = {"e": 1.5, "i": 0.75}  # ms, by source type
DELAY_REL_SD = 0.5
POISSON_DELAY = 1.5  # ms
RESOLUTION = 0.1  # ms


def psc_per_psp(c_m, tau_m, tau_syn):
    """Peak current (pA) of an exponential PSC that gives a 1 mV PSP peak."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / c_m / (tau_syn - tau_m)
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn))


def total_synapses(c, n_pre, n_post):
    """Paper eq. 1: the number of synapses that gives connection probability c
    when drawn independently with multapses."""
    if c <= 0:
        return 0.0
    return math.log(1.0 - c) / math.log(1.0 - 1.0 / (n_pre * n_post))


def build(scale, k_scale, background, v0):
    n = [max(1, round(x * scale)) for x in N_FULL]
    w_unit = psc_per_psp(NEURON["C_m"], NEURON["tau_m"], NEURON["tau_syn"])
    w_ext = PSP_E * w_unit
    weights = [[PSP_E * w_unit * (G if j % 2 else 1.0) for j in range(8)] for _ in range(8)]
    weights[0][2] *= 2  # L4e -> L2/3e doubled (paper, Table 5)
    k_full = [[total_synapses(CONN_PROBS[i][j], N_FULL[j], N_FULL[i]) for j in range(8)] for i in range(8)]
    synapses = [[round(k_full[i][j] * scale * k_scale) for j in range(8)] for i in range(8)]
    dc = [0.0] * 8
    if background == "dc":
        dc = [BG_RATE * K_EXT[i] * w_ext * NEURON["tau_syn"] * 1e-3 for i in range(8)]
    k_ext = [round(K_EXT[i] * k_scale) for i in range(8)]
    if k_scale != 1:
        # Keep each neuron's mean input: weights grow by 1/sqrt(k), the lost
        # mean (recurrent at full-scale rates, and external) becomes DC.
        root = math.sqrt(k_scale)
        for i in range(8):
            rec = sum(weights[i][j] * k_full[i][j] / N_FULL[i] * FULL_MEAN_RATES[j] for j in range(8))
            dc[i] += 1e-3 * NEURON["tau_syn"] * (1 - root) * rec
            if background != "dc":
                dc[i] += 1e-3 * NEURON["tau_syn"] * (1 - root) * w_ext * K_EXT[i] * BG_RATE
        weights = [[w / root for w in row] for row in weights]
        w_ext /= root
    return n, weights, synapses, dc, k_ext, w_ext


def fmt(x):
    return repr(round(x, 6))


def write(out, args):
    n, weights, synapses, dc, k_ext, w_ext = build(args.scale, args.k_scale, args.background, args.v0)
    total = sum(map(sum, synapses))
    p = out.write
    p("# proto-file: io/proto/spikeq.proto\n# proto-message: spikeq.config.Network\n#\n")
    p("# Potjans & Diesmann (2014) cortical microcircuit, generated by\n")
    p(f"#   examples/microcircuit.py --scale {args.scale} --k-scale {args.k_scale} "
      f"--background {args.background} --v0 {args.v0}\n")
    p(f"# {sum(n)} neurons, {total} recurrent synapses; docs/models/microcircuit.md.\n")
    p("# Edit the script, not this file.\n")
    p(f"simulation {{\n  resolution: {RESOLUTION}  # ms; delays are whole steps, as in NEST\n"
      f"  dt: {RESOLUTION}\n  t_stop: 1500  # ms; rates are measured after 500 ms\n  seed: 55\n}}\n")
    for i, name in enumerate(POPULATIONS):
        mean, sd = (-58.0, 10.0) if args.v0 == "original" else V0_OPTIMIZED[i]
        p(f"population {{\n  name: \"{name}\"\n  size: {n[i]}\n  iaf_psc_exp {{\n")
        p(f"    C_m: {NEURON['C_m']} tau_m: {NEURON['tau_m']} t_ref: {NEURON['t_ref']}\n")
        p(f"    E_L: {NEURON['E_L']} V_th: {NEURON['V_th']} V_reset: {NEURON['V_reset']}\n")
        p(f"    tau_syn_ex: {NEURON['tau_syn']} tau_syn_in: {NEURON['tau_syn']}\n")
        if dc[i] != 0.0:
            p(f"    I_e: {fmt(dc[i])}  # pA\n")
        p(f"    V_m {{ normal {{ mean: {mean} std: {sd} }} }}\n  }}\n}}\n")
    if args.background == "poisson":
        for i, name in enumerate(POPULATIONS):
            p(f"population {{\n  name: \"{name}_bg\"\n  size: {n[i]}\n"
              f"  poisson_generator {{ rate: {fmt(BG_RATE * k_ext[i])} }}  # 8 Hz x K_ext = {k_ext[i]}\n}}\n")
    for i, target in enumerate(POPULATIONS):
        for j, source in enumerate(POPULATIONS):
            if synapses[i][j] == 0:
                continue
            w = weights[i][j]
            bound = "min: 0" if w > 0 else "max: 0"
            d = DELAY_MEAN["i" if j % 2 else "e"]
            p(f"projection {{\n  name: \"{source}_to_{target}\"\n  source: \"{source}\"\n  target: \"{target}\"\n")
            p(f"  fixed_total_number {{ n: {synapses[i][j]} }}\n")
            p(f"  weight {{ normal {{ mean: {fmt(w)} std: {fmt(abs(w) * WEIGHT_REL_SD)} {bound} }} }}\n")
            p(f"  delay {{ normal {{ mean: {d} std: {fmt(d * DELAY_REL_SD)} min: {RESOLUTION} }} }}\n")
            p(f"  receptor_type: {'INHIBITORY' if w < 0 else 'EXCITATORY'}\n}}\n")
    if args.background == "poisson":
        for name in POPULATIONS:
            p(f"projection {{\n  name: \"{name}_bg_input\"\n  source: \"{name}_bg\"\n  target: \"{name}\"\n"
              f"  one_to_one {{}}\n  weight {{ constant: {fmt(w_ext)} }}\n  delay {{ constant: {POISSON_DELAY} }}\n}}\n")
    if args.background == "poisson_input":
        for i, name in enumerate(POPULATIONS):
            p(f"current_source {{\n  name: \"{name}_bg\"\n  target: \"{name}\"\n"
              f"  poisson_input {{ rate: {fmt(BG_RATE * k_ext[i])} weight: {fmt(w_ext)} }}  # 8 Hz x K_ext = {k_ext[i]}\n}}\n")
    p("recording {\n")
    for name in POPULATIONS:
        p(f"  spikes {{ population: \"{name}\" }}\n")
    p("}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="population sizes x SCALE (default 0.1)")
    parser.add_argument("--k-scale", type=float, default=1.0,
                        help="in-degrees x K_SCALE, with NEST's weight and DC compensation (default 1)")
    parser.add_argument("--background", choices=["poisson_input", "poisson", "dc"], default="poisson_input")
    parser.add_argument("--v0", choices=["original", "optimized"], default="original")
    parser.add_argument("-o", "--output", help="output file (default: standard output)")
    args = parser.parse_args()
    if not 0 < args.scale <= 1 or not 0 < args.k_scale <= 1:
        parser.error("--scale and --k-scale must be in (0, 1]")
    if args.output:
        with open(args.output, "w") as f:
            write(f, args)
    else:
        write(sys.stdout, args)


if __name__ == "__main__":
    main()
