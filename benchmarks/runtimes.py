"""The base install (ONNX Runtime, no torch) beside the full one (torch): size, cold and warm speed.

Builds two fresh venvs from the locks (``requirements-base.lock`` + the wheel, and
``requirements.lock`` + the wheel) under ``benchmarks/.cache/venvs/`` (kept while the locks and
the tree's wheel are unchanged), then measures, on one machine in one run:

* **install size**: MB on disk of each venv (``du``), and of its largest packages;
* **cold**: wall time of ``layoutcheck compare REF CAND --method unet --no-report`` in a new process
  (imports, model load and judging), median of ``--runs``, per venv and runtime;
* **warm**: in one process, PNG read + decode of both files + judge, median of ``--runs`` after a
  warm-up, per runtime (ONNX Runtime, torch at its default precision: bf16 on CPUs with native
  support).

Pairs: ``identical`` (1280x800, equal files) and ``local-defect`` (1280x800, one pasted 160x40
block), the pages of ``speed.py`` (synth pages rendered in Chromium, cached).

Writes ``benchmarks/results/runtimes.json`` and ``.md``. Run:
``.venv/bin/python benchmarks/runtimes.py [--runs 7]`` (about 6 minutes the first time: the full
venv installs torch's 5.5 GB from pip's cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from runinfo import cpu_name, git_commit  # noqa: E402

VENVS = HERE / ".cache" / "venvs"
RESULTS_JSON = HERE / "results" / "runtimes.json"
RESULTS_MD = HERE / "results" / "runtimes.md"
INSTALLS = {"base": "requirements-base.lock", "full": "requirements.lock"}
# (install, runtime) pairs timed cold: the base install has only ONNX Runtime.
COLD = (("base", "onnx"), ("full", "onnx"), ("full", "torch"))


def build_wheel(out: Path) -> Path:
    """The project's wheel, built from a copy of the tree (an in-tree build leaves build/ behind)."""
    src = out / "tree"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = out / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(src)], check=True)
    (wheel,) = dist.glob("layoutcheck-*.whl")
    return wheel


def ensure_venv(name: str, wheel: Path) -> Path:
    """A venv with one install (its lock, then the wheel); rebuilt when either changed."""
    lock = REPO / INSTALLS[name]
    stamp_value = hashlib.sha256(lock.read_bytes() + hashlib.sha256(wheel.read_bytes()).digest()).hexdigest()
    venv = VENVS / name
    stamp = venv / ".stamp"
    if stamp.is_file() and stamp.read_text() == stamp_value:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    print(f"installing the {name} venv from {lock.name} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(lock)], check=True)
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(wheel)], check=True)
    stamp.write_text(stamp_value)
    return venv


def disk_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return round(int(out.split()[0]) / 1024, 1)


def largest_packages(venv: Path, n: int = 6) -> list[tuple[str, float]]:
    (site,) = (venv / "lib").glob("python3*/site-packages")
    sizes = [(p.name, disk_mb(p)) for p in site.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__"))]
    return sorted(sizes, key=lambda x: -x[1])[:n]


def make_pairs(tmp: Path) -> dict[str, tuple[Path, Path]]:
    import speed

    from layoutcheck.imageio import save_png

    pages = speed.Pages()
    pairs = {}
    try:
        for case in ("identical", "local-defect"):
            width, height, defect_y, shift = speed.CASES[case]
            ref, cand, _, _ = speed.build_case(pages, width, height, defect_y, shift)
            a, b = tmp / f"{case}-ref.png", tmp / f"{case}-cand.png"
            save_png(ref, a)
            save_png(cand, b)
            pairs[case] = (a, b)
    finally:
        pages.close()
    return pairs


def time_cold(venv: Path, runtime: str, ref: Path, cand: Path, runs: int) -> dict[str, Any]:
    cmd = [str(venv / "bin" / "layoutcheck"), "compare", str(ref), str(cand), "--method", "unet", "--runtime",
           runtime, "--no-report"]
    env = {k: v for k, v in os.environ.items() if k not in ("LAYOUTCHECK_MODEL", "PYTHONPATH", "OMP_WAIT_POLICY")}
    times, code = [], None
    for _ in range(runs + 1):  # the first run warms the file cache
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        code = proc.returncode
        if code not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited {code}: {proc.stderr.strip()}")
    times = times[1:]
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3), "exit_code": code}


def time_warm(runtime: str, ref: Path, cand: Path, runs: int) -> dict[str, Any]:
    from layoutcheck.imageio import load_image
    from layoutcheck.judges import get_judge

    judge = get_judge("unet", level="strict", device="cpu", runtime=runtime)

    def once() -> tuple[float, int]:
        start = time.perf_counter()
        result = judge.judge(load_image(ref), load_image(cand))
        return time.perf_counter() - start, len(result.regions)

    once()
    samples = [once() for _ in range(runs)]
    times = [t for t, _ in samples]
    return {"median_ms": round(statistics.median(times) * 1000, 1), "min_ms": round(min(times) * 1000, 1),
            "regions": samples[-1][1]}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Installs and runtimes: the base install (ONNX Runtime) beside the full one (torch)",
        "",
        f"Command: `{result['command']}` · {result['date']} · commit `{result['git_commit']}` · {result['machine']['cpu']} "
        f"({result['machine']['cpus']} cores) · load average {result['machine']['loadavg_before'][0]} → "
        f"{result['machine']['loadavg_after'][0]}",
        "",
        "| install | venv on disk | largest packages |",
        "|---|---:|---|",
    ]
    for name, info in result["installs"].items():
        top = ", ".join(f"{p} {mb:.0f}" for p, mb in info["largest_mb"])
        lines.append(f"| {name} (`{INSTALLS[name]}` + the wheel) | {info['mb']:.0f} MB | {top} |")
    lines += ["", f"`layoutcheck compare --method unet` on 1280x800 pairs, median of {result['runs']} runs:", "",
              "| pair | cold, base install, onnx | cold, full install, onnx | cold, full install, torch | "
              "warm, onnx | warm, torch |",
              "|---|---:|---:|---:|---:|---:|"]
    for case, c in result["cases"].items():
        cold, warm = c["cold"], c["warm"]
        lines.append(
            f"| {case} | {cold['base/onnx']['median_s']:.2f} s | {cold['full/onnx']['median_s']:.2f} s | "
            f"{cold['full/torch']['median_s']:.2f} s | {warm['onnx']['median_ms']:.1f} ms | {warm['torch']['median_ms']:.1f} ms |"
        )
    lines.append("")
    lines.append("Cold: a new process from start to exit (imports, model load, both PNGs decoded, judged); `onnx` "
                 "never imports torch. Warm: one process, PNG decode + judge. torch runs bf16 autocast where the CPU "
                 "has native bf16, ONNX Runtime fp32 (their scores agree within 1e-4 with torch at fp32: "
                 "`tests/test_runtime.py`). An identical pair never loads a runtime.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    VENVS.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(VENVS / "build")
    venvs = {name: ensure_venv(name, wheel) for name in INSTALLS}
    load_before = os.getloadavg()
    installs = {name: {"mb": disk_mb(v), "largest_mb": largest_packages(v)} for name, v in venvs.items()}
    cases: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="layoutcheck-runtimes-") as tmp:
        pairs = make_pairs(Path(tmp))
        for case, (ref, cand) in pairs.items():
            cold = {f"{i}/{r}": time_cold(venvs[i], r, ref, cand, args.runs) for i, r in COLD}
            warm = {r: time_warm(r, ref, cand, args.runs) for r in ("onnx", "torch")}
            cases[case] = {"cold": cold, "warm": warm}
            print(case, json.dumps(cases[case]), file=sys.stderr)
    load_after = os.getloadavg()
    import onnxruntime
    import torch

    result = {
        "command": "python benchmarks/runtimes.py" + "".join(f" {a}" for a in sys.argv[1:]),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": git_commit(12),
        "machine": {"cpu": cpu_name(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "torch": torch.__version__, "onnxruntime": onnxruntime.__version__,
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in load_after]},
        "runs": args.runs, "installs": installs, "cases": cases,
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(result, indent=2) + "\n")
    RESULTS_MD.write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
