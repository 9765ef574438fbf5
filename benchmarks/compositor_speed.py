"""How many training pairs the image-space compositor makes per second on one CPU core.

Loads rendered pages with their element-box sidecars (default: the demo's
``demo-out/baseline/home@desktop.png``; run ``make demo`` first), pins the process to one core with
one BLAS thread, then times ``composite_pair`` making N pairs at 512x512 with the default op mix
and noise probability. Reports the median of the runs, in wall and CPU time, and writes them to
``benchmarks/results/compositor_speed.json``.

Run: ``.venv/bin/python benchmarks/compositor_speed.py [PAGE.png ...] [--pairs 300] [--runs 3]``.
The issue's target: at least 50 pairs/s at 512x512 on one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy loads
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from layoutcheck.elements import ElementBox, read_sidecar, sidecar_path  # noqa: E402
from layoutcheck.imageio import load_image  # noqa: E402
from layoutcheck.synth.composite import composite_pair  # noqa: E402

TARGET_PAIRS_PER_S = 50.0
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "compositor_speed.json"
DEFAULT_PAGE = ROOT / "demo-out" / "baseline" / "home@desktop.png"


def _run(
    pages: list[tuple[np.ndarray, tuple[ElementBox, ...]]], pairs: int, size: int, noise: float, seed: int
) -> tuple[float, float, Counter[str]]:
    """Make ``pairs`` pairs, cycling through the pages; (wall s, CPU s, pairs per op)."""
    rng = np.random.default_rng(seed)
    ops: Counter[str] = Counter()
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(pairs):
        page, elements = pages[n % len(pages)]
        ops[composite_pair(page, elements, rng, size=size, noise=noise).params["op"]] += 1
    return time.perf_counter() - wall, time.process_time() - cpu, ops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, default=[DEFAULT_PAGE], help="page PNGs with .json sidecars")
    parser.add_argument("--pairs", type=int, default=300, help="pairs per timed run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is reported)")
    parser.add_argument("--size", type=int, default=512, help="crop side in pixels")
    parser.add_argument("--noise", type=float, default=0.5, help="probability of benign noise per pair")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    pages = [(load_image(p), read_sidecar(sidecar_path(p)).elements) for p in args.pages]
    _run(pages, min(args.pairs, 20), args.size, args.noise, seed=-1 % 2**32)  # warm caches and imports
    runs = [_run(pages, args.pairs, args.size, args.noise, seed=k) for k in range(args.runs)]
    wall = statistics.median(args.pairs / r[0] for r in runs)
    cpu = statistics.median(args.pairs / r[1] for r in runs)
    ops = sum((r[2] for r in runs), Counter())
    result: dict[str, Any] = {
        "pages": [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in args.pages],
        "pairs_per_run": args.pairs,
        "runs": args.runs,
        "size": args.size,
        "noise": args.noise,
        "pairs_per_s_wall": round(wall, 1),
        "pairs_per_s_cpu": round(cpu, 1),
        "runs_pairs_per_s_wall": [round(args.pairs / r[0], 1) for r in runs],
        "runs_pairs_per_s_cpu": [round(args.pairs / r[1], 1) for r in runs],
        "target_pairs_per_s": TARGET_PAIRS_PER_S,
        "meets_target": wall >= TARGET_PAIRS_PER_S,
        "ops": dict(sorted(ops.items())),
        "cores": 1,
        "load_average": [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"composite_pair at {args.size}x{args.size}, noise {args.noise}, {len(pages)} page(s), one core")
    print(f"  {wall:.1f} pairs/s wall, {cpu:.1f} pairs/s CPU (median of {args.runs} runs of {args.pairs})")
    print(f"target {TARGET_PAIRS_PER_S:.0f} pairs/s: {'met' if result['meets_target'] else 'MISSED'}")
    print(f"written {RESULTS}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
