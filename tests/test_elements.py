"""The one selector-path function both page scripts get (capture's sidecars, synth's labels)."""

from __future__ import annotations

import dataclasses
from importlib import resources
from typing import Any

import pytest

from layoutcheck.elements import SELECTOR_PATH_MARK, ElementBox, element_moved, with_selector_path

SCRIPTS = [("layoutcheck", "js/element_boxes.js"), ("layoutcheck.synth", "js/mutations.js")]


@pytest.mark.parametrize(("package", "name"), SCRIPTS)
def test_each_page_script_gets_the_shared_function(package: str, name: str) -> None:
    script = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    assert script.count(SELECTOR_PATH_MARK) == 1
    ready = with_selector_path(script)
    assert SELECTOR_PATH_MARK not in ready
    assert ready.count("const pathOf = (() => {") == 1 and "// The CSS selector" not in ready  # header dropped


def test_a_script_without_the_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="selector_path"):
        with_selector_path("() => 1")


_PAGE = """<!doctype html><html><body>
<header class="site-header"><nav><a href="#">Home</a><a href="#" data-t="plans-link">Plans</a><a href="#">Help</a></nav></header>
<main>
  <section id="plans"><div class="grid">
    <div class="card" data-t="starter"><h3 data-t="starter-h3">Starter</h3><p>For one</p></div>
    <div class="card featured css-1x9ab3f" data-t="team"><h3>Team</h3><p>For ten</p></div>
    <div class="card" data-t="enterprise"><h3>Enterprise</h3><p>For all</p></div>
  </div></section>
  <section id="team"><div class="card">Ann</div><div class="card">Bob</div></section>
  <div id="ember1234" class="md:flex" data-t="ember"><span>generated id</span></div>
  <ul class="faq"><li>a</li><li data-t="faq-b">b</li><li>c</li></ul>
  <ul><li><ul><li>x</li></ul></li><li><ul><li data-t="y">y</li></ul></li></ul>
</main>
<footer class="site-footer" data-t="footer">(c)</footer>
</body></html>"""


@pytest.mark.browser
def test_elements_are_named_the_way_devtools_name_them(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content(_PAGE)
        function = with_selector_path("const pathOf = /* selector_path.js */;")
        names = page.evaluate(
            "() => { %s; return [...document.body.querySelectorAll('*')].map((e) => {"
            " const s = pathOf(e); const found = document.querySelectorAll(s);"
            " return [e.dataset.t || null, s, found.length === 1 && found[0] === e]; }); }"
            % function
        )
    finally:
        page.close()
    assert all(ok for *_, ok in names), [n for n in names if not n[2]]  # unique, and this element
    by_mark = {mark: sel for mark, sel, _ in names if mark}
    assert by_mark["team"] == ".featured"  # a unique class; the hash-like one ignored
    assert by_mark["starter"] == "#plans .card:nth-child(1)"  # .card:nth-child(1) alone is in #team too
    assert by_mark["enterprise"] == ".card:nth-child(3)"  # the only third card
    assert by_mark["starter-h3"] == ".card:nth-child(1) h3"  # the #team cards hold no h3
    assert by_mark["footer"] == ".site-footer"
    assert by_mark["plans-link"] == "a:nth-of-type(2)"
    assert by_mark["ember"] == ".md\\:flex"  # not the generated #ember1234, and escaped
    assert by_mark["faq-b"] == "li:nth-of-type(2)" or by_mark["faq-b"].startswith(".faq")
    assert by_mark["y"].count(":nth-of-type") <= 2  # nested look-alikes: positions, but short
    assert not any("ember1234" in sel or "css-1x9ab3f" in sel for _, sel, _ in names)


@pytest.mark.browser
def test_names_follow_the_dom_when_it_changes(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content(_PAGE)
        function = with_selector_path("const pathOf = /* selector_path.js */;")
        before, after = page.evaluate(
            "() => { %s; const el = document.querySelector('.featured'); const a = pathOf(el);"
            " document.querySelector('.card').classList.add('featured'); return [a, pathOf(el)]; }" % function
        )
    finally:
        page.close()
    assert before == ".featured"
    assert after == ".featured:nth-child(2)"


@pytest.mark.browser
def test_element_boxes_list_each_elements_parent(browser: Any) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 600})
    try:
        page.set_content(_PAGE)
        script = with_selector_path(resources.files("layoutcheck").joinpath("js/element_boxes.js").read_text("utf-8"))
        boxes = page.evaluate(script, {"originX": 0, "originY": 0, "clipW": 800, "clipH": 2000, "limit": 1000})
    finally:
        page.close()
    by_selector = {b["selector"]: b for b in boxes}
    cards = [b for b in boxes if b["selector"] in ("#plans .card:nth-child(1)", ".featured", ".card:nth-child(3)")]
    assert len(cards) == 3 and len({c["parent"] for c in cards}) == 1
    assert boxes[cards[0]["parent"]]["selector"] == ".grid"
    assert by_selector[".site-header"]["parent"] == -1


def _pricing_boxes() -> tuple[ElementBox, ...]:
    """A header, #plans holding three cards side by side (each with an h3), a footer."""
    return (
        ElementBox("body", "body", (0, 0, 900, 700)),
        ElementBox(".site-header", "header", (0, 0, 900, 80), parent=0),
        ElementBox("#plans", "section", (0, 100, 900, 300), parent=0),
        ElementBox("#plans .card:nth-child(1)", "div", (24, 140, 270, 240), parent=2),
        ElementBox(".featured", "div", (316, 140, 270, 240), parent=2),
        ElementBox(".card:nth-child(3)", "div", (608, 140, 270, 240), parent=2),
        ElementBox(".card:nth-child(1) h3", "h3", (42, 158, 230, 30), parent=3),
        ElementBox(".site-footer", "footer", (0, 420, 900, 80), parent=0),
    )


def test_a_shift_that_moved_several_elements_names_their_container() -> None:
    boxes = _pricing_boxes()
    assert element_moved(boxes, (24, 100, 854, 40)).selector == "#plans"  # all three cards start at the seam
    assert element_moved(boxes, (316, 100, 270, 40)).selector == ".featured"  # one card: the card
    assert element_moved(boxes, (24, 100, 562, 41)).selector == "#plans"  # two of them (within 2 px)
    assert element_moved(boxes, (0, 380, 900, 40)).selector == ".site-footer"
    assert element_moved(boxes, (0, 600, 900, 40)) is None  # nothing starts there
    orphans = tuple(dataclasses.replace(b, parent=-1) for b in boxes)  # an old sidecar: no parents
    assert element_moved(orphans, (24, 100, 854, 40)).selector == "#plans .card:nth-child(1)"
