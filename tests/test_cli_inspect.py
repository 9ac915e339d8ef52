import json
import subprocess
import sys

from mguv_app.cli import main
from mguv_app.music import Melody, Note, write_midi

from . import smf


def _folder(tmp_path):
    d = tmp_path / "songs"
    (d / "sub").mkdir(parents=True)
    write_midi(Melody([Note(0, 480, 60), Note(480, 960, 64)], qpm=90), d / "good.mid")
    (d / "sub" / "text.mid").write_text("not midi")
    (d / "empty.mid").write_bytes(b"")
    (d / "sub" / "drums.mid").write_bytes(smf.smf([smf.track(smf.note_events([(36, 0, 120)], channel=9))]))
    (d / "readme.txt").write_text("ignored: not a MIDI suffix")
    return d


def test_inspect_json_reports_every_file_and_exit_2(tmp_path, capsys):
    d = _folder(tmp_path)
    code = main(["inspect", str(d), "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 2
    by_name = {r["path"].split("/")[-1]: r for r in rows}
    assert set(by_name) == {"good.mid", "text.mid", "empty.mid", "drums.mid"}
    good = by_name["good.mid"]
    assert good["ok"] and good["melody"]["notes"] == 2 and good["melody"]["qpm"] == 90
    assert not by_name["empty.mid"]["ok"] and "empty" in by_name["empty.mid"]["error"]
    assert "drum" in by_name["drums.mid"]["error"]


def test_inspect_all_good_exits_0(tmp_path, capsys):
    p = tmp_path / "a.mid"
    write_midi(Melody([Note(0, 480, 60)]), p)
    assert main(["inspect", str(p)]) == 0
    assert "OK" in capsys.readouterr().out


def test_console_script_version_and_no_traceback_on_bad_file(tmp_path):
    out = subprocess.run([sys.executable, "-m", "mguv_app.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "MGU-V Studio" in out.stdout
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x09\x01\xe0")
    out = subprocess.run([sys.executable, "-m", "mguv_app.cli", "inspect", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "announces 9 tracks" in out.stdout
