#!/usr/bin/python3
"""Validate spikeq output files against the SONATA layout of docs/formats/output.md.

Usage: /usr/bin/python3 check_sonata.py [--node-count POP=N ...] [--no-provenance] [--swmr]
                                        FILE.h5 [FILE.h5 ...]

Checks every spike population (/spikes/<pop>) and frame report (/report/<group>):
dtypes, the `sorting` enum on uint8 {none, by_id, by_time}, `units` attributes,
chunked + unlimited datasets, timestamps in order, node ids below the node count
(from --node-count, else the population's `node_count` attribute), and the
mapping (index_pointers, the index_pointer hard link, element_ids, time). Also the
root `magic`/`version` attributes and, unless --no-provenance, spikeq's /provenance.

Recorded weights (/work/shared/formats.md, "Weights"): every edge population
/edges/<name> (dtypes and lengths, node_population, edges sorted by source node,
the single edge group 0 with delay/initial_syn_weight/syn_weight, and both indices
rebuilt from source_node_id/target_node_id, with their node_id_to_range hard
links); every synapse report (a /report/<name> whose `variable` is syn_weight or
that has an /edges/<name>: each column's edge targets the column's node, edge ids
ascend within a node, and a last frame at the run's t_stop (from
/provenance/network) equals float32(syn_weight)); and every weight-change log
/weight_events/<name> (lengths, times in order, edge ids in range, and the last
logged weight of each edge is its final syn_weight).

Prints every violation as FILE:HDF5_PATH: message on stderr and exits 1 if any
file has one (2 for a usage error). Needs only h5py and numpy (Debian packages).
"""
import argparse
import re
import sys

import h5py
import numpy as np

SORTING = {"none": 0, "by_id": 1, "by_time": 2}


def concatenated_ranges(first, last):
    """np.concatenate([np.arange(a, b) for a, b in zip(first, last)]), without the loop."""
    lengths = last - first
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(first - (ends - lengths), lengths)


class Checker:
    def __init__(self, node_counts, swmr=False):
        self.node_counts = node_counts
        self.swmr = swmr  # a run still writing (or cut short): final weights may be missing
        self.violations = []
        self.summary = []
        self.edge_info = {}  # /edges/<name> -> what reports and event logs are checked against

    def expect(self, condition, path, message):
        if not condition:
            self.violations.append(f"{path}: {message}")
        return bool(condition)

    def fail(self, path, message):
        self.violations.append(f"{path}: {message}")

    # --- helpers -----------------------------------------------------------------

    def child(self, group, name, path, kind):
        """Returns group[name] if it exists and is a `kind` (h5py.Dataset/Group), else None."""
        obj = group.get(name)
        if not self.expect(obj is not None, f"{path}/{name}", "missing"):
            return None
        if not self.expect(isinstance(obj, kind), f"{path}/{name}", f"must be a {kind.__name__.lower()}"):
            return None
        return obj

    def dtype(self, ds, path, kind, size, name):
        return self.expect(ds.dtype.kind == kind and ds.dtype.itemsize == size, path,
                           f"dtype {ds.dtype}, expected {name}")

    def string_attr(self, obj, name, path, expected=None):
        value = obj.attrs.get(name)
        if not self.expect(value is not None, f"{path}@{name}", "missing attribute"):
            return None
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if not self.expect(isinstance(value, str), f"{path}@{name}", f"must be a string, not {type(value).__name__}"):
            return None
        if expected is not None:
            self.expect(value == expected, f"{path}@{name}", f"is {value!r}, expected {expected!r}")
        return value

    def appendable(self, ds, path):
        self.expect(ds.chunks is not None and ds.maxshape[0] is None, path, "must be chunked and unlimited")

    def hard_link(self, group, name, target, path, what):
        """group[name] must be a hard link to the dataset `target` (the same object, not a copy)."""
        where = f"{path}/{name}"
        if not self.expect(group.id.links.exists(name.encode()), where, f"missing (a hard link to {what})"):
            return
        kind = group.id.links.get_info(name.encode()).type
        obj = group.get(name)
        same = (kind == h5py.h5l.TYPE_HARD and isinstance(obj, h5py.Dataset) and obj.id.fileno == target.id.fileno
                and h5py.h5o.get_info(obj.id).addr == h5py.h5o.get_info(target.id).addr)
        self.expect(same, where, f"must be a hard link to {what}, not a copy or soft link")

    def population_size(self, f, population):
        """Node count of `population`: --node-count, else /spikes/<population>@node_count, else None."""
        group = f.get(f"spikes/{population}")
        return self.node_count(group if isinstance(group, h5py.Group) else None, population)

    @staticmethod
    def run_t_stop(f):
        """The run's t_stop in ms from the resolved network in /provenance/network, else None."""
        network = f.get("provenance/network")
        if not isinstance(network, h5py.Dataset) or network.shape != ():
            return None
        text = network[()]
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        match = re.search(r"\bsimulation\s*\{[^{}]*?\bt_stop\s*:\s*([-+0-9.eE]+)", str(text))
        try:
            return float(match.group(1)) if match else None
        except ValueError:
            return None

    # --- layout ------------------------------------------------------------------

    def root(self, f):
        magic = f.attrs.get("magic")
        ok = magic is not None and np.asarray(magic).size == 1 and np.asarray(magic).dtype.kind in "ui"
        self.expect(ok and int(np.asarray(magic).ravel()[0]) == 0x0A7A, "/@magic", f"must be uint32 0x0A7A, is {magic!r}")
        version = f.attrs.get("version")
        self.expect(version is not None and list(np.asarray(version).ravel()) == [0, 1], "/@version",
                    f"must be uint32[2] = [0, 1], is {version!r}")

    def sorting(self, group, path):
        where = f"{path}@sorting"
        if not self.expect("sorting" in group.attrs, where, "missing attribute"):
            return None
        t = group.attrs.get_id("sorting").get_type()
        if not self.expect(isinstance(t, h5py.h5t.TypeEnumID), where,
                           "must be an HDF5 enum on uint8, not a string or plain integer (libsonata rejects it)"):
            return None
        base = t.get_super()
        self.expect(base.get_size() == 1 and base.get_sign() == h5py.h5t.SGN_NONE, where, "enum base must be uint8")
        members = {t.get_member_name(i).decode(): t.get_member_value(i) for i in range(t.get_nmembers())}
        self.expect(members == SORTING, where, f"enum members {members}, expected {SORTING}")
        value = int(group.attrs["sorting"])
        self.expect(value in SORTING.values(), where, f"value {value} is not a member")
        return value

    def node_count(self, group, name):
        if name in self.node_counts:
            return self.node_counts[name]
        if group is not None and "node_count" in group.attrs:
            return int(np.asarray(group.attrs["node_count"]).ravel()[0])
        return None

    def spikes(self, f):
        if "spikes" not in f:
            return
        total = 0
        for name, group in f["spikes"].items():
            path = f"/spikes/{name}"
            if not self.expect(isinstance(group, h5py.Group), path, "must be a group"):
                continue
            sorting = self.sorting(group, path)
            ts = self.child(group, "timestamps", path, h5py.Dataset)
            ids = self.child(group, "node_ids", path, h5py.Dataset)
            if ts is None or ids is None:
                continue
            ok = self.dtype(ts, f"{path}/timestamps", "f", 8, "float64")
            ok &= self.dtype(ids, f"{path}/node_ids", "u", 8, "uint64")
            self.string_attr(ts, "units", f"{path}/timestamps", "ms")
            ok &= self.expect(ts.ndim == 1 and ids.ndim == 1 and ts.shape == ids.shape, path,
                              f"timestamps {ts.shape} and node_ids {ids.shape} must be 1-D of equal length")
            self.appendable(ts, f"{path}/timestamps")
            self.appendable(ids, f"{path}/node_ids")
            if not ok:
                continue
            t, n = ts[()], ids[()]
            total += len(t)
            self.expect(np.all(np.isfinite(t)), f"{path}/timestamps", "non-finite times")
            if sorting == SORTING["by_time"] and len(t) > 1:
                bad = np.flatnonzero(np.diff(t) < 0)
                i = int(bad[0]) if len(bad) else 0
                self.expect(len(bad) == 0, f"{path}/timestamps",
                            f"sorting is by_time but times decrease at index {i + 1} ({t[i]} -> {t[i + 1]} ms)")
            if sorting == SORTING["by_id"] and len(n) > 1:
                self.expect(np.all(np.diff(n.astype(np.int64)) >= 0), f"{path}/node_ids",
                            "sorting is by_id but node ids decrease")
            count = self.node_count(group, name)
            if count is not None and len(n):
                self.expect(int(n.max()) < count, f"{path}/node_ids",
                            f"node id {int(n.max())} is not below the node count {count}")
            if "recorded_node_ids" in group:  # spikeq's own: the neurons recorded (docs/formats/output.md)
                rec = group["recorded_node_ids"][()]
                self.dtype(group["recorded_node_ids"], f"{path}/recorded_node_ids", "u", 8, "uint64")
                self.expect(rec.ndim == 1 and np.all(np.diff(rec.astype(np.int64)) > 0),
                            f"{path}/recorded_node_ids", "must be 1-D, ascending and unique")
                if count is not None and len(rec):
                    self.expect(int(rec.max()) < count, f"{path}/recorded_node_ids",
                                f"recorded id {int(rec.max())} is not below the node count {count}")
                self.expect(np.all(np.isin(n, rec)), f"{path}/node_ids", "spikes of neurons that were not recorded")
        self.summary.append(f"{len(f['spikes'])} spike populations, {total} spikes")

    def reports(self, f):
        if "report" not in f:
            return
        for name, group in f["report"].items():
            path = f"/report/{name}"
            if not self.expect(isinstance(group, h5py.Group), path, "must be a group"):
                continue
            data = self.child(group, "data", path, h5py.Dataset)
            m = self.child(group, "mapping", path, h5py.Group)
            if data is None or m is None:
                continue
            mp = f"{path}/mapping"
            self.dtype(data, f"{path}/data", "f", 4, "float32")
            self.string_attr(data, "units", f"{path}/data")
            if not self.expect(data.ndim == 2, f"{path}/data", f"must be 2-D [frames x elements], is {data.shape}"):
                continue
            self.appendable(data, f"{path}/data")
            frames, columns = data.shape
            node_ids = self.child(m, "node_ids", mp, h5py.Dataset)
            pointers = self.child(m, "index_pointers", mp, h5py.Dataset)
            elements = self.child(m, "element_ids", mp, h5py.Dataset)
            time = self.child(m, "time", mp, h5py.Dataset)
            if node_ids is not None:
                self.dtype(node_ids, f"{mp}/node_ids", "u", 8, "uint64")
            if elements is not None:
                self.dtype(elements, f"{mp}/element_ids", "u", 4, "uint32")
                self.expect(elements.shape == (columns,), f"{mp}/element_ids",
                            f"shape {elements.shape}, expected ({columns},) (one per data column)")
            if pointers is not None and node_ids is not None:
                self.dtype(pointers, f"{mp}/index_pointers", "u", 8, "uint64")
                p = pointers[()].astype(np.int64)
                if self.expect(p.shape == (len(node_ids) + 1,), f"{mp}/index_pointers",
                               f"length {len(p)}, expected nodes + 1 = {len(node_ids) + 1}"):
                    self.expect(p[0] == 0 and np.all(np.diff(p) >= 0) and p[-1] == columns, f"{mp}/index_pointers",
                                f"must rise from 0 to the {columns} data columns")
                link = m.get("index_pointer")
                self.expect(link is not None and link.id == pointers.id, f"{mp}/index_pointer",
                            "must be a hard link to index_pointers (bmtk's spelling)")
            if time is not None:
                self.dtype(time, f"{mp}/time", "f", 8, "float64")
                self.string_attr(time, "units", f"{mp}/time", "ms")
                if self.expect(time.shape == (3,), f"{mp}/time", f"shape {time.shape}, expected (3,)"):
                    start, stop, step = (float(x) for x in time[()])
                    if self.expect(step > 0 and stop >= start, f"{mp}/time",
                                   f"{{start, stop, step}} = {[start, stop, step]} needs step > 0, stop >= start"):
                        self.expect(np.isclose((stop - start) / step, frames), f"{mp}/time",
                                    f"{{start, stop, step}} = {[start, stop, step]} does not match {frames} frames")
            variable = group.attrs.get("variable")
            if isinstance(variable, bytes):
                variable = variable.decode("utf-8", "replace")
            if variable == "syn_weight" or isinstance(f.get(f"edges/{name}"), h5py.Group):
                self.synapse_report(f, name, group, path, data, node_ids, pointers, elements, time)
        self.summary.append(f"{len(f['report'])} frame reports")

    # --- recorded weights (/edges, synapse reports, /weight_events) ---------------

    def edges(self, f):
        if "edges" not in f:
            return
        total = 0
        for name, group in f["edges"].items():
            path = f"/edges/{name}"
            if self.expect(isinstance(group, h5py.Group), path, "must be a group"):
                total += self.edge_population(f, name, group, path)
        self.summary.append(f"{len(f['edges'])} edge populations, {total} edges")

    def edge_population(self, f, name, group, path):
        """Checks /edges/<name> and records what its report and event log are checked against.
        Returns the number of edges."""
        columns = {}
        for key, kind, size, type_name in (("source_node_id", "u", 8, "uint64"), ("target_node_id", "u", 8, "uint64"),
                                           ("edge_type_id", "u", 4, "uint32"), ("edge_group_id", "u", 2, "uint16"),
                                           ("edge_group_index", "u", 4, "uint32")):
            ds = self.child(group, key, path, h5py.Dataset)
            if ds is not None and self.dtype(ds, f"{path}/{key}", kind, size, type_name):
                columns[key] = ds
        attributes = self.child(group, "0", path, h5py.Group)
        if attributes is not None:
            for key in ("delay", "initial_syn_weight", "syn_weight"):
                ds = self.child(attributes, key, f"{path}/0", h5py.Dataset)
                if ds is not None and self.dtype(ds, f"{path}/0/{key}", "f", 8, "float64"):
                    columns[f"0/{key}"] = ds
            if "0/delay" in columns:
                self.string_attr(columns["0/delay"], "units", f"{path}/0/delay", "ms")
        reference = next((k for k in ("source_node_id", "target_node_id") if k in columns), None)
        if reference is None or not self.expect(columns[reference].ndim == 1, f"{path}/{reference}",
                                                f"must be 1-D, is {columns[reference].shape}"):
            return 0
        count = columns[reference].shape[0]
        for key in list(columns):
            if not self.expect(columns[key].shape == (count,), f"{path}/{key}",
                               f"shape {columns[key].shape}, expected ({count},) (one per edge, as {reference})"):
                del columns[key]
        values = {key: ds[()] for key, ds in columns.items()}

        keys = {}  # node ids (int64) and population size of source/target, once known in range
        for key in ("source_node_id", "target_node_id"):
            if key not in values:
                continue
            population = self.string_attr(columns[key], "node_population", f"{path}/{key}")
            size = self.population_size(f, population) if population is not None else None
            ids = values[key]
            if size is not None and count and int(ids.max()) >= size:
                self.fail(f"{path}/{key}",
                          f"node id {int(ids.max())} is not below the {size} nodes of population {population!r}")
                continue
            keys[key] = (ids.astype(np.int64), size)
        if "source_node_id" in keys:
            bad = np.flatnonzero(np.diff(keys["source_node_id"][0]) < 0)
            if len(bad):
                self.fail(f"{path}/source_node_id",
                          f"edges must be sorted by source_node_id, but it decreases at edge {int(bad[0]) + 1}")
        if "edge_group_id" in values:
            bad = np.flatnonzero(values["edge_group_id"] != 0)
            if len(bad):
                self.fail(f"{path}/edge_group_id", f"must all be 0 (one edge group, {path}/0), but edge {int(bad[0])} "
                                                   f"has {int(values['edge_group_id'][bad[0]])}")
        if "edge_group_index" in values:
            bad = np.flatnonzero(values["edge_group_index"].astype(np.int64) != np.arange(count))
            if len(bad):
                self.fail(f"{path}/edge_group_index", f"must be 0..{count - 1} (row e of group 0 is edge e), but edge "
                                                      f"{int(bad[0])} has {int(values['edge_group_index'][bad[0]])}")
        if "0/delay" in values:
            d = values["0/delay"]
            self.expect(np.all(np.isfinite(d) & (d >= 0)), f"{path}/0/delay", "delays must be finite and >= 0 ms")
        if "0/initial_syn_weight" in values:
            self.expect(np.all(np.isfinite(values["0/initial_syn_weight"])), f"{path}/0/initial_syn_weight",
                        "non-finite weights")
        final = None
        if "0/syn_weight" in values:
            w = values["0/syn_weight"]
            if count and np.all(np.isnan(w)):
                self.expect(self.swmr, f"{path}/0/syn_weight",
                            "all NaN: the final weights were never written (a run cut short; --swmr accepts that)")
            elif self.expect(np.all(np.isfinite(w)), f"{path}/0/syn_weight",
                             f"{int(np.count_nonzero(~np.isfinite(w)))} of {count} final weights are not finite "
                             "(only a run cut short leaves NaN, and then in all of them)"):
                final = w

        indices = self.child(group, "indices", path, h5py.Group)
        if indices is not None:
            for direction, key in (("source_to_target", "source_node_id"), ("target_to_source", "target_node_id")):
                index = self.child(indices, direction, f"{path}/indices", h5py.Group)
                if index is not None:
                    ids, size = keys.get(key, (None, None))
                    self.edge_index(index, f"{path}/indices/{direction}", key, ids, size, count)

        self.edge_info[name] = {
            "count": count,
            "target": keys["target_node_id"][0] if "target_node_id" in keys else None,
            "initial": values.get("0/initial_syn_weight"),
            "final": final,
        }
        return count

    def edge_index(self, index, path, key, ids, size, count):
        """Checks one SONATA index against the edges' `ids` (the `key` node of each edge): rebuilt
        from them, node n's ranges must cover exactly the edges whose `key` is n, each once."""
        tables = {}
        for table in ("node_id_to_ranges", "range_to_edge_id"):
            ds = self.child(index, table, path, h5py.Dataset)
            if ds is None or not self.dtype(ds, f"{path}/{table}", "u", 8, "uint64"):
                continue
            if self.expect(ds.ndim == 2 and ds.shape[1] == 2, f"{path}/{table}", f"shape {ds.shape}, expected [n x 2]"):
                tables[table] = ds
        if "node_id_to_ranges" in tables:
            self.hard_link(index, "node_id_to_range", tables["node_id_to_ranges"], path,
                           "node_id_to_ranges (the spelling bmtk and NEST read)")
        if len(tables) < 2 or ids is None:
            return
        node_ranges = tables["node_id_to_ranges"][()]
        edge_ranges = tables["range_to_edge_id"][()]
        nodes, rows = len(node_ranges), len(edge_ranges)
        where = f"{path}/node_id_to_ranges"
        if size is not None and nodes != size:
            return self.fail(where, f"{nodes} rows, expected one per node of the population ({size})")
        if count and int(ids.max()) >= nodes:
            return self.fail(where, f"{nodes} rows, but {key} has node {int(ids.max())}")
        # Well-formed [first, last) ranges of rows, and of edge ids.
        bad = np.flatnonzero((node_ranges[:, 0] > node_ranges[:, 1]) | (node_ranges[:, 1] > rows))
        if len(bad):
            first, last = (int(x) for x in node_ranges[bad[0]])
            return self.fail(where, f"row {int(bad[0])} = [{first}, {last}) is not a range of the {rows} rows of "
                                    "range_to_edge_id")
        bad = np.flatnonzero((edge_ranges[:, 0] > edge_ranges[:, 1]) | (edge_ranges[:, 1] > count))
        if len(bad):
            first, last = (int(x) for x in edge_ranges[bad[0]])
            return self.fail(f"{path}/range_to_edge_id",
                             f"row {int(bad[0])} = [{first}, {last}) is not a range of the {count} edge ids")
        node_ranges = node_ranges.astype(np.int64)
        edge_ranges = edge_ranges.astype(np.int64)
        # How many edges each node's ranges cover, against how many edges have that node.
        expected = np.bincount(ids, minlength=nodes)
        lengths = edge_ranges[:, 1] - edge_ranges[:, 0]
        cumulative = np.concatenate(([0], np.cumsum(lengths)))
        covered = cumulative[node_ranges[:, 1]] - cumulative[node_ranges[:, 0]]
        bad = np.flatnonzero(covered != expected)
        if len(bad):
            n = int(bad[0])
            return self.fail(where, f"node {n}: rows [{node_ranges[n, 0]}, {node_ranges[n, 1]}) of range_to_edge_id "
                                    f"cover {int(covered[n])} edges, but {int(expected[n])} edges have {key} {n}")
        # Which edges they cover (now exactly `count` of them).
        row_ids = concatenated_ranges(node_ranges[:, 0], node_ranges[:, 1])
        row_nodes = np.repeat(np.arange(nodes), node_ranges[:, 1] - node_ranges[:, 0])
        edge_ids = concatenated_ranges(edge_ranges[row_ids, 0], edge_ranges[row_ids, 1])
        edge_nodes = np.repeat(row_nodes, lengths[row_ids])
        bad = np.flatnonzero(ids[edge_ids] != edge_nodes)
        if len(bad):
            e = int(edge_ids[bad[0]])
            return self.fail(where, f"node {int(edge_nodes[bad[0]])}: its ranges include edge {e}, whose {key} is "
                                    f"{int(ids[e])}")
        twice = np.flatnonzero(np.bincount(edge_ids, minlength=count) > 1)
        if len(twice):
            self.fail(where, f"node {int(ids[twice[0]])}: its ranges cover edge {int(twice[0])} twice")

    def synapse_report(self, f, name, group, path, data, node_ids, pointers, elements, time):
        """The synapse-report part of /report/<name>: its columns are edges of /edges/<name>."""
        mp = f"{path}/mapping"
        self.string_attr(group, "variable", path, "syn_weight")
        edges = self.edge_info.get(name)
        if not self.expect(edges is not None, path,
                           f"a synapse report needs the edge population /edges/{name} its element_ids refer to"):
            return
        ids = node_ids[()].astype(np.int64) if node_ids is not None and node_ids.dtype.kind == "u" else None
        if ids is not None:
            self.expect(np.all(np.diff(ids) > 0), f"{mp}/node_ids",
                        "must be strictly increasing (one entry per postsynaptic node)")
        if elements is None or elements.dtype.kind != "u" or elements.shape != (data.shape[1],):
            return
        columns = elements[()].astype(np.int64)
        bad = np.flatnonzero(columns >= edges["count"])
        if len(bad):
            return self.fail(f"{mp}/element_ids", f"edge id {int(columns[bad[0]])} (column {int(bad[0])}) is not below "
                                                  f"the {edges['count']} edges of /edges/{name}")
        p = pointers[()].astype(np.int64) if pointers is not None and ids is not None else None
        if (p is not None and p.shape == (len(ids) + 1,) and p[0] == 0 and np.all(np.diff(p) >= 0)
                and p[-1] == len(columns)):
            column_nodes = np.repeat(ids, np.diff(p))
            if edges["target"] is not None:
                targets = edges["target"][columns]
                bad = np.flatnonzero(targets != column_nodes)
                if len(bad):
                    c = int(bad[0])
                    self.fail(f"{mp}/element_ids", f"column {c}: edge {int(columns[c])} targets node {int(targets[c])} "
                                                   f"(/edges/{name}/target_node_id), not the column's node "
                                                   f"{int(column_nodes[c])} ({len(bad)} of {len(columns)} columns)")
            bad = np.flatnonzero((np.diff(column_nodes) == 0) & (np.diff(columns) <= 0))
            if len(bad):
                c = int(bad[0])
                self.fail(f"{mp}/element_ids", f"edge ids must ascend within a node, but columns {c} and {c + 1} of "
                                               f"node {int(column_nodes[c])} hold edges {int(columns[c])}, "
                                               f"{int(columns[c + 1])}")
        # A last frame at the run's t_stop holds the final weights.
        t_stop = self.run_t_stop(f)
        if (edges["final"] is None or t_stop is None or time is None or time.shape != (3,) or data.shape[0] == 0
                or data.dtype.kind != "f"):
            return
        start, stop, step = (float(x) for x in time[()])
        if not np.isclose(stop - step, t_stop, rtol=1e-12, atol=1e-9):
            return
        last = data[data.shape[0] - 1]
        expected = edges["final"][columns].astype(np.float32)
        bad = np.flatnonzero(last != expected)
        if len(bad):
            c = int(bad[0])
            self.fail(f"{path}/data", f"the last frame (t = {stop - step} ms = t_stop) differs from "
                                      f"float32(/edges/{name}/0/syn_weight) in {len(bad)} of {len(columns)} columns, "
                                      f"first column {c} (edge {int(columns[c])}): {last[c]} != {expected[c]}")

    def weight_events(self, f):
        if "weight_events" not in f:
            return
        total = 0
        t_stop = self.run_t_stop(f)
        for name, group in f["weight_events"].items():
            path = f"/weight_events/{name}"
            if not self.expect(isinstance(group, h5py.Group), path, "must be a group"):
                continue
            edges = self.edge_info.get(name)
            self.expect(edges is not None, path,
                        f"a weight-change log needs the edge population /edges/{name} its edge_ids refer to")
            ts = self.child(group, "timestamps", path, h5py.Dataset)
            ids = self.child(group, "edge_ids", path, h5py.Dataset)
            ws = self.child(group, "weights", path, h5py.Dataset)
            if ts is None or ids is None or ws is None:
                continue
            ok = self.dtype(ts, f"{path}/timestamps", "f", 8, "float64")
            ok &= self.dtype(ids, f"{path}/edge_ids", "u", 8, "uint64")
            ok &= self.dtype(ws, f"{path}/weights", "f", 8, "float64")
            self.string_attr(ts, "units", f"{path}/timestamps", "ms")
            ok &= self.expect(ts.ndim == 1 and ts.shape == ids.shape == ws.shape, path,
                              f"timestamps {ts.shape}, edge_ids {ids.shape} and weights {ws.shape} must be 1-D of "
                              "equal length")
            if not ok:
                continue
            t, e, w = ts[()], ids[()], ws[()]
            total += len(t)
            if not len(t):
                continue
            if self.expect(np.all(np.isfinite(t)), f"{path}/timestamps", "non-finite times"):
                bad = np.flatnonzero(np.diff(t) < 0)
                if len(bad):
                    i = int(bad[0])
                    self.fail(f"{path}/timestamps", f"times decrease at index {i + 1} ({t[i]} -> {t[i + 1]} ms)")
                end = t_stop if t_stop is not None else np.inf
                self.expect(t.min() >= 0 and t.max() <= end, f"{path}/timestamps",
                            f"times [{t.min()}, {t.max()}] ms are outside the run [0, {end}] ms")
            self.expect(np.all(np.isfinite(w)), f"{path}/weights", "non-finite weights")
            if edges is None:
                continue
            if int(e.max()) >= edges["count"]:
                self.fail(f"{path}/edge_ids",
                          f"edge id {int(e.max())} is not below the {edges['count']} edges of /edges/{name}")
                continue
            # Every change is logged: the last logged weight of an edge is its final weight,
            # and an edge never logged keeps its initial weight.
            final, initial = edges["final"], edges["initial"]
            if final is None:
                continue
            logged, last = np.unique(e[::-1].astype(np.int64), return_index=True)
            last_weight = w[::-1][last]
            bad = np.flatnonzero(last_weight != final[logged])
            if len(bad):
                k = int(bad[0])
                self.fail(f"{path}/weights",
                          f"the last logged weight of edge {int(logged[k])} is {last_weight[k]}, but "
                          f"/edges/{name}/0/syn_weight has {final[logged[k]]} ({len(bad)} edges differ)")
            if initial is not None:
                unlogged = np.ones(edges["count"], dtype=bool)
                unlogged[logged] = False
                bad = np.flatnonzero(unlogged & (final != initial))
                if len(bad):
                    k = int(bad[0])
                    self.fail(f"/edges/{name}/0/syn_weight",
                              f"edge {k} changed ({initial[k]} -> {final[k]}) but {path} logs no change of it "
                              f"({len(bad)} such edges)")
        self.summary.append(f"{len(f['weight_events'])} weight-change logs, {total} changes")

    def provenance(self, f):
        network = f.get("provenance/network")
        self.expect(isinstance(network, h5py.Dataset) and network.dtype.kind in "OS", "/provenance/network",
                    "missing (the resolved network text)")
        if "provenance" in f:
            for attr in ("spikeq_version", "command_line", "seed"):
                self.string_attr(f["provenance"], attr, "/provenance")


def check(path, args):
    """Returns (violations, summary) for one file."""
    checker = Checker(args.node_count, args.swmr)
    try:
        options = {"libver": "latest", "swmr": True} if args.swmr else {}
        with h5py.File(path, "r", **options) as f:
            checker.root(f)
            checker.spikes(f)
            checker.edges(f)
            checker.reports(f)
            checker.weight_events(f)
            if not args.no_provenance:
                checker.provenance(f)
    except OSError as e:
        hint = ("; a run still writing it: use --swmr; after a crash: h5clear -s FILE"
                if "already open" in str(e) or "consistency" in str(e) else "")
        checker.violations.append(f"cannot open as HDF5: {e}{hint}")
    except Exception as e:  # a layout so broken that a check itself failed
        checker.violations.append(f"cannot check: {type(e).__name__}: {e}")
    return checker.violations, "; ".join(checker.summary) or "no /spikes or /report"


def node_count_argument(text):
    name, _, count = text.rpartition("=")
    if not name or not count.isdigit():
        raise argparse.ArgumentTypeError(f"expected POP=N, got {text!r}")
    return name, int(count)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE.h5")
    parser.add_argument("--node-count", action="append", type=node_count_argument, default=[], metavar="POP=N",
                        help="node count of spike population POP (overrides its node_count attribute)")
    parser.add_argument("--no-provenance", action="store_true", help="do not require spikeq's /provenance")
    parser.add_argument("--swmr", action="store_true", help="open as a SWMR reader (a run still writing the file)")
    args = parser.parse_args(argv)
    args.node_count = dict(args.node_count)
    failed = False
    for path in args.files:
        violations, summary = check(path, args)
        if violations:
            failed = True
            for v in violations:
                print(f"{path}:{v}" if v.startswith("/") else f"{path}: {v}", file=sys.stderr)
            print(f"{path}: {len(violations)} SONATA layout violation(s)", file=sys.stderr)
        else:
            print(f"{path}: SONATA layout ok ({summary})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
