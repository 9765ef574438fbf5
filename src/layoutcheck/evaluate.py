"""``layoutcheck eval``: the U-Net judge and the pixel comparator on the same labelled pairs.

Every pair of the chosen split is given to each judge; a judge's answer is its list of regions
(rectangles). A *level* says what counts as real: ``strict`` = any change or defect (mask >= 1),
``layout`` = defects only (mask >= 2). The U-Net judge is run once per level (its ``level``
setting); the pixel comparator knows no levels, so its one answer is scored against both.

Definitions, for one judge at one level (``truth`` = mask pixels >= 1 at strict, >= 2 at layout;
``true boxes`` = the sample's labelled boxes of those classes; *flagged area* = the union of the
judge's region rectangles):

* **flagged**: the judge returned at least one region.
* **benign FPR**: flagged benign pairs / benign pairs.
* **pair recall**: at ``strict``, flagged pairs / (change + defect pairs); at ``layout``, located
  defect pairs / defect pairs, where a defect pair is *located* when a region overlaps one of its
  true defect boxes.
* **per-class recall** (defect class k): pairs with a class-k box where a region overlaps a true
  class-k box / pairs with a class-k box. ``named`` counts the pairs where such a region also
  carries class k's name as its kind (the U-Net classes its regions; the pixel judge does not).
* **change pass rate** (``layout`` only): change-only pairs not flagged / change-only pairs.
* **pixel IoU**: |flagged area ∩ truth| / |flagged area ∪ truth|, summed over all pairs first
  (micro), so flagged benign pairs count against it.
* **region precision**: the share of the flagged area inside a true box (micro over pairs).
* **region recall**: true boxes overlapped by a region / true boxes.
* **median region IoU**: per pair with true boxes, the IoU of the union of the flagged rectangles
  and the union of the true boxes (0 when nothing was flagged); the median over those pairs.
* **median ms**: the median wall time of one ``judge()`` call (images already decoded).

Every metric is also given per ``source`` of the pairs (``by_source``: real pages, ``realpage``,
apart from generated ones, ``synth``), so real-page numbers are never averaged into generated ones.

Ratios with an empty denominator are ``None``. A reference and candidate of different sizes are
compared on their common (top-left) area, as ``compare`` does.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from layoutcheck.dataset import CLASS_NAMES, FIRST_DEFECT, SPLITS, Sample, load_sample, read_manifest
from layoutcheck.errors import InputError, ModelNotAvailableError
from layoutcheck.judgement import Judge
from layoutcheck.judges import get_judge
from layoutcheck.regions import corners_overlap
from layoutcheck.results import Region

__all__ = ["LEVELS", "EvalConfig", "EvalReport", "PairOutcome", "RunMetrics", "evaluate"]

LEVELS = ("strict", "layout")
METHODS = ("unet", "pixel")
_FLOOR = {"strict": 1, "layout": FIRST_DEFECT}  # smallest mask value that is real at a level
_Box5 = tuple[int, int, int, int, int]  # x, y, w, h, class (or x0, y0, x1, y1, class once clipped)


@dataclass(frozen=True)
class EvalConfig:
    """One ``layoutcheck eval`` run.

    Attributes:
        data: dataset folders.
        split: ``train``, ``val``, ``test`` or ``all``.
        methods: judges to compare, ``unet`` and/or ``pixel``.
        model: the U-Net weights (needed for ``unet``).
        levels: levels to score the U-Net at (and the pixel comparator against).
        device: the U-Net's device (``auto``, ``cpu``, ``cuda``...).
        threshold: the U-Net's probability threshold (None: the judge's default).
        pixel_threshold: the pixel comparator's YIQ threshold.
        limit: evaluate at most this many pairs (the first ones of the manifests).
    """

    data: tuple[Path, ...]
    split: str = "test"
    methods: tuple[str, ...] = METHODS
    model: Path | None = None
    levels: tuple[str, ...] = LEVELS
    device: str = "auto"
    threshold: float | None = None
    pixel_threshold: float = 0.1
    limit: int | None = None

    def __post_init__(self) -> None:
        if not self.data:
            raise InputError("give at least one dataset folder (--data DIR)")
        if self.split not in (*SPLITS, "all"):
            raise InputError(f"--split must be one of {', '.join(SPLITS)} or all, got {self.split!r}")
        bad = [m for m in self.methods if m not in METHODS] + [lv for lv in self.levels if lv not in LEVELS]
        if bad or not self.methods or not self.levels:
            raise InputError(
                f"methods must be among {', '.join(METHODS)} and levels among {', '.join(LEVELS)}, got {bad or 'none'}"
            )
        if "unet" in self.methods and self.model is None:
            raise ModelNotAvailableError("the unet method needs --model FILE (a trained model); or use --method pixel")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"--limit must be at least 1, got {self.limit}")


@dataclass(frozen=True)
class PairOutcome:
    """How one judge at one level did on one pair (the raw counts the metrics sum)."""

    id: str
    kind: str
    classes: tuple[int, ...]
    method: str
    level: str
    regions: int
    located: bool  # a region overlaps a true box of this level
    found_classes: tuple[int, ...]  # classes k with a region overlapping a true class-k box
    named_classes: tuple[int, ...]  # ... by a region whose kind is k's name (U-Net regions are classed)
    flagged_px: int
    truth_px: int
    inter_px: int  # flagged area ∩ truth
    inside_px: int  # flagged area ∩ true boxes
    boxes: int  # true boxes at this level
    boxes_hit: int
    region_iou: float | None  # union of regions vs union of true boxes; None without true boxes
    ms: float
    source: str = ""  # the sample's source (synth, realpage, ...); empty in reports made before it

    @property
    def flagged(self) -> bool:
        return self.regions > 0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PairOutcome:
        lists = ("classes", "found_classes", "named_classes")
        return cls(**{**d, **{k: tuple(d[k]) for k in lists}})


@dataclass(frozen=True)
class RunMetrics:
    """The metrics of one judge at one level (see the module docstring)."""

    method: str
    level: str
    pairs: int
    benign_fpr: float | None
    pair_recall: float | None
    change_pass: float | None
    pixel_iou: float | None
    region_precision: float | None
    region_recall: float | None
    median_region_iou: float | None
    median_ms: float | None
    per_class: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> pairs, found, named, recall

    @property
    def label(self) -> str:
        return f"{self.method} · {self.level}"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunMetrics:
        return cls(**d)


@dataclass(frozen=True)
class EvalReport:
    """Side-by-side metrics of the judges, with the per-pair outcomes they come from."""

    config: dict[str, Any]
    counts: dict[str, int]
    runs: tuple[RunMetrics, ...]
    pairs: tuple[PairOutcome, ...] = ()
    created: str = ""

    def run(self, method: str, level: str) -> RunMetrics:
        """The metrics of ``method`` at ``level``."""
        for r in self.runs:
            if r.method == method and r.level == level:
                return r
        raise KeyError(f"no run {method} at {level}")

    def by_source(self) -> dict[str, tuple[dict[str, int], tuple[RunMetrics, ...]]]:
        """Per source of the pairs: its counts by kind and the metrics of each run on its pairs alone."""
        out: dict[str, tuple[dict[str, int], tuple[RunMetrics, ...]]] = {}
        for src in sorted({p.source for p in self.pairs}):
            mine = [p for p in self.pairs if p.source == src]
            first = self.runs[0] if self.runs else None
            ids = {p.id: p.kind for p in mine if first and p.method == first.method and p.level == first.level}
            counts = {"pairs": len(ids), **{k: sum(v == k for v in ids.values()) for k in ("benign", "change", "defect")}}
            runs = tuple(summarise([p for p in mine if p.method == r.method and p.level == r.level], r.method, r.level)
                         for r in self.runs)
            out[src or "unknown"] = (counts, runs)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": 1, "created": self.created, "config": self.config, "counts": self.counts,
            "runs": [asdict(r) for r in self.runs], "pairs": [asdict(p) for p in self.pairs],
            "by_source": {src: {"counts": counts, "runs": [asdict(r) for r in runs]}
                          for src, (counts, runs) in self.by_source().items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvalReport:
        return cls(
            config=d["config"], counts=d["counts"], created=d.get("created", ""),
            runs=tuple(RunMetrics.from_dict(r) for r in d["runs"]),
            pairs=tuple(PairOutcome.from_dict(p) for p in d.get("pairs", [])),
        )

    def to_markdown(self) -> str:
        """The main table (a column per judge and level) and the per-class layout recall."""
        c = self.counts
        lines = [
            (f"### layoutcheck eval: split `{self.config.get('split')}`, {c['pairs']} pairs "
             f"({c['benign']} benign, {c['change']} change, {c['defect']} defect)"), "",
            "| metric | " + " | ".join(r.label for r in self.runs) + " |",
            "|---|" + "---:|" * len(self.runs),
        ]
        rows: list[tuple[str, Callable[[RunMetrics], str]]] = [
            ("benign-pair FPR ↓", lambda r: _fmt(r.benign_fpr)),
            ("pair recall ↑ ¹", lambda r: _fmt(r.pair_recall)),
            ("change pairs passing ↑ ²", lambda r: _fmt(r.change_pass)),
            ("pixel IoU ↑", lambda r: _fmt(r.pixel_iou)),
            ("region precision ↑", lambda r: _fmt(r.region_precision)),
            ("region recall ↑", lambda r: _fmt(r.region_recall)),
            ("median region IoU ↑", lambda r: _fmt(r.median_region_iou)),
            ("median ms / pair ↓", lambda r: _fmt(r.median_ms, 1)),
        ]
        used = self.config.get("thresholds") or {}
        if used:  # reports written before thresholds were recorded lack the row
            rows.append(("threshold used", lambda r: _fmt(used.get(r.label, used.get(f"{r.method} · all")), 2)))
        for name, cell in rows:
            lines.append(f"| {name} | " + " | ".join(cell(r) for r in self.runs) + " |")
        lines += ["", ("¹ strict: change and defect pairs flagged; layout: defect pairs with a region on a "
                       "true defect box. ² layout level only."), ""]
        sources = self.by_source()
        if len(sources) > 1:
            lines += ["#### per source (real pages apart from generated ones)", "",
                      "| source | pairs | metric | " + " | ".join(r.label for r in self.runs) + " |",
                      "|---|---:|---|" + "---:|" * len(self.runs)]
            for src, (counts, runs) in sources.items():
                n = f"{counts['pairs']} ({counts['benign']}/{counts['change']}/{counts['defect']})"
                for name, cell in rows[:3]:
                    lines.append(f"| {src} | {n} | {name} | " + " | ".join(cell(r) for r in runs) + " |")
                    n = ""
            lines += ["", "pairs: (benign/change/defect)", ""]
        by_level = [r for r in self.runs if r.level == "layout"] or list(self.runs)
        classes = sorted({k for r in by_level for k in r.per_class}, key=CLASS_NAMES.index)
        if classes:
            lines += [f"#### defect recall per class ({by_level[0].level} level)", "",
                      "| class | pairs | " + " | ".join(r.method for r in by_level) + " |",
                      "|---|---:|" + "---:|" * len(by_level)]
            for k in classes:
                n = next(r.per_class[k]["pairs"] for r in by_level if k in r.per_class)
                cells = [_fmt_class(r.per_class.get(k)) for r in by_level]
                lines.append(f"| {k} | {n} | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"


def _fmt(v: float | None, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _fmt_class(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "—"
    return f"{_fmt(entry['recall'])} ({entry['found']}/{entry['pairs']})"


# -- running the judges ----------------------------------------------------------------------


def evaluate(config: EvalConfig, *, on_pair: Callable[[int, int], None] | None = None) -> EvalReport:
    """Run the judges over the split's pairs and score them.

    Args:
        config: the run.
        on_pair: called with (pairs done, pairs in total) after each pair.

    Returns:
        The report; ``to_dict()`` is JSON-able, ``to_markdown()`` a table.

    Raises:
        InputError: no pairs in the split, or unusable datasets.
        ModelNotAvailableError: ``unet`` without a usable model.
    """
    samples = _samples(config)
    judges = _judges(config)
    outcomes: list[PairOutcome] = []
    for done, (root, sample, sid) in enumerate(samples, start=1):
        ref, cand, mask = load_sample(root, sample)
        ref, cand, mask = _common_area(ref, cand, mask)
        boxes = _clip_boxes(sample.boxes, mask.shape)
        for method, level, judge in judges:
            start = time.perf_counter()
            regions = judge.judge(ref, cand).regions
            ms = (time.perf_counter() - start) * 1000.0
            for lv in (config.levels if level is None else (level,)):
                outcomes.append(score_pair(sid, sample, regions, mask, boxes, method=method, level=lv, ms=ms))
        if on_pair is not None:
            on_pair(done, len(samples))
    runs = tuple(
        summarise([o for o in outcomes if o.method == m and o.level == lv], m, lv)
        for m in config.methods for lv in config.levels
    )
    kinds = [s.kind for _, s, _ in samples]
    return EvalReport(
        config={"data": [str(p) for p in config.data], "split": config.split, "methods": list(config.methods),
                "model": str(config.model) if config.model else None, "levels": list(config.levels),
                "device": config.device, "threshold": config.threshold, "pixel_threshold": config.pixel_threshold,
                # what each judge really used (the U-Net's default: the model's calibrated threshold)
                "thresholds": {f"{m} · {lv or 'all'}": j.threshold for m, lv, j in judges}},
        counts={"pairs": len(samples), **{k: kinds.count(k) for k in ("benign", "change", "defect")}},
        runs=runs, pairs=tuple(outcomes),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _samples(config: EvalConfig) -> list[tuple[Path, Sample, str]]:
    """``(root, sample, id)`` of the split; ids are prefixed by the folder name with several datasets."""
    out = []
    for root in config.data:
        prefix = f"{Path(root).name}/" if len(config.data) > 1 else ""
        out += [(Path(root), s, prefix + s.id) for s in read_manifest(root) if config.split in ("all", s.split)]
    if not out:
        names = ", ".join(str(r) for r in config.data)
        raise InputError(f"{names}: no samples with split {config.split!r}; choose another --split")
    return out[: config.limit] if config.limit else out


def _judges(config: EvalConfig) -> list[tuple[str, str | None, Judge]]:
    """``(method, level, judge)``; level None for a judge scored at every level (the pixel one)."""
    out: list[tuple[str, str | None, Judge]] = []
    for method in config.methods:
        if method == "pixel":
            out.append(("pixel", None, get_judge("pixel", config.pixel_threshold)))
            continue
        for level in config.levels:
            judge = get_judge("unet", config.threshold, level=level, device=config.device, model_path=config.model)
            out.append(("unet", level, judge))
    return out


def _common_area(ref: np.ndarray, cand: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    h, w = min(ref.shape[0], cand.shape[0]), min(ref.shape[1], cand.shape[1])
    return ref[:h, :w], cand[:h, :w], mask[:h, :w]


def _clip_boxes(boxes: tuple[_Box5, ...], shape: tuple[int, ...]) -> list[_Box5]:
    """Boxes as ``(x0, y0, x1, y1, class)`` clipped to ``shape``; empty ones dropped."""
    h, w = shape[:2]
    out = []
    for x, y, bw, bh, c in boxes:
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + bw, w), min(y + bh, h)
        if x1 > x0 and y1 > y0:
            out.append((x0, y0, x1, y1, c))
    return out


# -- scoring -----------------------------------------------------------------------------------


def score_pair(
    sid: str, sample: Sample, regions: tuple[Region, ...], mask: np.ndarray,
    boxes: list[_Box5], *, method: str, level: str, ms: float = 0.0,
) -> PairOutcome:
    """Score one judgement against the labels at one level.

    Args:
        sid: the pair's id in the report.
        sample: the manifest entry (kind and classes).
        regions: the judge's regions, in candidate pixels.
        mask: ``(H, W)`` uint8 class mask.
        boxes: true boxes ``(x0, y0, x1, y1, class)`` inside the mask.
        method: the judge's name.
        level: ``strict`` or ``layout``.
        ms: the judge's time on the pair.
    """
    h, w = mask.shape
    floor = _FLOOR[level]
    truth = mask >= floor  # (H, W)
    true_boxes = [b for b in boxes if b[4] >= floor]
    clipped = [((max(r.x, 0), max(r.y, 0), min(r.x + r.w, w), min(r.y + r.h, h)), r.kind) for r in regions]
    clipped = [(rect, kind) for rect, kind in clipped if rect[2] > rect[0] and rect[3] > rect[1]]
    rects = [rect for rect, _ in clipped]
    flagged = np.zeros((h, w), dtype=bool)
    for x0, y0, x1, y1 in rects:
        flagged[y0:y1, x0:x1] = True
    in_boxes = np.zeros((h, w), dtype=bool)
    for x0, y0, x1, y1, _ in true_boxes:
        in_boxes[y0:y1, x0:x1] = True
    hit = [any(corners_overlap(r, b[:4]) for r in rects) for b in true_boxes]
    found = tuple(sorted({b[4] for b, ok in zip(true_boxes, hit, strict=True) if ok and b[4] >= FIRST_DEFECT}))
    named = tuple(sorted({
        b[4] for b in true_boxes
        if b[4] >= FIRST_DEFECT
        and any(kind == CLASS_NAMES[b[4]] and corners_overlap(rect, b[:4]) for rect, kind in clipped)
    }))
    region_iou = None
    if true_boxes:
        union = int((flagged | in_boxes).sum())
        region_iou = int((flagged & in_boxes).sum()) / union if union else 0.0
    return PairOutcome(
        id=sid, kind=sample.kind, classes=tuple(sample.classes), method=method, level=level,
        regions=len(regions), located=any(hit), found_classes=found, named_classes=named,
        flagged_px=int(flagged.sum()), truth_px=int(truth.sum()), inter_px=int((flagged & truth).sum()),
        inside_px=int((flagged & in_boxes).sum()), boxes=len(true_boxes), boxes_hit=sum(hit),
        region_iou=region_iou, ms=round(ms, 3), source=sample.source,
    )


def summarise(outcomes: list[PairOutcome], method: str, level: str) -> RunMetrics:
    """The metrics of one judge at one level from its pair outcomes."""

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 6) if b else None

    benign = [o for o in outcomes if o.kind == "benign"]
    change = [o for o in outcomes if o.kind == "change"]
    defect = [o for o in outcomes if o.kind == "defect"]
    if level == "strict":
        positives = change + defect
        recall = ratio(sum(o.flagged for o in positives), len(positives))
        change_pass = None
    else:
        recall = ratio(sum(o.located for o in defect), len(defect))
        change_pass = ratio(sum(not o.flagged for o in change), len(change))
    flagged_px = sum(o.flagged_px for o in outcomes)
    inter = sum(o.inter_px for o in outcomes)
    union = flagged_px + sum(o.truth_px for o in outcomes) - inter
    ious = [o.region_iou for o in outcomes if o.region_iou is not None]
    per_class: dict[str, dict[str, Any]] = {}
    for k in range(FIRST_DEFECT, len(CLASS_NAMES)):
        having = [o for o in outcomes if k in o.classes]
        if having:
            found = sum(k in o.found_classes for o in having)
            per_class[CLASS_NAMES[k]] = {
                "pairs": len(having), "found": found, "named": sum(k in o.named_classes for o in having),
                "recall": ratio(found, len(having)),
            }
    return RunMetrics(
        method=method, level=level, pairs=len(outcomes),
        benign_fpr=ratio(sum(o.flagged for o in benign), len(benign)),
        pair_recall=recall, change_pass=change_pass,
        pixel_iou=ratio(inter, union),
        region_precision=ratio(sum(o.inside_px for o in outcomes), flagged_px),
        region_recall=ratio(sum(o.boxes_hit for o in outcomes), sum(o.boxes for o in outcomes)),
        median_region_iou=round(statistics.median(ious), 6) if ious else None,
        median_ms=round(statistics.median(o.ms for o in outcomes), 3) if outcomes else None,
        per_class=per_class,
    )
