#!/usr/bin/python3
"""Live I/O speed (issue 13, docs/live.md): three measurements on CUBA 4k
(examples/cuba.textproto, Brette et al. 2007 benchmark 2), loopback only.

1. Streaming overhead in `free` mode: simulation wall time with every spike of
   both populations streamed to a Python client that reads them all, against the
   same run without --serve (alternating pairs; medians). The server starts with
   --paused so the client is subscribed before t = 0; waiting is not counted.
2. `lockstep` round trip per 1 ms step: wall time from a client's `step` to its
   `step_done` (including the 1 ms of simulation), median and 99th percentile.
3. `realtime`: whether CUBA 4k keeps up with the wall clock (batches that fell
   behind, real-time factor).

Usage: bench/live_io.py [--spikeq build/release/tools/spikeq] [--pairs 3]
       [--model-ms 10000] [--steps 2000] [--markdown]
"""
import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
import spikeq_live  # noqa: E402

NETWORK = os.path.join(ROOT, "examples", "cuba.textproto")


def sim_seconds(summary):
    m = re.search(r"simulated [0-9.]+ ms in ([0-9.]+) s wall", summary)
    if not m:
        raise RuntimeError("no run summary in:\n" + summary)
    return float(m.group(1))


def start_server(spikeq, work, mode, model_ms, extra=()):
    port_file = os.path.join(work, "port")
    if os.path.exists(port_file):
        os.remove(port_file)
    proc = subprocess.Popen(
        [spikeq, "run", NETWORK, "-o", os.path.join(work, "live.h5"), "--t-stop", str(model_ms),
         "--serve", "127.0.0.1:0", "--port-file", port_file, "--mode", mode, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(400):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read())
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read())
        time.sleep(0.025)
    proc.kill()
    raise RuntimeError("spikeq did not start serving")


async def stream_all(port):
    client = await spikeq_live.LiveClient.connect(f"127.0.0.1:{port}")
    await client.subscribe()
    await client.resume()
    spikes = 0
    async for m in client.receive(timeout=120):
        if isinstance(m, spikeq_live.SpikeBatch):
            spikes += len(m)
    await client.close()
    return spikes


def streaming_pair(spikeq, work, model_ms):
    plain = subprocess.run([spikeq, "run", NETWORK, "-o", os.path.join(work, "plain.h5"), "--t-stop",
                            str(model_ms)], capture_output=True, text=True, check=True)
    proc, port = start_server(spikeq, work, "free", model_ms, ["--paused"])
    received = asyncio.run(stream_all(port))
    out, err = proc.communicate(timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(err)
    if "0 clients dropped" not in out:
        raise RuntimeError("the streaming client was dropped:\n" + out)
    return sim_seconds(plain.stdout), sim_seconds(out), received


async def lockstep_round_trips(port, steps):
    client = await spikeq_live.LiveClient.connect(f"127.0.0.1:{port}")
    await client.subscribe()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        await client.step()
        times.append(time.perf_counter() - t0)
    await client.stop()
    await client.close()
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spikeq", default=os.path.join(ROOT, "build", "release", "tools", "spikeq"))
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--model-ms", type=float, default=10000)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--realtime-ms", type=float, default=10000)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        plain, served, received = [], [], 0
        for _ in range(a.pairs):
            p, s, received = streaming_pair(a.spikeq, work, a.model_ms)
            plain.append(p)
            served.append(s)
        overhead = statistics.median(served) / statistics.median(plain) - 1
        print(f"streaming, free mode, CUBA {a.model_ms:g} ms, every spike to one Python client "
              f"({received} spikes): plain {statistics.median(plain):.3f} s, streamed "
              f"{statistics.median(served):.3f} s, overhead {100 * overhead:+.1f} % (target <= 20 %)")

        proc, port = start_server(a.spikeq, work, "lockstep", a.model_ms, ["--step-ms", "1"])
        rtt = sorted(asyncio.run(lockstep_round_trips(port, a.steps)))
        proc.communicate(timeout=300)
        median_ms = 1000 * statistics.median(rtt)
        p99_ms = 1000 * rtt[min(len(rtt) - 1, int(0.99 * len(rtt)))]
        print(f"lockstep, 1 ms steps of CUBA, {a.steps} steps: round trip median {median_ms:.3f} ms, "
              f"99th percentile {p99_ms:.3f} ms")

        proc, port = start_server(a.spikeq, work, "realtime", a.realtime_ms)
        t0 = time.perf_counter()
        out, err = proc.communicate(timeout=a.realtime_ms / 1000 * 3 + 60)
        wall = time.perf_counter() - t0
        behind = re.search(r"fell behind real time in (\d+) batches", out)
        print(f"realtime, CUBA {a.realtime_ms:g} ms: wall {wall:.2f} s, batches behind: "
              f"{behind.group(1) if behind else '?'}")
        if a.markdown:
            commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip()
            print(f"| {time.strftime('%Y-%m-%d')} | {commit} | {statistics.median(plain):.3f} s | "
                  f"{statistics.median(served):.3f} s | {100 * overhead:+.1f} % | {median_ms:.3f} ms | "
                  f"{p99_ms:.3f} ms | {behind.group(1) if behind else '?'} of {a.realtime_ms / 10:g} |")


if __name__ == "__main__":
    main()
