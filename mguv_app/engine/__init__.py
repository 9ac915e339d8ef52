"""The model engine: ``TrainedModel`` (encode / decode / sample / interpolate / continue) and device choice.

``TrainedModel`` and ``default_model_dir`` load lazily (module ``__getattr__``): importing this
package, e.g. for :func:`slerp`, must not import torch, or the window would wait ~1.5 s for it.
"""

from .device import pick_device
from .interpolation import slerp

_LAZY = ("DEFAULT_MODEL_NAME", "TrainedModel", "default_model_dir")

__all__ = ["pick_device", "slerp", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        from . import trained_model

        return getattr(trained_model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
