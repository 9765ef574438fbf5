"""Per-worker results and the one merged report.

Each process (the plain pytest process, or each xdist worker) appends one JSON line per check to
``<stage>/.workers/<worker>.jsonl`` and writes its pair images under ``<stage>/pairs/<worker>-<n>/``,
so no two workers ever write the same file. When the run ends, the controller (or the plain
process) reads every line, builds one :class:`~layoutcheck.results.RunResult` and writes the
report with the renderer ``layoutcheck compare`` uses. The stage lives beside the report folder
and the finished report replaces the old one in one rename (:func:`~layoutcheck.fsutil.staged_dir`).
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layoutcheck.pytest_plugin._settings import Settings
from layoutcheck.results import PairResult, RunResult

WORKERS_DIR = ".workers"

#: What a check did to its baseline, as recorded per line.
WRITTEN = "written"

#: Pairs with reported changes the terminal summary names one by one; the rest are counted.
_CHANGED_SHOWN = 10


@dataclass(frozen=True)
class Summary:
    """What the terminal summary says about the run."""

    counts: dict[str, int]
    baselines_written: int
    index: Path | None  # None when the report could not be written
    problem: str | None = None
    changed: tuple[PairResult, ...] = ()  # pairs with changes reported, not failed (unet, level layout)

    def lines(self) -> list[str]:
        """The summary's text, one line per entry (without the report line)."""
        counts = ", ".join(f"{n} {v}" for v, n in self.counts.items() if n)
        head = f"layoutcheck: {sum(self.counts.values())} screenshot(s): {counts}"
        changes = sum(len(p.changes) for p in self.changed)
        if changes:
            head += f"; {changes} change(s), not failing"
        if self.baselines_written:
            head += f"; {self.baselines_written} baseline(s) written"
        lines = [head]
        for pair in self.changed[:_CHANGED_SHOWN]:
            first = pair.changes[0].describe()
            more = f"  (+{len(pair.changes) - 1} more)" if len(pair.changes) > 1 else ""
            lines.append(
                f"  {pair.name}: {pair.verdict.value}, {len(pair.changes)} change(s), not failing: {first}{more}"
            )
        if len(self.changed) > _CHANGED_SHOWN:
            lines.append(f"  … {len(self.changed) - _CHANGED_SHOWN} more changed screenshot(s) in the report")
        return lines


class Recorder:
    """Hands out pair folders and records results for one process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._count = 0

    def next_folder(self) -> str:
        """A fresh pair folder, relative to the stage (and, later, to the report folder)."""
        self._count += 1
        return f"pairs/{self.settings.worker}-{self._count:04d}"

    def record(self, pair: PairResult, test: str, baseline: str | None) -> None:
        """Append one result line; a line is written whole, so a crash loses at most that line."""
        folder = self.settings.stage / WORKERS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"pair": pair.to_dict(), "test": test, "baseline": baseline})
        with open(folder / f"{self.settings.worker}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def merge(settings: Settings) -> Summary | None:
    """Merge every worker's results into one report; ``None`` when no test made a check.

    Never raises for a bad worker file or a failed report write: the tests already ran, so the
    problem goes into the summary instead of turning the run into an internal error.
    """
    stage = settings.stage
    workers = stage / WORKERS_DIR
    if not workers.is_dir():
        shutil.rmtree(stage, ignore_errors=True)
        return None
    records = _read_records(workers)
    # A re-run test (pytest-rerunfailures) records its name again: the last attempt wins.
    latest = {r["pair"]["name"]: r for r in records}
    pairs = tuple(PairResult.from_dict(r["pair"]) for _, r in sorted(latest.items()))
    run = RunResult(
        pairs=pairs, method=settings.method, threshold=settings.threshold, created=settings.created,
        level=settings.judged_level(),  # the run's; a check's own level= is recorded on its pair
    )
    written = sum(1 for r in latest.values() if r.get("baseline") == WRITTEN)
    changed = tuple(p for p in pairs if p.changes)
    try:
        index = _write(run, stage, settings.report_dir)
    except Exception as exc:  # noqa: BLE001 - reported in the summary; the tests already ran
        problem = f"could not write the report: {type(exc).__name__}: {exc}"
        return Summary(run.counts(), written, None, problem, changed)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return Summary(run.counts(), written, index, changed=changed)


def _read_records(workers: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in sorted(workers.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                record = json.loads(line)
                PairResult.from_dict(record["pair"])  # validate before trusting it
            except (ValueError, KeyError, TypeError) as exc:
                # Only a worker that died mid-write leaves a broken line.
                warnings.warn(f"layoutcheck: skipping line {number} of {path}: {exc}", stacklevel=2)
                continue
            records.append(record)
    return records


def _write(run: RunResult, stage: Path, report_dir: Path) -> Path:
    from layoutcheck.report import INDEX_NAME, staged_report, write_report

    # Checked when the run started; staged_report checks again, as the folder may have changed since.
    with staged_report(report_dir) as out:
        if (stage / "pairs").is_dir():
            os.replace(stage / "pairs", out / "pairs")  # same parent folder, so a rename
        write_report(run, out)
    return report_dir / INDEX_NAME
