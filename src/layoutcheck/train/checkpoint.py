"""The resumable training state (``<out>.ckpt``): written atomically, read with ``weights_only``.

This file is not a shipped artifact (the model is, as safetensors through
:mod:`layoutcheck.weights`); it holds what a model file cannot: optimiser, scheduler and
gradient-scaler state, the epoch and step reached, the history and the RNG states. Everything in
it is tensors, numbers, strings, lists and dicts, so ``torch.load(weights_only=True)`` reads it
and no pickled code runs.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch

from layoutcheck.errors import InputError
from layoutcheck.fsutil import atomic_write_bytes

FORMAT = 1


def save_state(path: Path, state: dict[str, Any]) -> None:
    """``torch.save`` the state, written atomically (a crash keeps the old checkpoint)."""
    buffer = io.BytesIO()
    torch.save({"format": FORMAT, **state}, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_state(path: Path) -> dict[str, Any]:
    """Read a state written by :func:`save_state` (tensors on the CPU).

    Raises:
        InputError: the file is unreadable or of another format (the message says to delete it).
    """
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a bad file
        raise InputError(
            f"{path}: cannot resume from this training checkpoint ({type(exc).__name__}: {exc}); "
            "delete it (or pass --restart) to start over"
        ) from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise InputError(f"{path}: not a layoutcheck training checkpoint of format {FORMAT}; delete it to start over")
    return state


def capture_rng() -> dict[str, Any]:
    """The global RNG states of Python, NumPy and torch (CPU and every CUDA device)."""
    kind, key, pos, has_gauss, gauss = cast(tuple[str, np.ndarray, int, int, float], np.random.get_state())
    return {
        "python": random.getstate(),
        "numpy": {"kind": kind, "key": key.tolist(), "pos": pos, "has_gauss": has_gauss, "gauss": gauss},
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def restore_rng(state: dict[str, Any]) -> None:
    """Undo :func:`capture_rng` (CUDA states only when the device count matches)."""
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    n = state["numpy"]
    np.random.set_state((n["kind"], np.array(n["key"], dtype=np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    torch.set_rng_state(state["torch"])
    cuda = state.get("cuda") or []
    if cuda and torch.cuda.is_available() and len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda)
