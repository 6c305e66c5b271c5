#!/usr/bin/python3
"""Mock of the `spikeq run --serve` live endpoint (docs/formats/live.md).

Serves the live page at ``GET /`` and the WebSocket protocol at ``/live`` on
one port, with a fake simulation of two Poisson populations (exc 80, inh 20
neurons by default).  It advances ``--batch-ms`` of model time every
``--batch-ms`` of wall time (i.e. roughly real time; ``--speed`` scales it) and
sends every subscribed client one binary spike batch per step.

For developing the page (live/web/index.html) and for tests that need a server
without a simulation (tests/live/browser_raster_test.py).  Options: --mode
(lockstep starts paused and advances on `control step`), --token (then
control needs it), --pop NAME:SIZE:RATE_HZ (repeatable), --t-stop-ms with
--exit-at-end; see --help.

    /usr/bin/python3 tests/live/mock_live_server.py --port 8765
    /usr/bin/python3 tests/live/mock_live_server.py --port 0   # any free port

Once listening it prints one line ``mock_live_server listening on
http://HOST:PORT/`` on stdout (flushed), so a caller using ``--port 0`` can read
the port.  Needs only the standard library and python3-websockets (10.x,
asyncio API).
"""

import argparse
import asyncio
import http
import json
import math
import os
import random
import signal
import struct
import sys
import time
from urllib.parse import parse_qs, urlsplit

import websockets

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PAGE = os.path.normpath(os.path.join(HERE, "..", "..", "live", "web", "index.html"))

BATCH_HEADER = struct.Struct("<4sIddII")   # magic, version, from_ms, to_ms, count, pad
SPIKE = struct.Struct("<dII")              # time_ms, population index, neuron index


def encode_batch(from_ms, to_ms, spikes):
    """spikes: iterable of (time_ms, pop_index, neuron) already in (t, pop, neuron) order."""
    spikes = list(spikes)
    parts = [BATCH_HEADER.pack(b"SQSP", 1, from_ms, to_ms, len(spikes), 0)]
    parts.extend(SPIKE.pack(t, p, n) for t, p, n in spikes)
    return b"".join(parts)


class MockSim:
    """A fake simulation: Poisson spikes with a slow sinusoidal rate modulation."""

    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.populations = [{"name": name, "size": size, "model": "iaf_psc_exp", "live": False,
                             "rate_hz": rate} for name, size, rate in args.pop]
        self.t_ms = 0.0
        self.paused = args.mode == "lockstep"
        self.pending_step_ms = 0.0
        self.clients = {}            # websocket -> set of subscribed pop indices, or None
        self.ended = False
        self.wall0 = time.monotonic()
        self.behind = 0
        self.stop_event = asyncio.Event()

    # -- protocol -------------------------------------------------------------
    def welcome(self, authorised):
        a = self.args
        return {
            "type": "welcome", "mode": a.mode, "resolution_ms": 0.1, "step_ms": a.step_ms,
            "batch_ms": a.batch_ms, "t_ms": self.t_ms, "t_stop_ms": a.t_stop_ms,
            "token_required": a.token is not None, "authorised": authorised,
            "populations": [{k: p[k] for k in ("name", "size", "model", "live")}
                            for p in self.populations],
            "currents": [], "channels": [],
        }

    def spikes(self, t0, t1):
        """Poisson spikes in [t0, t1), sorted by (time, population, neuron)."""
        out = []
        mod = 1.0 + self.args.modulation * math.sin(2 * math.pi * self.args.mod_hz * t0 / 1000.0)
        for p_idx, pop in enumerate(self.populations):
            # homogeneous Poisson: total count over the population, then uniform
            # neurons and times (same distribution as per-neuron processes)
            mean = pop["size"] * pop["rate_hz"] * mod * (t1 - t0) / 1000.0
            for _ in range(self.poisson(mean) if pop["size"] else 0):
                t = t0 + self.rng.random() * (t1 - t0)
                t = max(t0, math.floor(t * 10.0) / 10.0)  # resolution 0.1 ms
                out.append((t, p_idx, self.rng.randrange(pop["size"])))
        out.sort()
        return out

    def poisson(self, mean):
        if mean <= 0:
            return 0
        if mean > 50:          # normal approximation is plenty for a mock
            return max(0, int(round(self.rng.gauss(mean, math.sqrt(mean)))))
        k, acc, limit = 0, self.rng.random(), math.exp(-mean)
        while acc > limit:
            k += 1
            acc *= self.rng.random()
        return k

    async def send(self, ws, msg):
        try:
            await ws.send(msg if isinstance(msg, (bytes, str)) else json.dumps(msg))
        except websockets.ConnectionClosed:
            pass

    async def broadcast_json(self, msg):
        text = json.dumps(msg)
        await asyncio.gather(*(self.send(ws, text) for ws in list(self.clients)))

    async def advance(self):
        """Simulate one batch and send it to every subscribed client."""
        t0 = self.t_ms
        t1 = min(t0 + self.args.batch_ms, self.args.t_stop_ms)
        spikes = self.spikes(t0, t1)
        self.t_ms = t1
        sends = []
        for ws, subs in list(self.clients.items()):
            if subs is None:          # not subscribed
                continue
            mine = spikes if subs == "all" else [s for s in spikes if s[1] in subs]
            sends.append(self.send(ws, encode_batch(t0, t1, mine)))
        await asyncio.gather(*sends)

    async def run(self):
        a = self.args
        period = a.batch_ms / 1000.0 / a.speed
        next_tick = time.monotonic()
        last_status = time.monotonic()
        while not self.ended:
            now = time.monotonic()
            if now < next_tick:
                await asyncio.sleep(next_tick - now)
            elif now - next_tick > 2 * period:
                self.behind += 1          # more than one batch late
            next_tick = max(next_tick + period, time.monotonic() - period)
            if self.pending_step_ms > 0:
                while self.pending_step_ms > 1e-9 and self.t_ms < a.t_stop_ms:
                    self.pending_step_ms -= a.batch_ms
                    await self.advance()
                self.pending_step_ms = 0.0
                await self.broadcast_json({"type": "step_done", "t_ms": self.t_ms})
            elif not self.paused and self.t_ms < a.t_stop_ms:
                await self.advance()
            if time.monotonic() - last_status >= 1.0:
                last_status = time.monotonic()
                wall = last_status - self.wall0
                await self.broadcast_json({
                    "type": "status", "t_ms": self.t_ms, "wall_s": round(wall, 3),
                    "real_time_factor": round(self.t_ms / 1000.0 / wall, 4) if wall > 0 else 0.0,
                    "behind": self.behind})
            if self.t_ms >= a.t_stop_ms:
                await self.finish("finished")

    async def finish(self, reason):
        if self.ended:
            return
        self.ended = True
        await self.broadcast_json({"type": "end", "t_ms": self.t_ms, "reason": reason})
        await asyncio.gather(*(ws.close() for ws in list(self.clients)), return_exceptions=True)
        if self.args.exit_at_end:
            self.stop_event.set()

    async def fail(self, ws, message):
        await self.send(ws, {"type": "error", "message": message})
        await ws.close(code=1008, reason=message[:100])

    # -- one client -----------------------------------------------------------
    async def handler(self, ws):
        a = self.args
        query = parse_qs(urlsplit(ws.path).query)
        authorised = a.token is None
        if a.token is not None and "token" in query:
            if query["token"][0] != a.token:
                await self.fail(ws, "wrong token")
                return
            authorised = True
        if self.ended:
            await self.fail(ws, "the run is over")
            return
        if len(self.clients) >= a.max_clients:
            await self.fail(ws, "too many clients")
            return
        self.clients[ws] = None
        try:
            await self.send(ws, self.welcome(authorised))
            async for raw in ws:
                if isinstance(raw, bytes):
                    await self.fail(ws, "binary frames are not accepted")
                    return
                try:
                    msg = json.loads(raw)
                except ValueError:
                    await self.fail(ws, "malformed JSON")
                    return
                if not isinstance(msg, dict):
                    await self.fail(ws, "message is not a JSON object")
                    return
                kind = msg.get("type")
                names = [p["name"] for p in self.populations]
                if kind == "hello":
                    if a.token is not None and msg.get("token") != a.token:
                        await self.fail(ws, "wrong token")
                        return
                    authorised = True
                elif kind in ("subscribe", "unsubscribe"):
                    pops = msg.get("populations") or []
                    if not isinstance(pops, list) or any(p not in names for p in pops):
                        await self.fail(ws, "unknown population")
                        return
                    idx = {names.index(p) for p in pops}
                    cur = self.clients.get(ws)
                    if kind == "subscribe":
                        self.clients[ws] = "all" if not idx or cur == "all" else (cur or set()) | idx
                    elif not idx:
                        self.clients[ws] = None
                    elif cur == "all":
                        self.clients[ws] = set(range(len(names))) - idx
                    elif cur:
                        self.clients[ws] = cur - idx
                elif kind == "control":
                    if not authorised:
                        await self.fail(ws, "control needs the token")
                        return
                    cmd = msg.get("command")
                    if cmd == "pause":
                        self.paused = True
                    elif cmd == "resume":
                        self.paused = False
                    elif cmd == "stop":
                        await self.finish("stopped")
                    elif cmd == "step":
                        ms = msg.get("ms", a.step_ms)
                        if not isinstance(ms, (int, float)) or ms <= 0:
                            await self.fail(ws, "control step: ms must be a positive number")
                            return
                        self.paused = True
                        self.pending_step_ms += max(ms, a.batch_ms)
                    else:
                        await self.fail(ws, "unknown control command")
                        return
                elif kind in ("spikes", "current", "release"):
                    if not authorised:
                        await self.fail(ws, kind + " needs the token")
                        return
                    await self.fail(ws, "the mock has no live sources")
                    return
                else:
                    await self.fail(ws, "unknown message type")
                    return
        except websockets.ConnectionClosed:
            pass
        finally:
            self.clients.pop(ws, None)


def make_process_request(page_path):
    async def process_request(path, request_headers):
        route = urlsplit(path).path
        if route == "/live":
            return None                    # continue with the WebSocket handshake
        if route in ("/", "/index.html"):
            try:
                with open(page_path, "rb") as f:
                    body = f.read()        # re-read each time: page edits show on reload
            except OSError as e:
                return (http.HTTPStatus.INTERNAL_SERVER_ERROR,
                        [("Content-Type", "text/plain; charset=utf-8")],
                        ("cannot read page: %s\n" % e).encode())
            return (http.HTTPStatus.OK,
                    [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
                    body)
        return (http.HTTPStatus.NOT_FOUND, [("Content-Type", "text/plain; charset=utf-8")],
                b"not found\n")
    return process_request


async def main_async(args):
    sim = MockSim(args)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, sim.stop_event.set)
        except (NotImplementedError, RuntimeError):
            pass
    async with websockets.serve(sim.handler, args.host, args.port,
                                process_request=make_process_request(args.page),
                                max_size=args.max_message_kb * 1024) as server:
        port = server.sockets[0].getsockname()[1]
        print("mock_live_server listening on http://%s:%d/" % (args.host, port), flush=True)
        runner = asyncio.create_task(sim.run())
        stopper = asyncio.create_task(sim.stop_event.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner.done() and runner.exception():
            raise runner.exception()
        if not sim.ended:
            await sim.finish("stopped")
        runner.cancel()


def pop_spec(text):
    try:
        name, size, rate = text.split(":")
        size, rate = int(size), float(rate)
        if not name or size < 0 or rate < 0:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError("expected NAME:SIZE:RATE_HZ, got %r" % text)
    return name, size, rate


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8765, help="TCP port, 0 = any free port (default 8765)")
    ap.add_argument("--page", default=DEFAULT_PAGE, help="HTML served at GET / (default %(default)s)")
    ap.add_argument("--mode", choices=("free", "realtime", "lockstep"), default="realtime",
                    help="mode reported in welcome; lockstep starts paused (default realtime)")
    ap.add_argument("--batch-ms", type=float, default=10.0, help="model ms per batch (default 10)")
    ap.add_argument("--step-ms", type=float, default=1.0, help="welcome.step_ms (default 1)")
    ap.add_argument("--speed", type=float, default=1.0, help="model ms per wall ms (default 1)")
    ap.add_argument("--t-stop-ms", type=float, default=3600e3, help="model stop time (default 1 h)")
    ap.add_argument("--pop", action="append", type=pop_spec, metavar="NAME:SIZE:RATE_HZ",
                    help="a population (repeatable; default exc:80:8 inh:20:20)")
    ap.add_argument("--modulation", type=float, default=0.6, help="rate modulation depth 0..1")
    ap.add_argument("--mod-hz", type=float, default=2.0, help="rate modulation frequency (Hz)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--token", default=None, help="require this token for control/inputs")
    ap.add_argument("--max-clients", type=int, default=32)
    ap.add_argument("--max-message-kb", type=int, default=1024)
    ap.add_argument("--exit-at-end", action="store_true", help="exit when the run ends")
    args = ap.parse_args(argv)
    if not args.pop:
        args.pop = [("exc", 80, 8.0), ("inh", 20, 20.0)]
    if len({p[0] for p in args.pop}) != len(args.pop):
        ap.error("population names must be unique")
    if args.batch_ms <= 0 or args.speed <= 0:
        ap.error("--batch-ms and --speed must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        asyncio.run(main_async(args))
    except OSError as e:
        print("mock_live_server: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
