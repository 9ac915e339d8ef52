"""Qt-free generation jobs the GUI runs on a worker thread (variations, continue, interpolate, ...)."""

from .jobs import (
    Cancelled,
    CancelToken,
    JobResult,
    continue_melody,
    decode_latent,
    encode_melodies,
    generate_variations,
    interpolate,
    rewrite_bars,
    shift_attribute,
    shift_attributes,
    vary_melody,
)

__all__ = ["Cancelled", "CancelToken", "JobResult", "generate_variations", "continue_melody", "interpolate",
           "rewrite_bars", "vary_melody",
           "shift_attribute", "shift_attributes", "decode_latent", "encode_melodies"]
