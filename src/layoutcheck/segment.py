"""The U-Net judge: a fast inference pipeline whose cost scales with the changed area.

For one pair of equal-size screenshots:

1. **Identical bytes**: no network, no torch (one byte comparison, 8 bytes at a time).
2. **Row alignment** (:mod:`align`): a block that grew and pushed the page down becomes a few
   inserted rows; the reference is re-indexed to the candidate's rows.
3. **Change gate**: ``max_rgb |cand - aligned ref| > gate_tol`` on a grid of cells of
   ``2**depth`` pixels. Nothing over the tolerance (near-exact pairs): no network either.
4. **Tiles** of ``tile`` pixels with ``overlap``, on a grid whose origin and stride are
   multiples of ``2**depth``, run only where the (dilated) gate fired, ``batch`` at a time.
   Each tile keeps its centre: neighbours split their overlap in the middle, so no pixel is
   predicted from a tile border when a neighbour saw it from further inside.
5. **Regions**: the per-pixel maps become scored, classed rectangles (:mod:`regions`): the
   threshold picks the confident cores, each grown to where its score falls below ``extent``.

Memory is bounded for tall pages: the judge keeps a float score map and a class map of the page
(5 bytes a pixel, 7 at the layout level, which also keeps p(any change) in float16; written only
where tiles ran), never the ``(classes, H, W)`` probabilities
(:func:`predict` returns those, for training and evaluation on page-sized inputs). On the CPU
the output is deterministic: tiles run in a fixed order and batches are fixed, so equal inputs
and thread counts give equal bytes.

Torch is imported inside the functions that need it, so that the judges module stays light.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from layoutcheck.align import (
    align_rows,
    aligned_reference,
    drop_round_trips,
    find_seams,
    judged_reference,
    seam_box,
)
from layoutcheck.dataset import CLASS_NAMES, FIRST_DEFECT
from layoutcheck.errors import ModelError
from layoutcheck.judgement import Judgement
from layoutcheck.regions import grow_mask, mask_to_boxes
from layoutcheck.results import Region
from layoutcheck.rule_changes import rule_changes
from layoutcheck.runtime import (
    DEVICE_RE, PRECISIONS, autocast_dtype, choose_runtime, file_version, get_runner, resolve_device,
)
from layoutcheck.weights import load_model, read_model_info

if TYPE_CHECKING:
    import torch

    from layoutcheck.model import ChangeSegmenter
    from layoutcheck.runtime import Maps, Runner

__all__ = ["EXTENT", "LEVELS", "PRECISIONS", "TilePlan", "UNetJudge", "changed_cells", "plan_tiles", "predict"]

LEVELS = ("strict", "layout")
#: Where a failing region ends (see :func:`regions.grow_mask`): on 239 val pairs of the stage-2
#: model (shipped/README.md), growing the calibrated cores to 0.2 raised the median region IoU from 0.26 to 0.49
#: (strict) and 0.21 to 0.39 (layout); 0.1 and 0.05 gained little more (0.51 / 0.40).
EXTENT = 0.2
#: A pure shift (only background rows appeared or vanished) of up to this many rows is not a
#: change: a page one or two pixels taller (a border, sub-pixel rounding) passes at both levels.
#: A larger one is a region of kind ``shift`` where it starts: failing at strict, reported at layout.
SHIFT_TOLERANCE = 2
#: The smallest tile side the network runs at: a smaller image (an icon, a one-line strip) is
#: edge-padded up to it, as the partial tiles at a page's end are. At 16-32 px the deepest level
#: of the U-Net sees 1-2 pixels and its convolutions' zero padding decides: a 10x10 pair that went
#: from white to black passed the strict level. 64 was checked on 24 and 48 px crops of the val2
#: pairs (128 and 256 came within a few crops of it); ``benchmarks/small_images.py`` measures it on
#: the test split beside the old behaviour (strict recall on 24 px crops 0.36 -> 0.49, benign FPR 0 -> 0.03).
MIN_TILE = 64

_RED = (230, 30, 30, 200)  # a defect
_BLUE = (40, 110, 255, 150)  # a change

_Box = tuple[int, int, int, int]
_Sink = Callable[["torch.Tensor", Sequence[_Box], Sequence[_Box]], None]

#: Loaded models, one per (file, its mtime and size, device) in this process.
_MODELS: dict[tuple[str, int, int, str], ChangeSegmenter] = {}
_MULTIPLES: dict[tuple[str, int, int], int] = {}


@dataclass(frozen=True)
class TilePlan:
    """Where tiles lie and which of them run.

    Attributes:
        tile_h, tile_w: Tile size (the tile size, or the padded image side when smaller).
        ys, xs: Top and left edges of the tile rows and columns (multiples of ``2**depth``).
        own_y, own_x: ``(start, end)`` of the pixels each tile row / column writes: neighbours
            split their overlap in the middle, and the outer ones reach the image edge.
        run: ``(row, col)`` indices of the tiles to run, in row-major order.
    """

    tile_h: int
    tile_w: int
    ys: tuple[int, ...]
    xs: tuple[int, ...]
    own_y: tuple[tuple[int, int], ...]
    own_x: tuple[tuple[int, int], ...]
    run: tuple[tuple[int, int], ...] = field(default=())

    @property
    def total(self) -> int:
        """Tiles on the grid, run or not."""
        return len(self.ys) * len(self.xs)


def changed_cells(reference: np.ndarray, candidate: np.ndarray, *, tol: int, cell: int) -> np.ndarray:
    """The change gate: which ``cell x cell`` cells hold a pixel with ``max_rgb |diff| > tol``.

    Args:
        reference: ``(H, W, 3)`` uint8, aligned to the candidate.
        candidate: ``(H, W, 3)`` uint8.
        tol: Largest per-channel difference still counted as no change (0: any byte).
        cell: Cell size in pixels.

    Returns:
        ``(ceil(H / cell), ceil(W / cell))`` bool.
    """
    h, w = candidate.shape[:2]
    rows, cols = -(-h // cell), -(-w // cell)
    out = np.zeros((rows, cols), dtype=bool)
    differ = _rows_differ(reference, candidate)  # (H,): the common case on a long page is "no"
    for cy in np.flatnonzero(np.add.reduceat(differ, np.arange(0, h, cell))).tolist():
        a = reference[cy * cell : (cy + 1) * cell]  # (cell, W, 3)
        b = candidate[cy * cell : (cy + 1) * cell]
        diff = np.abs(a.astype(np.int16) - b).max(axis=2) > tol  # (cell, W)
        cols_hit = diff.any(axis=0)  # (W,)
        out[cy] = np.pad(cols_hit, (0, cols * cell - w)).reshape(cols, cell).any(axis=1)
    return out


def _rows_differ(a: np.ndarray, b: np.ndarray, *, chunk: int = 256, stop_early: bool = False) -> np.ndarray:
    """``(H,)`` bool: whether row ``y`` of ``a`` and ``b`` differ in any byte.

    Compares 8 bytes at a time where the rows allow it, in chunks of rows that bound the
    temporary. With ``stop_early`` the rows after the first differing chunk are left False: an
    "are they identical" test that stops as soon as it knows.
    """
    h = a.shape[0]
    words = a[0].nbytes % 8 == 0 and a.flags.c_contiguous and b.flags.c_contiguous
    out = np.zeros(h, dtype=bool)
    for start in range(0, h, chunk):
        pa, pb = a[start : start + chunk], b[start : start + chunk]  # (n, W, 3)
        if words:  # (n, W*3/8) uint64 views: 8 bytes a comparison
            pa, pb = pa.reshape(pa.shape[0], -1).view(np.uint64), pb.reshape(pb.shape[0], -1).view(np.uint64)
        part = (pa != pb).reshape(pa.shape[0], -1).any(axis=1)  # (n,)
        out[start : start + chunk] = part
        if stop_early and part.any():
            break
    return out


def plan_tiles(
    cells: np.ndarray, shape: tuple[int, int], *, multiple: int, cell: int, tile: int = 256,
    overlap: int = 32, margin: int | None = None,
) -> TilePlan:
    """Lay tiles over an image and pick those near a changed cell.

    Args:
        cells: The gate, as :func:`changed_cells` returns it for ``cell``.
        shape: ``(H, W)`` of the image.
        multiple: ``2**depth`` of the model: tile origins, sizes and strides are multiples of it,
            so a tile's pooling grid lines up with the whole image's.
        cell: Cell size of ``cells`` in pixels.
        tile: Tile side; must be a multiple of ``multiple``.
        overlap: Pixels shared by neighbouring tiles; a multiple of ``multiple``, below ``tile``.
        margin: A tile runs when a changed cell lies within this many pixels of the pixels it
            writes (default: ``overlap``), so a change next to a seam is seen from both sides.

    Raises:
        ValueError: ``tile`` or ``overlap`` is not a multiple of ``multiple``, ``overlap >= tile``,
            or ``cells`` does not fit ``shape``.
    """
    if tile <= 0 or tile % multiple or overlap < 0 or overlap % multiple or overlap >= tile:
        raise ValueError(
            f"tile ({tile}) and overlap ({overlap}) must be multiples of {multiple} (2**depth of the "
            "model) with 0 <= overlap < tile; e.g. tile=256, overlap=32"
        )
    margin = overlap if margin is None else margin
    h, w = shape
    if cells.shape != (-(-h // cell), -(-w // cell)):
        raise ValueError(
            f"cells must be {(-(-h // cell), -(-w // cell))} for a {w}x{h} image in {cell} px cells, "
            f"got {cells.shape}"
        )
    ys, own_y, tile_h = _axis(h, tile, overlap, multiple)
    xs, own_x, tile_w = _axis(w, tile, overlap, multiple)
    # Prefix sums over the cells: "any change in this box" in O(1) per tile.
    sat = np.zeros((cells.shape[0] + 1, cells.shape[1] + 1), dtype=np.int64)
    sat[1:, 1:] = cells.cumsum(0).cumsum(1)

    def cell_range(lo: int, hi: int, n: int) -> tuple[int, int]:
        return max((lo - margin) // cell, 0), min(-(-(hi + margin) // cell), n)

    run = []
    for iy, (y0, y1) in enumerate(own_y):
        r0, r1 = cell_range(y0, y1, cells.shape[0])
        for ix, (x0, x1) in enumerate(own_x):
            c0, c1 = cell_range(x0, x1, cells.shape[1])
            if sat[r1, c1] - sat[r0, c1] - sat[r1, c0] + sat[r0, c0] > 0:
                run.append((iy, ix))
    return TilePlan(tile_h, tile_w, tuple(ys), tuple(xs), tuple(own_y), tuple(own_x), tuple(run))


def predict(
    model: ChangeSegmenter,
    reference: np.ndarray,
    candidate: np.ndarray,
    *,
    tile: int = 256,
    overlap: int = 32,
    batch: int = 8,
    device: str = "cpu",
    precision: str = "auto",
    align: bool = True,
    gate_tol: int = 8,
) -> np.ndarray:
    """Class probabilities for every candidate pixel, running the network only where needed.

    The same pipeline as :class:`UNetJudge` (alignment, gate, tiles), returning the dense
    probabilities: ``num_classes * H * W * 4`` bytes, so meant for evaluation, not for
    full-page screenshots (the judge keeps only compact maps).

    Args:
        model: The network, already on ``device``; run in eval mode (restored afterwards).
        reference: ``(H, W, 3)`` uint8 RGB.
        candidate: ``(H, W, 3)`` uint8 RGB.
        tile, overlap, batch: Tile side, shared pixels, tiles per forward pass.
        device: The model's device (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``).
        precision: ``"auto"`` (bf16 on CPUs that support it and on CUDA, else fp32), ``"fp32"``,
            ``"bf16"`` or ``"fp16"``.
        align: Align rows first (:mod:`align`).
        gate_tol: The gate's per-channel tolerance; pixels within it count as unchanged.

    Returns:
        ``(num_classes, H, W)`` float32 probabilities; exactly class 0 (none) where no tile ran.

    Raises:
        ValueError: Bad images, tile settings or precision, or ``device`` is not the model's.
    """
    import torch

    _check_pair(reference, candidate)
    _check_model_device(model, device)
    config = model.config
    h, w = candidate.shape[:2]
    probs = np.zeros((config.num_classes, h, w), dtype=np.float32)  # (C, H, W)
    probs[0] = 1.0
    ref, plan = _prepare(reference, candidate, config.multiple, tile, overlap, align, gate_tol)
    if plan is None or not plan.run:
        return probs

    def write(logits: torch.Tensor, crops: Sequence[_Box], boxes: Sequence[_Box]) -> None:
        arr = torch.softmax(logits, dim=1).cpu().numpy()  # (B, C, th, tw)
        for k, ((top, left, hh, ww), (y0, y1, x0, x1)) in enumerate(zip(crops, boxes, strict=True)):
            probs[:, y0:y1, x0:x1] = arr[k, :, top : top + hh, left : left + ww]

    was_training = model.training
    model.eval()
    try:
        _run_tiles(model, ref, candidate, plan, batch=batch, device=device, precision=precision, sink=write)
    finally:
        model.train(was_training)
    return probs


@dataclass(frozen=True)
class UNetJudge:
    """The U-Net change segmenter as a :class:`~layoutcheck.judgement.Judge`.

    ``level="strict"`` fails regions where p(change) + p(defect) > ``threshold``, with the most
    likely non-``none`` class as their kind; ``level="layout"`` fails only regions where p(defect)
    (classes 2..13 summed) > ``threshold``, with the most likely defect class as their kind.
    ``regions`` holds only failures. With ``align``, the images need only share a width: rows are
    matched first (:mod:`align`), a pure shift of more than :data:`SHIFT_TOLERANCE` rows is one
    region of kind ``shift`` where it starts, and rows with content that appeared or vanished go
    to the network, except content gone past the end of a candidate that got shorter (no
    candidate row can show it): a region of kind ``size`` over the candidate's bottom rows,
    failing at both levels. Rows pushed out of a candidate at least as tall as the reference left
    the frame because rows were inserted above them (judged there), and neither they nor a page
    end at most :data:`SHIFT_TOLERANCE` rows shorter fail. A flat area that changed colour
    (:mod:`flat_changes`: off every edge in both screenshots, one channel changed by 48 levels or
    more, 64 pixels or more), and a straight line or box outline that changed on a page that
    differs nowhere else (:mod:`line_changes`), is a ``change`` whatever the network says:
    failing at ``strict``, reported at ``layout``. At ``layout``, the real changes that do not fail
    (p(change) + p(defect) > ``threshold`` outside the failing pixels) are reported in
    ``changes``, kind ``change``; at ``strict`` every change fails, so ``changes`` stays empty.
    The threshold decides *whether* a region fails; its extent is every pixel connected to that
    confident core whose score stays above ``extent`` (hysteresis, :func:`regions.grow_mask`):
    the network is surest in the middle of a defect, so the core alone is a fraction of it.
    The overlay shows failures in red and changes in blue. A region's score is its highest
    failing probability; a change's, its highest p(change) + p(defect).

    The model loads on first use (identical and near-identical pairs never load it) and stays
    cached for the process, per file, runtime and device. ``runtime`` picks where the network
    runs (:func:`runtime.choose_runtime`): ``auto`` is ONNX Runtime on the CPU (no torch import)
    and torch on an accelerator.
    """

    model_path: Path
    level: str = "strict"
    threshold: float = 0.5
    device: str = "auto"
    tile: int = 256
    overlap: int = 32
    batch: int = 8  # tiles per forward pass: 16 is slower per tile on a 2-core CPU and costs +210 MB
    method: str = "unet"
    precision: str = "auto"
    align: bool = True
    gate_tol: int = 8  # per channel, out of 255: what the gate treats as unchanged
    gap: int = 8  # px: failing areas closer than this are one region
    min_pixels: int = 16  # failing cores smaller than this are dropped
    extent: float = EXTENT  # a failing region reaches as far as its score stays above this
    runtime: str = "auto"  # auto, onnx or torch (see layoutcheck.runtime)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {self.level!r}")
        if not 0.0 <= self.threshold <= 1.0:  # also rejects NaN
            raise ValueError(f"threshold must be in [0, 1], got {self.threshold!r}")
        if not 0.0 <= self.extent <= 1.0:
            raise ValueError(f"extent must be in [0, 1], got {self.extent!r}")
        if not DEVICE_RE.fullmatch(self.device):
            raise ValueError(f"device must be auto, cpu, cuda, cuda:N or mps, got {self.device!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        if self.batch < 1 or not 0 <= self.gate_tol <= 255:
            raise ValueError(f"batch must be >= 1 and gate_tol in 0..255, got {self.batch}, {self.gate_tol}")

    def judge(self, reference: np.ndarray, candidate: np.ndarray) -> Judgement:
        """Find the changed and broken areas of ``candidate`` relative to ``reference``.

        Raises:
            ValueError: The images are not equal-size ``(H, W, 3)`` uint8 arrays.
            InputError: The device is not available.
            ModelError: The model file is corrupt or does not fit its config.
        """
        _check_pair(reference, candidate, heights=self.align)
        if reference.shape == candidate.shape and not _rows_differ(reference, candidate, stop_early=True).any():
            return Judgement(regions=(), diff_pixels=0, overlay=None)
        multiple = _model_multiple(self.model_path)  # the header only: no torch yet
        shifts: list[Region] = []
        lost: list[Region] = []
        if self.align:  # pure shifts are reported here; what else appeared or vanished, the network judges
            alignment = align_rows(reference, candidate)
            seams = [] if alignment.is_identity else find_seams(alignment, reference, candidate)
            shifts = [
                Region(*seam_box(seam, reference, candidate, alignment), score=1.0, kind="shift")
                for seam in drop_round_trips(seams, reference, candidate)
                if seam.filler and abs(seam.rows) > SHIFT_TOLERANCE
            ]
            # Content gone past the end of a candidate that got shorter has no rows to be judged
            # on: a size band over the candidate's bottom, failing at both levels. In a candidate
            # at least as tall, rows pushed past its end left the frame because rows were
            # inserted above them, and those are judged where they are; nor does the page's end
            # losing at most SHIFT_TOLERANCE rows fail (a page 1-2 px shorter).
            shorter = candidate.shape[0] < reference.shape[0]
            lost = [
                Region(*seam_box(seam, reference, candidate, alignment), score=1.0, kind="size")
                for seam in seams
                if not seam.filler and seam.y >= candidate.shape[0] and shorter and -seam.rows > SHIFT_TOLERANCE
            ]
            reference = judged_reference(reference, candidate, alignment, seams)
        # A flat area that changed colour, or a line or outline on an otherwise unchanged page, is
        # a change, whatever the network says (rule_changes).
        flats = [Region(*box, score=1.0, kind=CLASS_NAMES[1]) for box in rule_changes(reference, candidate)]
        ref, plan = _prepare(reference, candidate, multiple, self.tile, self.overlap, False, self.gate_tol)
        if plan is None or not plan.run:
            nothing = Judgement(regions=(), diff_pixels=0, overlay=None)
            return _with_shifts(nothing, shifts + flats, self.level, candidate.shape, lost)

        runner = self.runner()
        maps = _Maps(candidate.shape[:2], self.level, self.threshold, self.extent)
        _run_runner(runner, ref, candidate, plan, batch=self.batch, sink=maps.write)
        del ref  # the aligned copy: not needed for the regions
        judgement = maps.judgement(gap=self.gap, min_pixels=self.min_pixels)
        seen = [(r.x, r.y, r.w, r.h) for r in (*judgement.regions, *judgement.changes)]
        flats = [r for r in flats if not _within_any((r.x, r.y, r.w, r.h), seen, self.gap)]  # not twice
        return _with_shifts(judgement, shifts + flats, self.level, candidate.shape, lost)

    def runner(self) -> Runner:
        """The loaded network this judge runs (loaded once per process; see :func:`runtime.get_runner`).

        Raises:
            InputError: an unknown runtime, or one that cannot run on the device.
            ModelNotAvailableError: the runtime or the model's ONNX export is missing.
            ModelError: the model file (or its export) is corrupt or does not match.
        """
        runtime = choose_runtime(self.runtime, self.device, self.model_path)
        device = resolve_device(self.device) if runtime == "torch" else "cpu"
        return get_runner(self.model_path, runtime, device, self.precision)


class _Maps:
    """Compact per-pixel results of a page: what the judge's level needs, 5-7 bytes a pixel.

    ``score`` is what the level thresholds: 1 - p(none) at ``strict``, p(classes >= 2) at
    ``layout``. ``kind`` is the pixel's most likely class among those the level fails: any of
    1.. at ``strict``, a defect class at ``layout``. At ``layout`` ``any`` (float16) also keeps
    1 - p(none), for the real changes that are reported but do not fail. Failing pixels are
    decided by hysteresis (:func:`regions.grow_mask`): a region needs a confident core above the
    threshold, and reaches as far as its pixels stay above ``extent``. Pixels no tile wrote stay
    0: certainly nothing, and only the row bands that tiles wrote are looked at again.
    """

    def __init__(self, shape: tuple[int, int], level: str, threshold: float, extent: float = 1.0) -> None:
        self.level, self.threshold, self.extent = level, threshold, extent
        # np.zeros maps untouched pages lazily: a tall page with one changed tile costs little.
        self.score = np.zeros(shape, dtype=np.float32)  # (H, W)
        self.kind = np.zeros(shape, dtype=np.uint8)  # (H, W)
        self.any = np.zeros(shape, dtype=np.float16) if level == "layout" else None  # (H, W)
        self.rows: set[tuple[int, int]] = set()  # row bands written

    def write(self, maps: Maps, crops: Sequence[_Box], boxes: Sequence[_Box]) -> None:
        """Copy the owned areas of a batch's maps (``(B, th, tw)`` each, see :data:`runtime.Maps`)."""
        p_any, p_defect, kind_strict, kind_layout = maps
        score, kind = (p_any, kind_strict) if self.level == "strict" else (p_defect, kind_layout)
        for k, ((top_, left, h, w), (y0, y1, x0, x1)) in enumerate(zip(crops, boxes, strict=True)):
            own = (k, slice(top_, top_ + h), slice(left, left + w))
            self.score[y0:y1, x0:x1] = score[own]
            self.kind[y0:y1, x0:x1] = kind[own]
            if self.any is not None:
                self.any[y0:y1, x0:x1] = p_any[own]
            self.rows.add((y0, y1))

    def judgement(self, *, gap: int, min_pixels: int) -> Judgement:
        regions: list[Region] = []
        changes: list[Region] = []
        diff_pixels = 0
        overlay: np.ndarray | None = None
        # Bands of written rows more than `gap` apart: no region can join two of them.
        for y0, y1 in _merge_intervals(sorted(self.rows), gap):
            score, kind = self.score[y0:y1], self.kind[y0:y1]  # (h, W) views
            fail = grow_mask(score, self.threshold, self.extent, min_pixels=min_pixels)  # (h, W)
            change = None
            if self.any is not None:  # layout: changed, not failing
                change = (self.any[y0:y1] > self.threshold) & ~fail  # (h, W)
            diff_pixels += int(np.count_nonzero(fail))
            boxes = mask_to_boxes(fail, gap=gap)
            for x, y, w, h in boxes:
                inside = fail[y : y + h, x : x + w]  # (h, w)
                values = score[y : y + h, x : x + w][inside]  # (n,)
                core = values > self.threshold  # (n,): the confident pixels name the region
                votes = np.bincount(kind[y : y + h, x : x + w][inside][core], weights=values[core], minlength=2)
                kind_name = _class_name(int(np.argmax(votes)))
                regions.append(Region(x=x, y=y + y0, w=w, h=h, score=_peak(values), kind=kind_name))
            if change is not None and change.any():
                p_any = self.any[y0:y1]  # type: ignore[index]  # (h, W)
                for x, y, w, h in mask_to_boxes(change, gap=gap, min_pixels=min_pixels):
                    if _within_any((x, y, w, h), boxes, gap):
                        continue  # the fringe of a failure: that region already reports it
                    values = p_any[y : y + h, x : x + w][change[y : y + h, x : x + w]]  # (n,)
                    changes.append(Region(x=x, y=y + y0, w=w, h=h, score=_peak(values), kind=CLASS_NAMES[1]))
            shown = fail if change is None else fail | change  # (h, W)
            if shown.any():
                if overlay is None:
                    overlay = np.zeros((*self.score.shape, 4), dtype=np.uint8)  # (H, W, 4), mapped lazily
                red = fail & (kind >= FIRST_DEFECT) if self.level == "strict" else fail  # (h, W)
                for c in range(4):  # a channel at a time: no (n, 4) temporary on a full page
                    plane = overlay[y0:y1, :, c]  # (h, W) view
                    plane[shown] = _BLUE[c]
                    plane[red] = _RED[c]
        return Judgement(regions=tuple(regions), diff_pixels=diff_pixels, overlay=overlay, changes=tuple(changes))


def _peak(values: np.ndarray) -> float:
    """A region's score: its most confident pixel's score, in [0, 1], to 4 decimals."""
    return round(min(max(float(np.max(values)), 0.0), 1.0), 4)


def _within_any(box: tuple[int, int, int, int], boxes: Sequence[tuple[int, int, int, int]], gap: int) -> bool:
    """Whether ``(x, y, w, h)`` lies inside one of ``boxes`` grown by ``gap`` on every side."""
    x, y, w, h = box
    return any(
        x >= bx - gap and y >= by - gap and x + w <= bx + bw + gap and y + h <= by + bh + gap
        for bx, by, bw, bh in boxes
    )


def _merge_intervals(intervals: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` intervals merged where they overlap or lie within ``gap``."""
    merged: list[tuple[int, int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _class_name(value: int) -> str:
    return CLASS_NAMES[value] if value < len(CLASS_NAMES) else f"class-{value}"


def _prepare(
    reference: np.ndarray, candidate: np.ndarray, multiple: int, tile: int, overlap: int,
    align: bool, gate_tol: int,
) -> tuple[np.ndarray, TilePlan | None]:
    """Align, gate and plan: the reference to show and the tiles to run (None: nothing changed)."""
    ref = aligned_reference(reference, align_rows(reference, candidate)) if align else reference
    cells = changed_cells(ref, candidate, tol=gate_tol, cell=multiple)  # (H/m, W/m)
    if not cells.any():
        return ref, None
    return ref, plan_tiles(cells, candidate.shape[:2], multiple=multiple, cell=multiple, tile=tile, overlap=overlap)


def _run_runner(
    runner: Runner, reference: np.ndarray, candidate: np.ndarray, plan: TilePlan, *, batch: int,
    sink: Callable[[Maps, Sequence[_Box], Sequence[_Box]], None],
) -> None:
    """Run the planned tiles through a runner in batches; hand each batch's maps to ``sink``."""
    for start in range(0, len(plan.run), batch):
        ref_np, cand_np, crops, boxes = _tile_inputs(reference, candidate, plan, plan.run[start : start + batch])
        sink(runner.run(ref_np, cand_np), crops, boxes)


def _run_tiles(
    model: ChangeSegmenter,
    reference: np.ndarray,
    candidate: np.ndarray,
    plan: TilePlan,
    *,
    batch: int,
    device: str,
    precision: str,
    sink: _Sink,
) -> None:
    """Run the planned tiles in batches; hand each batch's logits to ``sink``.

    ``sink`` gets ``(B, C, th, tw)`` float32 contiguous logits on ``device`` and, per tile, the area
    it owns in tile coordinates ``(top, left, h, w)`` and in image coordinates ``(y0, y1, x0, x1)``.
    """
    import torch

    dtype = autocast_dtype(device, precision)
    dev = torch.device(device)
    autocast = torch.autocast(dev.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()
    with torch.inference_mode(), autocast:
        for start in range(0, len(plan.run), batch):
            chosen = plan.run[start : start + batch]
            ref_np, cand_np, crops, boxes = _tile_inputs(reference, candidate, plan, chosen)
            # uint8 to the device (4x less to copy), then NHWC -> NCHW view: channels_last memory.
            ref_t = torch.from_numpy(ref_np).to(dev).permute(0, 3, 1, 2).float().div_(255)  # (B, 3, th, tw)
            cand_t = torch.from_numpy(cand_np).to(dev).permute(0, 3, 1, 2).float().div_(255)
            del ref_np, cand_np
            logits = model(ref_t, cand_t)  # (B, C, th, tw), channels_last
            del ref_t, cand_t  # free the inputs before the sink allocates (bounded peak memory)
            # NCHW float32: reductions over classes then run along contiguous planes.
            sink(logits.contiguous().float(), crops, boxes)
            del logits


def _tile_inputs(
    reference: np.ndarray, candidate: np.ndarray, plan: TilePlan, chosen: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, list[_Box], list[_Box]]:
    """Stack the chosen tiles of both images, edge-padded where they pass the image's end.

    Returns:
        ``(B, th, tw, 3)`` uint8 reference and candidate tiles; per tile, its owned area in tile
        coordinates ``(top, left, h, w)`` and in image coordinates ``(y0, y1, x0, x1)``.
    """
    th, tw = plan.tile_h, plan.tile_w
    refs, cands, crops, boxes = [], [], [], []
    for iy, ix in chosen:
        y, x = plan.ys[iy], plan.xs[ix]
        (oy0, oy1), (ox0, ox1) = plan.own_y[iy], plan.own_x[ix]
        refs.append(_crop(reference, y, x, th, tw))
        cands.append(_crop(candidate, y, x, th, tw))
        crops.append((oy0 - y, ox0 - x, oy1 - oy0, ox1 - ox0))
        boxes.append((oy0, oy1, ox0, ox1))
    return np.stack(refs), np.stack(cands), crops, boxes


def _crop(image: np.ndarray, y: int, x: int, th: int, tw: int) -> np.ndarray:
    """``image[y:y+th, x:x+tw]``, repeating the last row/column past the image's end."""
    part = image[y : y + th, x : x + tw]  # (<=th, <=tw, 3)
    if part.shape[:2] == (th, tw):
        return part
    return np.pad(part, ((0, th - part.shape[0]), (0, tw - part.shape[1]), (0, 0)), mode="edge")


def _axis(length: int, tile: int, overlap: int, multiple: int) -> tuple[list[int], list[tuple[int, int]], int]:
    """Tile starts, owned ``(start, end)`` ranges and tile size along one axis of ``length``."""
    padded = -(-length // multiple) * multiple  # the side rounded up to the pooling multiple
    size = min(tile, max(padded, -(-MIN_TILE // multiple) * multiple))
    if size >= padded:  # one tile, edge-padded past the image's end (_crop)
        return [0], [(0, length)], size
    stride = size - overlap  # here size == tile: smaller sides took the one-tile return above
    starts = list(range(0, padded - size + 1, stride))
    if starts[-1] + size < padded:
        starts.append(padded - size)  # the last tile ends at the (padded) edge
    bounds = [0] + [(starts[k] + starts[k - 1] + size) // 2 for k in range(1, len(starts))] + [length]
    owned = [(bounds[k], min(bounds[k + 1], length)) for k in range(len(starts))]
    return starts, owned, size


def _with_shifts(
    judgement: Judgement, shifts: list[Region], level: str, shape: tuple[int, ...], lost: Sequence[Region] = ()
) -> Judgement:
    """``judgement`` with the pure shifts added (failing at ``strict``, reported changes at
    ``layout``) and the ``lost`` bands (content gone past the candidate's end: failing at both)."""
    if not shifts and not lost:
        return judgement
    overlay = judgement.overlay if judgement.overlay is not None else np.zeros((shape[0], shape[1], 4), np.uint8)
    for r in shifts:
        overlay[r.y : r.y + r.h, r.x : r.x + r.w] = _BLUE
    for r in lost:
        overlay[r.y : r.y + r.h, r.x : r.x + r.w] = _RED
    if lost:
        judgement = Judgement(
            judgement.regions + tuple(lost), judgement.diff_pixels + sum(r.w * r.h for r in lost), overlay,
            judgement.changes,
        )
    if level == "strict":
        pixels = sum(r.w * r.h for r in shifts)
        return Judgement(judgement.regions + tuple(shifts), judgement.diff_pixels + pixels, overlay, judgement.changes)
    return Judgement(judgement.regions, judgement.diff_pixels, overlay, judgement.changes + tuple(shifts))


def _check_pair(reference: np.ndarray, candidate: np.ndarray, *, heights: bool = False) -> None:
    """Raise ValueError unless both are ``(H, W, 3)`` uint8 of one size (one width, with ``heights``)."""
    for name, img in (("reference", reference), ("candidate", candidate)):
        if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
            shape = getattr(img, "shape", type(img).__name__)
            raise ValueError(f"{name} must be an (H, W, 3) uint8 RGB array, got {shape}")
    if heights and reference.shape[1] != candidate.shape[1]:
        raise ValueError(
            f"the U-Net judge needs images of equal width, got {reference.shape[1]}x{reference.shape[0]} "
            f"and {candidate.shape[1]}x{candidate.shape[0]}; crop both to the common area first"
        )
    if not heights and reference.shape != candidate.shape:
        raise ValueError(
            f"the U-Net judge needs images of equal size, got {reference.shape[1]}x{reference.shape[0]} "
            f"and {candidate.shape[1]}x{candidate.shape[0]}; crop both to the common area first"
        )


#: Kept for callers of the torch path (calibrate, benchmarks): see :func:`runtime.resolve_device`.
_resolve_device = resolve_device


def _model_multiple(path: Path) -> int:
    """``2 ** depth`` of the model file, from its header, read once per file version."""
    try:
        key = file_version(path)
    except OSError:
        read_model_info(path)  # raises the typed error naming the file (missing, unreadable)
        raise
    if key not in _MULTIPLES:
        config, _ = read_model_info(path)
        depth = config.get("depth", 4)
        if not isinstance(depth, int) or not 1 <= depth <= 6:
            raise ModelError(f"the model file {path} has an invalid depth {depth!r} in its config")
        _MULTIPLES[key] = 2**depth
    return _MULTIPLES[key]


def _cached_model(path: Path, device: str) -> ChangeSegmenter:
    """Load once per process per (file version, device): batch norms folded, channels_last."""
    import torch

    key = (*file_version(path), device)
    if key not in _MODELS:
        from layoutcheck.model import fuse_for_inference

        model, _, _ = load_model(path, device=device)
        _MODELS[key] = fuse_for_inference(model).to(memory_format=torch.channels_last)
    return _MODELS[key]


def _check_model_device(model: ChangeSegmenter, device: str) -> None:
    import torch

    want = torch.device(device)
    have = next(model.parameters()).device
    if want.type != have.type or (want.index is not None and want.index != (have.index or 0)):
        raise ValueError(f"the model is on {have}, but device={device!r}; move it with model.to({device!r})")
