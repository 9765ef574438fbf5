"""Compare screenshots: two images or two folders, one judge, one typed result (and a report).

Folders are matched by relative path; a candidate without a reference is ``new``, a reference
without a candidate ``deleted``. Images of different sizes are judged over their common area and
the extra band becomes a region of kind ``size``, except where the judge aligns rows (the U-Net
judge's ``align``): images of one width and different heights are then judged whole, and a shift
is a region where it starts (kind ``shift``), named after the element that moved. In a folder run, a pair with an image that cannot
be read is recorded with the verdict ``error`` (the run fails, the other pairs are still judged and
the report shows it); two image files given directly raise the
:class:`~layoutcheck.errors.ImageError` instead, as there is nothing else to judge.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from layoutcheck.elements import ElementBox, element_moved, element_under, read_sidecar, sidecar_path
from layoutcheck.errors import ImageError, InputError
from layoutcheck.imageio import IMAGE_SUFFIXES, encode_png, load_image
from layoutcheck.judgement import Judge
from layoutcheck.regions import size_band_regions
from layoutcheck.results import PairImages, PairResult, Region, RunResult, Verdict

#: Colour of the size band in the diff overlay (RGBA).
_BAND_RGBA = (255, 140, 0, 110)


def find_pairs(
    reference: Path, candidate: Path, *, skip: Path | None = None
) -> list[tuple[str, Path | None, Path | None]]:
    """Match two images, or the images of two folders by relative path.

    ``skip``: a folder whose images are not inputs, such as a report folder inside a compared one.

    Returns:
        ``(name, reference_path | None, candidate_path | None)`` sorted by name.

    Raises:
        InputError: a path is missing, or one is a file and the other a folder.
    """
    for path in (reference, candidate):
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
    if reference.is_dir() != candidate.is_dir():
        raise InputError(
            f"{reference} and {candidate}: give two image files or two folders, not one of each"
        )
    if not reference.is_dir():
        return [(candidate.name, reference, candidate)]
    refs, cands = _images_in(reference, skip), _images_in(candidate, skip)
    return [(name, refs.get(name), cands.get(name)) for name in sorted(set(refs) | set(cands))]


def _images_in(folder: Path, skip: Path | None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    skipped = skip.resolve() if skip is not None else None
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue  # hidden files and our own staging folders
        if skipped is not None and path.resolve().is_relative_to(skipped):
            continue  # the report's own images, when it is written inside a compared folder
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            found[rel.as_posix()] = path
    return found


def compare_pair(
    name: str, reference: Path | None, candidate: Path | None, judge: Judge
) -> tuple[PairResult, dict[str, np.ndarray]]:
    """Judge one pair; returns the result and the arrays a report shows (reference, candidate, diff).

    Raises:
        ImageError: an image of the pair cannot be read (the message names it).
    """
    start = time.perf_counter()
    ref = load_image(reference) if reference else None
    cand = load_image(candidate) if candidate else None
    arrays: dict[str, np.ndarray] = {}
    if ref is not None:
        arrays["reference"] = ref
    if cand is not None:
        arrays["candidate"] = cand
    if ref is None or cand is None:
        verdict = Verdict.NEW if ref is None else Verdict.DELETED
        return (
            PairResult(
                name=name,
                verdict=verdict,
                reference=str(reference) if reference else None,
                candidate=str(candidate) if candidate else None,
                reference_size=_size(ref),
                candidate_size=_size(cand),
                method=judge.method,
                level=judge_level(judge),
                duration_ms=(time.perf_counter() - start) * 1000,
            ),
            arrays,
        )
    h, w = min(ref.shape[0], cand.shape[0]), min(ref.shape[1], cand.shape[1])
    whole = ref.shape[1] == cand.shape[1] and getattr(judge, "align", False) is True  # heights aligned by the judge
    if whole:
        h = cand.shape[0]
        judgement = judge.judge(ref, cand)
    else:
        judgement = judge.judge(ref[:h, :w], cand[:h, :w])
    regions = list(judgement.regions)
    bands = [] if whole else size_band_regions(_size(ref), _size(cand))  # type: ignore[arg-type]
    regions += bands
    if judgement.overlay is not None or bands:
        arrays["diff"] = _overlay(judgement.overlay, (h, w), cand.shape[:2])
    elements = _element_boxes(candidate) if regions or judgement.changes else None
    regions = _name_elements(regions, elements)
    changes = _name_elements(list(judgement.changes), elements)
    verdict = Verdict.FAIL if regions else Verdict.PASS  # changes are reported, never failing
    return (
        PairResult(
            name=name,
            verdict=verdict,
            regions=tuple(regions),
            changes=tuple(changes),
            reference=str(reference),
            candidate=str(candidate),
            reference_size=_size(ref),
            candidate_size=_size(cand),
            diff_pixels=judgement.diff_pixels,
            method=judge.method,
            level=judge_level(judge),
            threshold=judge.threshold,
            duration_ms=(time.perf_counter() - start) * 1000,
        ),
        arrays,
    )


def compare_paths(
    reference: Path,
    candidate: Path,
    judge: Judge,
    *,
    out_dir: Path | None = None,
    on_pair: Callable[[PairResult, int, int], None] | None = None,
) -> RunResult:
    """Compare two images or two folders, and write the HTML report to ``out_dir`` if given.

    ``on_pair`` is called after each pair with its result, the pairs done and the pairs in all.

    The report folder is built aside and put in place only when every pair was compared, so a
    failure never leaves a partial report (an older report at ``out_dir`` stays as it was). It
    replaces ``out_dir`` whole, so ``out_dir`` must be absent, empty or an older report.
    In a folder run an unreadable image makes its pair's verdict ``error``, not the run's end.

    Raises:
        InputError: bad paths, or ``out_dir`` holds other files; ImageError: one of two image files
            given directly is unreadable.
    """
    pairs = find_pairs(reference, candidate, skip=out_dir)
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    keep_going = reference.is_dir()  # two files: an unreadable one is the whole run's error
    if out_dir is None:
        results = []
        for name, ref, cand in pairs:
            result, _ = _compare_or_record(name, ref, cand, judge, keep_going)
            results.append(result)
            if on_pair:
                on_pair(result, len(results), len(pairs))
        return _run(results, judge, created)

    from layoutcheck.report import staged_report, write_report

    with staged_report(out_dir) as stage:  # refuses a folder that is not a report, before any work
        results = []
        for index, (name, ref, cand) in enumerate(pairs):
            result, arrays = _compare_or_record(name, ref, cand, judge, keep_going)
            images = _write_pair_images(stage, f"pairs/{index:04d}", arrays, ref, cand)
            result = dataclasses.replace(result, images=images)
            results.append(result)
            if on_pair:
                on_pair(result, len(results), len(pairs))
        run = _run(results, judge, created)
        write_report(run, stage)
    return run


def _compare_or_record(
    name: str, reference: Path | None, candidate: Path | None, judge: Judge, keep_going: bool
) -> tuple[PairResult, dict[str, np.ndarray]]:
    """:func:`compare_pair`, or, with ``keep_going``, an ``error`` result for an unreadable image.

    The error result keeps whichever image of the pair can be read, for the report to show.
    """
    start = time.perf_counter()
    try:
        return compare_pair(name, reference, candidate, judge)
    except ImageError as exc:
        if not keep_going:
            raise
        error = str(exc)
    arrays: dict[str, np.ndarray] = {}
    for role, path in (("reference", reference), ("candidate", candidate)):
        if path is not None:
            try:
                arrays[role] = load_image(path)
            except ImageError:
                pass  # the unreadable one (or both): the error names the first
    result = PairResult(
        name=name,
        verdict=Verdict.ERROR,
        reference=str(reference) if reference else None,
        candidate=str(candidate) if candidate else None,
        reference_size=_size(arrays.get("reference")),
        candidate_size=_size(arrays.get("candidate")),
        method=judge.method,
        level=judge_level(judge),
        error=error,
        duration_ms=(time.perf_counter() - start) * 1000,
    )
    return result, arrays


def judge_level(judge: Judge) -> str | None:
    """The judge's check level (the U-Net's ``"strict"`` or ``"layout"``); ``None`` for a judge without levels."""
    level = getattr(judge, "level", None)  # not part of the Judge protocol: the pixel judge has none
    return None if level is None else str(level)


def _run(results: list[PairResult], judge: Judge, created: str) -> RunResult:
    return RunResult(
        pairs=tuple(results), method=judge.method, threshold=judge.threshold, created=created, level=judge_level(judge)
    )


def _write_pair_images(
    stage: Path, folder: str, arrays: dict[str, np.ndarray], ref: Path | None, cand: Path | None
) -> PairImages:
    (stage / folder).mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    sources = {"reference": ref, "candidate": cand}
    for key, array in arrays.items():
        rel = f"{folder}/{key}.png"
        src = sources.get(key)
        if src is not None and src.suffix.lower() == ".png":
            (stage / rel).write_bytes(src.read_bytes())  # already a PNG: copy, don't re-encode
        else:
            (stage / rel).write_bytes(encode_png(array))
        written[key] = rel
    return PairImages(**written)


def _overlay(overlay: np.ndarray | None, common: tuple[int, int], cand_shape: tuple[int, ...]) -> np.ndarray:
    """The judge's overlay padded to the candidate's size, the size band tinted."""
    h, w = int(cand_shape[0]), int(cand_shape[1])
    out = np.zeros((h, w, 4), dtype=np.uint8)  # (H, W, 4)
    out[:, :] = _BAND_RGBA
    out[: common[0], : common[1]] = 0
    if overlay is not None:
        out[: common[0], : common[1]] = overlay
    return out


def _element_boxes(candidate: Path | None) -> tuple[ElementBox, ...] | None:
    """The element boxes of the candidate's sidecar, None when it has none (or a bad one)."""
    if candidate is None:
        return None
    path = sidecar_path(candidate)
    if not path.is_file():
        return None
    try:
        return read_sidecar(path).elements
    except InputError as exc:
        warnings.warn(f"ignoring element boxes: {exc}", stacklevel=3)
        return None


def _name_elements(regions: list[Region], elements: tuple[ElementBox, ...] | None) -> list[Region]:
    """Attach the DOM element under each region, when the candidate's element boxes are known."""
    if not elements:
        return regions
    named = []
    for r in regions:
        box = (r.x, r.y, r.w, r.h)
        el = (element_moved(elements, box) if r.kind == "shift" else None) or element_under(elements, box)
        named.append(dataclasses.replace(r, element=el.selector if el else None))
    return named


def _size(array: np.ndarray | None) -> tuple[int, int] | None:
    return None if array is None else (int(array.shape[1]), int(array.shape[0]))
