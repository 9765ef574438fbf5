"""Browser-side benign differences (mask all 0): sub-pixel shifts, a caret, hinting, an animation frame.

"hinting" renders the page in a second Chromium whose fonts are rasterised differently. Chromium's
``--font-render-hinting``, ``--disable-lcd-text`` flags change nothing in current headless builds,
and ``--disable-font-subpixel-positioning`` changes glyph advances (text re-wraps, boxes move: not
benign). What differs between machines is fontconfig's rendering settings, so
:func:`launch_alt_chromium` starts Chromium with a ``FONTCONFIG_FILE`` that turns on subpixel (LCD)
anti-aliasing or turns hinting off: glyph edges change, no box moves. A candidate whose layout
differs from the reference is refused, whatever the alternative browser.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from layoutcheck.capture import ShotOptions, snapshot
from layoutcheck.imageio import decode_image
from layoutcheck.synth.mutations.planning import hint_weight, target, variants
from layoutcheck.synth.mutations.scan import El, Scan
from layoutcheck.synth.mutations.session import Plan, css, focus

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

#: fontconfig edits per rendering variant of the alternative browser.
FONT_RENDERING = {
    "lcd": '<edit name="rgba" mode="assign"><const>rgb</const></edit>'
           '<edit name="lcdfilter" mode="assign"><const>lcddefault</const></edit>',
    "unhinted": '<edit name="hinting" mode="assign"><bool>false</bool></edit>'
                '<edit name="hintstyle" mode="assign"><const>hintnone</const></edit>',
}

_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{base}</include>
  <match target="font">{edits}</match>
</fontconfig>
"""

# Boxes of every element in half pixels: equal (to a pixel) on both pages when only rasterisation differs.
_LAYOUT_JS = """() => Array.from(document.body ? document.body.querySelectorAll('*') : [], (el) => {
  const r = el.getBoundingClientRect();
  return [Math.round(r.left * 2), Math.round(r.top * 2), Math.round(r.width * 2), Math.round(r.height * 2)];
})"""


def launch_alt_chromium(playwright: Playwright, rendering: str = "lcd", executable: str | None = None) -> Browser:
    """Launch the second Chromium of the "hinting" kind: same flags, other font rasterisation.

    Args:
        playwright: a started ``sync_playwright()``.
        rendering: a key of :data:`FONT_RENDERING`.
        executable: the Chromium to run; found as :func:`~layoutcheck.browser.launch_chromium` does.

    Raises:
        ValueError: unknown ``rendering``.
        BrowserError: no Chromium, or it did not start.
    """
    from layoutcheck.browser import LAUNCH_ARGS, find_chromium
    from layoutcheck.errors import BrowserError

    if rendering not in FONT_RENDERING:
        raise ValueError(f"unknown font rendering {rendering!r}; expected one of {', '.join(FONT_RENDERING)}")
    base = os.environ.get("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
    # The config lives as long as the browser: its folder goes when the browser disconnects
    # (closed or crashed), or at once when the launch fails.
    folder = Path(tempfile.mkdtemp(prefix="layoutcheck-fontconfig-"))
    conf = folder / f"{rendering}.conf"
    conf.write_text(_FONTCONFIG.format(base=base, edits=FONT_RENDERING[rendering]), encoding="utf-8")
    path = executable if executable is not None else find_chromium()
    args = list(LAUNCH_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    try:
        browser = playwright.chromium.launch(headless=True, executable_path=path, args=args, env=env)
    except Exception as exc:  # playwright raises its own Error type with a long log
        shutil.rmtree(folder, ignore_errors=True)
        raise BrowserError(f"Chromium at {path or 'Playwright default'} could not start: {exc}") from exc
    browser.on("disconnected", lambda _: shutil.rmtree(folder, ignore_errors=True))
    _RENDERING[id(browser)] = rendering
    return browser


def subpixel_translate(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """The whole page drawn 0.2–0.7 px up/left (translations down/right would grow the page by 1 px)."""
    for _ in range(3):
        dx, dy = -rng.uniform(0.2, 0.7), -rng.uniform(0.2, 0.7)
        if rng.random() < 0.3:
            dx, dy = (dx, 0.0) if rng.random() < 0.5 else (0.0, dy)
        value = f"translate({dx:.2f}px, {dy:.2f}px)"
        yield Plan([css(-1, "transform", value)], [], {"target": "body", "property": "transform", "value": value},
                   lambda g: abs(g.dw - scan.dw) < 0.5 and abs(g.dh - scan.dh) < 0.5)


def caret(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A focused text input with its caret drawn; focus styles pinned so only the caret differs."""
    inputs = [e for e in scan.els if scan.is_input(e) and e.f["pin"] and e.w >= 24 and e.h >= 12]

    def make(e: El) -> Plan:
        pin: dict[str, Any] = e.f["pin"]
        pos = rng.randint(0, int(pin["vlen"]))
        ops = [css(e.i, "outline", str(pin["outline"])), css(e.i, "box-shadow", str(pin["shadow"])),
               css(e.i, "border-color", str(pin["border"])), css(e.i, "background-color", str(pin["bg"])),
               css(e.i, "color", str(pin["color"])), css(e.i, "caret-color", "auto"), focus(e.i, pos)]
        return Plan(ops, [], {**target(e), "caret_at": pos})

    yield from variants(rng, {"focus": (inputs, make)})


def animation_frame(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A fade-in caught before its end: an image, card or text block at 55–90 % opacity.

    Entrance fades are the animation screenshot tools most often catch mid-way; the frame changes
    pixels but no box, and the element is all there. Colour transitions (a hover mid-way) are left
    out: they would look like the "colour" change, which the model must flag.
    """
    cands = [e for e in scan.els if (scan.is_image(e) or scan.is_card(e) or scan.is_text_block(e, 2)
                                     or e.hint in ("image", "card", "section"))
             and scan.sized(e, 2000, 0.6)]

    def make(e: El) -> Plan:
        opacity = rng.uniform(0.55, 0.9)
        return Plan([css(e.i, "opacity", f"{opacity:.2f}")], [], {**target(e), "property": "opacity",
                                                                   "value": round(opacity, 2)})

    yield from variants(rng, {"fade-in": (cands, make)}, weight=lambda e: hint_weight(e, "image", "card"))


_ALT_PAGES: dict[tuple[int, int, int, float], tuple[BrowserContext, Page]] = {}
_RENDERING: dict[int, str] = {}  # id(browser) -> FONT_RENDERING key, for browsers launched here


def hinting_candidate(page: Page, options: ShotOptions,
                      alt_browser: Browser) -> tuple[np.ndarray, dict[str, Any]] | None:
    """The page as ``alt_browser`` renders it, or None when its layout differs from ``page``'s."""
    vp = page.viewport_size or {"width": 1280, "height": 800}
    scale = float(page.evaluate("() => window.devicePixelRatio") or 1.0)
    key = (id(alt_browser), vp["width"], vp["height"], scale)
    entry = _ALT_PAGES.get(key)
    if entry is None or entry[1].is_closed() or not alt_browser.is_connected():
        context = alt_browser.new_context(viewport=vp, device_scale_factor=scale, reduced_motion="reduce",
                                          color_scheme="light", locale="en-US", timezone_id="UTC")
        entry = _ALT_PAGES[key] = (context, context.new_page())
    alt = entry[1]
    url = page.url
    if url.startswith(("http:", "https:", "file:")) and alt.url != url:
        alt.goto(url, wait_until="load")  # so that relative URLs in the content resolve as on the page
    alt.set_content(page.content(), wait_until="load")
    shot = snapshot(alt, options)
    ours, theirs = page.evaluate(_LAYOUT_JS), alt.evaluate(_LAYOUT_JS)
    if len(ours) != len(theirs) or any(abs(p - q) > 2 for a, b in zip(ours, theirs) for p, q in zip(a, b)):
        return None  # some box moved by more than 1 px: a layout difference, not a rendering one
    return decode_image(shot.png), {"browser": "alt", "version": alt_browser.version,
                                    "rendering": _RENDERING.get(id(alt_browser), "unknown")}
