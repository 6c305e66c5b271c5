"""The CUBA benchmark network (Brette et al. 2007, benchmark 2) in Brian2.

Exactly the network of examples/cuba.textproto and shared benchmarks.md: 4000 LIF
neurons (3200 E, 800 I), p = 0.02 for every ordered pair i != j, tau_m = 20 ms,
E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV, refractory 5 ms,
tau_m dV/dt = (E_L - V) + g_E + g_I, tau_E = 5 ms, tau_I = 10 ms, jumps of
+1.62 mV / -9 mV, V(0) uniform in [V_reset, V_th], delay 0.1 ms, dt = 0.1 ms.

Used by bench/cuba_vs_brian2.py; run alone for a quick check:
    /usr/bin/python3 bench/brian2/cuba.py --mode cpp_standalone --duration-ms 1000
"""
import argparse
import json
import os
import tempfile
import time

import brian2 as b2
import numpy as np

N_EXC, N_INH = 3200, 800


def build_network(seed):
    """Creates the CUBA network in the current Brian2 device; returns the spike monitor."""
    from brian2 import ms, mV

    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * ms
    namespace = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
                     we=1.62 * mV, wi=-9 * mV)
    eqs = """
    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    neurons = b2.NeuronGroup(N_EXC + N_INH, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                             method="exact", namespace=namespace)
    neurons.v = "Vr + rand() * (Vt - Vr)"
    neurons.ge = 0 * mV
    neurons.gi = 0 * mV
    exc = b2.Synapses(neurons, neurons, on_pre="ge += we", delay=0.1 * ms, namespace=namespace)
    inh = b2.Synapses(neurons, neurons, on_pre="gi += wi", delay=0.1 * ms, namespace=namespace)
    exc.connect(f"i < {N_EXC} and i != j", p=0.02)
    inh.connect(f"i >= {N_EXC} and i != j", p=0.02)
    monitor = b2.SpikeMonitor(neurons, record=False)  # counts only
    net = b2.Network(neurons, exc, inh, monitor)
    return net, monitor


def rates(monitor, duration_ms):
    counts = np.asarray(monitor.count[:])
    seconds = duration_ms / 1000.0
    return counts[:N_EXC].sum() / N_EXC / seconds, counts[N_EXC:].sum() / N_INH / seconds, int(counts.sum())


class standalone_cuba:
    """Compiles the network once in C++ standalone mode; run() re-executes the binary
    and reports the simulation time Brian2 measures itself (compilation excluded)."""

    def __init__(self, duration_ms, seed, build_dir=None):
        b2.set_device("cpp_standalone", build_on_run=False)
        self.duration_ms = duration_ms
        self.directory = build_dir or tempfile.mkdtemp(prefix="brian2_cuba_")
        net, self.monitor = build_network(seed)
        net.run(duration_ms * b2.ms)
        t0 = time.perf_counter()
        b2.device.build(directory=self.directory, compile=True, run=False, with_output=False)
        self.compile_s = time.perf_counter() - t0

    def run(self):
        t0 = time.perf_counter()
        b2.device.run(self.directory, with_output=False, run_args=[])
        wall = time.perf_counter() - t0
        exc_rate, inh_rate, n = rates(self.monitor, self.duration_ms)
        return {"peer": "brian2", "mode": "cpp_standalone", "version": b2.__version__,
                "sim_time_s": b2.device._last_run_time, "wall_s": wall, "exc_rate_hz": exc_rate,
                "inh_rate_hz": inh_rate, "n_spikes": n}


def run_runtime(duration_ms, seed):
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    net, monitor = build_network(seed)
    t0 = time.perf_counter()
    net.run(duration_ms * b2.ms)
    elapsed = time.perf_counter() - t0
    exc_rate, inh_rate, n = rates(monitor, duration_ms)
    return {"peer": "brian2", "mode": "runtime(numpy)", "version": b2.__version__, "sim_time_s": elapsed,
            "wall_s": elapsed, "exc_rate_hz": exc_rate, "inh_rate_hz": inh_rate, "n_spikes": n}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["cpp_standalone", "runtime"], default="cpp_standalone")
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build-dir", default=None)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if args.mode == "runtime":
        print(json.dumps(run_runtime(args.duration_ms, args.seed)))
        return
    sim = standalone_cuba(args.duration_ms, args.seed, args.build_dir)
    for _ in range(args.repeats):
        print(json.dumps(sim.run()))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
