"""``layoutcheck calibrate``: pick the U-Net judge's threshold per level on labelled val pairs.

A network's probabilities are not calibrated out of the box: 0.5 may flag too much rendering
noise, or miss faint defects. This module runs the network once per pair (``segment.predict``,
the judge's own alignment, gate and tiles), then replays the judge's region rule (failing pixels
``score > t``, :func:`regions.mask_to_boxes` with the judge's ``gap`` and ``min_pixels``) for every
threshold of a grid, so each candidate threshold is scored exactly as the judge would decide.

The pick, per level, maximises a balanced score (Youden's J):

* ``strict``: recall of change + defect pairs (flagged) - benign false-positive rate;
* ``layout``: defect recall (a region on a true defect box) - the mean of the benign
  false-positive rate and the share of change-only pairs flagged (they should pass at layout).

Ties go to the higher threshold (fewer false alarms). The chosen thresholds are stored in the
model file's metadata (:data:`weights.THRESHOLDS_KEY`); ``get_judge`` uses them whenever no
``--threshold`` is given. Calibrate on val pairs, never on the test split you report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from layoutcheck.dataset import FIRST_DEFECT, Sample, load_sample, read_manifest
from layoutcheck.errors import InputError
from layoutcheck.regions import mask_to_boxes

__all__ = ["GRID", "Calibration", "calibrate", "pick_threshold"]

#: Thresholds tried: coarse in the middle, fine near 1, where a trained network's failing
#: probabilities crowd (noise at 0.9-0.97, defects above, on this project's models).
GRID: tuple[float, ...] = (
    *(round(0.05 * k, 2) for k in range(1, 18)),  # 0.05 .. 0.85
    *(round(0.9 + 0.01 * k, 2) for k in range(10)),  # 0.90 .. 0.99
    0.995, 0.998,
)
LEVELS = ("strict", "layout")


@dataclass(frozen=True)
class Calibration:
    """The thresholds picked and, per level, the rates at every grid threshold."""

    thresholds: dict[str, float]
    pairs: dict[str, int]  # benign, change, defect counts
    table: dict[str, list[dict[str, float]]]  # level -> [{threshold, recall, fpr, change_fail, j}]

    def to_markdown(self) -> str:
        lines = [
            f"Calibrated on {sum(self.pairs.values())} pairs ({self.pairs['benign']} benign, "
            f"{self.pairs['change']} change, {self.pairs['defect']} defect).",
            "",
            "| level | threshold | recall | benign FPR | change pairs flagged | J |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for level, rows in self.table.items():
            for row in rows:
                mark = " **←**" if row["threshold"] == self.thresholds[level] else ""
                lines.append(
                    f"| {level} | {row['threshold']:.2f}{mark} | {row['recall']:.3f} | {row['fpr']:.3f} | "
                    f"{row['change_fail']:.3f} | {row['j']:.3f} |"
                )
        return "\n".join(lines)


def calibrate(
    model_path: Path,
    data: Sequence[Path],
    *,
    split: str = "val",
    limit: int | None = None,
    device: str = "auto",
    gap: int = 8,
    min_pixels: int = 16,
    on_pair: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Score every grid threshold on the ``split`` pairs of ``data`` and pick one per level.

    Raises:
        InputError: no pairs in that split, or no benign or no positive pairs to balance.
        ModelError: the model file is corrupt or foreign.
    """
    from layoutcheck.segment import predict, resolve_device
    from layoutcheck.weights import load_model

    samples = [(Path(root), s) for root in data for s in read_manifest(root) if s.split == split]
    samples = samples[:limit] if limit else samples
    if not samples:
        raise InputError(f"{', '.join(map(str, data))}: no samples with split {split!r} to calibrate on")
    kinds = [s.kind for _, s in samples]
    if "benign" not in kinds or not {"change", "defect"} & set(kinds):
        raise InputError(f"calibration needs benign and change or defect pairs in split {split!r}; found {set(kinds)}")
    dev = resolve_device(device)
    model, _, _ = load_model(model_path, device=dev)
    # hits[level][kind] counts, per grid threshold, the pairs flagged (strict) or located (layout
    # defect pairs) / flagged (layout benign and change pairs).
    hits = {lv: {k: np.zeros(len(GRID), dtype=np.int64) for k in ("benign", "change", "defect")} for lv in LEVELS}
    for done, (root, sample) in enumerate(samples, start=1):
        ref, cand, mask = load_sample(root, sample)
        h, w = min(ref.shape[0], cand.shape[0]), min(ref.shape[1], cand.shape[1])
        ref, cand = ref[:h, :w], cand[:h, :w]
        probs = predict(model, ref, cand, device=dev)  # (C, H, W)
        scores = {"strict": 1.0 - probs[0], "layout": probs[FIRST_DEFECT:].sum(axis=0)}  # (H, W) each
        defect_boxes = [(x, y, x + bw, y + bh) for x, y, bw, bh, c in sample.boxes if c >= FIRST_DEFECT]
        for level, score in scores.items():
            hits[level][sample.kind] += _decisions(score, level, sample, defect_boxes, gap, min_pixels)
        if on_pair is not None:
            on_pair(done, len(samples))
    counts = {k: kinds.count(k) for k in ("benign", "change", "defect")}
    table = {lv: _rates(hits[lv], counts, lv) for lv in LEVELS}
    return Calibration({lv: pick_threshold(table[lv]) for lv in LEVELS}, counts, table)


def _decisions(
    score: np.ndarray, level: str, sample: Sample, defect_boxes: list[tuple[int, int, int, int]],
    gap: int, min_pixels: int,
) -> np.ndarray:
    """``(len(GRID),)`` 0/1: does the judge count this pair as flagged (or located) at each threshold."""
    out = np.zeros(len(GRID), dtype=np.int64)
    top = float(score.max()) if score.size else 0.0
    for i, t in enumerate(GRID):
        if top <= t:
            break  # higher thresholds flag nothing either
        boxes = mask_to_boxes(score > t, gap=gap, min_pixels=min_pixels)
        if level == "layout" and sample.kind == "defect":
            ok = any(_overlap((x, y, x + bw, y + bh), b) for x, y, bw, bh in boxes for b in defect_boxes)
        else:
            ok = bool(boxes)
        out[i] = int(ok)
    return out


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _rates(hits: dict[str, np.ndarray], counts: dict[str, int], level: str) -> list[dict[str, float]]:
    def rate(kind: str) -> np.ndarray:
        return hits[kind] / counts[kind] if counts[kind] else np.zeros(len(GRID))

    fpr, change_fail = rate("benign"), rate("change")
    if level == "strict":
        positives = counts["change"] + counts["defect"]
        recall = (hits["change"] + hits["defect"]) / positives
        j = recall - fpr
    else:
        recall = rate("defect")
        negatives = fpr if not counts["change"] else (fpr + change_fail) / 2.0
        j = recall - negatives
    return [
        {"threshold": t, "recall": round(float(r), 4), "fpr": round(float(f), 4),
         "change_fail": round(float(c), 4), "j": round(float(jj), 4)}
        for t, r, f, c, jj in zip(GRID, recall, fpr, change_fail, j, strict=True)
    ]


def pick_threshold(rows: list[dict[str, Any]]) -> float:
    """The threshold of the row with the highest ``j``; ties go to the higher threshold."""
    best = max(rows, key=lambda r: (r["j"], r["threshold"]))
    return float(best["threshold"])
