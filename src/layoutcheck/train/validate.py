"""Validation during training: val pairs through the judge's own pipeline, counts, one score.

Each val pair goes through :func:`layoutcheck.segment.predict` -- row alignment, the change gate
and overlapping tiles, exactly what :class:`~layoutcheck.segment.UNetJudge` runs -- and its
probabilities are thresholded as the judge does: a pixel fails at ``strict`` when
``1 - p_none > threshold``, at ``layout`` when ``sum of defect p > threshold``, and a pair is
flagged at a level when a failing region survives the judge's region step (components of at
least ``min_pixels``). A defect pair is *found* when it is flagged at layout level and its
failing pixels touch a true defect pixel.

The checkpoint score (higher is better) is the mean of the terms the val set has:

* layout defect-pair recall (found defect pairs / defect pairs) -- catch broken layout;
* 1 - strict benign FPR (benign pairs flagged at all / benign pairs) -- ignore rendering noise,
  at the stricter level, so that noise is not merely relabelled "change";
* layout change pass rate (change pairs not flagged at layout level / change pairs) -- let
  harmless edits pass;
* layout pixel IoU (micro over all val pairs) -- a continuous term that rewards localisation and
  breaks ties, since the pair-level terms move in steps of one pair on a small val set.

They are the quantities ``layoutcheck eval`` reports on the test split, taken from the
probability maps instead of region rectangles so that validation writes no model file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from layoutcheck.dataset import FIRST_DEFECT, load_sample
from layoutcheck.model import ChangeSegmenter
from layoutcheck.regions import mask_to_boxes
from layoutcheck.train.data import PairRef, _match_size

_FIELDS = (
    "benign", "benign_flagged_strict", "benign_flagged_layout", "change", "change_flagged_strict",
    "change_flagged_layout", "defect", "defect_flagged_strict", "defect_found",
    "inter_strict", "union_strict", "inter_layout", "union_layout",
)


def val_subset(pairs: Sequence[PairRef], limit: int | None) -> list[PairRef]:
    """At most ``limit`` val pairs, the same ones every epoch and run (a fixed-seed draw)."""
    if limit is None or len(pairs) <= limit:
        return list(pairs)
    keep = np.sort(np.random.default_rng(0).permutation(len(pairs))[:limit])
    return [pairs[i] for i in keep]


def validate(
    model: ChangeSegmenter, pairs: Sequence[PairRef], *, device: torch.device, precision: str = "fp32",
    tile: int = 256, threshold: float = 0.5, gap: int = 8, min_pixels: int = 16, rank: int = 0, world: int = 1,
) -> dict[str, float]:
    """Count over this process's share of ``pairs`` (summed over processes), then score.

    Args:
        model: the bare network (not the DDP wrapper: ranks see different pair counts).
        pairs: the val pairs.
        device: the model's device.
        precision: ``fp32``, ``bf16`` or ``fp16`` (as in training).
        tile: the inference tile side (the judge's default), a multiple of ``2 ** depth``.
        threshold, gap, min_pixels: the judge's settings.
        rank, world: this process's share.

    Returns:
        ``benign_fpr_strict``, ``benign_fpr_layout``, ``strict_recall``, ``defect_recall``,
        ``change_pass``, ``iou_strict``, ``iou_layout`` (NaN where the val set lacks the pairs
        to say), ``score`` and the pair counts ``pairs_<kind>``.
    """
    from layoutcheck.segment import predict

    counts = dict.fromkeys(_FIELDS, 0.0)
    multiple = model.config.multiple
    overlap = -(-32 // multiple) * multiple  # the judge's 32 px, rounded up to the pooling grid
    dev = str(device) if device.type != "cuda" else f"cuda:{device.index or 0}"
    for pair in pairs[rank::world]:
        ref, cand, mask = load_sample(pair.root, pair.sample)
        probs = predict(model, _match_size(ref, cand.shape[:2]), cand, tile=tile, overlap=overlap,
                        device=dev, precision=precision)  # (C, H, W)
        strict = 1.0 - probs[0] > threshold  # (H, W)
        layout = probs[FIRST_DEFECT:].sum(axis=0) > threshold
        true_any, true_def = mask >= 1, mask >= FIRST_DEFECT
        flag_s = bool(mask_to_boxes(strict, gap=gap, min_pixels=min_pixels))
        flag_l = bool(mask_to_boxes(layout, gap=gap, min_pixels=min_pixels))
        kind = pair.sample.kind
        counts[kind] += 1
        counts[f"{kind}_flagged_strict"] += flag_s
        if kind == "defect":
            counts["defect_found"] += flag_l and bool((layout & true_def).any())
        else:
            counts[f"{kind}_flagged_layout"] += flag_l
        counts["inter_strict"] += int((strict & true_any).sum())
        counts["union_strict"] += int((strict | true_any).sum())
        counts["inter_layout"] += int((layout & true_def).sum())
        counts["union_layout"] += int((layout | true_def).sum())
    if world > 1:
        total = torch.tensor([counts[k] for k in _FIELDS], dtype=torch.float64, device=device)
        torch.distributed.all_reduce(total)
        counts = dict(zip(_FIELDS, total.tolist(), strict=True))
    return metrics_from_counts(counts)


def metrics_from_counts(c: dict[str, float]) -> dict[str, float]:
    """The val metrics and the checkpoint ``score`` (see the module docstring) from raw counts."""

    def ratio(a: float, b: float) -> float:
        return a / b if b else float("nan")

    m = {
        "benign_fpr_strict": ratio(c["benign_flagged_strict"], c["benign"]),
        "benign_fpr_layout": ratio(c["benign_flagged_layout"], c["benign"]),
        "strict_recall": ratio(c["change_flagged_strict"] + c["defect_flagged_strict"], c["change"] + c["defect"]),
        "defect_recall": ratio(c["defect_found"], c["defect"]),
        "change_pass": 1.0 - ratio(c["change_flagged_layout"], c["change"]),
        "iou_strict": ratio(c["inter_strict"], c["union_strict"]),
        "iou_layout": ratio(c["inter_layout"], c["union_layout"]),
    }
    terms = [m["defect_recall"], 1.0 - m["benign_fpr_strict"], m["change_pass"], m["iou_layout"]]
    terms = [t for t in terms if not np.isnan(t)]
    m["score"] = float(np.mean(terms)) if terms else float("nan")
    m.update({f"pairs_{k}": c[k] for k in ("benign", "change", "defect")})
    return m
