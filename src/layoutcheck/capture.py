"""Stable screenshots of configured pages in Chromium, with element-box sidecars.

For each page and viewport, :func:`capture` loads the page, runs its actions, stabilises it
(animations off, caret hidden, fonts loaded, images decoded, focus cleared, scroll reset) and
re-shoots until two consecutive screenshots are byte-identical (bounded by ``stable_shots``).
Beside each ``<page>@<viewport>.png`` it writes ``<page>@<viewport>.json`` (see :mod:`elements`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layoutcheck.browser import launch_chromium
from layoutcheck.config import Action, CaptureConfig, PageSpec, Viewport
from layoutcheck.elements import ElementBox, Sidecar, with_selector_path, write_sidecar
from layoutcheck.errors import CaptureError, CaptureFailures, PageTimeoutError
from layoutcheck.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: CSS injected before every screenshot: no motion, no caret, no scrollbars.
STABILISE_CSS = """
*, *::before, *::after {
  animation-duration: 0s !important; animation-delay: 0s !important;
  animation-iteration-count: 1 !important; animation-play-state: paused !important;
  transition: none !important; caret-color: transparent !important;
  scroll-behavior: auto !important;
}
::-webkit-scrollbar { display: none !important; }
"""

# Lazy images are made eager (a full-page shot never scrolls them into view, so they would never
# load), then fonts and images are awaited, but never longer than the page's time limit: an image
# that neither loads nor fails must not hang the capture. Returns whether everything settled.
_SETTLE_JS = """
async (limitMs) => {
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  for (const img of document.querySelectorAll('img[loading="lazy"]')) img.loading = 'eager';
  const settle = (async () => {
    if (document.fonts && document.fonts.ready) await document.fonts.ready;
    await Promise.all(Array.from(document.images).map((img) =>
      img.complete ? (img.decode ? img.decode().catch(() => {}) : null)
                   : new Promise((ok) => { img.addEventListener('load', ok, {once: true});
                                            img.addEventListener('error', ok, {once: true}); })));
    return true;
  })();
  const settled = await Promise.race([settle, new Promise((ok) => setTimeout(() => ok(false), limitMs))]);
  window.scrollTo(0, 0);
  await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
  return settled;
}
"""

_ELEMENT_LIMIT = 5000


@dataclass(frozen=True)
class Shot:
    """One written screenshot."""

    name: str
    path: Path
    sidecar: Path
    size: tuple[int, int]
    stable: bool
    shots: int


@dataclass(frozen=True)
class ShotOptions:
    """How to shoot an already loaded page (see :func:`snapshot`)."""

    selector: str | None = None  # element screenshot
    full_page: bool = True
    mask: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    css: str = ""  # extra CSS, added after the stabilising CSS
    mask_color: str = "#FF00FF"
    stable_shots: int = 5
    timeout_ms: int = 30_000


@dataclass(frozen=True)
class Snapshot:
    """A stable screenshot of a page and the boxes of its visible elements."""

    png: bytes
    size: tuple[int, int]  # (width, height) in pixels
    stable: bool
    shots: int
    elements: tuple[ElementBox, ...]

    def sidecar(
        self, *, name: str, url: str, viewport: tuple[int, int], device_scale_factor: float,
        full_page: bool, selector: str | None,
    ) -> Sidecar:
        """The sidecar that describes this screenshot, stamped with the current time."""
        return Sidecar(
            name=name, url=url, viewport=viewport, size=self.size, device_scale_factor=device_scale_factor,
            full_page=full_page, selector=selector, stable=self.stable, shots=self.shots,
            captured=datetime.now(timezone.utc).isoformat(timespec="seconds"), elements=self.elements,
        )


def snapshot(page: Page, options: ShotOptions) -> Snapshot:
    """Stabilise a loaded Playwright page and take a stable screenshot of it.

    This is the one place that shoots a page; ``capture`` and the pytest plugin both use it.
    Playwright errors propagate (callers add the URL to the message).
    """
    from layoutcheck.imageio import image_size_of_png

    style = "\n".join(s for s in (STABILISE_CSS, options.css) if s)
    style += "".join(f"\n{sel} {{ visibility: hidden !important; }}" for sel in options.hide)
    page.add_style_tag(content=style)
    settled = bool(page.evaluate(_SETTLE_JS, options.timeout_ms))
    png, stable, count = _stable_screenshot(page, options)
    stable = stable and settled  # an image or font that never arrived: the shot is flagged, not hung
    scale = float(page.evaluate("() => window.devicePixelRatio") or 1.0)
    elements = _element_boxes(page, options, scale)
    return Snapshot(png=png, size=image_size_of_png(png), stable=stable, shots=count, elements=tuple(elements))


def capture(
    config: CaptureConfig,
    out_dir: Path,
    *,
    only: tuple[str, ...] = (),
    extra_css: str = "",
    executable: str | None = None,
    on_shot: Callable[[Shot], None] | None = None,
    on_failure: Callable[[str, CaptureError], None] | None = None,
) -> list[Shot]:
    """Capture every configured page at every viewport into ``out_dir``.

    A page that fails (does not load, times out, a bad selector or action) does not stop the
    run: the other screenshots are still taken, and the failures are raised together at the end.

    Args:
        config: the capture configuration.
        out_dir: folder for the PNGs and sidecars (created).
        only: capture only these page names (empty: all).
        extra_css: CSS added to every page after the config's own (e.g. ``--css`` files).
        executable: Chromium executable; found automatically when ``None``.
        on_shot: called after each screenshot is written (progress reporting).
        on_failure: called with the shot's name and the error when a screenshot fails.

    Raises:
        BrowserError: no Chromium, or it did not start (nothing was taken).
        CaptureError: unknown page names in ``only``.
        CaptureFailures: some screenshots failed; each error is a PageTimeoutError (a page or its
            ``wait_for`` selector timed out) or a CaptureError (navigation error, bad selector,
            failed action), and its message has the URL.
    """
    from playwright.sync_api import sync_playwright

    pages = [p for p in config.pages if not only or p.name in only]
    unknown = sorted(set(only) - {p.name for p in config.pages})
    if unknown:
        raise CaptureError(f"unknown page(s) {', '.join(unknown)}; configured: {', '.join(p.name for p in config.pages)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    css = "\n".join(s for s in (config.css, extra_css) if s)
    shots: list[Shot] = []
    failures: list[tuple[str, CaptureError]] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw, executable)
        try:
            for viewport in config.viewports:
                for page_spec in pages:
                    if viewport not in config.viewports_for(page_spec):
                        continue
                    try:
                        shot = _capture_one(browser, config, page_spec, viewport, out_dir, css)
                    except CaptureError as exc:  # this page's; BrowserError cannot come from here
                        failures.append((config.shot_name(page_spec, viewport), exc))
                        if on_failure:
                            on_failure(*failures[-1])
                        continue
                    shots.append(shot)
                    if on_shot:
                        on_shot(shot)
        finally:
            browser.close()
    if failures:
        raise CaptureFailures(failures, written=len(shots))
    return shots


def _capture_one(
    browser: Browser, config: CaptureConfig, spec: PageSpec, viewport: Viewport, out_dir: Path, css: str
) -> Shot:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    name = config.shot_name(spec, viewport)
    context = browser.new_context(
        viewport={"width": viewport.width, "height": viewport.height},
        device_scale_factor=viewport.device_scale_factor,
        reduced_motion="reduce",
        color_scheme="light",
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(config.timeout_ms)
    page = context.new_page()
    try:
        try:
            page.goto(spec.url, wait_until=spec.wait_until, timeout=config.timeout_ms)  # type: ignore[arg-type]
        except PlaywrightTimeout as exc:
            raise PageTimeoutError(
                f"{spec.url}: page {spec.name!r} did not reach '{spec.wait_until}' within {config.timeout_ms} ms"
            ) from exc
        except PlaywrightError as exc:
            raise CaptureError(f"{spec.url}: page {spec.name!r} failed to load ({_first_line(exc)})") from exc
        try:
            if spec.wait_for:
                try:
                    page.wait_for_selector(spec.wait_for, state="visible", timeout=config.timeout_ms)
                except PlaywrightTimeout as exc:
                    raise PageTimeoutError(
                        f"{spec.url}: wait_for selector {spec.wait_for!r} did not appear within {config.timeout_ms} ms"
                    ) from exc
            for action in spec.actions:
                _run_action(page, action)
            options = ShotOptions(
                selector=spec.selector,
                full_page=spec.full_page,
                mask=spec.mask,
                hide=spec.hide,
                css="\n".join(s for s in (css, spec.css) if s),
                mask_color=config.mask_color,
                stable_shots=config.stable_shots,
                timeout_ms=config.timeout_ms,
            )
            shot = snapshot(page, options)
        except PlaywrightTimeout as exc:
            raise PageTimeoutError(f"{spec.url}: page {spec.name!r} timed out ({_first_line(exc)})") from exc
        except PlaywrightError as exc:
            raise CaptureError(f"{spec.url}: page {spec.name!r}: {_first_line(exc)}") from exc
    finally:
        context.close()

    path = out_dir / f"{name}.png"
    sidecar_path = out_dir / f"{name}.json"
    atomic_write_bytes(path, shot.png)
    write_sidecar(
        sidecar_path,
        shot.sidecar(
            name=name, url=spec.url, viewport=(viewport.width, viewport.height),
            device_scale_factor=viewport.device_scale_factor, full_page=spec.full_page, selector=spec.selector,
        ),
    )
    return Shot(name=name, path=path, sidecar=sidecar_path, size=shot.size, stable=shot.stable, shots=shot.shots)


def _run_action(page: Page, action: Action) -> None:
    a = action.args
    if action.kind == "click":
        page.click(a[0])
    elif action.kind == "fill":
        page.fill(a[0], a[1])
    elif action.kind == "hover":
        page.hover(a[0])
    elif action.kind == "press":
        page.press(a[0], a[1])
    elif action.kind == "check":
        page.check(a[0])
    elif action.kind == "select":
        page.select_option(a[0], a[1])
    elif action.kind == "scroll":
        page.locator(a[0]).scroll_into_view_if_needed()
    elif action.kind == "wait":
        page.wait_for_timeout(float(a[0]))


def _stable_screenshot(page: Page, opts: ShotOptions) -> tuple[bytes, bool, int]:
    """Shoot until two consecutive screenshots are identical; returns (png, stable, shots)."""
    masks = [page.locator(sel) for sel in opts.mask]
    target: Any = page.locator(opts.selector).first if opts.selector else page
    options: dict[str, Any] = {
        "animations": "disabled",
        "caret": "hide",
        "mask": masks,
        "mask_color": opts.mask_color,
        "scale": "device",
        "timeout": opts.timeout_ms,
    }
    if not opts.selector:
        options["full_page"] = opts.full_page
    previous = target.screenshot(**options)
    for count in range(2, opts.stable_shots + 1):
        time.sleep(0.05)
        current = target.screenshot(**options)
        if current == previous:
            return current, True, count
        previous = current
    return previous, opts.stable_shots == 1, opts.stable_shots


def _element_boxes(page: Page, opts: ShotOptions, scale: float) -> list[ElementBox]:
    """Visible elements with their boxes in screenshot pixels."""
    if opts.selector:
        box = page.locator(opts.selector).first.bounding_box()
        if box is None:
            raise CaptureError(f"{page.url}: selector {opts.selector!r} has no box (hidden?)")
        scroll = page.evaluate("() => [window.scrollX, window.scrollY]")
        origin = (box["x"] + scroll[0], box["y"] + scroll[1])
        clip = (box["width"], box["height"])
    elif opts.full_page:
        origin = (0.0, 0.0)
        clip = tuple(page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        ))
    else:
        origin = (0.0, 0.0)
        clip = tuple(page.evaluate("() => [window.innerWidth, window.innerHeight]"))
    script = resources.files("layoutcheck").joinpath("js/element_boxes.js").read_text(encoding="utf-8")
    script = with_selector_path(script)
    raw = page.evaluate(
        script,
        {"originX": origin[0], "originY": origin[1], "clipW": clip[0], "clipH": clip[1], "limit": _ELEMENT_LIMIT},
    )
    return [
        ElementBox(
            selector=e["selector"],
            tag=e["tag"],
            box=tuple(int(round(v * scale)) for v in e["box"]),  # type: ignore[arg-type]
            text_length=int(e["text_length"]),
            parent=int(e.get("parent", -1)),
        )
        for e in raw
    ]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
