"""Dock the "Endless" (Lo-Fi) panel and wire it to the window: model, anchor melody, freeze, status.

The model comes from the window's generation session when there is one (so both share one
loaded model and follow a model switch; not a 3/4 model, since Endless plays in 4/4), else from
``model_loader`` on the first Start.
Freezing a phrase replaces the piano roll's notes as one undoable step, in the document's tempo and
meter, or, when the phrase's bars are not the document's, after asking whether the document takes the
phrase's meter (``mguv_app.lofi.freeze_fit`` decides; ``freeze_into`` asks and applies). Without a
working audio stack the panel still opens; Start then says why it cannot play.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mguv_app.models_registry import fits_meter

from .generation_link import default_loader  # one loader for every panel: the shipped model or a clear error
from .widgets import VScrollArea


def attach_lofi(window, model_loader=default_loader, player_factory=None):
    """Create the Endless panel, dock it on the right and connect it; returns the panel."""
    from .lofi_panel import LofiPanel, default_player

    panel = LofiPanel(window, model_loader=model_loader, player_factory=player_factory or default_player)
    panel.anchor_provider = lambda: window.melody
    panel.place_frozen = lambda melody, played_bpm: freeze_into(window, melody, played_bpm)
    panel.statusMessage.connect(lambda msg: window.statusBar().showMessage(msg, 5000))
    generation = getattr(window, "generation", None)
    if generation is not None and hasattr(generation, "modelChanged"):
        def share(model) -> None:
            # Endless plays 4/4 lo-fi: a 3/4 model (the session's for a waltz) is not shared, and the panel
            # keeps the 4/4 model it has, or loads the default one on Start
            if model is None or fits_meter(model.steps_per_bar, (4, 4)):
                panel.set_model(model)

        generation.modelChanged.connect(share)
        if getattr(generation, "model", None) is not None:
            share(generation.model)
    # scrolls when the dock is short; never narrower than the panel
    window.add_panel_dock(VScrollArea(panel), "Endless", Qt.DockWidgetArea.RightDockWidgetArea)
    app = QApplication.instance()
    if app is not None:  # stop the generator thread and release the audio device on quit
        app.aboutToQuit.connect(panel.shutdown)
    window.lofi_panel = panel
    return panel


FREEZE_LABEL = "Freeze Lo-Fi phrase"


def freeze_into(window, melody, played_bpm: float | None = None) -> str | None:
    """Put a frozen phrase into the window's document at its tempo, keeping its meter, or, when the phrase's
    bars are not the document's, asking first whether the meter changes to the phrase's (notes, chords and
    meter: one undo step). Returns what to tell the user (None: they said no, nothing changed)."""
    from mguv_app.editing import guess_key
    from mguv_app.lofi.freeze_fit import plan_freeze

    doc = window.melody
    plan = plan_freeze(melody, doc.time_signature, doc.qpm, played_bpm)
    if plan.question and not window.ask_freeze_meter(window, plan.question):
        return None
    stack = window.undo_stack
    stack.beginMacro(FREEZE_LABEL)
    try:
        if plan.meter is not None:
            window.set_song_settings(time_signature=plan.meter)
        window.replace_melody(plan.melody, FREEZE_LABEL)
    finally:
        stack.endMacro()
    if plan.melody.notes:  # the roll highlights the phrase's key, not the one of the melody it replaced
        window.roll_toolbar.set_scale(*guess_key(plan.melody.notes))
    return plan.note
