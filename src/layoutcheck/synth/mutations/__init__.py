"""Defects, changes and benign browser differences made in a real page, with their masks.

:func:`mutate` takes a loaded page in its reference state and one mutation name, applies the
mutation as recorded DOM/CSS edits, shoots the candidate with the reference's options, computes the
mask by the rule of docs/dataset.md (see :mod:`.masks`) and undoes the edits, so one page serves
many mutations without a reload.

Layout: planners propose edits from a scan of the page (``layout``, ``visibility``,
``typography``, ``styles`` for defects; ``changes``; ``benign``), ``session`` drives the page
through ``synth/js/mutations.js``, ``masks`` turns boxes and pixels into the label.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from layoutcheck.synth.mutations import benign, changes, layout, masks, styles, typography, visibility
from layoutcheck.synth.mutations.benign import launch_alt_chromium
from layoutcheck.synth.mutations.planning import Planner
from layoutcheck.synth.mutations.session import Session

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from layoutcheck.capture import ShotOptions

__all__ = ["BROWSER_BENIGN_KINDS", "CHANGE_KINDS", "DEFECT_KINDS", "MutatedShot", "launch_alt_chromium", "mutate"]

#: Defect name -> mask class (docs/dataset.md).
DEFECT_KINDS: dict[str, int] = {
    "overlap": 2, "overflow": 3, "viewport-overflow": 4, "clipping": 5, "wrap": 6, "misalignment": 7, "missing": 8,
    "broken-image": 9, "occlusion": 10, "text-overlap": 11, "font-fallback": 12, "style-mutation": 13,
}
#: Changes that break nothing (mask class 1).
CHANGE_KINDS: tuple[str, ...] = ("digits", "copy-edit", "colour", "icon-swap", "image-swap")
#: Differences the browser makes on its own (mask all 0).
BROWSER_BENIGN_KINDS: tuple[str, ...] = ("subpixel-translate", "caret", "hinting", "animation-frame")

CHANGE_CLASS = 1

#: Plans tried (each one applied, checked and undone without a screenshot) before giving up.
MAX_TRIES = 12

_PLANNERS: dict[str, Planner] = {
    "overlap": layout.overlap, "overflow": layout.overflow, "viewport-overflow": layout.viewport_overflow,
    "clipping": layout.clipping, "wrap": layout.wrap, "misalignment": layout.misalignment,
    "missing": visibility.missing, "broken-image": visibility.broken_image, "occlusion": visibility.occlusion,
    "text-overlap": typography.text_overlap, "font-fallback": typography.font_fallback,
    "style-mutation": styles.style_mutation,
    "digits": changes.digits, "copy-edit": changes.copy_edit, "colour": changes.colour,
    "icon-swap": changes.icon_swap, "image-swap": changes.image_swap,
    "subpixel-translate": benign.subpixel_translate, "caret": benign.caret, "animation-frame": benign.animation_frame,
}


@dataclass(frozen=True)
class MutatedShot:
    """A candidate screenshot and its mask."""

    candidate: np.ndarray  # (H, W, 3) uint8, shot with the reference's options
    mask: np.ndarray  # (H, W) uint8 class values, the candidate's size
    kind: str  # "defect" | "change" | "benign"
    mutation: str  # a DEFECT_KINDS / CHANGE_KINDS / BROWSER_BENIGN_KINDS name
    boxes: tuple[tuple[int, int, int, int, int], ...]  # x, y, w, h, class of labelled regions
    params: dict[str, Any]  # what was done (JSON-serialisable)


def _kind(name: str) -> tuple[str, int]:
    if name in DEFECT_KINDS:
        return "defect", DEFECT_KINDS[name]
    if name in CHANGE_KINDS:
        return "change", CHANGE_CLASS
    if name in BROWSER_BENIGN_KINDS:
        return "benign", 0
    known = ", ".join([*DEFECT_KINDS, *CHANGE_KINDS, *BROWSER_BENIGN_KINDS])
    raise ValueError(f"unknown mutation {name!r}; expected one of {known}")


def mutate(page: Page, reference: np.ndarray, name: str, rng: random.Random, options: ShotOptions, *,
           alt_browser: Browser | None = None) -> MutatedShot | None:
    """Apply one mutation to a loaded page, shoot the candidate, label it and restore the page.

    Args:
        page: a loaded page in its reference state.
        reference: ``(H, W, 3)`` screenshot of that state, taken with ``options``.
        name: a key of :data:`DEFECT_KINDS`, or a member of :data:`CHANGE_KINDS` or
            :data:`BROWSER_BENIGN_KINDS`.
        rng: the only source of randomness: the same seed on the same page gives the same
            candidate and params.
        options: the options the reference was shot with.
        alt_browser: a second Chromium with other font rendering (see :func:`launch_alt_chromium`),
            used by "hinting" only.

    Returns:
        The shot, or ``None`` when the page has no element the mutation suits, the mutation made
        no visible difference, or ("hinting") there is no alternative browser or it laid the
        page out differently.

    Raises:
        ValueError: unknown ``name``.
    """
    kind, value = _kind(name)
    if name == "hinting":
        return _hinting(page, reference, options, alt_browser)
    session = Session.of(page)
    scan = session.scan
    if scan is None:  # pragma: no cover - Session.of always scans
        return None
    ref_origin = session.origin(options, 0.0) if options.selector else None  # element shots: before any edit
    for tried, plan in enumerate(islice(_PLANNERS[name](scan, rng), MAX_TRIES), start=1):
        geometry = session.apply(plan)
        if plan.check is None or plan.check(geometry):
            break
        session.revert()
    else:
        return None
    origin_before = ref_origin or session.origin(options, geometry.ox_before)
    try:
        candidate = session.shoot(options, caret=name == "caret")
        if name == "caret" and not masks.any_difference(reference, candidate):
            candidate = session.shoot(options, caret=True)  # the shot caught the caret blinking off
        after, collided, ox_after = session.finish(0.5 * scan.screen_area)
        origin_after = session.origin(options, ox_after)
    finally:
        session.revert()
    params = {**plan.params, "tries": tried}
    if plan.subjects:
        params["selector"] = session.selector(plan.subjects[0])
    if kind == "benign":
        if not masks.any_difference(reference, candidate):
            return None
        return MutatedShot(candidate, np.zeros(candidate.shape[:2], np.uint8), kind, name, (), params)

    shape = candidate.shape[:2]
    before = [m.ext for m in geometry.before.values() if m is not None]
    boxes = [masks.to_pixels(b, session.scale, origin_before, shape) for b in before]
    if not plan.whole_box:
        boxes += [masks.to_pixels(b, session.scale, origin_after, shape) for b in after + collided]
    pixel_boxes = [b for b in boxes if b is not None]
    mask = masks.label(reference, candidate, pixel_boxes, value, whole=plan.whole_box)
    if plan.whole_box and not any(masks.differs(reference, candidate, b).any() for b in pixel_boxes):
        return None
    if not mask.any():
        return None
    return MutatedShot(candidate, mask, kind, name, masks.labelled_boxes(mask), params)


def _hinting(page: Page, reference: np.ndarray, options: ShotOptions,
             alt_browser: Browser | None) -> MutatedShot | None:
    if alt_browser is None:
        return None
    made = benign.hinting_candidate(page, options, alt_browser)
    if made is None:
        return None
    candidate, params = made
    if candidate.shape != reference.shape or not masks.any_difference(reference, candidate):
        return None
    return MutatedShot(candidate, np.zeros(candidate.shape[:2], np.uint8), "benign", "hinting", (), params)
