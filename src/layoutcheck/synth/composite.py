"""The image-space compositor: defect, change and benign pairs from one rendered page, no browser.

From a screenshot and its element boxes (the capture sidecar), :func:`composite_pair` cuts an
element's pixels out and pastes them back wrong -- moved, removed, doubled, clipped, covered,
sticking out, wrapped, squeezed, recoloured or swapped -- and labels the pixels that changed.
It is fast enough to feed a GPU from a few CPU cores (``benchmarks/compositor_speed.py``).

Every op (:mod:`layoutcheck.synth.composite_ops`) is planned in page coordinates as a list of patches (opaque pixels, or an additive
"ink" delta for elements with a transparent background, so text over text shows both), then
rendered into an ``S x S`` window around the patches. The label follows docs/dataset.md: the
pixels inside the patched boxes that changed by more than :data:`DIFF_THRESHOLD`, dilated by
:data:`MASK_DILATION`; for ``remove`` the element's former box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from layoutcheck.elements import ElementBox
from layoutcheck.errors import InputError
from layoutcheck.synth.composite_ops import MAX_TRIES, OPS, Box, Page, Patch, Plan, chan_absdiff
from layoutcheck.synth.noise import random_noise

#: Op -> the mask class it labels (docs/dataset.md). ``recolour``/``swap`` are changes, ``benign``
#: is rendering noise only.
COMPOSITE_KINDS: dict[str, int] = {
    "move": 7, "remove": 8, "duplicate": 2, "overlap": 2, "clip": 5, "occlude": 10,
    "overflow": 3, "wrap": 6, "text-overlap": 11, "recolour": 1, "swap": 1, "benign": 0,
}

#: A pixel counts as changed (and is labelled) when a channel moved by more than this many
#: levels: below it an op's edit is as faint as rendering noise (a background fill over a gradient).
DIFF_THRESHOLD = 8

#: Pixels the changed area grows by (a square structuring element) to make the label.
MASK_DILATION = 2



@dataclass(frozen=True)
class CompositePair:
    """A reference/candidate pair with its label, in crop coordinates."""

    reference: np.ndarray  # (S, S, 3) uint8
    candidate: np.ndarray  # (S, S, 3) uint8
    mask: np.ndarray  # (S, S) uint8 class values
    kind: str  # "defect" | "change" | "benign"
    classes: tuple[int, ...]
    boxes: tuple[tuple[int, int, int, int, int], ...]  # x, y, w, h, class
    params: dict[str, Any]  # op, selectors, offsets, crop origin, noise kind: JSON-serialisable


def composite_pair(
    page: np.ndarray,
    elements: Sequence[ElementBox],
    rng: np.random.Generator,
    *,
    size: int | None = 512,
    op: str | None = None,
    noise: float = 0.5,
) -> CompositePair:
    """Synthesise one training pair from a rendered page.

    Args:
        page: ``(H, W, 3)`` ``uint8`` screenshot with no defect.
        elements: its element boxes (``read_sidecar(...).elements``).
        rng: all randomness; the same state gives identical arrays.
        size: side of the square crop (padded with white where the page is smaller), or
            ``None`` for the whole page.
        op: one of :data:`COMPOSITE_KINDS`, or ``None`` to draw one (ops this page cannot
            support are skipped; ``benign`` always works).
        noise: probability of adding one benign rendering noise to the candidate
            (``benign`` always gets one). Only ``vshift`` moves the mask, with the pixels.

    Returns:
        The pair; ``params`` records the op, elements, offsets, crop origin and noise kind.

    Raises:
        ValueError: bad arguments (unknown op, page not ``(H, W, 3)`` ``uint8``, tiny size).
        InputError: the requested ``op`` found no suitable element on this page.
    """
    if page.ndim != 3 or page.shape[2] != 3 or page.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 page, got {page.shape} {page.dtype}")
    if op is not None and op not in COMPOSITE_KINDS:
        raise ValueError(f"unknown op {op!r}; expected one of {', '.join(COMPOSITE_KINDS)}")
    if size is not None and size < 64:
        raise ValueError(f"size must be at least 64 px, got {size}")
    noisy = bool(rng.random() < noise)
    noise_rng = np.random.default_rng(int(rng.integers(2**63)))  # op draws never shift the noise
    pg = Page(page, elements, size)
    names = [op] if op is not None else [str(n) for n in rng.permutation(list(COMPOSITE_KINDS))]
    for name in names:
        pg.bad.clear()
        for _ in range(MAX_TRIES):
            plan = OPS[name](pg, rng)
            if plan is None:
                break  # nothing on the page suits this op
            pair = _render(pg, plan, name, rng, noise_rng, noisy or name == "benign")
            if pair is not None:
                return pair
            if plan.target >= 0:
                pg.bad.add(plan.target)
    raise InputError(
        f"op {op!r} found no suitable element among {len(elements)} on a {page.shape[1]}x{page.shape[0]} "
        "page; pass op=None to let the compositor pick an op the page supports"
    )


# -- rendering a plan into a crop ------------------------------------------------------------


def _window(pg: Page, boxes: list[Box], rng: np.random.Generator) -> tuple[int, int, int, int] | None:
    """Crop origin and size around ``boxes``: (x0, y0, w, h); ``None`` if they do not fit."""
    if pg.size is None:
        return 0, 0, pg.w, pg.h
    m = MASK_DILATION + 2
    bx0 = max(min(b[0] for b in boxes) - m, 0)
    by0 = max(min(b[1] for b in boxes) - m, 0)
    bx1 = min(max(b[0] + b[2] for b in boxes) + m, pg.w)
    by1 = min(max(b[1] + b[3] for b in boxes) + m, pg.h)
    s = pg.size
    if bx1 - bx0 > s or by1 - by0 > s:
        return None
    x0 = int(rng.integers(max(0, bx1 - s), min(bx0, pg.w - s) + 1)) if pg.w > s else 0
    y0 = int(rng.integers(max(0, by1 - s), min(by0, pg.h - s) + 1)) if pg.h > s else 0
    return x0, y0, s, s


def _render(
    pg: Page, plan: Plan, op: str, rng: np.random.Generator, noise_rng: np.random.Generator, noisy: bool
) -> CompositePair | None:
    """Paint the plan into a crop and label it; ``None`` if the plan changed nothing visible."""
    if op != "benign" and not plan.patches:
        return None
    boxes = [p.box for p in plan.patches] + plan.focus
    win = _window(pg, boxes, rng)
    if win is None:
        return None
    x0, y0, cw, ch = win
    ref = np.full((ch, cw, 3), 255, dtype=np.uint8)
    vis = pg.img[y0 : y0 + ch, x0 : x0 + cw]
    ref[: vis.shape[0], : vis.shape[1]] = vis
    cand = ref.copy()
    for p in plan.patches:
        _paste(cand, p, x0, y0, min(cw, pg.w - x0), min(ch, pg.h - y0))
    core = chan_absdiff(cand, ref) > DIFF_THRESHOLD  # (ch, cw)
    if plan.whole_box is not None:
        bx, by, bw, bh = plan.whole_box
        core[max(by - y0, 0) : max(by + bh - y0, 0), max(bx - x0, 0) : max(bx + bw - x0, 0)] = True
    if op != "benign" and not core.any():
        return None
    cls = COMPOSITE_KINDS[op]
    grown = core if plan.whole_box is not None else _dilate(core, MASK_DILATION)
    mask = grown.astype(np.uint8) * np.uint8(cls)
    params: dict[str, Any] = {"op": op, **plan.params, "crop": [x0, y0, cw, ch], "noise": None}
    if noisy:
        cand, moved, params["noise"] = random_noise(cand, noise_rng, mask)
        mask = moved if moved is not None else mask
    classes = (cls,) if mask.any() else ()
    kind = "benign" if not classes else ("change" if cls == 1 else "defect")
    return CompositePair(ref, cand, mask, kind, classes, _regions(mask), params)


def _paste(canvas: np.ndarray, p: Patch, ox: int, oy: int, w: int, h: int) -> None:
    """Paint a patch into ``canvas[:h, :w]`` (the page's part of the crop at page offset ox, oy)."""
    ph, pw = p.pixels.shape[:2]
    x, y = p.x - ox, p.y - oy
    cx0, cy0, cx1, cy1 = max(x, 0), max(y, 0), min(x + pw, w), min(y + ph, h)
    if cx0 >= cx1 or cy0 >= cy1:
        return
    src = p.pixels[cy0 - y : cy1 - y, cx0 - x : cx1 - x]
    dst = canvas[cy0:cy1, cx0:cx1]
    dst[...] = np.clip(dst.astype(np.int16) + src, 0, 255) if p.additive else src


def _dilate(core: np.ndarray, r: int) -> np.ndarray:
    """Binary dilation by a (2r+1)-square, computed only around the true pixels."""
    ys, xs = np.nonzero(core)
    if ys.size == 0:
        return core
    h, w = core.shape
    y0, y1 = max(int(ys.min()) - r, 0), min(int(ys.max()) + r + 1, h)
    x0, x1 = max(int(xs.min()) - r, 0), min(int(xs.max()) + r + 1, w)
    sub = np.pad(core[y0:y1, x0:x1], r)
    rows = sub[: sub.shape[0] - 2 * r].copy()
    for k in range(1, 2 * r + 1):
        rows |= sub[k : k + sub.shape[0] - 2 * r]
    out = rows[:, : rows.shape[1] - 2 * r].copy()
    for k in range(1, 2 * r + 1):
        out |= rows[:, k : k + rows.shape[1] - 2 * r]
    grown = np.zeros_like(core)
    grown[y0:y1, x0:x1] = out
    return grown


def _regions(mask: np.ndarray, cell: int = 8) -> tuple[tuple[int, int, int, int, int], ...]:
    """Boxes of the labelled regions: parts of the mask closer than about a cell are one region."""
    h, w = mask.shape
    ph, pw = -h % cell, -w % cell
    padded = np.pad(mask, ((0, ph), (0, pw)))
    coarse = padded.reshape(padded.shape[0] // cell, cell, padded.shape[1] // cell, cell).max(3).max(1)
    labels, _ = ndimage.label(coarse > 0, structure=np.ones((3, 3)))
    out = []
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        fy, fx = slice(sl[0].start * cell, sl[0].stop * cell), slice(sl[1].start * cell, sl[1].stop * cell)
        own = np.repeat(np.repeat(labels[sl] == k, cell, axis=0), cell, axis=1)
        sub = padded[fy, fx] * own
        ys, xs = np.nonzero(sub)
        cls = int(sub[ys[0], xs[0]])
        x0, y0 = fx.start + int(xs.min()), fy.start + int(ys.min())
        out.append((x0, y0, fx.start + int(xs.max()) + 1 - x0, fy.start + int(ys.max()) + 1 - y0, cls))
    return tuple(out)
