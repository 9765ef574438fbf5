"""The mask rule of docs/dataset.md, in numpy.

The labelled region is where the candidate differs from the reference (max channel difference
above :data:`TOLERANCE`) inside the boxes of the mutated element (before and after) and of the
elements it now collides with, dilated by :data:`DILATE` pixels; for a missing element it is the
element's former box, whole. Boxes arrive in CSS pixels of the document and are turned into
screenshot pixels here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import ndimage

from layoutcheck.regions import mask_to_boxes

#: A pixel differs when some channel moved by more than this many levels.
TOLERANCE = 8
#: The labelled core is dilated by this many pixels (a (2r+1)² square).
DILATE = 3

PixelBox = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), screenshot pixels


def to_pixels(box: tuple[float, float, float, float], scale: float, origin: tuple[float, float],
              shape: tuple[int, int]) -> PixelBox | None:
    """A CSS-pixel document box as a screenshot-pixel box clipped to ``shape`` (H, W); None if empty."""
    x, y, w, h = box
    x0 = max(0, math.floor((x - origin[0]) * scale))
    y0 = max(0, math.floor((y - origin[1]) * scale))
    x1 = min(shape[1], math.ceil((x + w - origin[0]) * scale))
    y1 = min(shape[0], math.ceil((y + h - origin[1]) * scale))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def differs(reference: np.ndarray, candidate: np.ndarray, box: PixelBox | None = None,
            tolerance: int = TOLERANCE) -> np.ndarray:
    """Where the candidate differs from the reference, inside ``box`` (default: the whole candidate).

    Outside the reference's frame the candidate is compared with white, as the dataset writer
    pads the smaller screenshot with white to align a pair.

    Returns:
        ``(y1 - y0, x1 - x0)`` bool array for the box.
    """
    x0, y0, x1, y1 = box if box is not None else (0, 0, candidate.shape[1], candidate.shape[0])
    a = np.full((y1 - y0, x1 - x0, 3), 255, dtype=np.int16)  # (h, w, 3) the reference, padded white
    ys, xs = min(y1, reference.shape[0]), min(x1, reference.shape[1])
    if ys > y0 and xs > x0:
        a[: ys - y0, : xs - x0] = reference[y0:ys, x0:xs]
    return np.abs(a - candidate[y0:y1, x0:x1].astype(np.int16)).max(axis=2) > tolerance


def any_difference(reference: np.ndarray, candidate: np.ndarray, tolerance: int = TOLERANCE) -> bool:
    """Whether some candidate pixel differs from the reference (different sizes always differ)."""
    if reference.shape != candidate.shape:
        return True
    rows = np.flatnonzero((reference != candidate).any(axis=(1, 2)))
    if rows.size == 0:
        return False
    return bool(differs(reference, candidate, (0, int(rows[0]), candidate.shape[1], int(rows[-1]) + 1),
                        tolerance).any())


def label(reference: np.ndarray, candidate: np.ndarray, boxes: Iterable[PixelBox], value: int,
          *, whole: bool = False) -> np.ndarray:
    """The mask of one mutation: ``value`` on the labelled region, 0 elsewhere.

    Args:
        reference: ``(H, W, 3)`` reference screenshot.
        candidate: ``(H', W', 3)`` candidate screenshot; the mask has its size.
        boxes: screenshot-pixel boxes (clipped to the candidate) that bound the region.
        value: the class.
        whole: label the boxes whole (a missing element) instead of their differing pixels.

    Returns:
        ``(H', W')`` uint8 mask.
    """
    h, w = candidate.shape[:2]
    mask = np.zeros((h, w), dtype=np.uint8)
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return mask
    if whole:
        for x0, y0, x1, y1 in boxes:
            mask[y0:y1, x0:x1] = value
        return mask
    # Work in the rows and columns the boxes cover, plus the dilation margin.
    cx0, cy0 = max(0, min(b[0] for b in boxes) - DILATE), max(0, min(b[1] for b in boxes) - DILATE)
    cx1, cy1 = min(w, max(b[2] for b in boxes) + DILATE), min(h, max(b[3] for b in boxes) + DILATE)
    region = np.zeros((cy1 - cy0, cx1 - cx0), dtype=bool)  # (h, w) of the crop
    for x0, y0, x1, y1 in boxes:
        region[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0] = True
    core = region & differs(reference, candidate, (cx0, cy0, cx1, cy1))
    if not core.any():
        return mask
    grown = ndimage.binary_dilation(core, structure=np.ones((2 * DILATE + 1,) * 2, dtype=bool))
    mask[cy0:cy1, cx0:cx1][grown] = value
    return mask


def labelled_boxes(mask: np.ndarray) -> tuple[tuple[int, int, int, int, int], ...]:
    """``(x, y, w, h, class)`` of the labelled regions (nearby parts merged, as in reports)."""
    out = []
    for value in np.unique(mask):
        if value == 0:
            continue
        out.extend((x, y, w, h, int(value)) for x, y, w, h in mask_to_boxes(mask == value, gap=8))
    return tuple(out)
