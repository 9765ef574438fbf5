"""What a training run is given (:class:`TrainConfig`) and what it returns (:class:`TrainResult`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from layoutcheck.errors import InputError, LayoutcheckError
from layoutcheck.model import ModelConfig

AMP_MODES = ("auto", "off", "bf16", "fp16")
#: Default peak learning rates: from scratch, and fine-tuning a model (``init``): a tenth, so that a
#: few hundred steps on a team's labels move the model without undoing what it learned.
LR = 2e-3
FINETUNE_LR = 2e-4
#: Share of stored-pair draws given to a reviewer's labels mixed with other pairs (see TrainConfig).
LABEL_SHARE = 0.3


@dataclass(frozen=True)
class TrainConfig:
    """One ``layoutcheck train`` run. Built once at the entry point; validated on construction.

    Attributes:
        data: dataset folders; ``train`` samples and pages train, ``val`` samples validate.
        out: the best model (safetensors); the resumable state goes to ``<out>.ckpt``.
        init: start from this model's weights and architecture (fine-tuning).
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``. Under
            ``torchrun`` each process takes ``cuda:LOCAL_RANK``.
        epochs: epochs in total, counting those before a resume.
        batch: tiles per optimiser step per process (DDP multiplies it by the process count).
        tile: side of the square training tiles, a multiple of ``2 ** model.depth``.
        lr: peak AdamW learning rate (linear warm-up, cosine decay to 1 %). The CLI's default is
            :data:`LR`, or :data:`FINETUNE_LR` with ``init``.
        weight_decay: AdamW weight decay.
        seed: seeds the model init, the epoch plans and every tile.
        workers: DataLoader worker processes per training process (0: load in-process).
        composite: share of each epoch's pairs made on the fly by the compositor from the
            datasets' train pages (ignored when there are none).
        small_crops: share of tiles that stand for a small screenshot (an icon, a strip): a
            12-64 px window edge-padded to the tile, as the judge pads small images.
        label_share: share of stored-pair draws given to a reviewer's labels (samples of source
            ``label``) when the data mixes them with other pairs (0 draws them like any pair).
        distill: with ``init``, the weight of a term that keeps the ``init`` model's answers on
            every tile not cut from a reviewer's label (learning without forgetting: the KL
            divergence of the model's class distribution from the ``init`` model's, per pixel).
            0 turns it off.
        freeze_norm: keep every batch-norm layer's running statistics as they are (the layers'
            scale and shift still learn): a fine-tune on a few labels then does not move the
            normalisation every other page is judged with.
        freeze_encoder: with ``init``, train only the decoder and the head: the encoder (the input
            block and the down path) keeps the ``init`` model's weights and batch-norm statistics,
            so a fine-tune on a few labels changes how the features are read, not what they are
            (and skips the encoder's backward pass).
        model: the architecture of a fresh model (ignored with ``init`` or on resume).
        max_steps: stop after this many optimiser steps in total (a budget; the run can be
            resumed later with a larger one or none).
        val_every: validate every this many epochs (and after the last).
        val_pairs: validate on at most this many val pairs (the same ones every time).
        crops: tiles cut from each drawn pair (amortises decoding and compositing).
        epoch_pairs: stored pairs drawn per epoch (default: as many as there are).
        amp: ``auto`` = bf16 autocast on CUDA when supported, else fp16 with gradient scaling;
            on the CPU bf16 where it runs natively (AVX-512 BF16 / AMX), else fp32. ``off``
            (fp32), ``bf16`` or ``fp16`` to force.
        resume: continue from ``<out>.ckpt`` when it exists; False starts over.
        log_every: steps between progress reports.
        calibrate: after training, pick the judge's threshold per level on the val pairs and
            store it in the best model's metadata (:mod:`layoutcheck.calibrate`).
        command: the command line, recorded in the model's metadata.
    """

    data: tuple[Path, ...]
    out: Path
    init: Path | None = None
    device: str = "auto"
    epochs: int = 10
    batch: int = 16
    tile: int = 256
    lr: float = LR
    weight_decay: float = 1e-4
    seed: int = 0
    workers: int = 2
    composite: float = 0.5
    small_crops: float = 0.0
    label_share: float = LABEL_SHARE
    distill: float = 0.0
    freeze_norm: bool = False
    freeze_encoder: bool = False
    model: ModelConfig = field(default_factory=ModelConfig)
    max_steps: int | None = None
    val_every: int = 1
    val_pairs: int | None = 256
    crops: int = 4
    epoch_pairs: int | None = None
    amp: str = "auto"
    resume: bool = True
    log_every: int = 10
    calibrate: bool = True
    command: str | None = None

    def __post_init__(self) -> None:
        checks = [
            (self.epochs >= 1, f"--epochs must be at least 1, got {self.epochs}"),
            (self.batch >= 1, f"--batch must be at least 1, got {self.batch}"),
            (self.tile >= 32, f"--tile must be at least 32 px, got {self.tile}"),
            (self.lr > 0, f"--lr must be positive, got {self.lr}"),
            (self.weight_decay >= 0, f"weight decay must be >= 0, got {self.weight_decay}"),
            (self.workers >= 0, f"--workers must be >= 0, got {self.workers}"),
            (0.0 <= self.composite <= 1.0, f"--composite must be in [0, 1], got {self.composite}"),
            (0.0 <= self.small_crops <= 1.0, f"--small-crops must be in [0, 1], got {self.small_crops}"),
            (0.0 <= self.label_share < 1.0, f"--label-share must be in [0, 1), got {self.label_share}"),
            (self.distill >= 0.0, f"--distill must be >= 0, got {self.distill}"),
            (self.distill == 0.0 or self.init is not None, "--distill needs --init: the model whose answers to keep"),
            (not self.freeze_encoder or self.init is not None, "--freeze-encoder needs --init: the encoder to keep"),
            (self.max_steps is None or self.max_steps >= 1, f"--max-steps must be at least 1, got {self.max_steps}"),
            (self.val_every >= 1, f"val_every must be at least 1, got {self.val_every}"),
            (self.val_pairs is None or self.val_pairs >= 1, f"val_pairs must be at least 1, got {self.val_pairs}"),
            (self.crops >= 1, f"crops must be at least 1, got {self.crops}"),
            (self.epoch_pairs is None or self.epoch_pairs >= 1,
             f"epoch_pairs must be at least 1, got {self.epoch_pairs}"),
            (self.amp in AMP_MODES, f"--amp must be one of {', '.join(AMP_MODES)}, got {self.amp!r}"),
            (self.log_every >= 1, f"log_every must be at least 1, got {self.log_every}"),
        ]
        for ok, message in checks:
            if not ok:
                raise InputError(message)

    @property
    def checkpoint(self) -> Path:
        """The resumable training state: ``<out>.ckpt``."""
        return self.out.with_name(self.out.name + ".ckpt")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (paths as strings)."""
        out = asdict(self)
        out["data"] = [str(p) for p in self.data]
        out["out"] = str(self.out)
        out["init"] = str(self.init) if self.init else None
        out["model"] = self.model.to_dict()
        return out


@dataclass(frozen=True)
class TrainResult:
    """What a finished (or budget-stopped) run produced.

    Attributes:
        best_path: the best model written (by val score; the last model when there is no val set).
        best_metric: its val score, or None without a val set.
        sha256: the best model file's digest.
        epochs_run: epochs completed by this call.
        epoch: epochs completed in total.
        steps: optimiser steps in total.
        seconds: wall time of this call.
        history: one dict per completed epoch (loss, throughput, val metrics), resumed ones too.
        resumed_from: the epoch this call resumed at, or None for a fresh start.
        stopped: ``"done"`` (all epochs) or ``"max_steps"`` (the step budget ran out).
    """

    best_path: Path
    best_metric: float | None
    sha256: str
    epochs_run: int
    epoch: int
    steps: int
    seconds: float
    history: tuple[dict[str, Any], ...]
    resumed_from: int | None
    stopped: str


class TrainingInterrupted(LayoutcheckError):
    """SIGINT or SIGTERM stopped training; the state was saved and a rerun resumes. Exit code 130."""

    exit_code = 130
