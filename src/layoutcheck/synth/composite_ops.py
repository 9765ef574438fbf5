"""The compositor's page model and its ops: where on a rendered page an edit can go, and what it pastes.

:class:`Page` wraps a screenshot and its element boxes with the questions the ops ask (visible?
own background? what colour around it? its ink?). Each op (:data:`OPS`) draws an element and
returns a :class:`Plan` in page coordinates: patches of opaque pixels, or additive "ink" deltas
for elements with a transparent background, so text over text shows both. Rendering a plan into
a labelled crop is :mod:`layoutcheck.synth.composite`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from layoutcheck.elements import ElementBox

_INK = 40  # levels from the background that make a pixel part of an element's content
MAX_TRIES = 12  # elements tried per op before the op counts as impossible on this page
_IMAGE_TAGS = frozenset({"img", "svg", "picture", "video", "canvas"})

Box = tuple[int, int, int, int]  # x, y, w, h


@dataclass(frozen=True)
class Patch:
    """Pixels to put at (x, y) of the page: opaque ``uint8`` or an additive ``int16`` delta."""

    x: int
    y: int
    pixels: np.ndarray  # (h, w, 3)
    additive: bool = False

    @property
    def box(self) -> Box:
        return self.x, self.y, self.pixels.shape[1], self.pixels.shape[0]


@dataclass
class Plan:
    patches: list[Patch]
    params: dict[str, Any]
    whole_box: Box | None = None  # label this box entirely (remove)
    target: int = -1  # the element mutated: not tried again for this op if the plan fails
    focus: list[Box] = field(default_factory=list)  # must be inside the crop besides the patches


# -- the page and its elements ---------------------------------------------------------------


class Page:
    """A page, its usable elements and cached per-element measurements."""

    def __init__(self, img: np.ndarray, elements: Sequence[ElementBox], size: int | None) -> None:
        self.img = img
        self.h, self.w = img.shape[:2]
        self.size = size
        # elements are chosen to fit the crop; a whole page still gets element-sized defects
        self.lim = size if size is not None else min(max(self.h, self.w), 1024)
        self.els = list(elements)
        raw = np.array([e.box for e in self.els], dtype=np.int64).reshape(-1, 4)
        x0 = np.clip(raw[:, 0], 0, self.w)
        y0 = np.clip(raw[:, 1], 0, self.h)
        x1 = np.clip(raw[:, 0] + raw[:, 2], 0, self.w)
        y1 = np.clip(raw[:, 1] + raw[:, 3], 0, self.h)
        self.x0, self.y0, self.bw, self.bh = x0, y0, x1 - x0, y1 - y0
        area = self.bw * self.bh
        whole = (self.bw >= 0.9 * self.w) & (self.bh >= 0.5 * self.h)
        tags = np.array([e.tag.lower() in ("html", "body") for e in self.els], dtype=bool)
        self.ok = (self.bw >= 6) & (self.bh >= 6) & (area >= 0.9 * raw[:, 2] * raw[:, 3]) & ~whole & ~tags
        # inside[i, j]: box j lies within box i (equal boxes: the later, deeper one is inside)
        n = len(self.els)
        order = np.arange(n)
        inside = (
            (x0[None, :] >= x0[:, None]) & (y0[None, :] >= y0[:, None])
            & (x1[None, :] <= x1[:, None]) & (y1[None, :] <= y1[:, None])
            & ((area[None, :] < area[:, None]) | (order[None, :] > order[:, None]))
        )
        self.inside = inside & self.ok[None, :] & self.ok[:, None]
        self.leaf = ~self.inside.any(axis=1)
        self.text = np.array([e.text_length > 0 for e in self.els], dtype=bool)
        self.image = np.array([e.tag.lower() in _IMAGE_TAGS for e in self.els], dtype=bool)
        self._outer: dict[int, np.ndarray] = {}
        self._bg: dict[int, np.ndarray] = {}
        self._own: dict[int, bool] = {}
        self._visible: dict[int, bool] = {}
        self.bad: set[int] = set()  # elements that already failed the current op

    def box(self, i: int) -> Box:
        return int(self.x0[i]), int(self.y0[i]), int(self.bw[i]), int(self.bh[i])

    def pixels(self, box: Box) -> np.ndarray:
        x, y, w, h = box
        patch: np.ndarray = self.img[y : y + h, x : x + w]
        return patch

    def fits(self, frac_w: float, frac_h: float) -> np.ndarray:
        """Usable elements at most ``frac_w`` x ``frac_h`` of the crop: room to move them inside it."""
        small: np.ndarray = self.ok & (self.bw <= frac_w * self.lim) & (self.bh <= frac_h * self.lim)
        return small

    def related(self, i: int) -> np.ndarray:
        """Elements that contain ``i`` or lie within it (and ``i`` itself)."""
        rel: np.ndarray = self.inside[i] | self.inside[:, i]
        rel[i] = True
        return rel

    def outer(self, i: int) -> np.ndarray:
        """The colour around element ``i``: median of a 1-px ring 2 px outside its box."""
        if i not in self._outer:
            self._outer[i] = _ring_colour(self.img, self.box(i), -2)
        return self._outer[i]

    def own_bg(self, i: int) -> bool:
        """Whether the element paints its own background (a button, a card, an image)."""
        if i not in self._own:
            _, _, w, h = self.box(i)
            inner = _ring_colour(self.img, self.box(i), 3) if min(w, h) >= 8 else self.outer(i)
            self._own[i] = bool(self.image[i] or np.abs(inner.astype(np.int16) - self.outer(i)).max() > 10)
        return self._own[i]

    def bg(self, i: int) -> np.ndarray:
        """The colour behind the element's content, which erasing the element reveals.

        The colour around it when it paints its own background; otherwise the colour just
        inside its box, which is within 10 levels of it but follows a parent's fill (a striped
        table row) rather than the neighbours'.
        """
        if i not in self._bg:
            _, _, w, h = self.box(i)
            own = self.own_bg(i) or min(w, h) < 6
            self._bg[i] = self.outer(i) if own else _ring_colour(self.img, self.box(i), 2)
        return self._bg[i]

    def ink(self, i: int, box: Box | None = None) -> np.ndarray:
        """``(h, w)`` ``uint8``: per pixel, the largest channel distance from ``bg(i)``."""
        return chan_absdiff(self.pixels(box or self.box(i)), self.bg(i))

    def visible(self, i: int) -> bool:
        if i not in self._visible:
            ink = self.ink(i)
            self._visible[i] = bool(np.count_nonzero(ink > _INK) >= max(6, 0.003 * ink.size))
        return self._visible[i]

    def pick(self, rng: np.random.Generator, eligible: np.ndarray, leaf_weight: float = 3.0) -> int | None:
        """A visible element drawn from ``eligible`` (leaves ``leaf_weight`` times as likely)."""
        eligible = eligible.copy()
        eligible[list(self.bad)] = False
        for _ in range(MAX_TRIES):
            if not eligible.any():
                return None
            w = eligible * np.where(self.leaf, leaf_weight, 1.0)
            i = int(rng.choice(len(w), p=w / w.sum()))
            if self.visible(i):
                return i
            eligible[i] = False
        return None

    def opaque_or_ink(self, i: int, box: Box | None = None) -> tuple[np.ndarray, bool]:
        """Element pixels to paste: opaque if it has its own background, else its ink delta."""
        if self.own_bg(i):
            return self.pixels(box or self.box(i)), False
        return _ink_delta(self, i, box or self.box(i)), True

    def fill(self, box: Box, colour: np.ndarray) -> Patch:
        x, y, w, h = box
        return Patch(x, y, np.broadcast_to(colour.astype(np.uint8), (h, w, 3)))


def _ring_colour(img: np.ndarray, box: Box, inset: int) -> np.ndarray:
    """Median colour of the 1-px ring ``inset`` px inside the box (negative: outside), clipped."""
    h_img, w_img = img.shape[:2]
    x, y, w, h = box
    x0, y0, x1, y1 = x + inset, y + inset, x + w - 1 - inset, y + h - 1 - inset
    cx0, cx1 = max(x0, 0), min(x1, w_img - 1)
    cy0, cy1 = max(y0, 0), min(y1, h_img - 1)
    parts = []
    if 0 <= y0 < h_img and cx0 <= cx1:
        parts.append(img[y0, cx0 : cx1 + 1])
    if 0 <= y1 < h_img and cx0 <= cx1:
        parts.append(img[y1, cx0 : cx1 + 1])
    if 0 <= x0 < w_img and cy0 <= cy1:
        parts.append(img[cy0 : cy1 + 1, x0])
    if 0 <= x1 < w_img and cy0 <= cy1:
        parts.append(img[cy0 : cy1 + 1, x1])
    if not parts:  # the ring lies off the page: use the box's own border
        return _ring_colour(img, box, 0) if inset < 0 else np.full(3, 255, np.uint8)
    colour: np.ndarray = np.median(np.concatenate(parts), axis=0).astype(np.uint8)
    return colour


def chan_absdiff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Largest per-channel absolute difference, ``(..., 3) -> (...)`` ``uint8``.

    Channel-by-channel maxima: numpy's ``max(axis=-1)`` over 3 values is ~10x slower.
    """
    d = np.maximum(a, b) - np.minimum(a, b)
    out: np.ndarray = np.maximum(np.maximum(d[..., 0], d[..., 1]), d[..., 2])
    return out


def _intersect(a: Box, b: Box) -> int:
    iw = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    ih = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(iw, 0) * max(ih, 0)


# -- ops: each returns a plan in page coordinates, or None when the page has nothing for it -----


def _move(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Misalignment: an element 2-20 px off its place, its old place showing the background."""
    i = pg.pick(rng, pg.fits(0.5, 0.4))
    if i is None:
        return None
    d = [int(rng.integers(2, 21)) * int(rng.choice([-1, 1])) for _ in range(2)]
    if rng.random() < 0.7:
        d[int(rng.integers(2))] = 0
    box = pg.box(i)
    src, additive = pg.opaque_or_ink(i)
    patches = [pg.fill(box, pg.bg(i)), Patch(box[0] + d[0], box[1] + d[1], src, additive)]
    return Plan(patches, {"selector": pg.els[i].selector, "box": list(box), "offset": d}, target=i)


def _remove(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Missing: an element painted over with the background around it."""
    i = pg.pick(rng, pg.fits(0.6, 0.5), leaf_weight=2.0)
    if i is None:
        return None
    box = pg.box(i)
    params = {"selector": pg.els[i].selector, "box": list(box)}
    return Plan([pg.fill(box, pg.bg(i))], params, whole_box=box, target=i)


def _neighbour(pg: Page, rng: np.random.Generator, i: int, max_gap: int, frac: float) -> int | None:
    """A visible element at most ``max_gap`` px from ``i``, not overlapping it, not nested with it."""
    x, y, w, h = pg.box(i)
    dx = np.maximum(pg.x0 - x - w, x - pg.x0 - pg.bw)  # < 0 where the x ranges overlap
    dy = np.maximum(pg.y0 - y - h, y - pg.y0 - pg.bh)
    gap = np.maximum(dx, dy)  # >= 0 exactly when the boxes do not overlap
    return pg.pick(rng, pg.fits(frac, frac) & ~pg.related(i) & (gap >= 0) & (gap <= max_gap))


def _collide(pg: Page, rng: np.random.Generator, keep_original: bool) -> Plan | None:
    """Overlap: an element moved part-way onto its neighbour (or, for duplicate, a copy of it)."""
    i = pg.pick(rng, pg.fits(0.35, 0.3))
    if i is None:
        return None
    j = _neighbour(pg, rng, i, 48, 0.35)
    if j is None:
        return Plan([], {}, target=i)  # this element has no neighbour; try another
    a, b = pg.box(i), pg.box(j)
    ca = np.array([a[0] + a[2] / 2, a[1] + a[3] / 2])
    cb = np.array([b[0] + b[2] / 2, b[1] + b[3] / 2])
    d = ca - cb
    half = np.array([(a[2] + b[2]) / 2, (a[3] + b[3]) / 2])
    s_max = min(float(half[k] / abs(d[k])) for k in range(2) if abs(d[k]) > 1e-6) if np.any(d) else 1.0
    s = min(s_max, 1.0) * float(rng.uniform(0.4, 0.8))
    new = cb + d * s - np.array([a[2] / 2, a[3] / 2])
    nx, ny = int(round(new[0])), int(round(new[1]))
    if _intersect((nx, ny, a[2], a[3]), b) < 0.08 * min(a[2] * a[3], b[2] * b[3]):
        return Plan([], {}, target=i)
    src, additive = pg.opaque_or_ink(i)
    patches = [] if keep_original else [pg.fill(a, pg.bg(i))]
    patches.append(Patch(nx, ny, src, additive))
    params = {"selector": pg.els[i].selector, "other": pg.els[j].selector, "box": list(a),
              "offset": [nx - a[0], ny - a[1]]}
    return Plan(patches, params, target=i)


def _clip(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Clipping: the right or bottom part of a text (or image) cut off at a hard edge."""
    eligible = pg.fits(0.6, 0.5) & (pg.text | pg.image) & (pg.bw >= 24) & (pg.bh >= 10)
    i = pg.pick(rng, eligible)
    if i is None:
        return None
    x, y, w, h = pg.box(i)
    ys, xs = np.nonzero(pg.ink(i) > _INK)
    ix0, ix1, iy0, iy1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    sides = (["right"] if ix1 - ix0 >= 24 else []) + (["bottom"] if iy1 - iy0 >= 24 else [])
    if not sides:
        return Plan([], {}, target=i)
    side = sides[int(rng.integers(len(sides)))]
    t = float(rng.uniform(0.35, 0.85))
    if side == "right":
        cut = ix0 + int(t * (ix1 - ix0))
        box = (x + cut, y, w - cut, h)
    else:
        cut = iy0 + int(t * (iy1 - iy0))
        box = (x, y + cut, w, h - cut)
    params = {"selector": pg.els[i].selector, "box": [x, y, w, h], "side": side, "cut": cut}
    return Plan([pg.fill(box, pg.bg(i))], params, target=i)


def _occlude(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Occlusion: another element's box painted on top, hiding 30-100 % of the target."""
    i = pg.pick(rng, pg.fits(0.4, 0.35))
    if i is None:
        return None
    a = pg.box(i)
    eligible = pg.fits(0.45, 0.4) & ~pg.related(i) & (pg.bw * pg.bh >= 0.15 * a[2] * a[3])
    near = np.hypot(pg.x0 + pg.bw / 2 - a[0] - a[2] / 2, pg.y0 + pg.bh / 2 - a[1] - a[3] / 2) <= 0.6 * pg.lim
    pool = eligible & near if (eligible & near).any() else eligible
    j = None
    for _ in range(3):  # prefer a cover that paints its own background (a card, a button, an image)
        j = pg.pick(rng, pool)
        if j is None or pg.own_bg(j):
            break
    if j is None:
        return Plan([], {}, target=i)
    c = pg.box(j)
    for _ in range(10):
        nx = int(rng.uniform(a[0] - 0.6 * c[2], a[0] + a[2] - 0.4 * c[2]))
        ny = int(rng.uniform(a[1] - 0.6 * c[3], a[1] + a[3] - 0.4 * c[3]))
        if _intersect((nx, ny, c[2], c[3]), a) >= 0.3 * a[2] * a[3]:
            params = {"selector": pg.els[i].selector, "other": pg.els[j].selector, "box": list(a),
                      "cover": [nx, ny, c[2], c[3]]}
            return Plan([Patch(nx, ny, pg.pixels(c))], params, target=i)
    return Plan([], {}, target=i)


def _framed(pg: Page, p: int) -> bool:
    """Whether container ``p`` has a visible edge: its own background or a border line."""
    outer = pg.outer(p).astype(np.int16)
    inner = _ring_colour(pg.img, pg.box(p), 3).astype(np.int16)
    edge = _ring_colour(pg.img, pg.box(p), 0).astype(np.int16)
    return bool(np.abs(inner - outer).max() > 6 or min(np.abs(edge - outer).max(), np.abs(edge - inner).max()) > 12)


def _overflow(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Overflow: a child sticking 8-48 px out of its framed container (grown or pushed out)."""
    ps, cs = np.nonzero(pg.inside & pg.fits(0.7, 0.4)[None, :])
    gap_r = pg.x0[ps] + pg.bw[ps] - pg.x0[cs] - pg.bw[cs]
    gap_b = pg.y0[ps] + pg.bh[ps] - pg.y0[cs] - pg.bh[cs]
    near = (np.minimum(gap_r, gap_b) <= 64) & ~np.isin(cs, list(pg.bad))
    framed = {int(p): _framed(pg, int(p)) for p in np.unique(ps[near])}
    pairs = [(int(p), int(c)) for p, c in zip(ps[near], cs[near]) if framed[int(p)]]
    while pairs:
        p, i = pairs.pop(int(rng.integers(len(pairs))))
        if not pg.visible(i):
            continue
        a, outer = pg.box(i), pg.box(p)
        ys, xs = np.nonzero(pg.ink(i) > _INK)  # the content's edge must reach the container's
        gaps = {"right": outer[0] + outer[2] - a[0] - int(xs.max()) - 1,
                "bottom": outer[1] + outer[3] - a[1] - int(ys.max()) - 1}
        out = int(rng.integers(8, 49))
        room = {"right": pg.w - outer[0] - outer[2], "bottom": pg.h - outer[1] - outer[3]}
        sides = [s for s, g in gaps.items() if g <= 64 and room[s] >= out + 8]  # not past the page
        if sides:
            break
    else:
        return None
    side = str(rng.choice(sides))
    params: dict[str, Any] = {"selector": pg.els[i].selector, "container": pg.els[p].selector, "box": list(a),
                              "side": side}
    k = 2 if side == "right" else 3
    f = (gaps[side] + a[k] + out) / a[k]  # for an image, its box is its content
    if pg.own_bg(i) and f <= 1.8 and max(a[2], a[3]) * f <= 0.6 * pg.lim:
        # an image or a button grown past the edge (the missing max-width: 100 %)
        nw, nh = int(round(a[2] * f)), int(round(a[3] * f))
        src = Image.fromarray(np.ascontiguousarray(pg.pixels(a)))
        grown = np.asarray(src.resize((nw, nh), Image.Resampling.BILINEAR))
        params.update(mode="grow", scale=round(f, 3))
        return Plan([Patch(a[0], a[1], grown)], params, target=i)
    dx, dy = (gaps[side] + out, 0) if side == "right" else (0, gaps[side] + out)
    src, additive = pg.opaque_or_ink(i)
    params.update(mode="push", offset=[dx, dy])
    return Plan([pg.fill(a, pg.bg(i)), Patch(a[0] + dx, a[1] + dy, src, additive)], params, target=i)


def _rows(pg: Page) -> list[list[int]]:
    """Rows of similar siblings (same parent and tag, same top and height), left to right."""
    groups: dict[tuple[int | str, str], list[int]] = {}
    indexed = any(e.parent >= 0 for e in pg.els)  # older sidecars had no parent index, but selector paths
    for i in np.flatnonzero(pg.ok):
        e = pg.els[i]
        parent: int | str = e.parent if indexed else e.selector.rsplit(" > ", 1)[0]
        groups.setdefault((parent, e.tag), []).append(int(i))
    rows = []
    for members in groups.values():
        members.sort(key=lambda k: (int(pg.y0[k]), int(pg.x0[k])))
        while members:
            first = members[0]
            row = [k for k in members if abs(pg.y0[k] - pg.y0[first]) <= 3 and abs(pg.bh[k] - pg.bh[first]) <= 6]
            members = [k for k in members if k not in row]
            row.sort(key=lambda k: int(pg.x0[k]))
            if len(row) >= 2 and all(pg.x0[b] >= pg.x0[a] + pg.bw[a] for a, b in zip(row, row[1:])):
                rows.append(row)
    return rows


def _wrap(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Wrap failure: the last item of a row dropped below the row, at the row's start."""
    options, weights = [], []
    for row in _rows(pg):
        if row[-1] in pg.bad:
            continue
        first, last = pg.box(row[0]), pg.box(row[-1])
        gaps = [pg.x0[b] - pg.x0[a] - pg.bw[a] for a, b in zip(row, row[1:])]
        gap = int(np.clip(np.median(gaps), 4, 32))
        new = (first[0], max(pg.y0[k] + pg.bh[k] for k in row) + gap, last[2], last[3])
        span = (last[0] + last[2] - first[0], new[1] + new[3] - last[1])
        if new[1] + new[3] > pg.h or max(span) > pg.lim - 16 or not pg.visible(row[-1]):
            continue
        below = np.count_nonzero(pg.ink(row[-1], new) > _INK) / max(1, new[2] * new[3])
        options.append((row, new))
        weights.append(1.0 / (0.05 + below))  # prefer free space below: the drop reads as a wrap
    if not options:
        return None
    w = np.array(weights)
    row, new = options[int(rng.choice(len(options), p=w / w.sum()))]
    i = row[-1]
    box = pg.box(i)
    patches = [pg.fill(box, pg.bg(i)), pg.fill((int(new[0]), int(new[1]), box[2], box[3]), pg.bg(i))]
    src, additive = pg.opaque_or_ink(i)
    patches.append(Patch(int(new[0]), int(new[1]), src, additive))
    params = {"selector": pg.els[i].selector, "box": list(box), "to": [int(new[0]), int(new[1])], "row": len(row)}
    return Plan(patches, params, target=i)


def _text_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) rows of the text lines in an element's ink, lines at least 4 px tall."""
    rows = (ink > 60).any(axis=1).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], rows, [0]])))
    return [(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2]) if e - s >= 4]


def _ink_delta(pg: Page, i: int, box: Box) -> np.ndarray:
    """The additive ``int16`` delta that paints element ``i``'s content of ``box`` over anything."""
    src = pg.pixels(box)
    delta: np.ndarray = src.astype(np.int16) - pg.bg(i)
    delta[chan_absdiff(src, pg.bg(i)) < 8] = 0  # keep the background's own faint gradient out
    return delta


def _text_overlap(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Text overlap: a too-small line height pulls each line up onto the one above.

    Uses a multi-line text element; on pages without one, a text element stacked right below
    another (a heading over its paragraph) is pulled up onto it instead.
    """
    text = pg.fits(0.6, 0.5) & pg.text & ~pg.image
    text[list(pg.bad)] = False
    for i in rng.permutation(np.flatnonzero(text & (pg.bh >= 24)))[:16]:
        i = int(i)
        x, y, w, h = pg.box(i)
        lines = _text_lines(pg.ink(i))
        if len(lines) < 2 or not pg.visible(i):
            continue
        pitch = float(np.median(np.diff([s for s, _ in lines])))
        step = max(3, int(round(pitch * rng.uniform(0.35, 0.7))))
        patches = [pg.fill((x, y + lines[1][0], w, h - lines[1][0]), pg.bg(i))]
        for k, (s, e) in enumerate(lines[1:], start=1):
            patches.append(Patch(x, y + s - k * step, _ink_delta(pg, i, (x, y + s, w, e - s)), True))
        params = {"selector": pg.els[i].selector, "box": [x, y, w, h], "lines": len(lines), "step": step}
        return Plan(patches, params, target=i)
    top, below = np.nonzero(
        text[:, None] & text[None, :] & ~(pg.inside | pg.inside.T)
        & (pg.y0[None, :] - pg.y0[:, None] - pg.bh[:, None] >= -2)
        & (pg.y0[None, :] - pg.y0[:, None] - pg.bh[:, None] <= 16)
        & (np.minimum(pg.x0 + pg.bw, (pg.x0 + pg.bw)[:, None]) - np.maximum(pg.x0, pg.x0[:, None]) >= 16)
    )
    if top.size == 0:
        return None
    k = int(rng.integers(top.size))
    j, i = int(top[k]), int(below[k])  # i is pulled up onto j
    a, b = pg.box(j), pg.box(i)
    shift = (b[1] - a[1] - a[3]) + max(3, int(round(min(a[3], b[3]) * rng.uniform(0.3, 0.6))))
    patches = [pg.fill(b, pg.bg(i)), Patch(b[0], b[1] - shift, _ink_delta(pg, i, b), True)]
    params = {"selector": pg.els[i].selector, "other": pg.els[j].selector, "box": list(b), "offset": [0, -shift]}
    return Plan(patches, params, target=i)


def _recolour(pg: Page, rng: np.random.Generator) -> Plan | None:
    """A change: the element's hue rotated, or its neutral text tinted a new colour."""
    i = pg.pick(rng, pg.fits(0.5, 0.4), leaf_weight=2.0)
    if i is None:
        return None
    box = pg.box(i)
    src = pg.pixels(box).astype(np.float32)
    chroma = src.max(axis=2) - src.min(axis=2)
    ink = pg.ink(i).astype(np.float32)
    how: dict[str, Any]
    if np.count_nonzero(chroma > 40) >= 0.05 * max(1, int(np.count_nonzero(ink > _INK))):
        angle = float(rng.uniform(60, 300))
        out, how = _rotate_hue(src, np.radians(angle)), {"hue": round(angle, 1)}
    else:
        hsv = np.array([[[rng.uniform(0, 1), rng.uniform(0.7, 1), rng.uniform(0.45, 0.8)]]])
        colour = np.asarray(Image.fromarray((hsv * 255).astype(np.uint8), "HSV").convert("RGB"), np.float32)[0, 0]
        bg = pg.bg(i).astype(np.float32)
        alpha = (ink / max(1.0, float(ink.max())))[:, :, None]
        out, how = bg + alpha * (colour - bg), {"tint": [int(v) for v in colour]}
    pixels = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return Plan([Patch(box[0], box[1], pixels)], {"selector": pg.els[i].selector, "box": list(box), **how}, target=i)


def _rotate_hue(rgb: np.ndarray, angle: float) -> np.ndarray:
    """Rotate the chroma of ``(h, w, 3)`` float RGB in YIQ space; greys stay as they are."""
    to_yiq = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    m = np.linalg.inv(to_yiq) @ rot @ to_yiq
    out: np.ndarray = rgb @ m.T.astype(np.float32)
    return out


def _swap(pg: Page, rng: np.random.Generator) -> Plan | None:
    """A change: an element's content replaced by that of another element of the same size."""
    base = pg.fits(0.5, 0.4)
    same = (np.abs(pg.bw[:, None] - pg.bw[None, :]) <= 2) & (np.abs(pg.bh[:, None] - pg.bh[None, :]) <= 2)
    same &= base[:, None] & base[None, :] & ~(pg.inside | pg.inside.T)
    np.fill_diagonal(same, False)
    i = pg.pick(rng, base & same.any(axis=1))
    if i is None:
        return None
    j = pg.pick(rng, same[i])
    if j is None:
        return Plan([], {}, target=i)
    a, b = pg.box(i), pg.box(j)
    w, h = min(a[2], b[2]), min(a[3], b[3])
    src, additive = pg.opaque_or_ink(j, (b[0], b[1], w, h))
    patches = [pg.fill(a, pg.bg(i)), Patch(a[0], a[1], src, additive)]
    return Plan(patches, {"selector": pg.els[i].selector, "other": pg.els[j].selector, "box": list(a)}, target=i)


def _benign(pg: Page, rng: np.random.Generator) -> Plan | None:
    """Nothing but rendering noise, in a window around some visible element."""
    i = pg.pick(rng, pg.fits(0.9, 0.9), leaf_weight=1.0)
    if i is None:
        return Plan([], {}, focus=[(0, 0, min(pg.w, pg.lim // 2), min(pg.h, pg.lim // 2))])
    return Plan([], {}, focus=[pg.box(i)], target=i)


OPS: dict[str, Callable[[Page, np.random.Generator], Plan | None]] = {
    "move": _move, "remove": _remove,
    "duplicate": lambda pg, rng: _collide(pg, rng, keep_original=True),
    "overlap": lambda pg, rng: _collide(pg, rng, keep_original=False),
    "clip": _clip, "occlude": _occlude, "overflow": _overflow, "wrap": _wrap,
    "text-overlap": _text_overlap, "recolour": _recolour, "swap": _swap, "benign": _benign,
}
