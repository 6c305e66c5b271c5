#!/usr/bin/python3
"""A two-armed bandit learned by a spiking network in closed loop (issue 13).

The agent talks to ``spikeq run examples/live_bandit.textproto --serve ... --mode
lockstep`` over the live WebSocket protocol (docs/formats/live.md, with
python/spikeq_live.py). Each trial:

1. it sends a Poisson burst on the ``cue`` population (each cue neuron at
   ``--cue-rate`` Hz for ``--cue-ms`` ms, times drawn from the seeded RNG and given
   explicitly as ``times_ms`` within the coming trial); on an exploration trial
   (probability ``--epsilon``) it also sets the live current ``explore_a`` or
   ``explore_b`` during the cue, so that the explored arm's population fires;
2. it steps the response window (``--step-ms``, one lockstep step) and counts the
   spikes of ``motor_a`` and ``motor_b`` in it; the arm whose population fired more
   is the choice (a tie is broken by the RNG);
3. it draws the reward of that arm (the good arm, ``--good-arm``, pays 1 with
   probability ``--p-good``, the other with ``--p-bad``) and releases
   ``--da-scale * (reward - baseline)`` on the live ``dopamine`` channel at the end
   of the response window. The baseline is fixed (``--baseline 0.5``, the mean
   reward of a random choice; default) or, with ``--baseline running``, a running
   average of the rewards (``b += --baseline-alpha * (r - b)``, from 0.5), taken
   before the trial's reward is added;
4. it steps the inter-trial gap (``--gap-ms``), in which the dopamine meets the
   eligibility traces that the trial's pre/post pairings left on the plastic
   cue -> motor synapses (``dopamine_stdp``) and the weights change.

After the last trial the run ends (at the network's t_stop) or the agent sends
``stop``. It prints the learning curve (fraction of good-arm choices per block of
``--block`` trials), writes it with every trial to ``--curve`` (JSON) and draws
``--figure`` (PNG; matplotlib Agg): the learning curve with chance, and the mean
plastic weight onto motor_a and motor_b over the trials, read from the recording
(h5py) after the run.

Modes:
  --url HOST:PORT            connect to a running server (started with --mode lockstep
                             and --step-ms equal to this agent's --step-ms); pass
                             --output OUT.h5 too (the server's output) for the figure's
                             weight panel.
  --spikeq BIN --network NET --output OUT.h5
                             start ``BIN run NET -o OUT.h5 --serve 127.0.0.1:0
                             --port-file F --mode lockstep --step-ms S`` itself, run
                             the task, and wait for spikeq to exit.

Exit status: 0; 1 when spikeq or the connection fails; 2 for bad arguments;
3 when ``--require-learning X`` is given and the fraction of good-arm choices in
the last 100 trials (or the last half, with fewer than 200 trials) is below X.

Example (docs/live_bandit.md):
  /usr/bin/python3 examples/live_bandit_agent.py --spikeq build/release/tools/spikeq \\
      --network examples/live_bandit.textproto --output out/bandit.h5 \\
      --curve out/bandit_curve.json --figure out/bandit.png
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
import spikeq_live  # noqa: E402

ARMS = ("A", "B")
MOTOR = {"A": "motor_a", "B": "motor_b"}
EXPLORE = {"A": "explore_a", "B": "explore_b"}
PROJECTION = {"A": "cue_to_a", "B": "cue_to_b"}


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Two-armed bandit agent for examples/live_bandit.textproto "
                    "(spikeq live I/O, lockstep mode).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    src = p.add_argument_group("server")
    src.add_argument("--url", help="connect to a running server (HOST:PORT or "
                     "ws://HOST:PORT/live)")
    src.add_argument("--token-file", help="file holding the server's token")
    src.add_argument("--spikeq", help="start this spikeq binary with --serve")
    src.add_argument("--network", help="network file (with --spikeq)")
    src.add_argument("--output", help="spikeq's output HDF5 file (written by "
                     "spikeq; with --url, read for the figure)")
    src.add_argument("--net-seed", type=int, help="--seed passed to spikeq "
                     "(default: the network file's)")
    src.add_argument("--threads", type=int, default=1, help="--threads for spikeq")
    task = p.add_argument_group("task")
    task.add_argument("--seed", type=int, default=1, help="agent RNG seed (cue "
                      "spikes, exploration, ties, rewards)")
    task.add_argument("--trials", type=int, default=300)
    task.add_argument("--good-arm", choices=ARMS, default="A")
    task.add_argument("--p-good", type=float, default=0.8)
    task.add_argument("--p-bad", type=float, default=0.2)
    task.add_argument("--step-ms", type=float, default=50.0,
                      help="response window = one lockstep step (ms)")
    task.add_argument("--gap-ms", type=float, default=150.0,
                      help="inter-trial gap after the release (ms; whole steps)")
    task.add_argument("--cue-ms", type=float, default=25.0)
    task.add_argument("--cue-rate", type=float, default=100.0, help="Hz per cue neuron")
    task.add_argument("--cue-delay-ms", type=float, default=1.0,
                      help="the burst starts this long after the trial's start")
    task.add_argument("--epsilon", type=float, default=0.05,
                      help="probability of an exploration trial")
    task.add_argument("--explore-pA", type=float, default=400.0,
                      help="live current into the explored arm during the cue (pA)")
    task.add_argument("--baseline", default="0.5",
                      help="reward baseline: a number, or 'running'")
    task.add_argument("--baseline-alpha", type=float, default=0.05)
    task.add_argument("--da-scale", type=float, default=1.0,
                      help="dopamine released per unit of (reward - baseline)")
    out = p.add_argument_group("output")
    out.add_argument("--block", type=int, default=25)
    out.add_argument("--curve", help="write the learning curve (JSON)")
    out.add_argument("--figure", help="write the figure (PNG)")
    out.add_argument("--require-learning", type=float, metavar="X",
                     help="exit 3 when the good-arm fraction of the last 100 "
                     "trials is below X")
    out.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    if (a.url is None) == (a.spikeq is None):
        p.error("give either --url or --spikeq (with --network and --output)")
    if a.spikeq and not (a.network and a.output):
        p.error("--spikeq needs --network and --output")
    if a.baseline != "running":
        try:
            float(a.baseline)
        except ValueError:
            p.error("--baseline must be a number or 'running'")
    if a.trials < 1 or a.block < 1:
        p.error("--trials and --block must be positive")
    return a


# --------------------------------------------------------------------------------------
# spikeq as a child process
# --------------------------------------------------------------------------------------
class Server:
    """``spikeq run ... --serve 127.0.0.1:0 --mode lockstep`` as a child process."""

    def __init__(self, a):
        self.dir = tempfile.TemporaryDirectory(prefix="spikeq_bandit_")
        self.port_file = Path(self.dir.name) / "port"
        self.log_path = Path(self.dir.name) / "spikeq.log"
        cmd = [a.spikeq, "run", a.network, "-o", a.output,
               "--serve", "127.0.0.1:0", "--port-file", str(self.port_file),
               "--mode", "lockstep", "--step-ms", repr(a.step_ms),
               "--threads", str(a.threads)]
        if a.net_seed is not None:
            cmd += ["--seed", str(a.net_seed)]
        if a.output and os.path.dirname(a.output):
            os.makedirs(os.path.dirname(a.output), exist_ok=True)
        self.cmd = cmd
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def wait_port(self, timeout=120.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"spikeq exited with code {self.proc.returncode} "
                                   f"before serving")
            try:
                text = self.port_file.read_text().strip()
                if text:
                    return int(text)
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.02)
        raise TimeoutError(f"spikeq wrote no port file within {timeout} s")

    def wait(self, timeout=120.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"spikeq did not exit within {timeout} s") from None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def close(self):
        self.kill()
        self.log.close()
        self.dir.cleanup()


# --------------------------------------------------------------------------------------
# The task
# --------------------------------------------------------------------------------------
def run_task(live, a, say):
    """Run ``a.trials`` trials on a connected LiveSession; returns the trial list."""
    w = live.welcome
    if w.get("mode") != "lockstep":
        raise RuntimeError(f"the server runs in {w.get('mode')!r} mode; the bandit "
                           f"needs --mode lockstep")
    step_ms = float(w["step_ms"])
    if abs(step_ms - a.step_ms) > 1e-9:
        raise RuntimeError(f"the server steps {step_ms} ms, the agent expects "
                           f"--step-ms {a.step_ms}")
    gap_steps = a.gap_ms / step_ms
    if a.gap_ms < 0 or abs(gap_steps - round(gap_steps)) > 1e-9:
        raise RuntimeError(f"--gap-ms {a.gap_ms} is not a whole number of "
                           f"{step_ms} ms steps")
    trial_ms = a.step_ms + a.gap_ms
    t_stop = float(w["t_stop_ms"])
    t_begin = float(w["t_ms"])
    if t_begin + a.trials * trial_ms > t_stop + 1e-9:
        raise RuntimeError(f"{a.trials} trials of {trial_ms} ms from t = {t_begin} ms "
                           f"do not fit before t_stop = {t_stop} ms")
    n_cue = live.population("cue")["size"]
    for name in ("motor_a", "motor_b"):
        live.population(name)
    have_explore = all(s in live.currents for s in EXPLORE.values())
    if a.epsilon > 0 and not have_explore:
        raise RuntimeError("--epsilon > 0 needs the live currents explore_a and "
                           "explore_b in the network")
    live.subscribe(["motor_a", "motor_b"])

    rng = np.random.default_rng(a.seed)
    p_reward = {a.good_arm: a.p_good,
                ("B" if a.good_arm == "A" else "A"): a.p_bad}
    running = a.baseline == "running"
    baseline = 0.5 if running else float(a.baseline)
    trials = []
    ended = None
    for k in range(a.trials):
        t0 = live.t_ms
        # The trial's random numbers, drawn in a fixed order whatever happens.
        u_explore, u_arm, u_tie, u_reward = rng.random(4)
        n_spikes = rng.poisson(a.cue_rate * a.cue_ms / 1000.0, size=n_cue)
        neurons = np.repeat(np.arange(n_cue), n_spikes)
        offsets = rng.random(len(neurons)) * a.cue_ms
        order = np.argsort(offsets, kind="stable")
        times = np.round(t0 + a.cue_delay_ms + offsets[order], 3)  # whole µs
        neurons = neurons[order]
        # A neuron spikes at most once per tick (the source merges duplicates):
        # drop the rare pair that rounding put on one microsecond.
        dup = np.zeros(len(times), bool)
        if len(times) > 1:
            key = np.lexsort((times, neurons))
            same = (np.diff(neurons[key]) == 0) & (np.diff(times[key]) == 0)
            dup[key[1:][same]] = True
        times, neurons = times[~dup], neurons[~dup]
        explored = None
        if a.epsilon > 0 and u_explore < a.epsilon:
            explored = ARMS[int(u_arm * 2)]
        if len(neurons):
            live.send_spikes("cue", neurons, times)
        if explored is not None:
            src = EXPLORE[explored]
            live.set_current(src, a.explore_pA, time_ms=t0 + a.cue_delay_ms)
            live.set_current(src, 0.0, time_ms=t0 + a.cue_delay_ms + a.cue_ms)
        try:
            t1, spikes = live.step()                      # the response window
        except spikeq_live.LiveEnded as e:
            raise RuntimeError(f"the run ended during trial {k} ({e.reason}, "
                               f"t = {e.t_ms} ms)") from None
        counts = {arm: spikes.count(MOTOR[arm]) for arm in ARMS}
        if counts["A"] != counts["B"]:
            choice = "A" if counts["A"] > counts["B"] else "B"
            tie = False
        else:
            choice = ARMS[int(u_tie * 2)]
            tie = True
        reward = 1.0 if u_reward < p_reward[choice] else 0.0
        rpe = reward - baseline
        amount = a.da_scale * rpe
        live.release("dopamine", amount, time_ms=t1)
        trials.append({
            "trial": k, "t_ms": t0, "choice": choice, "good": choice == a.good_arm,
            "tie": tie, "explored": explored, "reward": reward,
            "baseline": baseline, "dopamine": amount,
            "spikes": {"motor_a": counts["A"], "motor_b": counts["B"]},
            "cue_spikes": int(len(neurons)),
        })
        if running:
            baseline += a.baseline_alpha * (reward - baseline)
        if a.gap_ms > 0:
            try:
                live.step(a.gap_ms)                       # dopamine meets eligibility
            except spikeq_live.LiveEnded as e:
                if k != a.trials - 1:
                    raise RuntimeError(f"the run ended during trial {k} "
                                       f"({e.reason}, t = {e.t_ms} ms)") from None
                ended = {"t_ms": e.t_ms, "reason": e.reason}
        if not a.quiet and (k + 1) % a.block == 0:
            blk = trials[-a.block:]
            say(f"trials {k + 2 - a.block:3d}-{k + 1:3d}: good arm "
                f"{np.mean([t['good'] for t in blk]):.2f}, reward "
                f"{np.mean([t['reward'] for t in blk]):.2f}")
    if ended is None:
        if live.ended is None:
            live.stop()                                   # waits for `end`
        ended = live.ended
    return trials, ended


def summarise(trials, a):
    good = np.array([t["good"] for t in trials], dtype=float)
    n = len(trials)
    blocks = []
    for s in range(0, n, a.block):
        e = min(n, s + a.block)
        blocks.append({"first_trial": s, "last_trial": e - 1,
                       "fraction_good": float(good[s:e].mean()),
                       "mean_reward": float(np.mean([t["reward"]
                                                     for t in trials[s:e]]))})
    window = 100 if n >= 200 else max(1, n // 2)
    return {
        "blocks": blocks,
        "window": window,
        "first_fraction_good": float(good[:window].mean()),
        "last_fraction_good": float(good[-window:].mean()),
        "mean_reward": float(np.mean([t["reward"] for t in trials])),
        "explorations": int(sum(t["explored"] is not None for t in trials)),
        "ties": int(sum(t["tie"] for t in trials)),
    }


# --------------------------------------------------------------------------------------
# Weights from the recording, and the figure
# --------------------------------------------------------------------------------------
def read_weights(path):
    """Mean weight onto motor_a and motor_b over time from /report/cue_to_*."""
    import h5py
    out = {}
    with h5py.File(path, "r") as f:
        for arm, proj in PROJECTION.items():
            g = f.get(f"report/{proj}")
            if g is None:
                return None
            data = g["data"][:].astype(np.float64)
            start, stop, step = g["mapping/time"][:]
            t = start + step * np.arange(data.shape[0])
            final = f[f"edges/{proj}/0/syn_weight"][:]
            out[arm] = {"t_ms": t, "mean": data.mean(axis=1),
                        "p10": np.percentile(data, 10, axis=1),
                        "p90": np.percentile(data, 90, axis=1),
                        "final_mean": float(np.mean(final))}
    return out


def wait_for_file(path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.1)
    return False


def draw_figure(path, trials, summary, weights, a, trial_ms):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(trials)
    good = np.array([t["good"] for t in trials], dtype=float)
    x = np.arange(n)
    fig, axes = plt.subplots(3, 1, figsize=(7.5, 8.2), sharex=True,
                             gridspec_kw={"height_ratios": [2.2, 0.9, 2.0]})
    bad = "B" if a.good_arm == "A" else "A"

    ax = axes[0]
    centres = [(b["first_trial"] + b["last_trial"]) / 2 for b in summary["blocks"]]
    fr = [b["fraction_good"] for b in summary["blocks"]]
    ax.axhline(0.5, color="0.5", ls="--", lw=1, label="chance")
    if n >= a.block:
        kernel = np.ones(a.block) / a.block
        ma = np.convolve(good, kernel, mode="valid")
        ax.plot(np.arange(a.block - 1, n), ma, color="C0", lw=0.8, alpha=0.45,
                label=f"running mean of {a.block} trials (at its last trial)")
    ax.plot(centres, fr, "o-", color="C0", lw=1.8, ms=5,
            label=f"blocks of {a.block} trials")
    ax.set_ylim(0, 1.04)
    ax.set_ylabel(f"fraction choosing\nthe good arm ({a.good_arm})")
    ax.set_title(f"Two-armed bandit in closed loop: arm {a.good_arm} pays with "
                 f"p = {a.p_good:g}, arm {bad} with p = {a.p_bad:g} "
                 f"(agent seed {a.seed})", fontsize=10)
    ax.text(0.99, 0.04, f"first {summary['window']} trials: "
            f"{summary['first_fraction_good']:.2f}\nlast {summary['window']} trials: "
            f"{summary['last_fraction_good']:.2f}", transform=ax.transAxes,
            ha="right", va="bottom", fontsize=9)
    ax.legend(loc="lower left", fontsize=8, frameon=False)

    ax = axes[1]
    choice_y = np.array([1.0 if t["choice"] == "A" else 0.0 for t in trials])
    rew = np.array([t["reward"] for t in trials]) > 0
    exp_ = np.array([t["explored"] is not None for t in trials])
    ax.scatter(x[rew], choice_y[rew], marker="|", s=60, color="k", lw=1,
               label="rewarded")
    ax.scatter(x[~rew], choice_y[~rew], marker="|", s=60, color="0.7", lw=1,
               label="not rewarded")
    if exp_.any():
        ax.scatter(x[exp_], np.where(choice_y[exp_] > 0, 1.3, -0.3), marker="v",
                   s=12, color="C3", label="exploration trial", zorder=3)
    ax.set_yticks([0, 1], ["B", "A"])
    ax.set_ylim(-0.55, 1.55)
    ax.set_ylabel("choice")
    ax.legend(loc="center right", fontsize=7, frameon=False,
              bbox_to_anchor=(1.0, 0.5))

    ax = axes[2]
    if weights is not None:
        for arm, col in (("A", "C1"), ("B", "C2")):
            wv = weights[arm]
            tt = (wv["t_ms"] - trials[0]["t_ms"]) / trial_ms
            lab = f"cue → motor_{arm.lower()}" + (" (good arm)" if arm == a.good_arm
                                                  else "")
            ax.plot(tt, wv["mean"], color=col, lw=1.8, label=lab + " mean")
            ax.fill_between(tt, wv["p10"], wv["p90"], color=col, alpha=0.18, lw=0,
                            label="10th–90th percentile of its synapses")
        ax.set_ylabel("weight (pA)")
        ax.legend(loc="center left", fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, "no recording (pass --output)", ha="center",
                transform=ax.transAxes)
    ax.set_xlabel(f"trial ({trial_ms:g} ms each)")
    ax.set_xlim(-1, n)
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    fig.align_ylabels(axes)
    fig.tight_layout()
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)


# --------------------------------------------------------------------------------------
def main(argv=None):
    a = parse_args(argv)
    say = (lambda *s: None) if a.quiet else (lambda *s: print(*s, flush=True))
    token = Path(a.token_file).read_text().strip() if a.token_file else None
    server = None
    wall0 = time.monotonic()
    status = 0
    try:
        if a.spikeq:
            server = Server(a)
            port = server.wait_port()
            url = f"127.0.0.1:{port}"
            say(f"spikeq serving on {url} (pid {server.proc.pid})")
        else:
            url = a.url
        t_connect = time.monotonic()
        with spikeq_live.LiveSession(url, token=token) as live:
            try:
                trials, ended = run_task(live, a, say)
            except BaseException:
                # End the run cleanly (it is written as stopped here) rather than
                # leave spikeq waiting for a step; the agent still fails.
                if live.ended is None:
                    try:
                        live.stop(timeout=10)
                    except Exception:
                        pass
                raise
        t_task = time.monotonic() - t_connect
        if server is not None:
            rc = server.wait()
            if rc != 0:
                print(f"spikeq failed (exit code {rc}):\n{server.output()}",
                      file=sys.stderr)
                return 1
            if not a.quiet:
                sys.stdout.write(server.output())
    except (spikeq_live.LiveError, RuntimeError, TimeoutError, OSError) as e:
        print(f"live_bandit_agent: {e}", file=sys.stderr)
        if server is not None:
            try:
                rc = server.proc.wait(10)     # after a stop, spikeq ends by itself
            except subprocess.TimeoutExpired:
                server.kill()
                rc = server.proc.returncode
            print(f"spikeq exit code {rc}; its output:\n{server.output()}",
                  file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.close()

    s = summarise(trials, a)
    trial_ms = a.step_ms + a.gap_ms
    say(f"{len(trials)} trials in {t_task:.1f} s ({1000 * t_task / len(trials):.1f} ms "
        f"per trial); run ended at t = {ended and ended.get('t_ms')} ms "
        f"({ended and ended.get('reason')})")
    print("learning curve (fraction of good-arm choices per block of "
          f"{a.block} trials):")
    print("  " + " ".join(f"{b['fraction_good']:.2f}" for b in s["blocks"]))
    print(f"good arm {a.good_arm}: first {s['window']} trials {s['first_fraction_good']:.2f}, "
          f"last {s['window']} trials {s['last_fraction_good']:.2f}; mean reward "
          f"{s['mean_reward']:.3f}; {s['explorations']} explorations, {s['ties']} ties")

    weights = None
    if a.output and (a.figure or a.curve):
        if wait_for_file(a.output, 5 if a.spikeq else 60):
            weights = read_weights(a.output)
        else:
            print(f"live_bandit_agent: {a.output} did not appear; no weights",
                  file=sys.stderr)
    if weights is not None:
        say("mean weight (pA) initial -> final: " + ", ".join(
            f"cue_to_{arm.lower()} {weights[arm]['mean'][0]:.2f} -> "
            f"{weights[arm]['final_mean']:.2f}" for arm in ARMS))
    if a.curve:
        doc = {
            "config": {k: v for k, v in vars(a).items()
                       if k not in ("token_file",)},
            "trial_ms": trial_ms,
            "summary": {k: v for k, v in s.items() if k != "blocks"},
            "blocks": s["blocks"],
            "trials": trials,
            "end": ended,
            "wall_s": time.monotonic() - wall0,
        }
        if weights is not None:
            doc["weights"] = {f"cue_to_{arm.lower()}": {
                "initial_mean": float(weights[arm]["mean"][0]),
                "final_mean": weights[arm]["final_mean"]} for arm in ARMS}
        if os.path.dirname(a.curve):
            os.makedirs(os.path.dirname(a.curve), exist_ok=True)
        with open(a.curve, "w") as f:
            json.dump(doc, f, indent=1)
    if a.figure:
        draw_figure(a.figure, trials, s, weights, a, trial_ms)
        say(f"figure: {a.figure}")
    say(f"wall time {time.monotonic() - wall0:.1f} s")
    if a.require_learning is not None and s["last_fraction_good"] < a.require_learning:
        print(f"live_bandit_agent: learning below requirement: last {s['window']} "
              f"trials chose the good arm {s['last_fraction_good']:.2f} < "
              f"{a.require_learning}", file=sys.stderr)
        status = 3
    return status


if __name__ == "__main__":
    sys.exit(main())
