"""The labeling dataset: the queue of pairs a reviewer labels, and atomic, versioned saves.

A labeling folder is a dataset in the shared format (``docs/dataset.md``) plus a queue file,
``label-queue.json``, listing the pairs brought in but not labeled yet (their images already
lie under ``samples/<id>/``). Only labeled pairs have a manifest line, so ``train`` never reads
an unlabeled pair as benign.

A save is one commit: the mask goes to a new file (``mask-r<revision>.png``), then the manifest
is rewritten through a temporary file and renamed, under a lock (a thread lock for the server's
threads, ``flock`` on ``.label.lock`` for other processes). A crash leaves either the old
manifest or the new one, never half a line. Each labeled sample carries a revision counter
(``params.label.revision``): a save names the revision it started from, and a save made from an
older one is refused (:class:`LabelConflict`) unless forced, so two tabs never overwrite each
other silently.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from layoutcheck.dataset import (
    MANIFEST,
    NUM_CLASSES,
    SPLITS,
    DatasetError,
    Sample,
    boxes_of,
    iter_manifest,
    kind_of,
)
from layoutcheck.errors import InputError
from layoutcheck.fsutil import atomic_write_bytes
from layoutcheck.imageio import encode_png, image_size

QUEUE = "label-queue.json"
LOCK = ".label.lock"
#: What a pair in the queue can be: not looked at, looked at and skipped, or saved.
STATUSES = ("todo", "skipped", "labeled")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class UnknownPair(InputError):
    """No pair has this id in the labeling folder."""


class LabelConflict(InputError):
    """The pair was saved elsewhere (another tab) since this save's revision was read."""

    def __init__(self, pair_id: str, current: int, base: int) -> None:
        self.current, self.base = current, base
        super().__init__(
            f"pair {pair_id!r} was saved in another tab or window (now at revision {current}, this page "
            f"started from revision {base}); reload the pair to see that label, or save again to overwrite it"
        )


class UnsafePath(InputError):
    """A path in the labeling folder points outside it (``..``, absolute, or a symbolic link out)."""


@dataclass(frozen=True)
class Entry:
    """One pair of the queue: where its images are and what is known about it.

    ``reference``/``candidate`` are relative to ``base`` (the labeling folder, or the report folder
    a queue was made from). ``sample`` is its manifest line once labeled.
    """

    id: str
    reference: str
    candidate: str
    width: int
    height: int
    name: str = ""  # the compare pair's name, or the sample id
    page: str = ""
    template: str = ""
    split: str = "train"
    status: str = "todo"
    params: dict[str, Any] = field(default_factory=dict)
    sample: Sample | None = None
    in_report: bool = False  # images still in the report folder (not copied yet)

    @property
    def revision(self) -> int:
        if self.sample is None:
            return 0
        label = self.sample.params.get("label")
        return int(label.get("revision", 1)) if isinstance(label, dict) else 0

    @property
    def regions(self) -> list[dict[str, Any]]:
        """The judge's regions of the compare run the pair came from (hints for the reviewer)."""
        raw = self.params.get("regions", [])
        return raw if isinstance(raw, list) else []

    def summary(self) -> dict[str, Any]:
        """The JSON the page's queue shows."""
        s = self.sample
        return {
            "id": self.id, "name": self.name or self.id, "status": self.status, "revision": self.revision,
            "width": self.width, "height": self.height, "kind": s.kind if s else None,
            "classes": list(s.classes) if s else [], "source": s.source if s else None,
            "regions": self.regions, "uncertainty": None,
        }

    def queue_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "reference": self.reference, "candidate": self.candidate, "width": self.width,
            "height": self.height, "name": self.name, "page": self.page, "template": self.template,
            "split": self.split, "status": self.status, "params": self.params,
        }


class LabelStore:
    """The pairs of one labeling folder, and their saves.

    Open it with :func:`open_store`. Methods are safe to call from the server's threads and
    from several processes on the same folder.
    """

    def __init__(self, root: Path, entries: list[Entry], *, report: Path | None = None) -> None:
        self.root = Path(root).absolute()
        self.report = report.absolute() if report is not None else None
        self._entries: dict[str, Entry] = {e.id: e for e in entries}
        self._order: list[str] = [e.id for e in entries]
        self._lock = threading.RLock()

    # -- reading ------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._order)

    def get(self, pair_id: str) -> Entry:
        """The pair with this id. Raises :class:`UnknownPair`."""
        with self._lock:
            entry = self._entries.get(pair_id)
        if entry is None:
            raise UnknownPair(f"no pair {pair_id!r} in {self.root}")
        return entry

    def entries(self) -> list[Entry]:
        with self._lock:
            return [self._entries[i] for i in self._order]

    def progress(self) -> tuple[int, int]:
        """(labeled, total)."""
        items = self.entries()
        return sum(e.status == "labeled" for e in items), len(items)

    def image_path(self, pair_id: str, role: str) -> Path:
        """The file of a pair's ``reference``, ``candidate`` or saved ``mask``, checked to lie inside
        its folder (symbolic links resolved).

        Raises:
            UnknownPair: no such pair, or no saved mask.
            UnsafePath: the path leaves the folder.
        """
        entry = self.get(pair_id)
        base = self.report if entry.in_report and self.report is not None else self.root
        if role == "reference":
            rel = entry.reference
        elif role == "candidate":
            rel = entry.candidate
        elif role == "mask" and entry.sample is not None:
            rel, base = entry.sample.mask, self.root
        else:
            raise UnknownPair(f"pair {pair_id!r} has no {role}")
        return inside(base, rel)

    def reorder(self, key: dict[str, float]) -> None:
        """Put the pairs in descending ``key`` order (pairs without a key last, order kept)."""
        with self._lock:
            self._order.sort(key=lambda i: -key.get(i, float("-inf")))

    # -- writing ------------------------------------------------------------------------------

    def save(self, pair_id: str, mask: np.ndarray, *, base_revision: int, force: bool = False) -> Entry:
        """Save a mask for a pair: its PNG, then its manifest line (source ``label``).

        Args:
            mask: ``(H, W)`` uint8 class values, the candidate's size (all 0: benign).
            base_revision: the revision the reviewer's page loaded.
            force: overwrite even when another save came in since ``base_revision``.

        Raises:
            UnknownPair, LabelConflict, InputError: a mask of the wrong size or values.
        """
        with self._lock, self._file_lock():
            entry = self._refresh(self.get(pair_id))
            if mask.dtype != np.uint8 or mask.shape != (entry.height, entry.width):
                raise InputError(
                    f"the mask must be {entry.width}x{entry.height} (the candidate's size), got "
                    f"{mask.shape[1::-1] if mask.ndim == 2 else mask.shape}"
                )
            if int(mask.max(initial=0)) >= NUM_CLASSES:
                raise InputError(f"mask value {int(mask.max())} is not a class (0..{NUM_CLASSES - 1})")
            if entry.revision != base_revision and not force:
                raise LabelConflict(pair_id, entry.revision, base_revision)
            if self.report is not None:
                self._materialize()
                entry = self._entries[pair_id]
            revision = entry.revision + 1
            folder = f"samples/{entry.id}"
            mask_rel = f"{folder}/mask-r{revision}.png"
            atomic_write_bytes(inside(self.root, mask_rel, must_exist=False), encode_png(mask, compress_level=3))
            kind, classes = kind_of(mask)
            params = dict(entry.sample.params if entry.sample else entry.params)
            params["label"] = {"revision": revision, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
            sample = Sample(
                id=entry.id, reference=entry.reference, candidate=entry.candidate, mask=mask_rel, kind=kind,
                classes=classes, boxes=boxes_of(mask), source="label",
                page=entry.sample.page if entry.sample else entry.page,
                template=entry.sample.template if entry.sample else entry.template,
                split=entry.sample.split if entry.sample else entry.split,
                width=entry.width, height=entry.height, params=params,
            )
            Sample.from_dict(json.loads(json.dumps(sample.to_dict())))  # the line reads back
            old_mask = entry.sample.mask if entry.sample else None
            self._write_manifest(sample)
            entry = replace(entry, sample=sample, status="labeled")
            self._entries[pair_id] = entry
            self._write_queue()
            if old_mask and old_mask != mask_rel and re.fullmatch(rf"{folder}/mask-r\d+\.png", old_mask):
                (self.root / old_mask).unlink(missing_ok=True)  # ours, replaced; other masks stay
            return entry

    def skip(self, pair_id: str) -> Entry:
        """Mark an unlabeled pair skipped (it moves to the end of the queue); a labeled one stays."""
        with self._lock:
            entry = self.get(pair_id)
            if entry.status == "labeled":
                return entry
            entry = replace(entry, status="skipped")
            self._entries[pair_id] = entry
            self._order.remove(pair_id)
            self._order.append(pair_id)
            if not entry.in_report:
                with self._file_lock():
                    self._write_queue()
            return entry

    # -- internals ----------------------------------------------------------------------------

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _refresh(self, entry: Entry) -> Entry:
        """The entry with its manifest line as on disk now (another process may have saved it)."""
        if not (self.root / MANIFEST).is_file():
            return entry
        for sample in iter_manifest(self.root):
            if sample.id == entry.id:
                entry = replace(entry, sample=sample, status="labeled")
                self._entries[entry.id] = entry
        return entry

    def _write_manifest(self, sample: Sample) -> None:
        path = self.root / MANIFEST
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        new = json.dumps(sample.to_dict(), separators=(",", ":"))
        out, replaced = [], False
        for line in lines:
            if line.strip() and _line_id(line) == sample.id:
                if not replaced:
                    out.append(new)
                    replaced = True
                continue
            out.append(line)
        if not replaced:
            out.append(new)
        atomic_write_bytes(path, ("\n".join(out) + "\n").encode("utf-8"))

    def _write_queue(self) -> None:
        pending = [self._entries[i].queue_dict() for i in self._order if self._entries[i].status != "labeled"]
        data = {"version": 1, "pairs": pending}
        atomic_write_bytes(self.root / QUEUE, json.dumps(data, indent=1).encode("utf-8"))

    def _materialize(self) -> None:
        """Turn a report's queue into a dataset: copy every pair's images under ``samples/``."""
        if self.report is None:
            return
        for pair_id in self._order:
            entry = self._entries[pair_id]
            if not entry.in_report:
                continue
            folder = f"samples/{entry.id}"
            for rel, name in ((entry.reference, "ref.png"), (entry.candidate, "cand.png")):
                dst = inside(self.root, f"{folder}/{name}", must_exist=False)
                atomic_write_bytes(dst, inside(self.report, rel).read_bytes())
            self._entries[pair_id] = replace(
                entry, reference=f"{folder}/ref.png", candidate=f"{folder}/cand.png", in_report=False
            )
        self.report = None
        self._write_queue()


def _line_id(line: str) -> str | None:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError:
        return None
    return str(raw.get("id")) if isinstance(raw, dict) else None


def inside(base: Path, rel: str, *, must_exist: bool = True) -> Path:
    """``base / rel``, refused unless it stays inside ``base`` once symbolic links are resolved.

    Raises:
        UnsafePath: ``rel`` is absolute, climbs out with ``..``, or resolves outside ``base``.
        UnknownPair: ``must_exist`` and the file is not there.
    """
    if not isinstance(rel, str) or not rel or "\x00" in rel or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        raise UnsafePath(f"{rel!r}: not a relative path inside {base}")
    if ".." in Path(rel).parts or "\\" in rel:
        raise UnsafePath(f"{rel!r}: climbs out of {base}")
    root = Path(base).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        raise UnsafePath(f"{rel!r}: resolves to {path}, outside {root}")
    if must_exist and not path.is_file():
        raise UnknownPair(f"{rel!r}: no such file in {root}")
    return path


def safe_id(text: str) -> str:
    """A pair id that is a safe folder name: readable slug plus a hash that keeps it unique."""
    import hashlib

    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower()[:60]
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def open_store(path: Path, *, to: Path | None = None, split: str = "train") -> LabelStore:
    """Open a labeling folder, a dataset, or a ``layoutcheck compare`` report folder.

    A report's failed pairs (then its passed ones) become the queue; nothing is written until the
    first save, which copies the images into ``to`` (default: ``<report>-labels`` beside it).

    Raises:
        InputError: ``path`` is none of these, or a file in it is unreadable.
    """
    path = Path(path)
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    if (path / "result.json").is_file() and not (path / MANIFEST).is_file():
        dest = Path(to) if to is not None else path.parent / f"{path.name}-labels"
        if (dest / MANIFEST).is_file() or (dest / QUEUE).is_file():
            raise InputError(
                f"{dest} already holds labels; open it with `layoutcheck label {dest}`, or give another --to"
            )
        return LabelStore(dest, report_entries(path, split=split), report=path)
    if not (path / MANIFEST).is_file() and not (path / QUEUE).is_file():
        raise InputError(
            f"{path}: not a dataset (no {MANIFEST} or {QUEUE}) nor a compare report (no result.json); "
            "give a dataset folder, a report folder, or bring pairs in with `layoutcheck label --add`"
        )
    return LabelStore(path, dataset_entries(path))


def dataset_entries(root: Path) -> list[Entry]:
    """The queue of a labeling folder: its pending pairs first, then its labeled samples."""
    root = Path(root)
    entries: list[Entry] = []
    seen: set[str] = set()
    pending = read_queue(root)
    samples = list(iter_manifest(root)) if (root / MANIFEST).is_file() else []
    labeled = {s.id for s in samples}
    for e in pending:
        if e.id not in labeled and e.id not in seen:
            entries.append(e)
            seen.add(e.id)
    entries.sort(key=lambda e: e.status == "skipped")  # stable: todo first, skipped after
    for s in samples:
        if s.id in seen:
            raise DatasetError(f"{root / MANIFEST}: duplicate sample id {s.id!r}")
        seen.add(s.id)
        width, height = (s.width, s.height) if s.width and s.height else image_size(inside(root, s.candidate))
        entries.append(Entry(
            id=s.id, reference=s.reference, candidate=s.candidate, width=width, height=height, name=s.id,
            page=s.page, template=s.template, split=s.split, status="labeled", params=s.params, sample=s,
        ))
    return entries


def read_queue(root: Path) -> list[Entry]:
    """The pending pairs of ``root/label-queue.json`` (none when the file is absent)."""
    path = Path(root) / QUEUE
    if not path.is_file():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for item in raw["pairs"]:
            if not _ID_RE.fullmatch(str(item["id"])):
                raise ValueError(f"bad pair id {item['id']!r}")
            out.append(Entry(
                id=str(item["id"]), reference=str(item["reference"]), candidate=str(item["candidate"]),
                width=int(item["width"]), height=int(item["height"]), name=str(item.get("name", "")),
                page=str(item.get("page", "")), template=str(item.get("template", "")),
                split=str(item.get("split", "train")), status="skipped" if item.get("status") == "skipped" else "todo",
                params=dict(item.get("params", {})),
            ))
        return out
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{path}: unreadable labeling queue ({type(exc).__name__}: {exc})") from exc


def report_entries(report: Path, *, split: str = "train", names: tuple[str, ...] = ()) -> list[Entry]:
    """Queue entries for the pairs of a compare report that have both images: failed first.

    ``names`` picks pairs by name (or report anchor); by default every such pair.

    Raises:
        InputError: ``result.json`` unreadable; UnknownPair: a name matches no pair.
    """
    from layoutcheck.report import pair_anchor
    from layoutcheck.results import RunResult, Verdict

    path = Path(report) / "result.json"
    try:
        run = RunResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a compare result ({type(exc).__name__}: {exc})") from exc
    pairs = list(run.pairs)
    if names:
        picked = []
        for name in names:
            match = [p for p in pairs if name in (p.name, pair_anchor(p.name), pair_anchor(p.name)[5:])]
            if not match:
                known = ", ".join(p.name for p in pairs[:5]) + (" ..." if len(pairs) > 5 else "")
                raise UnknownPair(f"{path}: no pair named {name!r} (pairs: {known or 'none'})")
            picked += match
        pairs = picked
    else:
        order = {Verdict.FAIL: 0, Verdict.PASS: 1}
        pairs = sorted((p for p in pairs if p.verdict in order), key=lambda p: (order[p.verdict], p.name))
    out = []
    for p in pairs:
        if not (p.images.reference and p.images.candidate and p.candidate_size):
            if names:
                raise InputError(f"{path}: pair {p.name!r} has no reference and candidate images to label")
            continue
        page = re.split(r"@", p.name.rsplit("::", 1)[-1].rsplit("/", 1)[-1])[0].removesuffix(".png") or "page"
        out.append(Entry(
            id=safe_id(p.name), reference=p.images.reference, candidate=p.images.candidate,
            width=p.candidate_size[0], height=p.candidate_size[1], name=p.name, page=page,
            template=f"label:{page}", split=split, in_report=True,
            params={
                "compare": {"verdict": p.verdict.value, "method": p.method, "level": p.level,
                            "threshold": p.threshold, "pair": p.name},
                "regions": [r.to_dict() for r in p.regions],
                "source_candidate": p.candidate,
            },
        ))
    return out


def add_from_report(report: Path, pair: str, to: Path, *, split: str = "train") -> Entry:
    """Bring one pair of a compare report into a labeling folder (queued, not labeled yet).

    Copies the reference and candidate into ``to/samples/<id>/``, the candidate's element-box
    sidecar when the report or the compared folder still has it, and keeps the judge's regions.

    Raises:
        InputError / UnknownPair: no such report or pair; the pair is already in ``to``.
    """
    from layoutcheck.elements import sidecar_path

    report, to = Path(report), Path(to)
    (entry,) = report_entries(report, split=split, names=(pair,))
    if (to / MANIFEST).is_file() or (to / QUEUE).is_file():
        known = {e.id for e in dataset_entries(to)}
        if entry.id in known:
            raise InputError(f"{pair!r} is already in {to} (as {entry.id}); open it with `layoutcheck label {to}`")
    folder = f"samples/{entry.id}"
    store = LabelStore(to, [], report=None)
    with store._file_lock():
        atomic_write_bytes(inside(to, f"{folder}/ref.png", must_exist=False), inside(report, entry.reference).read_bytes())
        atomic_write_bytes(inside(to, f"{folder}/cand.png", must_exist=False), inside(report, entry.candidate).read_bytes())
        # The report's copy (the pytest plugin writes one), else the compared candidate's own.
        sidecars = [sidecar_path(report / entry.candidate)]
        if entry.params.get("source_candidate"):
            sidecars.append(sidecar_path(Path(entry.params["source_candidate"])))
        for car in sidecars:
            if car.is_file():
                atomic_write_bytes(inside(to, f"{folder}/cand.json", must_exist=False), car.read_bytes())
                break
        entry = replace(entry, reference=f"{folder}/ref.png", candidate=f"{folder}/cand.png", in_report=False)
        pending = read_queue(to) + [entry]
        data = {"version": 1, "pairs": [e.queue_dict() for e in pending]}
        atomic_write_bytes(to / QUEUE, json.dumps(data, indent=1).encode("utf-8"))
    return entry
