"""The standalone app: build.spec really builds, and the frozen program works with nothing but itself.

The slow tests build the bundle once (PyInstaller, ~5 min on 2 cores; reused while its inputs are
unchanged, see ``bundle``) and run the frozen ``mguv`` headless: ``--version``, ``generate`` to
MIDI files, ``render`` to a WAV judged by onsets and pitches, ``--screenshot``; and check what
went in (no CUDA, no GPL font, no Qt translations, the SoundFont and the notices). The fast tests
check the two pieces that make the frozen app find its own files: the FluidSynth runtime hook and
the SoundFont search.
"""

import ctypes.util
import os
import runpy
import struct
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from mguv_app import APP_NAME, __version__
from mguv_app.music import Melody, Note, read_midi, write_midi
from tests.audio_analysis import cents, midi_hz, onsets, pitch_hz

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 180


BUNDLE_INPUTS = ("build.spec", "packaging", "mguv_app", "ui", "resources")
BUNDLE_CACHE = ROOT / "build" / "test-bundle"


def bundle_key() -> str:
    """A digest of everything the frozen app is made of: the files build.spec collects, this Python and the
    installed distributions. Equal digests build equal bundles, so a second test run reuses the first's."""
    import hashlib
    import importlib.metadata

    h = hashlib.sha1(sys.version.encode())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    h.update("\n".join(dists).encode())
    for top in BUNDLE_INPUTS:
        path = ROOT / top
        for f in sorted([path] if path.is_file() else path.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The frozen executable, built from build.spec into ``build/test-bundle/<digest>/`` (~5 min on 2 cores)
    unless that folder already holds the build of these very inputs (``bundle_key``): a developer's second
    ``./dev.sh test`` does not build it again, and CI, on a fresh clone, always builds.
    ``MGUV_REBUILD_BUNDLE=1`` builds anyway. Only the newest build is kept (each is ~0.9 GB)."""
    import shutil

    key = bundle_key()
    home = BUNDLE_CACHE / key
    exe = home / "dist" / "mguv-studio" / "mguv"
    if os.environ.get("MGUV_REBUILD_BUNDLE") == "1" or not (home / "built").is_file():
        if BUNDLE_CACHE.exists():
            shutil.rmtree(BUNDLE_CACHE)
        cmd = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm", "--log-level", "WARN",
               "--distpath", str(home / "dist"), "--workpath", str(home / "work")]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)  # 14 min seen on a busy box
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        shutil.rmtree(home / "work", ignore_errors=True)
        (home / "built").write_text(key)  # written last: a build cut short is never reused
    assert exe.is_file() and os.access(exe, os.X_OK)
    shutil.rmtree(home / "dist" / "userdata", ignore_errors=True)  # every run starts with no user data
    return exe


def frozen(exe: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the frozen app with a private data dir, offscreen Qt, and nothing of the venv on the path."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    clean.update(QT_QPA_PLATFORM="offscreen", MGUV_DATA_DIR=str(exe.parent.parent / "userdata"), **env)
    clean["PATH"] = "/usr/bin:/bin"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          cwd=exe.parent.parent, env=clean)


@pytest.mark.slow
def test_frozen_version(bundle):
    r = frozen(bundle, "--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{APP_NAME} {__version__}"


@pytest.mark.slow
def test_bundle_contents(bundle):
    inside = bundle.parent / "_internal"
    names = [p.relative_to(inside).as_posix() for p in inside.rglob("*")]
    cuda = [n for n in names if any(k in n.rsplit("/", 1)[-1] for k in ("libcud", "libcublas", "libnccl",
                                                                          "libnvrtc", "torch_cuda", "c10_cuda"))]
    assert not cuda
    assert (inside / "resources" / "soundfonts" / "FluidR3_GM.sf2").stat().st_size > 100_000_000
    assert (inside / "libfluidsynth.so.3").is_file()
    assert not any(n.endswith("TimGM6mb.sf2") or "/translations/" in n or n.startswith("PySide6/Qt/qml")
                   for n in names)
    assert not any(n.rsplit("/", 1)[-1].startswith(("libQt6Qml", "libQt6Quick", "libQt6WebEngine"))
                   for n in names)
    assert "FluidR3_GM" in (inside / "THIRD_PARTY_NOTICES.md").read_text()
    assert any(n.startswith("resources/icons/mguv_") for n in names)


@pytest.mark.slow
def test_frozen_generate(bundle, tmp_path, request):
    default = ROOT / "resources" / "models" / "melody_16bar"
    has_default = (default / "config.json").is_file()
    model = [] if has_default else ["--model", str(request.getfixturevalue("tiny_trained_model"))]
    r = frozen(bundle, "generate", "--bars", "4", "--count", "2", "--seed", "7", "--out", str(tmp_path), *model)
    assert r.returncode == 0, r.stderr
    files = sorted(tmp_path.glob("sample_*.mid"))
    assert len(files) == 2
    for f in files:
        assert read_midi(f).melody.notes, f"{f.name} has no notes"


@pytest.mark.slow
def test_frozen_render_plays_the_notes(bundle, tmp_path):
    pitches = [60, 67, 72, 64]
    src = tmp_path / "in.mid"
    write_midi(Melody([Note(i * 480, i * 480 + 240, p) for i, p in enumerate(pitches)], qpm=120.0, program=80), src)
    out = tmp_path / "out.wav"
    r = frozen(bundle, "render", str(src), "--out", str(out), LD_DEBUG="files")
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"file={bundle.parent / '_internal' / 'libfluidsynth.so.3'} " in r.stderr  # ours, not the system's
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 44100)
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2).mean(axis=1) / 32768.0
    assert np.allclose(onsets(audio, 44100), [0.5 * i for i in range(len(pitches))], atol=0.01)
    for i, p in enumerate(pitches):
        seg = audio[int((0.5 * i + 0.03) * 44100): int((0.5 * i + 0.2) * 44100)]
        assert abs(cents(pitch_hz(seg, 44100), midi_hz(p))) < 20, f"note {i}"


@pytest.mark.slow
def test_frozen_screenshot(bundle, tmp_path):
    out = tmp_path / "shot.png"
    r = frozen(bundle, "--screenshot", str(out))
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 800 and height >= 500 and len(data) > 20_000


@pytest.mark.slow
def test_frozen_bad_input_is_a_message(bundle, tmp_path):
    bad = tmp_path / "bad.mid"
    bad.write_text("not midi")
    r = frozen(bundle, "render", str(bad), "--out", str(tmp_path / "x.wav"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "bad.mid" in r.stderr


def test_runtime_hook_points_pyfluidsynth_at_the_bundled_library(tmp_path, monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", ctypes.util.find_library)  # restored afterwards
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    system_c = ctypes.util.find_library("c")
    lib = tmp_path / "libfluidsynth.so.3"
    lib.write_bytes(b"\x7fELF")
    runpy.run_path(str(ROOT / "packaging" / "rthook_fluidsynth.py"))
    for name in ("fluidsynth", "libfluidsynth", "fluidsynth-3", "libfluidsynth-3"):
        assert ctypes.util.find_library(name) == str(lib)
    assert ctypes.util.find_library("c") == system_c


def test_shipped_soundfont_is_found(tmp_path, monkeypatch):
    from mguv_app.audio import find_soundfonts

    folder = tmp_path / "resources" / "soundfonts"
    folder.mkdir(parents=True)
    shipped = folder / "Shipped.sf2"
    shipped.write_bytes((ROOT / "tests" / "__init__.py").read_bytes())  # any file: discovery, not validity
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert shipped in find_soundfonts()
