"""The procedural page generator: deterministic, self-contained, and sound in a real Chromium."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from layoutcheck.synth.pages import TEMPLATES, GeneratedPage, generate_page, template_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

_LANGS = {"en", "de", "fr", "es", "pl", "ru", "el", "ar"}
# attribute values and CSS urls that could load something
_REFS = re.compile(r"""\b(?:src|href|action|poster|srcset|data)\s*=\s*["']?([^"'\s>]*)|url\(\s*["']?([^"')]*)""", re.I)


def test_templates_are_many_and_named() -> None:
    assert len(TEMPLATES) >= 10
    assert len(set(TEMPLATES)) == len(TEMPLATES)
    assert all(re.fullmatch(r"[a-z][a-z-]*", name) for name in TEMPLATES)


def test_same_seed_same_bytes_and_different_seeds_differ() -> None:
    for seed in (0, 1, 17, 123456789):
        assert generate_page(seed).html == generate_page(seed).html
        assert generate_page(seed, "docs").html == generate_page(seed, "docs").html
    htmls = {generate_page(seed).html for seed in range(30)}
    assert len(htmls) == 30


def test_every_template_is_reachable_and_template_for_covers_all() -> None:
    counts = Counter(template_for(seed) for seed in range(200))
    assert set(counts) == set(TEMPLATES)
    assert min(counts.values()) >= 5  # roughly uniform: 200 / 12 ~ 17 each
    assert all(template_for(s) == template_for(s) for s in range(50))
    for name in TEMPLATES:
        page = generate_page(7, name)
        assert page.template == name and page.seed == 7
    assert all(generate_page(s).template == template_for(s) for s in range(24))


def test_unknown_template_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown page template 'nope'"):
        generate_page(1, "nope")


def test_page_record_is_frozen_and_params_are_json() -> None:
    page = generate_page(5)
    assert isinstance(page, GeneratedPage)
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.seed = 6  # type: ignore[misc]
    params = json.loads(json.dumps(page.params))
    assert params["seed"] == 5 and params["template"] == page.template and params["lang"] == page.lang
    assert {"theme", "variants", "components"} <= set(params)
    assert params["theme"]["font_body"] and params["theme"]["unit"] > 0


@pytest.mark.parametrize("seed", range(0, 96, 1))
def test_html_is_self_contained_and_static(seed: int) -> None:
    page = generate_page(seed)
    html = page.html
    assert html.startswith("<!DOCTYPE html>")
    assert page.lang in _LANGS and f'<html lang="{page.lang}"' in html
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert not re.search(r"\son[a-z]+\s*=", html), "no inline event handlers"
    assert "@import" not in html and "<link" not in html and "<iframe" not in html
    assert "@keyframes" not in html and "animation:" not in html and "transition:" not in html
    assert "autofocus" not in html  # a blinking caret would make renders differ
    # composited layers (sticky, fixed) rasterise differently from one full-page capture to the next
    assert not re.search(r"position:\s*(?:sticky|fixed)", html)
    for attr, url in _REFS.findall(html):
        ref = attr or url
        assert ref == "" or ref.startswith(("#", "data:")), f"seed {seed}: external reference {ref[:80]!r}"


@pytest.mark.parametrize("seed", range(0, 48))
def test_structure_hints(seed: int) -> None:
    html = generate_page(seed).html
    kinds = set(re.findall(r'data-lc="([a-z-]+)"', html))
    assert {"button", "icon", "text"} & kinds
    assert kinds & {"nav", "sidebar"}
    assert "data-lc-container" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique"


def test_about_a_third_of_components_have_ids() -> None:
    with_id = roots = 0
    for seed in range(60):
        html = generate_page(seed).html
        # icons and text runs are marked but never get ids; count the other component roots
        roots += len(re.findall(r'data-lc="(?!icon"|text")', html))
        with_id += len(re.findall(r'data-lc="(?!icon"|text")[^"]*"(?: data-lc-container)? id="', html))
    assert 0.2 < with_id / roots < 0.45


def test_languages_themes_and_fonts_vary() -> None:
    pages = [generate_page(s) for s in range(160)]
    assert {p.lang for p in pages} == _LANGS
    assert any('dir="rtl"' in p.html for p in pages)
    themes = [p.params["theme"] for p in pages]
    assert {t["dark"] for t in themes} == {True, False}  # type: ignore[index]
    assert len({t["font_body"] for t in themes}) >= 8  # type: ignore[index]
    assert len({t["accent"] for t in themes}) >= 100  # type: ignore[index]


def test_generation_is_fast() -> None:
    import time

    start = time.perf_counter()
    for seed in range(60):
        generate_page(seed)
    assert (time.perf_counter() - start) / 60 < 0.1


# In Chromium ---------------------------------------------------------------------------------------

#: (template, condition on the page) for the rendered sample: an RTL page, a dark page and others.
_SAMPLE = (("landing", "rtl"), ("dashboard", "dark"), ("shop-grid", ""), ("article", ""), ("product", ""),
           ("docs", "cyrillic-or-greek"))
_MAX_HEIGHT = {1280: 3000, 768: 6500, 375: 6500}


def _sample_page(name: str, want: str) -> GeneratedPage:
    """The first page of template ``name`` from seed 1000 on that meets ``want``."""
    for seed in range(1000, 2000):
        page = generate_page(seed, name)
        ok = {"rtl": page.lang == "ar", "dark": bool(page.params["theme"]["dark"]),  # type: ignore[index]
              "cyrillic-or-greek": page.lang in ("ru", "el"), "": True}[want]
        if ok:
            return page
    raise AssertionError(f"no {name} page with {want!r} among 1000 seeds")


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[dict[int, Page]]:
    """One reused tab per width: opening a tab costs more than loading a page into one."""
    contexts = {width: browser.new_context(viewport={"width": width, "height": 800}) for width in _MAX_HEIGHT}
    yield {width: context.new_page() for width, context in contexts.items()}
    for context in contexts.values():
        context.close()


def _render(page: Page, html: str, shot: bool = True) -> tuple[np.ndarray | None, dict[str, int], list[str]]:
    """Load ``html`` into ``page``: full-page pixels, metrics, and every console error or request that left it."""
    problems: list[str] = []
    handlers: dict[str, Callable[..., None]] = {
        "console": lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
        "pageerror": lambda exc: problems.append(f"pageerror: {exc}"),
        "requestfailed": lambda r: problems.append(f"requestfailed: {r.url[:80]}"),
        "request": lambda r: None if r.url.startswith(("data:", "about:")) else problems.append(f"request: {r.url[:80]}"),
    }
    for event, handler in handlers.items():
        page.on(event, handler)  # type: ignore[call-overload]
    try:
        page.set_content(html, wait_until="load")
        metrics = page.evaluate(
            "() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,"
            " height: document.documentElement.scrollHeight})"
        )
        png = page.screenshot(full_page=True, animations="disabled", caret="hide") if shot else None
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")) if png is not None else None
    return pixels, metrics, problems


@pytest.mark.browser
@pytest.mark.parametrize(("name", "want"), _SAMPLE, ids=[n for n, _ in _SAMPLE])
def test_sample_page_renders_cleanly_and_identically(tabs: dict[int, Page], name: str, want: str) -> None:
    """At 1280 and 375 px: no errors or requests, no horizontal overflow, height in bounds, same pixels twice."""
    page = _sample_page(name, want)
    failures = []
    for width in (1280, 375):
        first, metrics, problems = _render(tabs[width], page.html)
        fresh = tabs[width].context.new_page()  # the second render in a new tab
        try:
            second, _, _ = _render(fresh, page.html)
        finally:
            fresh.close()
        where = f"{page.template} seed {page.seed} ({page.lang}) at {width}px"
        if problems:
            failures.append(f"{where}: {problems[:3]}")
        if metrics["scrollWidth"] > metrics["innerWidth"]:
            failures.append(f"{where}: horizontal overflow, scrollWidth {metrics['scrollWidth']}")
        if not 800 <= metrics["height"] <= _MAX_HEIGHT[width]:
            failures.append(f"{where}: height {metrics['height']} outside 800..{_MAX_HEIGHT[width]}")
        if first is None or second is None or first.shape != second.shape or not np.array_equal(first, second):
            failures.append(f"{where}: two renders differ")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


@pytest.mark.browser
def test_other_templates_fit_phone_and_tablet(tabs: dict[int, Page]) -> None:
    """The templates the sample leaves out, at 375 and 768 px: no overflow, no errors."""
    failures = []
    sampled = {name for name, _ in _SAMPLE}
    for i, name in enumerate(TEMPLATES):
        if name in sampled:
            continue
        page = generate_page(3000 + i, name)
        for width in (375, 768):
            _, metrics, problems = _render(tabs[width], page.html, shot=False)
            if problems or metrics["scrollWidth"] > metrics["innerWidth"]:
                failures.append(f"{name} seed {page.seed} ({page.lang}) at {width}px: "
                                f"scrollWidth {metrics['scrollWidth']}, {problems[:2]}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
