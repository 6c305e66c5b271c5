"""The Brette et al. (2007) benchmark networks in Brian2, as bench/networks/*.textproto
and shared benchmarks.md describe them: 4000 LIF neurons (3200 E, 800 I), p = 0.02
for every ordered pair i != j, refractory 5 ms, delay 0.1 ms, dt = 0.1 ms.

- cuba (benchmark 2): tau_m dV/dt = (E_L - V) + g_E + g_I, tau_m = 20 ms, E_L = -49 mV,
  V_th = -50 mV, V_reset = -60 mV, tau_E = 5 ms, tau_I = 10 ms, jumps +1.62 / -9 mV,
  V(0) uniform in [V_reset, V_th].
- coba (benchmark 1): C dV/dt = g_L (E_L - V) + g_E (E_E - V) + g_I (E_I - V),
  C = 200 pF, g_L = 10 nS, E_L = -60, E_E = 0, E_I = -80 mV, V_th = -50, V_reset = -60 mV,
  jumps 6 / 67 nS, tau_E = 5 ms, tau_I = 10 ms; the original scripts' random initial
  state V = E_L + (5 N - 5) mV, g_E = (1.5 N + 4) 10 nS, g_I = (12 N + 20) 10 nS.

Used by bench/vs_brian2.py; run alone for a quick check:
    /usr/bin/python3 bench/brian2/benchmark_networks.py --network cuba --duration-ms 1000
"""
import argparse
import json
import os
import tempfile
import time

import brian2 as b2
import numpy as np

N_EXC, N_INH = 3200, 800


def build_network(name, seed):
    """Creates network `name` in the current Brian2 device; returns (network, spike monitor)."""
    from brian2 import ms, mV, nS, pF

    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * ms
    if name == "coba":
        namespace = dict(taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-60 * mV, Ee=0 * mV,
                         Ei=-80 * mV, gl=10 * nS, C=200 * pF, we=6 * nS, wi=67 * nS)
        eqs = """
        dv/dt  = (gl * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / C : volt (unless refractory)
        dge/dt = -ge / taue : siemens
        dgi/dt = -gi / taui : siemens
        """
        neurons = b2.NeuronGroup(N_EXC + N_INH, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                                 method="exponential_euler", namespace=namespace)
        neurons.v = "El + (randn() * 5 - 5) * mV"
        neurons.ge = "(randn() * 1.5 + 4) * 10 * nS"
        neurons.gi = "(randn() * 12 + 20) * 10 * nS"
        return _connect(neurons, namespace)
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
    return _connect(neurons, namespace)


def _connect(neurons, namespace):
    from brian2 import ms

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


class standalone_network:
    """Compiles a network once in C++ standalone mode; run() re-executes the binary
    and reports the simulation time Brian2 measures itself (compilation excluded)."""

    def __init__(self, name, duration_ms, seed, build_dir=None):
        b2.set_device("cpp_standalone", build_on_run=False)
        self.duration_ms = duration_ms
        self.directory = build_dir or tempfile.mkdtemp(prefix=f"brian2_{name}_")
        net, self.monitor = build_network(name, seed)
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


def run_runtime(name, duration_ms, seed):
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    net, monitor = build_network(name, seed)
    t0 = time.perf_counter()
    net.run(duration_ms * b2.ms)
    elapsed = time.perf_counter() - t0
    exc_rate, inh_rate, n = rates(monitor, duration_ms)
    return {"peer": "brian2", "mode": "runtime(numpy)", "version": b2.__version__, "sim_time_s": elapsed,
            "wall_s": elapsed, "exc_rate_hz": exc_rate, "inh_rate_hz": inh_rate, "n_spikes": n}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--network", choices=["cuba", "coba"], default="cuba")
    parser.add_argument("--mode", choices=["cpp_standalone", "runtime"], default="cpp_standalone")
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build-dir", default=None)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if args.mode == "runtime":
        print(json.dumps(run_runtime(args.network, args.duration_ms, args.seed)))
        return
    sim = standalone_network(args.network, args.duration_ms, args.seed, args.build_dir)
    for _ in range(args.repeats):
        print(json.dumps(sim.run()))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
