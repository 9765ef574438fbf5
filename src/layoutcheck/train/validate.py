"""Validation during training: val pairs through the judge's pipeline, scored at calibrated thresholds.

The shipped model is used at the thresholds ``layoutcheck calibrate`` picks for it, so a
checkpoint is judged at its own best thresholds rather than at a fixed 0.5. Each val pair goes
through :func:`layoutcheck.segment.predict` -- row alignment, the change gate and overlapping
tiles, exactly what :class:`~layoutcheck.segment.UNetJudge` runs -- and calibration's replay of
the judge's decision (:class:`layoutcheck.calibrate.Tally`) counts, for every threshold ``t`` of
:data:`~layoutcheck.calibrate.GRID` and both levels, the pairs flagged (a core of at least
``min_pixels`` on ``score > t``, grown as the judge grows it; at ``layout`` a defect pair counts
only when a region overlaps a true defect box) and the pixels over ``t`` on and off the labels.

From those counts, per level, calibration's Youden's J table and pick (the threshold with the
highest J, ties to the higher one):

* ``strict``: J = recall over change + defect pairs - benign false-positive rate;
* ``layout``: J = defect-pair recall (located) - mean(benign FPR, share of change pairs flagged).

The checkpoint score (higher is better) is::

    score = 0.95 * mean(best J at strict, best J at layout) + 0.05 * layout pixel IoU

where the layout pixel IoU (micro over all val pairs, failing pixels vs mask classes >= 2) is taken
at the picked layout threshold, and counts 0 where undefined (no defect pixels, none failing).
It is a small continuous tie-breaker (:data:`IOU_WEIGHT`): the J terms move in steps of one pair
on a small val set, and the IoU term rewards localisation between those steps. With 100 pairs of
a kind, one of them changing a best J moves it by 0.01 and the score by 0.00475, as much as a
0.095 change of IoU would. The score lies in [-0.95, 1].

The reported rates are read at the picked thresholds: ``benign_fpr_strict``, ``strict_recall``,
``iou_strict`` at ``threshold_strict``; ``benign_fpr_layout``, ``defect_recall``, ``change_pass``,
``iou_layout`` at ``threshold_layout``. For the same pairs, model, precision and tiles, the J
values and thresholds equal what :func:`layoutcheck.calibrate.calibrate` reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from layoutcheck.calibrate import GRID, KINDS, LEVELS, Tally, fixed_subset, pick_threshold
from layoutcheck.dataset import load_sample
from layoutcheck.model import ChangeSegmenter
from layoutcheck.rule_changes import rule_changes
from layoutcheck.train.data import PairRef, _match_size

#: The weight of the layout pixel IoU in the checkpoint score (the J mean gets the rest).
IOU_WEIGHT = 0.05


def val_subset(pairs: Sequence[PairRef], limit: int | None) -> list[PairRef]:
    """At most ``limit`` val pairs, the same ones every epoch and run, and the ones ``calibrate``
    takes with the same limit (:func:`layoutcheck.calibrate.fixed_subset`)."""
    return fixed_subset(pairs, limit)


def validate(
    model: ChangeSegmenter, pairs: Sequence[PairRef], *, device: torch.device, precision: str = "fp32",
    tile: int = 256, gap: int = 8, min_pixels: int = 16, rank: int = 0, world: int = 1,
) -> dict[str, float]:
    """Count over this process's share of ``pairs`` (summed over processes), then score.

    Args:
        model: the bare network (not the DDP wrapper: ranks see different pair counts).
        pairs: the val pairs.
        device: the model's device.
        precision: ``fp32``, ``bf16`` or ``fp16`` (as in training), or ``auto`` (as the judge and
            ``layoutcheck calibrate``).
        tile: the inference tile side (the judge's default), a multiple of ``2 ** depth``.
        gap, min_pixels: the judge's region settings.
        rank, world: this process's share.

    Returns:
        See :func:`metrics_from_counts`.
    """
    from layoutcheck.segment import predict

    tally = Tally()
    multiple = model.config.multiple
    overlap = -(-32 // multiple) * multiple  # the judge's 32 px, rounded up to the pooling grid
    dev = str(device) if device.type != "cuda" else f"cuda:{device.index or 0}"
    for pair in pairs[rank::world]:
        ref, cand, mask = load_sample(pair.root, pair.sample)
        ref = _match_size(ref, cand.shape[:2])
        probs = predict(model, ref, cand, tile=tile, overlap=overlap, device=dev, precision=precision)  # (C, H, W)
        tally.add(probs, pair.sample, mask, gap=gap, min_pixels=min_pixels, ruled=bool(rule_changes(ref, cand)))
    if world > 1:
        total = torch.from_numpy(tally.as_vector()).to(device)  # (N,) float64
        torch.distributed.all_reduce(total)
        tally = Tally.from_vector(total.cpu().numpy())
    return metrics_from_counts(tally)


def metrics_from_counts(tally: Tally) -> dict[str, float]:
    """The val metrics and the checkpoint ``score`` (see the module docstring) from the counts.

    Returns:
        ``score``; ``j_strict``, ``j_layout`` (the best J per level) and ``threshold_strict``,
        ``threshold_layout`` (where); at those thresholds ``benign_fpr_strict``,
        ``benign_fpr_layout``, ``strict_recall``, ``defect_recall``, ``change_pass``,
        ``iou_strict``, ``iou_layout`` (NaN where the val set lacks the pairs or pixels to say);
        and the pair counts ``pairs_<kind>``. All NaN but the counts when there are no pairs.
    """

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b else float("nan")

    counts = tally.counts()
    m: dict[str, float] = {}
    if sum(counts.values()):
        table = tally.table()
        for li, level in enumerate(LEVELS):
            t = pick_threshold(table[level])
            i = GRID.index(t)
            m[f"threshold_{level}"] = t
            m[f"j_{level}"] = table[level][i]["j"]
            hits = dict(zip(KINDS, tally.hits[li, :, i].tolist(), strict=True))
            m[f"benign_fpr_{level}"] = ratio(hits["benign"], counts["benign"])
            inter, union = tally.pixels[li, :, i].tolist()
            m[f"iou_{level}"] = ratio(inter, union)
            if level == "strict":
                m["strict_recall"] = ratio(hits["change"] + hits["defect"], counts["change"] + counts["defect"])
            else:
                m["defect_recall"] = ratio(hits["defect"], counts["defect"])
                m["change_pass"] = 1.0 - ratio(hits["change"], counts["change"])
        iou = m["iou_layout"] if np.isfinite(m["iou_layout"]) else 0.0
        m["score"] = (1.0 - IOU_WEIGHT) * (m["j_strict"] + m["j_layout"]) / 2.0 + IOU_WEIGHT * iou
    else:
        keys = [f"{a}_{lv}" for a in ("threshold", "j", "benign_fpr", "iou") for lv in LEVELS]
        m = dict.fromkeys([*keys, "strict_recall", "defect_recall", "change_pass", "score"], float("nan"))
    m.update({f"pairs_{k}": float(n) for k, n in counts.items()})
    return m
