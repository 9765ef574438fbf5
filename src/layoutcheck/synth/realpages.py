"""A corpus of real web pages (``MANIFEST.json`` + files) as input of ``layoutcheck synth --realpages``.

The corpus folder holds a ``MANIFEST.json``: a list with one entry per page, each with at least
``page`` (path from the folder), ``project``, ``license`` and ``renders_offline``. Pages are
loaded over ``file://`` (every asset of the corpus is local and relative), so nothing is served.

Splits go by **project**, never by page: all pages of one template repository share a split, so
validation and test measure sites whose CSS training never saw. A project's split is a stable hash
of its name (about 60/20/20 % of projects to train/val/test); adding a project never moves another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layoutcheck.dataset import DatasetError

CORPUS_MANIFEST = "MANIFEST.json"
# Part of the split rule: changing it reshuffles every project between splits.
_SPLIT_SALT = "realpages-project:"


@dataclass(frozen=True)
class RealPage:
    """One page of a real-page corpus."""

    page: str  # path from the corpus folder, e.g. "pico/v2-html/index.html"
    project: str
    license: str
    path: Path  # absolute path of the HTML file

    @property
    def url(self) -> str:
        return self.path.as_uri()


def project_split(project: str) -> str:
    """The split of every page of ``project``: ``train`` (60 %), ``val`` (20 %) or ``test`` (20 %)."""
    bucket = int(hashlib.sha256(f"{_SPLIT_SALT}{project}".encode()).hexdigest(), 16) % 10
    return "train" if bucket < 6 else "val" if bucket < 8 else "test"


def load_corpus(root: Path) -> list[RealPage]:
    """The pages of a corpus that render offline, sorted by path.

    Raises:
        DatasetError: no or unreadable ``MANIFEST.json``, or an entry that is not a page of the
            corpus (one line naming the manifest, the entry and what is wrong).
    """
    root = Path(root).resolve()
    path = root / CORPUS_MANIFEST
    if not path.is_file():
        raise DatasetError(f"{root}: not a real-page corpus (no {CORPUS_MANIFEST})")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: unreadable ({exc})") from exc
    if not isinstance(raw, list):
        raise DatasetError(f"{path}: expected a JSON list of page entries, got {type(raw).__name__}")
    pages: list[RealPage] = []
    for n, entry in enumerate(raw):
        page = _entry(root, entry, f"{path}: entry {n}")
        if page is not None:
            pages.append(page)
    if not pages:
        raise DatasetError(f"{path}: no page with renders_offline true")
    seen: set[str] = set()
    for p in pages:
        if p.page in seen:
            raise DatasetError(f"{path}: page {p.page!r} is listed twice")
        seen.add(p.page)
    return sorted(pages, key=lambda p: p.page)


def _entry(root: Path, entry: Any, where: str) -> RealPage | None:
    if not isinstance(entry, dict):
        raise DatasetError(f"{where}: expected an object, got {type(entry).__name__}")
    missing = [k for k in ("page", "project", "license", "renders_offline") if k not in entry]
    if missing:
        raise DatasetError(f"{where}: missing field(s) {', '.join(missing)}")
    page, project = entry["page"], entry["project"]
    if not isinstance(page, str) or not page or page.startswith("/") or ".." in Path(page).parts:
        raise DatasetError(f"{where}: page must be a relative path inside the corpus, got {page!r}")
    if not isinstance(project, str) or not project.strip():
        raise DatasetError(f"{where} ({page}): project must be a non-empty string, got {project!r}")
    if entry["renders_offline"] is not True:
        return None  # needs the network: skipped, never rendered half-loaded
    file = root / page
    if not file.is_file():
        raise DatasetError(f"{where} ({page}): no such file {file}")
    return RealPage(page=page, project=project, license=str(entry["license"]), path=file)
