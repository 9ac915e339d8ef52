"""Every number a ``mguv`` verb takes is checked here, once, before anything is loaded.

The verbs give these as argparse ``type=``: an absurd value (``--count 0``, ``--temperature nan``,
``--seed -1``, ``--bars 100000``) is refused at once with argparse's usage line and exit status 2,
not met minutes later as a traceback or a silently clamped result. The limits are what a real use
needs with room to spare, and each verb's ``--help`` states them.
"""

from __future__ import annotations

import argparse
import math

# The Generate dock's own limits (bars 1-64, count 1-16, seed 0-2^31-1), so the CLI and the window agree. Bars past
# the model's 16 are continued 8 at a time, each round fitting a latent: measured on the busy 2-core dev machine, a
# 16-bar sample took 3 s and each further 8 bars 160 s, so even 64 bars is a long wait; a typo must not start more
MAX_BARS = 64  # bars a verb writes (generate, continue, record)
MAX_COUNT = 16  # files one run writes (generate, vary, rewrite)
MAX_STEPS = 64  # melodies of an interpolation, ends included
MAX_INPUT_BARS = 1024  # bars an input melody may span (about 34 minutes of 4/4 at 120 BPM): past that, a
# broken delta time or resolution rather than music, which would take minutes and gigabytes to accompany
MAX_SEED = 2**31 - 1
MAX_TEMPERATURE = 5.0  # the Generate dock goes to 2; past 5 a sample is noise
MIN_QPM, MAX_QPM = 20.0, 400.0  # the transport's BPM box (``NoteDocument.plan_properties``, the player)


class NumberIn:
    """An argparse ``type=``: a whole number (``kind=int``) or a finite number (``float``) from ``low`` to
    ``high``, else an ``ArgumentTypeError`` that says what is wanted."""

    def __init__(self, kind: type, low: float, high: float):
        self.kind, self.low, self.high = kind, low, high

    @property
    def span(self) -> str:
        """The range as help text shows it: "1-32", "0-5"."""
        number = "{:d}" if self.kind is int else "{:g}"
        return f"{number.format(self.low)}-{number.format(self.high)}"

    def __call__(self, text: str):
        try:
            value = self.kind(text)
        except ValueError:
            wanted = "a whole number" if self.kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {wanted} ({self.span})") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a number ({self.span})")
        if not self.low <= value <= self.high:
            raise argparse.ArgumentTypeError(f"{text} is out of range: give {self.span}")
        return value

    def __repr__(self) -> str:  # argparse names the type in some messages
        return "whole number" if self.kind is int else "number"


BARS = NumberIn(int, 1, MAX_BARS)
COUNT = NumberIn(int, 1, MAX_COUNT)
STEPS = NumberIn(int, 2, MAX_STEPS)
SEED = NumberIn(int, 0, MAX_SEED)
TEMPERATURE = NumberIn(float, 0.0, MAX_TEMPERATURE)
QPM = NumberIn(float, MIN_QPM, MAX_QPM)
PROGRAM = NumberIn(int, 0, 127)
FRACTION = NumberIn(float, 0.0, 1.0)  # vary --amount, set --humanize, lofi --anchor-strength
SWING = NumberIn(float, 0.5, 0.75)
TRAIN_STEPS = NumberIn(int, 1, 100_000_000)


def count_up_to(high: int, low: int = 1) -> NumberIn:
    """A whole number from ``low`` to ``high`` (``--repeats``, ``--steps`` of training, a track number)."""
    return NumberIn(int, low, high)


def number_in(low: float, high: float) -> NumberIn:
    return NumberIn(float, low, high)
