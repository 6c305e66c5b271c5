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
  Integrated with exponential Euler, delay 0.1 ms.
- coba_euler: the same network with forward Euler and no synaptic delay, Brian2's
  fastest sensible configuration (issue 8); spikeq runs its one COBA network against
  both. bench/coba_accuracy.py states what each method costs in accuracy.

- brunel_static / brunel_plastic (benchmarks.md network 5, bench/networks/brunel_*.textproto):
  Brunel (2000) with delta synapses, 8000 E + 2000 I, tau_m dV/dt = -V, tau_m = 20 ms,
  V_th = 20 mV, V_reset = 10 mV, refractory 2 ms (input during it discarded, as in NEST
  and spikeq), V(0) uniform in [0, 20] mV, p = 0.1 for every ordered pair i != j,
  J = 0.1 mV, g = 5, delay 1.5 ms, external Poisson input of C_E = 800 inputs at
  1.1 nu_thr = 13.75 Hz each (Brian2's PoissonInput). brunel_plastic adds additive
  all-to-all pair STDP on E->E the standard Brian2 way (event-driven traces; on_pre:
  depression with the post trace, then pre trace += 1; on_post: potentiation with the pre
  trace, then post trace += 1; clipped to [0, Wmax]); the pre pathway carries the
  synaptic delay and the post pathway none, i.e. spikeq's AXONAL convention.

Used by bench/vs_brian2.py; run alone for a quick check:
    /usr/bin/python3 bench/brian2/benchmark_networks.py --network cuba --duration-ms 1000
"""
import argparse
import json
import os
import re
import subprocess
import tempfile
import time

import brian2 as b2
import numpy as np

N_EXC, N_INH = 3200, 800
# (excitatory, inhibitory) neurons of each network; neurons [0, exc) are excitatory.
SIZES = {"cuba": (N_EXC, N_INH), "coba": (N_EXC, N_INH), "coba_euler": (N_EXC, N_INH), "brunel_static": (8000, 2000),
         "brunel_plastic": (8000, 2000)}
NETWORKS = list(SIZES)

# Must match bench/networks/brunel_{static,plastic}.textproto.
BRUNEL = dict(
    n_exc=8000, n_inh=2000, p=0.1,
    J_mV=0.1, g=5.0, delay_ms=1.5,
    tau_m_ms=20.0, V_th_mV=20.0, V_reset_mV=10.0, t_ref_ms=2.0,
    C_ext=800, nu_ext_hz=13.75,  # 1.1 nu_thr, nu_thr = V_th / (J C_E tau_m) = 12.5 Hz
    tau_plus_ms=20.0, tau_minus_ms=20.0, A_plus_mV=0.001, A_minus_mV=0.00105, Wmax_mV=0.2,
)


def _start_scope(seed):
    """A fresh Brian2 scope with `seed` and the benchmarks' 0.1 ms step."""
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms


def build_network(name, seed):
    """Creates network `name` in the current Brian2 device; returns (network, spike monitor)."""
    from brian2 import ms, mV, nS, pF

    _start_scope(seed)
    if name.startswith("brunel"):
        return _brunel(plastic=name == "brunel_plastic")
    if name in ("coba", "coba_euler"):
        namespace = dict(taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-60 * mV, Ee=0 * mV,
                         Ei=-80 * mV, gl=10 * nS, C=200 * pF, we=6 * nS, wi=67 * nS)
        eqs = """
        dv/dt  = (gl * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / C : volt (unless refractory)
        dge/dt = -ge / taue : siemens
        dgi/dt = -gi / taui : siemens
        """
        neurons = b2.NeuronGroup(N_EXC + N_INH, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                                 method="euler" if name == "coba_euler" else "exponential_euler",
                                 namespace=namespace)
        neurons.v = "El + (randn() * 5 - 5) * mV"
        neurons.ge = "(randn() * 1.5 + 4) * 10 * nS"
        neurons.gi = "(randn() * 12 + 20) * 10 * nS"
        return _connect(neurons, namespace, delay=None if name == "coba_euler" else 0.1 * ms)
    neurons, namespace = _cuba_neurons(N_EXC + N_INH)
    return _connect(neurons, namespace, delay=0.1 * ms)


def _cuba_neurons(n):
    """n CUBA neurons (see the module docstring) and the namespace of their synapses."""
    from brian2 import ms, mV

    namespace = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
                     we=1.62 * mV, wi=-9 * mV)
    eqs = """
    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    neurons = b2.NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact",
                             namespace=namespace)
    neurons.v = "Vr + rand() * (Vt - Vr)"
    neurons.ge = 0 * mV
    neurons.gi = 0 * mV
    return neurons, namespace


def fixed_in_degree_sources(rng, self_index, n_sources, k):
    """k distinct sources in [0, n_sources) for each target; row t excludes source
    self_index[t] (-1: none). Rows with a repeated source are drawn again."""
    rows = self_index.size
    sources = np.empty((rows, k), dtype=np.int32)
    todo = np.arange(rows)
    while todo.size:
        own = self_index[todo][:, None]
        draw = rng.integers(0, n_sources - (own >= 0), size=(todo.size, k))
        draw += (own >= 0) & (draw >= own)  # skip the target itself
        ordered = np.sort(draw, axis=1)
        repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        sources[todo[~repeated]] = draw[~repeated]
        todo = todo[repeated]
    return sources


def build_cuba_fixed_in_degree(n, k_exc, k_inh, seed):
    """CUBA as build_network("cuba") but with n neurons (4/5 excitatory) and every
    neuron receiving exactly k_exc excitatory and k_inh inhibitory inputs, distinct and
    not from itself (bench/cuba_growth.py's networks). Returns (network, spike monitor,
    (excitatory, inhibitory) neurons, each neuron's out-degree)."""
    from brian2 import ms

    _start_scope(seed)
    n_exc = n * 4 // 5
    neurons, namespace = _cuba_neurons(n)
    rng = np.random.default_rng(seed)
    targets = np.arange(n)
    own_exc = np.where(targets < n_exc, targets, -1)
    own_inh = np.where(targets >= n_exc, targets - n_exc, -1)
    out_degree = np.zeros(n, dtype=np.int64)
    synapses = []
    for (first, size, own, k, on_pre) in ((0, n_exc, own_exc, k_exc, "ge += we"),
                                          (n_exc, n - n_exc, own_inh, k_inh, "gi += wi")):
        sources = fixed_in_degree_sources(rng, own, size, k)
        syn = b2.Synapses(neurons[first:first + size], neurons, on_pre=on_pre, delay=0.1 * ms, namespace=namespace)
        syn.connect(i=sources.ravel(), j=np.repeat(targets, k).astype(np.int32))
        out_degree[first:first + size] += np.bincount(sources.ravel(), minlength=size)
        synapses.append(syn)
    monitor = b2.SpikeMonitor(neurons, record=False)  # counts only
    return b2.Network(neurons, *synapses, monitor), monitor, (n_exc, n - n_exc), out_degree


def _connect(neurons, namespace, delay):
    """E and I synapses with p = 0.02; `delay` None: none (input acts in the next step)."""
    exc = b2.Synapses(neurons, neurons, on_pre="ge += we", delay=delay, namespace=namespace)
    inh = b2.Synapses(neurons, neurons, on_pre="gi += wi", delay=delay, namespace=namespace)
    exc.connect(f"i < {N_EXC} and i != j", p=0.02)
    inh.connect(f"i >= {N_EXC} and i != j", p=0.02)
    monitor = b2.SpikeMonitor(neurons, record=False)  # counts only
    net = b2.Network(neurons, exc, inh, monitor)
    return net, monitor


def _brunel(plastic):
    """Brunel (2000) network, static or with STDP on E->E (see the module docstring)."""
    from brian2 import Hz, ms, mV

    P = BRUNEL
    n_exc, n_inh = P["n_exc"], P["n_inh"]
    namespace = dict(taum=P["tau_m_ms"] * ms, Vt=P["V_th_mV"] * mV, Vr=P["V_reset_mV"] * mV,
                     J=P["J_mV"] * mV, JI=-P["g"] * P["J_mV"] * mV, n_exc=n_exc,
                     taupre=P["tau_plus_ms"] * ms, taupost=P["tau_minus_ms"] * ms,
                     Aplus=P["A_plus_mV"] * mV, Aminus=P["A_minus_mV"] * mV, Wmax=P["Wmax_mV"] * mV)
    neurons = b2.NeuronGroup(n_exc + n_inh, "dv/dt = -v / taum : volt (unless refractory)",
                             threshold="v >= Vt", reset="v = Vr", refractory=P["t_ref_ms"] * ms,
                             method="exact", namespace=namespace)
    neurons.v = "rand() * Vt"
    exc, inh = neurons[:n_exc], neurons[n_exc:]
    delay = P["delay_ms"] * ms
    # Input arriving while the target is refractory is discarded (NEST's and spikeq's
    # iaf_psc_delta): not_refractory is already false in the step of the spike.
    if plastic:
        ee = b2.Synapses(exc, exc, model="""
            w : volt
            dapre/dt = -apre / taupre : 1 (event-driven)
            dapost/dt = -apost / taupost : 1 (event-driven)
            """, on_pre="""
            w = clip(w - Aminus * apost, 0 * mV, Wmax)
            v_post += w * int(not_refractory_post)
            apre += 1
            """, on_post="""
            w = clip(w + Aplus * apre, 0 * mV, Wmax)
            apost += 1
            """, delay=delay, namespace=namespace)  # delay on the pre pathway only: axonal
    else:
        ee = b2.Synapses(exc, exc, on_pre="v_post += J * int(not_refractory_post)", delay=delay,
                         namespace=namespace)
    ee.connect(condition="i != j", p=P["p"])
    if plastic:
        ee.w = "J"
    ei = b2.Synapses(exc, inh, on_pre="v_post += J * int(not_refractory_post)", delay=delay, namespace=namespace)
    ei.connect(p=P["p"])
    ia = b2.Synapses(inh, neurons, on_pre="v_post += JI * int(not_refractory_post)", delay=delay,
                     namespace=namespace)
    ia.connect(condition="i + n_exc != j", p=P["p"])
    drive = b2.PoissonInput(neurons, "v", N=P["C_ext"], rate=P["nu_ext_hz"] * Hz, weight="J * int(not_refractory)")
    monitor = b2.SpikeMonitor(neurons, record=False)  # counts only
    net = b2.Network(neurons, ee, ei, ia, drive, monitor)
    return net, monitor


def rates_from_counts(sizes, counts, duration_ms):
    """(excitatory rate, inhibitory rate, spikes) of neurons [0, exc) and [exc, exc + inh)."""
    n_exc, n_inh = sizes
    counts = np.asarray(counts)
    seconds = duration_ms / 1000.0
    return counts[:n_exc].sum() / n_exc / seconds, counts[n_exc:].sum() / n_inh / seconds, int(counts.sum())


def rates(monitor, duration_ms, name="cuba"):
    return rates_from_counts(SIZES[name], monitor.count[:], duration_ms)


class standalone_network:
    """Compiles a network once in C++ standalone mode; run() re-executes the binary
    and reports the simulation time Brian2 measures itself (compilation, process start
    and network construction excluded). Several networks can be compiled in one process
    and run alternately: run() executes the binary itself and reads the spike counts
    from its results directory instead of going through the (single) device state."""

    def __init__(self, name, duration_ms, seed, build_dir=None, build=None):
        """Network `name` of build_network, or the (network, monitor, (exc, inh) neurons)
        that build(seed) returns, named `name`."""
        b2.set_device("cpp_standalone", build_on_run=False)
        b2.device.reinit()
        b2.device.activate(build_on_run=False)
        self.name = name
        self.duration_ms = duration_ms
        self.directory = build_dir or tempfile.mkdtemp(prefix=f"brian2_{name}_")
        if build is None:
            net, monitor = build_network(name, seed)
            self.sizes = SIZES[name]
        else:
            net, monitor, self.sizes = build(seed)
        net.run(duration_ms * b2.ms)
        t0 = time.perf_counter()
        b2.device.build(directory=self.directory, compile=True, run=False, with_output=False)
        self.compile_s = time.perf_counter() - t0
        count = monitor.variables["count"]
        self.count_file = os.path.join(self.directory, b2.device.get_array_filename(count))
        self.count_dtype = count.dtype

    def run(self):
        env = dict(os.environ)
        env.update(b2.prefs["devices.cpp_standalone.run_environment_variables"])
        results = os.path.join(self.directory, "results")
        t0 = time.perf_counter()
        with open(os.path.join(results, "stdout.txt"), "w") as out:
            subprocess.run(["/usr/bin/time", "-f", "peak_kb=%M", "-o", os.path.join(results, "time.txt"), "./main"],
                           cwd=self.directory, env=env, stdout=out, check=True)
        wall = time.perf_counter() - t0
        with open(os.path.join(results, "last_run_info.txt")) as f:
            sim_time = float(f.read().split()[0])
        with open(os.path.join(results, "time.txt")) as f:
            peak_kb = int(re.search(r"peak_kb=(\d+)", f.read()).group(1))
        self.spike_counts = np.fromfile(self.count_file, dtype=self.count_dtype)
        exc_rate, inh_rate, n = rates_from_counts(self.sizes, self.spike_counts, self.duration_ms)
        return {"peer": "brian2", "mode": "cpp_standalone", "version": b2.__version__,
                "sim_time_s": sim_time, "wall_s": wall, "exc_rate_hz": exc_rate,
                "inh_rate_hz": inh_rate, "n_spikes": n, "peak_mb": peak_kb / 1024.0}


def run_runtime(name, duration_ms, seed):
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    net, monitor = build_network(name, seed)
    t0 = time.perf_counter()
    net.run(duration_ms * b2.ms)
    elapsed = time.perf_counter() - t0
    exc_rate, inh_rate, n = rates(monitor, duration_ms, name)
    return {"peer": "brian2", "mode": "runtime(numpy)", "version": b2.__version__, "sim_time_s": elapsed,
            "wall_s": elapsed, "exc_rate_hz": exc_rate, "inh_rate_hz": inh_rate, "n_spikes": n}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--network", choices=NETWORKS, default="cuba")
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
