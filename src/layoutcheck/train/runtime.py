"""Where and how a training process runs: its place in a ``torchrun`` job, its device, its
autocast dtype and its seeds."""

from __future__ import annotations

import os
import random
import signal
from dataclasses import dataclass

import numpy as np
import torch

from layoutcheck.errors import InputError


@dataclass(frozen=True)
class Dist:
    """This process's place in a ``torchrun`` job (rank 0 of 1 when run alone)."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> Dist:
        try:
            world = int(os.environ.get("WORLD_SIZE", "1"))
            return cls(int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0")))
        except ValueError as exc:
            raise InputError(f"RANK/WORLD_SIZE/LOCAL_RANK must be integers ({exc}); run through torchrun") from exc

    @property
    def main(self) -> bool:
        return self.rank == 0


def resolve_device(name: str, dist: Dist) -> torch.device:
    """The torch device for ``--device`` (``cuda:LOCAL_RANK`` under torchrun)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device(name)
    except RuntimeError as exc:
        raise InputError(f"--device must be auto, cpu, cuda or cuda:N, got {name!r}") from exc
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise InputError("--device cuda: no CUDA device is available; use --device cpu")
        index = dist.local_rank if dist.world > 1 else (device.index or 0)
        torch.cuda.set_device(index)
        return torch.device("cuda", index)
    return device


def autocast_dtype(amp: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype, or None for fp32.

    ``auto``: bf16 on CUDA when supported, else fp16 (with gradient scaling); on the CPU bf16
    where oneDNN runs it natively (AVX-512 BF16 / AMX: a training step took about half the CPU
    time of fp32 on an AVX-512 BF16 EPYC), else fp32 (emulated bf16 is slower than fp32). The
    U-Net judge's ``precision="auto"`` follows the same rule.
    """
    if amp == "off":
        return None
    if amp == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.bfloat16 if device.type == "cpu" and _cpu_has_bf16() else None
    return torch.bfloat16 if amp == "bf16" else torch.float16


def _cpu_has_bf16() -> bool:
    """Whether oneDNN runs bf16 natively on this CPU."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def seed_all(seed: int) -> None:
    """Seed Python, NumPy and torch (every device) with ``seed``."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def seed_worker(worker_id: int) -> None:
    """DataLoader ``worker_init_fn``: seed NumPy and ``random`` from the worker's torch seed.

    Workers also ignore SIGINT and SIGTERM: a Ctrl-C in the terminal, ``kill -- -PGID`` or a CI
    job's cancellation reaches the whole process group, and a worker that died of it would break
    the batch the main process is waiting for ("DataLoader worker ... is killed by signal") before
    the main process could save its state. The main process stops them when it stops, and a worker
    whose main process is gone exits by itself (torch's worker watchdog).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)
