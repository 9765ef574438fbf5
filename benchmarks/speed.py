"""How long each judge takes from two PNG files on disk to a verdict, side by side with the peers.

Judges, in one process run: layoutcheck ``unet`` (``--level strict``, the shipped model
``src/layoutcheck/shipped/layoutcheck-unet.safetensors``, torch with 1 and with 2 threads), layoutcheck ``pixel``,
and the pixel-diff peers as users run them (``benchmarks/peers.py``: pixelmatch, odiff and
Playwright's screenshot comparator, at their defaults). Every time includes reading and decoding
both PNG files; the peers' times are measured inside their Node process (see ``peers.PeerResult``).

Cases, on page-like screenshots rendered once in Chromium from the project's own synthetic page
generator (``layoutcheck.synth.pages``; cached in ``benchmarks/.cache/``; without a Chromium,
the drawn pages of ``inference_speed.py``), pages stacked where a case is taller than one page:

* ``identical``: a 1280x800 pair of equal files;
* ``local-defect``: 1280x800, one element pasted over another (160x40 px);
* ``local-defect-1080p``: the same at 1920x1080;
* ``full-page-shift``: 1280x8000 whose lower half moved down 1 px, plus one defect; the script
  checks which judges find the defect without flagging the shifted half;
* ``memory``: peak RSS (VmHWM) of a fresh process that reads and judges a 1280x16000 pair
  (shift + defect), for ``unet`` (2 threads) and ``pixel``;
* ``cuda``: when ``torch.cuda.is_available()``, the U-Net judge's pairs/s on the local-defect pair
  and the network's pairs/s on whole 1280x800 pairs in batches; else recorded as not available.

Writes ``benchmarks/results/speed.json`` and ``benchmarks/results/speed.md`` and prints the table.

Run: ``.venv/bin/python benchmarks/speed.py [--runs 7] [--quick]`` (``--quick``: 3 runs, no
memory case). Needs node + npm for the peers (installed into ``benchmarks/.peers/`` on first use).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import inference_speed as drawn  # noqa: E402 - the drawn pages, the defect, the shift, peak RSS
import peers  # noqa: E402
from runinfo import cpu_name, git_commit  # noqa: E402

REPO = HERE.parent
RESULTS_JSON = HERE / "results" / "speed.json"
RESULTS_MD = HERE / "results" / "speed.md"
CACHE = HERE / ".cache" / "speed-pages"
MODEL = REPO / "src" / "layoutcheck" / "shipped" / "layoutcheck-unet.safetensors"
MEMORY_HEIGHT = 16000
THREADS = (1, 2)
JUDGES = ("unet_t1", "unet_t2", "pixel", *peers.PEER_TOOLS)
LABELS = {"unet_t1": "layoutcheck unet, 1 thread", "unet_t2": "layoutcheck unet, 2 threads",
          "pixel": "layoutcheck pixel", "pixelmatch": "pixelmatch", "odiff": "odiff",
          "playwright": "Playwright toHaveScreenshot"}
# name: (width, height, y of the defect or None, lower half shifted 1 px)
CASES: dict[str, tuple[int, int, int | None, bool]] = {
    "identical": (1280, 800, None, False),
    "local-defect": (1280, 800, 330, False),
    "local-defect-1080p": (1920, 1080, 500, False),
    "full-page-shift": (1280, 8000, 6100, True),
}
CUDA_BATCHES = (1, 8, 32)
Box = tuple[int, int, int, int]  # x, y, w, h


# --- images ---------------------------------------------------------------------------------------

class Pages:
    """Page screenshots of one width, rendered on demand (and cached) or drawn when no Chromium."""

    def __init__(self) -> None:
        self.source = "synth pages rendered in Chromium (layoutcheck.synth.pages.generate_page)"
        self.seeds_used: dict[int, list[int]] = {}
        self._browser: Any = None
        self._pw: Any = None

    def tall(self, width: int, height: int) -> np.ndarray:
        """Pages of seeds 0, 1, 2... stacked top to bottom, cut to ``height`` rows."""
        parts, rows, seed = [], 0, 0
        while rows < height:
            page = self._page(width, seed)
            parts.append(page)
            rows += page.shape[0]
            self.seeds_used.setdefault(width, [])
            if seed not in self.seeds_used[width]:
                self.seeds_used[width].append(seed)
            seed += 1
        return np.ascontiguousarray(np.concatenate(parts)[:height])  # (height, width, 3)

    def _page(self, width: int, seed: int) -> np.ndarray:
        if self.source.startswith("drawn"):
            return drawn.make_page(width, 1500, seed=seed)
        from layoutcheck.imageio import load_image, save_png
        from layoutcheck.synth.pages import generate_page

        html = generate_page(seed).html
        path = CACHE / f"w{width}-seed{seed}-{hashlib.sha256(html.encode()).hexdigest()[:12]}.png"
        if path.is_file():
            return load_image(path)
        try:
            img = self._render(html, width)
        except Exception as exc:  # noqa: BLE001 - no Chromium here: the drawn pages stand in
            print(f"no Chromium to render pages ({type(exc).__name__}: {exc}); drawing them instead",
                  file=sys.stderr)
            self.source = "drawn pages (inference_speed.make_page): no Chromium was available"
            return drawn.make_page(width, 1500, seed=seed)
        CACHE.mkdir(parents=True, exist_ok=True)
        save_png(img, path)
        return img

    def _render(self, html: str, width: int) -> np.ndarray:
        from layoutcheck.capture import ShotOptions, snapshot
        from layoutcheck.imageio import decode_image

        if self._browser is None:
            from playwright.sync_api import sync_playwright

            from layoutcheck.browser import launch_chromium

            self._pw = sync_playwright().start()
            self._browser = launch_chromium(self._pw)
        context = self._browser.new_context(viewport={"width": width, "height": 800}, reduced_motion="reduce",
                                            locale="en-US", timezone_id="UTC", color_scheme="light")
        try:
            page = context.new_page()
            page.set_content(html, wait_until="load")
            return decode_image(snapshot(page, ShotOptions(full_page=True, stable_shots=2)).png)
        finally:
            context.close()

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._pw.stop()
            self._browser = None


def make_defect(page: np.ndarray, y: int) -> Box:
    """Paste the 160x40 block of the page's first 800 rows with the most dark (text) pixels over
    the place at (300, y), with a red edge: text drawn over another element, as an overlap looks.

    Returns the defect's (x, y, w, h).
    """
    x, w, h = drawn.DEFECT
    dark = page[: min(page.shape[0], 800)].mean(axis=2) < 128  # (<=800, W) text ink
    sat = np.pad(dark.cumsum(0).cumsum(1), ((1, 0), (1, 0)))  # summed-area table
    best, src = -1, (0, 0)
    for sy in range(0, dark.shape[0] - h, 10):
        for sx in range(0, dark.shape[1] - w, 20):
            ink = int(sat[sy + h, sx + w] - sat[sy, sx + w] - sat[sy + h, sx] + sat[sy, sx])
            if ink > best and abs(sy - y) > h:
                best, src = ink, (sy, sx)
    block = page[src[0] : src[0] + h, src[1] : src[1] + w].copy()
    page[y : y + h, x : x + w] = block
    page[y : y + h, x : x + 2] = (220, 30, 30)
    return x, y, w, h


def build_case(pages: Pages, width: int, height: int, defect_y: int | None, shift: bool
               ) -> tuple[np.ndarray, np.ndarray, Box | None, int | None]:
    """Reference, candidate, the defect box and the row where the shift starts."""
    ref = pages.tall(width, height)
    cand = ref.copy()
    seam = None
    if shift:
        cand, seam = drawn.shift_lower_half(cand)
    box = make_defect(cand, defect_y) if defect_y is not None else None
    return ref, cand, box, seam


# --- timing ---------------------------------------------------------------------------------------

def _median(fn: Callable[[], float], runs: int) -> tuple[float, float, list[float]]:
    """Run ``fn`` (which returns the time to count) once to warm up, then ``runs`` times: median, min."""
    fn()
    times = [fn() for _ in range(runs)]
    return statistics.median(times), min(times), times


def time_layoutcheck(judge: Any, ref: Path, cand: Path, runs: int) -> tuple[dict[str, Any], list[Box]]:
    from layoutcheck.imageio import load_image

    last: list[Any] = []

    def once() -> float:
        start = time.perf_counter()
        result = judge.judge(load_image(ref), load_image(cand))
        ms = (time.perf_counter() - start) * 1000
        last[:] = [result]
        return ms

    med, low, _ = _median(once, runs)
    result = last[0]
    boxes = [(r.x, r.y, r.w, r.h) for r in result.regions]
    return {"median_ms": round(med, 2), "min_ms": round(low, 2), "runs": runs,
            "verdict": "fail" if result.regions else "pass", "diff_pixels": int(result.diff_pixels),
            "regions": len(boxes), "first_boxes": boxes[:8]}, boxes


def time_peer(runner: peers.PeerRunner, tool: str, ref: Path, cand: Path, runs: int) -> dict[str, Any]:
    calls: list[float] = []
    last: list[peers.PeerResult] = []

    def once() -> float:
        start = time.perf_counter()
        result = runner.compare(tool, ref, cand)
        calls.append((time.perf_counter() - start) * 1000)
        last[:] = [result]
        return result.ms

    med, low, _ = _median(once, runs)
    result = last[0]
    return {"median_ms": round(med, 2), "min_ms": round(low, 2), "runs": runs,
            "median_call_ms": round(statistics.median(calls[1:]), 2),
            "verdict": "fail" if result.diff_pixels else "pass", "diff_pixels": result.diff_pixels,
            "ratio": round(result.ratio, 6)}


def run_cases(pages: Pages, tmp: Path, runs: int, runner: peers.PeerRunner) -> dict[str, Any]:
    import torch

    from layoutcheck.imageio import save_png
    from layoutcheck.judges import get_judge

    unet = get_judge("unet", level="strict", device="cpu", model_path=MODEL, runtime="torch")  # its rows: torch threads
    pixel = get_judge("pixel")
    out: dict[str, Any] = {}
    for name, (width, height, defect_y, shift) in CASES.items():
        ref_img, cand_img, box, seam = build_case(pages, width, height, defect_y, shift)
        ref, cand = tmp / f"{name}-ref.png", tmp / f"{name}-cand.png"
        save_png(ref_img, ref, compress_level=6)
        save_png(cand_img, cand, compress_level=6)
        row: dict[str, Any] = {"size": f"{width}x{height}", "defect_box": box, "shift_row": seam,
                               "png_bytes": [ref.stat().st_size, cand.stat().st_size], "judges": {}}
        print(f"{name} ({width}x{height}):", end="", flush=True)
        boxes: dict[str, list[Box]] = {}
        for t in THREADS:
            torch.set_num_threads(t)
            row["judges"][f"unet_t{t}"], boxes[f"unet_t{t}"] = time_layoutcheck(unet, ref, cand, runs)
        torch.set_num_threads(max(THREADS))
        row["judges"]["pixel"], boxes["pixel"] = time_layoutcheck(pixel, ref, cand, runs)
        for tool in peers.PEER_TOOLS:
            row["judges"][tool] = time_peer(runner, tool, ref, cand, runs)
        print(" " + ", ".join(f"{j} {v['median_ms']:.0f} ms" for j, v in row["judges"].items()), flush=True)
        if shift and box is not None and seam is not None:
            row["found"] = found_check(boxes, runner, ref, cand, box)
        out[name] = row
    return out


def found_check(boxes: dict[str, list[Box]], runner: peers.PeerRunner, ref: Path, cand: Path,
                box: Box) -> dict[str, Any]:
    """Per judge: is the defect among the regions, and how much of the shifted half is flagged?"""
    from layoutcheck.regions import mask_to_boxes

    boxes = dict(boxes)
    for tool in peers.PEER_TOOLS:  # the peers give pixels: group them as layoutcheck does
        mask = runner.compare(tool, ref, cand, want_mask=True).mask
        boxes[tool] = [] if mask is None else mask_to_boxes(mask, gap=8, min_pixels=16)
    out = {}
    for judge, found in boxes.items():
        hits = [b for b in found if _overlaps(b, box)]
        elsewhere = [b for b in found if not _overlaps(b, box)]
        out[judge] = {
            "defect_found": bool(hits), "regions": len(found), "regions_elsewhere": len(elsewhere),
            "rows_flagged_elsewhere": len({y for b in elsewhere for y in range(b[1], b[1] + b[3])}),
            "only_the_defect": bool(hits) and not elsewhere,
        }
    return out


def _overlaps(a: Box, b: Box) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


# --- memory and CUDA ------------------------------------------------------------------------------

def run_memory(pages: Pages, tmp: Path) -> dict[str, Any]:
    from layoutcheck.imageio import save_png

    ref_img = pages.tall(1280, MEMORY_HEIGHT)
    cand_img, seam = drawn.shift_lower_half(ref_img.copy())
    box = make_defect(cand_img, int(MEMORY_HEIGHT * 0.75))
    ref, cand = tmp / "memory-ref.png", tmp / "memory-cand.png"
    save_png(ref_img, ref, compress_level=6)
    save_png(cand_img, cand, compress_level=6)
    del ref_img, cand_img
    out: dict[str, Any] = {"size": f"1280x{MEMORY_HEIGHT}", "defect_box": box, "shift_row": seam}
    for method in ("unet", "pixel"):
        cmd = [sys.executable, __file__, "--child-memory", method, "--pair", str(ref), str(cand),
               "--threads", str(max(THREADS))]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[method] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"memory {method}: {out[method]['peak_rss_mb']:.0f} MB", flush=True)
    return out


def child_memory(method: str, ref: Path, cand: Path, threads: int) -> None:
    """In a fresh process: read and judge one pair, print peak RSS as JSON."""
    from layoutcheck.imageio import load_image
    from layoutcheck.judges import get_judge

    if method == "unet":
        import torch

        torch.set_num_threads(threads)
    judge = get_judge(method, device="cpu", model_path=MODEL, runtime="torch") if method == "unet" else get_judge(method)
    before = drawn._maxrss_mb()
    start = time.perf_counter()
    result = judge.judge(load_image(ref), load_image(cand))
    seconds = time.perf_counter() - start
    print(json.dumps({"method": method, "threads": threads if method == "unet" else None,
                      "peak_rss_mb": round(drawn._maxrss_mb(), 1), "rss_before_mb": round(before, 1),
                      "seconds": round(seconds, 2), "regions": len(result.regions)}))


def run_cuda(pages: Pages, tmp: Path, runs: int) -> dict[str, Any]:
    """Pairs/s on the GPU: the whole judge per pair, and the network on whole pairs in batches."""
    import torch

    if not torch.cuda.is_available():
        return {"available": False}
    from layoutcheck.imageio import load_image, save_png
    from layoutcheck.segment import UNetJudge
    from layoutcheck.weights import load_model

    ref_img, cand_img, _, _ = build_case(pages, *CASES["local-defect"])
    ref, cand = tmp / "cuda-ref.png", tmp / "cuda-cand.png"
    save_png(ref_img, ref, compress_level=6)
    save_png(cand_img, cand, compress_level=6)
    out: dict[str, Any] = {"available": True, "device": torch.cuda.get_device_name(0)}
    n = 20
    for batch in (8, 32):
        judge = UNetJudge(model_path=MODEL, device="cuda", batch=batch)

        def pairs(j: UNetJudge = judge) -> float:
            start = time.perf_counter()
            for _ in range(n):
                j.judge(load_image(ref), load_image(cand))
            torch.cuda.synchronize()
            return time.perf_counter() - start

        med, _, _ = _median(pairs, runs)
        out[f"judge_tile_batch{batch}_pairs_per_s"] = round(n / med, 2)
    model, _, _ = load_model(MODEL, device="cuda")
    model.eval()
    r = torch.from_numpy(ref_img).cuda().permute(2, 0, 1).float().div(255)[None]  # (1, 3, 800, 1280)
    c = torch.from_numpy(cand_img).cuda().permute(2, 0, 1).float().div(255)[None]
    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    for batch in CUDA_BATCHES:
        rb, cb = r.expand(batch, -1, -1, -1).contiguous(), c.expand(batch, -1, -1, -1).contiguous()

        def forward(rb: torch.Tensor = rb, cb: torch.Tensor = cb) -> float:
            torch.cuda.synchronize()
            start = time.perf_counter()
            with torch.inference_mode(), torch.autocast("cuda", dtype=dtype):
                model(rb, cb)
            torch.cuda.synchronize()
            return time.perf_counter() - start

        try:
            med, _, _ = _median(forward, runs)
        except torch.cuda.OutOfMemoryError:
            out[f"network_batch{batch}_pairs_per_s"] = "out of GPU memory"
            break
        finally:
            del rb, cb
        out[f"network_batch{batch}_pairs_per_s"] = round(batch / med, 1)
    out["network_note"] = "whole 1280x800 pairs per forward pass, already on the GPU, bf16/fp16 autocast"
    return out


# --- report ---------------------------------------------------------------------------------------

def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        "# Speed: layoutcheck's judges and the pixel-diff peers",
        "",
        f"Command: `{result['command']}` · {result['date']} · commit `{result['git_commit']}` · "
        f"{m['cpu']} ({m['cpus']} cores), torch {m['torch']}, Node {result['peers']['node']} · "
        f"load average {m['loadavg_before'][0]} → {m['loadavg_after'][0]}",
        "",
        f"Median milliseconds over {result['runs']} runs, from two PNG files on disk to a verdict (decode "
        "included). Peers: " + ", ".join(f"{k} {v}" for k, v in result["peers"].items() if k != "node")
        + ", at their defaults, timed inside Node (odiff spawns its binary per pair, which also writes its "
        "diff PNG; Playwright's comparator also encodes its diff PNG, as `toHaveScreenshot` does). "
        f"Images: {result['images']}.",
        "",
        "| case | size | " + " | ".join(LABELS[j] for j in JUDGES) + " |",
        "|---|---|" + "---:|" * len(JUDGES),
    ]
    for name, row in result["cases"].items():
        cells = []
        for j in JUDGES:
            v = row["judges"][j]
            cells.append(f"{v['median_ms']:.1f} ms" + (" (fail)" if v["verdict"] == "fail" and name == "identical" else ""))
        lines.append(f"| {name} | {row['size']} | " + " | ".join(cells) + " |")
    mem = result.get("memory")
    if mem:
        cells = [f"{mem['unet']['peak_rss_mb']:.0f} MB peak RSS" if j == f"unet_t{max(THREADS)}" else
                 f"{mem['pixel']['peak_rss_mb']:.0f} MB peak RSS" if j == "pixel" else "" for j in JUDGES]
        lines.append(f"| memory | {mem['size']} | " + " | ".join(cells) + " |")
    cuda = result["cuda"]
    if cuda.get("available"):
        batched = {b: cuda.get(f"network_batch{b}_pairs_per_s") for b in CUDA_BATCHES}
        cell = (f"{cuda['judge_tile_batch32_pairs_per_s']:.1f} pairs/s (judge, decode included); network "
                + ", ".join(f"{v} pairs/s at batch {b}" for b, v in batched.items() if v is not None))
    else:
        cell = "CUDA not available"
    lines.append("| cuda | 1280x800 | " + " | ".join(cell if j == "unet_t1" else "" for j in JUDGES) + " |")
    ratio = result["identical_unet_over_pixel"]
    lines += ["", "identical pair, unet / pixel: " + ", ".join(f"{ratio[f'unet_t{t}']:.2f} ({t} thread{'s' * (t > 1)})"
                                                            for t in THREADS)]
    found = result["cases"]["full-page-shift"].get("found")
    if found:
        lines += ["", "full-page-shift (lower half moved down 1 px, one defect): does the judge flag the defect, "
                  "and nothing else?", "", "| judge | defect found | other regions | rows flagged elsewhere |",
                  "|---|---|---:|---:|"]
        for j in JUDGES:
            f = found[j]
            lines.append(f"| {LABELS[j]} | {'yes' if f['defect_found'] else 'no'} | {f['regions_elsewhere']} | "
                         f"{f['rows_flagged_elsewhere']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per judge and case (default 7; 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="3 runs and no 1280x16000 memory case")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child-memory", choices=("unet", "pixel"), help=argparse.SUPPRESS)
    parser.add_argument("--pair", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=max(THREADS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        child_memory(args.child_memory, args.pair[0], args.pair[1], args.threads)
        return
    runs = args.runs or (3 if args.quick else 7)
    import torch

    started = time.perf_counter()
    load_before = os.getloadavg()
    pages = Pages()
    with tempfile.TemporaryDirectory(prefix="layoutcheck-speed-") as tmp, peers.PeerRunner() as runner:
        try:
            cases = run_cases(pages, Path(tmp), runs, runner)
            memory = None if args.quick or args.skip_memory else run_memory(pages, Path(tmp))
            cuda = run_cuda(pages, Path(tmp), runs)
        finally:
            pages.close()
        versions = runner.versions()
    load_after = os.getloadavg()
    ident = cases["identical"]["judges"]
    result: dict[str, Any] = {
        "command": "python benchmarks/speed.py" + "".join(f" {a}" for a in sys.argv[1:]),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": git_commit(12),
        "machine": {
            "cpu": cpu_name(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in load_after],
        },
        "peers": versions, "model": str(MODEL.relative_to(REPO)), "runs": runs, "quick": args.quick, "images": pages.source,
        "page_seeds": pages.seeds_used,
        "timing": "median ms per pair, PNG read + decode of both files + judge; peers timed inside Node",
        "cases": cases, "memory": memory, "cuda": cuda,
        "identical_unet_over_pixel": {
            f"unet_t{t}": round(ident[f"unet_t{t}"]["median_ms"] / max(ident["pixel"]["median_ms"], 1e-9), 3)
            for t in THREADS
        },
        "seconds": None,
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(result, indent=2, default=str) + "\n")
    table = markdown(result)
    RESULTS_MD.write_text(table)
    print()
    print(table)
    print(f"wrote {RESULTS_JSON.relative_to(REPO)} and {RESULTS_MD.relative_to(REPO)} in {result['seconds']} s")


if __name__ == "__main__":
    main()
