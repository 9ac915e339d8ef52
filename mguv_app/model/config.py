"""Configuration dataclasses for the VAE and its training (saved in a checkpoint's config.json), and what a
config.json says about its model: its bar length, its meter and its role.

Torch-free (``mguv_app.model`` imports its network lazily): the model registry and the window read configs
without loading PyTorch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ..music.events import VOCAB_SIZE

_SIZES = {  # whole-number settings and the values a network can have (a 4,096-unit LSTM is far past any CPU)
    "bars": (1, 64), "steps_per_bar": (1, 96), "vocab_size": (1, 4096), "embed_dim": (1, 4096),
    "enc_hidden": (1, 4096), "enc_layers": (1, 8), "latent_dim": (1, 4096), "conductor_hidden": (1, 4096),
    "conductor_layers": (1, 8), "dec_hidden": (1, 4096), "dec_layers": (1, 8),
}


@dataclass
class ModelConfig:
    """Everything needed to rebuild the network. MusicVAE's 16-bar melody model is
    ``decoder="hierarchical"``, 16 bars of 16 steps; its 2-bar model is ``"flat"``, 2 bars."""

    decoder: str = "hierarchical"  # "flat" | "hierarchical"
    # "flat": one bidirectional LSTM over all steps (MusicVAE). "hierarchical": a bidirectional LSTM
    # over each bar's 16 steps (all bars as one batch), then one over the bar summaries: 32 sequential
    # steps instead of 256, which makes CPU training and encoding several times faster.
    encoder: str = "flat"
    bars: int = 16
    steps_per_bar: int = 16
    vocab_size: int = VOCAB_SIZE
    embed_dim: int = 48
    enc_hidden: int = 384
    enc_layers: int = 1
    latent_dim: int = 128
    conductor_hidden: int = 256
    conductor_layers: int = 1
    dec_hidden: int = 384
    dec_layers: int = 2
    dropout: float = 0.0

    @property
    def num_steps(self) -> int:
        return self.bars * self.steps_per_bar

    def __post_init__(self) -> None:
        """Every setting checked, naming the one that is wrong: a model folder's config.json is a user's file, and
        a bad value (``bars`` 0 or "sixteen") must be refused here, not met as a traceback in the network."""
        for part in ("decoder", "encoder"):
            if getattr(self, part) not in ("flat", "hierarchical"):
                raise ValueError(f"{part} must be 'flat' or 'hierarchical', not {getattr(self, part)!r}")
        for name, (low, high) in _SIZES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
        if self.vocab_size != VOCAB_SIZE:
            raise ValueError(f"vocab_size must be {VOCAB_SIZE} (this app's note tokens), not {self.vocab_size!r}")
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)) or not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be a number from 0 to below 1, not {self.dropout!r}")

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        """The settings in ``d``; missing ones take their defaults, unknown ones are refused by name (a misspelt
        ``latent_dims`` would otherwise build another network than the one asked for)."""
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown model setting(s): {', '.join(sorted(unknown))}")
        return cls(**d)

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------- reading a config.json
DEFAULT_BARS = 16  # a melody model's window when nothing says otherwise: MusicVAE's 16 bars
DEFAULT_STEPS_PER_BAR = 16  # a config.json that names no bar length: every model before 3/4 ones, 4/4 bars
PHRASE_ROLE = "phrase"  # config.json "role" of a phrase model: it encodes a melody phrase by phrase, never alone


def config_steps_per_bar(config: dict) -> int:
    """The bar length (16th steps) a config.json's model settings name; 16 when they do not say."""
    model = config.get("model")
    try:
        return int(model.get("steps_per_bar", DEFAULT_STEPS_PER_BAR)) if isinstance(model, dict) \
            else DEFAULT_STEPS_PER_BAR
    except (TypeError, ValueError):
        return DEFAULT_STEPS_PER_BAR


def model_time_signature(steps_per_bar: int) -> tuple[int, int]:
    """The meter of a model's bars when its config.json does not name one: 16 steps 4/4, 12 steps 3/4, any
    other n steps n/4 (n a multiple of 4) or n/16."""
    if steps_per_bar == 16:
        return (4, 4)
    return (steps_per_bar // 4, 4) if steps_per_bar % 4 == 0 else (steps_per_bar, 16)


def config_time_signature(config: dict) -> tuple[int, int]:
    """The meter a model learnt: ``time_signature`` in its config.json (3/4 and 6/8 bars are equally long, so
    only the config tells them apart), else read from its bar length."""
    ts = config.get("time_signature")
    if isinstance(ts, (list, tuple)) and len(ts) == 2:
        try:
            return int(ts[0]), int(ts[1])
        except (TypeError, ValueError):
            pass
    return model_time_signature(config_steps_per_bar(config))


def config_role(config: dict) -> str:
    """What a model folder is for: "phrase" (a short model that carries a user's melody, ``engine.phrases``) or
    "melody" (one Generate uses: every model trained before phrase models, and every model a user trains)."""
    return PHRASE_ROLE if config.get("role") == PHRASE_ROLE else "melody"


@dataclass
class TrainConfig:
    """Optimisation settings (MusicVAE's recipe: Adam, exponential LR decay, KL annealing, free bits)."""

    batch_size: int = 64
    max_steps: int = 20000
    max_minutes: float = 0.0  # > 0: end the run normally (final model written) after this much wall time
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9998  # lr = (lr - lr_min) * decay**step + lr_min
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    beta_max: float = 0.2
    beta_rate: float = 0.9995  # beta = beta_max * (1 - rate**step)
    free_bits: float = 48.0  # bits of KL per sequence not penalised (vae_loss takes free_bits * ln 2 nats)
    scheduled_sampling: float = 0.0  # max probability of feeding the model its own prediction
    scheduled_sampling_steps: int = 5000  # steps to ramp it up
    augment_shift: int = 5  # random transposition within +-N semitones
    min_pitch: int = 21
    max_pitch: int = 108
    seed: int = 0
    log_every: int = 25
    eval_every: int = 500
    ckpt_every: int = 500
    valid_fraction: float = 0.1
    eval_windows: int = 512
    device: str = "auto"
    num_workers: int = 0
    # "auto": bf16 autocast on CUDA, falling back to fp32 (TF32 matmuls) when this GPU's cuDNN cannot run
    # the LSTMs in bf16; "bf16" insists on it; "fp32" never casts. The CPU always trains in fp32.
    precision: str = "auto"

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown training setting(s): {', '.join(sorted(unknown))}")
        if d.get("precision", "auto") not in ("auto", "bf16", "fp32"):
            raise ValueError(f"precision must be auto, bf16 or fp32, not {d['precision']!r}")
        return cls(**d)

    def to_dict(self) -> dict:
        return asdict(self)
