"""The Generate dock: variations, continue, interpolate and attribute sliders over a worker thread."""

from .panel import GeneratePanel
from .session import GenerationSession

__all__ = ["GeneratePanel", "GenerationSession"]
