"""Turn per-pixel masks into the rectangles a report shows.

A judge (the pixel judge, later the U-Net) marks pixels; :func:`regions_from_mask` groups them
into connected components, merges components whose boxes lie within a few pixels of each other,
and returns one :class:`~layoutcheck.results.Region` per merged box. Images of different sizes
also get :func:`size_band_regions` for the area only one of them covers.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from skimage.measure import label as _sk_label

from layoutcheck.results import Region

__all__ = ["corners_overlap", "grow_mask", "mask_to_boxes", "regions_from_mask", "size_band_regions"]

Box = tuple[int, int, int, int]
"""``(x, y, w, h)`` in pixels."""

# Up to this many boxes, nearness is decided by comparing all pairs ((n, n) bools); above it by
# painting the boxes, whose cost is a pass over the image.
_PAIRWISE_MAX = 1024


def mask_to_boxes(mask: np.ndarray, *, gap: int = 8, min_pixels: int = 1) -> list[Box]:
    """Bounding boxes of the connected parts of a mask, with nearby parts merged.

    Components are 8-connected. Components of fewer than ``min_pixels`` pixels are dropped first
    (so isolated specks do not join their neighbours), then boxes whose gap is at most ``gap``
    empty pixels both across and down are merged, repeatedly, until no two boxes are that close.
    The boxes returned therefore never overlap.

    Args:
        mask: ``(H, W)`` bool (or 0/1) array.
        gap: Boxes separated by at most this many empty columns and rows are merged; 0 merges
            only touching or overlapping boxes.
        min_pixels: Components smaller than this are dropped.

    Returns:
        ``(x, y, w, h)`` boxes sorted top-to-bottom, then left-to-right.

    Raises:
        ValueError: If ``mask`` is not 2-D, ``gap`` is negative or ``min_pixels`` is below 1.
    """
    mask = _check_mask(mask)
    if gap < 0:
        raise ValueError(f"gap must be >= 0 pixels, got {gap}")
    if min_pixels < 1:
        raise ValueError(f"min_pixels must be >= 1, got {min_pixels}")
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return []
    cols = np.flatnonzero(mask.any(axis=0))
    # Work inside the mask's bounding box: diff masks of long pages are mostly empty.
    top, left = int(rows[0]), int(cols[0])
    crop = mask[top : int(rows[-1]) + 1, left : int(cols[-1]) + 1]  # (h, w)

    labels, _ = _label(crop)  # (h, w) int, 0 = background
    if min_pixels > 1:
        small = np.bincount(labels.ravel()) < min_pixels  # (n + 1,)
        small[0] = False
        labels[small[labels]] = 0
    slices = [s for s in ndimage.find_objects(labels) if s is not None]
    if not slices:
        return []
    edges = np.array(
        [(s[1].start, s[0].start, s[1].stop, s[0].stop) for s in slices], dtype=np.intp
    )  # (n, 4) as x0, y0, x1, y1 (exclusive)
    edges = _merge_near(edges, crop.shape, gap)
    edges[:, [0, 2]] += left
    edges[:, [1, 3]] += top

    order = np.lexsort((edges[:, 0], edges[:, 1]))
    return [(int(x0), int(y0), int(x1 - x0), int(y1 - y0)) for x0, y0, x1, y1 in edges[order]]


def grow_mask(score: np.ndarray, threshold: float, extent: float, *, min_pixels: int = 1) -> np.ndarray:
    """Hysteresis thresholding: ``threshold`` decides *whether* something is there, ``extent`` how far it reaches.

    Seeds are the 8-connected components of ``score > threshold`` of at least ``min_pixels``
    pixels. The result is every pixel of ``score > min(extent, threshold)`` 8-connected to a seed.
    A network that is sure only about the core of a defect (a trained segmenter's probabilities
    fade towards a region's edges) then still gets the region's full extent, while a faint area
    with no confident core never fails: the decision is exactly that of ``score > threshold``
    with ``min_pixels``, only the shapes grow.

    Args:
        score: ``(H, W)`` per-pixel scores.
        threshold: Seed threshold.
        extent: Growth threshold; at or above ``threshold`` nothing grows.
        min_pixels: Seeds smaller than this are dropped (as :func:`mask_to_boxes` drops specks).

    Returns:
        ``(H, W)`` bool.

    Raises:
        ValueError: ``score`` is not 2-D or ``min_pixels`` is below 1.
    """
    if not isinstance(score, np.ndarray) or score.ndim != 2:
        raise ValueError(f"score must be an (H, W) array, got {getattr(score, 'shape', type(score).__name__)}")
    if min_pixels < 1:
        raise ValueError(f"min_pixels must be >= 1, got {min_pixels}")
    out = np.zeros(score.shape, dtype=bool)
    reach = score > min(extent, threshold)  # (H, W)
    rows = np.flatnonzero(reach.any(axis=1))
    if rows.size == 0:
        return out
    cols = np.flatnonzero(reach.any(axis=0))
    area = (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
    seeds = score[area] > threshold  # (h, w)
    if min_pixels > 1:
        seed_labels, _ = _label(seeds)
        big = np.bincount(seed_labels.ravel()) >= min_pixels  # (n + 1,)
        big[0] = False
        seeds = big[seed_labels]
    if not seeds.any():
        return out
    labels, count = _label(reach[area])  # (h, w)
    keep = np.zeros(count + 1, dtype=bool)
    keep[labels[seeds]] = True
    keep[0] = False
    out[area] = keep[labels]
    return out


def regions_from_mask(
    mask: np.ndarray,
    score_map: np.ndarray | None = None,
    *,
    kind: str = "diff",
    gap: int = 8,
    min_pixels: int = 1,
) -> list[Region]:
    """The boxes of :func:`mask_to_boxes` as scored regions.

    Args:
        mask: ``(H, W)`` bool array of flagged pixels.
        score_map: ``(H, W)`` per-pixel scores in [0, 1] (e.g. the pixel judge's normalised
            delta), or None to score every region 1.0.
        kind: The kind written into each region.
        gap: See :func:`mask_to_boxes`.
        min_pixels: See :func:`mask_to_boxes`.

    Returns:
        One region per box, in the order of :func:`mask_to_boxes`. A region's score is the mean
        of ``score_map`` over the mask pixels inside its box, clipped to [0, 1] and rounded to 4
        decimals.

    Raises:
        ValueError: If ``score_map`` does not have the mask's shape, or as
            :func:`mask_to_boxes` does.
    """
    mask = _check_mask(mask)
    if score_map is not None and score_map.shape != mask.shape:
        raise ValueError(
            f"score_map must have the mask's shape {mask.shape}, got {score_map.shape}"
        )
    regions = []
    for x, y, w, h in mask_to_boxes(mask, gap=gap, min_pixels=min_pixels):
        score = 1.0
        if score_map is not None:
            inside = mask[y : y + h, x : x + w]  # (h, w)
            score = float(np.mean(score_map[y : y + h, x : x + w][inside], dtype=np.float64))
        score = round(min(max(score, 0.0), 1.0), 4)
        regions.append(Region(x=x, y=y, w=w, h=h, score=score, kind=kind))
    return regions


def size_band_regions(ref_size: tuple[int, int], cand_size: tuple[int, int]) -> list[Region]:
    """Regions of kind ``"size"`` for the area that only one of two images covers.

    Pixels are compared only in the common area (the top-left ``min(widths) x min(heights)``).
    Beyond it lie a right band and a bottom band, each drawn to the extent of whichever image
    reaches further. When the candidate is the smaller one the band marks where the reference
    had pixels and the candidate has none. The right band takes the corner when both bands
    reach it, so the two never overlap.

    Args:
        ref_size: ``(width, height)`` of the reference.
        cand_size: ``(width, height)`` of the candidate.

    Returns:
        Up to two regions with score 1.0, top-to-bottom; ``[]`` for equal sizes.

    Raises:
        ValueError: If a width or height is not positive.
    """
    for name, size in (("ref_size", ref_size), ("cand_size", cand_size)):
        if len(size) != 2 or min(size) <= 0:
            raise ValueError(f"{name} must be a (width, height) of positive ints, got {size}")
    (rw, rh), (cw, ch) = ref_size, cand_size
    common_w, common_h = min(rw, cw), min(rh, ch)
    regions = []
    if rw != cw:
        wide_h = rh if rw > cw else ch  # height of the wider image
        regions.append(
            Region(x=common_w, y=0, w=max(rw, cw) - common_w, h=wide_h, score=1.0, kind="size")
        )
    if rh != ch:
        regions.append(
            Region(x=0, y=common_h, w=common_w, h=max(rh, ch) - common_h, score=1.0, kind="size")
        )
    return regions


def corners_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two ``(x0, y0, x1, y1)`` rectangles (end-exclusive corners) share a pixel."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a bool mask: labels (0 = background, then 1..n) and n."""
    labels, count = _sk_label(mask, connectivity=2, return_num=True)  # type: ignore[no-untyped-call]
    return labels, int(count)


def _check_mask(mask: np.ndarray) -> np.ndarray:
    """Return ``mask`` as a bool array, raising ``ValueError`` unless it is 2-D."""
    if not isinstance(mask, np.ndarray) or mask.ndim != 2:
        shape = getattr(mask, "shape", type(mask).__name__)
        raise ValueError(f"mask must be an (H, W) array, got {shape}")
    return mask.astype(bool, copy=False)


def _merge_near(edges: np.ndarray, shape: tuple[int, int], gap: int) -> np.ndarray:
    """Merge boxes at most ``gap`` empty pixels apart, until no two are.

    Merging is transitive (A near B near C merges all three), and a merged box can be near a
    box none of its parts was near, hence the rounds.

    Args:
        edges: ``(n, 4)`` boxes as ``x0, y0, x1, y1`` (exclusive), inside ``shape``.
        shape: ``(h, w)`` of the area the boxes lie in.
        gap: Largest number of empty columns and rows between boxes that are merged.

    Returns:
        ``(m, 4)`` merged boxes, m <= n, in no particular order.
    """
    while len(edges) > 1:
        if len(edges) <= _PAIRWISE_MAX:
            group, count = _near_groups_pairwise(edges, gap)
        else:
            group, count = _near_groups_painted(edges, shape, gap)
        if count == len(edges):
            break
        merged = np.empty((count, 4), dtype=np.intp)
        merged[:, :2] = np.iinfo(np.intp).max
        merged[:, 2:] = np.iinfo(np.intp).min
        for col, reduce in enumerate((np.minimum, np.minimum, np.maximum, np.maximum)):
            reduce.at(merged[:, col], group, edges[:, col])
        edges = merged
    return edges


def _near_groups_pairwise(edges: np.ndarray, gap: int) -> tuple[np.ndarray, int]:
    """Group ``(n, 4)`` boxes by nearness, comparing every pair: ``(n,)`` group ids and count."""
    x0, y0, x1, y1 = (edges[:, i] for i in range(4))  # (n,) each
    near = (
        (x0[:, None] <= x1[None, :] + gap)
        & (x0[None, :] <= x1[:, None] + gap)
        & (y0[:, None] <= y1[None, :] + gap)
        & (y0[None, :] <= y1[:, None] + gap)
    )  # (n, n)
    count, group = connected_components(csr_matrix(near), directed=False)
    return group, int(count)


def _near_groups_painted(
    edges: np.ndarray, shape: tuple[int, int], gap: int
) -> tuple[np.ndarray, int]:
    """Group ``(n, 4)`` boxes by nearness in one pass over the image: ``(n,)`` group ids and count.

    Every box is painted grown by ``gap`` to the right and down; two boxes are near exactly when
    their grown versions touch (8-connected), so the painting's components are the groups. This
    costs a pass over the image whatever the number of boxes, where pairs cost n squared.
    """
    h, w = shape
    x0, y0, x1, y1 = (edges[:, i] for i in range(4))  # (n,) each
    # A 2-D difference array: +1/-1 at each box's corners, then running sums down and across.
    corners = np.zeros((h + gap + 1, w + gap + 1), dtype=np.int32)
    np.add.at(corners, (y0, x0), 1)
    np.add.at(corners, (y0, x1 + gap), -1)
    np.add.at(corners, (y1 + gap, x0), -1)
    np.add.at(corners, (y1 + gap, x1 + gap), 1)
    np.cumsum(corners, axis=0, out=corners)  # in place: a fresh array costs twice the time
    np.cumsum(corners, axis=1, out=corners)
    painted = corners[:-1, :-1] > 0  # (h + gap, w + gap)
    groups, count = _label(painted)
    # A box's top-left pixel is painted by the box itself, so it carries the box's group.
    return groups[y0, x0] - 1, int(count)
