"""Personalisation in seconds (MidiMe, Dinculescu et al. 2019): a small VAE over a frozen model's latents.

``personalize(base, data, out)`` encodes the user's melodies with the frozen base model, trains a tiny
MLP VAE on those latent means and writes a self-contained model folder (a copy of the base model plus
``midime.safetensors`` / ``midime.json``). ``PersonalizedModel`` samples that small VAE's prior and maps
it through its decoder into the base model's latent space, so samples land in the user's style.
"""

from .midime import MidiMe, MidiMeConfig, train_midime
from .model import PersonalizedModel, is_personalized, open_model
from .personalize import PersonalizeError, PersonalizeResult, collect_windows, personalize

__all__ = ["MidiMe", "MidiMeConfig", "train_midime", "PersonalizedModel", "is_personalized", "open_model",
           "PersonalizeError", "PersonalizeResult", "collect_windows", "personalize"]
