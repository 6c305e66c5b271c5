#!/usr/bin/python3
"""Headless-Chromium test of the live raster page (live/web/index.html).

Run against an ALREADY running server (`spikeq run ... --serve HOST:PORT`, or
tests/live/mock_live_server.py):

    /usr/bin/python3 tests/live/browser_raster_test.py \
        --url http://127.0.0.1:PORT/ --screenshot OUT.png

It starts Debian's chromium headless with a throw-away profile, drives it over
the Chrome DevTools Protocol (python3-websockets, asyncio API), opens the page,
waits, and checks

  1. the status line (#status) shows the model time "t = X ms" advancing
     (read twice, about 1 s apart; a run that already finished is accepted when
     its status says "run finished" and t > 0), unless --no-time-check;
  2. a screenshot (written to --screenshot) holds at least --min-pixels pixels
     of the population spike colours inside the raster plot area.

The PNG is decoded with zlib + struct only (8-bit RGB/RGBA, non-interlaced,
which is what Chromium writes).  Exit status 0 when every check passes, 1
otherwise, with the reason on stderr.  Chromium is always killed and its
temporary profile removed.  The whole test is bounded by --timeout (default 30 s).
"""

import argparse
import asyncio
import base64
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

import websockets

# Population spike colours, index = position in welcome.populations (cycling).
# Keep equal to COLOURS in live/web/index.html, which writes spikes into the
# raster as exact, opaque pixels of these colours.
SPIKE_COLOURS = [
    (0x1f, 0x77, 0xb4),  # 0 #1f77b4 blue
    (0xd6, 0x27, 0x28),  # 1 #d62728 red
    (0x2c, 0xa0, 0x2c),  # 2 #2ca02c green
    (0xff, 0x7f, 0x0e),  # 3 #ff7f0e orange
    (0x94, 0x67, 0xbd),  # 4 #9467bd purple
    (0x8c, 0x56, 0x4b),  # 5 #8c564b brown
    (0xe3, 0x77, 0xc2),  # 6 #e377c2 pink
    (0x17, 0xbe, 0xcf),  # 7 #17becf cyan
    (0xbc, 0xbd, 0x22),  # 8 #bcbd22 olive
]
COLOUR_TOLERANCE = 6     # per channel, for colour management / PNG rounding

WIDTH, HEIGHT = 1000, 700
T_MS_RE = re.compile(r"\bt = (-?[0-9]+(?:\.[0-9]+)?) ms")


class Failure(Exception):
    """A check failed or the harness could not run; message is for the user."""


# ---------------------------------------------------------------------------
# PNG decoding (zlib + struct only)
# ---------------------------------------------------------------------------
def decode_png(data):
    """Return (width, height, channels, rows) for an 8-bit RGB/RGBA PNG.

    rows is a list of bytes objects, one per scanline, channels bytes per pixel.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failure("screenshot is not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
    if ihdr is None:
        raise Failure("PNG without IHDR")
    width, height, depth, colour_type, _comp, _filt, interlace = ihdr
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        raise Failure("unsupported PNG (bit depth %d, colour type %d, interlace %d); "
                      "expected 8-bit RGB/RGBA, non-interlaced" % (depth, colour_type, interlace))
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise Failure("PNG image data too short")
    rows, prev = [], bytearray(stride)
    for y in range(height):
        off = y * (stride + 1)
        ftype = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        if ftype == 0:
            pass
        elif ftype == 1:        # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:        # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:        # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:        # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        else:
            raise Failure("bad PNG filter type %d in row %d" % (ftype, y))
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def count_spike_pixels(png, rect, n_colours):
    """Count pixels inside rect (x, y, w, h in image pixels) whose colour is one
    of the first n_colours SPIKE_COLOURS.  Returns (total, per_colour list)."""
    width, height, bpp, rows = decode_png(png)
    x0, y0 = max(0, int(rect[0])), max(0, int(rect[1]))
    x1, y1 = min(width, int(rect[0] + rect[2])), min(height, int(rect[1] + rect[3]))
    colours = SPIKE_COLOURS[:max(1, min(n_colours, len(SPIKE_COLOURS)))]
    per = [0] * len(colours)
    tol = COLOUR_TOLERANCE
    cache = {}
    for y in range(y0, y1):
        row = rows[y]
        for x in range(x0, x1):
            o = x * bpp
            px = (row[o], row[o + 1], row[o + 2])
            k = cache.get(px)
            if k is None:
                k = -1
                for j, (r, g, b) in enumerate(colours):
                    if abs(px[0] - r) <= tol and abs(px[1] - g) <= tol and abs(px[2] - b) <= tol:
                        k = j
                        break
                cache[px] = k
            if k >= 0:
                per[k] += 1
    return sum(per), per


# ---------------------------------------------------------------------------
# Chrome DevTools Protocol
# ---------------------------------------------------------------------------
class CDP:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.pending = {}
        self.events = []            # (method, params)
        self.event_waiters = []     # (method, future)
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for raw in self.ws:
                msg = json.loads(raw)
                if "id" in msg:
                    fut = self.pending.pop(msg["id"], None)
                    if fut and not fut.done():
                        fut.set_result(msg)
                else:
                    method, params = msg.get("method"), msg.get("params", {})
                    self.events.append((method, params))
                    for m, fut in list(self.event_waiters):
                        if m == method and not fut.done():
                            fut.set_result(params)
        except websockets.ConnectionClosed:
            pass
        finally:
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(Failure("DevTools connection closed"))

    async def call(self, method, timeout=10.0, **params):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        await self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        try:
            msg = await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            raise Failure("DevTools call %s timed out after %.0f s" % (method, timeout))
        if "error" in msg:
            raise Failure("DevTools call %s failed: %s" % (method, msg["error"]))
        return msg.get("result", {})

    def expect_event(self, method):
        fut = asyncio.get_running_loop().create_future()
        self.event_waiters.append((method, fut))
        return fut

    async def evaluate(self, expression, timeout=5.0):
        res = await self.call("Runtime.evaluate", timeout=timeout, expression=expression,
                              returnByValue=True)
        if "exceptionDetails" in res:
            raise Failure("page script error evaluating %r: %s" % (
                expression, res["exceptionDetails"].get("text")))
        return res.get("result", {}).get("value")

    def console_messages(self):
        out = []
        for method, p in self.events:
            if method == "Runtime.consoleAPICalled":
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                out.append("console.%s: %s" % (p.get("type"), args))
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append("exception: %s %s" % (d.get("text", ""),
                                                 d.get("exception", {}).get("description", "")))
            elif method == "Log.entryAdded":
                e = p.get("entry", {})
                out.append("log.%s: %s %s" % (e.get("level"), e.get("text"), e.get("url", "")))
        return out

    async def close(self):
        await self.ws.close()
        self.reader.cancel()


def http_json(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


class Chromium:
    """Headless chromium with a temporary profile; always cleaned up by stop()."""

    def __init__(self, binary):
        self.binary = binary
        self.profile = tempfile.mkdtemp(prefix="spikeq-chromium-")
        self.log_path = os.path.join(self.profile, "chromium.log")
        self.proc = None
        self.port = None

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise Failure("chromium not found at %s (Debian package `chromium`)" % self.binary)
        # Port 0: chromium picks a free port and writes it to DevToolsActivePort.
        cmd = [self.binary, "--headless=new", "--no-sandbox", "--disable-gpu",
               "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
               "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (WIDTH, HEIGHT),
               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--metrics-recording-only", "--mute-audio",
               "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows", "--force-color-profile=srgb",
               "--hide-scrollbars", "about:blank"]
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    async def wait_port(self, timeout):
        path = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Failure("chromium exited with status %s before DevTools was ready:\n%s"
                              % (self.proc.returncode, self.log_tail()))
            try:
                with open(path) as f:
                    first = f.readline().strip()
                if first.isdigit():
                    self.port = int(first)
                    return self.port
            except OSError:
                pass
            await asyncio.sleep(0.05)
        raise Failure("chromium did not open its DevTools port within %.0f s:\n%s"
                      % (timeout, self.log_tail()))

    def log_tail(self, n=15):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            return "\n".join("  chromium: " + l for l in lines[-n:])
        except OSError:
            return "  (no chromium log)"

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            # chromium runs in its own session: signal that process group (ours only)
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        if self.proc is not None:
            try:   # helpers left in the group after the main process exited
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------------------
# the test
# ---------------------------------------------------------------------------
def parse_t(text):
    m = T_MS_RE.search(text or "")
    return float(m.group(1)) if m else None


async def run_test(args, chrome):
    log = lambda *a: print("browser_raster_test:", *a, flush=True)
    chrome.start()
    port = await chrome.wait_port(10.0)
    # the page target
    deadline = time.monotonic() + 5.0
    target = None
    while target is None:
        try:
            targets = http_json("http://127.0.0.1:%d/json" % port)
            target = next((t for t in targets if t.get("type") == "page"
                           and t.get("webSocketDebuggerUrl")), None)
        except (OSError, ValueError):
            pass
        if target is None:
            if time.monotonic() > deadline:
                raise Failure("no page target in http://127.0.0.1:%d/json" % port)
            await asyncio.sleep(0.1)
    ws = await asyncio.wait_for(
        websockets.connect(target["webSocketDebuggerUrl"], max_size=256 * 1024 * 1024,
                           open_timeout=5, ping_interval=None), 6.0)
    cdp = CDP(ws)
    try:
        await cdp.call("Page.enable")
        await cdp.call("Runtime.enable")
        await cdp.call("Log.enable")
        await cdp.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                       deviceScaleFactor=1, mobile=False)
        loaded = cdp.expect_event("Page.loadEventFired")
        nav = await cdp.call("Page.navigate", url=args.url)
        if nav.get("errorText"):
            raise Failure("cannot open %s: %s (is the server running?)" % (args.url, nav["errorText"]))
        try:
            await asyncio.wait_for(loaded, 10.0)
        except asyncio.TimeoutError:
            raise Failure("page %s did not finish loading within 10 s" % args.url)
        ok = await cdp.evaluate("typeof window.spikeqLive === 'object' && !!document.getElementById('status')")
        if not ok:
            raise Failure("%s is not the spikeq live page (no window.spikeqLive / #status)" % args.url)

        # status line: model time must advance
        first_wait = max(0.5, args.wait - 1.0)
        await asyncio.sleep(first_wait)
        status1 = await cdp.evaluate("document.getElementById('status').textContent")
        await asyncio.sleep(1.0)
        status2 = await cdp.evaluate("document.getElementById('status').textContent")
        log("status 1: %s" % status1)
        log("status 2: %s" % status2)
        failures = []
        t1, t2 = parse_t(status1), parse_t(status2)
        if not args.no_time_check:
            if t1 is None or t2 is None:
                failures.append("status line has no model time 't = X ms' "
                                "(no welcome from the server?): %r" % status2)
            elif t2 > t1:
                log("model time advanced: %.1f -> %.1f ms" % (t1, t2))
            elif "run finished" in status2 and t2 > 0:
                log("run already finished at t = %.1f ms; accepted as time advance" % t2)
            else:
                failures.append("model time did not advance in 1 s of wall time "
                                "(t = %.1f -> %.1f ms): %r" % (t1, t2, status2))
        for word in ("error:", "disconnected"):
            if word in (status2 or ""):
                failures.append("status line reports a problem: %r" % status2)
                break

        # screenshot and spike pixels
        rect = await cdp.evaluate("JSON.stringify(window.spikeqLive.rasterRect())")
        rect = json.loads(rect) if rect else None
        n_pops = await cdp.evaluate("window.spikeqLive.state.pops.length") or 0
        page_colours = await cdp.evaluate("window.spikeqLive.colours") or []
        ours = ["#%02x%02x%02x" % c for c in SPIKE_COLOURS]
        if [c.lower() for c in page_colours] != ours:
            failures.append("page colours %s differ from SPIKE_COLOURS %s: update one of them"
                            % (page_colours, ours))
        shot = await cdp.call("Page.captureScreenshot", timeout=10.0, format="png",
                              captureBeyondViewport=False)
        png = base64.b64decode(shot["data"])
        out_dir = os.path.dirname(os.path.abspath(args.screenshot))
        os.makedirs(out_dir, exist_ok=True)
        with open(args.screenshot, "wb") as f:
            f.write(png)
        log("screenshot: %s (%d bytes)" % (args.screenshot, len(png)))
        if not rect:
            failures.append("the page has not drawn its raster (no plot area)")
        else:
            box = (rect["x"], rect["y"], rect["w"], rect["h"])
            total, per = count_spike_pixels(png, box, n_pops or len(SPIKE_COLOURS))
            log("raster area x=%d y=%d w=%d h=%d: %d spike-coloured pixels %s (need >= %d)"
                % (box[0], box[1], box[2], box[3], total, per, args.min_pixels))
            if total < args.min_pixels:
                failures.append("only %d spike-coloured pixels in the raster (need >= %d); "
                                "see %s" % (total, args.min_pixels, args.screenshot))
        if failures:
            msgs = cdp.console_messages()
            if msgs:
                failures.append("browser console:\n" + "\n".join("  " + m for m in msgs[-15:]))
            raise Failure("\n".join(failures))
    finally:
        try:
            await asyncio.wait_for(cdp.close(), 2.0)
        except Exception:
            pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="page URL, e.g. http://127.0.0.1:PORT/ (?token=T allowed)")
    ap.add_argument("--screenshot", required=True, help="where to write the PNG screenshot")
    ap.add_argument("--min-pixels", type=int, default=50, help="spike-coloured pixels required (default 50)")
    ap.add_argument("--wait", type=float, default=3.0,
                    help="wall seconds between page load and screenshot (default 3)")
    ap.add_argument("--timeout", type=float, default=30.0, help="overall limit in seconds (default 30)")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--no-time-check", action="store_true",
                    help="do not require the model time to advance (e.g. lockstep runs)")
    args = ap.parse_args(argv)

    chrome = Chromium(args.chromium)
    try:
        asyncio.run(asyncio.wait_for(run_test(args, chrome), args.timeout))
    except asyncio.TimeoutError:
        print("browser_raster_test: FAIL: no result within %.0f s" % args.timeout, file=sys.stderr)
        return 1
    except Failure as e:
        print("browser_raster_test: FAIL: %s" % e, file=sys.stderr)
        return 1
    except (OSError, websockets.WebSocketException) as e:
        print("browser_raster_test: FAIL: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    finally:
        chrome.stop()
    print("browser_raster_test: PASS", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
