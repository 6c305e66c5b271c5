"""Python client for the spikeq live I/O protocol (``spikeq run --serve``).

Live Python client
==================

``python/spikeq_live.py`` talks to a running ``spikeq run NET -o OUT.h5 --serve
HOST:PORT`` over the WebSocket protocol of docs/formats/live.md. It needs only
Debian packages (python3-websockets, python3-numpy; run with /usr/bin/python3):
put ``python/`` on ``sys.path`` or copy the file next to your script.

Two front ends share one implementation:

- ``LiveSession`` is blocking (it runs an asyncio event loop in the calling
  thread during each call), for plain loops such as an agent in ``lockstep`` mode;
- ``LiveClient`` is the asyncio client underneath (``await LiveClient.connect(...)``);
  use it where an event loop already runs (Jupyter, an asyncio application).

Both take the address as ``"127.0.0.1:8765"`` (the ``--serve`` argument) or a full
``ws://127.0.0.1:8765/live`` URL (with ``--serve 127.0.0.1:0`` the bound port is in
the ``--port-file``), and an optional ``token`` (the word in the ``--token-file``;
sent as ``/live?token=T``, or in a ``hello`` message when it has characters other
than letters, digits and ``._~-``). A refused connection (HTTP 401 wrong token, 503
too many clients or run over) raises ``LiveError``. After connecting, ``.welcome``
holds the server's ``welcome`` message, ``population_names`` /
``population_index`` map population indices (as in spike batches) to names and
back, and ``currents`` / ``channels`` are the live inputs by name.

A closed loop in ``lockstep`` mode (a two-armed bandit; ``cue`` is a
``live_spike_source`` population, ``dopamine`` a channel with ``live: true``)::

    import random
    import spikeq_live

    p_reward = (0.2, 0.8)                               # arm 1 pays more often
    rng = random.Random(1)
    with spikeq_live.LiveSession("127.0.0.1:8765", token=None) as live:
        live.subscribe(["left", "right"])               # only the motor populations
        baseline = 0.5
        for trial in range(200):
            live.send_spikes("cue", range(20))          # at the next free time
            t_ms, spikes = live.step(100)               # 100 ms, then step_done
            left, right = spikes.count("left"), spikes.count("right")
            choice = 0 if left >= right else 1
            reward = 1.0 if rng.random() < p_reward[choice] else 0.0
            live.release("dopamine", reward - baseline)
            baseline += 0.05 * (reward - baseline)
        live.stop()                                     # waits for `end`

``step(ms)`` sends ``control``/``step`` and collects every spike batch until the
matching ``step_done``; it returns ``(t_ms, spikes)``, a ``StepResult`` whose
``spikes`` is one ``SpikeBatch`` covering the step. Inputs sent between two steps
take effect at the start of the next step unless they give a later ``time_ms``.

Other inputs and controls: ``set_current(source, amplitude_pA, time_ms=None)``,
``release(channel, amount, time_ms=None)``, ``send_spikes(population, neurons,
times_ms=None)``, ``pause()``, ``resume()``, ``stop()``, ``unsubscribe(names)``.
Names and neuron indices are checked against ``welcome`` before anything is sent
(``ValueError``), because the server closes the connection on a bad input.

Streaming (``free`` or ``realtime`` mode)::

    with spikeq_live.LiveSession("127.0.0.1:8765") as live:
        live.subscribe()                                # all populations
        for msg in live.receive():                      # until the run ends
            if isinstance(msg, spikeq_live.SpikeBatch):
                print(msg.from_ms, msg.to_ms, msg.count("exc"))
            elif msg["type"] == "status":
                print("behind:", msg["behind"])

``receive()`` yields a ``SpikeBatch`` for each binary frame and a dict for each
text frame (``status``, ``end``, ...), and stops when the server closes the
connection after ``end``. A server ``error`` message raises ``LiveError`` (with the
server's text in ``.message``) at the next read; the server closes that connection.
If the run ends during a ``step``, ``LiveEnded`` (a ``LiveError``) is raised with
``t_ms``, ``reason`` and the spikes received so far. Timeouts raise ``TimeoutError``;
the defaults are ``connect_timeout=10`` s and ``step_timeout=60`` s (per step), and
``receive(timeout=None)`` waits indefinitely; all are arguments of ``connect`` /
``LiveSession`` or of the call.

The asyncio client has the same methods, as coroutines::

    client = await spikeq_live.LiveClient.connect("127.0.0.1:8765")
    await client.subscribe(["exc"])
    t_ms, spikes = await client.step(10)
    async for msg in client.receive(): ...
    await client.close()

Only one task should read from a client at a time (``step``, ``recv``,
``receive``, ``stop(wait=True)``). Messages the client does not read stay in the
socket; the server drops a client whose output queue grows past
``--client-buffer-mb``, so a streaming client must keep reading.

Spike batches (binary frames, version 1): ``decode_spike_batch(data)`` returns a
``SpikeBatch`` (``from_ms``, ``to_ms``, and numpy arrays ``times_ms`` float64,
``populations`` uint32, ``neurons`` uint32) and raises ``ValueError`` on a wrong
magic, version or length; ``encode_spike_batch(...)`` writes one (for tests and
mock servers).
"""
import asyncio
import json
import math
import re
import struct
import urllib.parse
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import numpy as np

__all__ = [
    "SPIKE_BATCH_MAGIC", "SPIKE_BATCH_VERSION", "SpikeBatch", "StepResult",
    "LiveError", "LiveEnded", "LiveClosed", "decode_spike_batch",
    "encode_spike_batch", "merge_spike_batches", "live_url", "LiveClient",
    "LiveSession",
]

SPIKE_BATCH_MAGIC = b"SQSP"
SPIKE_BATCH_VERSION = 1
_HEADER = struct.Struct("<4sIddII")  # magic, version, from_ms, to_ms, count, padding
_RECORD = np.dtype([("t", "<f8"), ("population", "<u4"), ("neuron", "<u4")])
assert _HEADER.size == 32 and _RECORD.itemsize == 16

DEFAULT_PATH = "/live"


# --------------------------------------------------------------------------------------
# Spike batches
# --------------------------------------------------------------------------------------
@dataclass(eq=False)
class SpikeBatch:
    """Spikes of the model-time interval [from_ms, to_ms).

    ``times_ms`` (float64), ``populations`` (uint32, index into
    ``welcome.populations``) and ``neurons`` (uint32, index within the population)
    have one entry per spike. ``population_names``, when set (the clients set it),
    lets ``count``/``of``/``neuron_counts`` take population names.
    """
    from_ms: float
    to_ms: float
    times_ms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    populations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    neurons: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))
    population_names: Optional[tuple] = None

    def __len__(self):
        return len(self.times_ms)

    def __repr__(self):
        return (f"SpikeBatch(from_ms={self.from_ms!r}, to_ms={self.to_ms!r}, "
                f"spikes={len(self)})")

    def _index(self, population):
        if isinstance(population, str):
            if self.population_names is None:
                raise ValueError("this batch has no population names; pass an index")
            try:
                return self.population_names.index(population)
            except ValueError:
                raise ValueError(f"unknown population {population!r}; known: "
                                 f"{', '.join(self.population_names)}") from None
        return int(population)

    def mask(self, population):
        """Boolean mask of the spikes of one population (name or index)."""
        return self.populations == self._index(population)

    def count(self, population=None):
        """Number of spikes of one population (name or index), or of all."""
        if population is None:
            return len(self)
        return int(np.count_nonzero(self.mask(population)))

    def of(self, population):
        """(times_ms, neurons) of one population (name or index)."""
        m = self.mask(population)
        return self.times_ms[m], self.neurons[m]

    def neuron_counts(self, population, size):
        """Spike count of each neuron 0..size-1 of one population."""
        _, neurons = self.of(population)
        return np.bincount(neurons.astype(np.int64), minlength=size)[:size]

    def to_bytes(self):
        """The batch as a binary frame (``encode_spike_batch``)."""
        return encode_spike_batch(self.from_ms, self.to_ms, self.times_ms,
                                  self.populations, self.neurons)


def encode_spike_batch(from_ms, to_ms, times_ms=(), populations=(), neurons=()):
    """Encode one spike batch (version 1, docs/formats/live.md) as bytes.

    The spikes are written in the order given (the server sends them in (time,
    population, neuron) order).
    """
    t = np.asarray(times_ms, dtype=np.float64).reshape(-1)
    p = np.asarray(populations).reshape(-1)
    n = np.asarray(neurons).reshape(-1)
    if not (len(t) == len(p) == len(n)):
        raise ValueError(f"times_ms, populations and neurons differ in length "
                         f"({len(t)}, {len(p)}, {len(n)})")
    for name, a in (("populations", p), ("neurons", n)):
        if len(a) and (a.min() < 0 or a.max() > 0xFFFFFFFF):
            raise ValueError(f"{name} must fit in uint32")
    records = np.empty(len(t), dtype=_RECORD)
    records["t"] = t
    records["population"] = p
    records["neuron"] = n
    header = _HEADER.pack(SPIKE_BATCH_MAGIC, SPIKE_BATCH_VERSION, float(from_ms),
                          float(to_ms), len(t), 0)
    return header + records.tobytes()


def decode_spike_batch(data, population_names=None):
    """Decode a binary spike-batch frame into a ``SpikeBatch``.

    Raises ValueError when the frame is shorter than the 32-byte header, has a
    wrong magic or version, or when its length is not 32 + 16 * count.
    """
    data = bytes(data) if not isinstance(data, (bytes, bytearray)) else data
    if len(data) < _HEADER.size:
        raise ValueError(f"spike batch too short: {len(data)} bytes, the header "
                         f"alone is {_HEADER.size}")
    magic, version, from_ms, to_ms, count, _padding = _HEADER.unpack_from(data, 0)
    if magic != SPIKE_BATCH_MAGIC:
        raise ValueError(f"not a spike batch: magic {magic!r}, expected "
                         f"{SPIKE_BATCH_MAGIC!r}")
    if version != SPIKE_BATCH_VERSION:
        raise ValueError(f"unsupported spike batch version {version} (this client "
                         f"reads version {SPIKE_BATCH_VERSION})")
    expected = _HEADER.size + _RECORD.itemsize * count
    if len(data) != expected:
        raise ValueError(f"spike batch length {len(data)} bytes does not match its "
                         f"count {count} (expected 32 + 16 * {count} = {expected})")
    records = np.frombuffer(data, dtype=_RECORD, count=count, offset=_HEADER.size)
    return SpikeBatch(
        from_ms=from_ms, to_ms=to_ms,
        times_ms=records["t"].astype(np.float64),
        populations=records["population"].astype(np.uint32),
        neurons=records["neuron"].astype(np.uint32),
        population_names=tuple(population_names) if population_names is not None
        else None)


def merge_spike_batches(batches, from_ms=None, to_ms=None, population_names=None):
    """One ``SpikeBatch`` holding the spikes of consecutive batches.

    ``from_ms``/``to_ms`` default to the first batch's start and the last one's end;
    they are needed when ``batches`` is empty.
    """
    batches = list(batches)
    if batches:
        from_ms = batches[0].from_ms if from_ms is None else from_ms
        to_ms = batches[-1].to_ms if to_ms is None else to_ms
        if population_names is None:
            population_names = batches[0].population_names
    if from_ms is None or to_ms is None:
        raise ValueError("from_ms and to_ms are needed to merge no batches")
    if len(batches) == 1 and batches[0].from_ms == from_ms and \
            batches[0].to_ms == to_ms:
        b = batches[0]
        return SpikeBatch(from_ms, to_ms, b.times_ms, b.populations, b.neurons,
                          population_names)
    return SpikeBatch(
        from_ms=from_ms, to_ms=to_ms,
        times_ms=np.concatenate([b.times_ms for b in batches] +
                                [np.zeros(0, np.float64)]),
        populations=np.concatenate([b.populations for b in batches] +
                                   [np.zeros(0, np.uint32)]),
        neurons=np.concatenate([b.neurons for b in batches] +
                               [np.zeros(0, np.uint32)]),
        population_names=population_names)


class StepResult(NamedTuple):
    """What ``step`` returns: the model time after the step (``step_done.t_ms``) and
    the spikes of the step (the subscribed populations only)."""
    t_ms: float
    spikes: SpikeBatch


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------
class LiveError(RuntimeError):
    """The server reported an error (its text is ``.message``) or the connection
    failed; the server closes a connection after an ``error``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class LiveClosed(LiveError):
    """The connection is closed (by the server or by ``close``)."""


class LiveEnded(LiveError):
    """The run ended (``end`` message) while a ``step`` waited for ``step_done``.

    ``t_ms`` and ``reason`` come from ``end``; ``spikes`` holds what the step
    received before it."""

    def __init__(self, t_ms, reason, spikes=None):
        super().__init__(f"the run ended at t = {t_ms} ms ({reason})")
        self.t_ms = t_ms
        self.reason = reason
        self.spikes = spikes


# --------------------------------------------------------------------------------------
# Asyncio client
# --------------------------------------------------------------------------------------
def live_url(address, token=None):
    """The WebSocket URL for ``address``: ``HOST:PORT`` (the ``--serve`` argument),
    ``ws://HOST:PORT`` or a full ``ws://HOST:PORT/live`` URL; ``token`` is added as
    the ``token`` query parameter."""
    if "://" not in address:
        address = "ws://" + address
    parts = urllib.parse.urlsplit(address)
    if parts.scheme not in ("ws", "wss"):
        raise ValueError(f"not a WebSocket address: {address!r} (use HOST:PORT or "
                         f"ws://HOST:PORT/live)")
    path = parts.path if parts.path not in ("", "/") else DEFAULT_PATH
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if token is not None:
        query = [(k, v) for k, v in query if k != "token"] + [("token", str(token))]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path,
                                    urllib.parse.urlencode(query), ""))


def _ws():
    try:
        import websockets
        import websockets.exceptions  # noqa: F401
    except ImportError as e:  # pragma: no cover
        raise ImportError("spikeq_live needs python3-websockets (Debian package); "
                          "run with /usr/bin/python3") from e
    return websockets


def _uint_list(values, what, size=None):
    out = []
    for v in np.asarray(list(values) if not isinstance(values, np.ndarray) else values
                        ).reshape(-1).tolist():
        if isinstance(v, float):
            if not v.is_integer():
                raise ValueError(f"{what}: {v} is not an integer")
            v = int(v)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{what}: {v!r} is not a non-negative integer")
        if size is not None and v >= size:
            raise ValueError(f"{what}: index {v} out of range (size {size})")
        out.append(v)
    return out


def _finite(v, what):
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"{what} must be finite, got {v}")
    return v


class LiveClient:
    """Asyncio client of the live protocol. Create it with ``await
    LiveClient.connect(address, token=None)``; see the module docstring."""

    def __init__(self, websocket, welcome, *, validate=True, step_timeout=60.0,
                 close_timeout=5.0):
        self._ws = websocket
        self.validate = validate
        self.step_timeout = step_timeout
        self.close_timeout = close_timeout
        self.welcome = welcome
        self.status = None       # the last `status` message
        self.ended = None        # the `end` message, once received
        self.error = None        # the server's `error` text, once received
        self.t_ms = float(welcome.get("t_ms", 0.0))
        # welcome.authorised, then true once the server answers a `hello`
        self.authorised = bool(welcome.get("authorised", True))
        self.populations = list(welcome.get("populations", []))
        self.population_names = tuple(p["name"] for p in self.populations)
        self.population_index = {n: i for i, n in enumerate(self.population_names)}
        self.currents = {c["name"]: c for c in welcome.get("currents", [])}
        self.channels = {c["name"]: c for c in welcome.get("channels", [])}

    # ---- connection ----------------------------------------------------------------
    @classmethod
    async def connect(cls, address, token=None, *, connect_timeout=10.0,
                      step_timeout=60.0, close_timeout=5.0, validate=True,
                      max_message_bytes=256 * 2**20):
        """Open ``address`` (``HOST:PORT`` or ``ws://HOST:PORT/live``), read the
        ``welcome`` and return the client. ``token`` goes in the URL
        (``/live?token=T``), or in a ``hello`` right after the welcome when it has
        characters other than letters, digits and ``._~-``.
        ``validate`` checks names and indices against ``welcome`` before sending.
        Raises LiveError when the server refuses (``error`` or closing) and
        TimeoutError after ``connect_timeout`` seconds."""
        websockets = _ws()
        # The server does not percent-decode the URL token: a token that would need
        # escaping goes in a `hello` message instead.
        in_url = token is not None and _URL_SAFE_TOKEN.fullmatch(str(token)) is not None
        url = live_url(address, token if in_url else None)
        try:
            # No keepalive pings: LiveSession runs the loop only during calls, and a
            # ping left unanswered meanwhile would close the connection.
            ws = await websockets.connect(
                url, open_timeout=connect_timeout, ping_interval=None,
                close_timeout=close_timeout, max_size=max_message_bytes,
                compression=None)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no WebSocket connection to {_redact(url)} within "
                               f"{connect_timeout} s") from None
        except websockets.exceptions.InvalidStatusCode as e:
            why = _REFUSALS.get(e.status_code, "")
            raise LiveError(f"{_redact(url)} refused the WebSocket upgrade (HTTP "
                            f"{e.status_code}{': ' + why if why else ''})") from None
        except websockets.exceptions.InvalidHandshake as e:
            raise LiveError(f"WebSocket handshake with {_redact(url)} failed: "
                            f"{e}") from e
        where = _redact(url)
        try:
            try:
                raw = await asyncio.wait_for(ws.recv(), connect_timeout)
            except asyncio.TimeoutError:
                raise TimeoutError(f"no welcome from {where} within "
                                   f"{connect_timeout} s") from None
            except websockets.exceptions.ConnectionClosed as e:
                raise LiveClosed(f"{where} closed the connection before the "
                                 f"welcome ({_close_text(e)})") from None
            if not isinstance(raw, str):
                raise LiveError(f"{where} sent a binary frame instead of the welcome")
            msg = _parse_text(raw)
            if msg.get("type") == "error":
                raise LiveError(str(msg.get("message", "")))
            if msg.get("type") != "welcome":
                raise LiveError(f"expected a welcome message, got {msg.get('type')!r}")
        except BaseException:
            await _abort(ws, close_timeout)
            raise
        client = cls(ws, msg, validate=validate, step_timeout=step_timeout,
                     close_timeout=close_timeout)
        if token is not None and not in_url:
            await client.hello(token)
        return client

    async def close(self):
        """Close the connection (idempotent)."""
        await _abort(self._ws, self.close_timeout)

    @property
    def closed(self):
        return self._ws.closed

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    # ---- welcome lookups -----------------------------------------------------------
    @property
    def mode(self):
        return self.welcome.get("mode")

    def population(self, name):
        """The ``welcome`` entry of a population (by name or index)."""
        if isinstance(name, str):
            if name not in self.population_index:
                raise ValueError(f"unknown population {name!r}; the server has: "
                                 f"{', '.join(self.population_names) or 'none'}")
            name = self.population_index[name]
        return self.populations[name]

    # ---- sending -------------------------------------------------------------------
    async def send_json(self, message):
        """Send one JSON object as a text frame, as is (no checks)."""
        text = json.dumps(message, allow_nan=False, separators=(",", ":"))
        try:
            await self._ws.send(text)
        except _ws().exceptions.ConnectionClosed as e:
            # The server may have sent `error` (or `end`) just before closing: read
            # what is left so that the error raised carries its message.
            error_before = self.error
            await self._drain()
            raise self._closed_error(e, raise_error=error_before is None and
                                     self.error is not None) from None

    async def _drain(self):
        while True:
            try:
                await self.recv(self.close_timeout)
            except (LiveClosed, TimeoutError):
                return
            except (LiveError, ValueError):
                continue

    async def hello(self, token):
        """Authenticate with a ``hello`` message (instead of the URL token)."""
        await self.send_json({"type": "hello", "token": str(token)})

    async def subscribe(self, populations=None):
        """Receive the spikes of these populations (names); None or []: all."""
        msg = {"type": "subscribe"}
        if populations is not None:
            msg["populations"] = self._names(populations)
        await self.send_json(msg)

    async def unsubscribe(self, populations):
        """Stop receiving the spikes of these populations (names)."""
        await self.send_json({"type": "unsubscribe",
                              "populations": self._names(populations)})

    async def send_spikes(self, population, neurons, times_ms=None):
        """Input spikes to a ``live_spike_source`` population: ``neurons`` (indices
        within it) at ``times_ms`` (same length), or at the next free time."""
        size = None
        if self.validate:
            p = self.population(population)
            if not p.get("live", False):
                raise ValueError(f"population {population!r} is not live (not a "
                                 f"live_spike_source)")
            size = p.get("size")
        msg = {"type": "spikes", "population": str(population),
               "neurons": _uint_list(neurons, "neurons", size)}
        if times_ms is not None:
            times = [_finite(t, "times_ms") for t in
                     np.asarray(list(times_ms) if not isinstance(times_ms, np.ndarray)
                                else times_ms, dtype=np.float64).reshape(-1).tolist()]
            if len(times) != len(msg["neurons"]):
                raise ValueError(f"times_ms has {len(times)} entries, neurons "
                                 f"{len(msg['neurons'])}")
            msg["times_ms"] = times
        await self.send_json(msg)

    async def set_current(self, source, amplitude, time_ms=None):
        """Set a ``live_current`` source to ``amplitude`` pA (at ``time_ms`` or the
        next free time). Changes of a source must come in time order."""
        if self.validate and source not in self.currents:
            raise ValueError(f"unknown live current source {source!r}; the server "
                             f"has: {', '.join(self.currents) or 'none'}")
        msg = {"type": "current", "source": str(source),
               "amplitude": _finite(amplitude, "amplitude")}
        if time_ms is not None:
            msg["time_ms"] = _finite(time_ms, "time_ms")
        await self.send_json(msg)

    async def release(self, channel, amount, time_ms=None):
        """Release ``amount`` on a neuromodulator channel with ``live: true``."""
        if self.validate:
            c = self.channels.get(channel)
            if c is None:
                raise ValueError(f"unknown channel {channel!r}; the server has: "
                                 f"{', '.join(self.channels) or 'none'}")
            if not c.get("live", False):
                raise ValueError(f"channel {channel!r} is not live")
        msg = {"type": "release", "channel": str(channel),
               "amount": _finite(amount, "amount")}
        if time_ms is not None:
            msg["time_ms"] = _finite(time_ms, "time_ms")
        await self.send_json(msg)

    async def pause(self):
        await self.send_json({"type": "control", "command": "pause"})

    async def resume(self):
        await self.send_json({"type": "control", "command": "resume"})

    async def send_step(self, ms=None):
        """Send ``control``/``step`` without waiting (``step`` waits). The step's
        batches and its ``step_done`` must then be read with ``recv``/``receive``,
        or a later ``step`` returns at this step's ``step_done``."""
        msg = {"type": "control", "command": "step"}
        if ms is not None:
            ms = _finite(ms, "ms")
            if ms <= 0:
                raise ValueError(f"step ms must be positive, got {ms}")
            msg["ms"] = ms
        await self.send_json(msg)

    async def stop(self, wait=True, timeout=None):
        """Send ``control``/``stop``. With ``wait``, read (and drop) messages until
        ``end`` and return it (None when the server closes without one)."""
        await self.send_json({"type": "control", "command": "stop"})
        if not wait:
            return None
        timeout = self.step_timeout if timeout is None else timeout
        try:
            while self.ended is None:
                await self.recv(timeout)
        except LiveClosed:
            pass
        return self.ended

    # ---- receiving -----------------------------------------------------------------
    async def recv(self, timeout=None):
        """The next message: a SpikeBatch (binary) or a dict (text). Raises
        LiveError on a server ``error``, LiveClosed when the connection is closed,
        TimeoutError after ``timeout`` seconds (None: wait indefinitely)."""
        websockets = _ws()
        try:
            if timeout is None:
                raw = await self._ws.recv()
            else:
                raw = await asyncio.wait_for(self._ws.recv(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no message from the server within {timeout} s "
                               f"(t = {self.t_ms} ms)") from None
        except websockets.exceptions.ConnectionClosed as e:
            raise self._closed_error(e) from None
        if isinstance(raw, (bytes, bytearray)):
            batch = decode_spike_batch(raw, self.population_names)
            self.t_ms = max(self.t_ms, batch.to_ms)
            return batch
        msg = _parse_text(raw)
        kind = msg.get("type")
        if kind == "error":
            self.error = str(msg.get("message", ""))
            raise LiveError(self.error)
        if "t_ms" in msg and isinstance(msg["t_ms"], (int, float)):
            self.t_ms = max(self.t_ms, float(msg["t_ms"]))
        if kind == "status":
            self.status = msg
        elif kind == "hello" and msg.get("authorised"):
            self.authorised = True
        elif kind == "end":
            self.ended = msg
        return msg

    async def receive(self, timeout=None):
        """Async iterator over messages (see ``recv``) until the server closes the
        connection after ``end``. ``timeout`` applies to each message."""
        while True:
            try:
                msg = await self.recv(timeout)
            except LiveClosed:
                if self.ended is not None:
                    return
                raise
            yield msg

    async def step(self, ms=None, timeout=None):
        """Advance by one step (``--step-ms``) or by ``ms`` (rounded up to whole
        steps by the server), collect every spike batch until ``step_done`` and
        return StepResult(t_ms, spikes). Raises LiveEnded when the run ends first,
        TimeoutError when ``timeout`` (default ``step_timeout``) seconds pass."""
        timeout = self.step_timeout if timeout is None else timeout
        start = self.t_ms
        try:
            await self.send_step(ms)
        except LiveClosed:
            if self.ended is not None:
                raise self._ended_error([], start) from None
            raise
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        batches = []
        while True:
            left = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                msg = await self.recv(left)
            except TimeoutError:
                raise TimeoutError(f"no step_done within {timeout} s (step from "
                                   f"t = {start} ms, {len(batches)} batches "
                                   f"received)") from None
            except LiveClosed:
                if self.ended is not None:
                    raise self._ended_error(batches, start) from None
                raise
            if isinstance(msg, SpikeBatch):
                batches.append(msg)
            elif msg.get("type") == "step_done":
                t_ms = float(msg.get("t_ms", self.t_ms))
                return StepResult(t_ms, merge_spike_batches(
                    batches, from_ms=batches[0].from_ms if batches else start,
                    to_ms=t_ms, population_names=self.population_names))
            elif msg.get("type") == "end":
                raise self._ended_error(batches, start)
            # status and unknown types: recorded by recv, otherwise ignored

    # ---- helpers -------------------------------------------------------------------
    def _names(self, populations):
        if isinstance(populations, str):
            populations = [populations]
        names = [str(p) for p in populations]
        if self.validate:
            for n in names:
                self.population(n)
        return names

    def _ended_error(self, batches, start):
        end = self.ended or {}
        t = float(end.get("t_ms", self.t_ms))
        spikes = merge_spike_batches(batches, from_ms=batches[0].from_ms if batches
                                     else start, to_ms=t,
                                     population_names=self.population_names)
        return LiveEnded(t, end.get("reason"), spikes)

    def _closed_error(self, exc, raise_error=False):
        if raise_error:             # the server's error, first seen now
            return LiveError(self.error)
        text = f"the connection is closed ({_close_text(exc)})"
        if self.error:
            text = f"{self.error} ({text})"
        elif self.ended is not None:
            text = f"the run ended ({self.ended.get('reason')}); {text}"
        return LiveClosed(text)


_URL_SAFE_TOKEN = re.compile(r"[A-Za-z0-9._~-]+")
_REFUSALS = {401: "wrong token", 404: "no such endpoint (the path is /live)",
             503: "the run is over, or too many clients"}


def _redact(url):
    return re.sub(r"([?&]token=)[^&]*", r"\1***", url)


def _close_text(exc):
    rcvd = getattr(exc, "rcvd", None)
    if rcvd is None:
        return "no close frame"
    return f"code {rcvd.code}" + (f", {rcvd.reason}" if rcvd.reason else "")


def _parse_text(raw):
    try:
        msg = json.loads(raw)
    except ValueError as e:
        raise LiveError(f"the server sent malformed JSON: {e}") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise LiveError(f"the server sent a message without a type: {raw[:200]!r}")
    return msg


async def _abort(ws, close_timeout):
    try:
        await asyncio.wait_for(ws.close(), close_timeout)
    except Exception:  # already closed, or the peer did not answer the close
        transport = getattr(ws, "transport", None)
        if transport is not None:
            transport.abort()


# --------------------------------------------------------------------------------------
# Blocking wrapper
# --------------------------------------------------------------------------------------
class LiveSession:
    """Blocking client: the methods of ``LiveClient``, run on a private event loop
    in the calling thread. Use it from one thread; the network is only read while a
    call runs. ``LiveSession(address, token=None, **connect_options)``."""

    def __init__(self, address, token=None, **options):
        self._loop = asyncio.new_event_loop()
        try:
            self.client = self._run(LiveClient.connect(address, token, **options))
        except BaseException:
            self._loop.close()
            raise

    def _run(self, coro):
        if self._loop.is_closed():
            coro.close()
            raise LiveClosed("the session is closed")
        return self._loop.run_until_complete(coro)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getattr__(self, name):
        # welcome, population_names, population_index, currents, channels, status,
        # ended, error, t_ms, mode, population(), validate, step_timeout, ...
        if name in ("client", "_loop"):
            raise AttributeError(name)
        return getattr(self.client, name)

    def close(self):
        """Close the connection and the event loop (idempotent)."""
        if self._loop.is_closed():
            return
        try:
            self._loop.run_until_complete(self.client.close())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()

    def send_json(self, message):
        return self._run(self.client.send_json(message))

    def hello(self, token):
        return self._run(self.client.hello(token))

    def subscribe(self, populations=None):
        return self._run(self.client.subscribe(populations))

    def unsubscribe(self, populations):
        return self._run(self.client.unsubscribe(populations))

    def send_spikes(self, population, neurons, times_ms=None):
        return self._run(self.client.send_spikes(population, neurons, times_ms))

    def set_current(self, source, amplitude, time_ms=None):
        return self._run(self.client.set_current(source, amplitude, time_ms))

    def release(self, channel, amount, time_ms=None):
        return self._run(self.client.release(channel, amount, time_ms))

    def pause(self):
        return self._run(self.client.pause())

    def resume(self):
        return self._run(self.client.resume())

    def send_step(self, ms=None):
        return self._run(self.client.send_step(ms))

    def step(self, ms=None, timeout=None):
        return self._run(self.client.step(ms, timeout))

    def stop(self, wait=True, timeout=None):
        return self._run(self.client.stop(wait, timeout))

    def recv(self, timeout=None):
        return self._run(self.client.recv(timeout))

    def receive(self, timeout=None):
        """Generator over messages until the server closes after ``end``."""
        while True:
            try:
                msg = self.recv(timeout)
            except LiveClosed:
                if self.client.ended is not None:
                    return
                raise
            yield msg
