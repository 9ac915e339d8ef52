"""The training loop behind ``mguv train``, the Training tab and ``model_training/``.

One run lives in one folder::

    RUN/run.json          model + training config and the data source (written once)
    RUN/progress.jsonl    every progress event, appended (the same JSON lines go to ``emit``)
    RUN/checkpoint/       model.safetensors, config.json, optimizer.safetensors, state.json
    RUN/model/            the finished model (a folder ``TrainedModel`` loads)

Every random choice (batch, transposition, latent noise) is derived from ``(seed, step)``, so
a run killed and resumed from its checkpoint continues exactly as if it had never stopped.
Checkpoints are written to ``checkpoint.tmp`` and swapped in (``checkpoint_swap``), so a kill
mid-write keeps the previous one, and one mid-swap is repaired at the next resume. A
non-finite loss stops the run with a message and keeps the last good checkpoint; so does a full
disk (``reason: disk``), and that run resumes once there is room again.

Multi-GPU: run the same command under ``torchrun --nproc_per_node N -m mguv_app train ...``;
each rank draws its own batch from ``(seed, step, rank)``, gradients are averaged by
DistributedDataParallel, and only rank 0 writes files.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from ..engine.attributes import ATTRIBUTES_FILE, attribute_vectors_from_windows, save_attribute_vectors
from ..engine.device import pick_device
from ..fileio import atomic_write
from ..model.checkpoint import OPTIMIZER, load_model, load_optimizer, save_model, save_optimizer
from ..model.config import ModelConfig, TrainConfig, config_steps_per_bar
from ..model.vae import MusicVAE, vae_loss
from ..music.events import PITCH_OFFSET
from . import checkpoint_swap
from .data import WindowSet, corpus_meter, load_windows, summary_json
from .evaluate import evaluate
from .exits import TrainExit

SEED_MIX = 1_000_003  # a large prime: the run's seed and the step count mix into one seed (step_seed)


def step_seed(seed: int, step: int, rank: int) -> int:
    """The seed of one training step's random draws (scheduled sampling) on one process: a function of
    (seed, step, rank) only, which is why a killed run resumes to bit-identical weights."""
    return seed * SEED_MIX + step * 31 + rank


class Transposer:
    """Random transposition of token windows within +-max_shift, keeping pitches in range."""

    def __init__(self, windows: np.ndarray, low: int, high: int, max_shift: int):
        pitch = windows.astype(np.int16) - PITCH_OFFSET
        is_note = windows >= PITCH_OFFSET
        lo = np.where(is_note, pitch, 999).min(1)
        hi = np.where(is_note, pitch, -999).max(1)
        self.down = np.clip(lo - low, 0, max_shift)  # how far each window may go down
        self.up = np.clip(high - hi, 0, max_shift)
        self.down[~is_note.any(1)] = 0
        self.up[~is_note.any(1)] = 0

    def __call__(self, batch: np.ndarray, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        shift = np.floor(rng.random(len(idx)) * (self.down[idx] + self.up[idx] + 1)).astype(np.int64) - self.down[idx]
        out = batch.astype(np.int64)
        return np.where(out >= PITCH_OFFSET, out + shift[:, None], out)


def _emit_stdout(event: dict) -> None:
    print(json.dumps(event), flush=True)


GEOMETRY_KEYS = ("bars", "steps_per_bar")  # model settings a fine-tune may change: no weight's shape has them


class ResumeError(ValueError):
    """``--resume`` where there is nothing to resume: no run was ever started in that folder."""


def _saved_run(out: Path) -> dict:
    """run.json of the run in ``out``, written when it started; :class:`ResumeError` when there is none."""
    try:
        saved = json.loads((out / "run.json").read_text())
    except FileNotFoundError:
        raise ResumeError(f"nothing to resume in {out}: no run was started there (it has no run.json); "
                          "leave out --resume to start one") from None
    except (OSError, ValueError) as exc:
        raise ResumeError(f"cannot resume {out}: its run.json is unreadable ({exc})") from None
    if not isinstance(saved, dict) or not isinstance(saved.get("model"), dict) \
            or not isinstance(saved.get("train"), dict):
        raise ResumeError(f"cannot resume {out}: its run.json does not hold the run's settings")
    return saved


class TrainingRun:
    def __init__(self, data: str | Path | WindowSet, out_dir: str | Path, model_cfg: ModelConfig | None = None,
                 train_cfg: TrainConfig | None = None, resume: bool = False, init_from: str | Path | None = None,
                 emit: Callable[[dict], None] = _emit_stdout, stop_event: threading.Event | None = None,
                 overrides: dict | None = None, command: str | None = None, init_geometry: dict | None = None,
                 meter: tuple[int, int] | None = None, role: str | None = None):
        """``overrides``: train settings a resume changes on purpose (say a larger free_bits for a second phase);
        without them a resume keeps the saved settings, so an interrupted run ends as a straight one would.
        ``command``: the command line that started this run or phase, kept in run.json (a model card cites it).
        ``init_geometry``: with ``init_from``, a new ``bars`` and/or ``steps_per_bar`` for the fine-tune: no
        weight's shape depends on them, so a 4/4 model can start a 3/4 one (12-step bars) with all it knows
        of pitch and line; every other setting of the model is the one it was trained with.
        ``meter``: the time signature the model learns, written into its config.json (``time_signature``) because
        3/4 and 6/8 bars are equally long; without it, the one a corpus .npz recorded, else ``init_from``'s
        when the bars stay the same, else none (the model's bar length says it).
        ``role``: "phrase" for a phrase model (``engine.phrases``), written into its config.json; without it the
        init model's role (a phrase model fine-tuned into another meter stays one), else none (a melody model)."""
        self.out = Path(out_dir)
        self.command = command
        self.overrides = dict(overrides or {})
        self.emit_fn = emit
        self.stop_event = stop_event or threading.Event()
        self._last_saved: int | None = None  # step of the last complete checkpoint
        self.resume = resume and checkpoint_swap.recover(self.out)
        # a run stopped before its first checkpoint starts again from step 0, with the settings it was started with
        self.restarted = resume and not self.resume
        self.rank = int(os.environ.get("RANK", "0"))
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        saved = _saved_run(self.out) if resume else None
        if saved is not None:
            model_cfg = ModelConfig.from_dict(saved["model"])
            base = TrainConfig.from_dict({**saved["train"], **self.overrides})
            if train_cfg is not None:  # a resume may extend the run
                base.max_steps = max(base.max_steps, train_cfg.max_steps)
            train_cfg = base
            if self.restarted and saved.get("init_from"):
                init_from = saved["init_from"]
        self.init_from = Path(init_from) if init_from else None
        base = None  # the init model's config.json
        if self.init_from and saved is None:
            base = json.loads((self.init_from / "config.json").read_text())
            geometry = {k: v for k, v in (init_geometry or {}).items() if k in GEOMETRY_KEYS}
            model_cfg = ModelConfig.from_dict({**base["model"], **geometry})
        self.mcfg = model_cfg or ModelConfig()
        self.tcfg = train_cfg or TrainConfig()
        self.data = data
        self.meter = self._meter(meter, saved, base)
        self.role = role or (saved.get("role") if saved is not None else (base or {}).get("role"))

    def _meter(self, meter, saved: dict | None, base: dict | None) -> list[int] | None:
        if meter is not None:
            return [int(meter[0]), int(meter[1])]
        if saved is not None:
            return saved.get("meter")
        recorded = corpus_meter(self.data) if isinstance(self.data, (str, Path)) \
            and str(self.data).endswith(".npz") else None
        if recorded is not None:
            return list(recorded)
        if base is not None and base.get("time_signature") and config_steps_per_bar(base) == self.mcfg.steps_per_bar:
            return list(base["time_signature"])
        return None

    def _source(self) -> str:
        """The data as run.json names it (what ``load_windows`` calls its source)."""
        return self.data.source if isinstance(self.data, WindowSet) else str(Path(self.data))

    def _meta(self, step: int) -> dict:
        """What config.json says besides the model's settings: its name, steps and meter."""
        return {"name": self.out.name, "steps": step, **({"time_signature": self.meter} if self.meter else {}),
                **({"role": self.role} if self.role else {})}

    # ------------------------------------------------------------------ helpers
    def emit(self, event: dict) -> None:
        if self.rank != 0:
            return
        line = json.dumps(event)
        try:
            with open(self.out / "progress.jsonl", "a") as f:
                f.write(line + "\n")
        except OSError:  # a full disk: the event still reaches the listener (stdout, the Training tab)
            pass
        self.emit_fn(event)

    def _lr(self, step: int) -> float:
        t = self.tcfg
        return (t.lr - t.lr_min) * t.lr_decay ** step + t.lr_min

    def _beta(self, step: int) -> float:
        return self.tcfg.beta_max * (1.0 - self.tcfg.beta_rate ** step)

    def _sampling_prob(self, step: int) -> float:
        t = self.tcfg
        if t.scheduled_sampling <= 0:
            return 0.0
        return t.scheduled_sampling * min(1.0, step / max(1, t.scheduled_sampling_steps))

    def _record_resume_overrides(self) -> None:
        """Keep run.json true: its train settings become the new ones, and each phase is listed under "phases"."""
        saved = json.loads((self.out / "run.json").read_text())
        step = checkpoint_swap.saved_step(self.out)
        saved.setdefault("phases", []).append({"from_step": step, "changed": self.overrides,
                                               **({"command": self.command} if self.command else {})})
        saved["train"] = self.tcfg.to_dict()
        atomic_write(self.out / "run.json", json.dumps(saved, indent=2))

    def _save_checkpoint(self, model: MusicVAE, opt, step: int) -> None:
        if self.rank != 0:
            return
        tmp = self.out / "checkpoint.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        save_model(model, tmp, self._meta(step))
        save_optimizer(opt, tmp / OPTIMIZER)
        atomic_write(tmp / checkpoint_swap.STATE, json.dumps({"step": step, "time": time.time()}))
        final = checkpoint_swap.swap_in(self.out)
        self._last_saved = step
        self.emit({"event": "checkpoint", "step": step, "path": str(final)})

    # ------------------------------------------------------------------ main
    def run(self) -> int:
        self.out.mkdir(parents=True, exist_ok=True)
        t = self.tcfg
        ddp = self.world > 1
        if ddp:
            import torch.distributed as dist

            dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
            local = int(os.environ.get("LOCAL_RANK", "0"))
            device = f"cuda:{local}" if torch.cuda.is_available() else "cpu"
            if device.startswith("cuda"):
                torch.cuda.set_device(local)
        else:
            device = pick_device(t.device)

        if not self.resume and self.rank == 0:  # the settings first, so that a run stopped at once still resumes
            atomic_write(self.out / "run.json", json.dumps(
                {"model": self.mcfg.to_dict(), "train": t.to_dict(), "data": self._source(),
                 "init_from": str(self.init_from) if self.init_from else None,
                 **({"meter": self.meter} if self.meter else {}), **({"role": self.role} if self.role else {}),
                 **({"command": self.command} if self.command else {})}, indent=2))
        ws = self.data if isinstance(self.data, WindowSet) else load_windows(
            self.data, self.mcfg.bars, self.mcfg.steps_per_bar, t.valid_fraction, meter=self.meter,
            progress=lambda d, n, r: self.emit({"event": "scan", "done": d, "total": n,
                                                "refused": len(r.refused)}) if d % 50 == 0 or d == n else None)
        if self.rank == 0:
            self.emit(json.loads(summary_json(ws)))
        if len(ws.train) == 0:
            self.emit({"event": "error", "reason": "no_data",
                       "message": f"no {self.mcfg.bars}-bar training windows found in {ws.source}"})
            return TrainExit.DATA
        if self.resume and self.overrides and self.rank == 0:
            self._record_resume_overrides()

        torch.manual_seed(t.seed)
        step = 0
        if self.resume:
            model, _ = load_model(self.out / "checkpoint", device)
            step = self._last_saved = checkpoint_swap.saved_step(self.out)
        elif self.init_from:
            base, _ = load_model(self.init_from, device)
            model = MusicVAE(self.mcfg).to(device)  # the same weights in this run's bar geometry
            model.load_state_dict(base.state_dict())
        else:
            model = MusicVAE(self.mcfg).to(device)
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=self._lr(step), weight_decay=t.weight_decay)
        if self.resume:
            load_optimizer(opt, self.out / "checkpoint" / OPTIMIZER)
        net = model
        if ddp:
            from torch.nn.parallel import DistributedDataParallel

            net = DistributedDataParallel(model, device_ids=[int(os.environ.get("LOCAL_RANK", 0))]
                                          if device.startswith("cuda") else None)

        train = ws.train
        transpose = Transposer(train, t.min_pitch, t.max_pitch, t.augment_shift)
        valid = ws.valid[: t.eval_windows] if len(ws.valid) else train[: min(len(train), 128)]
        use_amp = device.startswith("cuda") and t.precision != "fp32"
        if device.startswith("cuda"):  # fp32 work (and the fp32 fallback) may use TF32 tensor cores
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        self.emit({"event": "start", "step": step, "max_steps": t.max_steps, "device": device,
                   "params": sum(p.numel() for p in model.parameters()), "resumed": self.resume})

        prev_handlers = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                prev_handlers[sig] = signal.signal(sig, lambda *_: self.stop_event.set())
        try:
            return self._loop(model, net, opt, train, valid, transpose, device, use_amp, step)
        except torch.cuda.OutOfMemoryError:
            self.emit({"event": "error", "reason": "oom", "message":
                       f"out of GPU memory at batch size {t.batch_size}: try a smaller batch "
                       f"(--set batch_size={max(1, t.batch_size // 2)}) or --device cpu"})
            return TrainExit.OOM
        except OSError as exc:  # a full disk (or a folder gone) while writing a checkpoint or the model
            shutil.rmtree(self.out / "checkpoint.tmp", ignore_errors=True)  # the half-written one: room back
            full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
            self.emit({"event": "error", "reason": "disk", "step": self._last_saved, "message":
                       f"could not write to {exc.filename or self.out}: {exc.strerror or exc}. "
                       + ("Free some disk space" if full else "Check that the folder is writable")
                       + (f"; the checkpoint of step {self._last_saved} is complete and resumes."
                          if self._last_saved is not None else "; no checkpoint was saved yet.")})
            return TrainExit.DISK
        finally:
            for sig, h in prev_handlers.items():
                signal.signal(sig, h)
            if ddp:
                import torch.distributed as dist

                dist.destroy_process_group()

    def _loop(self, model, net, opt, train, valid, transpose, device, use_amp, step) -> int:
        t = self.tcfg
        last_time, last_step = time.perf_counter(), step
        deadline = time.monotonic() + t.max_minutes * 60 if t.max_minutes > 0 else float("inf")
        first = True  # the first step of this process: where an unsupported bf16 op shows up
        while step < t.max_steps and time.monotonic() < deadline:
            if self.stop_event.is_set():
                self._save_checkpoint(model, opt, step)
                self.emit({"event": "stopped", "step": step})
                return TrainExit.OK
            rng = np.random.default_rng([t.seed, step, self.rank])
            idx = rng.integers(0, len(train), t.batch_size)
            batch = torch.as_tensor(transpose(train[idx], idx, rng), device=device)
            gen = torch.Generator(device=device)
            gen.manual_seed(step_seed(t.seed, step, self.rank))
            for group in opt.param_groups:
                group["lr"] = self._lr(step)
            beta = self._beta(step)
            try:
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_amp):
                    figures = vae_loss(net, batch, beta, t.free_bits, gen, self._sampling_prob(step))
            except RuntimeError as exc:
                if not (use_amp and t.precision == "auto" and first):
                    raise
                self.emit({"event": "note", "message": f"bf16 autocast is not supported here ({str(exc)[:120]}); "
                           "training in fp32 instead"})
                use_amp = False
                gen.manual_seed(step_seed(t.seed, step, self.rank))
                figures = vae_loss(net, batch, beta, t.free_bits, gen, self._sampling_prob(step))
            first = False
            loss = figures["loss"]
            if not torch.isfinite(loss):
                self.emit({"event": "error", "reason": "nan", "step": step, "message":
                           f"the loss became {loss.item()} at step {step}; training stopped. The last "
                           "checkpoint is kept: lower the learning rate and resume."})
                return TrainExit.NAN
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
            opt.step()
            step += 1
            if step % t.log_every == 0 or step == t.max_steps:
                now = time.perf_counter()
                rate = (step - last_step) / max(now - last_time, 1e-9)
                last_time, last_step = now, step
                self.emit({"event": "progress", "step": step, "max_steps": t.max_steps,
                           **{k: round(float(v.detach()), 5) for k, v in figures.items()},
                           "beta": round(beta, 5), "lr": self._lr(step),
                           "windows_per_s": round(rate * t.batch_size * self.world, 2),
                           "eta_s": round((t.max_steps - step) / max(rate, 1e-9), 1)})
            if step % t.eval_every == 0 or step == t.max_steps or time.monotonic() >= deadline:
                figures = evaluate(model, valid, device, sampled_limit=min(len(valid), 256), seed=t.seed)
                self.emit({"event": "eval", "step": step, **{f"val_{k}": v for k, v in figures.items()}})
                model.train()
            if step % t.ckpt_every == 0 and step < t.max_steps:
                self._save_checkpoint(model, opt, step)
        self._save_checkpoint(model, opt, step)
        self._finish(model, train, device, step)
        self.emit({"event": "done", "step": step, "model": str(self.out / "model")})
        return TrainExit.OK

    def _finish(self, model: MusicVAE, train: np.ndarray, device: str, step: int) -> None:
        if self.rank != 0:
            return
        final = self.out / "model"
        save_model(model, final, {**self._meta(step), "data": str(self.data if not
                                  isinstance(self.data, WindowSet) else self.data.source)})
        model.eval()

        def encode(tokens: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return model.encode(torch.as_tensor(tokens, device=device))[0].cpu().numpy()

        vectors = attribute_vectors_from_windows(encode, train)
        if vectors:
            save_attribute_vectors(vectors, final / ATTRIBUTES_FILE)

