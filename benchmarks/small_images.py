"""Small screenshots (icons, buttons, one-line strips): the U-Net judge with and without its minimum tile.

A component screenshot can be a few dozen pixels a side. The judge runs its network on tiles no
smaller than ``segment.MIN_TILE`` (64 px), edge-padding a smaller image up to it; before that the
network ran at the image's own size rounded up to 16 px, where its deepest level sees 1-2 pixels.
This benchmark measures both, side by side in one run, on the same crops.

The crops: for each pair of a dataset split, a square of ``size`` px cut from both images around
one of its true boxes (change and defect pairs, a box drawn at random) or around a differing pixel
(benign pairs: rendering noise); crops whose two images are equal are left out (every judge passes
them without a network). A crop's truth comes from the pair's mask inside it: strict should fail it
when it holds any changed pixel, layout when it holds a defect pixel. Recall and false-positive
rate are counted per crop size, per level.

Data: the quality benchmark's test split (``benchmarks/.cache/synth-test``, made by
``bench_data.ensure_test_split``; pages no model was trained on), or ``--data DIR --split S``.

Run: ``.venv/bin/python benchmarks/small_images.py [--quick | --pairs N] [--sizes 16,24,32,48]``
(``make bench`` runs it; about a minute on 2 cores).
Writes ``benchmarks/results/small_images.json`` and ``small_images.md`` and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as speed.py: torch comes before the judge here

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_data  # noqa: E402
from runinfo import cpu_name, git_commit  # noqa: E402

from layoutcheck import segment  # noqa: E402
from layoutcheck.dataset import FIRST_DEFECT, load_sample  # noqa: E402
from layoutcheck.judges import get_judge  # noqa: E402

RESULTS_JSON = HERE / "results" / "small_images.json"
RESULTS_MD = HERE / "results" / "small_images.md"
VARIANTS = {"min tile 64 (shipped)": segment.MIN_TILE, "no minimum (before)": 0}


@dataclass(frozen=True)
class Crop:
    size: int
    kind: str  # the pair's: benign, change, defect
    changed: bool  # any true changed or defect pixel inside
    defect: bool  # any true defect pixel inside
    reference: np.ndarray
    candidate: np.ndarray


def make_crops(pairs: list[bench_data.BenchPair], sizes: list[int], seed: int) -> list[Crop]:
    rng = np.random.default_rng(seed)
    crops = []
    for pair in pairs:
        assert pair.root is not None and pair.sample is not None
        ref, cand, mask = load_sample(pair.root, pair.sample)
        if ref.shape != cand.shape:
            continue
        height, width = mask.shape
        differs = np.argwhere((ref != cand).any(axis=2))
        for size in sizes:
            if pair.sample.boxes and pair.kind != "benign":
                x, y, w, h, _ = pair.sample.boxes[rng.integers(len(pair.sample.boxes))]
                cy, cx = y + h // 2, x + w // 2
            elif len(differs):
                cy, cx = differs[rng.integers(len(differs))]
            else:
                continue
            y0 = int(np.clip(cy - size // 2, 0, max(height - size, 0)))
            x0 = int(np.clip(cx - size // 2, 0, max(width - size, 0)))
            window = (slice(y0, y0 + size), slice(x0, x0 + size))
            r, c, m = ref[window], cand[window], mask[window]
            if np.array_equal(r, c):
                continue
            crops.append(Crop(size, pair.kind, bool((m > 0).any()), bool((m >= FIRST_DEFECT).any()),
                              r.copy(), c.copy()))
    return crops


def score(crops: list[Crop], model: Path | None) -> list[dict[str, object]]:
    """One row per judge, crop size and level: the U-Net at each minimum tile, then the pixel judge."""
    judges = {lv: get_judge("unet", None, level=lv, device="cpu", model_path=model) for lv in segment.LEVELS}
    sizes = sorted({c.size for c in crops})
    rows = []
    for label, min_tile in VARIANTS.items():
        segment.MIN_TILE = min_tile
        for size in sizes:
            for level, judge in judges.items():
                flags = [(c, bool(judge.judge(c.reference, c.candidate).regions)) for c in crops if c.size == size]
                rows.append({"variant": label, "min_tile": min_tile, "size": size, "level": level,
                             **_rates(flags, level)})
    segment.MIN_TILE = VARIANTS["min tile 64 (shipped)"]
    pixel = get_judge("pixel", None)  # for scale: the pixel comparator on the same crops
    for size in sizes:
        flags = [(c, bool(pixel.judge(c.reference, c.candidate).regions)) for c in crops if c.size == size]
        for level in segment.LEVELS:
            rows.append({"variant": "layoutcheck pixel", "min_tile": None, "size": size, "level": level,
                         **_rates(flags, level)})
    return rows


def _rates(flags: list[tuple[Crop, bool]], level: str) -> dict[str, object]:
    """Counts and rates of (crop, flagged) verdicts against the crops' truth at ``level``."""
    hits = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    for crop, flagged in flags:
        truth = crop.changed if level == "strict" else crop.defect
        hits[("t" if truth == flagged else "f") + ("p" if flagged else "n")] += 1
    positives, negatives = hits["tp"] + hits["fn"], hits["fp"] + hits["tn"]
    return {**hits, "recall": hits["tp"] / positives if positives else None,
            "fpr": hits["fp"] / negatives if negatives else None}


def to_markdown(rows: list[dict[str, object]], facts: dict[str, object]) -> str:
    def rate(row: dict[str, object], key: str, hit: str, miss: str) -> str:
        value = row[key]
        n = int(row[hit]) + int(row[miss])  # type: ignore[call-overload]
        return "–" if value is None else f"{value:.3f} ({row[hit]}/{n})"

    lines = [
        "# Small screenshots: icons, buttons and strips cut from the test pages",
        "",
        f"Command: `{facts['command']}` · {facts['date']} · commit `{facts['commit']}` · {facts['cpu']}, "
        f"torch {facts['torch']}",
        "",
        f"Square crops of {facts['crops_per_size']} px around a true change or defect box (change and defect "
        f"pairs) or a differing pixel (benign pairs) of {facts['pairs']} pairs of `{facts['data']}`, "
        f"{facts['crops']} crops in all; a crop should fail at strict when it holds a changed pixel, at layout "
        "when it holds a defect pixel. The U-Net runs on tiles of at least `segment.MIN_TILE` = 64 px "
        "(smaller images edge-padded up to it); before, at the image's own size rounded up to 16 px. "
        "Cut from whole pages, many crops lose the context that made them a defect: the layout rows are "
        "a hard case for any judge.",
        "",
        "| crop | level | judge | recall (crops with a true change / defect flagged) | false-positive rate |",
        "|---|---|---|---|---|",
    ]
    for row in rows_in_order(rows):
        lines.append(f"| {row['size']} px | {row['level']} | {row['variant']} | "
                     f"{rate(row, 'recall', 'tp', 'fn')} | {rate(row, 'fpr', 'fp', 'tn')} |")
    return "\n".join(lines) + "\n"


def rows_in_order(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """By crop size, then strict before layout, then the judges in the order they ran."""
    return sorted(rows, key=lambda r: (r["size"], r["level"] != "strict"))  # type: ignore[arg-type, operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="a dataset folder (default: the test split)")
    parser.add_argument("--split", default="test")
    parser.add_argument("--pairs", type=int, default=400, help="pairs of the split to crop (default 400)")
    parser.add_argument("--quick", action="store_true", help="the first 64 pairs (make bench-quick)")
    parser.add_argument("--sizes", default="16,24,32,48", help="crop sides in px")
    parser.add_argument("--model", type=Path, default=None, help="weights (default: the shipped model)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    if args.quick:
        args.pairs = 64
    if args.data is None:
        bench_data.ensure_test_split(args.pairs)
        pairs = bench_data.dataset_pairs(bench_data.TEST_SPLIT, limit=args.pairs)
    else:
        pairs = bench_data.dataset_pairs(args.data, split=args.split, limit=args.pairs)
    crops = make_crops(pairs, [int(s) for s in args.sizes.split(",")], args.seed)
    rows = score(crops, args.model)
    command = "python benchmarks/small_images.py" + (" --quick" if args.quick else "")
    facts = {"command": command, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "data": str(args.data or bench_data.TEST_SPLIT.relative_to(HERE.parent)), "split": args.split,
             "pairs": len(pairs), "crops": len(crops), "crops_per_size": ", ".join(args.sizes.split(",")),
             "seed": args.seed, "commit": git_commit(length=12, mark_dirty=True), "cpu": cpu_name(),
             "torch": torch.__version__}
    RESULTS_JSON.write_text(json.dumps({"facts": facts, "rows": rows}, indent=2) + "\n")
    markdown = to_markdown(rows, facts)
    RESULTS_MD.write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
