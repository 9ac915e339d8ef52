"""A seeded slice of the mutation fuzz over open → save → reopen (``benchmarks/bench_song_fuzz.py``): no save of
a mutant the app opens may write a file it then refuses, raise, or reopen with another melody."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_song_fuzz.py"


@pytest.mark.slow
def test_no_mutant_song_saves_into_a_file_the_app_refuses():
    spec = importlib.util.spec_from_file_location("bench_song_fuzz", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.fuzz(150, seed=7)
    assert result["songs"] >= 30 and result["saves_reopened"] >= 300, result  # the fuzz reached the saves
    faults = {k: result[k] for k in ("unreadable_saves", "save_raised", "open_crashed", "locate_crashed",
                                     "melody_changed_by_save")}
    assert faults == dict.fromkeys(faults, 0), result["examples"]
