"""Song form: forms parse into phrases with cadences, and Generate writes melodies whose phrases repeat,
vary and cadence as the form says (with the phrase model, and without one)."""

import numpy as np
import pytest

from mguv_app.generation.form import FULL, HALF, OPEN, FormError, default_form, fitted, parse_form
from mguv_app.music import PITCH_OFFSET, melody_to_events


def test_forms_parse_into_labelled_phrases_with_cadences():
    aaba = parse_form("AABA")
    assert aaba.preview == "A A B A" and aaba.bars == 16 and aaba.text == "AABA"
    assert [p.cadence for p in aaba.phrases] == [HALF, FULL, OPEN, FULL]  # a period, then the close
    assert [p.first for p in aaba.phrases] == [True, False, True, False]
    varied = parse_form("A A' B A''", 8)
    assert varied.preview == "A A' B A''" and [p.primes for p in varied.phrases] == [0, 1, 0, 2] and varied.bars == 32
    assert parse_form("a-a’-b-a").text == "AA'BA"  # dashes, typographic primes and lower case are read
    assert parse_form("verse-chorus").preview == "A B A B C B"
    assert [p.cadence for p in parse_form("ABAC").phrases] == [OPEN, OPEN, OPEN, FULL]
    assert parse_form("free") is None and parse_form("") is None
    assert parse_form("ABAC").source_of(2) == 0


@pytest.mark.parametrize("text, words", [("AAB4", "'4' is not a phrase label"), ("A?BA", "'?'"),
                                         ("A" * 33, "at most 32 phrases")])
def test_a_bad_form_string_says_what_is_wrong(text, words):
    with pytest.raises(FormError, match=words.replace("?", r"\?")):
        parse_form(text)
    with pytest.raises(FormError, match="1, 2, 4, 8 or 16 bars"):
        parse_form("AABA", 3)


def test_default_forms_by_length_and_a_form_longer_than_the_melody():
    assert default_form(8).preview == "A A'" and default_form(16).preview == "A B A C"
    assert default_form(32).phrase_bars == 8 and default_form(4) is None and default_form(10) is None
    with pytest.raises(FormError, match="16 bars long, the melody 8"):
        fitted(parse_form("AABA"), 8)


def test_a_phrase_that_runs_on_is_closed_on_a_strong_beat():
    """The model's phrases mostly end on an 8th on the last off-beat (they were cut from longer songs):
    closing keeps the last bar up to beat 1 or 3 and holds the tonic nearest the line there."""
    from mguv_app.generation.song_form import closings, lands, range_score
    from mguv_app.music.events import HOLD, NOTE_OFF

    p = lambda pitch: PITCH_OFFSET + pitch
    bar = [p(64), HOLD, p(65), HOLD, p(67), HOLD, HOLD, HOLD, p(69), HOLD, p(67), HOLD, p(65), HOLD, p(62), HOLD]
    phrase = np.array([p(60)] + [HOLD] * 15 + bar, np.int64)  # 2 bars of 4/4 in C, ending on D5 at step 14
    assert not lands(phrase, {0}, {0, 8}, 16)
    closed = closings(phrase, {0}, {0, 8}, 16)
    # beat 1 or 3, the nearest C or the one on the other side, held to the end or stopping a beat before it
    assert len(closed) == 8
    ends = {}
    for c in closed:
        np.testing.assert_array_equal(c[:16], phrase[:16])  # only the last bar changes
        at = int(np.flatnonzero(c >= PITCH_OFFSET)[-1])
        assert at in (16, 24) and (int(c[at]) - PITCH_OFFSET) % 12 == 0 and lands(c, {0}, {0, 8}, 16)
        np.testing.assert_array_equal(c[16:at], phrase[16:at])  # kept up to the closing note
        assert (c[at + 1:] == HOLD).all() or (c[28] == NOTE_OFF and (c[at + 1:28] == HOLD).all())
        ends.setdefault(at, []).append((int(c[at]) - PITCH_OFFSET, c[28] == NOTE_OFF))
    # on beat 3, after G5 (67): C6 (72, up a fourth) first, then C5 (60); each held, or a quarter and a beat's rest
    assert ends[24] == [(72, False), (72, True), (60, False), (60, True)]
    assert ends[16] == [(60, False), (60, True), (48, False), (48, True)]  # on beat 1, from the C5 the line left
    low = next(c for c in closed if c[16] == PITCH_OFFSET + 48)
    assert range_score(low, phrase) == -6.0 and range_score(closed[0], phrase) == 0.0  # an octave below the tune
    assert closings(np.full(32, HOLD, np.int64), {0}, {0, 8}, 16) == []  # nothing to close


def _bars(melody, spb=16):
    return melody_to_events(melody, 16 * spb).reshape(16, spb)


def _last_pitch_class(tokens):
    onsets = np.flatnonzero(tokens >= PITCH_OFFSET)
    return (int(tokens[onsets[-1]]) - PITCH_OFFSET) % 12, int(onsets[-1])


@pytest.mark.slow
@pytest.mark.parametrize("with_phrases", [True, False])
def test_generate_in_aaba_repeats_its_phrases_and_cadences(tiny_trained_model, tiny_phrase_model, with_phrases):
    from mguv_app.engine import TrainedModel
    from mguv_app.generation import generate_variations

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model if with_phrases else None)
    assert (tm.phrases is not None) == with_phrases
    res = generate_variations(tm, count=3, bars=16, temperature=1.0, seed=5, form="AABA")
    assert res.meta["form"] == "AABA" and all("A A B A" in m.name for m in res.melodies)
    for m, report in zip(res.melodies, res.meta["forms"], strict=True):
        bars = _bars(m)
        np.testing.assert_array_equal(bars[4:8], bars[12:16])  # the last A repeats the second exactly
        np.testing.assert_array_equal(bars[0:3], bars[4:7])  # the second is the first but for its cadence
        tonic = report["key"][0]
        pc, at = _last_pitch_class(bars.reshape(-1))
        assert pc == tonic  # the tune ends on its tonic
        pc_half, at_half = _last_pitch_class(bars[:4].reshape(-1))
        assert pc_half in {(tonic + 7) % 12, (tonic + 11) % 12, (tonic + 2) % 12}  # the first A on the dominant
        assert report["cadences"]["3"] in ("landed", "closed")  # a version that lands, or the phrase closed
        assert at % 16 in (0, 8) and at >= 15 * 16  # on a strong beat of the last bar...
        assert 16 * 16 - at >= 4  # ... and nothing starts for a quarter or more after it
    free = generate_variations(tm, count=3, bars=16, temperature=1.0, seed=5, form="free")
    assert free.meta["form"] == "free" and free.meta["forms"] == [None, None, None]


@pytest.mark.slow
def test_a_varied_repeat_keeps_its_first_half(tiny_trained_model, tiny_phrase_model):
    from mguv_app.engine import TrainedModel
    from mguv_app.generation import generate_variations

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    res = generate_variations(tm, count=4, bars=16, temperature=1.0, seed=2, form="AA'BA")
    changed = 0
    for m in res.melodies:
        bars = _bars(m)
        np.testing.assert_array_equal(bars[0:2], bars[4:6])
        changed += not np.array_equal(bars[2:4], bars[6:8])
    assert changed  # the variation moved something in at least one of them


@pytest.mark.slow
def test_forms_keep_working_in_the_rolls_key_and_over_chords(tiny_trained_model, tiny_phrase_model):
    from mguv_app.editing.scales import in_scale
    from mguv_app.engine import TrainedModel
    from mguv_app.generation import generate_variations

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    res = generate_variations(tm, count=2, bars=8, temperature=1.0, seed=4, form="default", key=(9, "Natural minor"))
    assert res.meta["form"] == "AA'"
    for m in res.melodies:
        assert m.notes[-1].pitch % 12 == 9  # the period closes on the roll's tonic, A
        assert np.mean([in_scale(n.pitch, 9, "Natural minor") for n in m.notes]) > 0.6
    chords = {t: c for t, c in zip(range(0, 8 * 1920, 960), ["C", "C", "F", "G"] * 3 + ["C", "G", "E", "E"],
                                   strict=False)}
    res = generate_variations(tm, count=2, bars=8, temperature=1.0, seed=4, form="AA'", chords=chords, candidates=4)
    for m in res.melodies:
        assert m.notes[-1].pitch % 12 in {4, 8, 11}  # over the chosen E in the last bar: one of its tones


@pytest.mark.slow
def test_cli_generates_in_a_form_and_refuses_a_bad_one(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.music import read_midi

    out = tmp_path / "form"
    assert mguv(["generate", "--model", str(tiny_trained_model), "--bars", "8", "--count", "2", "--seed", "3",
                 "--form", "AB", "--device", "cpu", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "form A B in 4-bar phrases" in said and "seed 3" in said
    assert len([read_midi(f).melody for f in out.glob("*.mid")]) == 2
    assert mguv(["generate", "--model", str(tiny_trained_model), "--bars", "8", "--form", "AABA", "--phrase-bars", "4",
                 "--device", "cpu", "--out", str(tmp_path / "bad")]) == 2
    assert "16 bars long, the melody 8" in capsys.readouterr().err
    assert mguv(["generate", "--model", str(tiny_trained_model), "--form", "A*B", "--device", "cpu",
                 "--out", str(tmp_path / "bad")]) == 2
    assert "not a phrase label" in capsys.readouterr().err and not (tmp_path / "bad").exists()


@pytest.mark.parametrize("answer", ["repeat", "answer"])
def test_continue_answers_a_phrase_with_its_repeat_or_a_consequent(tiny_trained_model, tiny_phrase_model, answer):
    from mguv_app.engine import TrainedModel
    from mguv_app.generation.jobs import continue_melody

    from .tiny_data import make_melody

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    prompt = make_melody(np.random.default_rng(3), 4)
    res = continue_melody(tm, prompt, bars=4, temperature=1.0, seed=1, answer=answer)
    out = res.melodies[0]
    assert out.notes[: len(prompt.notes)] == prompt.notes  # the prompt is kept exactly
    new = melody_to_events(out, 8 * 16)[4 * 16:]
    old = melody_to_events(prompt, 4 * 16)
    np.testing.assert_array_equal(new[:32], old[:32])  # both begin as the phrase began
    if answer == "repeat":
        np.testing.assert_array_equal(new[:48], old[:48])  # ... and a repeat changes at most its last bar
    tonic = res.meta["key"][0]
    pc, at = _last_pitch_class(new)
    assert pc == tonic and res.meta["cadence"] in ("landed", "closed")
    assert at % 16 in (0, 8) and at >= 3 * 16 and len(new) - at >= 4  # closing on a strong beat, not running on
    with pytest.raises(ValueError, match="not 'later'"):
        continue_melody(tm, prompt, answer="later")


def test_cli_continue_answers(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.music import read_midi, write_midi

    from .tiny_data import make_melody

    prompt = tmp_path / "p.mid"
    write_midi(make_melody(np.random.default_rng(3), 4), prompt)
    assert mguv(["continue", str(prompt), "--bars", "4", "--answer", "answer", "--seed", "2", "--model",
                 str(tiny_trained_model), "--device", "cpu", "--out", str(tmp_path / "o.mid")]) == 0
    assert "answer: cadence" in capsys.readouterr().out
    assert read_midi(tmp_path / "o.mid").melody.num_bars == 8


@pytest.mark.slow
def test_eight_bar_phrases_vary_across_several_phrase_windows(tiny_trained_model, tiny_phrase_model):
    from mguv_app.engine import TrainedModel
    from mguv_app.generation import generate_variations

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    res = generate_variations(tm, count=2, bars=32, temperature=1.0, seed=8, form="AA'", phrase_bars=16)
    for m in res.melodies:
        t = melody_to_events(m, 32 * 16).reshape(32, 16)
        np.testing.assert_array_equal(t[0:8], t[16:24])  # A' keeps A's first 8 bars; its last 8 are made anew
        assert m.end_tick > 24 * 1920


def test_generated_note_lengths_are_tidied_as_the_corpus_is(tiny_trained_model):
    from mguv_app.engine import TrainedModel
    from mguv_app.music import Melody, Note
    from mguv_app.music.tidy import tidied

    sung = Melody([Note(0, 600, 60), Note(720, 1320, 62), Note(1920, 2520, 64)])  # 5 16ths, a 16th rest, ...
    assert [(n.start, n.end) for n in tidied(sung).notes] == [(0, 720), (720, 1440), (1920, 2400)]
    assert tidied(sung, from_tick=720).notes[0] == sung.notes[0]  # a prompt is kept
    tm = TrainedModel(tiny_trained_model, "cpu", phrases=None)
    for m in tm.sample(6, 8, temperature=1.2, seed=3):
        for a, b in zip(m.notes, m.notes[1:], strict=False):
            assert b.start - a.end != 120  # never a lone 16th of rest after a note


def test_cli_lofi_refuses_a_bad_form(tmp_path, capsys):
    from mguv_app.cli import main as mguv

    assert mguv(["lofi", "--minutes", "1", "--form", "A?B", "--out", str(tmp_path / "l.mid")]) == 2
    assert "--form: not a form" in capsys.readouterr().err and not (tmp_path / "l.mid").exists()


@pytest.mark.parametrize("answer", ["more", "answer"])
def test_continue_starts_on_the_barline_after_a_melody_with_a_pickup(tiny_trained_model, tiny_phrase_model, answer):
    from mguv_app.engine import TrainedModel
    from mguv_app.generation.jobs import continue_melody
    from mguv_app.music import Melody, Note

    from .tiny_data import make_melody

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    body = make_melody(np.random.default_rng(4), 4)
    prompt = Melody([Note(0, 480, 67)] + [n.moved(dt=480) for n in body.notes], meters=((0, (1, 4)), (480, (4, 4))))
    end = 480 + 4 * 1920
    assert prompt.bars_end_tick == end
    out = continue_melody(tm, prompt, bars=2, temperature=1.0, seed=3, answer=answer).melodies[0]
    new = out.notes[len(prompt.notes):]
    assert out.notes[: len(prompt.notes)] == prompt.notes and new
    assert min(n.start for n in new) >= end and max(n.end for n in new) <= end + 2 * 1920
    assert out.meters == prompt.meters  # the pickup and the bars stay as they were


@pytest.mark.slow
def test_a_wide_seam_is_rewritten_in_the_bar_beside_it(tiny_trained_model, tiny_phrase_model):
    from mguv_app.engine import TrainedModel
    from mguv_app.generation.song_form import FormComposer, leap_at, leap_cost
    from mguv_app.music.events import HOLD

    from .tiny_data import make_melody

    composer = FormComposer(TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model))
    melody = make_melody(np.random.default_rng(11), 8)
    composer._use(melody)
    context = melody_to_events(melody, 128)
    context[48] = PITCH_OFFSET + 84  # bar 4 starts on C7: a leap of an octave or more into bar 5
    context[49:64] = HOLD
    no_key = (0, "no scale")  # every version counts as in key: the choice is the joins and the changes alone
    joined, (before, after) = composer.join_bar(context.copy(), (48, 64), 64, np.random.default_rng(0), no_key)
    assert before == leap_at(context, 64) > 5 and after == leap_at(joined, 64)
    assert set(np.flatnonzero(joined != context)) <= set(range(48, 64))  # the bar beside the seam alone

    def joins(t):
        return leap_cost(leap_at(t, 48)) + leap_cost(leap_at(t, 64))

    assert joins(joined) <= joins(context)  # it joins its neighbours no worse (the original was a candidate)
    calm = context.copy()
    calm[48] = context[64] if context[64] >= PITCH_OFFSET else PITCH_OFFSET + 60
    calm[64] = calm[48]
    assert composer.join_bar(calm, (48, 64), 64, np.random.default_rng(0), no_key) is None  # no leap: kept


@pytest.mark.slow
@pytest.mark.parametrize("form", ["ABAC", "ABAB", "AABA"])
def test_joined_phrases_still_repeat_exactly(tiny_trained_model, tiny_phrase_model, form):
    """Seams are joined in new material before anything repeats it, so every repeat stays exact."""
    from mguv_app.engine import TrainedModel
    from mguv_app.generation import generate_variations

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    res = generate_variations(tm, count=4, bars=16, temperature=1.0, seed=3, form=form)
    letters = list(form)
    for m, report in zip(res.melodies, res.meta["forms"], strict=True):
        bars = _bars(m).reshape(4, 4, 16)
        for i, letter in enumerate(letters):
            first = letters.index(letter)
            if first < i:  # a repeat: note for note, but for the last bar where its cadence differs
                np.testing.assert_array_equal(bars[i][:3], bars[first][:3])
        for bar, (before, after) in report["seams"].items():
            assert int(bar) % 4 == 0 and before > 5 and after is not None
