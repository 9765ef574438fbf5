"""Quality of layoutcheck's judges beside the pixel-diff peers, on the same labelled pairs.

Every judge sees the same pairs and is scored with ``layoutcheck.evaluate.score_pair`` /
``summarise`` (the definitions ``layoutcheck eval`` uses; see that module's docstring):

* layoutcheck ``unet`` at ``strict`` and at ``layout`` (the shipped model, or ``--model``, at the
  threshold the judge picks: the model's calibrated one, else 0.5), and layoutcheck ``pixel``
  (YIQ threshold 0.1, anti-aliasing ignored);
* scikit-image SSIM: the local SSIM map of the two luma images (7x7 windows, ``data_range`` 255);
  a pair fails when a connected area of at least 16 px has local SSIM below ``t`` (boxes from
  ``regions.mask_to_boxes``, 8 px gap, as the U-Net judge groups its pixels). The default
  ``t = 0.2`` was picked once, before these test pairs existed, on the first 120 train-split pairs
  of the U-Net's training set (``layoutcheck synth --pairs 2400 --seed 7 --per-page 8``): of 0.1
  to 0.95 by 0.05, 0.15 to 0.25 tied for the largest defect recall minus benign false-positive
  rate, and 0.2 is the middle of that plateau. ``--ssim-threshold`` changes it;
* the peers as users run them (``benchmarks/peers.py``, npm packages): pixelmatch and odiff fail
  a pair with any differing pixel, Playwright's ``toHaveScreenshot`` comparator at its defaults
  (threshold 0.2, ``maxDiffPixels`` 0). Their regions: the tool's diff mask through
  ``regions.mask_to_boxes`` (20 px gap, as layoutcheck's pixel judge);
* each pixel comparator (the three peers and layoutcheck ``pixel``) at its most generous single
  tolerance, rows marked "tuned": fail iff diff ratio > ``r`` (Playwright's
  ``maxDiffPixelRatio``), with ``r`` the recorded ratio that maximises defect-pair recall minus
  benign-pair false-positive rate (ties: the largest ``r``). It is fitted on the very pairs it is
  scored on, from the recorded ratios, without a re-run: a best case for the peers that no
  user gets, since a tolerance set on one project's screenshots is not tuned on the next one's.

A pair whose two images differ in size fails for every judge (every tool does that); the
layoutcheck judges also judge the common area, as ``layoutcheck compare`` does.

"Per level": the peers give one verdict, so every judge is reported on the same columns: benign
FPR, change pairs flagged, defect pairs flagged and located (a region on a true defect box),
change pairs passing (what the layout level wants), region precision (share of the flagged area
inside a true box: any true box, and defect boxes only), and the median ms per pair including
the decoding of both PNGs (the peers: as timed inside Node, from reading the files).

Data (default: the first two): (1) the test split, pages no model was trained on, made once by
``layoutcheck synth ... --split test`` into ``benchmarks/.cache/synth-test`` (see
``bench_data.py``; needs Chromium, which ``make setup`` finds): 400 pairs, ``--quick`` the first
64; (2) the peers' own test fixtures (``fixtures/peers/MANIFEST.json``), reported case by case
against what the peers' tests expect; (3) ``--data DIR`` (repeatable) any dataset folder.

The plot ``results/fpr_recall.png`` shows false-positive rate against recall as each judge's
threshold varies, on the test split. A pair's score: pixel comparators, their diff ratio (the
``maxDiffPixelRatio`` curve); SSIM, 1 - the 16th-smallest local SSIM; the U-Net, the
16th-largest pixel failure probability from one ``segment.predict`` per pair (the judge's own
alignment, gate and tiles; strict: 1 - p(none), layout: the sum of the defect classes). "At least
16 pixels over the threshold" is necessary for the judges' rule (a connected area of 16 px over
it), not sufficient, so the curves are a slight upper bound of the judges; the marked default
points are the real judges' results from the table.

Run: ``.venv/bin/python benchmarks/quality.py [--quick] [--data DIR]... [--model FILE]``.
Writes ``benchmarks/results/quality.json`` (per-pair records included), ``quality.md`` and
``fpr_recall.png``, and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

# The U-Net judge asks OpenMP to sleep between parallel regions when it imports torch first; here
# torch may come first (the curves), so set it up front (see segment._prefer_passive_openmp).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_data  # noqa: E402
from bench_data import BenchPair  # noqa: E402
from quality_report import fixtures_markdown, fixtures_summary, labelled_markdown, plot  # noqa: E402
from runinfo import cpu_name, git_commit  # noqa: E402

from layoutcheck.evaluate import PairOutcome, _clip_boxes, score_pair, summarise  # noqa: E402
from layoutcheck.imageio import load_image  # noqa: E402
from layoutcheck.judgement import Judgement  # noqa: E402
from layoutcheck.regions import mask_to_boxes, regions_from_mask, size_band_regions  # noqa: E402
from layoutcheck.results import Region  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FULL_PAIRS, QUICK_PAIRS = 400, 64
SSIM_THRESHOLD = 0.2
MIN_PIXELS = 16  # the judges' smallest failing area; the curves' "16th-largest pixel"
PEER_GAP = 20  # px: as layoutcheck's pixel judge groups its differing pixels
PEER_SETTINGS = {
    "pixelmatch": "threshold 0.1, fails on any differing pixel",
    "odiff": "threshold 0.1, fails on any differing pixel",
    "playwright": "threshold 0.2, maxDiffPixels 0",
}
PEER_LABELS = {"pixelmatch": "pixelmatch", "odiff": "odiff", "playwright": "Playwright toHaveScreenshot"}
TUNABLE = ("pixel", "pixelmatch", "odiff", "playwright")


@dataclass(frozen=True)
class SsimJudge:
    """Fails where a connected area of ``min_pixels`` or more has local SSIM below ``threshold``."""

    threshold: float = SSIM_THRESHOLD
    min_pixels: int = MIN_PIXELS
    gap: int = 8
    method: str = "ssim"

    def judge_scored(self, reference: np.ndarray, candidate: np.ndarray) -> tuple[Judgement, float]:
        """The judgement and the pair's curve score (1 - the ``min_pixels``-th smallest local SSIM)."""
        from skimage.metrics import structural_similarity

        _, smap = structural_similarity(_luma(reference), _luma(candidate), data_range=255.0, full=True)  # (H, W)
        low = smap < self.threshold  # (H, W)
        regions = regions_from_mask(low, np.clip(1.0 - smap, 0.0, 1.0), kind="ssim", gap=self.gap,
                                    min_pixels=self.min_pixels) if low.any() else []
        kth_smallest = -kth_largest(-smap, self.min_pixels)
        score = 1.0 - kth_smallest
        return Judgement(regions=tuple(regions), diff_pixels=int(low.sum()), overlay=None), score


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # (H, W)


def kth_largest(values: np.ndarray, k: int) -> float:
    """The ``k``-th largest value (the smallest when there are fewer than ``k``)."""
    flat = values.ravel()
    if flat.size <= k:
        return float(flat.min())
    return float(np.partition(flat, flat.size - k)[flat.size - k])


def pick_tolerance(positive: Iterable[float], negative: Iterable[float]) -> dict[str, float]:
    """The ratio tolerance ``r`` (a pair fails iff its ratio > r) maximising recall - FPR.

    Args:
        positive: ratios of the pairs that should fail (``inf``: fails at any tolerance).
        negative: ratios of the pairs that should pass.

    Returns:
        ``{"r", "recall", "fpr"}``; candidates are 0 and every finite ratio seen; among equal
        scores the largest ``r`` (the most generous tolerance) wins.
    """
    pos, neg = np.asarray(list(positive), dtype=float), np.asarray(list(negative), dtype=float)
    everything = np.concatenate([pos, neg])
    candidates = np.unique(np.concatenate([[0.0], everything[np.isfinite(everything)]]))
    best: dict[str, float] | None = None
    for r in candidates:
        recall = float((pos > r).mean()) if pos.size else 0.0
        fpr = float((neg > r).mean()) if neg.size else 0.0
        if best is None or recall - fpr >= best["recall"] - best["fpr"] - 1e-12:
            best = {"r": float(r), "recall": recall, "fpr": fpr}
    assert best is not None  # candidates always holds 0
    return best


# -- one pair ------------------------------------------------------------------------------------


@dataclass
class Record:
    """One judge on one pair."""

    pair: str
    source: str
    kind: str
    judge: str
    flagged: bool
    ms: float
    size_mismatch: bool = False
    ratio: float | None = None  # diff pixels / pixels (pixel comparators); inf on a size mismatch
    score: float | None = None  # the curve score; inf on a size mismatch
    strict: PairOutcome | None = None
    layout: PairOutcome | None = None
    regions: tuple[Region, ...] = field(default=(), repr=False)


@dataclass
class Judges:
    """What runs on each pair."""

    names: list[str]  # judge keys in table order
    labels: dict[str, str]
    settings: dict[str, str]
    lc: dict[str, Any]  # key -> layoutcheck judge (pixel, unet-strict, unet-layout)
    ssim: SsimJudge | None
    model: Any = None  # the U-Net for the curve scores
    device: str = "cpu"
    peers: Any = None  # a peers.PeerRunner
    peer_tools: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)


def run_pair(pair: BenchPair, judges: Judges) -> list[Record]:
    """Every judge on one pair, scored at both levels when the pair has a mask."""
    start = time.perf_counter()
    ref, cand = load_image(pair.reference), load_image(pair.candidate)
    decode_ms = (time.perf_counter() - start) * 1000.0
    mismatch = ref.shape != cand.shape
    h, w = min(ref.shape[0], cand.shape[0]), min(ref.shape[1], cand.shape[1])
    bands = tuple(size_band_regions((ref.shape[1], ref.shape[0]), (cand.shape[1], cand.shape[0])))
    ref_c, cand_c = ref[:h, :w], cand[:h, :w]
    truth = _truth(pair)
    out: list[Record] = []

    def add(key: str, regions: tuple[Region, ...], ms: float, ratio: float | None = None,
            score: float | None = None, flagged: bool | None = None) -> None:
        regions = regions + bands
        rec = Record(pair=pair.id, source=pair.source, kind=pair.kind, judge=key,
                     flagged=bool(regions) if flagged is None else flagged or mismatch, ms=round(ms, 3),
                     size_mismatch=mismatch, ratio=math.inf if mismatch and ratio is not None else ratio,
                     score=math.inf if mismatch and score is not None else score, regions=regions)
        if truth is not None:
            mask, boxes = truth
            rec.strict = score_pair(pair.id, pair.sample, regions, mask, boxes, method=key, level="strict", ms=ms)  # type: ignore[arg-type]
            rec.layout = score_pair(pair.id, pair.sample, regions, mask, boxes, method=key, level="layout", ms=ms)  # type: ignore[arg-type]
        out.append(rec)
        judges.seconds[key] = judges.seconds.get(key, 0.0) + ms / 1000.0

    curve: dict[str, float] = {}
    if judges.model is not None:
        t = time.perf_counter()
        curve = unet_scores(judges.model, ref_c, cand_c, device=judges.device)
        judges.seconds["unet-curves"] = judges.seconds.get("unet-curves", 0.0) + time.perf_counter() - t
    for key, judge in judges.lc.items():
        t = time.perf_counter()
        found = judge.judge(ref_c, cand_c)
        ms = decode_ms + (time.perf_counter() - t) * 1000.0
        ratio = found.diff_pixels / (h * w) if key == "pixel" else None
        add(key, tuple(found.regions), ms, ratio=ratio, score=ratio if key == "pixel" else curve.get(key))
    if judges.ssim is not None:
        t = time.perf_counter()
        if mismatch:
            found, score = Judgement(regions=(), diff_pixels=0, overlay=None), math.inf
        else:
            found, score = judges.ssim.judge_scored(ref_c, cand_c)
        add("ssim", found.regions, decode_ms + (time.perf_counter() - t) * 1000.0, score=score)
    if judges.peers is not None:
        for tool in judges.peer_tools:
            res = judges.peers.compare(tool, pair.reference, pair.candidate, want_mask=True)
            regions: tuple[Region, ...] = ()
            if res.mask is not None and res.diff_pixels:
                regions = tuple(Region(x=x, y=y, w=bw, h=bh, score=1.0, kind="diff")
                                for x, y, bw, bh in mask_to_boxes(res.mask, gap=PEER_GAP))
            add(tool, regions, res.ms, ratio=res.ratio, score=res.ratio,
                flagged=res.size_mismatch or res.diff_pixels > 0)
    return out


def _truth(pair: BenchPair) -> tuple[np.ndarray, list[tuple[int, int, int, int, int]]] | None:
    """The pair's class mask and clipped true boxes, as ``evaluate`` reads them."""
    if pair.sample is None or pair.root is None:
        return None
    from PIL import Image

    with Image.open(pair.root / pair.sample.mask) as im:
        mask = np.asarray(im.convert("L") if im.mode not in ("L", "P") else im, dtype=np.uint8)  # (H, W)
    return mask, _clip_boxes(pair.sample.boxes, mask.shape)


def unet_scores(model: Any, reference: np.ndarray, candidate: np.ndarray, *, device: str) -> dict[str, float]:
    """The U-Net curve scores of a pair: the 16th-largest failure probability at each level."""
    from layoutcheck.calibrate import level_scores
    from layoutcheck.segment import predict

    scores = level_scores(predict(model, reference, candidate, device=device))  # (H, W) per level
    return {f"unet-{level}": kth_largest(score, MIN_PIXELS) for level, score in scores.items()}


# -- metrics ---------------------------------------------------------------------------------------


def tuned_records(records: list[Record], key: str, r: float) -> list[Record]:
    """``key``'s records at tolerance ``r``: a pair fails iff size mismatch or ratio > r."""
    out = []
    for rec in records:
        if rec.judge != key:
            continue
        keep = rec.size_mismatch or (rec.ratio is not None and rec.ratio > r)
        new = replace(rec, judge=f"{key}-tuned", flagged=keep and rec.flagged)
        if not keep:
            new.strict, new.layout, new.regions = _unflag(rec.strict), _unflag(rec.layout), ()
        elif rec.strict is not None:
            new.strict, new.layout = replace(rec.strict, method=new.judge), replace(rec.layout, method=new.judge)  # type: ignore[arg-type]
        out.append(new)
    return out


def _unflag(o: PairOutcome | None) -> PairOutcome | None:
    """The outcome of the same pair had the judge flagged nothing."""
    if o is None:
        return None
    return replace(o, method=f"{o.method}-tuned", regions=0, located=False, found_classes=(), named_classes=(),
                   flagged_px=0, inter_px=0, inside_px=0, boxes_hit=0,
                   region_iou=0.0 if o.region_iou is not None else None)


def metrics(records: list[Record], key: str) -> dict[str, Any]:
    """The table's columns for one judge on one source's pairs."""
    mine = [r for r in records if r.judge == key]

    def share(rs: list[Record], want: bool) -> float | None:
        return round(sum(r.flagged == want for r in rs) / len(rs), 6) if rs else None

    by_kind = {k: [r for r in mine if r.kind == k] for k in ("benign", "change", "defect")}
    out: dict[str, Any] = {
        "pairs": len(mine),
        "benign_fpr": share(by_kind["benign"], True),
        "change_flagged": share(by_kind["change"], True),
        "change_pass": share(by_kind["change"], False),
        "defect_flagged": share(by_kind["defect"], True),
        "strict_recall": share(by_kind["change"] + by_kind["defect"], True),
        "median_ms": round(statistics.median(r.ms for r in mine), 2) if mine else None,
    }
    if mine and all(r.strict is not None for r in mine):
        strict = summarise([r.strict for r in mine], key, "strict")  # type: ignore[misc]
        layout = summarise([r.layout for r in mine], key, "layout")  # type: ignore[misc]
        out.update(defect_located=layout.pair_recall, region_precision_any=strict.region_precision,
                   region_precision_defect=layout.region_precision, pixel_iou=strict.pixel_iou,
                   per_class=layout.per_class)
    return out


# -- records in JSON -------------------------------------------------------------------------------

_OUTCOME_FIELDS = [f.name for f in fields(PairOutcome) if f.name not in ("id", "kind", "method", "level", "ms")]
_RECORD_FIELDS = ["pair", "source", "kind", "judge", "flagged", "ms", "size_mismatch", "ratio", "score"]


def _num(v: Any) -> Any:
    if isinstance(v, float):
        return None if math.isinf(v) else round(v, 6)
    return list(v) if isinstance(v, tuple) else v


def records_json(records: list[Record]) -> dict[str, Any]:
    """Columnar per-pair records (tuned ones are rebuilt from ratio + tolerance); inf ratios as null."""
    rows = []
    for r in records:
        row = [_num(getattr(r, k)) for k in _RECORD_FIELDS]
        for o in (r.strict, r.layout):
            row.append(None if o is None else [_num(getattr(o, k)) for k in _OUTCOME_FIELDS])
        rows.append(row)
    return {"columns": _RECORD_FIELDS + ["strict", "layout"], "outcome_columns": _OUTCOME_FIELDS, "rows": rows}


def records_from_json(part: dict[str, Any]) -> list[Record]:
    """The records :func:`records_json` wrote (regions left out), ready for :func:`metrics` and the plot."""
    out = []
    for row in part["rows"]:
        d = dict(zip(part["columns"], row, strict=True))
        mismatch = bool(d["size_mismatch"])
        rec = Record(pair=d["pair"], source=d["source"], kind=d["kind"], judge=d["judge"], flagged=d["flagged"],
                     ms=d["ms"], size_mismatch=mismatch,
                     ratio=math.inf if mismatch and d["ratio"] is None and d["judge"] in TUNABLE else d["ratio"],
                     score=math.inf if mismatch and d["score"] is None else d["score"])
        for level in ("strict", "layout"):
            if d[level] is not None:
                o = dict(zip(part["outcome_columns"], d[level], strict=True))
                setattr(rec, level, PairOutcome.from_dict({**o, "id": rec.pair, "kind": rec.kind, "method": rec.judge,
                                                           "level": level, "ms": rec.ms}))
        out.append(rec)
    return out


# -- main ------------------------------------------------------------------------------------------


def build_judges(args: argparse.Namespace) -> Judges:
    from layoutcheck.judges import get_judge

    j = Judges(names=[], labels={}, settings={}, lc={}, ssim=None)
    model_path = args.model
    for level in ("strict", "layout"):
        judge = get_judge("unet", None, level=level, device=args.device, model_path=model_path)
        key = f"unet-{level}"
        j.lc[key], j.labels[key] = judge, f"layoutcheck unet · {level}"
        what = "any change" if level == "strict" else "a defect"
        j.settings[key] = (f"fails where p({what}) > {judge.threshold:.3g} on ≥ {judge.min_pixels} px; "
                           f"regions reach to p > {judge.extent:.2g}")
        j.names.append(key)
    j.lc["pixel"] = get_judge("pixel", 0.1)
    j.labels["pixel"], j.settings["pixel"] = "layoutcheck pixel", "YIQ threshold 0.1, fails on any pixel"
    j.ssim = SsimJudge(threshold=args.ssim_threshold)
    j.labels["ssim"], j.settings["ssim"] = "SSIM (scikit-image)", f"local SSIM < {args.ssim_threshold:g} on ≥ 16 px"
    j.names += ["pixel", "ssim"]
    # The curves' model: the judges' own cached copy (same file, device, folding and precision).
    from layoutcheck.segment import _cached_model, _resolve_device

    j.device = _resolve_device(args.device)
    j.model = _cached_model(j.lc["unet-strict"].model_path, j.device)
    return j


def start_peers(j: Judges, enabled: bool) -> tuple[dict[str, str], str | None]:
    """Start the Node runner of the peers; their versions, or why they are left out."""
    if not enabled:
        return {}, "--no-peers"
    import peers

    try:
        j.peers = peers.PeerRunner()
    except peers.PeerError as exc:
        raise SystemExit(f"quality.py: the npm peers cannot run: {exc}\n(--no-peers leaves them out)") from exc
    j.peer_tools = tuple(peers.PEER_TOOLS)
    for tool in j.peer_tools:
        j.names.append(tool)
        j.labels[tool], j.settings[tool] = PEER_LABELS.get(tool, tool), PEER_SETTINGS.get(tool, "defaults")
    return j.peers.versions(), None


def machine_info() -> dict[str, Any]:
    import torch

    return {"cpu": cpu_name(), "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(), "platform": platform.platform(),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()]}


def versions(peer_versions: dict[str, str], model: Path | None) -> dict[str, str]:
    from importlib.metadata import version

    out = {p: version(p) for p in ("layoutcheck", "torch", "scikit-image", "numpy", "matplotlib")}
    out.update({f"npm:{k}": v for k, v in peer_versions.items()})
    if model is not None:
        pin = Path(f"{model}.sha256")
        out["model"] = f"{model.name} sha256 {pin.read_text().split()[0][:16]}" if pin.is_file() else model.name
    return out


def _synth_line(cmd: list[str]) -> str:
    """``layoutcheck synth ...`` with the output folder relative to the repository."""
    words = ["layoutcheck", *cmd[3:]]
    return " ".join(os.path.relpath(w, bench_data.ROOT) if w.startswith("/") else w for w in words)


def run_source(pairs: list[BenchPair], judges: Judges, label: str) -> list[Record]:
    records: list[Record] = []
    start = time.perf_counter()
    for i, pair in enumerate(pairs, start=1):
        records += run_pair(pair, judges)
        if i % 10 == 0 or i == len(pairs):
            print(f"  {label}: {i}/{len(pairs)} pairs, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_PAIRS} test-split pairs")
    parser.add_argument("--pairs", type=int, help=f"test-split pairs (default {FULL_PAIRS}; --quick {QUICK_PAIRS})")
    parser.add_argument("--data", type=Path, action="append", default=[], help="a dataset folder (repeatable)")
    parser.add_argument("--split", default="test", help="split of the --data folders (or all)")
    parser.add_argument("--no-test-split", action="store_true", help="leave out the generated test split")
    parser.add_argument("--no-fixtures", action="store_true", help="leave out the peers' fixtures")
    parser.add_argument("--no-peers", action="store_true", help="leave out the npm peers")
    parser.add_argument("--model", type=Path, help="U-Net weights (default: the shipped model)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--ssim-threshold", type=float, default=SSIM_THRESHOLD)
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder of quality.json/.md and the plot")
    args = parser.parse_args(argv)
    n_pairs = args.pairs or (QUICK_PAIRS if args.quick else FULL_PAIRS)
    command = "python benchmarks/quality.py" + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv))
    stages: dict[str, float] = {}
    t0 = time.perf_counter()

    sources: list[tuple[str, str, str, list[BenchPair]]] = []  # (key, title, note, pairs)
    data_info: dict[str, Any] = {}
    if not args.no_test_split:
        made = bench_data.ensure_test_split(max(n_pairs, QUICK_PAIRS))
        stages["synth"] = made["seconds"]
        pairs = bench_data.dataset_pairs(bench_data.TEST_SPLIT, split="test", limit=n_pairs, source="test-split")
        data_info["test-split"] = {"path": str(bench_data.TEST_SPLIT.relative_to(bench_data.ROOT)),
                                   "made_by": _synth_line(made["command"])}
        sources.append(("test-split", "the test split", (
            "Pages of templates and page seeds no model was trained on, made by "
            f"`{data_info['test-split']['made_by']}`" + (f", the first {n_pairs}" if n_pairs < made["pairs"] else "")
            + "."), pairs))
    for root in args.data:
        pairs = bench_data.dataset_pairs(root, split=args.split, source=root.name, prefix=f"{root.name}/")
        sources.append((root.name, f"`{root}`", f"Split `{args.split}` of the dataset folder `{root}`.", pairs))
        data_info[root.name] = {"path": str(root), "split": args.split}
    fixtures, skipped = ([], []) if args.no_fixtures else bench_data.read_peer_manifest()

    t = time.perf_counter()
    judges = build_judges(args)
    meta: dict[str, Any] = {"created": datetime.now(UTC).isoformat(timespec="seconds"), "command": command,
                            "git_commit": git_commit(mark_dirty=True), "machine": machine_info()}
    peer_versions, no_peers = start_peers(judges, not args.no_peers)
    stages["start judges and peers"] = round(time.perf_counter() - t, 1)
    tuned_keys = [k for k in TUNABLE if k in judges.names]
    for k in tuned_keys:
        judges.names.append(f"{k}-tuned")
        judges.labels[f"{k}-tuned"] = f"{judges.labels[k]} †"
    try:
        all_records: dict[str, list[Record]] = {}
        for key, _, _, pairs in sources:
            t = time.perf_counter()
            all_records[key] = run_source(pairs, judges, key)
            stages[f"judge {key} ({len(pairs)} pairs)"] = round(time.perf_counter() - t, 1)
        if fixtures:
            t = time.perf_counter()
            all_records["fixtures"] = run_source(fixtures, judges, "fixtures")
            stages[f"judge fixtures ({len(fixtures)} cases)"] = round(time.perf_counter() - t, 1)
    finally:
        if judges.peers is not None:
            judges.peers.close()
    stages["per judge (s, all sources)"] = {k: round(v, 1) for k, v in judges.seconds.items()}  # type: ignore[assignment]
    meta["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]

    # Tolerances are fitted per labelled source on its own pairs; the fixtures get the test split's.
    md_parts, metrics_out, tuned_out, counts_out = [], {}, {}, {}
    for key, title, note, pairs in sources:
        recs = all_records[key]
        tuned: dict[str, dict[str, float]] = {}
        for k in tuned_keys:
            mine = [r for r in recs if r.judge == k]
            ratio = [math.inf if r.ratio is None else r.ratio for r in mine]
            tuned[k] = pick_tolerance([x for x, r in zip(ratio, mine, strict=True) if r.kind == "defect"],
                                      [x for x, r in zip(ratio, mine, strict=True) if r.kind == "benign"])
            recs += tuned_records(recs, k, tuned[k]["r"])
        for k in tuned_keys:
            judges.settings[f"{k}-tuned"] = f"{judges.settings[k].split(',')[0]}, fails iff ratio > {tuned[k]['r']:.3g}"
        counts = {"pairs": len(pairs), **{k: sum(p.kind == k for p in pairs) for k in ("benign", "change", "defect")}}
        table = {k: metrics(recs, k) for k in judges.names if any(r.judge == k for r in recs)}
        metrics_out[key], tuned_out[key], counts_out[key] = table, tuned, counts
        md_parts.append(labelled_markdown(title, note, counts, table, judges, meta, tuned))
    if fixtures:
        recs = all_records["fixtures"]
        fit = tuned_out.get("test-split") or next(iter(tuned_out.values()), {})
        for k, v in fit.items():
            recs += tuned_records(recs, k, v["r"])
        md_parts.append(fixtures_markdown(recs, fixtures, skipped, judges, meta))
        metrics_out["fixtures"] = fixtures_summary(recs, fixtures)
        counts_out["fixtures"] = {"cases": len(fixtures), "skipped": len(skipped)}
    if no_peers:
        md_parts.append(f"(The npm peers were left out: {no_peers}.)\n")

    args.out.mkdir(parents=True, exist_ok=True)
    if sources:
        t = time.perf_counter()
        key, title, _, pairs = sources[0]
        c = counts_out[key]
        plot(args.out / "fpr_recall.png", all_records[key], judges, metrics_out[key], tuned_out[key],
             f"False-positive rate vs recall as each judge's threshold varies: {title}, {c['pairs']} pairs "
             f"({c['benign']} benign, {c['change']} change, {c['defect']} defect), {meta['created'][:10]}")
        stages["plot"] = round(time.perf_counter() - t, 1)
    stages["total"] = round(time.perf_counter() - t0, 1)
    markdown = "\n".join(md_parts)
    result = {
        "schema": 1, **meta, "versions": versions(peer_versions, getattr(judges.lc.get("unet-strict"), "model_path", None)),
        "data": data_info, "counts": counts_out, "judges": {k: {"label": judges.labels[k], "settings": judges.settings[k]}
                                                            for k in judges.names},
        "tuned": tuned_out, "metrics": metrics_out, "stage_seconds": stages,
        "fixtures": {"skipped": skipped, "cases": [{"id": p.id, "expected": p.expected, "categories": list(p.categories)}
                                                   for p in fixtures]},
        "records": {k: records_json([r for r in v if not r.judge.endswith("-tuned")]) for k, v in all_records.items()},
    }
    (args.out / "quality.json").write_text(json.dumps(result, separators=(",", ":"), allow_nan=False) + "\n")
    (args.out / "quality.md").write_text(markdown)
    print(markdown)
    print(f"stages (s): {json.dumps(stages)}")
    print(f"wrote {args.out / 'quality.json'}, {args.out / 'quality.md'}, {args.out / 'fpr_recall.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
