"""Record: how exactly key presses land in a take, stamped on arrival against stamped after a busy window.

A player thread plays sixteenth notes at 120 BPM (125 ms apart) into the player, as a keyboard's port
thread calls back, while the player runs on a real-time null output (the audio clock a device gives).
Each press is stamped with ``Player.position_ticks`` two ways in the same run:

* ``on_arrival``: on the calling thread, as it arrives (what ``ui/recording_link.py`` and ``mguv record``
  do for a MIDI port);
* ``after_busy_gui``: handed to a consumer that, like a GUI thread repainting, is busy in 30 ms slices
  and stamps when it gets to the event (the baseline: stamping on the GUI thread).

Per way: the timing error against the intended onset (ms: mean, 95th percentile, max) and the share
of presses that input-quantize to the intended sixteenth (and 32nd). Also the live-note latency: from
``live_note_on`` to the first block that sounds it, on a hand-pumped sink (frames → ms).

Run: ``.venv/bin/python benchmarks/bench_record.py [--notes 64]``.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.audio import NullOutput, Player
from mguv_app.music.melody import TICKS_PER_QUARTER, Melody

QPM = 120.0
STEP = TICKS_PER_QUARTER // 4  # a sixteenth
BUSY_S = 0.030


def stamps(notes: int) -> dict:
    player = Player(output=NullOutput(44100, 256, realtime=True))
    player.set_melody(Melody(qpm=QPM))
    arrival, late = [], []
    inbox: queue.Queue = queue.Queue()
    done = threading.Event()

    def gui() -> None:  # busy in slices, stamps what waits when it gets to it
        while not done.is_set() or not inbox.empty():
            time.sleep(BUSY_S)
            while not inbox.empty():
                late.append((inbox.get(), player.position_ticks()))

    consumer = threading.Thread(target=gui, daemon=True)
    consumer.start()
    player.play(open_ended=True)
    t0 = time.perf_counter()
    start_tick = player.position_ticks()
    for i in range(notes):
        due = t0 + 0.25 + i * 60.0 / QPM / 4
        time.sleep(max(0.0, due - time.perf_counter()))
        arrival.append((i, player.position_ticks()))
        inbox.put(i)
    done.set()
    consumer.join()
    player.close()
    # the intended onset of press i: its due time on the player's clock, from where it was at t0
    first = start_tick + round(0.25 * QPM / 60 * TICKS_PER_QUARTER)

    ms_per_tick = 60_000.0 / (QPM * TICKS_PER_QUARTER)

    def errors(pairs) -> list[float]:
        return [(tick - (first + i * STEP)) * ms_per_tick for i, tick in pairs]

    offset = statistics.median(errors(arrival))  # the null sink's start-up offset, common to both ways

    def report(pairs) -> dict:
        errs = [e - offset for e in errors(pairs)]
        size = [abs(e) for e in errs]
        return {"mean_abs_ms": round(statistics.fmean(size), 2), "p95_abs_ms": round(float(np.percentile(size, 95)), 2),
                "max_abs_ms": round(max(size), 2), "mean_late_ms": round(statistics.fmean(errs), 2),
                "on_the_intended_16th": round(sum(abs(e) < STEP * ms_per_tick / 2 for e in errs) / len(errs), 3),
                "on_the_intended_32nd": round(sum(abs(e) < STEP * ms_per_tick / 4 for e in errs) / len(errs), 3)}

    return {"on_arrival": report(arrival), "after_busy_gui": report(late)}


def live_latency() -> dict:
    out = NullOutput(44100, 512, realtime=False, capture=True)
    player = Player(output=out)
    player.live_note_on(69, 100)  # the key goes down between two blocks: the next block sounds it
    out.pump(4096)
    audio = np.abs(out.captured()).max(axis=1)
    first = int(np.argmax(audio > 1e-3))
    player.close()
    return {"block_frames": 512, "first_sounding_frame": first, "ms_after_the_block_starts": round(first / 44.1, 2),
            "worst_case_ms": round((first + 512) / 44.1, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=64)
    args = ap.parse_args()
    result = {"qpm": QPM, "notes": args.notes, "busy_slice_ms": BUSY_S * 1000, **stamps(args.notes),
              "live_note": live_latency()}
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
