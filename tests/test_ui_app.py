"""The window opens, loads a file, refuses a bad one without losing the current melody, screenshots."""

from mguv_app.music import Melody, Note, write_midi


def test_main_window_opens_file(qtbot, tmp_path):
    from ui.main_window import MainWindow

    p = tmp_path / "tune.mid"
    write_midi(Melody([Note(0, 480, 60), Note(480, 960, 62)]), p)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(str(p))
    assert len(w.melody.notes) == 2
    bad = tmp_path / "bad.mid"
    bad.write_text("nope")
    assert not w.open_path(str(bad))
    assert len(w.melody.notes) == 2  # nothing lost
    assert "text file" in w.statusBar().currentMessage()


def test_screenshot_writes_png(tmp_path):
    import subprocess
    import sys

    p = tmp_path / "tune.mid"
    write_midi(Melody([Note(0, 480, 60), Note(480, 960, 62)]), p)
    out = tmp_path / "shot.png"
    r = subprocess.run([sys.executable, "-m", "mguv_app.cli", "--screenshot", str(out), str(p)],
                       capture_output=True, text=True, timeout=120, env={**__import__("os").environ,
                                                                          "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
