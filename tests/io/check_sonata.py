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

Prints every violation as FILE:HDF5_PATH: message on stderr and exits 1 if any
file has one (2 for a usage error). Needs only h5py and numpy (Debian packages).
"""
import argparse
import sys

import h5py
import numpy as np

SORTING = {"none": 0, "by_id": 1, "by_time": 2}


class Checker:
    def __init__(self, node_counts):
        self.node_counts = node_counts
        self.violations = []
        self.summary = []

    def expect(self, condition, path, message):
        if not condition:
            self.violations.append(f"{path}: {message}")
        return bool(condition)

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
        if "node_count" in group.attrs:
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
        self.summary.append(f"{len(f['report'])} frame reports")

    def provenance(self, f):
        network = f.get("provenance/network")
        self.expect(isinstance(network, h5py.Dataset) and network.dtype.kind in "OS", "/provenance/network",
                    "missing (the resolved network text)")
        if "provenance" in f:
            for attr in ("spikeq_version", "command_line", "seed"):
                self.string_attr(f["provenance"], attr, "/provenance")


def check(path, args):
    """Returns (violations, summary) for one file."""
    checker = Checker(args.node_count)
    try:
        options = {"libver": "latest", "swmr": True} if args.swmr else {}
        with h5py.File(path, "r", **options) as f:
            checker.root(f)
            checker.spikes(f)
            checker.reports(f)
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
