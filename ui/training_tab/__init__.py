"""The Training tab: scan a MIDI folder, look at its statistics, train / fine-tune / personalise, manage models."""

from .tab import TrainingTab

__all__ = ["TrainingTab"]
