"""Sample statistics: features on hand-made melodies, overlapping areas, interpolation metrics, CLI."""

import json
import math

import numpy as np
import pytest

from mguv_app.music import NOTE_OFF, PITCH_OFFSET, Melody, Note
from model_training.melody_features import features, interval_histogram, intervals
from model_training.sample_stats import (
    compare,
    compare_draws,
    edit_distance,
    interpolation_report,
    main,
    overlap_area,
)


def tok(*pairs, steps=16):
    """Tokens from (step, token) pairs; pitches given as MIDI numbers >= 12, NOTE_OFF as 1."""
    t = np.zeros(steps, np.int16)
    for s, v in pairs:
        t[s] = v if v == NOTE_OFF else PITCH_OFFSET + v
    return t


C_SCALE = tok(*[(2 * i, p) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72])])


def test_features_of_a_c_major_scale():
    f = features(C_SCALE)
    assert f["pitch_class_entropy"] == pytest.approx(2.75)  # C twice, six others once: 0.5 + 6 * 0.375
    assert f["scale_consistency"] == 1.0
    assert f["note_density"] == 8.0
    assert f["empty_beat_rate"] == 0.0
    assert f["pitch_range"] == 12.0
    assert intervals(C_SCALE).tolist() == [2, 2, 1, 2, 2, 2, 1]


def test_features_of_chromatic_silence_and_held_notes():
    chrom = tok(*[(i, 60 + i) for i in range(12)], (12, NOTE_OFF), steps=32)
    f = features(chrom)
    assert f["pitch_class_entropy"] == pytest.approx(math.log2(12))
    assert f["scale_consistency"] == pytest.approx(7 / 12)
    assert f["note_density"] == 6.0  # 12 notes over 2 bars
    assert f["empty_beat_rate"] == pytest.approx(5 / 8)  # silent from step 12: beats 3..7
    short = tok((0, 60), (2, NOTE_OFF))
    assert features(short)["empty_beat_rate"] == 0.75
    held = tok((0, 60), (8, NOTE_OFF))
    assert features(held)["empty_beat_rate"] == 0.5
    empty = features(np.zeros(16, np.int16))
    assert empty["note_density"] == 0 and empty["empty_beat_rate"] == 1.0 and math.isnan(empty["scale_consistency"])
    leap = tok((0, 40), (4, 80))
    assert intervals(leap).tolist() == [13]  # leaps beyond an octave share the end bin


def test_melody_input_matches_tokens():
    mel = Melody([Note(2 * i * 120, (2 * i + 2) * 120, p) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72])])
    assert features(mel) == features(C_SCALE)
    h = interval_histogram([mel])
    assert h.sum() == pytest.approx(1.0) and h[13 + 2] == pytest.approx(5 / 7)


@pytest.mark.slow
def test_overlap_area_of_known_distributions():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 3000), rng.normal(3, 1, 3000)
    assert overlap_area(a, a) == pytest.approx(1.0, abs=1e-6)
    assert overlap_area(a, rng.normal(0, 1, 3000)) > 0.93
    assert overlap_area(a, b) == pytest.approx(0.134, abs=0.04)  # 2 * Phi(-1.5)
    assert overlap_area(np.ones(50), np.ones(80), 0.01) == pytest.approx(1.0, abs=1e-3)  # constant feature
    assert math.isnan(overlap_area([], [1.0]))


def _stepwise_c_major(rng, n):
    scale = [60, 62, 64, 65, 67, 69, 71, 72, 74, 76]
    out = []
    for _ in range(n):
        i, t = int(rng.integers(0, len(scale))), np.zeros(32, np.int16)
        for s in range(0, 32, 2):
            i = int(np.clip(i + rng.choice([-1, 1]), 0, len(scale) - 1))
            t[s] = PITCH_OFFSET + scale[i]
        out.append(t)
    return out


def _random_chromatic(rng, n):
    out = []
    for _ in range(n):
        t = np.zeros(32, np.int16)
        for s in range(0, 32, int(rng.integers(1, 4))):
            t[s] = PITCH_OFFSET + int(rng.integers(48, 84))
        out.append(t)
    return out


def test_identical_sets_overlap_fully_and_different_sets_do_not():
    rng = np.random.default_rng(1)
    major, chroma = _stepwise_c_major(rng, 300), _random_chromatic(rng, 300)
    same = compare(major, major)
    assert all(v["oa"] == pytest.approx(1.0, abs=1e-3) for v in same["features"].values())
    assert same["interval_histogram"]["oa"] == pytest.approx(1.0)
    diff = compare(major, chroma)
    oa = {k: v["oa"] for k, v in diff["features"].items()}
    assert oa["scale_consistency"] < 0.2 and oa["pitch_range"] < 0.2 and oa["pitch_class_entropy"] < 0.5
    assert diff["interval_histogram"]["oa"] < 0.3
    assert diff["min_oa"] < 0.2
    # two independent draws of the same process overlap well
    again = compare(major, _stepwise_c_major(np.random.default_rng(2), 300))
    assert again["min_oa"] > 0.85


@pytest.mark.slow
def test_compare_draws_averages_independent_draws_and_judges_the_mean():
    rng = np.random.default_rng(3)
    reference = _stepwise_c_major(rng, 300)
    draws = [_stepwise_c_major(np.random.default_rng(10 + d), 150) for d in range(3)] + [_random_chromatic(rng, 150)]
    out = compare_draws(reference, draws)
    single = [compare(reference, d) for d in draws]
    assert out["draws"] == 4 and out["n_b"] == 150
    for f, v in out["features"].items():
        per = [s["features"][f]["oa"] for s in single]
        assert v["oa_draws"] == per
        assert v["oa"] == pytest.approx(np.mean(per), abs=1e-4) and v["oa_std"] == pytest.approx(np.std(per), abs=1e-4)
    means = [v["oa"] for v in out["features"].values()] + [out["interval_histogram"]["oa"]]
    assert out["min_oa"] == min(means)
    # the chromatic draw drags the mean down but is not the whole story; its own worst feature is reported
    assert out["worst_draw_min_oa"] == min(s["min_oa"] for s in single) < 0.3 < out["min_oa"]
    assert sum(out["interval_histogram"]["b"]) == pytest.approx(1.0, abs=1e-3)


def test_edit_distance_matches_the_textbook_definition():
    def naive(a, b):
        d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
        for i in range(1, len(a) + 1):
            for j in range(1, len(b) + 1):
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
        return d[-1][-1]

    assert edit_distance([ord(c) for c in "kitten"], [ord(c) for c in "sitting"]) == 3
    rng = np.random.default_rng(5)
    for _ in range(40):
        a, b = rng.integers(0, 4, rng.integers(0, 12)), rng.integers(0, 4, rng.integers(0, 12))
        assert edit_distance(a, b) == naive(list(a), list(b))


def test_interpolation_report_monotonic_and_in_key():
    rng = np.random.default_rng(3)
    starts, ends = _stepwise_c_major(rng, 5), _stepwise_c_major(rng, 5)
    paths = [[np.concatenate([e[: 4 * k], s[4 * k:]]) for k in range(9)] for s, e in zip(starts, ends, strict=True)]
    rep = interpolation_report(paths, reference=_stepwise_c_major(rng, 50))
    assert rep["steps"] == 9 and rep["mean_edit_to_start"][0] == 0 and rep["monotonic"] and rep["in_key"]
    noisy = [p[:4] + [_random_chromatic(rng, 1)[0]] + p[5:] for p in paths]
    rep2 = interpolation_report(noisy, reference=_stepwise_c_major(rng, 50))
    assert not rep2["in_key"]


def test_cli_json_and_bad_input(tmp_path, capsys):
    rng = np.random.default_rng(4)
    np.savez(tmp_path / "s.npz", a=np.stack(_stepwise_c_major(rng, 40)), b=np.stack(_random_chromatic(rng, 40)))
    assert main(["--a", f"{tmp_path / 's.npz'}:a", "--b", f"{tmp_path / 's.npz'}:b", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_a"] == out["n_b"] == 40 and set(out["features"]) >= {"scale_consistency", "note_density"}
    assert main(["--a", f"{tmp_path / 's.npz'}:nokey", "--b", str(tmp_path / "missing.npz")]) == 2
    assert "error:" in capsys.readouterr().err
