"""Load spikeq / SONATA recordings into numpy and compute spike-train statistics.

Only numpy and h5py are needed (Debian: python3-numpy, python3-h5py; run with
/usr/bin/python3). Definitions follow docs/analysis.md:

- firing rate of a neuron: spikes in [t_start, t_stop) / duration;
- CV of inter-spike intervals (Softky & Koch 1993): std / mean of a neuron's ISIs
  (population standard deviation), for neurons with at least 3 spikes;
- local variation LV (Shinomoto et al. 2003):
  3 / (n - 1) * sum_i ((I_i - I_{i+1}) / (I_i + I_{i+1}))^2 over a neuron's n ISIs;
- Fano factor: variance / mean of a neuron's spike counts in consecutive bins;
- pairwise correlation: Pearson correlation of two neurons' binned counts;
- synchrony chi (Golomb 2007): sqrt(var of the population-averaged binned counts /
  mean over neurons of the variance of their binned counts).

With Elephant (not packaged in Debian) the same numbers come from
``elephant.statistics.cv(isi(train))``, ``elephant.statistics.lv(isi(train))``,
``elephant.statistics.fanofactor(...)`` (per-neuron counts instead of trials),
``elephant.spike_train_correlation.correlation_coefficient(BinnedSpikeTrain(...))``.

Neuromodulator channels (/neuromodulators/<channel>): ``load_neuromodulators``
reads tau, tonic and the releases; ``modulator_level`` evaluates the level
M(t) = tonic + sum_{t_k <= t} amount_k exp(-(t - t_k) / tau) exactly on any time grid;
``modulator_statistics`` gives what `spikeq analyze` prints for a channel.

Readouts and trials (/protocol, frame reports of linear_readout variables):
``load_protocol`` reads the trial schedule, ``readout_reports`` finds the readouts'
reports, ``trial_averaged`` aligns a readout neuron's response to each trial's
outcome time (or start) and averages it per outcome, and ``readout_statistics``
gives what `spikeq analyze` reports for it (docs/analysis.md, "Readouts").

Alignment of forward and feedback weights (/alignment/<name>; docs/models/alignment.md):
``load_alignment`` reads the series, ``alignment_statistics`` gives what `spikeq
analyze` prints for one, and ``dense_matrix`` with ``alignment_measures`` (and
``upper_triangle_asymmetry`` for a recurrent projection) recompute the measures from
recorded weights as the paper code (Gierlich et al. 2025, symmnet/utils.py) does.

Populations recorded in part: ``load_spikes`` returns the recorded node ids
(/spikes/<population>/recorded_node_ids) as the third element, and every statistic
takes either a neuron count (node ids 0..n-1) or that array, so rates, silent
fractions and correlations are over the recorded neurons only. Files without the
list (other tools) fall back to the neurons that spike, with a warning.

Example:
    import spikeq_analysis as sa
    rec = sa.load_spikes("out/cuba.h5")
    t, ids, n = rec["exc"]  # n: the recorded node ids
    print(sa.mean_cv(t, ids, n), sa.fano_factor(t, ids, n, 0, 2000, 5))
    dopamine = sa.load_neuromodulators("out/distal_reward.h5")["dopamine"]
    grid = np.arange(0.0, 10000.0, 1.0)
    level = sa.modulator_level(dopamine, grid)
    r = sa.trial_averaged("out/readout.h5", "readout", 0, window=(-300, 300))
    print(r["offsets"], r["mean"]["A"], r["count"]["A"])
"""
import ctypes
import ctypes.util
import math
import os
import re
import warnings

import h5py
import numpy as np

SORTING_NAMES = {0: "none", 1: "by_id", 2: "by_time"}  # SONATA enum values


SWMR_READ_ATTEMPTS = 24  # as io/hdf5/hdf5_reader.hpp: a damaged file fails in ~0.05 s, not minutes


def _marked_swmr(path):
    """Whether the file's superblock (version >= 3) says a SWMR writer has it open:
    the file consistency flags (byte 11) have bit 2 set."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            at = 0
            while at + 12 <= size:
                f.seek(at)
                head = f.read(12)
                if head[:8] == b"\x89HDF\r\n\x1a\n":
                    return head[8] >= 3 and bool(head[11] & 0x04)
                at = 512 if at == 0 else at * 2
    except OSError:
        pass
    return False


def _swmr_access():
    """A file access property list with bounded metadata read attempts (h5py does not
    wrap H5Pset_metadata_read_attempts: called through ctypes), or None."""
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    for name in ("libhdf5_serial.so.103", "libhdf5.so.103", ctypes.util.find_library("hdf5")):
        try:
            setter = ctypes.CDLL(name).H5Pset_metadata_read_attempts
        except (OSError, AttributeError, TypeError):
            continue
        setter.argtypes = [ctypes.c_int64, ctypes.c_uint]
        if setter(fapl.id, SWMR_READ_ATTEMPTS) >= 0:
            return fapl
    return None


def _open(path):
    """Opens a finished file plainly, or, when its superblock marks it as being written
    with SWMR (a run in progress or killed), as a SWMR reader with bounded retries; a
    damaged file fails at once (OSError) instead of in HDF5's SWMR retry loop."""
    if not _marked_swmr(path):
        return h5py.File(path, "r")
    fapl = _swmr_access()
    if fapl is None:
        return h5py.File(path, "r", libver="latest", swmr=True)
    return h5py.File(h5py.h5f.open(os.fsencode(path), h5py.h5f.ACC_RDONLY | h5py.h5f.ACC_SWMR_READ, fapl=fapl))


def _sorting(group):
    """SONATA stores sorting as a uint8 enum; some tools write a string; absent means unknown."""
    if "sorting" not in group.attrs:
        return "none"
    value = group.attrs["sorting"]
    if isinstance(value, (bytes, str)):
        return value.decode() if isinstance(value, bytes) else value
    return SORTING_NAMES.get(int(value), "none")


def load_spikes(path):
    """Returns {population: (times_ms, node_ids, recorded)} with spikes sorted by time.

    recorded is the array of the recorded node ids (ascending): spikeq's
    recorded_node_ids (all neurons of a population recorded whole, the chosen ones of
    one recorded in part). Files without it (other tools) give the ids that spike,
    with a warning: neurons that never spiked are then unknown. Pass it as the
    statistics' n_neurons argument.
    """
    out = {}
    with _open(path) as f:
        if "spikes" not in f:
            raise KeyError(f"{path}: no /spikes group")
        for name, group in f["spikes"].items():
            times = np.asarray(group["timestamps"][:], dtype=np.float64)
            ids = np.asarray(group["node_ids"][:], dtype=np.uint64)
            if _sorting(group) != "by_time":
                order = np.argsort(times, kind="stable")
                times, ids = times[order], ids[order]
            if "recorded_node_ids" in group:
                recorded = np.unique(np.asarray(group["recorded_node_ids"][:], dtype=np.uint64))
            else:
                recorded = np.unique(ids)
                warnings.warn(f"{path}: /spikes/{name} does not list its recorded neurons (no recorded_node_ids): "
                              f"statistics are over the {len(recorded)} neurons that spiked")
            out[name] = (times, ids, recorded)
    return out


def load_report(path, group):
    """Returns (times_ms, node_ids, data[frames, nodes]) of /report/<group>."""
    with _open(path) as f:
        g = f["report"][group]
        start, stop, step = g["mapping/time"][:]
        data = g["data"][:]
        times = start + step * np.arange(data.shape[0])
        return times, g["mapping/node_ids"][:], data


def _slots(ids, neurons):
    """(indices 0..n-1 of `ids`, n) for a population whose neurons are `neurons`: a
    count (node ids 0..n-1) or an array of recorded node ids (ascending, as
    load_spikes returns). A spike of a neuron not among them is a ValueError."""
    if np.ndim(neurons) == 0:
        return np.asarray(ids).astype(np.int64), int(neurons)
    recorded = np.asarray(neurons, dtype=np.uint64)
    ids = np.asarray(ids, dtype=np.uint64)
    pos = np.searchsorted(recorded, ids)
    if len(ids) and (pos.max() >= len(recorded) or np.any(recorded[pos] != ids)):
        raise ValueError("spikes of neurons that are not among the recorded ones")
    return pos.astype(np.int64), len(recorded)


def _window(times, ids, t_start, t_stop):
    keep = (times >= t_start) & (times < t_stop)
    return times[keep], ids[keep]


def rates(times, ids, n_neurons, t_start, t_stop):
    """Per-neuron firing rate (Hz) in [t_start, t_stop) ms (n_neurons: a count or the
    recorded node ids, as everywhere below)."""
    ids, n_neurons = _slots(ids, n_neurons)
    _, w_ids = _window(times, ids, t_start, t_stop)
    counts = np.bincount(w_ids.astype(np.int64), minlength=n_neurons).astype(np.float64)
    return counts / ((t_stop - t_start) / 1000.0)


def _isis(times, ids, n_neurons):
    """ISIs per neuron (times must be sorted)."""
    ids, n_neurons = _slots(ids, n_neurons)
    order = np.argsort(ids, kind="stable")
    sorted_ids, sorted_t = ids[order], times[order]
    bounds = np.searchsorted(sorted_ids, np.arange(n_neurons + 1))
    return [np.diff(sorted_t[bounds[k]:bounds[k + 1]]) for k in range(n_neurons)]


def cvs(times, ids, n_neurons):
    """CV of ISIs per neuron with >= 3 spikes (others are left out)."""
    return np.array([d.std() / d.mean() for d in _isis(times, ids, n_neurons) if len(d) >= 2])


def lvs(times, ids, n_neurons):
    """Local variation per neuron with >= 3 spikes."""
    out = []
    for d in _isis(times, ids, n_neurons):
        if len(d) >= 2:
            out.append(3.0 / (len(d) - 1) * np.sum(((d[:-1] - d[1:]) / (d[:-1] + d[1:])) ** 2))
    return np.array(out)


def mean_cv(times, ids, n_neurons):
    values = cvs(times, ids, n_neurons)
    return float(values.mean()) if len(values) else float("nan")


def binned_counts(times, ids, n_neurons, t_start, t_stop, bin_ms):
    """Counts [neurons, bins] in the whole bins of width bin_ms inside [t_start, t_stop)."""
    ids, n_neurons = _slots(ids, n_neurons)
    n_bins = int(np.floor((t_stop - t_start) / bin_ms + 1e-9))
    w_t, w_ids = _window(times, ids, t_start, t_start + n_bins * bin_ms)
    b = np.minimum(((w_t - t_start) / bin_ms).astype(np.int64), n_bins - 1)
    counts = np.zeros((n_neurons, n_bins))
    np.add.at(counts, (w_ids.astype(np.int64), b), 1.0)
    return counts


def fano_factor(times, ids, n_neurons, t_start, t_stop, bin_ms):
    """Mean over neurons with spikes of var / mean of their binned counts."""
    c = binned_counts(times, ids, n_neurons, t_start, t_stop, bin_ms)
    mean = c.mean(axis=1)
    active = mean > 0
    return float((c[active].var(axis=1) / mean[active]).mean()) if active.any() else float("nan")


def mean_correlation(times, ids, n_neurons, t_start, t_stop, bin_ms, max_neurons=100):
    """Mean Pearson correlation of binned counts over all pairs of up to max_neurons
    neurons (evenly spaced ids), leaving out neurons whose counts do not vary."""
    ids, n_neurons = _slots(ids, n_neurons)
    c = binned_counts(times, ids, n_neurons, t_start, t_stop, bin_ms)
    pick = np.unique(np.linspace(0, n_neurons - 1, min(max_neurons, n_neurons)).astype(np.int64))
    c = c[pick]
    c = c[c.std(axis=1) > 0]
    if len(c) < 2:
        return float("nan")
    r = np.corrcoef(c)
    upper = np.triu_indices(len(c), k=1)
    return float(r[upper].mean())


def synchrony(times, ids, n_neurons, t_start, t_stop, bin_ms):
    """Golomb's chi: 0 for independent neurons (about 1/sqrt(N)), 1 for full synchrony."""
    c = binned_counts(times, ids, n_neurons, t_start, t_stop, bin_ms)
    individual = c.var(axis=1).mean()
    return float(np.sqrt(c.mean(axis=0).var() / individual)) if individual > 0 else float("nan")


SPECTRUM_SEGMENT = 1024  # 1 ms bins per segment (1.024 s, 0.977 Hz resolution)


def rate_spectrum(times, t_start, t_stop, band=(30.0, 80.0)):
    """Power spectrum of the population rate (Welch 1967, no overlap): spike counts
    of all neurons in 1 ms bins, segments of 1024 bins with their mean removed and
    a Hann window, periodograms averaged. Returns (frequencies in Hz, power, peak
    frequency at or above 2 Hz, fraction of the power at or above 2 Hz inside
    `band` [low, high)). NaNs when the window is shorter than one segment.

    With Elephant: ``elephant.spectral.welch_psd(rate_signal, n_segments=...,
    window='hann', overlap=0)`` on the 1 ms population count."""
    n_bins = int(np.floor((t_stop - t_start) / 1.0 + 1e-9))
    t = np.asarray(times, dtype=float)
    t = t[(t >= t_start) & (t < t_start + n_bins)]
    counts = np.bincount(np.floor(t - t_start).astype(np.int64), minlength=n_bins).astype(float)
    segments = n_bins // SPECTRUM_SEGMENT
    if segments == 0:
        return np.array([]), np.array([]), float("nan"), float("nan")
    window = np.hanning(SPECTRUM_SEGMENT)
    power = np.zeros(SPECTRUM_SEGMENT // 2 + 1)
    for s in range(segments):
        x = counts[s * SPECTRUM_SEGMENT:(s + 1) * SPECTRUM_SEGMENT]
        power += np.abs(np.fft.rfft((x - x.mean()) * window)) ** 2 / segments
    freq = np.fft.rfftfreq(SPECTRUM_SEGMENT, 1e-3)
    above = freq >= 2.0
    total = power[above].sum()
    if not total > 0:
        return freq, power, float("nan"), float("nan")
    peak = float(freq[above][np.argmax(power[above])])
    in_band = above & (freq >= band[0]) & (freq < band[1])
    return freq, power, peak, float(power[in_band].sum() / total)


def load_edges(path):
    """Weights of every recorded projection: {name: dict(source, target, delay,
    initial, final)} from /edges/<name> (SONATA edges; `initial` is spikeq's
    initial_syn_weight, `final` the weights when the run ended)."""
    out = {}
    with _open(path) as f:
        for name, g in f.get("edges", {}).items():
            out[name] = dict(source=g["source_node_id"][:], target=g["target_node_id"][:],
                             delay=g["0/delay"][:],
                             initial=g["0/initial_syn_weight"][:] if "initial_syn_weight" in g["0"] else None,
                             final=g["0/syn_weight"][:])
    return out


def load_weight_events(path, projection):
    """Every logged weight change of a projection (recording.weights with events:
    true): dict(time (ms), edge_id, weight) from /weight_events/<projection>, float64
    weights in time order; empty arrays when nothing changed."""
    with _open(path) as f:
        g = f["weight_events"][projection]
        return dict(time=np.asarray(g["timestamps"][:], dtype=np.float64),
                    edge_id=np.asarray(g["edge_ids"][:], dtype=np.uint64),
                    weight=np.asarray(g["weights"][:], dtype=np.float64))


def weight_statistics(final, bounds=None, initial=None, report=None):
    """What `spikeq analyze` reports for one projection: mean and SD (population)
    of the final weights, fractions at the bounds, a 10-bin histogram over the
    bounds (or the observed range), and the change between the first and last
    frame of a weight report (frames x columns array) or, without one, from the
    initial to the final weights."""
    w = np.asarray(final, dtype=float)
    w = w[~np.isnan(w)]
    low, high = (bounds if bounds is not None else ((w.min(), w.max()) if w.size else (0.0, 0.0)))
    width = high - low
    position = np.clip((w - low) / width * 10.0 if width > 0 else np.zeros_like(w), 0, 9)
    # A crashed run leaves every final weight NaN: report them as not recorded.
    nan = float("nan")
    stats = dict(mean=w.mean() if w.size else nan, sd=w.std() if w.size else nan,
                 min=w.min() if w.size else nan, max=w.max() if w.size else nan,
                 histogram=np.bincount(position.astype(np.int64), minlength=10),
                 final_recorded=bool(w.size) or not np.asarray(final).size)
    if bounds is not None:
        stats["fraction_at_lower"] = np.mean(w <= bounds[0])
        stats["fraction_at_upper"] = np.mean(w >= bounds[1])
    if report is not None and len(report) >= 2:
        d = report[-1].astype(float) - report[0].astype(float)
    elif initial is not None:
        keep = ~np.isnan(np.asarray(final, dtype=float))
        d = np.asarray(final, dtype=float)[keep] - np.asarray(initial, dtype=float)[keep]
    else:
        d = np.array([])
    stats["mean_change"] = d.mean() if d.size else float("nan")
    stats["mean_absolute_change"] = np.abs(d).mean() if d.size else float("nan")
    stats["changed"] = int(np.count_nonzero(d))
    return stats


def load_neuromodulators(path):
    """Every neuromodulator channel of a recording: {name: dict(tau, tonic, times,
    amounts)} from /neuromodulators/<name>: tau in ms and the tonic level (group
    attributes), release times in ms (ascending) and release amounts (float64
    arrays). {} for a file without channels."""
    out = {}
    with _open(path) as f:
        for name, g in f.get("neuromodulators", {}).items():
            times = np.asarray(g["release_times"][:], dtype=np.float64)
            amounts = np.asarray(g["release_amounts"][:], dtype=np.float64)
            if len(times) != len(amounts):
                raise ValueError(f"{path}: /neuromodulators/{name}: release_times and release_amounts differ")
            out[name] = dict(tau=float(np.asarray(g.attrs["tau"]).reshape(-1)[0]),
                             tonic=float(np.asarray(g.attrs["tonic"]).reshape(-1)[0]),
                             times=times, amounts=amounts)
    return out


def _phasic_after_releases(times, amounts, tau):
    """Phasic level just after each release (releases at one time summed into the last)."""
    out = np.empty(len(times))
    level, last = 0.0, -math.inf
    pairs = zip(np.asarray(times, dtype=float).tolist(), np.asarray(amounts, dtype=float).tolist())
    for k, (t, x) in enumerate(pairs):
        if level != 0.0:
            level *= math.exp(-(t - last) / tau)
        level += x
        last = t
        out[k] = level
    return out


def modulator_level(channel, t, side="right"):
    """The level M at times t (ms, any shape), exactly from the releases of `channel`
    (a dict of load_neuromodulators): tonic + sum over releases with t_k <= t of
    amount_k * exp(-(t - t_k) / tau). side="left" gives the limit from the left
    (releases at exactly t left out)."""
    times = np.asarray(channel["times"], dtype=float)
    t = np.asarray(t, dtype=float)
    phasic = _phasic_after_releases(times, channel["amounts"], channel["tau"])
    last = np.searchsorted(times, t, side=side) - 1
    out = np.full(t.shape, channel["tonic"], dtype=float)
    has = last >= 0
    out[has] += phasic[last[has]] * np.exp(-(t[has] - times[last[has]]) / channel["tau"])
    return out


def modulator_statistics(channel, t_start, t_stop):
    """What `spikeq analyze` reports for a channel over [t_start, t_stop] (ms):
    releases in the window (and how many have a non-zero amount), their total
    amount, the release rate (Hz), the mean level (the exact integral of M over the
    window, divided by its length: tonic + sum_k amount_k * tau * (exp(-(max(t_start,
    t_k) - t_k) / tau) - exp(-(t_stop - t_k) / tau)) / (t_stop - t_start) over
    t_k <= t_stop), and the peak of M with its first time (M is monotone between
    releases, so the peak is at t_start, t_stop or either side of a release)."""
    a, b, tau = float(t_start), float(t_stop), channel["tau"]
    times = np.asarray(channel["times"], dtype=float)
    x = np.asarray(channel["amounts"], dtype=float)
    up_to_b = times <= b
    tk, xk = times[up_to_b], x[up_to_b]
    before = tk < a
    integral = np.where(before, xk * tau * np.exp(-(a - tk) / tau) * -np.expm1(-(b - a) / tau),
                        xk * tau * -np.expm1(-(b - tk) / tau))
    inside = ~before
    u = np.unique(tk[inside])
    cand_t = np.concatenate([[a], np.repeat(u, 2), [b]])
    left = modulator_level(channel, u, side="left")
    right = modulator_level(channel, u)
    cand = np.concatenate([modulator_level(channel, [a]), np.column_stack([left, right]).reshape(-1),
                           modulator_level(channel, [b])])
    # The left limit at t_start lies outside the window.
    if len(u) and u[0] == a:
        cand[1] = -math.inf
    peak = int(np.argmax(cand))
    releases = int(inside.sum())
    return dict(tau=tau, tonic=channel["tonic"], releases=releases,
                nonzero_releases=int(np.count_nonzero(xk[inside])), total_amount=float(xk[inside].sum()),
                release_rate=releases / ((b - a) / 1000.0),
                mean_level=channel["tonic"] + float(integral.sum()) / (b - a),
                peak_level=float(cand[peak]), peak_time=float(cand_t[peak]))


def load_protocol(path):
    """The trial schedule of a recording (/protocol, written by `spikeq run` for a
    network with a `protocol`): dict(trial_start, outcome_time (ms, float64 arrays),
    outcome (uint64 index per trial), outcome_names (list), trial_duration (ms: the
    attribute trial_duration_ms, else the shortest gap between trial starts, inf for a
    single trial)). None for a file without /protocol."""
    with _open(path) as f:
        if "protocol" not in f:
            return None
        g = f["protocol"]
        names = g.attrs["outcome_names"]
        names = names.decode() if isinstance(names, bytes) else str(names)
        out = dict(trial_start=np.asarray(g["trial_start"][:], dtype=np.float64),
                   outcome_time=np.asarray(g["outcome_time"][:], dtype=np.float64),
                   outcome=np.asarray(g["outcome"][:], dtype=np.uint64),
                   outcome_names=names.split(","))
        # Data-set protocols (image_dataset, docs/models/image_dataset.md) add per-trial
        # sample, label, task and evaluation, and per-task start times and permutations.
        for extra in ("sample", "label", "task", "evaluation", "task_start", "pixel_permutation"):
            if extra in g:
                out[extra] = np.asarray(g[extra][()])
        if "trial_duration_ms" in g.attrs:
            d = g.attrs["trial_duration_ms"]
            out["trial_duration"] = float(d.decode() if isinstance(d, bytes) else d)
        else:
            gaps = np.diff(out["trial_start"])
            out["trial_duration"] = float(gaps.min()) if len(gaps) else math.inf
    if not len(out["outcome"]) == len(out["trial_start"]) == len(out["outcome_time"]):
        raise ValueError(f"{path}: /protocol: trial_start, outcome_time and outcome differ in length")
    return out


def load_live_inputs(path):
    """The inputs a live run took from its clients (/live, written by `spikeq run
    --serve` or `--replay`; docs/formats/output.md): dict(mode, resolution_ms,
    spikes=dict(times, population (names), neuron), currents=dict(times, source
    (names), amplitude), releases=dict(times, channel (names), amount), stopped_at (ms
    or None)). Times are when each input took effect, in ms. None without /live."""
    def names(g, attribute):
        v = g.attrs[attribute]
        v = v.decode() if isinstance(v, bytes) else str(v)
        return v.split(",") if v else []

    with _open(path) as f:
        if "live" not in f:
            return None
        g = f["live"]
        mode = g.attrs["mode"]
        out = dict(mode=mode.decode() if isinstance(mode, bytes) else str(mode),
                   resolution_ms=float(np.asarray(g.attrs["resolution_ms"]).reshape(-1)[0]))
        pops, sources, channels = names(g, "populations"), names(g, "current_sources"), names(g, "channels")
        s = g["spikes"]
        out["spikes"] = dict(times=np.asarray(s["times"][:], dtype=np.float64),
                             population=[pops[k] for k in s["population"][:]],
                             neuron=np.asarray(s["neuron"][:], dtype=np.uint64))
        c = g["currents"]
        out["currents"] = dict(times=np.asarray(c["times"][:], dtype=np.float64),
                               source=[sources[k] for k in c["source"][:]],
                               amplitude=np.asarray(c["amplitude"][:], dtype=np.float64))
        r = g["releases"]
        out["releases"] = dict(times=np.asarray(r["times"][:], dtype=np.float64),
                               channel=[channels[k] for k in r["channel"][:]],
                               amount=np.asarray(r["amount"][:], dtype=np.float64))
        stopped = g["stopped_at"][:]
        out["stopped_at"] = float(stopped[0]) if len(stopped) else None
    return out


def readout_reports(path):
    """{group: dict(population, variable)} for the frame reports of linear_readout
    variables (y, target, error): the report's variable is one of them and its
    population (the group name, or the name before ".<variable>") is a linear_readout
    of the network in /provenance/network (judged by the variable alone without it)."""
    out = {}
    with _open(path) as f:
        network = f["provenance/network"][()] if "provenance/network" in f else None
        if isinstance(network, bytes):
            network = network.decode()
        readouts, populations = None, None
        if network is not None:
            blocks = _population_blocks(network)
            populations = [name for name, _ in blocks]
            readouts = [name for name, body in blocks if re.search(r"\blinear_readout\s*\{", body)]
        for group, g in f.get("report", {}).items():
            variable = g.attrs.get("variable", b"")
            variable = variable.decode() if isinstance(variable, bytes) else str(variable)
            if variable not in ("y", "target", "error"):
                continue
            population = group
            suffix = "." + variable
            suffixed = group.endswith(suffix) and len(group) > len(suffix)
            if suffixed and (populations is None or group not in populations):
                population = group[:-len(suffix)]
            if readouts is not None and population not in readouts:
                continue
            out[group] = dict(population=population, variable=variable)
    return out


def _population_blocks(text):
    """(name, body) of each top-level `population { ... }` block of a network in
    protobuf text format (braces inside strings ignored)."""
    out, depth, k, in_string, opened = [], 0, 0, False, None
    while k < len(text):
        ch = text[k]
        if in_string:
            if ch == "\\":
                k += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            if depth == 0:
                head = re.search(r"(\w+)\s*:?\s*$", text[:k])
                opened = (k + 1) if head and head.group(1) == "population" else None
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and opened is not None:
                body = text[opened:k]
                name = re.search(r'\bname:\s*"((?:[^"\\]|\\.)*)"', body)
                out.append((name.group(1) if name else "", body))
                opened = None
        k += 1
    return out


_GRID = 1e-9  # tolerance in frame steps, as in analysis/readout_responses.cpp


def trial_averaged(path, group, neuron, align="outcome", window=(-300.0, 300.0), trials=None, t_start=None,
                   t_stop=None):
    """One readout neuron's response around each trial's outcome time (align="outcome")
    or start (align="start"), averaged over the trials of each outcome, as `spikeq
    analyze` computes it (docs/analysis.md, "Readouts").

    group: the /report group (e.g. "readout" or "readout.target"); neuron: its node id.
    window: offsets (low, high) in ms from the alignment time; the offsets are the
    multiples of the report's frame step inside it, clipped to every selected trial's
    [trial_start, trial_start + trial_duration). trials: None (all), (first, end)
    (0-based, end excluded; either may be None) or a slice; t_start/t_stop keep trials
    whose alignment time lies in [t_start, t_stop). Trials whose window is not inside
    the recorded frames are left out. The value at an offset is the frame at that time,
    or the linear interpolation between the two frames around it.

    Returns dict(offsets, trials (indices used), outcome (their outcomes), responses
    [trials x offsets], outcome_names, selected (number of trials selected), mean
    {outcome name or "all": curve}, count {name or "all": trials})."""
    protocol = load_protocol(path)
    if protocol is None:
        raise KeyError(f"{path}: no /protocol group")
    times, node_ids, data = load_report(path, group)
    column = int(np.flatnonzero(np.asarray(node_ids) == neuron)[0])
    with _open(path) as f:
        start, _, step = (float(x) for x in f["report"][group]["mapping/time"][:])
    frames = data.shape[0]
    anchor = protocol["outcome_time"] if align == "outcome" else protocol["trial_start"]
    if align not in ("outcome", "start"):
        raise ValueError("align: 'outcome' or 'start'")
    n = len(anchor)
    if trials is None:
        first, end = 0, n
    elif isinstance(trials, slice):
        first, end = trials.start or 0, n if trials.stop is None else trials.stop
    else:
        first, end = (0 if trials[0] is None else trials[0]), (n if trials[1] is None else trials[1])
    end = min(end, n)
    lo_t = -math.inf if t_start is None else t_start
    hi_t = math.inf if t_stop is None else t_stop
    selected = [k for k in range(first, end) if lo_t <= anchor[k] < hi_t]
    if not selected:
        raise ValueError(f"{path}: no trial selected")
    low, trial_end = float(window[0]), math.inf
    for k in selected:
        low = max(low, protocol["trial_start"][k] - anchor[k])
        trial_end = min(trial_end, protocol["trial_start"][k] + protocol["trial_duration"] - anchor[k])
    j_low = math.ceil(low / step - _GRID)
    j_high = math.floor(float(window[1]) / step + _GRID)
    if math.isfinite(trial_end):
        j_high = min(j_high, math.ceil(trial_end / step - _GRID) - 1)
    if j_high < j_low:
        raise ValueError(f"{path}: the window holds no frame of /report/{group}")
    offsets = np.array([float(j) * step + 0.0 for j in range(j_low, j_high + 1)])

    def locate(t):
        p = (t - start) / step
        nearest = np.round(p)
        aligned = np.abs(p - nearest) <= _GRID
        below = np.floor(p)
        i0 = np.where(aligned, nearest, below).astype(np.int64)
        i1 = np.where(aligned, i0, i0 + 1)
        return i0, i1, np.where(aligned, 0.0, p - below)

    used, rows = [], []
    trace = np.asarray(data[:, column], dtype=np.float64)
    for k in selected:
        i0, i1, f = locate(anchor[k] + offsets)
        if i0[0] < 0 or i1[-1] >= frames:
            continue
        v0, v1 = trace[i0], trace[i1]
        rows.append(np.where(f == 0, v0, v0 + f * (v1 - v0)))
        used.append(k)
    responses = np.array(rows).reshape(len(rows), len(offsets))
    outcome = protocol["outcome"][used].astype(np.int64) if used else np.array([], dtype=np.int64)
    mean, count = {}, {}
    for label, mask in [(name, outcome == o) for o, name in enumerate(protocol["outcome_names"])] + \
            [("all", np.ones(len(used), dtype=bool))]:
        mean[label], count[label] = _ordered_mean(responses[mask], len(offsets)), int(mask.sum())
    return dict(offsets=offsets, trials=np.array(used, dtype=np.int64), outcome=outcome, responses=responses,
                outcome_names=protocol["outcome_names"], selected=len(selected), mean=mean, count=count)


def _ordered_mean(rows, width):
    """Mean over rows, summed in trial order (as spikeq analyze sums); NaN without rows."""
    if len(rows) == 0:
        return np.full(width, np.nan)
    total = np.zeros(width)
    for row in rows:
        total += row
    return total / len(rows)


def readout_blocks(trials):
    """The blocks `spikeq analyze` reports, as positions into the trials used: all,
    first_quarter and last_quarter (floor(n / 4) trials, at least 1)."""
    n = len(trials)
    q = max(1, n // 4)
    return dict(all=np.arange(n), first_quarter=np.arange(min(q, n)), last_quarter=np.arange(n - min(q, n), n))


def response_peak(offsets, curve):
    """(peak, time): the value of largest magnitude of a trial-averaged curve and its
    offset (the first if tied); (nan, nan) for a curve of NaNs."""
    curve = np.asarray(curve, dtype=float)
    if not np.isfinite(curve).any():
        return float("nan"), float("nan")
    k = int(np.argmax(np.abs(curve)))
    return float(curve[k]), float(offsets[k])


def readout_statistics(path, group, neuron, **kw):
    """What `spikeq analyze --json` reports for one readout neuron under
    readouts.<group>.neurons[*]: {"all": {block: dict(trials, peak, peak_time,
    at_zero)}, "outcomes": {name: {block: ...}}}; keyword arguments as for
    trial_averaged."""
    r = trial_averaged(path, group, neuron, **kw)
    zero = np.flatnonzero(r["offsets"] == 0)

    def summary(mask):
        curve = _ordered_mean(r["responses"][mask], len(r["offsets"]))
        peak, when = response_peak(r["offsets"], curve)
        return dict(trials=int(mask.sum()), peak=peak, peak_time=when,
                    at_zero=float(curve[zero[0]]) if len(zero) else float("nan"))

    out = {"all": {}, "outcomes": {name: {} for name in r["outcome_names"]}}
    for block, positions in readout_blocks(r["trials"]).items():
        member = np.zeros(len(r["trials"]), dtype=bool)
        member[positions] = True
        out["all"][block] = summary(member)
        for o, name in enumerate(r["outcome_names"]):
            out["outcomes"][name][block] = summary(member & (r["outcome"] == o))
    return out


def load_alignment(path):
    """Every alignment of a recording: {name: dict(forward, feedback, upper_population,
    lower_population, recurrent, time (ms), angle_deg, variance_of_difference, pearson,
    sign_agreement)} from /alignment/<name> (float64 arrays, one entry per sample).
    {} for a file without alignments."""
    out = {}
    columns = ("time", "angle_deg", "variance_of_difference", "pearson", "sign_agreement")

    def text(g, key):
        value = g.attrs.get(key, "")
        return value.decode() if isinstance(value, bytes) else str(value)

    with _open(path) as f:
        for name, g in f.get("alignment", {}).items():
            entry = {c: np.asarray(g[c][:], dtype=np.float64) for c in columns}
            if any(len(entry[c]) != len(entry["time"]) for c in columns):
                raise ValueError(f"{path}: /alignment/{name}: datasets differ in length")
            for key in ("forward", "feedback", "upper_population", "lower_population"):
                entry[key] = text(g, key)
            entry["recurrent"] = bool(int(np.asarray(g.attrs.get("recurrent", 0)).reshape(-1)[0]))
            out[name] = entry
    return out


def alignment_statistics(series, t_start=None, t_stop=None):
    """What `spikeq analyze` reports for one alignment (a dict of load_alignment) over
    the samples with t_start <= time <= t_stop (ms; default all): samples, first and
    last (time, angle), the smallest non-NaN angle and its first time, and the
    variance, Pearson correlation and sign agreement at the last sample (NaN without
    samples)."""
    t = series["time"]
    keep = np.ones(len(t), dtype=bool)
    if t_start is not None:
        keep &= t >= t_start
    if t_stop is not None:
        keep &= t <= t_stop
    idx = np.flatnonzero(keep)
    nan = float("nan")
    out = dict(samples=int(len(idx)), first=dict(time=nan, angle=nan), last=dict(time=nan, angle=nan),
               min_angle=dict(time=nan, angle=nan), final_variance_of_difference=nan, final_pearson=nan,
               final_sign_agreement=nan)
    if len(idx) == 0:
        return out
    a = series["angle_deg"]
    out["first"] = dict(time=float(t[idx[0]]), angle=float(a[idx[0]]))
    out["last"] = dict(time=float(t[idx[-1]]), angle=float(a[idx[-1]]))
    finite = idx[np.isfinite(a[idx])]
    if len(finite):
        k = finite[int(np.argmin(a[finite]))]
        out["min_angle"] = dict(time=float(t[k]), angle=float(a[k]))
    out["final_variance_of_difference"] = float(series["variance_of_difference"][idx[-1]])
    out["final_pearson"] = float(series["pearson"][idx[-1]])
    out["final_sign_agreement"] = float(series["sign_agreement"][idx[-1]])
    return out


def dense_matrix(source, target, weights, n_post, n_pre):
    """The weight matrix M[post, pre] of a projection's synapses (arrays of source
    and target node ids and weights, e.g. from load_edges): absent pairs 0, synapses
    between the same pair summed."""
    m = np.zeros((n_post, n_pre))
    np.add.at(m, (np.asarray(target, dtype=np.int64), np.asarray(source, dtype=np.int64)),
              np.asarray(weights, dtype=np.float64))
    return m


def alignment_measures(w, b):
    """The measures between a forward matrix W [upper, lower] and a feedback matrix
    B [lower, upper], on W and B^T flattened, as symmnet/utils.py and
    main_salnet.py compute them: angle_deg = arccos(<w, b> / (|w| |b|)) in degrees,
    variance_of_difference = var(W - B^T) (unbiased, like torch's Tensor.var),
    pearson = corrcoef of the entries, sign_agreement = mean(sign(W) sign(B^T))."""
    x = np.asarray(w, dtype=np.float64).ravel()
    y = np.asarray(b, dtype=np.float64).T.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))
        angle = float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
        pearson = float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0)) if x.std() > 0 and y.std() > 0 else _nan()
    variance = float(np.var(x - y, ddof=1)) if len(x) > 1 else _nan()
    return dict(angle_deg=angle, variance_of_difference=variance, pearson=pearson,
                sign_agreement=float(np.mean(np.sign(x) * np.sign(y))))


def _nan():
    return float("nan")


def upper_triangle_asymmetry(w):
    """The asymmetry of a recurrent matrix as scripts/ssn/train_bm.py measures it:
    numpy's var (ddof 0) of the strictly upper-triangular entries of W - W^T."""
    w = np.asarray(w, dtype=np.float64)
    d = w - w.T
    upper = d[np.triu_indices(w.shape[0], k=1)]
    return float(np.var(upper)) if len(upper) else float("nan")


def load_continual_learning(path):
    """The continual-learning evaluation of a run (/continual_learning; rules.md §4.6,
    docs/models/hlop.md) as a dict: accuracy (tasks x tasks, row t after training task
    t, column j the task tested, NaN where not evaluated), ACC, BWT, and per evaluation
    sample trial, after_task, task, label and prediction (2**64 - 1: not reached).
    None for a file without one."""
    with _open(path) as f:
        if "continual_learning" not in f:
            return None
        g = f["continual_learning"]
        out = {key: np.asarray(g[key][:]) for key in ("trial", "after_task", "task", "label", "prediction")}
        out["accuracy"] = np.asarray(g["accuracy"][:], dtype=np.float64)
        out["ACC"] = float(g["ACC"][0])
        out["BWT"] = float(g["BWT"][0])
    return out


def continual_learning_metrics(evaluation):
    """The accuracy matrix, ACC and BWT recomputed from the per-sample predictions of
    load_continual_learning (what `spikeq run` stores): (accuracy, ACC, BWT)."""
    tasks = evaluation["accuracy"].shape[0]
    reached = evaluation["prediction"] != np.iinfo(np.uint64).max
    accuracy = np.full((tasks, tasks), np.nan)
    for t in range(tasks):
        for j in range(tasks):
            cell = reached & (evaluation["after_task"] == t) & (evaluation["task"] == j)
            if cell.any():
                accuracy[t, j] = np.mean(evaluation["prediction"][cell] == evaluation["label"][cell])
    acc = float(np.mean(accuracy[-1]))
    bwt = float(np.mean([accuracy[-1, j] - accuracy[j, j] for j in range(tasks - 1)])) if tasks > 1 else np.nan
    return accuracy, acc, bwt
