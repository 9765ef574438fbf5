"""The dataset format shared by the generator, the compositor, the trainer and the labeling mode.

See ``docs/dataset.md``. This module is the only reader and writer: a folder with
``manifest.jsonl`` (one :class:`Sample` a line) and PNGs under ``samples/<id>/``. Writes are
atomic (PNGs through a temporary file; a manifest line is appended in one locked write after its
PNGs exist), so a crash loses at most the sample being written, and a rerun resumes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from layoutcheck.errors import InputError
from layoutcheck.fsutil import atomic_write_bytes
from layoutcheck.imageio import load_image, save_png

MANIFEST = "manifest.jsonl"

#: Mask values: index = value. 0 = nothing real changed, 1 = a real change that breaks nothing,
#: 2.. = layout-defect classes.
CLASS_NAMES: tuple[str, ...] = (
    "none", "change", "overlap", "overflow", "viewport-overflow", "clipping", "wrap",
    "misalignment", "missing", "broken-image", "occlusion", "text-overlap", "font-fallback",
    "style-mutation",
)
CLASS_IDS: dict[str, int] = {name: i for i, name in enumerate(CLASS_NAMES)}
NUM_CLASSES = len(CLASS_NAMES)
FIRST_DEFECT = 2

KINDS = ("defect", "change", "benign")
SOURCES = ("synth", "realpage", "composite", "label")
SPLITS = ("train", "val", "test")

Box = tuple[int, int, int, int, int]  # x, y, w, h, class


class DatasetError(InputError):
    """A dataset folder or manifest line is invalid (the message names the file and line)."""


@dataclass(frozen=True)
class Sample:
    """One reference/candidate/mask triple and what is known about it."""

    id: str
    reference: str  # paths relative to the dataset folder
    candidate: str
    mask: str
    kind: str
    classes: tuple[int, ...]
    boxes: tuple[Box, ...]
    source: str
    page: str
    template: str
    split: str
    width: int
    height: int
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "reference": self.reference, "candidate": self.candidate, "mask": self.mask,
            "kind": self.kind, "classes": list(self.classes), "boxes": [list(b) for b in self.boxes],
            "source": self.source, "page": self.page, "template": self.template, "split": self.split,
            "width": self.width, "height": self.height, "params": self.params,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> Sample:
        """Validate and build a sample; raises ``ValueError`` saying which field is wrong."""
        if not isinstance(raw, dict):
            raise ValueError("expected a JSON object")
        missing = [k for k in ("id", "reference", "candidate", "mask", "kind", "source", "split") if k not in raw]
        if missing:
            raise ValueError(f"missing field(s) {', '.join(missing)}")
        for key, allowed in (("kind", KINDS), ("source", SOURCES), ("split", SPLITS)):
            if raw[key] not in allowed:
                raise ValueError(f"{key} must be one of {', '.join(allowed)}, got {raw[key]!r}")
        classes = tuple(int(c) for c in raw.get("classes", []))
        if any(not 0 < c < NUM_CLASSES for c in classes):
            raise ValueError(f"classes must be in 1..{NUM_CLASSES - 1}, got {list(classes)}")
        boxes = tuple(_box(b) for b in raw.get("boxes", []))
        for key in ("reference", "candidate", "mask"):
            path = raw[key]
            if not isinstance(path, str) or path.startswith("/") or ".." in Path(path).parts:
                raise ValueError(f"{key} must be a relative path inside the dataset, got {path!r}")
        params = raw.get("params", {})
        if not isinstance(params, dict):
            raise ValueError("params must be an object")
        return cls(
            id=str(raw["id"]), reference=raw["reference"], candidate=raw["candidate"], mask=raw["mask"],
            kind=raw["kind"], classes=classes, boxes=boxes, source=raw["source"],
            page=str(raw.get("page", "")), template=str(raw.get("template", "")), split=raw["split"],
            width=int(raw.get("width", 0)), height=int(raw.get("height", 0)), params=params,
        )


def _box(raw: Any) -> Box:
    if not isinstance(raw, list | tuple) or len(raw) != 5:
        raise ValueError(f"a box is [x, y, w, h, class], got {raw!r}")
    x, y, w, h, c = (int(v) for v in raw)
    return (x, y, w, h, c)


def iter_manifest(root: Path) -> Iterator[Sample]:
    """Read ``root/manifest.jsonl`` line by line.

    Raises:
        DatasetError: no manifest, or a line that is not a valid sample (file and line named).
    """
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise DatasetError(f"{root}: not a dataset (no {MANIFEST})")
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield Sample.from_dict(json.loads(line))
            except (ValueError, TypeError) as exc:
                raise DatasetError(f"{path}:{number}: invalid sample ({exc})") from exc


def read_manifest(root: Path) -> list[Sample]:
    """All samples of a dataset; duplicate ids are an error."""
    samples = list(iter_manifest(root))
    seen: set[str] = set()
    for s in samples:
        if s.id in seen:
            raise DatasetError(f"{Path(root) / MANIFEST}: duplicate sample id {s.id!r}")
        seen.add(s.id)
    return samples


def load_sample(root: Path, sample: Sample) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(reference, candidate, mask) arrays: (H, W, 3), (H, W, 3), (H, W) uint8."""
    root = Path(root)
    ref = load_image(root / sample.reference)
    cand = load_image(root / sample.candidate)
    from PIL import Image

    try:
        with Image.open(root / sample.mask) as im:
            mask = np.asarray(im.convert("L") if im.mode not in ("L", "P") else im, dtype=np.uint8)
    except OSError as exc:
        raise DatasetError(f"{root / sample.mask}: unreadable mask ({exc})") from exc
    if mask.shape != cand.shape[:2]:
        raise DatasetError(f"{root / sample.mask}: mask is {mask.shape[::-1]}, candidate is {cand.shape[1::-1]}")
    return ref, cand, mask


def kind_of(mask: np.ndarray) -> tuple[str, tuple[int, ...]]:
    """The sample kind and classes a mask implies."""
    classes = tuple(int(c) for c in np.unique(mask) if c)
    if any(c >= FIRST_DEFECT for c in classes):
        return "defect", classes
    return ("change", classes) if classes else ("benign", ())


def boxes_of(mask: np.ndarray, *, gap: int = 4) -> tuple[Box, ...]:
    """Labelled regions of a mask, per class."""
    from layoutcheck.regions import mask_to_boxes

    out: list[Box] = []
    for c in (int(v) for v in np.unique(mask) if v):
        out += [(x, y, w, h, c) for x, y, w, h in mask_to_boxes(mask == c, gap=gap)]
    return tuple(out)


#: Templates whose pages are held out entirely, never in training (see ``split_for``): the test
#: split measures layouts the model has never seen.
HELD_OUT_TEMPLATES: dict[str, str] = {"docs": "test", "profile": "test", "settings": "val"}


def split_for(template: str, page_seed: int, *, held_out: dict[str, str] | None = None) -> str:
    """The split of every sample of one page: decided by template and page seed, never by sample.

    Pages of a held-out template go to that template's split (val or test), so the test split
    has templates training never saw; fixture and labeled pages (template ``fixture:*``) are
    test. Other pages: a hash of the seed sends 10 % to val and 10 % to test.
    """
    held = HELD_OUT_TEMPLATES if held_out is None else held_out
    if template in held:
        return held[template]
    if template.startswith("fixture:"):
        return "test"
    bucket = int(hashlib.sha256(f"page:{page_seed}".encode()).hexdigest(), 16) % 10
    return "test" if bucket == 0 else "val" if bucket == 1 else "train"


class DatasetWriter:
    """Appends samples to a dataset folder; safe to share between processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / MANIFEST).touch(exist_ok=True)

    def existing_ids(self) -> set[str]:
        """Ids already in the manifest (to resume a run)."""
        return {s.id for s in iter_manifest(self.root)}

    def write(
        self,
        sample_id: str,
        reference: np.ndarray,
        candidate: np.ndarray,
        mask: np.ndarray,
        *,
        source: str,
        page: str,
        template: str,
        split: str,
        params: dict[str, Any],
        boxes: Iterable[Box] | None = None,
    ) -> Sample:
        """Write the PNGs, then append the manifest line."""
        if mask.shape != candidate.shape[:2] or mask.dtype != np.uint8:
            raise ValueError(f"mask must be uint8 of the candidate's size {candidate.shape[:2]}, got {mask.dtype} {mask.shape}")
        if int(mask.max(initial=0)) >= NUM_CLASSES:
            raise ValueError(f"mask value {int(mask.max())} is not a class (0..{NUM_CLASSES - 1})")
        kind, classes = kind_of(mask)
        folder = f"samples/{sample_id}"
        sample = Sample(
            id=sample_id, reference=f"{folder}/ref.png", candidate=f"{folder}/cand.png", mask=f"{folder}/mask.png",
            kind=kind, classes=classes, boxes=tuple(boxes) if boxes is not None else boxes_of(mask),
            source=source, page=page, template=template, split=split,
            width=int(candidate.shape[1]), height=int(candidate.shape[0]), params=params,
        )
        Sample.from_dict(json.loads(json.dumps(sample.to_dict())))  # validate before writing
        save_png(reference, self.root / sample.reference, compress_level=3)
        save_png(candidate, self.root / sample.candidate, compress_level=3)
        save_png(mask, self.root / sample.mask, compress_level=3)
        self._append(sample)
        return sample

    def write_page(self, page_id: str, png: bytes, sidecar: dict[str, Any]) -> None:
        """Store a clean rendered page and its element boxes (the compositor's input)."""
        atomic_write_bytes(self.root / "pages" / f"{page_id}.png", png)
        atomic_write_bytes(self.root / "pages" / f"{page_id}.json", json.dumps(sidecar).encode("utf-8"))

    def _append(self, sample: Sample) -> None:
        line = (json.dumps(sample.to_dict(), separators=(",", ":")) + "\n").encode("utf-8")
        fd = os.open(self.root / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def stats(root: Path) -> dict[str, Any]:
    """Counts per kind, class, source, split, template and width; mask-area quantiles.

    ``by_source`` repeats the kind, split and page counts per source, so real pages
    (``realpage``) are read apart from generated ones.
    """
    samples = read_manifest(root)
    per_class: Counter[str] = Counter()
    for s in samples:
        for c in s.classes:
            per_class[CLASS_NAMES[c]] += 1
    areas = []
    for s in samples:
        if s.boxes:
            covered = sum(b[2] * b[3] for b in s.boxes)
            areas.append(covered / max(1, s.width * s.height))
    q = np.quantile(np.array(areas), [0.1, 0.5, 0.9]).round(4).tolist() if areas else []
    return {
        "samples": len(samples),
        "pages": len({s.page for s in samples}),
        "kind": dict(Counter(s.kind for s in samples)),
        "class": dict(per_class),
        "source": dict(Counter(s.source for s in samples)),
        "split": dict(Counter(s.split for s in samples)),
        "template": dict(Counter(s.template for s in samples)),
        # The page's viewport width when the generator recorded it (a defect can widen the shot).
        "width": dict(Counter(str(s.params.get("viewport_width", s.width)) for s in samples)),
        "mask_area_fraction_p10_p50_p90": q,
        "by_source": {
            src: {
                "samples": len(group), "pages": len({s.page for s in group}),
                "kind": dict(Counter(s.kind for s in group)), "split": dict(Counter(s.split for s in group)),
                "split_kind": dict(Counter(f"{s.split}/{s.kind}" for s in group)),
            }
            for src in sorted({s.source for s in samples})
            for group in [[s for s in samples if s.source == src]]
        },
    }


#: Pixels within this many of a difference belong to a change mask made from the pixels
#: (:func:`change_mask`): glyph gaps and anti-aliased rims of what changed are part of the change.
CHANGE_REACH = 3
#: A channel must differ by more than this (out of 255) for a pixel to differ.
DIFF_TOL = 8


def differing(reference: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """``(H, W)`` bool over the candidate: a channel differs by more than :data:`DIFF_TOL`; rows
    and columns past the reference's end differ."""
    h, w = candidate.shape[:2]
    common = reference[:h, :w]
    ch, cw = common.shape[:2]
    out = np.ones((h, w), dtype=bool)
    out[:ch, :cw] = np.abs(common.astype(np.int16) - candidate[:ch, :cw]).max(axis=2) > DIFF_TOL
    return out


def change_mask(reference: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """``(H, W)`` uint8 over the candidate: class 1 (a change that breaks nothing) wherever the
    pair differs, within :data:`CHANGE_REACH` pixels; 0 elsewhere. A reviewer's "Changed, not
    broken", and the label of a font stack that re-flowed text."""
    from scipy import ndimage

    reach = ndimage.binary_dilation(differing(reference, candidate), iterations=CHANGE_REACH)
    return reach.astype(np.uint8) * CLASS_IDS["change"]
