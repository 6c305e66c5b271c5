#!/usr/bin/python3
"""Compares two spikeq output files byte for byte, except the provenance that
names how the run was started (command line, thread count).

Usage: compare_outputs.py [--require-activity] [--resumed] A.h5 B.h5
Exit 0: identical; 1: differences, listed. With --require-activity, identical files
also fail unless every recorded spike population has spikes and every weight event
log has events (identical silence proves nothing). With --resumed, B is a run
resumed from a checkpoint: its provenance names the checkpoint instead of the
network file, and says where it resumed.
Every group, dataset (dtype, shape and raw bytes; NaN compares equal to NaN
because bytes are compared) and attribute of either file must exist in the other.
"""
import sys

import h5py
import numpy as np

RUN_SPECIFIC = {("/provenance", "command_line"), ("/provenance", "threads")}
RESUME_SPECIFIC = {("/provenance", "network_file"), ("/provenance", "resumed_from")}


def items(f):
    found = {}

    def visit(name, obj):
        found["/" + name] = obj

    f.visititems(visit)
    found["/"] = f
    return found


def as_bytes(value):
    if isinstance(value, (bytes, str)):
        return value.encode() if isinstance(value, str) else value
    return np.asarray(value).tobytes()


def compare(path_a, path_b, ignored=RUN_SPECIFIC):
    problems = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        ia, ib = items(a), items(b)
        for name in sorted(set(ia) ^ set(ib)):
            problems.append(f"{name}: only in {'A' if name in ia else 'B'}")
        for name in sorted(set(ia) & set(ib)):
            oa, ob = ia[name], ib[name]
            if isinstance(oa, h5py.Dataset) != isinstance(ob, h5py.Dataset):
                problems.append(f"{name}: dataset in one file, group in the other")
                continue
            if isinstance(oa, h5py.Dataset):
                if oa.dtype != ob.dtype or oa.shape != ob.shape:
                    problems.append(f"{name}: {oa.dtype}{oa.shape} vs {ob.dtype}{ob.shape}")
                elif as_bytes(oa[()]) != as_bytes(ob[()]):
                    va, vb = np.asarray(oa[()]), np.asarray(ob[()])
                    where = np.flatnonzero(va.reshape(-1).view(np.uint8) != vb.reshape(-1).view(np.uint8))
                    problems.append(f"{name}: contents differ (first differing byte {where[0] if len(where) else '?'})")
            for key in sorted(set(oa.attrs) | set(ob.attrs)):
                if (name, key) in ignored:
                    continue
                if key not in oa.attrs or key not in ob.attrs:
                    problems.append(f"{name}@{key}: only in one file")
                elif as_bytes(oa.attrs[key]) != as_bytes(ob.attrs[key]):
                    problems.append(f"{name}@{key}: {oa.attrs[key]!r} vs {ob.attrs[key]!r}")
    return problems


def inactive(path):
    quiet = []
    with h5py.File(path, "r") as f:
        for pop in f.get("spikes", {}):
            if f[f"spikes/{pop}/timestamps"].shape[0] == 0:
                quiet.append(f"/spikes/{pop}: no spikes")
        for log in f.get("weight_events", {}):
            group = f[f"weight_events/{log}"]
            first = next(iter(group.values()))
            if first.shape[0] == 0:
                quiet.append(f"/weight_events/{log}: no weight changes")
    return quiet


if __name__ == "__main__":
    args = sys.argv[1:]
    require_activity = "--require-activity" in args
    resumed = "--resumed" in args
    args = [a for a in args if a not in ("--require-activity", "--resumed")]
    if len(args) != 2:
        sys.exit(__doc__)
    differences = compare(args[0], args[1], RUN_SPECIFIC | (RESUME_SPECIFIC if resumed else set()))
    if require_activity:
        differences += inactive(args[0])
    for d in differences[:50]:
        print(d)
    sys.exit(1 if differences else 0)
