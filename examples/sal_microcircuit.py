#!/usr/bin/python3
"""Writes the SAL paper's Fig. 6 teacher/student microcircuit networks.

Gierlich et al. 2025 (rules.md §3.6; the sal-code scripts/microcircuits/*.yaml):
a [1, 1, 1] dendritic microcircuit -- input neuron, hidden two-compartment pyramid
with an interneuron, output pyramid -- learns a teacher's input-output map. Forward
weights learn with the dendritic prediction rule; the feedback weight B (output ->
hidden apical) comes from one of three schemes:

  sal   B learns with SAL in symmetrization phases (apical coupling 1, interneuron off)
  bp    B is tied to the forward weight W21 (copy-backprop)
  fa    B stays at its random initial value (feedback alignment)

The teacher (W10 = W21 = 2, biases -1) is run first with spikeq; its mean output
potential per input value is the student's nudging target, as in the paper code.

  /usr/bin/python3 examples/sal_microcircuit.py --spikeq build/release/tools/spikeq \
      --epochs 150 --seed 1 --out examples            # writes the three student files
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

T_REF = 10  # steps of 1 ms
PATTERN_MS = 2000 * T_REF  # t_pattern * t_ref
LAG_MS = 2000  # learning lag within each pattern
TRAIN_INPUTS = [-3.0, -2.5, -2.0, -0.8, 0.8, 2.0, 2.5, 3.0]
VALIDATION_INPUTS = [-2.7, -1.8, -0.5, 0.5, 1.8, 2.7]
LEN_TRAIN, LEN_SYMM, LEN_VALIDATION = 20, 5, 6  # symmetrization: the last 5 training patterns
EPOCH_PATTERNS = LEN_TRAIN + LEN_VALIDATION
EPOCH_MS = EPOCH_PATTERNS * PATTERN_MS

HEADER = """# proto-file: io/proto/spikeq.proto
# proto-message: spikeq.config.Network
#
# {title}
# Written by examples/sal_microcircuit.py (docs/models/sal_microcircuit.md); rules.md §3.6,
# Gierlich et al. 2025 Fig. 6, the sal-code scripts/microcircuits/{variant}.yaml.
"""

NEURON = """  glm_sampling {{ tau_ref: 10 tau_syn: 10 bias {{ constant: {bias} }} }}"""


def pyramid(bias, apical=0.0, nudging=0.0):
    return (f"  glm_pyramidal {{ tau_ref: 10 tau_syn: 10 average_window: 2000 bias {{ constant: {bias} }}"
            f" apical_coupling: {apical} nudging: {nudging} }}")


def population(name, body):
    return f'population {{\n  name: "{name}"\n  size: 1\n{body}\n}}\n'


def projection(name, src, tgt, weight, receptor, extra=""):
    return (f'projection {{\n  name: "{name}"\n  source: "{src}"\n  target: "{tgt}"\n  all_to_all {{}}\n'
            f'  weight {{ constant: {weight!r} }}\n  delay {{ constant: 1 }}\n  receptor_type: {receptor}\n{extra}}}\n')


def step_current(name, times, values):
    t = ", ".join(f"{x:g}" for x in times)
    v = ", ".join(repr(float(x)) for x in values)
    return (f'current_source {{\n  name: "{name}"\n  target: "in"\n  step_current_generator {{\n'
            f'    amplitude_times: [{t}]\n    amplitude_values: [{v}]\n  }}\n}}\n')


def teacher_text(inputs):
    times = [k * PATTERN_MS for k in range(len(inputs))]
    return (HEADER.format(title="Teacher: W10 = W21 = 2, biases -1; one pattern per input value.", variant="sal")
            + f"simulation {{\n  resolution: 1\n  dt: 1\n  t_stop: {len(inputs) * PATTERN_MS}\n  seed: 423433\n}}\n"
            + population("in", NEURON.format(bias=0.0)) + population("hid", pyramid(-1.0))
            + population("out", pyramid(-1.0))
            + projection("in_hid", "in", "hid", 2.0, "BASAL") + projection("hid_out", "hid", "out", 2.0, "BASAL")
            + step_current("u_in", times, inputs)
            + 'recording {\n  state { population: "out" variable: "V_b" interval: 1 }\n}\n')


def run_teacher(spikeq, inputs):
    """Mean output potential b + v_bas after the learning lag, per input value."""
    with tempfile.TemporaryDirectory() as tmp:
        net = pathlib.Path(tmp) / "teacher.textproto"
        net.write_text(teacher_text(inputs))
        out = pathlib.Path(tmp) / "teacher.h5"
        subprocess.run([spikeq, "run", str(net), "-o", str(out)], check=True, stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f:
            report = f["report/out"]
            data = np.asarray(report["data"]).ravel()
            start = float(report["mapping/time"][0])
            step = float(report["mapping/time"][2])
    t = start + step * np.arange(len(data))
    means = []
    for k in range(len(inputs)):
        a, b = k * PATTERN_MS + LAG_MS, (k + 1) * PATTERN_MS
        means.append(float(data[(t >= a) & (t < b)].mean()))
    return means


def pattern_sequence(epochs, rng):
    """Input and target index per pattern: 20 training patterns drawn with replacement
    (the paper's shuffle_training), then the 6 validation inputs in order."""
    seq = []
    for _ in range(epochs):
        seq += [("train", int(i)) for i in rng.choice(len(TRAIN_INPUTS), LEN_TRAIN)]
        seq += [("validation", i) for i in range(len(VALIDATION_INPUTS))]
    return seq


def student_text(variant, epochs, seed, targets, w_init):
    rng = np.random.default_rng(seed + 915344)
    seq = pattern_sequence(epochs, rng)
    u_in = [TRAIN_INPUTS[i] if kind == "train" else VALIDATION_INPUTS[i] for kind, i in seq]
    u_tgt = [targets["train"][i] if kind == "train" else targets["validation"][i] for kind, i in seq]
    times = [k * PATTERN_MS for k in range(len(seq))]
    w10, b12, w21 = w_init
    title = {"sal": "Student, feedback B learns with SAL in symmetrization phases.",
             "bp": "Student, copy-backprop baseline: B tied to W21 at every step.",
             "fa": "Student, feedback-alignment baseline: B fixed at its random start."}[variant]
    text = HEADER.format(title=title, variant={"sal": "sal/sal", "bp": "bp/backprop", "fa": "fa/fa"}[variant])
    text += (f"# {epochs} epochs of 20 training patterns (the last {LEN_SYMM} symmetrization) and 6 validation\n"
             f"# patterns of {PATTERN_MS} ms; initial W10 = {w10:.6f}, B12 = {b12:.6f}, W21 = {w21:.6f}\n"
             f"# (uniform in [-3, 3], seed {seed}).\n")
    text += f"simulation {{\n  resolution: 1\n  dt: 1\n  t_stop: {epochs * EPOCH_MS}\n  seed: {seed}\n}}\n"
    text += population("in", NEURON.format(bias=0.0))
    text += population("hid", pyramid(-1.0, apical=0.02))
    text += population("inn", NEURON.format(bias=-1.0))
    text += population("out", pyramid(-1.0, nudging=0.6))
    up = lambda eta: f"  plasticity {{ dendritic_prediction {{ eta: {eta} }} }}\n"
    text += projection("in_hid", "in", "hid", w10, "BASAL", up(0.2))
    text += projection("hid_out", "hid", "out", w21, "BASAL", up(0.003))
    if variant == "sal":
        fb = ("  plasticity { sal { kernel: EXPONENTIAL a_causal: 1 a_anticausal: 1 tau_causal: 10"
              " tau_anticausal: 10 last_spikes: 1 eta: 0.001 application: IMMEDIATE } }\n")
    elif variant == "bp":
        fb = '  tie { projection: "hid_out" transpose: true }\n'
    else:
        fb = "  plasticity { static_synapse {} }\n"
    text += projection("out_hid", "out", "hid", b12, "APICAL", fb)
    # Self-predicting interneuron: w_ip = W21, w_pi = -B (the paper code's set_sps).
    text += projection("hid_inn", "hid", "inn", w21, "EXCITATORY", '  tie { projection: "hid_out" }\n')
    # (with copy-backprop B is itself tied: w_pi follows -W21 transposed directly)
    pi_tie = ('  tie { projection: "hid_out" scale: -1 transpose: true }\n' if variant == "bp" else
              '  tie { projection: "out_hid" scale: -1 }\n')
    text += projection("inn_hid", "inn", "hid", -b12, "APICAL_INTERNEURON", pi_tie)
    text += step_current("u_in", times, u_in)
    text += ("target_series {\n  readout: \"out\"\n  neuron: 0\n"
             f"  times: [{', '.join(f'{x:g}' for x in times)}]\n"
             f"  values: [{', '.join(repr(x) for x in u_tgt)}]\n}}\n")
    # One trial per epoch: forward learning after the lag in each of the first 15
    # patterns; symmetrization in patterns 15-19; validation in 20-25 (nothing learns).
    text += f"protocol {{\n  trial_duration: {EPOCH_MS}\n  trials: {epochs}\n"
    for p in range(LEN_TRAIN - LEN_SYMM):
        text += (f'  phase {{ name: "learning" start: {p * PATTERN_MS + LAG_MS} stop: {(p + 1) * PATTERN_MS}'
                 ' projections: ["in_hid", "hid_out"] }\n')
    s0, s1 = (LEN_TRAIN - LEN_SYMM) * PATTERN_MS, LEN_TRAIN * PATTERN_MS
    text += f'  phase {{\n    name: "symmetrization"\n    start: {s0}\n    stop: {s1}\n'
    if variant == "sal":
        text += '    projections: ["out_hid"]\n'
    text += ('    set { target: "hid" parameter: "apical_coupling" value: 1 }\n'
             '    set { target: "hid" parameter: "interneuron_coupling" value: 0 }\n  }\n}\n')
    text += ('recording {\n  spikes { population: "hid" }\n'
             '  state { population: "out" variable: "V_b" interval: 10 }\n'
             f'  weights {{ projection: "in_hid" interval: {PATTERN_MS} }}\n'
             f'  weights {{ projection: "hid_out" interval: {PATTERN_MS} }}\n'
             f'  weights {{ projection: "out_hid" interval: {PATTERN_MS} }}\n}}\n')
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", required=True)
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variants", nargs="+", default=["sal", "bp", "fa"])
    ap.add_argument("--out", default="examples")
    ap.add_argument("--name", default="sal_microcircuit")
    args = ap.parse_args()
    means = run_teacher(args.spikeq, TRAIN_INPUTS + VALIDATION_INPUTS)
    targets = {"train": means[:len(TRAIN_INPUTS)], "validation": means[len(TRAIN_INPUTS):]}
    print("teacher targets:", " ".join(f"{u:+.1f}->{t:.4f}" for u, t in
                                        zip(TRAIN_INPUTS + VALIDATION_INPUTS, means)), file=sys.stderr)
    w_init = np.random.default_rng(355445 + args.seed).uniform(-3.0, 3.0, 3)
    out = pathlib.Path(args.out)
    for v in args.variants:
        suffix = "" if v == "sal" else "_" + v
        (out / f"{args.name}{suffix}.textproto").write_text(student_text(v, args.epochs, args.seed, targets, w_init))


if __name__ == "__main__":
    main()
