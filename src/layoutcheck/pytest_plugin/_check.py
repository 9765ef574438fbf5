"""What the ``layoutcheck`` fixture does: shoot a page or take an image, judge it, record, fail clearly.

Imported only when a test asks for the fixture, so numpy, Pillow, Playwright and the judges load
only in sessions that check screenshots. Library errors become ``pytest.fail(..., pytrace=False)``:
the test fails with the message alone, and no plugin frame shows in the output.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pytest

from layoutcheck.capture import ShotOptions
from layoutcheck.compare import compare_pair
from layoutcheck.elements import sidecar_path, write_sidecar
from layoutcheck.errors import ImageError, InputError, LayoutcheckError
from layoutcheck.fsutil import atomic_write_bytes
from layoutcheck.imageio import encode_png
from layoutcheck.judges import Judge, get_judge
from layoutcheck.pytest_plugin._candidate import Candidate, image_candidate, shoot
from layoutcheck.pytest_plugin._results import WRITTEN, Recorder
from layoutcheck.pytest_plugin._settings import LEVELS, Settings, pixel_level_message
from layoutcheck.report import INDEX_NAME

# The report's own anchor function, so that the link in a failure always matches the page.
from layoutcheck.report import pair_anchor as report_anchor
from layoutcheck.results import PairImages, PairResult, Verdict
from layoutcheck.weights import ENV_VAR as MODEL_ENV_VAR

if TYPE_CHECKING:
    from playwright.sync_api import Page

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]{0,119}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=,\[\]-]")
_REGIONS_SHOWN = 10

#: One judge per (method, threshold, level, device, model variable) per process: the U-Net loads
#: its weights once per worker, on first use. A judge that failed to build is remembered too, so a
#: missing model costs one attempt, not one per test.
_JUDGES: dict[tuple[str, float | None, str, str, str | None], Judge | LayoutcheckError] = {}


class LayoutCheck:
    """The ``layoutcheck`` fixture: screenshot assertions for one test.

    Each name may be used once per test; baselines live at
    ``<baseline_dir>/<test module path>/<test name>/<name>.png``.
    """

    def __init__(self, item: pytest.Item, recorder: Recorder) -> None:
        self._item = item
        self._recorder = recorder
        self._names: set[str] = set()

    def check(
        self,
        page: Page,
        name: str,
        *,
        full_page: bool = True,
        selector: str | None = None,
        mask: Sequence[str] | str = (),
        hide: Sequence[str] | str = (),
        css: str = "",
        threshold: float | None = None,
        level: str | None = None,
        timeout_ms: int = 30_000,
    ) -> PairResult:
        """Take a stable screenshot of a loaded Playwright page and compare it with its baseline.

        Args:
            page: a Playwright sync-API page (pytest-playwright's ``page``, or ``layoutcheck_page``).
            name: the screenshot's name, unique within the test (letters, digits, ``._@+=-``).
            full_page: the whole scrollable page instead of the viewport.
            selector: shoot only the first element matching this CSS selector.
            mask: CSS selectors painted a flat colour (dynamic content).
            hide: CSS selectors made invisible (``visibility: hidden``, layout kept).
            css: extra CSS injected before the screenshot.
            threshold: the judge threshold for this check (default: the run's).
            level: the unet judge's level for this check, ``"strict"`` or ``"layout"`` (default:
                the run's); at ``layout`` real changes are reported, not failed.
            timeout_ms: time limit of each screenshot.

        Returns:
            The pair's result (pass, or new when a baseline was written).
        """
        __tracebackhide__ = True
        try:
            name = self._claim(name)
            options = ShotOptions(
                selector=selector,
                full_page=full_page,
                mask=_selectors(mask),
                hide=_selectors(hide),
                css=css,
                timeout_ms=timeout_ms,
            )
            return self._judge(name, shoot(page, name, options), threshold, level)
        except LayoutcheckError as exc:
            error = exc
        _fail(f"layoutcheck: {name!r}: {error}")  # outside the except: no chained traceback

    def check_image(
        self, image: Any, name: str, *, threshold: float | None = None, level: str | None = None
    ) -> PairResult:
        """Compare an image made any other way with its baseline.

        Args:
            image: a file path, a Pillow image, an ``(H, W, 3|4)`` ``uint8`` array, or PNG bytes.
            name: the screenshot's name, unique within the test.
            threshold: the judge threshold for this check (default: the run's).
            level: the unet judge's level for this check, ``"strict"`` or ``"layout"`` (default:
                the run's); at ``layout`` real changes are reported, not failed.

        Returns:
            The pair's result (pass, or new when a baseline was written).
        """
        __tracebackhide__ = True
        try:
            name = self._claim(name)
            return self._judge(name, image_candidate(image), threshold, level)
        except LayoutcheckError as exc:
            error = exc
        _fail(f"layoutcheck: {name!r}: {error}")

    # -- the steps ---------------------------------------------------------------------------

    def _claim(self, name: str) -> str:
        if not isinstance(name, str):
            raise InputError(f"the name must be a string, got {type(name).__name__}")
        stem = name[:-4] if name.lower().endswith(".png") else name
        if not _NAME.fullmatch(stem):
            raise InputError(
                "a screenshot name is 1-120 letters, digits and . _ @ + = - (starting with a letter "
                "or digit), so that it is a safe file name"
            )
        if stem in self._names:
            raise InputError(
                f"this test already checked a screenshot named {stem!r}; give each check in a test its own name"
            )
        self._names.add(stem)
        return stem

    def _judge(self, name: str, cand: Candidate, threshold: float | None, level: str | None) -> PairResult:
        __tracebackhide__ = True
        s = self._recorder.settings
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold must be a number in [0, 1], got {threshold}")
        if level is not None and level not in LEVELS:
            raise InputError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        if level not in (None, "strict") and s.method == "pixel":
            # stacklevel 3: the test's line (_judge <- check/check_image <- the test)
            warnings.warn(pixel_level_message(str(level), "this check's level="), UserWarning, stacklevel=3)
        baseline = s.baseline_dir / _test_dir(self._item, Path(self._item.config.rootpath)) / f"{name}.png"
        folder_rel = self._recorder.next_folder()
        folder = s.stage / folder_rel
        folder.mkdir(parents=True, exist_ok=True)
        cand_path = folder / "candidate.png"
        cand_path.write_bytes(cand.png)
        if cand.sidecar is not None:
            write_sidecar(sidecar_path(cand_path), cand.sidecar)  # lets compare name the elements
        pair = PairResult(
            name=f"{self._item.nodeid}::{name}",
            verdict=Verdict.NEW,
            reference=str(baseline),
            candidate=str(s.report_dir / folder_rel / "candidate.png"),
            candidate_size=cand.size,
            method=s.method,
            level=s.judged_level(level),
            images=PairImages(candidate=f"{folder_rel}/candidate.png"),
        )

        if not baseline.exists():
            if s.update or s.missing == "create":
                _write_baseline(baseline, cand)
                return self._record(pair, baseline=WRITTEN)
            self._record(pair)
            _fail(self._missing_message(name, baseline, pair))

        try:
            judge = _judge_for(s, threshold, level)
            result, arrays = compare_pair(pair.name, baseline, cand_path, judge)
        except ImageError as exc:
            if s.update:
                _write_baseline(baseline, cand)
                return self._record(pair, baseline=WRITTEN)
            reason = "the baseline cannot be used: " + str(exc).replace(str(baseline), self._show(baseline))
            self._record(replace(pair, verdict=Verdict.ERROR, error=reason))
            hint = f"replace it: pytest --layoutcheck-update '{self._item.nodeid}'"
            raise ImageError(f"{reason}\n  {hint}") from exc
        except LayoutcheckError:
            if s.update:  # refreshing baselines needs no judge
                _write_baseline(baseline, cand)
                return self._record(pair, baseline=WRITTEN)
            raise

        # A change the layout level reports is real, not noise: updating accepts it too, so the
        # next run compares against what the page now is.
        if s.update and (result.verdict is Verdict.FAIL or result.changes):
            _write_baseline(baseline, cand)
            return self._record(pair, baseline=WRITTEN)
        result = replace(
            result,
            reference=pair.reference,
            candidate=pair.candidate,
            images=_write_images(folder, folder_rel, arrays, baseline),
        )
        self._record(result)
        if result.verdict is Verdict.FAIL:
            _fail(self._diff_message(name, baseline, result, judge))
        return result

    def _record(self, pair: PairResult, baseline: str | None = None) -> PairResult:
        self._recorder.record(pair, self._item.nodeid, baseline)
        props = [
            ("layoutcheck_name", pair.name),
            ("layoutcheck_verdict", pair.verdict.value),
            ("layoutcheck_regions", str(len(pair.regions))),
            ("layoutcheck_changes", str(len(pair.changes))),
            ("layoutcheck_report", self._report_link(pair)),
        ]
        if baseline:
            props.append(("layoutcheck_baseline", baseline))
        self._item.user_properties.extend(props)
        return pair

    # -- messages ----------------------------------------------------------------------------

    def _report_link(self, pair: PairResult) -> str:
        return f"{self._show(self._recorder.settings.report_dir / INDEX_NAME)}#{report_anchor(pair.name)}"

    def _show(self, path: Path | str) -> str:
        """A path as short as it can be: relative to where pytest was started when inside it."""
        path = Path(path)
        try:
            return str(path.relative_to(self._recorder.settings.invocation_dir))
        except ValueError:
            return str(path)

    def _footer(self, baseline: Path, pair: PairResult) -> list[str]:
        return [
            f"  baseline:  {self._show(baseline)}",
            f"  candidate: {self._show(pair.candidate or '')}",
            f"  report:    {self._report_link(pair)}  (written when the run ends)",
        ]

    def _missing_message(self, name: str, baseline: Path, pair: PairResult) -> str:
        return "\n".join(
            [f"layoutcheck: {name!r} has no baseline yet"]
            + self._footer(baseline, pair)
            + [
                f"  create it: pytest --layoutcheck-update '{self._item.nodeid}'",
                "  (or run with --layoutcheck-missing=create to write missing baselines and pass)",
            ]
        )

    def _diff_message(self, name: str, baseline: Path, pair: PairResult, judge: Judge) -> str:
        regions = pair.regions
        level = getattr(judge, "level", None)  # the unet judge's; the pixel judge has none
        judged = f"{judge.method} judge" + (f", level {level}" if level else "") + f", threshold {judge.threshold:g}"
        head = (
            f"layoutcheck: {name!r} differs from its baseline: {len(regions)} region(s), "
            f"{pair.diff_pixels:,} pixel(s) differ [{judged}]"
        )
        if pair.reference_size != pair.candidate_size:
            head += f"; size {_size(pair.reference_size)} -> {_size(pair.candidate_size)}"
        if pair.changes:
            head += f"; {len(pair.changes)} change(s), not failing"
        lines = [head] + [f"  {i}. {r.describe()}" for i, r in enumerate(regions[:_REGIONS_SHOWN], start=1)]
        if len(regions) > _REGIONS_SHOWN:
            lines.append(f"  … {len(regions) - _REGIONS_SHOWN} more in the report")
        return "\n".join(
            lines
            + self._footer(baseline, pair)
            + [f"  accept the change: pytest --layoutcheck-update '{self._item.nodeid}'"]
            + [f"  label this: layoutcheck label --add {shlex.quote(self._show(self._recorder.settings.report_dir))} "
               f"{shlex.quote(pair.name)} --to labels  (after the run)"]
        )


def _fail(message: str) -> NoReturn:
    __tracebackhide__ = True
    pytest.fail(message, pytrace=False)


def _size(size: tuple[int, int] | None) -> str:
    return f"{size[0]}x{size[1]}" if size else "?"


def _selectors(value: Sequence[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _test_dir(item: pytest.Item, rootpath: Path) -> Path:
    """``<test module path without .py>/<test name incl. param id>``, every part a safe file name."""
    try:
        module = item.path.relative_to(rootpath).with_suffix("")
    except ValueError:  # a test file outside the rootdir
        module = Path(item.path.stem)
    parts = item.nodeid.split("::")[1:] or [item.name]
    return module.joinpath(*(_safe(p) for p in parts))


def _safe(part: str) -> str:
    """A readable file name for a test name; a hash keeps names apart that cleaning made equal."""
    cleaned = _UNSAFE.sub("_", part)
    if cleaned.startswith("."):
        cleaned = "_" + cleaned
    if cleaned == part and len(part) <= 100:
        return part
    return f"{cleaned[:80]}-{hashlib.sha1(part.encode('utf-8')).hexdigest()[:8]}"


def _judge_for(settings: Settings, threshold: float | None, level: str | None) -> Judge:
    t = threshold if threshold is not None else settings.threshold
    lv = level if level is not None else settings.level
    if settings.method == "pixel":
        lv = "strict"  # the pixel judge has no levels (warned about at configure time or per check)
    # The model variable is part of the key: the same process may see it change (pytester runs).
    key = (settings.method, t, lv, settings.device, settings.runtime, os.environ.get(MODEL_ENV_VAR))
    if key not in _JUDGES:
        try:
            kwargs: dict[str, Any] = (
                {"level": lv, "device": settings.device, "runtime": settings.runtime} if settings.method == "unet" else {}
            )
            _JUDGES[key] = get_judge(settings.method, t, **kwargs)
        except LayoutcheckError as exc:
            _JUDGES[key] = exc
    judge = _JUDGES[key]
    if isinstance(judge, LayoutcheckError):
        # A fresh exception each time (no traceback piling up across tests); get_judge's
        # messages name the CLI's flags, so point at the plugin's instead.
        raise type(judge)(str(judge).replace("--method", "--layoutcheck-method"))
    return judge


def _write_baseline(baseline: Path, cand: Candidate) -> None:
    """Sidecar first, then the PNG, each atomically (a crash never leaves a half-written file)."""
    side = sidecar_path(baseline)
    if cand.sidecar is not None:
        write_sidecar(side, cand.sidecar)
    else:
        side.unlink(missing_ok=True)  # boxes of an older page shot would describe the wrong image
    atomic_write_bytes(baseline, cand.png)


def _write_images(folder: Path, folder_rel: str, arrays: dict[str, np.ndarray], baseline: Path) -> PairImages:
    """The reference and diff beside the candidate, for the report (the baseline PNG is copied)."""
    written = {"candidate": f"{folder_rel}/candidate.png"}
    if "reference" in arrays:
        shutil.copyfile(baseline, folder / "reference.png")
        written["reference"] = f"{folder_rel}/reference.png"
    if "diff" in arrays:
        (folder / "diff.png").write_bytes(encode_png(arrays["diff"]))
        written["diff"] = f"{folder_rel}/diff.png"
    return PairImages(**written)
