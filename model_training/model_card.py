"""Write ``MODEL_CARD.md`` for a shipped model from the files the pipeline produced.

    python -m model_training.model_card --model resources/models/melody_16bar \
        --corpus-json data/corpus.json --run runs/melody_16bar

Every figure comes from ``metrics.json`` (``model_training.evaluate_model``), the corpus builder's
JSON sidecar and the run's ``progress.jsonl``; nothing is typed in by hand, so the card cannot
drift from what was measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

LICENCES = {
    "pop909": ("POP909 (music-x-lab/POP909-Dataset)", "MIT (dataset); songs are commercial Chinese pop"),
    "chord_melody": ("chord-melody-dataset (shiehn)", "MIT (dataset); lead sheets of jazz standards / pop"),
    "openewld": ("OpenEWLD (Wikifonia public-domain subset)", "MIT (repo); scores claimed public domain"),
    "folk_essen": ("Essen Folksong Collection (music21 corpus)", "music21 corpus licence (BSD/LGPL, data free)"),
    "folk_oneills": ("O'Neill's 1850 (music21 corpus)", "public domain transcriptions via music21"),
    "folk_ryans": ("Ryan's Mammoth Collection (music21 corpus)", "public domain transcriptions via music21"),
    "folk_airds": ("Aird's Airs (music21 corpus)", "public domain transcriptions via music21"),
}

MUSICVAE_TABLE1 = {  # Roberts et al. 2018, Table 1, 16-bar melody, on Lakh MIDI
    "flat": {"teacher_forced": 0.906, "sampled": 0.491},
    "hierarchical": {"teacher_forced": 0.959, "sampled": 0.896},
}
MUSICVAE_2BAR = {"teacher_forced": 0.986, "sampled": 0.951}  # the same table's 2-bar melody model (flat)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _commands(rj: dict, run: Path) -> list[str]:
    """The commands the run recorded (its start, then each resume that changed settings), else the recipe's."""
    recorded = [rj["command"]] if rj.get("command") else []
    recorded += [p["command"] for p in rj.get("phases", []) if p.get("command")]
    return recorded or [f"mguv train data/corpus.npz --out {run} --config model_training/configs/melody_16bar.json"]


def _prior_table(prior: dict) -> list[str]:
    """The prior-sample overlaps: mean ± spread over independent draws when evaluate_model made several."""
    draws = prior.get("draws", 1)

    def oa(f):
        return f"{f['oa']:.3f}" + (f" ± {f['oa_std']:.3f}" if draws > 1 and f.get("oa_std") is not None else "")

    if draws > 1:
        head = (f"Prior samples ({draws} independent draws of {prior['n_b']} at temperature {prior['temperature']}) "
                f"vs all {prior['n_a']} test melodies, overlapping area, mean ± standard deviation over the draws "
                f"(target ≥ 0.8 each; the worst feature of the worst single draw: "
                f"{prior['worst_draw_min_oa']:.3f}):")
    else:
        head = (f"Prior samples ({prior['n_b']} at temperature {prior['temperature']}) vs {prior['n_a']} test "
                "melodies, overlapping area (target ≥ 0.8 each):")
    lines = [head, "", "| feature | OA | test mean | samples mean |", "|---|---|---|---|"]
    for name, f in prior["features"].items():
        lines.append(f"| {name.replace('_', ' ')} | {oa(f)} | {f['a_mean']} | {f['b_mean']} |")
    lines.append(f"| interval histogram | {oa(prior['interval_histogram'])} | | |")
    return lines


def _whole_tunes(model: Path) -> list[str]:
    """The table of ``whole_tunes.json`` (``benchmarks/bench_phrase_reconstruct.py --out``): held-out whole tunes
    through the melody model alone and phrase by phrase."""
    path = model / "whole_tunes.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    lines = ["Whole held-out tunes through `mguv reconstruct` (`benchmarks/bench_phrase_reconstruct.py`; every step "
             "and every note onset of each tune compared on the 16th grid, pooled):", "",
             "| tunes | the melody model alone: steps / onsets | phrase by phrase: steps / onsets |", "|---|---|---|"]
    for row in data["sets"]:
        a, b = row.get("melody_model", {}), row.get("phrases", {})
        lines.append(f"| {row['tunes']} in `{Path(row['folder']).name}` | {_pct(a.get('step_accuracy'))} / "
                     f"{_pct(a.get('onset_accuracy'))} | {_pct(b.get('step_accuracy'))} / "
                     f"{_pct(b.get('onset_accuracy'))} |")
    if data.get("ms_16_bars"):
        lines += ["", "Encoding and decoding a 16-bar melody: " + ", ".join(
            f"{k.replace('_', ' ')} {v} ms" for k, v in data["ms_16_bars"].items()) + " (median, this CPU)."]
    return lines + [""]


FORM_SET_NAMES = {"test_split": "the test split's songs", "lead_sheets": "the lead sheets",
                  "folder": "held-out folk tunes (miscFolk)", "generated_free": "generated, free (no form)",
                  "generated_default": "generated in the default form (ABAC for 16 bars)"}


def _form_figures(model: Path) -> list[str]:
    """The table of ``form_stats.json`` (``python -m model_training.form_stats --out``): how generated melodies
    repeat, vary and cadence against real ones."""
    path = model / "form_stats.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    lines = ["Song form (`python -m model_training.form_stats`; the first 16 bars of each melody):", "",
             "| melodies | bars repeating an earlier bar | rhythm repeats | leaps over a fifth where 4-bar phrases "
             "meet | last note on the tonic | on a strong beat | a quarter or more | note lengths like the test "
             "split's (overlap) | like the lead sheets' | worst card statistic vs every test window |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, row in data["sets"].items():
        vs_t, vs_l = row.get("vs_test_split", {}), row.get("vs_lead_sheets", {})
        card = row.get("card_vs_test_windows", {})
        worst = f"{card['min']:.3f} ({min((k for k in card if k not in ('min', 'windows')), key=card.get)})" \
            if card else "—"
        lines.append(f"| {FORM_SET_NAMES.get(name, name.replace('_', ' '))} ({row['melodies']}) | "
                     f"{_pct(row['bar_repeat'])} | {_pct(row['rhythm_repeat'])} | "
                     f"{_pct(row.get('phrase_seam_leaps'))} | {_pct(row['cadence_rate'])} | "
                     f"{_pct(row.get('ending_on_strong_beat'))} | {_pct(row.get('ending_quarter_or_longer'))} | "
                     f"{vs_t.get('duration_overlap', '—')} | {vs_l.get('duration_overlap', '—')} | {worst} |")
    ends = data.get("song_ends") or {}
    if ends:
        lines += ["", "Whole songs' endings (a generated melody is a whole tune; the first 16 bars of a song mostly "
                  "stop inside a phrase): " + "; ".join(
                      f"of the {v['songs']} songs in `{Path(k).name}`, {_pct(v['cadence_rate'])} end on the tonic"
                      + (f", {_pct(v['ending_on_strong_beat'])} on a strong beat, {_pct(v['ending_quarter_or_longer'])}"
                         " on a quarter or longer" if v.get("ending_on_strong_beat") is not None else "")
                      for k, v in ends.items()) + "."]
    return lines + [""]


def render(model: Path, corpus: dict, run: Path | None) -> str:
    config = json.loads((model / "config.json").read_text())
    metrics = json.loads((model / "metrics.json").read_text())
    rec, prior, interp = metrics["reconstruction"], metrics["prior_vs_test"], metrics["interpolation"]
    cfg = config["model"]
    from mguv_app.models_registry import config_time_signature

    meter = config_time_signature(config)
    label = f"{meter[0]}/{meter[1]}"
    phrase = config.get("role") == "phrase"
    bars = cfg["bars"]
    role = ("the phrase model that carries a user's melody for the melody models of its meter: reconstruct, Vary, "
            "Interpolate between melodies, and a form's varied repeats and cadences go through it, phrase by phrase "
            "(`mguv_app/engine/phrases.py`)") if phrase else {
            (4, 4): "the model behind Generate, Interpolate, Continue and the latent map",
            (3, 4): "the model Generate, Interpolate, Continue and the latent map use for melodies in 3/4; the "
                    "bundled 6/8 and 4/4 models serve the rest",
            (6, 8): "the model Generate, Interpolate, Continue and the latent map use for melodies in 6/8 (jigs, "
                    "barcarolles: two beats of three eighths); the bundled 3/4 and 4/4 models serve the rest",
            }.get(meter, f"a model of {label} melodies")
    targets = ("≥ 97%", "≥ 95%", "≥ 85%") if phrase else ("≥ 95%", "≥ 90%", "")
    lines = [f"# Model card: {config.get('name', model.name)}", "",
             f"A {cfg['bars']}-bar {'' if meter == (4, 4) else label + ' '}melody MusicVAE ({cfg['decoder']} "
             f"decoder, {cfg['encoder']} encoder, latent {cfg['latent_dim']}, bars of {cfg.get('steps_per_bar', 16)} "
             f"16ths) — {role}.", ""]
    shift = "?"
    if run is not None and (run / "run.json").exists():
        shift = json.loads((run / "run.json").read_text())["train"]["augment_shift"]
    lines += ["## Data", "", f"| source | licence | songs kept | {bars}-bar train windows |", "|---|---|---|---|"]
    for key, src in corpus["sources"].items():
        name, lic = LICENCES.get(key, (key, "see SOURCES.md"))
        lines.append(f"| {name} | {lic} | {src.get('songs_kept', 0)} | {src.get(f'windows_train_{bars}', 0)} |")
    sp = corpus["splits"]
    w = f"windows_{bars}"
    lines += ["", f"Split by song (seeded): train {sp['train']['songs']} songs / {sp['train'][w]} "
              f"windows, validation {sp['valid']['songs']} / {sp['valid'][w]}, test "
              f"{sp['test']['songs']} / {sp['test'][w]}. Duplicates removed across sets: "
              f"{corpus['dedup']['removed']}. Random transposition (training time) within ±{shift} semitones.",
              "", f"Corpus command: `{corpus['command']}`", ""]
    lines += ["## Training", ""]
    if run is not None and (run / "run.json").exists():
        rj = json.loads((run / "run.json").read_text())
        events = [json.loads(x) for x in (run / "progress.jsonl").read_text().splitlines() if x.strip()]
        prog = [e for e in events if e["event"] == "progress"]
        start = next((e for e in events if e["event"] == "start"), {})
        last = prog[-1] if prog else {}
        t = rj["train"]
        lines += [f"- Steps: {last.get('step', '?')} at batch {t['batch_size']} on `{start.get('device', '?')}` "
                  f"(~{last.get('windows_per_s', '?')} windows/s at the end); parameters: {start.get('params', '?')}.",
                  f"- Optimiser: AdamW, lr(step) = ({t['lr']} − {t['lr_min']}) × {t['lr_decay']}^step + {t['lr_min']}"
                  + (f" (the rate at the last step: {last['lr']:.2g})" if isinstance(last.get("lr"), float) else "")
                  + f", gradient clip {t['grad_clip']}; KL: β → {t['beta_max']} (rate {t['beta_rate']}), "
                  f"free bits {t['free_bits']}.",
                  *([f"- {rj['notes']}"] if rj.get("notes") else []),
                  *[f"- Command{'' if i == 0 else ' (then)'}: `{c}`" for i, c in enumerate(_commands(rj, run))],
                  "- See model_training/README.md for the whole pipeline."]
    lines += ["", "## Held-out test figures (`python -m model_training.evaluate_model`)", "",
              f"Reconstruction on {rec['windows']} test windows (per 16th step; MusicVAE's Table 1 numbers are on "
              "Lakh MIDI, a different and larger corpus, so compare with care):", "",
              *(["| measure | this model | target | MusicVAE 2-bar | |", "|---|---|---|---|---|",
                 f"| teacher-forced accuracy | {_pct(rec['tf_accuracy'])} | {targets[0]} | "
                 f"{_pct(MUSICVAE_2BAR['teacher_forced'])} | |",
                 f"| free-running (argmax) accuracy | {_pct(rec['sampled_accuracy'])} | {targets[1]} | "
                 f"{_pct(MUSICVAE_2BAR['sampled'])} | |"] if phrase else [
                 "| measure | this model | target | MusicVAE hierarchical | MusicVAE flat |", "|---|---|---|---|---|",
                 f"| teacher-forced accuracy | {_pct(rec['tf_accuracy'])} | {targets[0]} | "
                 f"{_pct(MUSICVAE_TABLE1['hierarchical']['teacher_forced'])} | "
                 f"{_pct(MUSICVAE_TABLE1['flat']['teacher_forced'])} |",
                 f"| free-running (argmax) accuracy | {_pct(rec['sampled_accuracy'])} | {targets[1]} | "
                 f"{_pct(MUSICVAE_TABLE1['hierarchical']['sampled'])} | {_pct(MUSICVAE_TABLE1['flat']['sampled'])} |"]),
              f"| teacher-forced, note-on steps only | {_pct(rec['tf_note_accuracy'])} | | | |",
              f"| free-running, note-on steps only | {_pct(rec['sampled_note_accuracy'])} | {targets[2]} | | |",
              *([f"| free-running, hold steps only | {_pct(rec['sampled_hold_accuracy'])} | | | |",
                 f"| free-running, rest (note-off) steps only | {_pct(rec['sampled_rest_accuracy'])} | | | |"]
                if "sampled_hold_accuracy" in rec else []),
              "", f"KL {rec['kl']:.1f} nats, reconstruction NLL {rec['recon']:.1f} nats, ELBO {rec['elbo']:.1f} "
              f"per {bars}-bar window.", "",
              *_whole_tunes(model), *_form_figures(model),
              *_prior_table(prior)]
    sweep = metrics.get("temperature_sweep")
    if sweep:
        names = [k for k in next(iter(sweep.values())) if k not in ("min_oa", "worst_draw_min_oa", "interval_oa")]
        lines += ["", "The same latents decoded at each temperature (mean OA over the draws; the best worst-case "
                  f"overlap, "
                  f"{prior['temperature']}, is the model's `sample_temperature`"
                  + ("" if phrase else ": Generate and Continue start there") + "):", "",
                  "| temperature | " + " | ".join(n.replace("_", " ") for n in names) + " | intervals | worst |",
                  "|---" * (len(names) + 3) + "|"]
        for t, row in sweep.items():
            lines.append(f"| {t} | " + " | ".join(f"{row[n]:.3f}" for n in names)
                         + f" | {row['interval_oa']:.3f} | {row['min_oa']:.3f} |")
    lines += ["", f"Interpolations ({interp['paths']} paths of {interp['steps']} steps between test melodies): "
              f"mean edit distance to the start {interp['mean_edit_to_start']} — monotonic: "
              f"**{interp['monotonic']}**; mean scale consistency per step "
              f"{interp['mean_scale_consistency']} vs real melodies "
              f"{interp.get('reference_scale_consistency_mean')} ± {interp.get('reference_scale_consistency_std')} — "
              f"in key: **{interp.get('in_key')}**.", ""]
    fit_file = model / "meter_fit.json"
    if fit_file.exists():  # model_training.meter_fit: where in the bar notes start, this model and others
        fit = json.loads(fit_file.read_text())
        spb, test = fit["steps_per_bar"], fit["test"]
        second = len(test.get("beat_rates", [])) > 1  # a meter_fit that measured the beats (6/8: two of 6 steps)
        lines += [f"Where notes start in the bar ({spb}-step bars; `python -m model_training.meter_fit`, prior "
                  f"samples at each model's own temperature against the {fit['test_windows']} test windows; a "
                  "model of other bars is read in these bars, as its melodies were placed before this one "
                  "existed):", "",
                  "| melodies | bars with a note on the downbeat |" + (
                      f" on the second beat (step {fit['beat_steps']}) |" if second else "") +
                  " onset positions, total-variation distance to the test set |",
                  "|---|---|---|" + ("---|" if second else ""),
                  f"| test set | {_pct(test['downbeat_rate'])} |" + (
                      f" {_pct(test['beat_rates'][1])} |" if second else "") + " 0 |"]
        for folder, m in fit["models"].items():
            lines.append(f"| {Path(folder).name} ({m['model_steps_per_bar']}-step bars) | "
                         f"{_pct(m['downbeat_rate'])} |" + (f" {_pct(m['beat_rates'][1])} |" if second else "") +
                         f" {m['positions_tv_to_test']:.3f} |")
        lines.append("")
    if phrase:
        lines += ["The app never samples a phrase model's prior (its latent carries a phrase nearly note for note, "
                  "about 89 nats of KL, so its prior samples are not melodies to offer: the overlaps above show "
                  "it); Generate samples the melody model and writes its phrases through this one.", ""]
    lines += ["## Limits", "",
              "- Trained on a 2-core CPU (no GPU was lent to the sessions that trained it), so orders of magnitude "
              "fewer windows than MusicVAE saw; the figures above are what that buys. A session with a GPU runs "
              "`model_training/gpu_session.sh` (one device call, a larger configuration) and ships the result only "
              "if it measures better.",
              ("- 4/4 (and 2/2, 2/4) melodies only" if meter == (4, 4) else f"- {label} melodies only") +
              ", 16th-note grid, no triplets, one voice.",
              "- The training songs' own copyrights apply: do not redistribute outputs that reproduce them.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.model_card")
    p.add_argument("--model", required=True)
    p.add_argument("--corpus-json", required=True)
    p.add_argument("--run", default=None)
    args = p.parse_args(argv)
    from mguv_app.fileio import atomic_write

    model = Path(args.model)
    text = render(model, json.loads(Path(args.corpus_json).read_text()), Path(args.run) if args.run else None)
    atomic_write(model / "MODEL_CARD.md", text)
    print(model / "MODEL_CARD.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
