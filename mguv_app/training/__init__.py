"""Training: MIDI folders -> token windows (``data``), the loop (``loop``), held-out figures (``evaluate``)."""
