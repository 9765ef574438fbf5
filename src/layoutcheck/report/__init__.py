"""The HTML report: one self-contained ``index.html`` rendered from a run's saved JSON.

The report is rendered from ``result.json`` (what :meth:`RunResult.to_dict` returns), never from
live objects, so it can be re-rendered later (:func:`rerender`), merged, and tested on its own.
CSS and JS are inlined, so the page works offline from ``file://`` and fetches nothing but the
pair images that sit beside it. Data reaches the JS only as escaped JSON in a
``<script type="application/json">`` block; pair names and selectors are always HTML-escaped.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from layoutcheck.errors import InputError
from layoutcheck.fsutil import atomic_write_bytes, staged_dir
from layoutcheck.results import SCHEMA_VERSION, PairResult, Region, RunResult, Verdict

__all__ = [
    "INDEX_NAME", "RESULT_NAME", "check_replaceable", "render_html", "rerender", "staged_report", "write_report",
]

RESULT_NAME = "result.json"
INDEX_NAME = "index.html"
#: What a report folder holds (``layoutcheck compare``'s and the pytest plugin's), and the litter a
#: file browser leaves in a folder it showed.
_REPORT_ENTRIES = frozenset({INDEX_NAME, RESULT_NAME, "pairs"})
_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})

#: Section order: what needs a reviewer first.
_ORDER = (Verdict.ERROR, Verdict.FAIL, Verdict.NEW, Verdict.DELETED, Verdict.PASS)

#: Filter button name -> the verdict it shows (``None``: every pair).
FILTERS: dict[str, Verdict | None] = {
    "all": None,
    "failed": Verdict.FAIL,
    "errors": Verdict.ERROR,  # shown only in a run that has errors
    "new": Verdict.NEW,
    "deleted": Verdict.DELETED,
    "passed": Verdict.PASS,
}


#: What a PASS means at each U-Net check level (shown beside the level).
LEVEL_MEANS = {
    "strict": "a pass means nothing changed",
    "layout": "a pass means no broken layout; real changes are reported, not failed",
}


@dataclass(frozen=True)
class _Box:
    """A region placed on a stage, in percent of that stage's size."""

    ref: str  # as shown in the label and the region tables: "1", "2"... failing, "c1"... changes
    region: Region
    style: str
    label_inside: bool  # the label would stick out above the stage
    change: bool  # a reported change, not a failure: drawn in the changes' blue


@dataclass(frozen=True)
class _PairView:
    """Everything the template needs for one pair, precomputed so the template stays dumb."""

    pair: PairResult
    anchor: str
    reference: str | None  # URL of the image, None when absent or missing on disk
    candidate: str | None
    diff: str | None
    canvas: tuple[int, int] | None  # stage of the composite views: union of both sizes
    reference_width: str  # CSS width of the reference on the composite stage
    candidate_width: str
    boxes: tuple[_Box, ...]  # on the composite stage: the changes first, so failures lie on top
    candidate_boxes: tuple[_Box, ...]  # on a stage of the candidate's own size


def render_html(data: dict[str, Any], *, base: Path | None = None) -> str:
    """Render the report page from a run's JSON dict.

    Args:
        data: ``RunResult.to_dict()``, or the parsed ``result.json``.
        base: the report folder the image paths are relative to. When given, images whose files
            are missing are left out (shown as "missing"), so the page never requests a file that
            is not there.

    Returns:
        The complete, self-contained HTML document.

    Raises:
        InputError: ``data`` is not a result this version can read.
    """
    result = _parse(data)
    views = [_pair_view(p, base) for p in _sorted(result.pairs)]
    counts = result.counts()
    default_filter = _default_filter(counts)
    template = _environment().get_template("index.html.j2")
    filters = {
        name: v.value if v else None
        for name, v in FILTERS.items()
        if v is not Verdict.ERROR or counts[Verdict.ERROR.value]
    }
    return template.render(
        result=result,
        verdict=result.verdict.value,
        counts=counts,
        views=views,
        filters=list(filters.items()),
        # What the JS reads; embedded with |tojson, which escapes "<", ">", "&" and "'".
        config={"defaultFilter": default_filter, "filters": filters},
        css=_asset("report.css"),
        js=_asset("report.js"),
    )


def _default_filter(counts: dict[str, int]) -> str:
    """What the page shows first: the failures, or the pairs that could not be judged, or both."""
    failed, errors = counts[Verdict.FAIL.value], counts[Verdict.ERROR.value]
    if failed and errors:
        return "all"  # sorted errors first, then failures
    return "failed" if failed else "errors" if errors else "all"


def write_report(result: RunResult, out_dir: Path) -> Path:
    """Write ``result.json`` and ``index.html`` into ``out_dir``.

    The images the pairs reference must already be in ``out_dir`` (the caller wrote them).

    Returns:
        The path of ``index.html``.
    """
    out_dir = Path(out_dir)
    atomic_write_bytes(out_dir / RESULT_NAME, result.to_json().encode("utf-8"))
    return _write_index(result.to_dict(), out_dir)


def check_replaceable(out_dir: Path) -> None:
    """Check that a report may be written to ``out_dir``, which it replaces whole.

    The folder must be absent, empty, or a report written before (a ``result.json`` with nothing
    but report files beside it), so that a slip such as ``--out src`` or ``--out .`` never
    deletes a project's own files.

    Raises:
        InputError: ``out_dir`` is a file, or a folder that holds anything else (named).
    """
    out_dir = Path(out_dir)
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if out_dir.is_symlink() or not out_dir.is_dir():
        what = "a symbolic link" if out_dir.is_symlink() else "a file"
        raise InputError(f"{out_dir}: is {what}; the report needs a folder of its own")
    names = sorted(p.name for p in out_dir.iterdir() if p.name not in _LITTER)
    foreign = [n for n in names if n not in _REPORT_ENTRIES]
    if names and (foreign or RESULT_NAME not in names):
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise InputError(
            f"{out_dir}: not a layoutcheck report folder (it holds {shown or 'no ' + RESULT_NAME}); a report "
            "replaces its folder whole, so give a new or empty folder, or remove this one first"
        )


@contextmanager
def staged_report(out_dir: Path) -> Iterator[Path]:
    """A staging folder that replaces ``out_dir`` whole when the block succeeds
    (:func:`~layoutcheck.fsutil.staged_dir`), entered only when ``out_dir`` may be replaced.

    Raises:
        InputError: ``out_dir`` holds anything but an older report (:func:`check_replaceable`).
    """
    check_replaceable(out_dir)
    with staged_dir(out_dir) as stage:
        yield stage


def rerender(out_dir: Path) -> Path:
    """Re-render ``index.html`` from the ``result.json`` saved in ``out_dir``.

    Returns:
        The path of ``index.html``.

    Raises:
        InputError: ``result.json`` is missing or unreadable.
    """
    out_dir = Path(out_dir)
    path = out_dir / RESULT_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no {RESULT_NAME} in {out_dir}; run a comparison into that folder first") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}; expected the JSON a comparison writes") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path} holds {type(data).__name__}, expected a JSON object of a run result")
    return _write_index(data, out_dir)


def _write_index(data: dict[str, Any], out_dir: Path) -> Path:
    index = out_dir / INDEX_NAME
    atomic_write_bytes(index, render_html(data, base=out_dir).encode("utf-8"))
    return index


def _parse(data: dict[str, Any]) -> RunResult:
    schema = data.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise InputError(
            f"result schema {schema!r} is newer than this layoutcheck reads ({SCHEMA_VERSION}); "
            "upgrade layoutcheck to render it"
        )
    try:
        return RunResult.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"not a run result ({type(exc).__name__}: {exc}); expected RunResult.to_dict()") from exc


def _sorted(pairs: tuple[PairResult, ...]) -> list[PairResult]:
    return sorted(pairs, key=lambda p: (_ORDER.index(p.verdict), p.name))


def pair_anchor(name: str) -> str:
    """A stable, URL- and id-safe anchor: readable slug plus a hash that keeps it unique."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()[:60]
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"pair-{slug}-{digest}" if slug else f"pair-{digest}"


def _image_url(path: str | None, base: Path | None) -> str | None:
    if not path:
        return None
    if base is not None and not (base / path).is_file():
        return None
    # Quoting also turns "javascript:" into a harmless relative path.
    return quote(path.replace("\\", "/"))


def _pct(value: float, whole: int) -> str:
    return f"{100.0 * value / whole:.4g}%"


def _boxes(pair: PairResult, canvas: tuple[int, int] | None) -> tuple[_Box, ...]:
    """Boxes of the pair's changes ("c1"...) then of its failing regions ("1"...) on a stage."""
    if canvas is None or canvas[0] <= 0 or canvas[1] <= 0:
        return ()  # nowhere to place them; the region tables still list them
    cw, ch = canvas
    placed = [(f"c{i}", r, True) for i, r in enumerate(pair.changes, start=1)]
    placed += [(str(i), r, False) for i, r in enumerate(pair.regions, start=1)]
    return tuple(
        _Box(
            ref=ref,
            region=r,
            style=f"left:{_pct(r.x, cw)};top:{_pct(r.y, ch)};width:{_pct(r.w, cw)};height:{_pct(r.h, ch)}",
            # Near the top edge the label goes inside the box: ~18 px at a ~1000 px wide display.
            label_inside=r.y < 0.018 * cw,
            change=change,
        )
        for ref, r, change in placed
    )


def _pair_view(pair: PairResult, base: Path | None) -> _PairView:
    ref_size = pair.reference_size or pair.candidate_size
    cand_size = pair.candidate_size or pair.reference_size
    canvas: tuple[int, int] | None = None
    ref_width = cand_width = "100%"
    if ref_size and cand_size:
        canvas = (max(ref_size[0], cand_size[0]), max(ref_size[1], cand_size[1]))
        ref_width = _pct(ref_size[0], canvas[0])
        cand_width = _pct(cand_size[0], canvas[0])
    return _PairView(
        pair=pair,
        anchor=pair_anchor(pair.name),
        reference=_image_url(pair.images.reference, base),
        candidate=_image_url(pair.images.candidate, base),
        diff=_image_url(pair.images.diff, base),
        canvas=canvas,
        reference_width=ref_width,
        candidate_width=cand_width,
        boxes=_boxes(pair, canvas),
        candidate_boxes=_boxes(pair, cand_size),
    )


def _size(size: tuple[int, int] | None) -> str:
    return f"{size[0]}\u00d7{size[1]}" if size else "\u2014"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("layoutcheck.report", "templates"),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = _size
    env.filters["thousands"] = lambda n: f"{int(n):,}"
    env.filters["level_means"] = lambda level: LEVEL_MEANS.get(level, "")
    env.filters["changes"] = lambda n: f"{n} change" if n == 1 else f"{n} changes"
    env.filters["shell_quote"] = shlex.quote  # the "label this" command line
    return env


@lru_cache(maxsize=None)
def _asset(name: str) -> Markup:
    """A CSS or JS file from the templates folder, inlined verbatim (it is ours, not user data)."""
    text = resources.files("layoutcheck.report").joinpath("templates", name).read_text(encoding="utf-8")
    if "</" in text:  # would end the <style>/<script> element early
        raise RuntimeError(f"report asset {name} contains '</', which cannot be inlined")
    return Markup(text)
