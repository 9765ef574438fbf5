from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from layoutcheck.imageio import decode_image
from layoutcheck.line_changes import MAX_TILES, MIN_LENGTH, TILE, line_changes

from .conftest import page_like


def _outlined(width: int = 640, height: int = 480) -> np.ndarray:
    page = page_like(width, height)
    page[300:340, 40:400] = 255
    page[300, 40:400] = page[339, 40:400] = page[300:340, 40] = page[300:340, 399] = 200  # a light input border
    return page


def test_an_outline_that_changed_colour_on_an_unchanged_page_is_one_change() -> None:
    ref = _outlined()
    cand = ref.copy()
    cand[300, 40:400] = cand[339, 40:400] = cand[300:340, 40] = cand[300:340, 399] = (16, 137, 48)
    assert line_changes(ref, cand) == [(40, 300, 360, 40)]


def test_a_rule_under_the_page_changed_in_one_channel_is_one_change() -> None:
    ref = page_like(640, 480)
    ref[470, 20:620] = 222
    cand = ref.copy()
    cand[470, 20:620, 2] = 160
    assert line_changes(ref, cand) == [(20, 470, 600, 1)]


@pytest.mark.parametrize("case", ["caret", "strokes", "filled", "short", "dashes", "faint"])
def test_what_is_no_changed_line(case: str) -> None:
    ref = _outlined()
    cand = ref.copy()
    if case == "caret":  # a text caret: a line shorter than MIN_LENGTH
        cand[305:305 + MIN_LENGTH - 8, 50] = 0
    elif case == "strokes":  # a bar of text re-typed as thin strokes: short groups
        cand[10:16, 10:200] = 255
        cand[10:16, 10:200:3] = 60
    elif case == "filled":  # a block that changed colour has pixels inside
        cand[160:200, 320:380] = (200, 40, 40)
    elif case == "short":
        cand[300, 40:40 + MIN_LENGTH - 1] = 0
    elif case == "dashes":  # fewer pixels than the line is long
        cand[300, 40:400:3] = 0
    else:  # under LINE_LEVELS
        cand[300, 40:400] = 180
    assert line_changes(ref, cand) == []


def test_a_page_that_differs_everywhere_is_left_to_the_network() -> None:
    """A line changed under rendering noise that touches more than MAX_TILES tiles: not this rule's call."""
    ref = _outlined()
    cand = ref.copy()
    cand[300, 40:400] = (16, 137, 48)
    assert line_changes(ref, cand) == [(40, 300, 360, 1)]
    noisy = cand.copy()
    noisy[::TILE, ::TILE] ^= 4  # one pixel in every tile moved by 4 levels: noise all over the page
    assert (640 // TILE) * (480 // TILE) > MAX_TILES
    assert line_changes(ref, noisy) == []
    gradient = cand.copy()
    gradient[::TILE, ::TILE] ^= 1  # a repainted gradient: one level is no difference
    assert line_changes(ref, gradient) == [(40, 300, 360, 1)]


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="one size"):
        line_changes(page_like(32, 32), page_like(32, 40))


_FORM = """<!doctype html><html><head><style>
body {{ margin: 24px; font: 16px/1.5 sans-serif; color: #333; }}
p {{ margin: 0 0 12px; }}
input {{ display: block; width: 360px; padding: 8px; border: 1px solid {border}; border-radius: 4px;
         font: inherit; outline: none; }}
</style></head><body>
<h1>Contact</h1>
<p>Tell us about your project and we will get back to you within two working days.</p>
<p>Every field below is required; we never share your details with anyone.</p>
<input id="phone" value="+44 20 7946 0000">
<p>By sending this form you agree to the privacy notice.</p>
</body></html>"""


@pytest.mark.browser
def test_real_chromium_a_border_colour_is_found_and_a_caret_is_not(browser: Any) -> None:
    """Issue 13, item 4, as a real page shows it: an input's border from dark grey to green."""
    context = browser.new_context(viewport={"width": 640, "height": 400}, reduced_motion="reduce")
    page = context.new_page()
    try:
        shots = {}
        for name, border in (("ref", "#212529"), ("green", "rgb(16, 137, 48)")):
            page.set_content(_FORM.format(border=border))
            shots[name] = decode_image(page.screenshot(animations="disabled", caret="hide"))
        page.set_content(_FORM.format(border="#212529"))
        page.focus("#phone")
        page.evaluate("document.getElementById('phone').setSelectionRange(3, 3)")
        shots["caret"] = decode_image(page.screenshot(animations="disabled", caret="initial"))
    finally:
        context.close()
    ref = shots["ref"]
    boxes = line_changes(ref, shots["green"])
    assert len(boxes) == 1, boxes
    _, _, w, h = boxes[0]
    assert w >= 360 and h >= 30, boxes  # the whole outline, not a piece of it
    assert np.abs(ref.astype(int) - shots["caret"]).max() > 0  # the caret is drawn ...
    assert line_changes(ref, shots["caret"]) == []  # ... and is no changed line
