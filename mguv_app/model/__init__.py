"""The VAE network (``vae.py``), its config dataclasses and safetensors checkpoints."""

from .checkpoint import CheckpointError, load_model, save_model
from .config import ModelConfig, TrainConfig
from .vae import MusicVAE, kl_divergence, vae_loss

__all__ = ["CheckpointError", "load_model", "save_model", "ModelConfig", "TrainConfig", "MusicVAE",
           "kl_divergence", "vae_loss"]
