"""The HTML report in a real Chromium: no console errors, no script injection, working controls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from layoutcheck.report import write_report
from layoutcheck.results import PairImages, PairResult, RunResult, Verdict
from tests.test_report import EVIL, make_run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.browser

FAILED = 'section.pair[data-verdict="fail"]'
PASSED = 'section.pair[data-verdict="pass"]'


@pytest.fixture()
def opened(browser: Browser, tmp_path: Path) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The report of :func:`make_run`, open in a fresh page; yields (page, errors, dialog messages)."""
    index = write_report(make_run(tmp_path), tmp_path)
    errors: list[str] = []
    dialogs: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("requestfailed", lambda r: errors.append(f"requestfailed: {r.url}"))

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(index.as_uri())
    page.wait_for_load_state("load")
    yield page, errors, dialogs
    context.close()


def test_no_console_errors_and_no_injection(opened: tuple[Page, list[str], list[str]]) -> None:
    page, errors, dialogs = opened
    page.click('button.filter[data-filter="all"]')  # show (and lazily load) every pair
    for tab in page.locator('[data-role="tab"]').all():
        tab.click()
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert dialogs == []
    heading = page.locator(f'section.pair[data-pair="{EVIL}"] .pair-name')
    assert heading.inner_text() == EVIL  # shown as text


def test_default_filter_is_failed(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    active = page.locator("button.filter.active")
    assert active.get_attribute("data-filter") == "failed"
    assert active.get_attribute("aria-pressed") == "true"
    assert page.locator(FAILED).first.is_visible()
    assert page.locator(PASSED).is_hidden()
    assert page.locator('table.pairs tr[data-verdict="pass"]').is_hidden()


def test_filters_hide_rows_and_sections(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    page.click('button.filter[data-filter="passed"]')
    assert page.locator(PASSED).is_visible()
    assert all(s.is_hidden() for s in page.locator(FAILED).all())
    assert all(r.is_hidden() for r in page.locator('table.pairs tr[data-verdict="fail"]').all())
    assert page.locator("button.filter.active").get_attribute("data-filter") == "passed"

    page.click('button.filter[data-filter="failed"]')
    assert page.locator(PASSED).is_hidden()
    assert all(s.is_visible() for s in page.locator(FAILED).all())
    assert page.locator('section.pair[data-verdict="new"]').is_hidden()

    page.click('button.filter[data-filter="all"]')
    assert page.locator("section.pair:visible").count() == 5


def test_opacity_slider_sets_overlay_opacity(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    section = page.locator('section.pair[data-pair="checkout@mobile"]')
    overlay = section.locator('[data-role="overlay"]')
    assert overlay.evaluate("el => getComputedStyle(el).opacity") == "0.8"
    section.locator('input[data-role="opacity"]').fill("30")
    assert overlay.evaluate("el => getComputedStyle(el).opacity") == "0.3"
    assert section.locator('[data-view-panel="overlay"] output').inner_text() == "30%"


def test_swipe_and_onion_sliders(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    section = page.locator('section.pair[data-pair="checkout@mobile"]')
    section.locator('[data-role="tab"][data-view="swipe"]').click()
    assert section.locator('[data-view-panel="swipe"]').is_visible()
    assert section.locator('[data-view-panel="overlay"]').is_hidden()
    section.locator('input[data-role="swipe"]').fill("25")
    clip = section.locator('[data-role="swipe-top"]').evaluate("el => getComputedStyle(el).clipPath")
    assert clip == "inset(0px 75% 0px 0px)"

    section.locator('[data-role="tab"][data-view="onion"]').click()
    section.locator('input[data-role="onion"]').fill("70")
    top = section.locator('[data-role="onion-top"]')
    assert top.evaluate("el => getComputedStyle(el).opacity") == "0.7"


def test_region_boxes_are_visible_and_placed(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    section = page.locator('section.pair[data-pair="checkout@mobile"]')
    boxes = section.locator('[data-view-panel="overlay"] .box')
    assert boxes.count() == 2
    assert all(b.is_visible() for b in boxes.all())
    stage = section.locator('[data-view-panel="overlay"] .stage').bounding_box()
    first = boxes.first.bounding_box()
    assert stage is not None and first is not None
    # Region (4, 2, 20, 10) on a 64x48 image, at the displayed scale (64 px: not upscaled).
    scale = stage["width"] / 64
    assert first["x"] - stage["x"] == pytest.approx(4 * scale, abs=1)
    assert first["width"] == pytest.approx(20 * scale, abs=1)

    section.locator('[data-role="show-regions"]').uncheck()
    assert all(b.is_hidden() for b in boxes.all())
    section.locator('tr[data-region="1"]').click()  # brings them back and flashes the box
    assert boxes.first.is_visible()


def test_actual_size_and_new_pair(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    page.click('button.filter[data-filter="new"]')
    section = page.locator('section.pair[data-pair="signup@desktop"]')
    assert section.is_visible()
    assert section.locator("img").count() == 1
    section.locator('[data-role="actual-size"]').click()
    assert section.locator('[data-role="actual-size"]').get_attribute("aria-pressed") == "true"
    assert section.locator(".stage").bounding_box()["width"] == pytest.approx(64, abs=0.5)  # type: ignore[index]


def test_link_to_hidden_pair_shows_all(opened: tuple[Page, list[str], list[str]]) -> None:
    page, _, _ = opened
    anchor = page.locator('section.pair[data-pair="home@desktop"]').get_attribute("id")
    page.evaluate("id => { location.hash = id; }", anchor)
    page.wait_for_function("document.body.dataset.filter === 'all'")
    assert page.locator('section.pair[data-pair="home@desktop"]').is_visible()


def test_change_boxes_are_blue_dashed_and_their_rows_show_them(opened: tuple[Page, list[str], list[str]]) -> None:
    page, errors, _ = opened
    page.click('button.filter[data-filter="passed"]')
    section = page.locator('section.pair[data-pair="home@desktop"]')
    box = section.locator('[data-view-panel="overlay"] .box.change[data-region="c1"]')
    assert box.is_visible()
    style = box.evaluate("el => { const s = getComputedStyle(el); return [s.borderTopColor, s.borderTopStyle]; }")
    assert style == ["rgb(40, 110, 255)", "dashed"]  # the overlay's blue for changes (segment._BLUE)
    assert section.locator("details.region-list.changes summary").inner_text() == "Changed, not failing (1)"
    section.locator('[data-role="show-regions"]').uncheck()
    assert box.is_hidden()
    section.locator('tr[data-region="c1"]').click()  # brings the boxes back
    assert box.is_visible()
    assert errors == []


def test_a_run_with_pairs_not_judged_opens_on_them(browser: Browser, tmp_path: Path) -> None:
    run = make_run(tmp_path)
    broken = PairResult("broken@desktop", Verdict.ERROR, reference_size=(64, 48), error="cand/broken.png: empty file",
                        images=PairImages(reference=run.pairs[0].images.reference))
    index = write_report(RunResult(pairs=(broken, *(p for p in run.pairs if p.verdict is Verdict.PASS))), tmp_path)
    page = browser.new_page()
    errors: list[str] = []
    page.on("requestfailed", lambda r: errors.append(f"requestfailed: {r.url}"))
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.goto(index.as_uri())
    assert page.locator("button.filter.active").get_attribute("data-filter") == "errors"
    section = page.locator('section.pair[data-verdict="error"]')
    assert section.locator(".error-note").inner_text() == "Not judged: cand/broken.png: empty file"
    assert section.locator('img[alt="reference of broken@desktop"]').is_visible()
    assert page.locator(PASSED).is_hidden()
    page.wait_for_load_state("networkidle")
    assert errors == []
    page.close()
