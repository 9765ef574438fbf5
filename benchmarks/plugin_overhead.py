"""What the pytest plugin costs a suite that does not use it: ``pytest --collect-only`` with and without.

Builds a throwaway suite of trivial tests in a temporary folder, then times
``python -m pytest --collect-only -q`` with the plugin disabled (``-p no:layoutcheck``) and enabled,
alternating the two so that drift in the machine's load hits both alike. Prints the medians and
their difference, and writes them to ``benchmarks/results/plugin_overhead.json``.

Two settings: ``cached`` is what a developer gets (bytecode caches written and reused, including
the assertion-rewritten ones pytest keeps for every plugin package); ``no-bytecode`` sets
``PYTHONDONTWRITEBYTECODE=1``, as some CI images do, so pytest re-parses and re-compiles the plugin's
modules on every run: the worst case. Each is reported as wall time (the budget's measure) and as
the CPU time of the pytest process, which a busy machine disturbs much less.

Run: ``.venv/bin/python benchmarks/plugin_overhead.py [--tests 200] [--runs 11]``.
The issue's budget: the plugin adds at most 0.3 s.
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
from pathlib import Path
from typing import Any

BUDGET_S = 0.3
RESULTS = Path(__file__).resolve().parent / "results" / "plugin_overhead.json"


def _make_suite(root: Path, tests: int, per_file: int = 20) -> None:
    (root / "pytest.ini").write_text("[pytest]\n")  # keep pytest from finding an outer config
    for start in range(0, tests, per_file):
        body = "\n\n".join(
            f"def test_{n}():\n    assert {n} + 1 == {n + 1}" for n in range(start, min(start + per_file, tests))
        )
        (root / f"test_file_{start // per_file:03d}.py").write_text(body + "\n")


def _time_collect(root: Path, extra: list[str], bytecode: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one collect-only run; CPU time shrugs off a busy machine."""
    cmd = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"pytest failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _plugin_loaded(root: Path) -> bool:
    """Guard against measuring nothing: the enabled run must really load the plugin."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--layoutcheck-method=pixel"],
        cwd=root, capture_output=True, text=True,
    )
    return out.returncode == 0


def _measure(root: Path, runs: int, bytecode: bool) -> dict[str, Any]:
    for extra in ([], ["-p", "no:layoutcheck"]):  # warm the file cache (and write bytecode)
        _time_collect(root, extra, bytecode)
    without: list[tuple[float, float]] = []
    with_plugin: list[tuple[float, float]] = []
    for _ in range(runs):
        without.append(_time_collect(root, ["-p", "no:layoutcheck"], bytecode))
        with_plugin.append(_time_collect(root, [], bytecode))
    out: dict[str, Any] = {}
    for index, kind in ((0, "wall"), (1, "cpu")):
        a = statistics.median(t[index] for t in without)
        b = statistics.median(t[index] for t in with_plugin)
        out[kind] = {
            "median_without_s": round(a, 4),
            "median_with_s": round(b, 4),
            "overhead_s": round(b - a, 4),
            "without_s": [round(t[index], 4) for t in without],
            "with_s": [round(t[index], 4) for t in with_plugin],
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=200, help="trivial tests in the throwaway suite")
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each variant")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="layoutcheck-overhead-") as tmp:
        root = Path(tmp)
        _make_suite(root, args.tests)
        if not _plugin_loaded(root):
            raise SystemExit("the layoutcheck plugin is not registered; install the package (pip install -e .)")
        settings = {"cached": _measure(root, args.runs, True), "no-bytecode": _measure(root, args.runs, False)}

    worst = max(float(s["wall"]["overhead_s"]) for s in settings.values())
    result = {
        "tests": args.tests,
        "runs": args.runs,
        "budget_s": BUDGET_S,
        "within_budget": worst <= BUDGET_S,
        "settings": settings,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"pytest --collect-only, {args.tests} tests, median of {args.runs} runs each")
    for name, s in settings.items():
        for kind in ("wall", "cpu"):
            m = s[kind]
            print(
                f"  {name:12} {kind:4}  without {m['median_without_s']:.3f} s, with {m['median_with_s']:.3f} s, "
                f"overhead {float(m['overhead_s']) * 1000:+.0f} ms"
            )
    print(f"budget {BUDGET_S * 1000:.0f} ms: {'met' if worst <= BUDGET_S else 'EXCEEDED'}")
    print(f"written {RESULTS}")
    return 0 if worst <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
