"""The latent-space explorer: a pyqtgraph map of melodies with pins, a trail and a live handle."""

from .controller import MapController
from .map_widget import SOURCE_COLORS, LatentMapWidget

__all__ = ["LatentMapWidget", "MapController", "SOURCE_COLORS"]
