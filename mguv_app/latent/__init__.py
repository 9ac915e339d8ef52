"""Qt-free latent-space explorer core: a 2-D PCA map of latents, the points on it, pinned points.

The map widget (``ui/latent_map``) only draws what these classes hold: :class:`LatentPCA`
projects latents to the plane and back, :class:`PointStore` keeps the session's points
(reference melodies, the user's melodies, generated ones), :mod:`.pins` saves the pinned
points A and B with the project.
"""

from .pca import LatentPCA
from .pins import load_pins, pins_file, save_pins
from .reference import reference_points
from .store import SOURCES, MapPoint, PointStore

__all__ = ["LatentPCA", "MapPoint", "PointStore", "SOURCES", "load_pins", "save_pins", "pins_file",
           "reference_points"]
