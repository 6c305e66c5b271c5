#!/usr/bin/python3
"""Prints the population rates of a running `spikeq run --serve` once a second.

    spikeq run examples/live_raster.textproto -o out/live.h5 --serve 127.0.0.1:8080 --mode realtime &
    /usr/bin/python3 python/live_watch.py 127.0.0.1:8080

A minimal example of python/spikeq_live.py: subscribe to every population, read the
spike batches as they stream, and count spikes per population and wall second.
"""
import sys
import time

import spikeq_live


def main(address):
    with spikeq_live.LiveSession(address) as live:
        sizes = {p["name"]: p["size"] for p in live.welcome["populations"]}
        live.subscribe()
        counts, model_ms, t0 = {name: 0 for name in sizes}, 0.0, time.monotonic()
        for message in live.receive(timeout=30):
            if isinstance(message, spikeq_live.SpikeBatch):
                for name in sizes:
                    counts[name] += message.count(name)
                model_ms += message.to_ms - message.from_ms
            if time.monotonic() - t0 >= 1.0 and model_ms > 0:
                rates = "  ".join(f"{n} {1000 * c / (sizes[n] * model_ms):6.2f} Hz" for n, c in counts.items())
                print(f"t = {message.to_ms if isinstance(message, spikeq_live.SpikeBatch) else 0:9.1f} ms  {rates}")
                counts, model_ms, t0 = {name: 0 for name in sizes}, 0.0, time.monotonic()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080")
