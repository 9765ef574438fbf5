"""How fast the U-Net judge is on the CPU, side by side with the pixel judge, and its peak memory.

Uses a randomly initialised default model (``ModelConfig()``): speed does not depend on the
weights, but the *regions* a random model reports do not mean anything (it calls nearly every
pixel it sees "something"), so for the full-page case the script reports which tiles ran and
where, which is what the pipeline decides.

Cases, on synthetic page-like screenshots (text lines, cards, images, gaps):

* ``identical``: a 1280x800 pair of equal images;
* ``local-defect``: 1280x800, one element pasted over another (160x40 px);
* ``full-page-shift``: 1280x8000 whose lower half moved down 1 px, plus one defect;
* ``memory``: peak RSS (VmHWM) of a fresh process judging a 1280x16000 pair (shift + defect),
  and of one whose whole page changed (every tile runs), torch's own ~555 MB included.

Each case runs with 1 and 2 torch threads. Prints a Markdown table and writes
``benchmarks/results/inference_speed.json``.

Run: ``.venv/bin/python benchmarks/inference_speed.py [--runs 7] [--threads 1,2]``.
Targets (2-core CPU): identical <= 1.5x the pixel judge; local defect <= 300 ms; full page
<= 2 s with the defect found, not the shifted half; peak memory <= 1.5 GB at 1280x16000.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# What the U-Net judge itself sets when it imports torch first, as it does in the CLI (see
# segment._prefer_passive_openmp); here torch is imported before the judge, so set it up front.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

RESULTS = Path(__file__).resolve().parent / "results" / "inference_speed.json"
WIDTH = 1280
DEFECT = (300, 160, 40)  # x, w, h of the pasted element; y chosen per case
TARGETS = {"identical_ratio": 1.5, "local-defect_ms": 300.0, "full-page-shift_ms": 2000.0, "memory_mb": 1536.0}


def make_page(width: int, height: int, seed: int) -> np.ndarray:
    """A page-like screenshot: white, text lines of random glyphs, coloured cards, gradient images."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), 255, dtype=np.uint8)
    y = 24
    while y < height - 40:
        kind = rng.choice(["text", "text", "text", "card", "image"])
        if kind == "text":
            lines = int(rng.integers(1, 7))
            for _ in range(lines):
                if y + 18 > height:
                    break
                _text_line(img, rng, y, 40, int(rng.integers(width // 3, width - 80)), 11)
                y += 20
        elif kind == "card":
            h = int(rng.integers(60, 200))
            x0, x1 = int(rng.integers(20, width // 3)), int(rng.integers(width // 2, width - 20))
            img[y : y + h, x0:x1] = rng.integers(200, 250, 3)
            img[y : y + h, x0 : x0 + 1] = img[y : y + h, x1 - 1 : x1] = (180, 180, 190)
            for ty in range(y + 14, y + h - 16, 20):
                _text_line(img, rng, ty, x0 + 16, int(rng.integers(40, x1 - x0 - 32)), 11)
            y += h
        else:
            h = int(rng.integers(80, 240))
            w = int(rng.integers(160, width // 2))
            x0 = int(rng.integers(20, width - w - 20))
            gy = np.linspace(0, 1, h)[:, None, None]
            gx = np.linspace(0, 1, w)[None, :, None]
            base = rng.integers(0, 256, (2, 3))
            img[y : y + h, x0 : x0 + w] = (base[0] * (1 - gy) * gx + base[1] * gy + 30 * (1 - gx)).clip(0, 255)
            y += h
        y += int(rng.integers(12, 40))
    return img


def _text_line(img: np.ndarray, rng: np.random.Generator, y: int, x: int, length: int, h: int) -> None:
    """Words of random glyph-like ink, so that text rows differ from each other as real ones do."""
    end = min(x + length, img.shape[1] - 10)
    while x < end and y + h <= img.shape[0]:
        w = int(rng.integers(18, 80))
        w = min(w, end - x)
        ink = rng.random((h, w)) < 0.33  # (h, w)
        img[y : y + h, x : x + w][ink] = (40, 40, 48)
        x += w + 8


def add_defect(page: np.ndarray, y: int, seed: int = 0) -> tuple[int, int, int, int]:
    """Paste a piece of the page over another place (an overlap); returns its (x, y, w, h)."""
    x, w, h = DEFECT
    src = page[200 : 200 + h, 700 : 700 + w].copy()
    page[y : y + h, x : x + w] = np.where(src < 250, src, page[y : y + h, x : x + w])
    page[y : y + h, x : x + 2] = (220, 30, 30)  # and a border, so the patch differs for sure
    return x, y, w, h


def shift_lower_half(page: np.ndarray) -> tuple[np.ndarray, int]:
    """The page with a white row inserted at mid-height (everything below moves down 1 px)."""
    y = page.shape[0] // 2
    white = np.full((1, page.shape[1], 3), 255, dtype=np.uint8)
    return np.concatenate([page[:y], white, page[y:-1]]), y


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[float, float, Any]:
    """Median and min milliseconds over ``runs`` calls after ``warmup`` calls; the last result."""
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), out


def _model_file(tmp: Path) -> Path:
    import torch

    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    torch.manual_seed(0)
    path = tmp / "random-default.safetensors"
    save_model(build_model(ModelConfig()).eval(), path, metadata={"note": "random init, benchmark only"})
    return path


def run_speed(model_path: Path, threads: list[int], runs: int) -> dict[str, Any]:
    import torch

    from layoutcheck import segment
    from layoutcheck.judges import PixelJudge, get_judge

    pixel = PixelJudge()
    unet = get_judge("unet", model_path=model_path, device="cpu")
    page = make_page(WIDTH, 800, seed=1)
    defect = page.copy()
    defect_box = add_defect(defect, 330)
    tall = make_page(WIDTH, 8000, seed=2)
    tall_cand, seam = shift_lower_half(tall)
    tall_box = add_defect(tall_cand, 6100)
    cases = {
        "identical": (page, page.copy(), None),
        "local-defect": (page, defect, defect_box),
        "full-page-shift": (tall, tall_cand, tall_box),
    }
    out: dict[str, Any] = {"cases": {}, "seam_row": seam}
    for name, (ref, cand, box) in cases.items():
        row: dict[str, Any] = {"size": f"{cand.shape[1]}x{cand.shape[0]}", "defect_box": box}
        n = runs * 5 if name == "identical" else runs
        med, low, res = timed(lambda r=ref, c=cand: pixel.judge(r, c), n)
        row["pixel"] = {"median_ms": round(med, 2), "min_ms": round(low, 2), "regions": len(res.regions)}
        for t in threads:
            torch.set_num_threads(t)
            calls: list[int] = []
            hook = _count_tiles(calls)
            med, low, res = timed(lambda r=ref, c=cand: unet.judge(r, c), n)
            hook.remove()
            row[f"unet_t{t}"] = {
                "median_ms": round(med, 2), "min_ms": round(low, 2),
                "tiles_per_call": sum(calls) // (n + 1),
                "regions": [r.to_dict() for r in res.regions][:8],
                "overlay_sha": _sha(res.overlay),
            }
        row["stages_ms"] = _stages(ref, cand) if name != "identical" else None
        out["cases"][name] = row
    # Determinism: the same pair twice, and across thread counts.
    shas = {t: out["cases"]["local-defect"][f"unet_t{t}"]["overlay_sha"] for t in threads}
    out["same_bytes_across_threads"] = len(set(shas.values())) == 1
    out["models_cached"] = len(segment._MODELS)
    return out


def _count_tiles(calls: list[int]) -> Any:
    from layoutcheck.model import ChangeSegmenter

    original = ChangeSegmenter.forward

    def counting(self: ChangeSegmenter, reference: Any, candidate: Any) -> Any:
        calls.append(int(reference.shape[0]))
        return original(self, reference, candidate)

    ChangeSegmenter.forward = counting  # type: ignore[method-assign]

    class _Undo:
        def remove(self) -> None:
            ChangeSegmenter.forward = original  # type: ignore[method-assign]

    return _Undo()


def _sha(overlay: np.ndarray | None) -> str | None:
    import hashlib

    return None if overlay is None else hashlib.sha256(overlay.tobytes()).hexdigest()[:16]


def _stages(ref: np.ndarray, cand: np.ndarray) -> dict[str, Any]:
    """Milliseconds of the steps before the network, once each."""
    from layoutcheck.align import align_rows, aligned_reference
    from layoutcheck.segment import changed_cells, plan_tiles

    t0 = time.perf_counter()
    alignment = align_rows(ref, cand)
    t1 = time.perf_counter()
    shown = aligned_reference(ref, alignment)
    t2 = time.perf_counter()
    cells = changed_cells(shown, cand, tol=8, cell=16)
    t3 = time.perf_counter()
    plan = plan_tiles(cells, cand.shape[:2], multiple=16, cell=16)
    t4 = time.perf_counter()
    unaligned = plan_tiles(changed_cells(ref, cand, tol=8, cell=16), cand.shape[:2], multiple=16, cell=16)
    return {
        "align_rows": round((t1 - t0) * 1000, 2), "aligned_reference": round((t2 - t1) * 1000, 2),
        "gate": round((t3 - t2) * 1000, 2), "plan": round((t4 - t3) * 1000, 2),
        "offset_segments": alignment.offset_segments[:6],
        "tiles_run": len(plan.run), "tiles_total": plan.total,
        "tiles_run_without_alignment": len(unaligned.run),
        "tile_rows_run": sorted({plan.ys[iy] for iy, _ in plan.run}),
    }


def child_memory(model_path: Path, height: int, whole_page: bool, threads: int) -> None:
    """Run in a fresh process: judge a tall pair once and print peak RSS as JSON."""
    import torch

    from layoutcheck.judges import get_judge

    torch.set_num_threads(threads)
    ref = make_page(WIDTH, height, seed=3)
    if whole_page:
        cand = ref.copy()
        cand[ref < 128] = 90  # every text line recoloured: the whole page changed
    else:
        cand, _ = shift_lower_half(ref)
        add_defect(cand, int(height * 0.75))
    judge = get_judge("unet", model_path=model_path, device="cpu")
    before = _maxrss_mb()
    stages = {"rss_by_kind_before_judge_mb": _status_mb()}
    start = time.perf_counter()
    result = judge.judge(ref, cand)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "height": height, "whole_page": whole_page, "threads": threads,
        "peak_rss_mb": round(_maxrss_mb(), 1), "rss_before_judge_mb": round(before, 1),
        "seconds": round(seconds, 2), "regions": len(result.regions), **stages,
    }))


def _status_mb() -> dict[str, int]:
    """Current resident memory by kind (Linux), MB."""
    keys = ("VmRSS", "RssAnon", "RssFile", "VmHWM")
    with open("/proc/self/status") as fh:
        rows = [line.split(":", 1) for line in fh if line.startswith(keys)]
    return {k: int(v.split()[0]) // 1024 for k, v in rows}


def _maxrss_mb() -> float:
    """This process's peak resident memory, MB.

    ``/proc/self/status`` VmHWM where it exists: ``getrusage``'s ``ru_maxrss`` survives
    ``execve`` on Linux, so a child forked from a big parent would report the parent's size.
    """
    try:
        return float(_status_mb()["VmHWM"])
    except (OSError, KeyError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_memory(model_path: Path, height: int, threads: int) -> list[dict[str, Any]]:
    rows = []
    for whole in (False, True):
        cmd = [sys.executable, __file__, "--child-memory", str(height), "--model", str(model_path),
               "--threads", str(threads)] + (["--whole-page"] if whole else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return rows


def markdown(result: dict[str, Any], threads: list[int]) -> str:
    head = "| case | size | pixel judge | " + " | ".join(f"unet, {t} thread(s)" for t in threads) + " | tiles run / grid |"
    lines = [head, "|" + "---|" * (4 + len(threads) - 1)]
    for name, row in result["cases"].items():
        cells = [name, row["size"], f"{row['pixel']['median_ms']:.1f} ms"]
        for t in threads:
            u = row[f"unet_t{t}"]
            cells.append(f"{u['median_ms']:.1f} ms (min {u['min_ms']:.1f})")
        st = row["stages_ms"]
        cells.append(f"{st['tiles_run']} / {st['tiles_total']}" if st else "0 (no network)")
        lines.append("| " + " | ".join(cells) + " |")
    for m in result.get("memory", []):
        lines.append(
            f"| memory{' (whole page changed)' if m['whole_page'] else ' (shift + defect)'} | {WIDTH}x{m['height']} | "
            f"| peak RSS {m['peak_rss_mb']:.0f} MB (before judging {m['rss_before_judge_mb']:.0f} MB), "
            f"{m['seconds']:.1f} s, {m['threads']} thread(s) |" + " |" * (len(threads) - 1)
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--memory-height", type=int, default=16000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child-memory", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--whole-page", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    if args.child_memory:
        child_memory(args.model, args.child_memory, args.whole_page, threads[0])
        return

    with tempfile.TemporaryDirectory() as tmp:
        model_path = _model_file(Path(tmp))
        load_before = os.getloadavg()
        result = run_speed(model_path, threads, args.runs)
        if not args.skip_memory:
            result["memory"] = run_memory(model_path, args.memory_height, max(threads))
        load_after = os.getloadavg()
    import torch

    result["machine"] = {
        "python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in load_after],
    }
    result["targets"] = TARGETS
    ident = result["cases"]["identical"]
    result["identical_ratio"] = {
        t: round(ident[f"unet_t{t}"]["median_ms"] / max(ident["pixel"]["median_ms"], 1e-9), 2) for t in threads
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(markdown(result, threads))
    print(f"\nidentical: unet / pixel = {result['identical_ratio']}; load average {load_before} -> {load_after}")
    print(f"full page: {json.dumps(result['cases']['full-page-shift']['stages_ms'])}")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
