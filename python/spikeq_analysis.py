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

Example:
    import spikeq_analysis as sa
    rec = sa.load_spikes("out/cuba.h5")
    t, ids, n = rec["exc"]
    print(sa.mean_cv(t, ids, n), sa.fano_factor(t, ids, n, 0, 2000, 5))
    dopamine = sa.load_neuromodulators("out/distal_reward.h5")["dopamine"]
    grid = np.arange(0.0, 10000.0, 1.0)
    level = sa.modulator_level(dopamine, grid)
    r = sa.trial_averaged("out/readout.h5", "readout", 0, window=(-300, 300))
    print(r["offsets"], r["mean"]["A"], r["count"]["A"])
"""
import math
import re

import h5py
import numpy as np

SORTING_NAMES = {0: "none", 1: "by_id", 2: "by_time"}  # SONATA enum values


def _open(path):
    """Opens a finished file, or one a run is still writing (SWMR)."""
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", libver="latest", swmr=True)


def _sorting(group):
    """SONATA stores sorting as a uint8 enum; some tools write a string; absent means unknown."""
    if "sorting" not in group.attrs:
        return "none"
    value = group.attrs["sorting"]
    if isinstance(value, (bytes, str)):
        return value.decode() if isinstance(value, bytes) else value
    return SORTING_NAMES.get(int(value), "none")


def load_spikes(path):
    """Returns {population: (times_ms, node_ids, node_count)} with spikes sorted by time.

    node_count is the population size when the file says it (spikeq's node_count
    attribute), else 1 + the largest node id seen.
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
            count = int(group.attrs["node_count"][0]) if "node_count" in group.attrs else int(ids.max(initial=0)) + 1
            out[name] = (times, ids, count)
    return out


def load_report(path, group):
    """Returns (times_ms, node_ids, data[frames, nodes]) of /report/<group>."""
    with _open(path) as f:
        g = f["report"][group]
        start, stop, step = g["mapping/time"][:]
        data = g["data"][:]
        times = start + step * np.arange(data.shape[0])
        return times, g["mapping/node_ids"][:], data


def _window(times, ids, t_start, t_stop):
    keep = (times >= t_start) & (times < t_stop)
    return times[keep], ids[keep]


def rates(times, ids, n_neurons, t_start, t_stop):
    """Per-neuron firing rate (Hz) in [t_start, t_stop) ms."""
    _, w_ids = _window(times, ids, t_start, t_stop)
    counts = np.bincount(w_ids.astype(np.int64), minlength=n_neurons).astype(np.float64)
    return counts / ((t_stop - t_start) / 1000.0)


def _isis(times, ids, n_neurons):
    """ISIs per neuron (times must be sorted)."""
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


def weight_statistics(final, bounds=None, initial=None, report=None):
    """What `spikeq analyze` reports for one projection: mean and SD (population)
    of the final weights, fractions at the bounds, a 10-bin histogram over the
    bounds (or the observed range), and the change between the first and last
    frame of a weight report (frames x columns array) or, without one, from the
    initial to the final weights."""
    w = np.asarray(final, dtype=float)
    w = w[~np.isnan(w)]
    low, high = (bounds if bounds is not None else (w.min(), w.max()))
    width = high - low
    position = np.clip((w - low) / width * 10.0 if width > 0 else np.zeros_like(w), 0, 9)
    stats = dict(mean=w.mean(), sd=w.std(), min=w.min(), max=w.max(),
                 histogram=np.bincount(position.astype(np.int64), minlength=10))
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
        if "trial_duration_ms" in g.attrs:
            d = g.attrs["trial_duration_ms"]
            out["trial_duration"] = float(d.decode() if isinstance(d, bytes) else d)
        else:
            gaps = np.diff(out["trial_start"])
            out["trial_duration"] = float(gaps.min()) if len(gaps) else math.inf
    if not len(out["outcome"]) == len(out["trial_start"]) == len(out["outcome_time"]):
        raise ValueError(f"{path}: /protocol: trial_start, outcome_time and outcome differ in length")
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
