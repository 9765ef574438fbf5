"""Pre-filled masks: the U-Net's predicted mask for a pair, and how unsure the network is of it.

Torch loads on the first prediction, never at import. Tall pages are predicted in bands of
rows, so the ``(classes, H, W)`` probabilities of :func:`layoutcheck.segment.predict` never
cover more than :data:`BAND` rows at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Rows predicted at once: 14 classes x 1280 px x 1024 rows x 4 bytes = 73 MB of probabilities.
BAND = 1024
#: Pixels whose p(anything real) exceeds this are painted with their most likely class.
PAINT_AT = 0.5


@dataclass(frozen=True)
class Prediction:
    """``mask``: ``(H, W)`` uint8 class values; ``uncertainty`` in [0, 1] (0: sure)."""

    mask: np.ndarray
    uncertainty: float


class Predictor:
    """Runs one model file on pairs; loads it on first use and keeps it (thread-safe)."""

    def __init__(self, model_path: Path, *, device: str = "cpu") -> None:
        self.model_path = Path(model_path)
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def predict(self, reference: np.ndarray, candidate: np.ndarray) -> Prediction:
        """The predicted mask of ``candidate`` and the network's uncertainty on it.

        The uncertainty is the mean binary entropy (bits) of p(anything real) over the pixels
        where the network saw something (p > 0.05): a pair whose every flagged pixel sits near
        0.5 scores 1, a pair the network is sure of (or saw nothing in) scores 0.

        Raises:
            ModelNotAvailableError, ModelError: the model file cannot be used.
        """
        from layoutcheck.segment import predict

        ref = _fit(reference, candidate.shape[:2])
        h = candidate.shape[0]
        mask = np.zeros(candidate.shape[:2], dtype=np.uint8)  # (H, W)
        entropy_sum, seen = 0.0, 0
        with self._lock:
            model = self._load()
            for y0 in range(0, h, BAND):
                y1 = min(h, y0 + BAND)
                probs = predict(model, ref[y0:y1], candidate[y0:y1], device=self.device)  # (C, h, W)
                p_any = 1.0 - probs[0]  # (h, W)
                top = probs[1:].argmax(axis=0).astype(np.uint8) + 1  # (h, W)
                mask[y0:y1] = np.where(p_any > PAINT_AT, top, 0)
                flagged = p_any[p_any > 0.05].astype(np.float64)  # (n,)
                if flagged.size:
                    p = np.clip(flagged, 1e-6, 1 - 1e-6)
                    entropy_sum += float((-(p * np.log2(p)) - (1 - p) * np.log2(1 - p)).sum())
                    seen += int(flagged.size)
        return Prediction(mask=mask, uncertainty=entropy_sum / seen if seen else 0.0)

    def _load(self) -> Any:
        if self._model is None:
            from layoutcheck.weights import load_model

            self._model, _, _ = load_model(self.model_path, device=self.device)
        return self._model


def _fit(reference: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The reference cropped or edge-padded to the candidate's ``(H, W)``."""
    h, w = int(shape[0]), int(shape[1])
    ref = reference[:h, :w]
    if ref.shape[:2] != (h, w):
        ref = np.pad(ref, ((0, h - ref.shape[0]), (0, w - ref.shape[1]), (0, 0)), mode="edge")
    return ref
