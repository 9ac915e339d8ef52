"""The ``mguv`` verbs against bad arguments and faults (issue 23): a clear one-line message and exit status 2,
or it works; never a traceback, never a silently clamped value, never minutes of work on an absurd request."""

import errno

import pytest

from mguv_app.cli import main
from mguv_app.cli.arguments import MAX_INPUT_BARS
from mguv_app.crash_log import log_path
from mguv_app.music import AbsurdTimingError, Melody, Note, read_midi, write_midi

from . import smf


@pytest.fixture
def tune(tmp_path):
    path = tmp_path / "tune.mid"
    write_midi(Melody([Note(i * 480, i * 480 + 400, 60 + i % 5, 90) for i in range(16)]), path)  # 4 bars
    return path


@pytest.mark.parametrize("verb, bad", [
    ("generate", ["--count", "0"]), ("generate", ["--count", "-1"]), ("generate", ["--temperature", "nan"]),
    ("generate", ["--temperature", "-1"]), ("generate", ["--qpm", "0"]), ("generate", ["--qpm", "-5"]),
    ("generate", ["--qpm", "nan"]), ("generate", ["--program", "999"]), ("generate", ["--seed", "-1"]),
    ("generate", ["--seed", "12345678901234567890"]), ("generate", ["--bars", "-4"]), ("generate", ["--bars", "0"]),
    ("generate", ["--bars", "100000"]), ("continue", ["--bars", "100000"]), ("interpolate", ["--steps", "100000"]),
    ("set", ["--bpm", "0"]), ("set", ["--bpm", "nan"]), ("set", ["--instrument", "-1"]),
    ("backing", ["--swing", "nan"]), ("backing", ["--swing", "5"]), ("vary", ["--count", "0"]),
    ("rewrite", ["--count", "1000"]), ("lofi", ["--temperature", "inf"]),
])
def test_an_absurd_argument_is_refused_before_anything_runs(verb, bad, tune, tmp_path, capsys):
    files = {"generate": [], "lofi": [], "interpolate": [str(tune), str(tune)], "rewrite": [str(tune), "--bars", "1"]}
    out = ["--out", str(tmp_path / "out")] if verb not in ("set",) else []
    before = tune.read_bytes()
    with pytest.raises(SystemExit) as refused:
        main([verb, *files.get(verb, [str(tune)]), *bad, *out])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and f"argument {bad[0]}" in err and "Traceback" not in err
    assert ("out of range" in err or "is not a number" in err) and not (tmp_path / "out").exists()
    assert tune.read_bytes() == before  # set wrote nothing (it used to clamp 0 BPM to 20)


def test_help_states_the_limits(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "bars per melody, 1-64" in text and "how many melodies, 1-16" in text and "0-2147483647" in text


def test_outputs_that_cannot_be_written_are_refused_before_the_model_runs(tune, tmp_path, capsys):
    existing = tmp_path / "existing.mid"
    existing.write_bytes(b"x")
    cases = [
        (["generate", "--out", str(existing)], "that is a file; give a folder"),
        (["continue", str(tune), "--out", str(tmp_path)], "that is a folder; give a file name"),
        (["interpolate", str(tune), str(tune), "--concat", str(existing / "x.mid")], "is a file, not a folder"),
        (["vary", str(tune), "--out", str(existing)], "that is a file"),
        (["rewrite", str(tune), "--bars", "2", "--out", str(tmp_path)], "that is a folder"),
        (["reconstruct", str(tune), "--out", str(existing / "x.mid")], "is a file, not a folder"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and err.count("\n") == 1, err


def test_rewrite_bars_past_the_melody_are_refused(tune, tmp_path, capsys):
    assert main(["rewrite", str(tune), "--bars", "999-1000", "--out", str(tmp_path / "x.mid")]) == 2
    assert "ends at bar 4" in capsys.readouterr().err and not (tmp_path / "x.mid").exists()


def test_a_melody_spanning_too_many_bars_is_refused_at_once(tmp_path, capsys):
    """A note past MAX_INPUT_BARS: a broken file, not a tune; the model verbs and backing refuse it before work."""
    far = (MAX_INPUT_BARS + 10) * 4 * 480
    long = tmp_path / "long.mid"
    long.write_bytes(smf.smf([smf.track(smf.note_events([(60, 0, 480), (62, far, far + 480)]), name="Melody")]))
    for argv in (["continue", str(long), "--out", str(tmp_path / "c.mid")],
                 ["reconstruct", str(long), "--out", str(tmp_path / "r.mid")],
                 ["backing", str(long), "--out", str(tmp_path / "b.mid")]):
        assert main(argv) == 2, argv
        said = capsys.readouterr()
        assert f"its notes span {MAX_INPUT_BARS + 11:,} bars" in said.out + said.err, argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.mid"]


def test_a_file_whose_notes_span_43700_bars_is_refused_on_open(tmp_path):
    """A mutated resolution made a tune span 43,700 bars: accompanying it took 45 s and 1 GB. Refused on open now
    (the window's Open too), with the importer's own message."""
    path = tmp_path / "span.mid"
    end = 43_700 * 4 * 96
    path.write_bytes(smf.smf([smf.track(smf.note_events([(60, 0, 96), (62, end, end + 96)]), name="Melody")], tpq=96))
    with pytest.raises(AbsurdTimingError, match="absurd timing: a note ends 43,700 bars in"):
        read_midi(path)


def test_a_failed_write_is_one_line_not_a_traceback(tiny_trained_model, tmp_path, capsys, monkeypatch):
    """A full disk when the file is flushed: the atomic write leaves nothing behind and the verb says why."""
    import mguv_app.fileio as fileio

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full)
    out = tmp_path / "out"
    assert main(["generate", "--model", str(tiny_trained_model), "--device", "cpu", "--bars", "2", "--count", "1",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "No space left on device" in err and "Traceback" not in err
    assert not list(out.iterdir())


def test_an_unexpected_fault_is_logged_and_reported_in_one_line(tune, capsys, monkeypatch):
    import mguv_app.cli.cmd_inspect as inspect_verb

    def boom(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(inspect_verb, "run", boom)
    assert main(["inspect", str(tune)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"mguv inspect: failed: RuntimeError: boom; the details are in {log_path()}"
    log = log_path().read_text()
    assert "Traceback (most recent call last)" in log and "RuntimeError: boom" in log and "mguv inspect" in log


def test_the_guard_lets_an_interrupt_through_as_status_130(tune, monkeypatch, capsys):
    import mguv_app.cli.cmd_inspect as inspect_verb

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(inspect_verb, "run", interrupted)
    assert main(["inspect", str(tune)]) == 130 and "interrupted" in capsys.readouterr().err
