"""Drive one loaded page: install the page-side helper, scan once, apply a plan, shoot, undo.

A :class:`Plan` is what a planner proposes: a list of page-side edits (``ops``), the elements whose
boxes bound the mask (``subjects``), a description (``params``) and a geometric ``check`` run right
after the edits, before any screenshot, so that a plan that did not produce its defect is undone
and the next one tried without paying for a screenshot.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from layoutcheck.capture import STABILISE_CSS, ShotOptions, snapshot
from layoutcheck.elements import with_selector_path
from layoutcheck.imageio import decode_image
from layoutcheck.synth.mutations.scan import Box, Scan, as_box

if TYPE_CHECKING:
    from playwright.sync_api import Page

_JS = with_selector_path(
    resources.files("layoutcheck.synth").joinpath("js/mutations.js").read_text(encoding="utf-8")
)

# Settling for the caret shot: the same as capture's, without blurring the focused input; setting
# the selection again restarts the caret's blink cycle, so the caret is drawn when the shot is taken.
_SETTLE_KEEP_FOCUS_JS = """
async () => {
  if (document.fonts && document.fonts.ready) await document.fonts.ready;
  window.scrollTo(0, 0);
  await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
  const el = document.activeElement;
  if (el && el.setSelectionRange) {
    try { el.setSelectionRange(el.selectionStart, el.selectionEnd); } catch (e) { /* no selection API */ }
  }
}
"""

Op = dict[str, Any]


def css(i: int, prop: str, val: str) -> Op:
    """Set an inline style property (``!important``, so author rules cannot win)."""
    return {"k": "css", "i": i, "prop": prop, "val": val}


def attr(i: int, name: str, val: str | None) -> Op:
    """Set (or remove, with ``None``) an attribute."""
    return {"k": "attr", "i": i, "name": name, "val": val}


def text(t: int, val: str) -> Op:
    """Replace the data of text node ``t``."""
    return {"k": "text", "t": t, "val": val}


def html(i: int, val: str) -> Op:
    """Replace the children of an element (parsed in its namespace: SVG children for an ``<svg>``)."""
    return {"k": "html", "i": i, "val": val}


def swap(i: int, val: str) -> Op:
    """Replace an element by the element in ``val``; later ops and measures on ``i`` use the new one."""
    return {"k": "swap", "i": i, "val": val}


def focus(i: int, pos: int) -> Op:
    """Focus an input and put the caret at ``pos``."""
    return {"k": "focus", "i": i, "pos": pos}


@dataclass(frozen=True)
class Measure:
    """One subject's geometry: visual extent, border box, scroll and client sizes."""

    ext: Box
    rect: Box
    inner: Box | None  # union of the contents' boxes (text and descendants), clipped or not
    sw: float
    sh: float
    cw: float
    ch: float


@dataclass(frozen=True)
class Geometry:
    """Subjects before and after the edits, and the document's size after them."""

    before: dict[int, Measure | None]
    after: dict[int, Measure | None]
    dw: float
    dh: float
    vw: float
    ox_before: float = 0.0  # document x of a full-page screenshot's left edge (see mutations.js)
    ox_after: float = 0.0

    def moved(self, i: int) -> float:
        """Largest change of a border-box edge of subject ``i`` (px); inf if it appeared or vanished."""
        a, b = self.before.get(i), self.after.get(i)
        if a is None or b is None:
            return float("inf")
        x0, y0, w0, h0 = a.rect
        x1, y1, w1, h1 = b.rect
        return max(abs(x1 - x0), abs(y1 - y0), abs(x1 + w1 - x0 - w0), abs(y1 + h1 - y0 - h0))


@dataclass
class Plan:
    """One proposed mutation (see the module docstring)."""

    ops: list[Op]
    subjects: list[int]
    params: dict[str, Any]
    check: Callable[[Geometry], bool] | None = None
    whole_box: bool = False  # "missing": the mask is the subjects' former boxes, whole


def _measure(raw: dict[str, Any] | None) -> Measure | None:
    if not raw:
        return None
    inner = as_box(raw["in"]) if raw.get("in") else None
    return Measure(as_box(raw["ext"]), as_box(raw["r"]), inner, float(raw["sw"]), float(raw["sh"]), float(raw["cw"]),
                   float(raw["ch"]))


def _geometry(raw: dict[str, Any]) -> Geometry:
    before = {int(k): _measure(v) for k, v in raw["before"]["sub"].items()}
    after = {int(k): _measure(v) for k, v in raw["after"]["sub"].items()}
    a = raw["after"]
    return Geometry(before, after, float(a["dw"]), float(a["dh"]), float(a["vw"]),
                    float(raw["before"].get("ox", 0.0)), float(a.get("ox", 0.0)))


class Session:
    """The mutation helper attached to one Playwright page (cached per page and document)."""

    _cache: weakref.WeakKeyDictionary[Any, Session] = weakref.WeakKeyDictionary()

    def __init__(self, page: Page) -> None:
        self.page = page
        self.token = ""
        self.scan: Scan | None = None
        self.scale = 1.0

    @classmethod
    def of(cls, page: Page) -> Session:
        """The session of ``page``, (re)scanned when the page holds a new document."""
        session = cls._cache.get(page)
        if session is None:
            session = cls._cache[page] = cls(page)
        token = page.evaluate("() => window.__lcMut ? window.__lcMut.token : null") or str(page.evaluate(_JS))
        if token != session.token or session.scan is None:
            session.scan = Scan(page.evaluate("() => window.__lcMut.scan()"))
            session.token = token
            session.scale = float(page.evaluate("() => window.devicePixelRatio") or 1.0)
        return session

    def apply(self, plan: Plan) -> Geometry:
        """Apply the plan's edits (measuring its subjects before and after); undone again on failure."""
        try:
            raw = self.page.evaluate("([ops, subs]) => window.__lcMut.apply(ops, subs)", [plan.ops, plan.subjects])
        except Exception:
            with contextlib.suppress(Exception):  # leave the page as it was, then report the first error
                self.revert()
            raise
        return _geometry(raw)

    def selector(self, i: int) -> str:
        """A CSS selector path of scan element ``i`` (as in the element-box sidecars)."""
        return str(self.page.evaluate("(i) => window.__lcMut.path(i)", i))

    def revert(self) -> None:
        """Undo every edit and remove the style tags added by shots since :meth:`apply`."""
        self.page.evaluate("() => window.__lcMut.revert()")

    def shoot(self, options: ShotOptions, *, caret: bool = False) -> np.ndarray:
        """The candidate screenshot, taken with ``options`` (the caret left visible if asked)."""
        if not caret:
            return decode_image(snapshot(self.page, options).png)
        return decode_image(self._caret_shot(options))

    def finish(self, max_area: float) -> tuple[list[Box], list[Box], float]:
        """Extents of the subjects now, boxes of the elements they newly collide with, origin x.

        Colliding elements are those that did not move, are neither ancestors nor descendants of
        a subject, are at most ``max_area`` px² large and intersect a subject more than before.
        The origin is the document x of a full-page screenshot's left edge.
        """
        raw = self.page.evaluate("(area) => window.__lcMut.finish(area)", max_area)
        after = [_measure(v) for v in raw["after"]["sub"].values()]
        return ([m.ext for m in after if m is not None], [as_box(b) for b in raw["collided"]],
                float(raw["after"].get("ox", 0.0)))

    def origin(self, options: ShotOptions, full_page_x: float) -> tuple[float, float]:
        """Document position (CSS px) of the screenshot's top-left pixel."""
        if not options.selector:
            return (full_page_x if options.full_page else 0.0), 0.0
        box = self.page.locator(options.selector).first.bounding_box()
        if box is None:
            return 0.0, 0.0
        sx, sy = self.page.evaluate("() => [window.scrollX, window.scrollY]")
        return box["x"] + sx, box["y"] + sy

    def _caret_shot(self, options: ShotOptions) -> bytes:
        """Like :func:`~layoutcheck.capture.snapshot`, but the focused input keeps its caret.

        ``snapshot`` blurs the focused element and hides the caret (that is its job), so the one
        benign kind that shows a caret shoots here: the same stabilising CSS and screenshot
        options, focus kept, ``caret="initial"``.
        """
        style = "\n".join(s for s in (STABILISE_CSS, options.css) if s)
        style += "".join(f"\n{sel} {{ visibility: hidden !important; }}" for sel in options.hide)
        self.page.add_style_tag(content=style)
        self.page.evaluate(_SETTLE_KEEP_FOCUS_JS)
        target: Any = self.page.locator(options.selector).first if options.selector else self.page
        kwargs: dict[str, Any] = {
            "animations": "disabled", "caret": "initial", "scale": "device", "timeout": options.timeout_ms,
            "mask": [self.page.locator(s) for s in options.mask], "mask_color": options.mask_color,
        }
        if not options.selector:
            kwargs["full_page"] = options.full_page
        # One shot: the caret blinks, so consecutive shots need not agree (mutate retries a shot
        # that caught the caret off).
        return bytes(target.screenshot(**kwargs))
