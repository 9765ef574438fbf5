"""The judges on real pages: layoutcheck's U-Net (per level and model) and pixel judge on pairs
of ``layoutcheck synth --realpages`` (real public templates, split by project).

For each judge, on one split of a real-page dataset (default ``val``: projects no model was
trained on), as ``layoutcheck compare`` judges a pair (``compare.compare_pair``: unequal heights
aligned for the U-Net, the shipped model on ONNX Runtime):

* benign pairs flagged, overall and per noise family (font stacks, Chromium flags, a sub-pixel
  page translate, a 1-2 px taller page, re-encodings...);
* real changes flagged (wanted at strict; at layout they should pass), font stacks that
  re-flowed text among them (docs/dataset.md, *Font stacks*; sets made before that rule label
  them benign, and they are counted by the rule);
* defects flagged, and located (a failing region on a true defect box);
* median ms per pair (PNG decode + judge).

Writes ``benchmarks/results/realpages.json`` and ``.md``. Run:
``.venv/bin/python benchmarks/realpages.py [--data DIR] [--split val] [--limit N] [--model NAME=PATH]``
(the data, made when missing: ``layoutcheck synth --realpages ../shared/realpages --out DIR
--pairs 900 --seed 5 --workers 2 --per-page 4``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from runinfo import cpu_name, git_commit  # noqa: E402

DEFAULT_DATA = HERE / ".cache" / "realpages"
CORPUS = HERE.parent.parent / "shared" / "realpages"
#: How the real-page pairs are made when --data is not given (about 1.5 h on 2 cores; resumable).
SYNTH_ARGS = ["--pairs", "900", "--seed", "5", "--workers", "2", "--per-page", "4"]
RESULTS_JSON = HERE / "results" / "realpages.json"
RESULTS_MD = HERE / "results" / "realpages.md"


def judges(models: list[str]) -> dict[str, Any]:
    """The U-Net at both levels per model (``NAME=PATH``, default: the shipped one), then the pixel judge."""
    from layoutcheck.judges import get_judge

    out: dict[str, Any] = {}
    for spec in models or ["shipped="]:
        name, _, path = spec.partition("=")
        for level in ("strict", "layout"):
            label = f"unet · {level}" if not models else f"unet {name} · {level}"
            out[label] = get_judge("unet", level=level, device="cpu", model_path=Path(path) if path else None,
                                   runtime="onnx")
    out["pixel"] = get_judge("pixel")
    return out


def family(sample: Any) -> str:
    """The pair's noise family; font stacks split by whether the text re-flowed.

    Another font (or another hinting) can change text widths enough to re-wrap lines and move
    what follows; the DOM says so (``layout_moved_px``, the largest element-box move the generator
    measured). The rule (docs/dataset.md, *Font stacks*): a font stack that left every box in
    place is noise at both levels; one that re-flowed text is a change, failing at strict and
    passing at layout. Sets made before the rule label both benign; this split shows them apart.
    """
    from layoutcheck.synth.machine_noise import reflowed

    p = sample.params or {}
    if str(p.get("noise", "")).startswith("taller") or p.get("noise") == "taller":
        return "taller"
    name = str(p.get("noise_family") or p.get("noise") or p.get("mutation") or "other")
    if name == "font-stack":
        return "font-stack, text re-flowed" if reflowed(p) else "font-stack, same layout"
    return name


def kind_by_rule(sample: Any) -> str:
    """The pair's kind under docs/dataset.md's font-stack rule: a re-flowed font stack is a change,
    also in sets made before the rule (which label it benign)."""
    from layoutcheck.synth.machine_noise import reflowed

    return "change" if sample.kind == "benign" and reflowed(sample.params or {}) else sample.kind


def located(result: Any, sample: Any) -> bool:
    from layoutcheck.dataset import FIRST_DEFECT
    from layoutcheck.regions import corners_overlap

    boxes = [(x, y, x + w, y + h) for x, y, w, h, c in sample.boxes if c >= FIRST_DEFECT]
    return any(corners_overlap((r.x, r.y, r.x + r.w, r.y + r.h), b) for r in result.regions for b in boxes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"a synth --realpages dataset (default: {DEFAULT_DATA.relative_to(HERE.parent)}, made from "
                             "../shared/realpages when missing)")
    parser.add_argument("--split", default="val")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--model", action="append", default=[], metavar="NAME=PATH",
                        help="a U-Net model to run (repeatable; default: the shipped one); needs its .onnx twin")
    args = parser.parse_args()
    from layoutcheck.compare import compare_pair
    from layoutcheck.dataset import read_manifest

    if not (args.data / "manifest.jsonl").is_file():
        import subprocess

        cmd = [sys.executable, "-m", "layoutcheck", "synth", "--realpages", str(CORPUS), "--out", str(args.data), *SYNTH_ARGS]
        print("making the real-page pairs:", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
    samples = [s for s in read_manifest(args.data) if s.split == args.split and s.source == "realpage"]
    samples = samples[: args.limit] if args.limit else samples
    started = time.perf_counter()
    load_before = os.getloadavg()
    rows: dict[str, dict[str, Any]] = {}
    per_pair: dict[str, list[dict[str, Any]]] = {}
    for name, judge in judges(args.model).items():
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # group -> [flagged, total]
        times: list[float] = []
        per_pair[name] = []
        for s in samples:
            t = time.perf_counter()
            result, _ = compare_pair(s.id, args.data / s.reference, args.data / s.candidate, judge)
            times.append(time.perf_counter() - t)
            flagged = result.verdict.value == "fail"
            kind = kind_by_rule(s)
            groups = [kind]
            if kind == "benign":
                groups.append(f"benign: {family(s)}")
            elif kind != s.kind:
                groups.append(f"change: {family(s)}")
            if s.kind == "defect":
                counts["defect located"][0] += int(flagged and located(result, s))
                counts["defect located"][1] += 1
            for g in groups:
                counts[g][0] += int(flagged)
                counts[g][1] += 1
            per_pair[name].append({"id": s.id, "kind": kind, "family": family(s), "flagged": flagged})
        rows[name] = {"counts": dict(counts), "median_ms": round(statistics.median(times) * 1000, 1)}
        print(name, json.dumps(rows[name]), file=sys.stderr)
    groups = sorted({g for r in rows.values() for g in r["counts"]}, key=lambda g: (g.startswith("benign:"), g))
    result = {
        "command": "python benchmarks/realpages.py" + "".join(f" {a}" for a in sys.argv[1:]),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": git_commit(12), "cpu": cpu_name(), "split": args.split, "pairs": len(samples),
        "projects": sorted({s.template for s in samples}),
        "loadavg": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "judges": rows, "per_pair": per_pair, "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(result, indent=2) + "\n")
    md = markdown(result, groups)
    RESULTS_MD.write_text(md)
    print(md)


def markdown(result: dict[str, Any], groups: list[str]) -> str:
    names = list(result["judges"])
    lines = [
        f"# Real pages: {result['pairs']} pairs of the {result['split']} split ({len(result['projects'])} projects "
        f"no model was trained on: {', '.join(result['projects'])})",
        "",
        f"Command: `{result['command']}` · {result['date']} · commit `{result['git_commit']}` · {result['cpu']} · "
        f"load average {result['loadavg'][0]} → {result['loadavg'][1]}",
        "",
        "| group (flagged / pairs) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for g in groups:
        cells = []
        for n in names:
            f, t = result["judges"][n]["counts"].get(g, [0, 0])
            cells.append(f"{f}/{t} ({f / t:.0%})" if t else "")
        lines.append(f"| {g} | " + " | ".join(cells) + " |")
    lines.append("| median ms / pair | " + " | ".join(f"{result['judges'][n]['median_ms']:.0f}" for n in names) + " |")
    lines += ["", "Wanted: benign never flagged; change flagged at strict, passing at layout; defect flagged and "
              "located at both. Pairs: `layoutcheck synth --realpages` (real templates of `../shared/realpages`, "
              "DOM mutations, benign re-renders of other machines)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
