"""Song form: which phrases of a melody repeat, which vary, which contrast, and how each one ends.

Real tunes come back to their phrases: in the lead sheets, 17% of bars repeat an earlier bar exactly
and 44% its rhythm; folk tunes repeat half their bars. A melody model sampled bar after bar repeats
almost none (issue 22). So Generate plans a *form* first and writes the melody into it
(``generation.song_form``); this module is only the plan, with no model in it.

A form is a string of phrase labels: ``AABA``, ``ABAB``, ``AA'BA``, ``A A' B A''``. Each letter is a
phrase of ``phrase_bars`` bars; the first time a letter comes it is new material, a later plain
letter repeats it exactly, and a primed one (A', A'') is a varied repeat: the same phrase with its
second half moved to a nearby latent. Phrase ends are cadences (``Phrase.cadence``): the last phrase
ends on the tonic; a first phrase answered at once by its own repeat (the A of A A..., a musical
period) ends on a half cadence, on the dominant, and its repeat on the tonic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FREE = "free"  # no form: the model's melody as it comes (what Generate wrote before forms)
MAX_PHRASES = 32
PHRASE_BARS = (1, 2, 4, 8, 16)  # the phrase lengths offered (--phrase-bars, the dock's Phrase box)

# name -> labels; shown in the dock with a preview ("A A B A") and accepted by `mguv generate --form`
PRESETS: dict[str, str] = {
    "AABA": "AABA",  # 32-bar song form / a tune's A A B A
    "AA'BA": "AA'BA",
    "A A' B A''": "AA'BA''",
    "ABAB": "ABAB",
    "AABB": "AABB",  # a fiddle tune's two strains, each played twice
    "ABAC": "ABAC",
    "AB": "AB",
    "AA'": "AA'",  # a period: antecedent and consequent
    "verse-chorus": "ABABCB",  # verse, chorus, verse, chorus, bridge, chorus
}

HALF, FULL, OPEN = "half", "full", "open"  # cadence kinds: on the dominant, on the tonic, none asked for


class FormError(ValueError):
    """A form that cannot be written: a bad string, or one longer than the melody; the message says why."""


@dataclass(frozen=True)
class Phrase:
    label: str  # "A"
    primes: int  # 0: as first heard (or an exact repeat); 1: A', 2: A''
    first: bool  # the first phrase with this label: new material
    cadence: str  # HALF, FULL or OPEN

    @property
    def name(self) -> str:
        return self.label + "'" * self.primes


@dataclass(frozen=True)
class Form:
    phrases: tuple[Phrase, ...]
    phrase_bars: int

    @property
    def bars(self) -> int:
        return len(self.phrases) * self.phrase_bars

    @property
    def preview(self) -> str:
        """"A A' B A": the labels as the dock shows them."""
        return " ".join(p.name for p in self.phrases)

    @property
    def text(self) -> str:
        """"AA'BA": the string that parses back to this form."""
        return "".join(p.name for p in self.phrases)

    def first_bar(self, index: int) -> int:
        return index * self.phrase_bars

    def source_of(self, index: int) -> int:
        """The index of the phrase whose material phrase ``index`` repeats (itself when it is new)."""
        label = self.phrases[index].label
        return next(i for i, p in enumerate(self.phrases) if p.label == label)

    def describe(self) -> str:
        return f"{self.preview} ({len(self.phrases)} phrases of {self.phrase_bars} bars)"


_TOKEN = re.compile(r"([A-Za-z])(['’′]*)")


def parse_form(text: str, phrase_bars: int = 4) -> Form | None:
    """The form a string names: a preset name, or labels such as ``AABA``, ``AA'BA``, ``A A' B A''``
    (letters, primes; spaces, dashes and commas ignored). ``free`` (or nothing) is None: no form."""
    raw = (text or "").strip()
    if not raw or raw.lower() == FREE:
        return None
    if phrase_bars not in PHRASE_BARS:
        raise FormError(f"a phrase is {', '.join(map(str, PHRASE_BARS[:-1]))} or {PHRASE_BARS[-1]} bars, "
                        f"not {phrase_bars}")
    labels = PRESETS.get(raw, PRESETS.get(raw.upper(), raw))
    if raw.lower() == "verse-chorus":
        labels = PRESETS["verse-chorus"]
    body = re.sub(r"[\s,\-–—|]+", "", labels)
    tokens = _TOKEN.findall(body)
    if not tokens or "".join(a + b for a, b in tokens) != body:
        bad = _TOKEN.sub("", body)[:1] or body[:1]
        raise FormError(f"not a form: {text!r} ({bad!r} is not a phrase label). Write phrase labels such as "
                        f"AABA, AA'BA or ABAC (a letter per phrase, ' for a varied repeat), or one of: "
                        f"{', '.join(PRESETS)}, {FREE}")
    if len(tokens) > MAX_PHRASES:
        raise FormError(f"a form has at most {MAX_PHRASES} phrases, this one {len(tokens)}")
    letters = [a.upper() for a, _ in tokens]
    primes = [len(b) for _, b in tokens]
    phrases = []
    for i, (label, p) in enumerate(zip(letters, primes, strict=True)):
        first = label not in letters[:i]
        if i == len(letters) - 1:
            cadence = FULL
        elif i == 0 and len(letters) > 1 and letters[1] == label:
            cadence = HALF  # the antecedent of a period: its repeat answers it
        elif i == 1 and letters[0] == label:
            cadence = FULL  # ... and the consequent closes it
        else:
            cadence = OPEN
        phrases.append(Phrase(label, p, first, cadence))
    return Form(tuple(phrases), phrase_bars)


def default_form(bars: int) -> Form | None:
    """The form Generate writes by default for ``bars`` bars, chosen by measurement (``model_training.form_stats``,
    200 melodies of 16 bars in each form against every test window): ABAC in 4-bar phrases for 16 bars (26% of
    its bars repeat an earlier one, inside the real range, and its card statistics stay nearest the model's
    own; AABA repeats 46% but narrows the notes a melody uses, ABAB more so), ABAC in 8-bar phrases for 32, a
    period (A A') for 8; other lengths of at least 8 bars that divide by 4 take ABAC's labels in 4-bar
    phrases; shorter or odd lengths stay free."""
    if bars == 8:
        return parse_form("AA'", 4)
    if bars == 32:
        return parse_form("ABAC", 8)
    if bars >= 8 and bars % 4 == 0:
        cycle = "ABAC"
        n = bars // 4
        return parse_form((cycle * (n // 4 + 1))[:n], 4)
    return None


AUTO = "auto"  # the dock's and the CLI's default: ``default_form`` for the length asked for
CHOICES = (AUTO, FREE, *PRESETS)  # what the Generate dock's Form box lists (it also takes a typed form)


def plan(text: str, bars: int, phrase_bars: int | None = None) -> Form | None:
    """The form to write ``bars`` bars in, as the dock and ``mguv generate --form`` ask for it: "auto" (or
    "default") ``default_form``, "free" none, else the form the text names in ``phrase_bars``-bar phrases,
    by default the bars shared out among its phrases (AABA in 16 bars: 4-bar phrases). FormError says why a
    form cannot be written."""
    name = (text or AUTO).strip()
    if name.lower() in (AUTO, "default"):
        return default_form(bars)
    if name.lower() == FREE:
        return None
    if phrase_bars is None:
        count = len(parse_form(name).phrases)
        phrase_bars = bars // count if bars % count == 0 and bars // count in PHRASE_BARS else 4
    return fitted(parse_form(name, phrase_bars), bars)


def preview(text: str, bars: int) -> str:
    """What the Form box shows under it: "A A B A · 4-bar phrases", "free: the model's melody as it comes",
    or why the form does not fit ("… is 16 bars long, the melody 8 …")."""
    try:
        form = plan(text, bars)
    except FormError as err:
        return str(err)
    if form is None:
        return "free: the model's melody as it comes, no form"
    return f"{form.preview} · {form.phrase_bars}-bar phrases"


def fitted(form: Form | None, bars: int | None) -> Form | None:
    """The form when it fills ``bars`` bars exactly (None: any length), else a FormError saying so."""
    if form is None or bars is None or form.bars == bars:
        return form
    raise FormError(f"the form {form.preview} in {form.phrase_bars}-bar phrases is {form.bars} bars long, "
                    f"the melody {bars}: choose {form.bars} bars, another phrase length, or the form {FREE!r}")
