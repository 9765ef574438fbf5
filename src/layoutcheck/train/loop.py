"""The training loop: devices, DDP, mixed precision, checkpoints, signals and progress.

One function, :func:`train`, runs alone or as one of ``torchrun``'s processes without change:
with ``WORLD_SIZE > 1`` in the environment it joins the process group (NCCL on CUDA, gloo on
the CPU), takes ``cuda:LOCAL_RANK``, trains on its shard of every epoch's batches and all-reduces
validation counts; only rank 0 reports progress and writes files.

Resuming: ``<out>.ckpt`` is written after every epoch, when the step budget runs out and on
SIGINT/SIGTERM (then :class:`TrainingInterrupted` is raised); a run that finds it continues at
the saved epoch and step. Tiles are a pure function of seed, epoch and index (see
:mod:`layoutcheck.train.data`), so a resumed run trains on exactly the tiles an uninterrupted one
would have.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import math
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from layoutcheck.dataset import MANIFEST, NUM_CLASSES
from layoutcheck.errors import InputError, LayoutcheckError
from layoutcheck.model import ChangeSegmenter, ModelConfig, build_model
from layoutcheck.train.checkpoint import capture_rng, load_state, restore_rng, save_state
from layoutcheck.train.config import TrainConfig, TrainingInterrupted, TrainResult
from layoutcheck.train.data import ShardSampler, Sources, TileDataset, find_sources
from layoutcheck.train.losses import SegmentationLoss
from layoutcheck.train.runtime import Dist, autocast_dtype, resolve_device, seed_all, seed_worker
from layoutcheck.train.validate import val_subset, validate

Progress = Callable[[dict[str, Any]], None]

#: Gradient-norm clip (keeps early fp16/bf16 steps and fine-tuning from blowing up).
CLIP_NORM = 1.0
#: Warm-up: this share of all steps, at most :data:`WARMUP_MAX` steps.
WARMUP_SHARE = 0.05
WARMUP_MAX = 500
#: The cosine decay ends at this fraction of the peak learning rate.
FINAL_LR = 0.01


def train(config: TrainConfig, *, on_progress: Progress | None = None) -> TrainResult:
    """Train (or fine-tune, or resume training) a change segmenter; see the module docstring.

    Args:
        config: the run.
        on_progress: called on rank 0 with dicts: ``{"event": "start", ...}`` once,
            ``{"event": "step", "epoch", "step", "steps", "loss", "tiles_per_s", "lr", ...}``
            every ``log_every`` steps, ``{"event": "epoch", ..., "val": {...}, "best": bool}``
            after each epoch and ``{"event": "end", ...}``; ``{"event": "note", "message"}`` for
            things worth telling.

    Returns:
        The best model's path, score and digest, and the run's history.

    Raises:
        InputError: bad data, model or device.
        TrainingInterrupted: SIGINT/SIGTERM; the state is in ``<out>.ckpt`` and a rerun resumes.
    """
    dist = Dist.from_env()
    device = resolve_device(config.device, dist)
    joined = False
    if dist.world > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if device.type == "cuda" else "gloo"
        torch.distributed.init_process_group(backend, rank=dist.rank, world_size=dist.world)
        joined = True
    try:
        return _Run(config, device, dist, on_progress if dist.main else None).run()
    finally:
        if joined:
            torch.distributed.destroy_process_group()


def _lr_factor(step: int, total: int) -> float:
    """Linear warm-up, then cosine decay from 1 to :data:`FINAL_LR`."""
    warm = max(1, min(WARMUP_MAX, int(WARMUP_SHARE * total)))
    if step < warm:
        return (step + 1) / warm
    progress = min(1.0, (step - warm) / max(1, total - warm))
    return FINAL_LR + (1.0 - FINAL_LR) * 0.5 * (1.0 + math.cos(math.pi * progress))


class _StopFlag:
    """Set by SIGINT/SIGTERM (a second signal interrupts at once); handlers restored on exit."""

    def __init__(self) -> None:
        self.raised = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.raised:
            raise KeyboardInterrupt
        self.raised = True


class _Run:
    """The state of one call of :func:`train`."""

    def __init__(self, config: TrainConfig, device: torch.device, dist: Dist, on_progress: Progress | None) -> None:
        self.config = config
        self.device = device
        self.dist = dist
        self.report = on_progress or (lambda _event: None)
        self.started = time.perf_counter()
        self.dtype = autocast_dtype(config.amp, device)
        self.precision = {None: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[self.dtype]
        self.channels_last = device.type == "cuda"
        if device.type == "cuda":
            torch.backends.cudnn.benchmark = True  # fixed tile size: let cuDNN pick kernels once
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        seed_all(config.seed)
        self.sources: Sources = find_sources(config.data)
        self.val = val_subset(self.sources.val, config.val_pairs)
        state = self._resume_state()
        self.model_config, model = self._model(state)
        if self.model_config.num_classes != NUM_CLASSES:
            raise InputError(
                f"the model has {self.model_config.num_classes} classes, the dataset format {NUM_CLASSES}; "
                "train a model with num_classes=14"
            )
        if config.tile % self.model_config.multiple:
            raise InputError(f"--tile must be a multiple of {self.model_config.multiple} (2**depth), got {config.tile}")
        self.model = model.to(device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.criterion = SegmentationLoss(self.model_config.num_classes).to(device)
        self.teacher = self._teacher() if config.distill > 0 else None
        if config.freeze_encoder:
            for part in (self.model.inc, self.model.downs):
                part.requires_grad_(False)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(trainable, lr=config.lr, weight_decay=config.weight_decay)
        self.dataset = TileDataset(self.sources, tile=config.tile, crops=config.crops, seed=config.seed,
                                   composite=config.composite, groups=config.epoch_pairs,
                                   small=config.small_crops, label_share=config.label_share)
        self.dataset.set_epoch(0)
        self.steps_per_epoch = ShardSampler(len(self.dataset), config.batch, rank=dist.rank, world=dist.world).steps()
        if self.steps_per_epoch == 0:
            raise InputError(
                f"an epoch has {len(self.dataset)} tiles, fewer than --batch {config.batch} x "
                f"{dist.world} process(es); lower --batch or add data"
            )
        total = self.steps_per_epoch * config.epochs
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda s: _lr_factor(s, total))
        self.scaler = torch.amp.GradScaler(device.type, enabled=self.dtype is torch.float16)
        self.epoch, self.step_in_epoch, self.global_step = 0, 0, 0
        self.best: float | None = None
        self.history: list[dict[str, Any]] = []
        self.train_seconds = 0.0
        self.resumed_from: int | None = None
        self.saved_step = -1  # global step of the last model written by this call
        if state is not None:
            self._restore(state)
        self.ddp: nn.Module = self.model
        if dist.world > 1:
            ids = [device.index] if device.type == "cuda" else None
            self.ddp = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)

    # -- setup -----------------------------------------------------------------------------

    def _resume_state(self) -> dict[str, Any] | None:
        path = self.config.checkpoint
        if not path.is_file():
            return None
        if not self.config.resume:
            if self.dist.main:
                self.report({"event": "note", "message": f"ignoring {path}: starting over (--restart)"})
            return None
        return load_state(path)

    def _model(self, state: dict[str, Any] | None) -> tuple[ModelConfig, ChangeSegmenter]:
        if state is not None:
            cfg = ModelConfig.from_dict(state["model_config"])
            if self.config.init is not None:
                message = f"resuming {self.config.checkpoint}; --init is not applied again"
                self.report({"event": "note", "message": message})
            return cfg, build_model(cfg)
        if self.config.init is not None:
            from layoutcheck.weights import load_model

            model, cfg, _meta = load_model(self.config.init, device="cpu")
            if cfg != self.config.model and self.config.model != ModelConfig():
                self.report({"event": "note", "message": f"fine-tuning keeps the architecture of {self.config.init}"})
            return cfg, model.train()
        return self.config.model, build_model(self.config.model)

    def _teacher(self) -> ChangeSegmenter:
        """The ``init`` model, frozen: what distillation keeps (loaded again on resume)."""
        from layoutcheck.weights import load_model

        assert self.config.init is not None  # TrainConfig checks it
        teacher, cfg, _meta = load_model(self.config.init, device="cpu")
        if cfg != self.model_config:
            raise InputError(f"--distill: {self.config.init} is not the architecture being trained; "
                             "resume with the --init the run started from")
        teacher = teacher.to(self.device).eval().requires_grad_(False)
        return teacher.to(memory_format=torch.channels_last) if self.channels_last else teacher

    def _restore(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        self.epoch, self.step_in_epoch = int(state["epoch"]), int(state["step_in_epoch"])
        self.global_step = int(state["global_step"])
        self.best = state["best"]
        self.history = json.loads(state["history"])
        self.train_seconds = float(state["seconds"])
        self.resumed_from = self.epoch
        restore_rng(state["rng"])

    # -- the loop --------------------------------------------------------------------------

    def run(self) -> TrainResult:
        cfg = self.config
        self.report({
            "event": "start", "device": str(self.device), "world": self.dist.world,
            "amp": self.precision,
            "train_pairs": len(self.sources.train), "train_pages": len(self.sources.pages),
            "val_pairs": len(self.val), "steps_per_epoch": self.steps_per_epoch, "epochs": cfg.epochs,
            "resumed_from": self.resumed_from, "model": self.model_config.to_dict(),
            "parameters": sum(p.numel() for p in self.model.parameters()),
        })
        if not self.val:
            self.report({"event": "note", "message": "no val samples: the last model is kept instead of the best"})
        epochs_run, stopped = 0, "done"
        with _StopFlag() as stop:
            while self.epoch < cfg.epochs:
                finished = self._epoch(stop)
                if not finished:
                    stopped = "max_steps"
                    break
                epochs_run += 1
                if self._budget_spent():
                    stopped = "max_steps" if self.epoch < cfg.epochs else "done"
                    break
        if self.dist.main and self.best is None and self.saved_step != self.global_step:
            self._save_best(None)  # no val set, no finite score yet, or a budget stop before validation
        if self.dist.main and self.val and cfg.calibrate:
            self._calibrate()
        digest = self._digest()
        seconds = time.perf_counter() - self.started
        self.report({"event": "end", "epoch": self.epoch, "steps": self.global_step, "best": self.best,
                     "seconds": seconds, "stopped": stopped, "out": str(cfg.out)})
        return TrainResult(
            best_path=cfg.out, best_metric=self.best, sha256=digest, epochs_run=epochs_run, epoch=self.epoch,
            steps=self.global_step, seconds=seconds, history=tuple(self.history),
            resumed_from=self.resumed_from, stopped=stopped,
        )

    def _calibrate(self) -> None:
        """Pick the best model's thresholds on the val pairs and store them in its metadata.

        The best epoch's validation ran the same replay and pick on the same pairs (``threshold_<level>``
        in its metrics), but is not reused: it ran the in-training model at the training precision,
        while ``calibrate`` runs the saved file at the judge's ``precision="auto"``, as users will.
        """
        from layoutcheck.calibrate import calibrate
        from layoutcheck.weights import THRESHOLDS_KEY, update_metadata

        cfg = self.config
        self.report({"event": "note", "message": f"calibrating the thresholds on {len(self.val)} val pairs"})
        try:
            result = calibrate(cfg.out, cfg.data, split="val", limit=cfg.val_pairs, device=str(self.device))
        except InputError as exc:  # e.g. a val set without benign pairs: keep the default threshold
            self.report({"event": "note", "message": f"thresholds not calibrated: {exc}"})
            return
        update_metadata(cfg.out, {THRESHOLDS_KEY: json.dumps(result.thresholds, sort_keys=True)})
        self.report({"event": "calibrated", "thresholds": result.thresholds, "table": result.table})

    def _budget_spent(self) -> bool:
        return self.config.max_steps is not None and self.global_step >= self.config.max_steps

    def _epoch(self, stop: _StopFlag) -> bool:
        """Train the rest of the current epoch, validate and checkpoint; False on a budget stop."""
        cfg, epoch = self.config, self.epoch
        self.dataset.set_epoch(epoch)
        sampler = ShardSampler(len(self.dataset), cfg.batch, rank=self.dist.rank, world=self.dist.world,
                               start=self.step_in_epoch)
        loader = DataLoader(
            self.dataset, batch_size=cfg.batch, sampler=sampler, num_workers=cfg.workers, drop_last=True,
            pin_memory=self.device.type == "cuda", worker_init_fn=seed_worker,
            generator=torch.Generator().manual_seed(cfg.seed * 100_003 + epoch),
        )
        self.model.train()
        if cfg.freeze_norm:
            for module in self.model.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()  # batch statistics neither used nor accumulated
        if cfg.freeze_encoder:
            self.model.inc.eval()
            self.model.downs.eval()
        sums = torch.zeros(5, device=self.device)  # loss, ce, dice_any, dice_defect, distill since the last report
        epoch_sum, epoch_steps, window_steps = 0.0, 0, 0
        tick = epoch_start = time.perf_counter()
        for ref, cand, mask, labelled in loader:
            sums += self._step(ref, cand, mask, labelled)
            self.step_in_epoch += 1
            self.global_step += 1
            window_steps += 1
            last = self.step_in_epoch == sampler.steps()
            if window_steps == cfg.log_every or last or self._budget_spent():
                if self.dist.world > 1:  # report the mean over all processes' batches
                    torch.distributed.all_reduce(sums)
                    sums /= self.dist.world
                values = (sums / window_steps).tolist()  # one device sync per report
                if not math.isfinite(values[0]):
                    raise LayoutcheckError(
                        f"the loss is {values[0]} at step {self.global_step}; lower --lr or use --amp off"
                    )
                now = time.perf_counter()
                tiles = window_steps * cfg.batch * self.dist.world
                self.report({
                    "event": "step", "epoch": epoch + 1, "epochs": cfg.epochs, "step": self.step_in_epoch,
                    "steps": sampler.steps(), "global_step": self.global_step, "loss": values[0],
                    "ce": values[1], "dice_any": values[2], "dice_defect": values[3], "distill": values[4],
                    "lr": self.optimizer.param_groups[0]["lr"], "tiles_per_s": tiles / max(now - tick, 1e-9),
                })
                epoch_sum += values[0] * window_steps
                epoch_steps += window_steps
                sums.zero_()
                tick, window_steps = now, 0
            if self._stop_requested(stop):
                self._checkpoint(time.perf_counter() - epoch_start)
                raise TrainingInterrupted(
                    f"interrupted at epoch {epoch + 1} step {self.step_in_epoch}; the state is in "
                    f"{cfg.checkpoint}: run the same command again to resume"
                )
            if self._budget_spent() and not last:
                self._checkpoint(time.perf_counter() - epoch_start)
                return False
        seconds = time.perf_counter() - epoch_start
        self.train_seconds += seconds
        record: dict[str, Any] = {
            "epoch": epoch + 1, "loss": epoch_sum / epoch_steps if epoch_steps else None,
            "steps": epoch_steps, "seconds": round(seconds, 3),
            "tiles_per_s": epoch_steps * cfg.batch * self.dist.world / max(seconds, 1e-9),
            "lr": self.optimizer.param_groups[0]["lr"], "val": None, "best": False,
        }
        if self.val and ((epoch + 1) % cfg.val_every == 0 or epoch + 1 == cfg.epochs or self._budget_spent()):
            val_start = time.perf_counter()
            record["val"] = self._validate()
            record["val_seconds"] = round(time.perf_counter() - val_start, 3)
            score = record["val"]["score"]
            if math.isfinite(score) and (self.best is None or score > self.best):
                self.best, record["best"] = score, True
        self.epoch, self.step_in_epoch = epoch + 1, 0
        self.history.append(record)
        if self.dist.main and (record["best"] or not self.val):
            self._save_best(record["val"])
        self._checkpoint(0.0)
        self.report({"event": "epoch", **record, "best_score": self.best})
        return True

    def _step(self, ref: torch.Tensor, cand: torch.Tensor, mask: torch.Tensor, labelled: torch.Tensor) -> torch.Tensor:
        """One optimiser step on a batch; returns ``(5,)`` detached loss parts (no device sync)."""
        ref_f, cand_f = (self._input(t) for t in (ref, cand))  # (B, 3, T, T) float in [0, 1]
        target = mask.to(self.device, non_blocking=True).long()  # (B, T, T)
        with self._autocast():
            logits = self.ddp(ref_f, cand_f)  # (B, C, T, T)
        loss, parts = self.criterion(logits, target)
        kept = torch.zeros((), device=self.device)
        if self.teacher is not None:
            kept = self._distillation(ref_f, cand_f, logits, labelled)
            loss = loss + self.config.distill * kept
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), CLIP_NORM)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        return torch.stack([loss.detach(), parts["ce"], parts["dice_any"], parts["dice_defect"], kept.detach()])

    def _distillation(
        self, ref: torch.Tensor, cand: torch.Tensor, logits: torch.Tensor, labelled: torch.Tensor,
    ) -> torch.Tensor:
        """Mean per-pixel ``KL(init model || model)`` over the batch's tiles not cut from a label."""
        assert self.teacher is not None
        keep = ~labelled.to(self.device, non_blocking=True)  # (B,)
        with torch.no_grad(), self._autocast():
            wanted = self.teacher(ref, cand)  # (B, C, T, T)
        kl = F.kl_div(logits.float().log_softmax(1), wanted.float().log_softmax(1), log_target=True,
                      reduction="none").sum(1).mean((1, 2))  # (B,)
        return (kl * keep).sum() / keep.sum().clamp(min=1)

    def _input(self, images: torch.Tensor) -> torch.Tensor:
        x = images.to(self.device, non_blocking=True).float().div_(255.0)  # (B, 3, T, T)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def _autocast(self) -> AbstractContextManager[object]:
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.dtype)

    def _stop_requested(self, stop: _StopFlag) -> bool:
        """Whether any process got a stop signal (all ranks agree, so they stop on the same step)."""
        if self.dist.world == 1:
            return stop.raised
        flag = torch.tensor([float(stop.raised)], device=self.device)
        torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
        return bool(flag.item())

    def _validate(self) -> dict[str, float | None]:
        metrics = validate(
            self.model, self.val, device=self.device, precision=self.precision,
            rank=self.dist.rank, world=self.dist.world,
        )
        return {k: round(v, 6) if math.isfinite(v) else None for k, v in metrics.items()}  # NaN -> None: JSON

    # -- files -----------------------------------------------------------------------------

    def _checkpoint(self, partial_seconds: float) -> None:
        if not self.dist.main:
            return
        save_state(self.config.checkpoint, {
            "model_config": self.model_config.to_dict(),
            "model": {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()},
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "epoch": self.epoch, "step_in_epoch": self.step_in_epoch, "global_step": self.global_step,
            "best": self.best, "history": json.dumps(self.history), "rng": capture_rng(),
            "seconds": self.train_seconds + partial_seconds, "config": json.dumps(self.config.to_dict()),
        })

    def _save_best(self, val: dict[str, Any] | None) -> None:
        from layoutcheck.weights import save_model

        cfg = self.config
        facts = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": cfg.command if cfg.command is not None else " ".join(sys.argv),
            "data": [str(p) for p in cfg.data], "init": str(cfg.init) if cfg.init else None,
            "train_pairs": len(self.sources.train), "train_pages": len(self.sources.pages),
            "val_pairs": len(self.val), "epoch": self.epoch, "epochs": cfg.epochs, "steps": self.global_step,
            "train_seconds": round(self.train_seconds, 1), "device": str(self.device),
            "device_name": torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else "cpu",
            "world": self.dist.world, "amp": self.precision,
            "tile": cfg.tile, "batch": cfg.batch, "lr": cfg.lr, "seed": cfg.seed, "composite": cfg.composite,
            "small_crops": cfg.small_crops,
            "label_share": cfg.label_share, "distill": cfg.distill, "freeze_norm": cfg.freeze_norm,
            "freeze_encoder": cfg.freeze_encoder,
            "crops": cfg.crops, "torch": torch.__version__,
            "manifest_sha256": {str(p): _file_digest(Path(p) / MANIFEST) for p in cfg.data},
        }
        metadata = {"training": json.dumps(facts), "val_metrics": json.dumps(val),
                    "val_score": "" if self.best is None else f"{self.best:.6f}"}
        model = copy.deepcopy(self.model).float().to("cpu").to(memory_format=torch.contiguous_format).eval()
        save_model(model, cfg.out, metadata=metadata)
        self.saved_step = self.global_step

    def _digest(self) -> str:
        return _file_digest(self.config.out) if self.config.out.is_file() else ""


def _file_digest(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
