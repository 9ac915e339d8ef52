"""The model engine: ``TrainedModel`` (encode / decode / sample / interpolate / continue) and device choice."""

from .device import pick_device
from .trained_model import DEFAULT_MODEL_NAME, TrainedModel, default_model_dir, slerp

__all__ = ["pick_device", "DEFAULT_MODEL_NAME", "TrainedModel", "default_model_dir", "slerp"]
