"""Training tiles: which pairs an epoch draws, where a tile is cut, and the joint augmentation.

Sources
    *Stored pairs*: the ``train`` samples of every dataset given (synth, composite and labelled
    samples alike). *Composite pairs*: made on the fly by
    :func:`layoutcheck.synth.composite.composite_pair` from the datasets' clean ``train`` pages
    (``pages/<id>.png`` + ``.json``), a ``composite`` share of each epoch.

Epoch plan (a pure function of seed and epoch, so any worker count and a resumed run see the
same tiles)
    Stored pairs are drawn with class-balanced weights (a pair whose rarest defect class is ``r``
    times rarer than the median class weighs ``sqrt(r)``, clipped to [1, 4]); each pair gets the
    floor of its expected draws and the fractions decide the rest, so an epoch has a fixed length,
    every ordinary pair appears about once and pairs of rare defect classes up to four times.
    A reviewer's labels (source ``label``) mixed with other pairs are drawn as a fixed share of
    the stored draws (``label_share``), however few they are.
    Each drawn pair (a *group*) yields ``crops`` consecutive tiles, so a PNG decode or a
    composite is paid once per ``crops`` tiles.

A tile
    With probability :data:`BOX_P` the crop is centred near a labelled box (a random point of a
    random box, jittered by a quarter tile), otherwise it is uniform. A pair with no boxes (a
    benign pair: rendering noise, a false alarm a reviewer marked) is centred, with the same
    probability, on a random pixel where the two screenshots differ by more than
    :data:`DIFF_TOL`: the noise the network must learn to pass is where the pair differs, and a
    uniform crop of a tall page mostly lands where nothing does. A reviewer's label (source
    ``label``) also centres tiles on the regions the judge reported on it (kept by ``label
    --add`` in ``params.regions``): a false alarm is where the judge fired, and on a page that
    moved by a sub-pixel every pixel differs, so the difference alone would not find it
    (:func:`hint_boxes`). Half the tiles are cut at a scale of 0.8-1.25 and resized to the tile
    (the other half keep screenshot pixels 1:1); half are flipped horizontally. Reference,
    candidate and mask share every geometric step (``tv_tensors.Image`` / ``tv_tensors.Mask``
    through ``torchvision.transforms.v2``; masks resize nearest). The candidate alone may get one
    benign noise (:data:`CAND_NOISE`: JPEG, gamma, colour profile, dither, sub-pixel
    resampling, hinting jitter; mask unchanged).

Small screenshots (``small``, off by default)
    A share of tiles stand for an icon or a strip: a window of 12-64 px (log-uniform, on a
    changed pixel when the crop has one) is cut from the crop, and reference, candidate and mask
    are edge-padded from it back to the crop's size, as the judge pads an image smaller than its
    minimum tile (``segment.MIN_TILE``). The labels stay consistent: a padded pixel repeats the
    window's edge pixel, its label too.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler
from torchvision import tv_tensors  # type: ignore[import-untyped]
from torchvision.transforms.v2 import functional as TF  # type: ignore[import-untyped]

from layoutcheck.dataset import DIFF_TOL, FIRST_DEFECT, Sample, differing, load_sample, read_manifest
from layoutcheck.elements import ElementBox
from layoutcheck.errors import InputError
from layoutcheck.results import Region

#: Share of tiles centred near a labelled box (when the pair has one).
BOX_P = 0.7
#: Share of tiles cut at another scale, and the scale range (log-uniform).
SCALE_P = 0.5
SCALE_RANGE = (0.8, 1.25)
#: Share of tiles flipped horizontally.
FLIP_P = 0.5
#: Share of candidates that get one extra benign noise, and the kinds drawn: every kind that
#: leaves the mask valid (no ``vshift``; ``resample`` moves content by under a pixel).
CAND_NOISE_P = 0.5
CAND_NOISE = ("jpeg", "gamma", "colour-profile", "dither", "resample", "aa-jitter")
#: Side range of the window a small-screenshot tile is cut to (log-uniform), in pixels.
SMALL_RANGE = (12, 64)
#: Class-balancing weight cap for stored pairs.
MAX_PAIR_WEIGHT = 4.0
#: Groups per train page per epoch when there are no stored pairs to size the epoch by.
GROUPS_PER_PAGE = 8

Box = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class PairRef:
    """A stored sample and the dataset folder it lives in."""

    root: Path
    sample: Sample


@dataclass(frozen=True)
class PageRef:
    """A clean rendered page (the compositor's input)."""

    root: Path
    page: str


@dataclass(frozen=True)
class Sources:
    """What training and validation draw from."""

    train: tuple[PairRef, ...]
    val: tuple[PairRef, ...]
    pages: tuple[PageRef, ...]  # train pages only


def find_sources(roots: Sequence[Path]) -> Sources:
    """Read the manifests and page folders of ``roots``.

    Pages are used only when their sidecar (or, lacking a ``split`` there, a stored sample made
    from the page) says ``train``, so val and test pages never leak into training.

    Raises:
        InputError: no dataset given, or neither train samples nor train pages found.
    """
    if not roots:
        raise InputError("give at least one dataset folder (--data DIR)")
    train: list[PairRef] = []
    val: list[PairRef] = []
    pages: list[PageRef] = []
    for root in (Path(r) for r in roots):
        samples = read_manifest(root)
        train += [PairRef(root, s) for s in samples if s.split == "train"]
        val += [PairRef(root, s) for s in samples if s.split == "val"]
        split_of_page = {s.page: s.split for s in samples if s.page}
        for sidecar in sorted((root / "pages").glob("*.json")):
            try:
                split = json.loads(sidecar.read_text(encoding="utf-8")).get("split")
            except (OSError, ValueError) as exc:
                raise InputError(f"{sidecar}: unreadable page sidecar ({exc})") from exc
            split = split or split_of_page.get(sidecar.stem)
            if split == "train" and sidecar.with_suffix(".png").is_file():
                pages.append(PageRef(root, sidecar.stem))
    if not train and not pages:
        names = ", ".join(str(r) for r in roots)
        raise InputError(f"{names}: no samples or pages with split 'train'; check the datasets' manifest.jsonl")
    return Sources(tuple(train), tuple(val), tuple(pages))


def pair_weights(pairs: Sequence[PairRef], label_share: float = 0.0) -> np.ndarray:
    """Draw weights ``(N,)``: class-balanced (``sqrt(median class count / rarest class count)``),
    then, when ``label_share`` > 0 and the pairs mix a reviewer's labels (source ``label``) with
    others, the labels scaled up to at least ``label_share`` of the total weight.

    A team labels a handful of pairs and fine-tunes on them beside thousands of replay pairs
    (so that nothing already learned is lost); drawn as often as any other pair, five labels
    are a rounding error of an epoch and teach nothing.
    """
    counts = Counter(c for p in pairs for c in p.sample.classes if c >= FIRST_DEFECT)
    weights = np.ones(len(pairs), dtype=np.float64)
    if counts:
        median = float(np.median(list(counts.values())))
        for i, p in enumerate(pairs):
            defects = [c for c in p.sample.classes if c >= FIRST_DEFECT]
            if defects:
                weights[i] = math.sqrt(median / min(counts[c] for c in defects))
        weights = np.clip(weights, 1.0, MAX_PAIR_WEIGHT)
    labelled = np.array([p.sample.source == "label" for p in pairs], dtype=bool)
    if 0.0 < label_share < 1.0 and labelled.any() and not labelled.all():
        ours, rest = weights[labelled].sum(), weights[~labelled].sum()
        wanted = label_share / (1.0 - label_share) * rest  # labels' total weight for that share
        if ours < wanted:
            weights[labelled] *= wanted / ours
    return weights


def plan_epoch(
    seed: int, epoch: int, weights: np.ndarray, n_pages: int, composite: float, groups: int | None = None
) -> list[tuple[str, int]]:
    """The groups of one epoch in order: ``("pair", i)`` or ``("page", j)``.

    ``groups`` stored-pair draws (default: one per stored pair), plus composite draws making up a
    ``composite`` share of the epoch when there are train pages.
    """
    rng = np.random.default_rng([seed, epoch, 0x5EED])
    n_pairs = len(weights)
    share = composite if n_pages else 0.0
    if n_pairs == 0 or share >= 1.0:
        n_stored, n_comp = 0, groups or GROUPS_PER_PAGE * n_pages
    else:
        n_stored = groups or n_pairs
        n_comp = round(n_stored * share / (1.0 - share))
    plan: list[tuple[str, int]] = []
    if n_stored:
        expected = n_stored * weights / weights.sum()  # (N,) draws each pair deserves
        counts = np.floor(expected).astype(np.int64)
        rest = n_stored - int(counts.sum())  # the fractions decide the remaining draws
        if rest:
            frac = expected - counts
            counts[rng.choice(n_pairs, size=rest, replace=False, p=frac / frac.sum())] += 1
        plan += [("pair", int(i)) for i in np.repeat(np.arange(n_pairs), counts)]
    plan += [("page", int(j)) for j in rng.integers(0, n_pages, size=n_comp)] if n_comp else []
    order = rng.permutation(len(plan))
    return [plan[k] for k in order]


class TileDataset(Dataset[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]):
    """Item ``i`` is tile ``i % crops`` of group ``i // crops`` of the current epoch's plan.

    Items are ``(reference, candidate, mask, labelled)``: ``(3, T, T)``, ``(3, T, T)`` ``uint8``,
    ``(T, T)`` ``uint8``, and a ``bool`` scalar, true when the tile was cut from a reviewer's
    label (source ``label``; distillation leaves those tiles to their labels). Call
    :meth:`set_epoch` before building each epoch's loader (workers copy the dataset when the
    loader starts iterating).
    """

    def __init__(
        self, sources: Sources, *, tile: int, crops: int, seed: int, composite: float,
        groups: int | None = None, augment: bool = True, small: float = 0.0, label_share: float = 0.0,
    ) -> None:
        self.sources = sources
        self.tile = tile
        self.crops = crops
        self.seed = seed
        self.composite = composite
        self.groups = groups
        self.augment = augment
        self.small = small
        self.weights = pair_weights(sources.train, label_share)
        self.epoch = -1
        self.plan: list[tuple[str, int]] = []
        self._cached: tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray, tuple[Box, ...]]] | None = None
        self._differ: np.ndarray | None = None  # differing_pixels of the cached group's pair, once asked for

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self.plan = plan_epoch(
            self.seed, epoch, self.weights, len(self.sources.pages), self.composite, self.groups
        )
        self._cached = None
        self._differ = None

    def __len__(self) -> int:
        return len(self.plan) * self.crops

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        group, k = divmod(index, self.crops)
        if self._cached is None or self._cached[0] != group:
            self._cached = (group, self._load(group))
            self._differ = None
        ref, cand, mask, boxes = self._cached[1]
        if not boxes and ref.shape == cand.shape and self._differ is None:
            self._differ = differing_pixels(ref, cand)  # once per group, not once per tile
        rng = np.random.default_rng([self.seed, self.epoch, group, k])
        tile = cut_tile(ref, cand, mask, boxes, self.tile, rng, augment=self.augment, small=self.small,
                        differ=self._differ)
        what, i = self.plan[group]
        labelled = what == "pair" and self.sources.train[i].sample.source == "label"
        return (*tile, torch.tensor(labelled))

    def _load(self, group: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[Box, ...]]:
        what, i = self.plan[group]
        if what == "pair":
            ref_ = self.sources.train[i]
            ref, cand, mask = load_sample(ref_.root, ref_.sample)
            return _match_size(ref, cand.shape[:2]), cand, mask, hint_boxes(ref_.sample)
        rng = np.random.default_rng([self.seed, self.epoch, group, 0xC0])
        return composite_from_page(self.sources.pages[i], rng, size=2 * self.tile)


def hint_boxes(sample: Sample) -> tuple[Box, ...]:
    """Where tiles of a stored pair are centred: its labelled boxes and, for a reviewer's label,
    the judge's regions on it (class 0: they only steer the crop; the mask decides the label).

    The regions are those of a compare result (:meth:`results.Region.to_dict`); one that does not
    read as such, is empty or lies off the page is ignored.
    """
    if sample.source != "label":
        return sample.boxes
    hints = list(sample.boxes)
    regions = sample.params.get("regions", [])
    for raw in regions if isinstance(regions, list) else []:
        try:
            r = Region.from_dict(raw)
        except (TypeError, KeyError, ValueError):
            continue
        if r.w > 0 and r.h > 0 and r.x + r.w > 0 and r.y + r.h > 0 and r.x < sample.width and r.y < sample.height:
            hints.append((r.x, r.y, r.w, r.h, 0))
    return tuple(hints)


def composite_from_page(
    page: PageRef, rng: np.random.Generator, *, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[Box, ...]]:
    """One compositor pair from a train page: ``(ref, cand, mask, boxes)``.

    A page on which the drawn op fails falls back to a benign pair (which always works).
    """
    from layoutcheck.imageio import load_image
    from layoutcheck.synth.composite import composite_pair

    image = load_image(page.root / "pages" / f"{page.page}.png")
    elements = page_elements(page.root / "pages" / f"{page.page}.json")
    try:
        pair = composite_pair(image, elements, rng, size=max(64, size))
    except (InputError, ValueError):
        pair = composite_pair(image, elements, rng, size=max(64, size), op="benign")
    return pair.reference, pair.candidate, pair.mask, tuple(pair.boxes)


def page_elements(path: Path) -> tuple[ElementBox, ...]:
    """The ``elements`` of a page sidecar (the generator's page sidecar or a capture sidecar).

    Raises:
        InputError: the file is not JSON with a valid ``elements`` list.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            ElementBox(
                selector=str(e["selector"]), tag=str(e["tag"]),
                box=(int(e["box"][0]), int(e["box"][1]), int(e["box"][2]), int(e["box"][3])),
                text_length=int(e.get("text_length", 0)), parent=int(e.get("parent", -1)),
            )
            for e in raw.get("elements", [])
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InputError(f"{path}: not a valid page sidecar ({type(exc).__name__}: {exc})") from exc


def differing_pixels(ref: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Flat indices of the pixels where a channel differs by more than :data:`DIFF_TOL`: ``(n,)``."""
    return np.flatnonzero(differing(ref, cand))


def cut_tile(
    ref: np.ndarray, cand: np.ndarray, mask: np.ndarray, boxes: Sequence[Box], tile: int,
    rng: np.random.Generator, *, augment: bool = True, small: float = 0.0, differ: np.ndarray | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Cut one augmented ``tile`` x ``tile`` crop from a pair (see the module docstring).

    ``small``: the share of tiles that stand for a small screenshot (with ``augment``).
    ``differ``: :func:`differing_pixels` of the pair, when the caller already has it (a group's
    tiles share one pair); computed here when needed otherwise.

    Returns:
        ``(3, T, T)`` reference, ``(3, T, T)`` candidate (``uint8``) and ``(T, T)`` mask (``uint8``).
    """
    scale = 1.0
    if augment and rng.random() < SCALE_P:
        scale = math.exp(rng.uniform(math.log(SCALE_RANGE[0]), math.log(SCALE_RANGE[1])))
    side = max(8, round(tile * scale))
    h, w = mask.shape
    if boxes and rng.random() < BOX_P:
        bx, by, bw, bh, _ = boxes[int(rng.integers(len(boxes)))]
        cx = bx + rng.uniform(0, max(bw, 1)) + rng.uniform(-side / 4, side / 4)
        cy = by + rng.uniform(0, max(bh, 1)) + rng.uniform(-side / 4, side / 4)
        x0 = int(np.clip(round(cx - side / 2), 0, max(w - side, 0)))
        y0 = int(np.clip(round(cy - side / 2), 0, max(h - side, 0)))
    else:
        x0 = int(rng.integers(0, max(w - side, 0) + 1))
        y0 = int(rng.integers(0, max(h - side, 0) + 1))
        if not boxes and ref.shape == cand.shape and rng.random() < BOX_P:
            differ = differing_pixels(ref, cand) if differ is None else differ
            if differ.size:
                cy, cx = divmod(int(differ[int(rng.integers(differ.size))]), w)
                x0 = int(np.clip(round(cx - side / 2 + rng.uniform(-side / 4, side / 4)), 0, max(w - side, 0)))
                y0 = int(np.clip(round(cy - side / 2 + rng.uniform(-side / 4, side / 4)), 0, max(h - side, 0)))
    r = _crop(ref, x0, y0, side, 255)  # (S, S, 3)
    c = _crop(cand, x0, y0, side, 255)
    m = _crop(mask, x0, y0, side, 0)  # (S, S)
    if augment and small > 0 and rng.random() < small:
        r, c, m = _small_screenshot(r, c, m, rng)
    if augment and rng.random() < CAND_NOISE_P:
        from layoutcheck.synth.noise import apply_noise

        c, _ = apply_noise(c, CAND_NOISE[int(rng.integers(len(CAND_NOISE)))], rng)
    ref_t = tv_tensors.Image(torch.from_numpy(np.ascontiguousarray(r)).permute(2, 0, 1))  # (3, S, S)
    cand_t = tv_tensors.Image(torch.from_numpy(np.ascontiguousarray(c)).permute(2, 0, 1))
    mask_t = tv_tensors.Mask(torch.from_numpy(np.ascontiguousarray(m))[None])  # (1, S, S)
    flip = augment and rng.random() < FLIP_P
    out = []
    for t in (ref_t, cand_t, mask_t):
        if side != tile:
            t = TF.resize(t, [tile, tile], antialias=True)  # masks resize nearest
        if flip:
            t = TF.horizontal_flip(t)
        out.append(t.as_subclass(torch.Tensor))
    return out[0], out[1], out[2][0]


def _small_screenshot(
    r: np.ndarray, c: np.ndarray, m: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A small window of the crop, edge-padded back to the crop's size (image at the top left)."""
    side = m.shape[0]
    s = min(side, round(math.exp(rng.uniform(math.log(SMALL_RANGE[0]), math.log(SMALL_RANGE[1])))))
    changed = np.argwhere(m > 0)
    if len(changed) and rng.random() < BOX_P:
        cy, cx = changed[int(rng.integers(len(changed)))]
        y0 = int(np.clip(cy - rng.integers(0, s), 0, side - s))
        x0 = int(np.clip(cx - rng.integers(0, s), 0, side - s))
    else:
        y0, x0 = (int(v) for v in rng.integers(0, side - s + 1, size=2))
    pad = ((0, side - s), (0, side - s))
    return (
        np.pad(r[y0 : y0 + s, x0 : x0 + s], (*pad, (0, 0)), mode="edge"),
        np.pad(c[y0 : y0 + s, x0 : x0 + s], (*pad, (0, 0)), mode="edge"),
        np.pad(m[y0 : y0 + s, x0 : x0 + s], pad, mode="edge"),
    )


def _crop(a: np.ndarray, x0: int, y0: int, side: int, fill: int) -> np.ndarray:
    """``a[y0:y0+side, x0:x0+side]``, padded with ``fill`` where ``a`` is smaller."""
    part = a[y0 : y0 + side, x0 : x0 + side]
    if part.shape[0] == side and part.shape[1] == side:
        return part
    out = np.full((side, side) + a.shape[2:], fill, dtype=a.dtype)
    out[: part.shape[0], : part.shape[1]] = part
    return out


def _match_size(ref: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The reference cropped or padded with white to the candidate's ``(H, W)``."""
    h, w = shape[:2]
    if ref.shape[:2] == (h, w):
        return ref
    out = np.full((h, w, 3), 255, dtype=np.uint8)
    part = ref[:h, :w]
    out[: part.shape[0], : part.shape[1]] = part
    return out


class ShardSampler(Sampler[int]):
    """Whole batches of consecutive indices; rank ``r`` of ``world`` takes batches r, r+world, ...

    Consecutive indices keep a group's tiles in one worker (one decode per group). Every rank
    gets the same number of batches (the remainder is dropped), and ``start`` skips batches
    already trained on before an interruption.
    """

    def __init__(self, length: int, batch: int, *, rank: int = 0, world: int = 1, start: int = 0) -> None:
        self.batches = [b for b in range((length // batch) // world * world) if b % world == rank]
        self.batch = batch
        self.start = start

    def steps(self) -> int:
        return len(self.batches)

    def __len__(self) -> int:
        return max(0, len(self.batches) - self.start) * self.batch

    def __iter__(self) -> Iterator[int]:
        for b in self.batches[self.start :]:
            yield from range(b * self.batch, (b + 1) * self.batch)
