"""The labelled pairs the quality benchmark runs on: where they come from and how they are read.

Three sources, each turned into a list of :class:`BenchPair`:

* **the test split** (:func:`ensure_test_split`, :func:`dataset_pairs`): pages no model was trained
  on, made once by the project's own generator,
  ``layoutcheck synth --out benchmarks/.cache/synth-test --pairs N --seed 20261129 --workers 2
  --per-page 8 --split test``, and cached (the folder carries its own ``.gitignore``). The plan
  is decided by the seed, so the first pairs of a bigger run are the pairs of a smaller one: a
  ``--quick`` run and a full run share the cache, and a full run after a quick one only adds
  pairs;
* **the peer fixtures** (:func:`read_peer_manifest`): image pairs from the test suites of
  pixelmatch, looks-same and BackstopJS, in ``fixtures/peers/MANIFEST.json``; a case whose peers
  assert "equal" is a benign pair, "different" a change pair, and one asserted both ways
  (``expected_verdict: null``) is skipped;
* **any dataset folder** (``--data DIR``, see ``docs/dataset.md``): :func:`dataset_pairs`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layoutcheck.dataset import Sample, read_manifest

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
TEST_SPLIT = CACHE / "synth-test"
PEER_FIXTURES = ROOT / "fixtures" / "peers" / "MANIFEST.json"
TEST_SEED = 20261129
PER_PAGE = 8
_STAMP = "bench-synth.json"  # beside the manifest: the synth runs that completed into this folder


class BenchDataError(RuntimeError):
    """The benchmark data cannot be made or read (the message says which file and why)."""


@dataclass(frozen=True)
class BenchPair:
    """One labelled pair.

    Attributes:
        id: unique within its source (``<folder>/<sample id>`` for ``--data`` folders).
        source: ``test-split``, ``fixtures`` or the dataset folder's name.
        kind: ``benign``, ``change`` or ``defect``.
        reference, candidate: the PNG files.
        root, sample: the dataset folder and manifest entry (masks, boxes); None for fixtures.
        expected: fixtures only: what the peers' own tests assert, ``equal`` or ``different``.
        categories: fixtures only: the manifest's categories (``size-mismatch``, ``text``...).
    """

    id: str
    source: str
    kind: str
    reference: Path
    candidate: Path
    root: Path | None = None
    sample: Sample | None = None
    expected: str | None = None
    categories: tuple[str, ...] = ()


def synth_command(out: Path, pairs: int, *, workers: int = 2) -> list[str]:
    """The ``layoutcheck synth`` command line that makes (or completes) the test split."""
    return [
        sys.executable, "-m", "layoutcheck", "synth", "--out", str(out), "--pairs", str(pairs),
        "--seed", str(TEST_SEED), "--workers", str(workers), "--per-page", str(PER_PAGE), "--split", "test",
    ]


def ensure_test_split(pairs: int, *, out: Path = TEST_SPLIT, workers: int = 2) -> dict[str, Any]:
    """Make the first ``pairs`` test-split pairs in ``out`` unless an earlier run already did.

    The generator resumes by sample id, so only missing pairs are rendered. A stamp file records
    the largest completed run, so a cache whose last few samples failed to render (the generator
    logs and skips them) does not start Chromium again on every benchmark run.

    Returns:
        ``{"command": [...], "pairs": n, "seconds": s, "ran": bool}``: the command that made the
        cache as it now is (``n`` pairs planned, at least ``pairs``).

    Raises:
        BenchDataError: the generator failed (its output is in the message).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ignore = out.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# made by benchmarks/bench_data.py: the benchmark cache is never committed\n*\n")
    stamp = out / _STAMP
    done = json.loads(stamp.read_text()).get("pairs", 0) if stamp.is_file() else 0
    if done >= pairs and (out / "manifest.jsonl").is_file():
        return {"command": synth_command(out, done, workers=workers), "pairs": done, "seconds": 0.0, "ran": False}
    cmd = synth_command(out, pairs, workers=workers)
    start = time.perf_counter()
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchDataError(
            f"making the test split failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    stamp.write_text(json.dumps({"pairs": pairs, "seed": TEST_SEED, "per_page": PER_PAGE}) + "\n")
    return {"command": cmd, "pairs": pairs, "seconds": round(seconds, 1), "ran": True}


def dataset_pairs(root: Path, *, split: str = "test", limit: int | None = None, source: str | None = None,
                  prefix: str = "") -> list[BenchPair]:
    """The pairs of a dataset folder in one split (``all``: every split), in manifest order.

    Raises:
        BenchDataError: the split has no pairs.
        DatasetError: the folder is not a valid dataset.
    """
    root = Path(root)
    samples = [s for s in read_manifest(root) if split in ("all", s.split)]
    if not samples:
        raise BenchDataError(f"{root}: no samples in split {split!r}; choose another --split")
    samples = samples[:limit] if limit else samples
    name = source or root.name
    return [
        BenchPair(id=prefix + s.id, source=name, kind=s.kind, reference=root / s.reference,
                  candidate=root / s.candidate, root=root, sample=s)
        for s in samples
    ]


_EXPECTED_KIND = {"equal": "benign", "different": "change"}


def read_peer_manifest(path: Path = PEER_FIXTURES) -> tuple[list[BenchPair], list[str]]:
    """The peer-fixture cases with an unambiguous expected verdict.

    Args:
        path: the ``MANIFEST.json`` (format ``peer-fixtures/1``); image paths are relative to it.

    Returns:
        ``(pairs, skipped_ids)``: pairs with ``expected`` ``equal`` (kind benign) or
        ``different`` (kind change), and the ids of cases asserted both ways (null verdict).

    Raises:
        BenchDataError: unreadable manifest, unknown format or verdict, or a missing image.
    """
    path = Path(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BenchDataError(f"{path}: cannot read the peer-fixture manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != "peer-fixtures/1":
        raise BenchDataError(f"{path}: expected format 'peer-fixtures/1', got {manifest.get('format') if isinstance(manifest, dict) else manifest!r}")
    pairs, skipped = [], []
    for case in manifest.get("cases", []):
        verdict = case.get("expected_verdict")
        if verdict is None:
            skipped.append(case["id"])
            continue
        if verdict not in _EXPECTED_KIND:
            raise BenchDataError(f"{path}: case {case.get('id')!r} has expected_verdict {verdict!r}; expected equal, different or null")
        ref, cand = path.parent / case["reference"], path.parent / case["candidate"]
        for image in (ref, cand):
            if not image.is_file():
                raise BenchDataError(f"{path}: case {case['id']!r} names {image}, which does not exist")
        pairs.append(BenchPair(
            id=case["id"], source="fixtures", kind=_EXPECTED_KIND[verdict], reference=ref, candidate=cand,
            expected=verdict, categories=tuple(case.get("categories", ())),
        ))
    return pairs, skipped
