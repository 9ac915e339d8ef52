"""SoundFonts: discovery, and a clear typed error for every kind of unusable file."""

import struct

import pytest

from mguv_app.audio import (
    CorruptSoundFontError,
    MissingSoundFontError,
    NotSoundFontError,
    SoundFontError,
    Synth,
    check_soundfont,
    default_soundfont,
    find_soundfonts,
)
from mguv_app.audio.soundfonts import bundled_soundfont


def test_finds_installed_fonts_with_the_default_first():
    fonts = find_soundfonts()
    assert fonts and fonts[0] == default_soundfont()
    assert bundled_soundfont() is not None and bundled_soundfont().name == "TimGM6mb.sf2"
    assert len({f.resolve() for f in fonts}) == len(fonts)  # default-GM.sf2 symlink listed once
    for f in fonts:
        check_soundfont(f)


def test_env_var_overrides_the_default(monkeypatch):
    monkeypatch.setenv("MGUV_SOUNDFONT", str(bundled_soundfont()))
    assert default_soundfont() == bundled_soundfont()


def test_missing_file(tmp_path):
    with pytest.raises(MissingSoundFontError, match="does not exist"):
        check_soundfont(tmp_path / "nope.sf2")
    with pytest.raises(MissingSoundFontError, match="no SoundFont is installed"):
        check_soundfont(None)


def test_text_file_and_folder_are_not_soundfonts(tmp_path):
    txt = tmp_path / "readme.sf2"
    txt.write_text("hello, I am not a SoundFont\n")
    with pytest.raises(NotSoundFontError, match="RIFF 'sfbk'"):
        check_soundfont(txt)
    with pytest.raises(NotSoundFontError, match="folder"):
        check_soundfont(tmp_path)


def test_empty_and_truncated_files_are_corrupt(tmp_path):
    empty = tmp_path / "empty.sf2"
    empty.write_bytes(b"")
    with pytest.raises(CorruptSoundFontError, match="empty"):
        check_soundfont(empty)
    cut = tmp_path / "cut.sf2"
    cut.write_bytes(bundled_soundfont().read_bytes()[:50_000])
    with pytest.raises(CorruptSoundFontError, match="truncated"):
        check_soundfont(cut)


def test_garbage_with_a_valid_header_is_caught_by_fluidsynth(tmp_path):
    body = b"sfbk" + bytes(range(256)) * 40
    bad = tmp_path / "garbage.sf2"
    bad.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(CorruptSoundFontError, match="could not load"):
        Synth(bad)


def test_failed_switch_keeps_the_previous_font(tmp_path):
    bad = tmp_path / "bad.sf3"
    bad.write_text("nope")
    with Synth(bundled_soundfont()) as synth:
        with pytest.raises(SoundFontError) as err:
            synth.load_soundfont(bad)
        assert str(bad) in str(err.value) and "\n" not in str(err.value)
        assert synth.soundfont == bundled_soundfont()
        synth.program_select(0, 0)
        synth.note_on(0, 60, 100)
        assert abs(synth.render(4410)).max() > 0.01  # still sounds
