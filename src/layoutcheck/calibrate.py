"""``layoutcheck calibrate``: pick the U-Net judge's threshold per level on labelled val pairs.

A network's probabilities are not calibrated out of the box: 0.5 may flag too much rendering
noise, or miss faint defects. This module runs the network once per pair (``segment.predict``,
the judge's own alignment, gate and tiles), then replays the judge's region rule (failing pixels
``score > t``, :func:`regions.mask_to_boxes` with the judge's ``gap`` and ``min_pixels``) for every
threshold of a grid, so each candidate threshold is scored exactly as the judge would decide; a
pair with a change of the rules beside the network (:mod:`rule_changes`: a flat colour change, a
changed line on an otherwise unchanged page) fails at strict at every threshold, as in the judge.

The pick, per level, maximises a balanced score (Youden's J):

* ``strict``: recall of change + defect pairs (flagged) - benign false-positive rate;
* ``layout``: defect recall (a region on a true defect box) - the mean of the benign
  false-positive rate and the share of change-only pairs flagged (they should pass at layout).

Ties go to the higher threshold (fewer false alarms). The chosen thresholds are stored in the
model file's metadata (:data:`weights.THRESHOLDS_KEY`); ``get_judge`` uses them whenever no
``--threshold`` is given. Calibrate on val pairs, never on the test split you report.

The replay is shared with training's per-epoch validation (:mod:`layoutcheck.train.validate`),
which scores checkpoints at these same picked thresholds: :func:`pair_hits` (one pair's decision
at every grid threshold), :func:`pixel_counts` (its pixel overlap with the labels), :class:`Tally`
(their sums over pairs) and :func:`rates_table` / :func:`pick_threshold` (the J table and pick).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from layoutcheck.dataset import FIRST_DEFECT, Sample, load_sample, read_manifest
from layoutcheck.errors import InputError
from layoutcheck.regions import corners_overlap, grow_mask, mask_to_boxes
from layoutcheck.rule_changes import rule_changes
from layoutcheck.segment import EXTENT

__all__ = [
    "GRID", "KINDS", "LEVELS", "Calibration", "Tally", "calibrate", "fixed_subset", "level_scores", "pair_hits",
    "pick_threshold", "pixel_counts", "rates_table",
]

_T = TypeVar("_T")

#: Thresholds tried: coarse in the middle, fine near 1, where a trained network's failing
#: probabilities crowd (noise at 0.9-0.97, defects above, on this project's models).
GRID: tuple[float, ...] = (
    *(round(0.05 * k, 2) for k in range(1, 18)),  # 0.05 .. 0.85
    *(round(0.9 + 0.01 * k, 2) for k in range(10)),  # 0.90 .. 0.99
    0.995, 0.998,
)
LEVELS = ("strict", "layout")
KINDS = ("benign", "change", "defect")
#: The smallest mask class that is true at a level (as ``layoutcheck eval`` counts pixels).
_FLOOR = {"strict": 1, "layout": FIRST_DEFECT}


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
                    f"| {level} | {row['threshold']:g}{mark} | {row['recall']:.3f} | {row['fpr']:.3f} | "
                    f"{row['change_fail']:.3f} | {row['j']:.3f} |"
                )
        return "\n".join(lines)


@dataclass
class Tally:
    """Replay counts over a set of pairs, per grid threshold; they add up across pairs and processes.

    ``pairs[k]``: pairs of kind ``KINDS[k]``. ``hits[l, k, i]``: of those, the ones flagged at level
    ``LEVELS[l]`` at threshold ``GRID[i]`` (layout defect pairs: *located*, a region on a true defect
    box). ``pixels[l, 0, i]`` / ``pixels[l, 1, i]``: failing pixels on true pixels (the
    intersection) / failing or true pixels (the union), true meaning mask class >= the level's
    floor (1 at strict, ``FIRST_DEFECT`` at layout); zero when pairs were added without a mask.
    """

    pairs: np.ndarray = field(default_factory=lambda: np.zeros(len(KINDS), dtype=np.int64))  # (K,)
    hits: np.ndarray = field(
        default_factory=lambda: np.zeros((len(LEVELS), len(KINDS), len(GRID)), dtype=np.int64))  # (L, K, G)
    pixels: np.ndarray = field(
        default_factory=lambda: np.zeros((len(LEVELS), 2, len(GRID)), dtype=np.int64))  # (L, 2, G)

    def add(self, probs: np.ndarray, sample: Sample, mask: np.ndarray | None = None, *, gap: int = 8,
            min_pixels: int = 16, extent: float = EXTENT, ruled: bool = False) -> None:
        """Count one pair from its ``(C, H, W)`` probabilities (and its ``(H, W)`` class mask).

        ``ruled``: the pair has a change of the rules beside the network
        (:func:`rule_changes.rule_changes`), which the judge fails at strict whatever the network
        says, at every threshold.
        """
        scores = level_scores(probs)
        k = KINDS.index(sample.kind)
        self.pairs[k] += 1
        for lv, row in pair_hits(scores, sample, gap=gap, min_pixels=min_pixels, extent=extent).items():
            if ruled and lv == "strict":
                row = np.ones_like(row)
            self.hits[LEVELS.index(lv), k] += row
        if mask is not None:
            for lv, score in scores.items():
                self.pixels[LEVELS.index(lv)] += pixel_counts(score, mask >= _FLOOR[lv])

    def counts(self) -> dict[str, int]:
        return {kind: int(n) for kind, n in zip(KINDS, self.pairs, strict=True)}

    def table(self) -> dict[str, list[dict[str, float]]]:
        """Per level, the :func:`rates_table` rows."""
        return {
            lv: rates_table({kind: self.hits[li, k] for k, kind in enumerate(KINDS)}, self.counts(), lv)
            for li, lv in enumerate(LEVELS)
        }

    def as_vector(self) -> np.ndarray:
        """Everything in one flat float64 vector (exact for counts below 2**53), e.g. to all-reduce."""
        return np.concatenate([a.ravel() for a in (self.pairs, self.hits, self.pixels)]).astype(np.float64)

    @classmethod
    def from_vector(cls, vector: np.ndarray) -> Tally:
        """The inverse of :meth:`as_vector`."""
        out = cls()
        parts = (out.pairs, out.hits, out.pixels)
        size = sum(a.size for a in parts)
        if vector.shape != (size,):
            raise ValueError(f"a tally vector has shape ({size},), got {vector.shape}")
        at = 0
        for a in parts:
            a[...] = np.rint(vector[at : at + a.size]).astype(np.int64).reshape(a.shape)
            at += a.size
        return out


def fixed_subset(items: Sequence[_T], limit: int | None) -> list[_T]:
    """At most ``limit`` of ``items``, in their order: a fixed-seed draw, the same every run.

    Training's validation and ``calibrate --limit`` both take their pairs through this, so a
    model is calibrated on the very pairs its checkpoint was chosen on.
    """
    if limit is None or len(items) <= limit:
        return list(items)
    keep = np.sort(np.random.default_rng(0).permutation(len(items))[:limit])
    return [items[i] for i in keep]


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
    samples = fixed_subset(samples, limit)
    if not samples:
        raise InputError(f"{', '.join(map(str, data))}: no samples with split {split!r} to calibrate on")
    kinds = [s.kind for _, s in samples]
    if "benign" not in kinds or not {"change", "defect"} & set(kinds):
        raise InputError(f"calibration needs benign and change or defect pairs in split {split!r}; found {set(kinds)}")
    dev = resolve_device(device)
    model, _, _ = load_model(model_path, device=dev)
    tally = Tally()
    for done, (root, sample) in enumerate(samples, start=1):
        ref, cand, _mask = load_sample(root, sample)
        h, w = min(ref.shape[0], cand.shape[0]), min(ref.shape[1], cand.shape[1])
        ref, cand = ref[:h, :w], cand[:h, :w]
        probs = predict(model, ref, cand, device=dev)  # (C, H, W)
        ruled = bool(rule_changes(ref, cand))
        tally.add(probs, sample, gap=gap, min_pixels=min_pixels, ruled=ruled)  # no pixel counts: not reported here
        if on_pair is not None:
            on_pair(done, len(samples))
    table = tally.table()
    return Calibration({lv: pick_threshold(table[lv]) for lv in LEVELS}, tally.counts(), table)


def level_scores(probs: np.ndarray) -> dict[str, np.ndarray]:
    """The per-pixel score each level thresholds, from ``(C, H, W)`` probabilities.

    ``strict``: ``1 - p(none)``; ``layout``: the summed probability of the defect classes.
    """
    return {"strict": 1.0 - probs[0], "layout": probs[FIRST_DEFECT:].sum(axis=0)}  # (H, W) each


def pair_hits(
    scores: Mapping[str, np.ndarray], sample: Sample, *, gap: int = 8, min_pixels: int = 16,
    extent: float = EXTENT,
) -> dict[str, np.ndarray]:
    """Per level, ``(len(GRID),)`` 0/1: is the pair flagged (or located) at each threshold.

    Flagged: a region survives the judge's rule at ``t`` (cores ``score > t`` of ``min_pixels``,
    grown to ``extent`` by :func:`grow_mask`, boxed by :func:`mask_to_boxes`); at ``layout`` a
    defect pair counts only when located (a region overlaps one of its true defect boxes).

    The decision can only switch from 1 to 0 as ``t`` grows (a higher threshold fails a subset of
    the pixels, and every region of a subset lies inside a region of the whole), so the switch
    point is found by bisection: about 5 calls of :func:`mask_to_boxes` per level, not one per
    threshold.

    Args:
        scores: ``{"strict": (H, W), "layout": (H, W)}`` as :func:`level_scores` gives.
        sample: the pair's manifest entry (kind and true boxes).
        gap, min_pixels, extent: the judge's region settings.
    """
    defect_boxes = [(x, y, x + bw, y + bh) for x, y, bw, bh, c in sample.boxes if c >= FIRST_DEFECT]
    out: dict[str, np.ndarray] = {}
    for level, score in scores.items():
        grid = np.asarray(GRID, dtype=score.dtype)  # compare as the judge does, in the map's dtype
        locate = level == "layout" and sample.kind == "defect"

        def hit(i: int, score: np.ndarray = score, grid: np.ndarray = grid, locate: bool = locate) -> bool:
            boxes = mask_to_boxes(grow_mask(score, grid[i], extent, min_pixels=min_pixels), gap=gap)
            if locate:
                rects = [(x, y, x + bw, y + bh) for x, y, bw, bh in boxes]
                return any(corners_overlap(r, b) for r in rects for b in defect_boxes)
            return bool(boxes)

        top = score.max() if score.size else grid.dtype.type(0)
        lo, hi = 0, int(np.searchsorted(grid, top, side="left"))  # only thresholds below the top can flag
        while lo < hi:  # invariant: hit(i) for i < lo, not hit(i) for i >= hi
            mid = (lo + hi) // 2
            if hit(mid):
                lo = mid + 1
            else:
                hi = mid
        row = np.zeros(len(GRID), dtype=np.int64)
        row[:lo] = 1
        out[level] = row
    return out


def pixel_counts(score: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """``(2, len(GRID))``: failing pixels (``score > t``) on true ones, and failing or true pixels.

    Args:
        score: ``(H, W)`` one level's score.
        truth: ``(H, W)`` bool, the pixels the level should fail.
    """
    grid = np.asarray(GRID, dtype=score.dtype)
    hot = score > grid[0]  # (H, W): pixels failing at some grid threshold
    above = np.searchsorted(grid, score[hot], side="left")  # (n,) thresholds each one exceeds, 1..G
    on_truth = truth[hot]  # (n,)

    def failing(sel: np.ndarray) -> np.ndarray:  # (G,): pixels of ``sel`` with score > GRID[i]
        per = np.bincount(above[sel], minlength=len(GRID) + 1)  # (G + 1,)
        return per[::-1].cumsum()[::-1][1:]

    inter = failing(on_truth)
    union = int(truth.sum()) + failing(~on_truth)
    return np.stack([inter, union]).astype(np.int64)


def rates_table(hits: Mapping[str, np.ndarray], counts: Mapping[str, int], level: str) -> list[dict[str, float]]:
    """One row per grid threshold: ``threshold``, ``recall``, ``fpr``, ``change_fail`` and ``j``.

    Args:
        hits: per kind, ``(len(GRID),)`` pairs flagged (located, for layout defect pairs).
        counts: per kind, the number of pairs.
        level: ``strict`` or ``layout``: which J (see the module docstring).

    A kind without pairs contributes nothing: its rate reads 0, and at ``layout`` the negative
    term is the mean of the negative rates the pairs allow (both, one, or none).
    """

    def rate(kind: str) -> np.ndarray:
        return hits[kind] / counts[kind] if counts[kind] else np.zeros(len(GRID))

    fpr, change_fail = rate("benign"), rate("change")
    if level == "strict":
        positives = counts["change"] + counts["defect"]
        recall = (hits["change"] + hits["defect"]) / positives if positives else np.zeros(len(GRID))
        j = recall - fpr
    else:
        recall = rate("defect")
        negatives = [r for r, kind in ((fpr, "benign"), (change_fail, "change")) if counts[kind]]
        j = recall - sum(negatives) / len(negatives) if negatives else recall
    return [
        {"threshold": t, "recall": round(float(r), 4), "fpr": round(float(f), 4),
         "change_fail": round(float(c), 4), "j": round(float(jj), 4)}
        for t, r, f, c, jj in zip(GRID, recall, fpr, change_fail, j, strict=True)
    ]


def pick_threshold(rows: list[dict[str, Any]]) -> float:
    """The threshold of the row with the highest ``j``; ties go to the higher threshold."""
    best = max(rows, key=lambda r: (r["j"], r["threshold"]))
    return float(best["threshold"])
