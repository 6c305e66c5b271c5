#!/usr/bin/python3
"""Validate spikeq output files against the SONATA layout (docs/formats/output.md).

Usage: /usr/bin/python3 check_sonata.py FILE.h5 [FILE.h5 ...]
Uses only h5py and numpy (Debian packages). Exits non-zero with a message naming
the file and the HDF5 path of the first violation found in each file.
"""
import sys

import h5py
import numpy as np


class Violation(Exception):
    pass


def expect(condition, path, message):
    if not condition:
        raise Violation(f"{path}: {message}")


def check_spikes(f):
    if "spikes" not in f:
        return 0
    count = 0
    for name, group in f["spikes"].items():
        path = f"/spikes/{name}"
        expect("sorting" in group.attrs, path, "missing attribute 'sorting'")
        sorting_type = group.attrs.get_id("sorting").get_type()
        expect(isinstance(sorting_type, h5py.h5t.TypeEnumID), path + "@sorting", "must be an HDF5 enum, not a string")
        expect(sorting_type.get_super().get_size() == 1, path + "@sorting", "enum base must be uint8")
        members = {sorting_type.get_member_name(i).decode(): sorting_type.get_member_value(i)
                   for i in range(sorting_type.get_nmembers())}
        expect(members == {"none": 0, "by_id": 1, "by_time": 2}, path + "@sorting", f"enum members {members}")
        ts, ids = group["timestamps"], group["node_ids"]
        expect(ts.dtype == np.float64, path + "/timestamps", f"dtype {ts.dtype}, expected float64")
        expect(ids.dtype == np.uint64, path + "/node_ids", f"dtype {ids.dtype}, expected uint64")
        expect(ts.attrs.get("units") in ("ms", b"ms"), path + "/timestamps", "attribute units must be 'ms'")
        expect(ts.shape == ids.shape and ts.ndim == 1, path, "timestamps and node_ids must be 1-D of equal length")
        expect(ts.maxshape == (None,) and ts.chunks is not None, path + "/timestamps", "must be chunked and unlimited")
        t = ts[:]
        if group.attrs["sorting"] == 2:
            expect(np.all(np.diff(t) >= 0), path + "/timestamps", "sorting is by_time but times decrease")
        if "node_count" in group.attrs and len(ids):
            expect(ids[:].max() < group.attrs["node_count"][0], path + "/node_ids", "node id out of range")
        count += len(t)
    return count


def check_reports(f):
    if "report" not in f:
        return 0
    for name, group in f["report"].items():
        path = f"/report/{name}"
        data = group["data"]
        expect(data.dtype == np.float32 and data.ndim == 2, path + "/data", "must be float32 [frames x elements]")
        expect("units" in data.attrs, path + "/data", "missing attribute 'units'")
        m = group["mapping"]
        node_ids, pointers, elements, time = m["node_ids"], m["index_pointers"], m["element_ids"], m["time"]
        expect(node_ids.dtype == np.uint64, path + "/mapping/node_ids", "dtype must be uint64")
        expect(pointers.dtype == np.uint64, path + "/mapping/index_pointers", "dtype must be uint64")
        expect(elements.dtype == np.uint32, path + "/mapping/element_ids", "dtype must be uint32")
        expect(len(pointers) == len(node_ids) + 1, path + "/mapping/index_pointers", "length must be nodes + 1")
        expect(pointers[-1] == data.shape[1] == len(elements), path + "/mapping", "pointers must cover the columns")
        expect("index_pointer" in m, path + "/mapping/index_pointer", "missing hard link for bmtk")
        expect(time.shape == (3,) and time.attrs.get("units") in ("ms", b"ms"), path + "/mapping/time",
               "must be float64[3] with units 'ms'")
        start, stop, step = time[:]
        expect(np.isclose((stop - start) / step, data.shape[0]), path + "/mapping/time",
               f"{{start, stop, step}} = {time[:]} does not match {data.shape[0]} frames")
    return 0


def check(path):
    with h5py.File(path, "r") as f:
        expect(f.attrs.get("magic") is not None and int(f.attrs["magic"][0]) == 0x0A7A, "/", "magic must be 0x0A7A")
        expect(list(f.attrs["version"]) == [0, 1], "/", "version must be [0, 1]")
        spikes = check_spikes(f)
        check_reports(f)
        expect("provenance/network" in f, "/provenance/network", "resolved network missing")
    return spikes


def main(paths):
    failed = False
    for path in paths:
        try:
            n = check(path)
            print(f"{path}: SONATA layout ok ({n} spikes)")
        except (Violation, KeyError, OSError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
