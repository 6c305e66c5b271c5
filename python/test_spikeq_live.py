"""Unit tests of python/spikeq_live.py: the spike-batch format and the client
against an in-process asyncio WebSocket server that follows docs/formats/live.md
(no spikeq binary needed; run by CTest: /usr/bin/python3 -m unittest)."""
import asyncio
import http
import json
import math
import os
import struct
import sys
import threading
import time
import unittest
import urllib.parse

import numpy as np
import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spikeq_live as sl  # noqa: E402

POPULATIONS = [
    {"name": "cue", "size": 4, "model": "live_spike_source", "live": True},
    {"name": "left", "size": 3, "model": "iaf_psc_exp", "live": False},
    {"name": "right", "size": 3, "model": "iaf_psc_exp", "live": False},
]
CURRENTS = [{"name": "drive", "target": "left"}]
CHANNELS = [{"name": "dopamine", "live": True}, {"name": "tonic", "live": False}]


class FakeServer:
    """A small server for the protocol of docs/formats/live.md, run on its own
    event loop in a background thread.

    Every step of `step_ms`: `right` neuron 0 spikes at from + 0.25, `left` neuron
    (k % 3) at from + 0.5 on even steps k, and input spikes sent to `cue` are echoed
    at their time (or the step start). A `status` is sent before each `step_done`.
    In `free` mode a subscribe starts a stream of `stream_batches` batches, a status
    and `end`. A `step` reaching `t_stop_ms` ends the run. `mute` never answers."""

    def __init__(self, mode="lockstep", token=None, t_stop_ms=1000.0, step_ms=1.0,
                 stream_batches=5, mute=False):
        self.mode, self.token, self.t_stop_ms, self.step_ms = mode, token, t_stop_ms, \
            step_ms
        self.stream_batches, self.mute = stream_batches, mute
        self.received = []    # parsed client messages, in order (all connections)
        self.raw = []         # the text frames as received
        self.paths = []
        self.loop = asyncio.new_event_loop()
        self.thread = None
        self.port = None

    # ---- lifecycle ----
    def start(self):
        ready = threading.Event()

        async def main():
            self._stop = asyncio.Event()
            server = await websockets.serve(self.handler, "127.0.0.1", 0,
                                            process_request=self.refuse,
                                            ping_interval=None, compression=None)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stop.wait()
            server.close()
            await server.wait_closed()

        self.thread = threading.Thread(target=self.loop.run_until_complete,
                                       args=(main(),), daemon=True)
        self.thread.start()
        if not ready.wait(5):
            raise RuntimeError("fake server did not start")
        return self

    def stop(self):
        self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(5)
        self.loop.close()

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def wait_received(self, n, timeout=3.0):
        deadline = time.monotonic() + timeout
        while len(self.received) < n and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.received

    # ---- protocol ----
    async def refuse(self, path, headers):
        # as spikeq does: HTTP 404 for another path, 401 for a wrong URL token (taken
        # as is, without percent-decoding)
        self.paths.append(path)
        url = urllib.parse.urlsplit(path)
        query = dict(p.split("=", 1) for p in url.query.split("&") if "=" in p)
        if url.path != "/live":
            return http.HTTPStatus.NOT_FOUND, [], b"no such endpoint\n"
        if self.token is not None and "token" in query and query["token"] != self.token:
            return http.HTTPStatus.UNAUTHORIZED, [], b"wrong token\n"
        return None

    async def handler(self, ws):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(ws.path).query))
        authorised = self.token is None or query.get("token") == self.token
        await ws.send(json.dumps({
            "type": "welcome", "mode": self.mode, "resolution_ms": 0.1,
            "step_ms": self.step_ms, "batch_ms": self.step_ms, "t_ms": 0.0,
            "t_stop_ms": self.t_stop_ms, "token_required": self.token is not None,
            "authorised": authorised, "populations": POPULATIONS,
            "currents": CURRENTS, "channels": CHANNELS}))
        state = {"t": 0.0, "k": 0, "subscribed": set(), "pending": [],
                 "current_t": {}, "authorised": authorised}
        async for raw in ws:
            if isinstance(raw, bytes):
                await self.fail(ws, "binary frames are not accepted")
                return
            msg = json.loads(raw)
            self.raw.append(raw)
            self.received.append(msg)
            if self.mute:
                continue
            if not await self.handle(ws, msg, state):
                return

    async def fail(self, ws, message):
        await ws.send(json.dumps({"type": "error", "message": message}))
        await ws.close(1008, message[:100])

    async def end(self, ws, t, reason):
        await ws.send(json.dumps({"type": "end", "t_ms": t, "reason": reason}))
        await ws.close()

    async def handle(self, ws, msg, state):
        kind = msg.get("type")
        names = [p["name"] for p in POPULATIONS]
        needs_token = kind in ("spikes", "current", "release", "control")
        if needs_token and not state["authorised"]:
            await self.fail(ws, "token required")
            return False
        if kind == "hello":
            state["authorised"] = self.token is None or msg.get("token") == self.token
            if not state["authorised"]:
                await self.fail(ws, "wrong token")
                return False
            await ws.send(json.dumps({"type": "hello", "authorised": True}))
        elif kind == "subscribe":
            pops = msg.get("populations") or names
            state["subscribed"] |= {names.index(p) for p in pops}
            if self.mode == "free":
                for k in range(self.stream_batches):
                    await ws.send(self.batch(state))
                await ws.send(json.dumps({"type": "status", "t_ms": state["t"],
                                          "wall_s": 0.01, "real_time_factor": 100.0,
                                          "behind": 0}))
                await self.end(ws, state["t"], "finished")
                return False
        elif kind == "unsubscribe":
            state["subscribed"] -= {names.index(p) for p in msg["populations"]}
        elif kind == "spikes":
            times = msg.get("times_ms") or [state["t"]] * len(msg["neurons"])
            state["pending"] += list(zip(times, msg["neurons"]))
        elif kind == "current":
            last = state["current_t"].get(msg["source"], -math.inf)
            t = msg.get("time_ms", state["t"])
            if t < last:
                await self.fail(ws, f"current for {msg['source']!r} at {t} ms is "
                                    f"earlier than its last change at {last} ms")
                return False
            state["current_t"][msg["source"]] = t
        elif kind == "release":
            pass
        elif kind == "control" and msg["command"] == "step":
            n = max(1, math.ceil(msg.get("ms", self.step_ms) / self.step_ms - 1e-9))
            for _ in range(n):
                await ws.send(self.batch(state))
                if state["t"] >= self.t_stop_ms:
                    await self.end(ws, state["t"], "finished")
                    return False
            await ws.send(json.dumps({"type": "status", "t_ms": state["t"],
                                      "wall_s": 0.5, "real_time_factor": 0.1,
                                      "behind": 0}))
            await ws.send(json.dumps({"type": "step_done", "t_ms": state["t"]}))
        elif kind == "control" and msg["command"] == "stop":
            await self.end(ws, state["t"], "stopped")
            return False
        elif kind == "control" and msg["command"] in ("pause", "resume"):
            pass
        else:
            await self.fail(ws, f"unknown message type {kind!r}")
            return False
        return True

    def batch(self, state):
        lo, hi, k = state["t"], state["t"] + self.step_ms, state["k"]
        spikes = [(lo + 0.25, 2, 0)]
        if k % 2 == 0:
            spikes.append((lo + 0.5, 1, k % 3))
        keep = []
        for t, n in state["pending"]:
            if t < hi:
                spikes.append((max(t, lo), 0, n))
            else:
                keep.append((t, n))
        state["pending"] = keep
        spikes = sorted(s for s in spikes if s[1] in state["subscribed"])
        state["t"], state["k"] = hi, k + 1
        return sl.encode_spike_batch(lo, hi, [s[0] for s in spikes],
                                     [s[1] for s in spikes], [s[2] for s in spikes])


class spike_batch_format(unittest.TestCase):
    def test_layout_matches_live_md(self):
        data = sl.encode_spike_batch(10.0, 11.0, [10.25, 10.5], [2, 1], [0, 7])
        self.assertEqual(len(data), 32 + 2 * 16)
        self.assertEqual(data[:4], b"SQSP")
        self.assertEqual(struct.unpack_from("<IddII", data, 4), (1, 10.0, 11.0, 2, 0))
        for k, rec in enumerate([(10.25, 2, 0), (10.5, 1, 7)]):
            self.assertEqual(struct.unpack_from("<d", data, 32 + 16 * k)[0], rec[0])
            self.assertEqual(struct.unpack_from("<I", data, 40 + 16 * k)[0], rec[1])
            self.assertEqual(struct.unpack_from("<I", data, 44 + 16 * k)[0], rec[2])

    def test_round_trip(self):
        rng = np.random.default_rng(3)
        t = np.sort(rng.uniform(0, 5, 1000))
        p = rng.integers(0, 3, 1000).astype(np.uint32)
        n = rng.integers(0, 2**32, 1000, dtype=np.uint64).astype(np.uint32)
        b = sl.decode_spike_batch(sl.encode_spike_batch(0.0, 5.0, t, p, n))
        self.assertEqual((b.from_ms, b.to_ms, len(b)), (0.0, 5.0, 1000))
        np.testing.assert_array_equal(b.times_ms, t)
        np.testing.assert_array_equal(b.populations, p)
        np.testing.assert_array_equal(b.neurons, n)
        self.assertEqual((b.times_ms.dtype, b.populations.dtype, b.neurons.dtype),
                         (np.float64, np.uint32, np.uint32))
        again = sl.decode_spike_batch(memoryview(b.to_bytes()))
        np.testing.assert_array_equal(again.neurons, n)

    def test_empty_batch(self):
        data = sl.encode_spike_batch(3.0, 4.0)
        self.assertEqual(len(data), 32)
        b = sl.decode_spike_batch(data)
        self.assertEqual((b.from_ms, b.to_ms, len(b)), (3.0, 4.0, 0))

    def test_bad_frames_raise_value_error(self):
        good = sl.encode_spike_batch(0.0, 1.0, [0.5, 0.6], [0, 1], [1, 2])
        cases = {
            "magic": b"SQSX" + good[4:],
            "version 2": good[:4] + struct.pack("<I", 2) + good[8:],
            "too short": good[:20],
            "does not match its count": good[:-16],             # count 2, one record
            "does not match its count ": good + b"\0" * 16,     # one extra record
            "does not match its count  ": good[:-3],            # truncated record
        }
        for words, data in cases.items():
            with self.subTest(words.strip()):
                with self.assertRaises(ValueError) as cm:
                    sl.decode_spike_batch(data)
                self.assertIn(words.strip().split()[0], str(cm.exception))
        with self.assertRaises(ValueError):
            sl.decode_spike_batch(b"")

    def test_encode_rejects_bad_input(self):
        with self.assertRaises(ValueError):
            sl.encode_spike_batch(0, 1, [0.1, 0.2], [0], [0, 1])
        with self.assertRaises(ValueError):
            sl.encode_spike_batch(0, 1, [0.1], [-1], [0])

    def test_selection_by_name_and_merge(self):
        names = ("cue", "left", "right")
        a = sl.decode_spike_batch(sl.encode_spike_batch(
            0, 1, [0.1, 0.2, 0.3], [1, 2, 1], [0, 0, 2]), names)
        b = sl.decode_spike_batch(sl.encode_spike_batch(1, 2, [1.5], [1], [2]), names)
        self.assertEqual((a.count("left"), a.count(2), a.count(), a.count("cue")),
                         (2, 1, 3, 0))
        t, n = a.of("left")
        np.testing.assert_array_equal(t, [0.1, 0.3])
        np.testing.assert_array_equal(n, [0, 2])
        m = sl.merge_spike_batches([a, b])
        self.assertEqual((m.from_ms, m.to_ms, m.count("left")), (0, 2, 3))
        np.testing.assert_array_equal(m.neuron_counts("left", 3), [1, 0, 2])
        with self.assertRaises(ValueError):
            a.count("nope")
        empty = sl.merge_spike_batches([], from_ms=4, to_ms=5)
        self.assertEqual((empty.from_ms, empty.to_ms, len(empty)), (4, 5, 0))

    def test_live_url(self):
        self.assertEqual(sl.live_url("127.0.0.1:8765"), "ws://127.0.0.1:8765/live")
        self.assertEqual(sl.live_url("ws://127.0.0.1:8765/"),
                         "ws://127.0.0.1:8765/live")
        self.assertEqual(sl.live_url("127.0.0.1:1", token="a b&c"),
                         "ws://127.0.0.1:1/live?token=a+b%26c")
        self.assertEqual(sl.live_url("ws://[::1]:9/live?token=x", token="y"),
                         "ws://[::1]:9/live?token=y")
        with self.assertRaises(ValueError):
            sl.live_url("http://127.0.0.1:1/live")


class ServerTest:
    def serve(self, **options):
        server = FakeServer(**options).start()
        self.addCleanup(server.stop)
        return server


class async_client(ServerTest, unittest.IsolatedAsyncioTestCase):
    async def connect(self, server, **options):
        client = await sl.LiveClient.connect(server.address, **options)
        self.addAsyncCleanup(client.close)
        return client

    async def test_welcome_and_maps(self):
        server = self.serve()
        client = await self.connect(server)
        self.assertEqual(server.paths, ["/live"])
        self.assertEqual(client.welcome["type"], "welcome")
        self.assertEqual(client.mode, "lockstep")
        self.assertEqual(client.population_names, ("cue", "left", "right"))
        self.assertEqual(client.population_index, {"cue": 0, "left": 1, "right": 2})
        self.assertEqual(client.population("right")["size"], 3)
        self.assertEqual(set(client.currents), {"drive"})
        self.assertEqual(set(client.channels), {"dopamine", "tonic"})

    async def test_messages_are_serialised_as_live_md_says(self):
        server = self.serve()
        client = await self.connect(server)
        await client.subscribe()
        await client.subscribe(["left", "right"])
        await client.subscribe("left")
        await client.unsubscribe(["right"])
        await client.send_spikes("cue", [0, 3])
        await client.send_spikes("cue", np.array([1, 2], np.uint32),
                                 np.array([5.5, 6.0]))
        await client.set_current("drive", 150)
        await client.set_current("drive", -20.5, time_ms=12)
        await client.release("dopamine", 0.5)
        await client.release("dopamine", -0.25, time_ms=np.float64(30.0))
        await client.pause()
        await client.resume()
        await client.send_step()
        await client.hello("secret")
        await client.step(2.5)
        expected = [
            {"type": "subscribe"},
            {"type": "subscribe", "populations": ["left", "right"]},
            {"type": "subscribe", "populations": ["left"]},
            {"type": "unsubscribe", "populations": ["right"]},
            {"type": "spikes", "population": "cue", "neurons": [0, 3]},
            {"type": "spikes", "population": "cue", "neurons": [1, 2],
             "times_ms": [5.5, 6.0]},
            {"type": "current", "source": "drive", "amplitude": 150.0},
            {"type": "current", "source": "drive", "amplitude": -20.5, "time_ms": 12.0},
            {"type": "release", "channel": "dopamine", "amount": 0.5},
            {"type": "release", "channel": "dopamine", "amount": -0.25,
             "time_ms": 30.0},
            {"type": "control", "command": "pause"},
            {"type": "control", "command": "resume"},
            {"type": "control", "command": "step"},
            {"type": "hello", "token": "secret"},
            {"type": "control", "command": "step", "ms": 2.5},
        ]
        # the step_done read may be the one of send_step(): wait for the server
        self.assertEqual(server.wait_received(len(expected)), expected)
        # neurons are JSON integers, not floats
        self.assertIn('"neurons":[0,3]', server.raw[4])

    async def test_bad_inputs_are_refused_before_sending(self):
        server = self.serve()
        client = await self.connect(server)
        bad = [
            client.send_spikes("left", [0]),                 # not live
            client.send_spikes("nope", [0]),                 # unknown
            client.send_spikes("cue", [4]),                  # out of range (size 4)
            client.send_spikes("cue", [-1]),
            client.send_spikes("cue", [0.5]),
            client.send_spikes("cue", [0, 1], [1.0]),        # lengths differ
            client.send_spikes("cue", [0], [math.nan]),
            client.set_current("nope", 1.0),
            client.set_current("drive", math.inf),
            client.release("tonic", 1.0),                    # not live
            client.release("nope", 1.0),
            client.subscribe(["nope"]),
            client.send_step(0),
        ]
        for coro in bad:
            with self.assertRaises(ValueError):
                await coro
        t, spikes = await client.step()
        self.assertEqual(t, 1.0)
        self.assertEqual(server.received, [{"type": "control", "command": "step"}])

    async def test_lockstep_step_collects_batches_until_step_done(self):
        server = self.serve()
        client = await self.connect(server)
        await client.subscribe(["cue", "right"])
        await client.send_spikes("cue", [2])                  # next free time: 0
        await client.send_spikes("cue", [1, 3], [1.5, 2.75])
        t, spikes = await client.step()
        self.assertEqual(t, 1.0)
        self.assertEqual((spikes.from_ms, spikes.to_ms), (0.0, 1.0))
        np.testing.assert_array_equal(spikes.times_ms, [0.0, 0.25])
        np.testing.assert_array_equal(spikes.populations, [0, 2])
        np.testing.assert_array_equal(spikes.neurons, [2, 0])
        self.assertEqual(spikes.count("left"), 0)            # not subscribed
        result = await client.step(3)                         # three 1 ms batches
        self.assertIsInstance(result, sl.StepResult)
        self.assertEqual(result.t_ms, 4.0)
        self.assertEqual((result.spikes.from_ms, result.spikes.to_ms), (1.0, 4.0))
        self.assertEqual(result.spikes.count("right"), 3)
        np.testing.assert_array_equal(result.spikes.of("cue")[0], [1.5, 2.75])
        self.assertEqual(client.status["t_ms"], 4.0)          # status kept, skipped
        self.assertEqual(client.t_ms, 4.0)
        await client.subscribe(["left"])
        _, spikes = await client.step(2)
        np.testing.assert_array_equal(spikes.of("left")[1], [1])  # k = 4: neuron 1
        self.assertEqual(spikes.count("right"), 2)

    async def test_server_error_raises_live_error(self):
        server = self.serve()
        client = await self.connect(server)
        await client.set_current("drive", 1.0, time_ms=5.0)
        await client.set_current("drive", 2.0, time_ms=1.0)   # earlier: an error
        with self.assertRaises(sl.LiveError) as cm:
            await client.step()
        self.assertIn("earlier than its last change", cm.exception.message)
        self.assertEqual(client.error, cm.exception.message)
        with self.assertRaises(sl.LiveClosed) as cm:
            await client.step()
        self.assertIn("earlier than its last change", str(cm.exception))

    async def test_error_seen_when_sending_after_the_server_closed(self):
        server = self.serve()
        client = await self.connect(server, validate=False)
        await client.send_json({"type": "frobnicate"})
        server.wait_received(1)
        deadline = time.monotonic() + 3
        while not client.closed and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self.assertTrue(client.closed)
        with self.assertRaises(sl.LiveError) as cm:
            await client.pause()
        self.assertNotIsInstance(cm.exception, sl.LiveClosed)
        self.assertEqual(cm.exception.message, "unknown message type 'frobnicate'")
        with self.assertRaises(sl.LiveClosed):
            await client.resume()

    async def test_run_end_during_step_raises_live_ended(self):
        server = self.serve(t_stop_ms=3.0)
        client = await self.connect(server)
        await client.subscribe()
        await client.step(2)
        with self.assertRaises(sl.LiveEnded) as cm:
            await client.step(5)
        self.assertEqual((cm.exception.t_ms, cm.exception.reason), (3.0, "finished"))
        self.assertEqual((cm.exception.spikes.from_ms, cm.exception.spikes.to_ms),
                         (2.0, 3.0))
        self.assertEqual(cm.exception.spikes.count("right"), 1)
        self.assertEqual(client.ended["reason"], "finished")
        with self.assertRaises(sl.LiveEnded) as cm:               # and again
            await client.step()
        self.assertEqual(len(cm.exception.spikes), 0)

    async def test_stop_waits_for_end(self):
        server = self.serve()
        client = await self.connect(server)
        await client.step()
        end = await client.stop()
        self.assertEqual(end, {"type": "end", "t_ms": 1.0, "reason": "stopped"})
        self.assertEqual(server.received[-1], {"type": "control", "command": "stop"})

    async def test_token_in_url_and_wrong_token(self):
        server = self.serve(token="s3cret-X")
        client = await self.connect(server, token="s3cret-X")
        self.assertTrue(client.welcome["authorised"])
        self.assertTrue(client.authorised)
        self.assertEqual(server.paths[-1], "/live?token=s3cret-X")
        t, _ = await client.step()
        self.assertEqual(t, 1.0)
        with self.assertRaises(sl.LiveError) as cm:
            await sl.LiveClient.connect(server.address, token="wrong")
        self.assertIn("HTTP 401: wrong token", cm.exception.message)
        self.assertNotIn("wrong", cm.exception.message.split("HTTP")[0])  # redacted
        # without a token: welcome says not authorised; hello authorises
        client2 = await self.connect(server)
        self.assertFalse(client2.welcome["authorised"])
        self.assertFalse(client2.authorised)
        self.assertTrue(client2.welcome["token_required"])
        await client2.hello("s3cret-X")
        t, _ = await client2.step()
        self.assertEqual(t, 1.0)
        self.assertTrue(client2.authorised)                  # the hello reply
        # a token that would need percent-encoding goes in a hello
        server3 = self.serve(token="a b&c")
        client3 = await self.connect(server3, token="a b&c")
        self.assertEqual(server3.paths[-1], "/live")
        t, _ = await client3.step()
        self.assertEqual(server3.received[0], {"type": "hello", "token": "a b&c"})
        self.assertTrue(client3.authorised)

    async def test_free_mode_receive_until_end(self):
        server = self.serve(mode="free", stream_batches=4)
        client = await self.connect(server)
        await client.subscribe(["right"])
        messages = [m async for m in client.receive(timeout=5)]
        batches = [m for m in messages if isinstance(m, sl.SpikeBatch)]
        texts = [m["type"] for m in messages if isinstance(m, dict)]
        self.assertEqual(len(batches), 4)
        self.assertEqual([(b.from_ms, b.to_ms) for b in batches],
                         [(0, 1), (1, 2), (2, 3), (3, 4)])
        self.assertTrue(all(b.count("right") == 1 and len(b) == 1 for b in batches))
        self.assertEqual(texts, ["status", "end"])
        self.assertEqual(client.ended["reason"], "finished")

    async def test_step_timeout(self):
        server = self.serve(mute=True)
        client = await self.connect(server)
        started = time.monotonic()
        with self.assertRaises(TimeoutError):
            await client.step(timeout=0.2)
        self.assertLess(time.monotonic() - started, 2.0)
        with self.assertRaises(TimeoutError):
            await client.recv(timeout=0.05)

    async def test_connection_refused_and_wrong_path(self):
        server = self.serve()
        with self.assertRaises(OSError):
            await sl.LiveClient.connect("127.0.0.1:1", connect_timeout=2)
        with self.assertRaises(sl.LiveError) as cm:
            await sl.LiveClient.connect(f"ws://{server.address}/other")
        self.assertIn("HTTP 404", cm.exception.message)


class blocking_session(ServerTest, unittest.TestCase):
    def test_bandit_style_loop(self):
        server = self.serve()
        with sl.LiveSession(server.address) as live:
            self.assertEqual(live.population_names, ("cue", "left", "right"))
            live.subscribe(["left", "right"])
            choices = []
            for trial in range(5):
                live.send_spikes("cue", range(4))
                t_ms, spikes = live.step(10)
                self.assertEqual(t_ms, 10.0 * (trial + 1))
                left, right = spikes.count("left"), spikes.count("right")
                self.assertEqual((left, right), (5, 10))
                self.assertEqual(spikes.count("cue"), 0)
                choices.append(0 if left >= right else 1)
                live.release("dopamine", 0.25 * trial - 0.5)
            end = live.stop()
            self.assertEqual(end["reason"], "stopped")
        releases = [m["amount"] for m in server.received if m["type"] == "release"]
        self.assertEqual(releases, [-0.5, -0.25, 0.0, 0.25, 0.5])
        self.assertEqual(choices, [1] * 5)
        with self.assertRaises(sl.LiveClosed):
            live.step()

    def test_receive_generator_and_error(self):
        server = self.serve(mode="free", stream_batches=3)
        live = sl.LiveSession(server.address)
        live.subscribe()
        kinds = [type(m).__name__ if isinstance(m, sl.SpikeBatch) else m["type"]
                 for m in live.receive(timeout=5)]
        self.assertEqual(kinds, ["SpikeBatch"] * 3 + ["status", "end"])
        live.close()
        live.close()
        server2 = self.serve()
        with sl.LiveSession(server2.address, validate=False) as live:
            live.send_json({"type": "frobnicate"})
            with self.assertRaises(sl.LiveError) as cm:
                live.step()
            self.assertEqual(cm.exception.message, "unknown message type 'frobnicate'")


if __name__ == "__main__":
    unittest.main()
