"""Run ``mguv train`` in a child process and turn its JSON-lines stdout into events (no Qt).

Why a process: a training crash (or a CUDA abort) cannot take the window down, and the GUI
thread never waits on PyTorch. Reader threads drain stdout/stderr into a queue; the owner calls
:meth:`TrainingProcess.poll` (e.g. from a GUI timer) and gets the events in order, ending with
one synthetic ``{"event": "exit", "status": ...}`` where status is ``done``, ``stopped``,
``paused``, ``error`` (the loop reported nan / oom / no_data), ``failed`` (the command refused its
arguments) or ``crashed`` (non-zero exit without a report; ``stderr`` holds the tail).

Stop and pause send SIGTERM (CTRL_BREAK on Windows): the loop saves a checkpoint and exits, so
``--resume`` continues exactly where it stopped.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from .exits import TrainExit

STDERR_LINES = 40


def train_command(data: str | Path, run_dir: str | Path, *, steps: int | None = None,
                  settings: dict | None = None, extra_sets: list[str] | None = None,
                  init_from: str | Path | None = None, resume: bool = False, device: str | None = None,
                  meter: tuple[int, int] | None = None) -> list[str]:
    """The argument list for ``mguv train``; ``settings`` become ``--set key=value``, ``meter`` ``--meter N/D``
    (what the model's config.json will say it writes)."""
    if getattr(sys, "frozen", False):  # a bundled app: the executable itself takes verbs
        cmd = [sys.executable, "train"]
    else:
        cmd = [sys.executable, "-u", "-m", "mguv_app", "train"]
    cmd += [str(data), "--out", str(run_dir)]
    if steps:
        cmd += ["--steps", str(int(steps))]
    for key, value in (settings or {}).items():
        cmd += ["--set", f"{key}={json.dumps(value)}"]
    for item in extra_sets or []:
        cmd += ["--set", item]
    if meter and not resume:
        cmd += ["--meter", f"{int(meter[0])}/{int(meter[1])}"]
    if init_from and not resume:
        cmd += ["--init-from", str(init_from)]
    if resume:
        cmd.append("--resume")
    if device:
        cmd += ["--device", device]
    return cmd


class TrainingProcess:
    def __init__(self, cmd: list[str], env: dict | None = None):
        self.cmd = cmd
        self.env = dict(os.environ if env is None else env)
        root = str(Path(__file__).resolve().parents[2])  # so `-m mguv_app` works from any cwd
        self.env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [self.env.get("PYTHONPATH")] if p])
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        self.proc: subprocess.Popen | None = None
        self.events: queue.Queue = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self.stop_requested: str | None = None  # "stop" | "pause"
        self.last_error: dict | None = None
        self.saw_done = self.saw_stopped = False
        self.status: str | None = None  # set once the process has exited and been reported
        self._readers: list[threading.Thread] = []
        self._exit_reported = False

    # ------------------------------------------------------------------ control
    def start(self) -> TrainingProcess:
        flags = subprocess.CREATE_NEW_PROCESS_GROUP if os.name == "nt" else 0
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     env=self.env, text=True, bufsize=1, creationflags=flags)
        for stream, fn in ((self.proc.stdout, self._read_stdout), (self.proc.stderr, self._read_stderr)):
            t = threading.Thread(target=fn, args=(stream,), daemon=True)
            t.start()
            self._readers.append(t)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal(self) -> None:
        if not self.running:
            return
        try:
            if os.name == "nt":
                self.proc.send_signal(signal.CTRL_BREAK_EVENT)
            else:
                self.proc.send_signal(signal.SIGTERM)
        except OSError:
            pass  # it exited meanwhile

    def stop(self) -> None:
        """Ask the run to save a checkpoint and end (the user is done with it)."""
        self.stop_requested = self.stop_requested or "stop"
        self._signal()

    def pause(self) -> None:
        """Same signal as stop; the run stays resumable (the caller resumes with ``--resume``)."""
        self.stop_requested = "pause"
        self._signal()

    def kill(self) -> None:
        if self.running:
            self.proc.kill()

    def wait(self, timeout: float | None = None) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    # ------------------------------------------------------------------ events
    def _read_stdout(self, stream) -> None:
        for line in stream:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
                if not isinstance(event, dict) or "event" not in event:
                    raise ValueError
            except ValueError:
                event = {"event": "log", "line": line}
            self.events.put(event)
        stream.close()

    def _read_stderr(self, stream) -> None:
        for line in stream:
            self.stderr_tail.append(line.rstrip("\n"))
        stream.close()

    def poll(self) -> list[dict]:
        """Every event that arrived since the last call (non-blocking); the last one is ``exit``."""
        out = []
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            self._note(event)
            out.append(event)
        if not self._exit_reported and self.proc is not None and self.proc.poll() is not None \
                and not any(t.is_alive() for t in self._readers):
            while not self.events.empty():  # lines that landed between the drain and the exit check
                event = self.events.get_nowait()
                self._note(event)
                out.append(event)
            self._exit_reported = True
            out.append(self._exit_event(self.proc.returncode))
        return out

    def _note(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "done":
            self.saw_done = True
        elif kind == "stopped":
            self.saw_stopped = True
        elif kind == "error":
            self.last_error = event

    def _exit_event(self, code: int) -> dict:
        tail = "\n".join(self.stderr_tail)
        if self.saw_done:
            status = "done"
        elif self.last_error is not None:
            status = "error"
        elif self.stop_requested and (self.saw_stopped or code in (0, -signal.SIGTERM)):
            status = "paused" if self.stop_requested == "pause" else "stopped"
        elif code == TrainExit.DATA and tail.strip().splitlines() and tail.strip().splitlines()[-1].startswith("mguv:"):
            status = "failed"
        else:
            status = "crashed"
        event = {"event": "exit", "status": status, "code": code, "stderr": tail}
        if status == "error":
            event["reason"] = self.last_error.get("reason")
            event["message"] = self.last_error.get("message", "")
        elif status == "failed":
            event["message"] = tail.strip().splitlines()[-1].removeprefix("mguv:").strip()
        elif status == "crashed":
            last = tail.strip().splitlines()[-1] if tail.strip() else "no error output"
            event["message"] = f"the training process ended unexpectedly (exit code {code}): {last}"
        self.status = status
        return event

    def iter_events(self, timeout: float = 120.0):
        """Blocking generator over events until ``exit`` (for scripts and tests)."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.poll():
                yield event
                if event["event"] == "exit":
                    return
            time.sleep(0.05)
        raise TimeoutError(f"training process gave no exit within {timeout} s")
