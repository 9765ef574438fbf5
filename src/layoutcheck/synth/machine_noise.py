"""The benign differences real CI machines make: other Chromium flags, other font stacks, page CSS.

Each kind renders the *unchanged* page a second time the way another machine would and is a
benign pair (mask all 0):

* ``flag:*``: a second Chromium launched with one more flag (``--disable-font-subpixel-positioning``,
  ``--disable-lcd-text``, ``--disable-skia-runtime-opts``).
* ``fontstack:*``: a second Chromium under another fontconfig configuration: a ``FONTCONFIG_FILE``
  in a temporary folder that includes the system one and changes hinting, anti-aliasing or the
  sub-pixel order, or aliases a family name (``sans-serif``, ``Arial``, ``serif``...) to another
  installed font. Text may re-wrap: the largest box displacement is recorded
  (``params.layout_moved_px``) and the pair keeps ``params.noise_family: "font-stack"`` so that
  calibration and evaluation can treat font stacks apart. A font stack that moved a box by more
  than :data:`REFLOW_PX` re-flowed text (:func:`reflowed`): the generator labels it a change
  (class 1 where the screenshots differ), one that moved none is noise (docs/dataset.md states
  the rule and why).
* ``page-translate``: the whole page drawn 0.2–0.7 px right/down (``html{transform:...}``).
* ``taller``: a 1–2 px transparent top border on ``body`` (or ``html`` when the border stops a
  margin from collapsing): the page moves down and becomes 1–2 px taller, so reference and
  candidate heights differ.

A kind that changes no pixel on a page returns ``None`` (an identical pair teaches nothing), as
does a flag the installed Chromium ignores: the generator then tries another kind.
"""

from __future__ import annotations

import functools
import os
import random
import shutil
import subprocess
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from layoutcheck.capture import ShotOptions, snapshot
from layoutcheck.imageio import decode_image

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright


#: A font stack whose element boxes moved by more than this (CSS px) re-flowed its text.
REFLOW_PX = 2.0


def reflowed(params: dict[str, Any]) -> bool:
    """Whether a machine-noise pair's font stack re-flowed text (see the module docstring); a DOM
    that differed between the two browsers (``layout_moved_px`` -1) was not measured: no."""
    moved = params.get("layout_moved_px")
    return params.get("noise_family") == "font-stack" and moved is not None and moved > REFLOW_PX


@dataclass(frozen=True)
class BrowserVariant:
    """How the second browser of a kind differs from the reference one."""

    family: str  # "chromium-flag" | "font-stack"
    args: tuple[str, ...] = ()
    fontconfig: str = ""  # XML put inside <fontconfig> after the system configuration
    needs_font: str = ""  # a family that must be installed for the kind to mean anything


def _font_edit(**values: str) -> str:
    parts = []
    for name, value in values.items():
        tag = "bool" if value in ("true", "false") else "const"
        parts.append(f'<edit name="{name}" mode="assign"><{tag}>{value}</{tag}></edit>')
    return f'<match target="font">{"".join(parts)}</match>'


def _alias(families: tuple[str, ...], to: str) -> str:
    tests = "".join(
        f'<match target="pattern"><test name="family"><string>{f}</string></test>'
        f'<edit name="family" mode="prepend" binding="strong"><string>{to}</string></edit></match>'
        for f in families
    )
    return tests


_SANS = ("sans-serif", "system-ui", "-apple-system", "BlinkMacSystemFont", "Segoe UI", "Helvetica Neue", "Noto Sans",
         "Open Sans", "Roboto")

#: Kinds rendered in a second browser.
BROWSER_VARIANTS: dict[str, BrowserVariant] = {
    "flag:disable-font-subpixel-positioning": BrowserVariant("chromium-flag", ("--disable-font-subpixel-positioning",)),
    "flag:disable-lcd-text": BrowserVariant("chromium-flag", ("--disable-lcd-text",)),
    "flag:disable-skia-runtime-opts": BrowserVariant("chromium-flag", ("--disable-skia-runtime-opts",)),
    "fontstack:hintfull": BrowserVariant("font-stack", fontconfig=_font_edit(hinting="true", hintstyle="hintfull")),
    "fontstack:hintslight": BrowserVariant("font-stack", fontconfig=_font_edit(hinting="true", hintstyle="hintslight")),
    "fontstack:no-antialias": BrowserVariant("font-stack", fontconfig=_font_edit(antialias="false")),
    "fontstack:rgba-rgb": BrowserVariant("font-stack", fontconfig=_font_edit(rgba="rgb", lcdfilter="lcddefault")),
    "fontstack:rgba-bgr": BrowserVariant("font-stack", fontconfig=_font_edit(rgba="bgr", lcdfilter="lcdlight")),
    "fontstack:alias-sans": BrowserVariant("font-stack", fontconfig=_alias(_SANS, "DejaVu Sans"),
                                           needs_font="DejaVu Sans"),
    "fontstack:alias-arial": BrowserVariant("font-stack", fontconfig=_alias(("Arial", "Helvetica"), "FreeSans"),
                                            needs_font="FreeSans"),
    "fontstack:alias-serif": BrowserVariant(
        "font-stack", fontconfig=_alias(("serif", "Georgia", "Times New Roman", "Times"), "DejaVu Serif"),
        needs_font="DejaVu Serif"),
}
#: Kinds made by CSS in the reference browser.
CSS_KINDS: tuple[str, ...] = ("page-translate", "taller")
#: Every kind of this module, in a fixed order.
MACHINE_NOISE_KINDS: tuple[str, ...] = (*BROWSER_VARIANTS, *CSS_KINDS)

#: Browser context settings shared by the reference and every variant browser.
CONTEXT = {"reduced_motion": "reduce", "locale": "en-US", "timezone_id": "UTC", "color_scheme": "light"}
VIEWPORT_HEIGHT = 800

_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{base}</include>
  {edits}
</fontconfig>
"""

# Boxes of every element, CSS px.
_LAYOUT_JS = """() => Array.from(document.body ? document.body.querySelectorAll('*') : [], (el) => {
  const r = el.getBoundingClientRect();
  return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];
})"""
_STYLE_COUNT_JS = "() => document.querySelectorAll('style').length"
_DROP_STYLES_JS = "(n) => Array.from(document.querySelectorAll('style')).slice(n).forEach((s) => s.remove())"


@dataclass(frozen=True)
class Shot:
    """A benign candidate of one machine-noise kind."""

    candidate: np.ndarray  # (H', W', 3) uint8; H' may differ from the reference's height
    params: dict[str, Any]


Loader = Callable[["Page"], None]  # loads the page under test into a fresh page and lets it settle


def family_of(kind: str) -> str:
    """``chromium-flag``, ``font-stack`` or ``page-css``."""
    if kind in BROWSER_VARIANTS:
        return BROWSER_VARIANTS[kind].family
    if kind in CSS_KINDS:
        return "page-css"
    raise ValueError(f"unknown machine-noise kind {kind!r}; expected one of {', '.join(MACHINE_NOISE_KINDS)}")


@functools.cache
def _installed_families() -> frozenset[str]:
    exe = shutil.which("fc-list")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, ":", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


class VariantBrowsers:
    """The second browsers of the ``flag:*`` and ``fontstack:*`` kinds, launched on first use.

    At most ``keep`` stay open (least recently used closed first): a dozen idle Chromiums per
    worker would cost gigabytes.
    """

    def __init__(self, playwright: Playwright, keep: int = 3) -> None:
        self._pw = playwright
        self._keep = keep
        self._open: OrderedDict[str, Browser] = OrderedDict()
        self._dir = Path(tempfile.mkdtemp(prefix="layoutcheck-fontconfig-"))

    def get(self, kind: str) -> Browser | None:
        """The browser of ``kind``, or ``None`` when the kind cannot be made on this machine."""
        from layoutcheck.browser import launch_chromium

        variant = BROWSER_VARIANTS[kind]
        if variant.needs_font and variant.needs_font not in _installed_families():
            return None
        browser = self._open.pop(kind, None)
        if browser is None or not browser.is_connected():
            env = None
            if variant.fontconfig:
                conf = self._dir / f"{kind.replace(':', '-')}.conf"
                base = os.environ.get("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
                conf.write_text(_FONTCONFIG.format(base=base, edits=variant.fontconfig), encoding="utf-8")
                env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
            browser = launch_chromium(self._pw, extra_args=variant.args, env=env)
        self._open[kind] = browser
        while len(self._open) > self._keep:
            _, old = self._open.popitem(last=False)
            _close(old)
        return browser

    def close(self) -> None:
        while self._open:
            _close(self._open.popitem()[1])
        shutil.rmtree(self._dir, ignore_errors=True)


def _close(browser: Browser) -> None:
    try:
        browser.close()
    except Exception:  # noqa: BLE001 - best effort at shutdown
        pass


def make(kind: str, page: Page, reference: np.ndarray, options: ShotOptions, rng: random.Random, *,
         browsers: VariantBrowsers, load: Loader) -> Shot | None:
    """A benign candidate of ``kind`` for the loaded ``page`` whose screenshot is ``reference``.

    Args:
        kind: one of :data:`MACHINE_NOISE_KINDS`.
        page: the page in its reference state (left in it).
        reference: ``(H, W, 3)`` screenshot of ``page`` taken with ``options``.
        options: how the reference was shot; the candidate is shot the same way.
        rng: the only source of randomness of the CSS kinds.
        browsers: where the second browsers come from.
        load: loads the same page into a fresh page of a variant browser.

    Returns:
        The candidate and its params, or ``None`` when the kind is not available here or changed
        no pixel.
    """
    family = family_of(kind)
    params: dict[str, Any] = {"noise": kind, "noise_family": family}
    if family == "page-css":
        made = _css_shot(kind, page, reference, options, rng)
        if made is None:
            return None
        candidate, extra = made
        params.update(extra)
    else:
        browser = browsers.get(kind)
        if browser is None:
            return None
        candidate, moved = _variant_shot(browser, page, options, load)
        params.update({"browser_args": list(BROWSER_VARIANTS[kind].args), "layout_moved_px": moved})
    params["ref_height"] = int(reference.shape[0])
    if candidate.shape == reference.shape and not (candidate != reference).any():
        return None
    return Shot(candidate, params)


def _variant_shot(browser: Browser, page: Page, options: ShotOptions, load: Loader) -> tuple[np.ndarray, float]:
    """The page shot in ``browser``, and the largest box displacement against ``page`` (CSS px)."""
    vp = page.viewport_size or {"width": 1280, "height": VIEWPORT_HEIGHT}
    scale = float(page.evaluate("() => window.devicePixelRatio") or 1.0)
    context = browser.new_context(viewport=vp, device_scale_factor=scale, **CONTEXT)  # type: ignore[arg-type]
    try:
        other = context.new_page()
        load(other)
        shot = snapshot(other, options)
        ours, theirs = page.evaluate(_LAYOUT_JS), other.evaluate(_LAYOUT_JS)
    finally:
        context.close()
    if len(ours) != len(theirs):
        moved = -1.0  # the DOM differs (a script ran differently): recorded, not measured
    else:
        moved = max((abs(p - q) for a, b in zip(ours, theirs) for p, q in zip(a, b)), default=0.0)
    return decode_image(shot.png), round(float(moved), 2)


def _css_shot(kind: str, page: Page, reference: np.ndarray, options: ShotOptions,
              rng: random.Random) -> tuple[np.ndarray, dict[str, Any]] | None:
    if kind == "page-translate":
        dx, dy = rng.uniform(0.2, 0.7), rng.uniform(0.2, 0.7)
        if rng.random() < 0.3:
            dx, dy = (dx, 0.0) if rng.random() < 0.5 else (0.0, dy)
        css = f"html {{ transform: translate({dx:.2f}px, {dy:.2f}px) !important; }}"
        return _shoot_with(page, options, css), {"css": css}
    rows = rng.choice([1, 2])
    for target in ("body", "html"):
        css = f"{target} {{ border-top: {rows}px solid transparent !important; }}"
        candidate = _shoot_with(page, options, css)
        if candidate.shape[0] - reference.shape[0] == rows and candidate.shape[1] == reference.shape[1]:
            return candidate, {"css": css, "taller_px": rows}
    return None  # the border changed more than the page's height (e.g. a margin stopped collapsing)


def _shoot_with(page: Page, options: ShotOptions, css: str) -> np.ndarray:
    """The page shot with extra CSS, then the style tags the shot added are removed again."""
    before = int(page.evaluate(_STYLE_COUNT_JS))
    try:
        shot = snapshot(page, replace(options, css="\n".join(s for s in (options.css, css) if s)))
    finally:
        page.evaluate(_DROP_STYLES_JS, before)
    return decode_image(shot.png)
