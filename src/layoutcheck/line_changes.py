"""Lines and outlines that changed on an otherwise unchanged page: a change the strict level fails.

A border, an outline or a rule that changed colour is a real change, but it is thin: no 3x3
neighbourhood on it is flat (so :mod:`flat_changes` does not see it), and the network, which
judges a tile without the rest of the page, takes a thin line that changed for the sub-pixel
shifts and anti-aliasing it learnt to pass (the real-page val split: a 1x589 px input border
from dark grey to green, a 402x45 px button outline, an input's border pushed 68 px out, each at
p(change or defect) 0.04 or less).

What tells them apart is the rest of the page. Rendering noise (fonts, hinting, sub-pixel
positions, re-encodings, colour profiles) touches the whole page; a border that changed on a
page where nothing else did is no noise. So the rule looks only at pages whose differing pixels
(any channel by :data:`TOUCH_LEVELS` or more: a gradient repainted by one level is not one) lie
in at most :data:`MAX_TILES` tiles of :data:`TILE` px, and there fails each connected group of
strongly changed pixels (:data:`LINE_LEVELS` or more) that is a straight line or a box outline:
at least :data:`MIN_LENGTH` px long (longer than a text caret), with at least one pixel per unit
of length, and at least :data:`EDGE_SHARE` of its pixels within one pixel of the edge of its
bounding box (a glyph, an icon or a filled box has pixels inside).

Measured on the real-page set (`synth --realpages`, all 879 pairs) and both generated sets
(`synth-v`, `synth-r`): it fires on 1 of 376 benign pairs (an animated underline, 2x432 px, a
test-split `animation-frame`) and finds 3 of the 7 val changes and defects the shipped network
misses at strict; with 8 tiles instead of 16 it finds 2 and fires on none, with 32 it fires on 6.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from layoutcheck.flat_changes import channel_levels
from layoutcheck.regions import Box

#: Smallest change of one channel that counts as touching a tile (out of 255).
TOUCH_LEVELS = 3
#: Side of the tiles counted, in px.
TILE = 64
#: Most tiles the page may differ in for the rule to look at it (16 tiles of 64 px: 6 % of a
#: 1280x800 screenshot).
MAX_TILES = 16
#: Smallest change of one channel that is part of a changed line (out of 255).
LINE_LEVELS = 32
#: Shortest line or outline (its bounding box's longer side) that counts, in px: a text caret is
#: shorter.
MIN_LENGTH = 48
#: Least share of a group's pixels within one pixel of its bounding box's edge.
EDGE_SHARE = 0.8

_EIGHT = np.ones((3, 3), dtype=bool)


def line_changes(reference: np.ndarray, candidate: np.ndarray) -> list[Box]:
    """``(x, y, w, h)`` boxes of the straight lines and outlines that changed on a page that
    differs nowhere else (see the module docstring); ``[]`` for a page that differs in more than
    :data:`MAX_TILES` tiles.

    Args:
        reference, candidate: ``(H, W, 3)`` uint8 RGB of one size (the reference aligned to the
            candidate's rows).

    Raises:
        ValueError: The images are not of one ``(H, W, 3)`` shape.
    """
    if reference.shape != candidate.shape or reference.ndim != 3 or reference.shape[2] != 3:
        raise ValueError(f"need two (H, W, 3) images of one size, got {reference.shape} and {candidate.shape}")
    h, w = candidate.shape[:2]
    # One row of tiles at a time: a page with noise all over stops at its first rows.
    touched: dict[int, np.ndarray] = {}  # tile row -> its (TILE, W) uint8 levels, for rows that differ
    count = 0
    for row, top in enumerate(range(0, h, TILE)):
        level = channel_levels(reference[top : top + TILE], candidate[top : top + TILE])  # (t, W)
        columns = (level >= TOUCH_LEVELS).any(axis=0)  # (W,)
        if columns.any():
            count += np.count_nonzero(np.logical_or.reduceat(columns, np.arange(0, w, TILE)))
            if count > MAX_TILES:
                return []
            touched[row] = level
    boxes: list[Box] = []
    # A changed line also touches every tile it crosses, so it lies in one run of touched tile rows.
    rows = sorted(touched)
    runs = np.split(np.array(rows, dtype=np.int64), np.flatnonzero(np.diff(rows) > 1) + 1) if rows else []
    for run in runs:
        top = int(run[0]) * TILE
        labels, _ = ndimage.label(np.concatenate([touched[r] for r in run.tolist()]) >= LINE_LEVELS, structure=_EIGHT)
        for index, where in enumerate(ndimage.find_objects(labels), start=1):  # labels are 1..n, none missing
            group = labels[where] == index  # (bh, bw)
            bh, bw = group.shape
            length = max(bh, bw)
            ys, xs = np.nonzero(group)
            if length < MIN_LENGTH or ys.size < length:
                continue
            on_edge = (np.minimum(ys, bh - 1 - ys) <= 1) | (np.minimum(xs, bw - 1 - xs) <= 1)
            if np.count_nonzero(on_edge) >= EDGE_SHARE * ys.size:
                boxes.append((where[1].start, top + where[0].start, bw, bh))
    return boxes
