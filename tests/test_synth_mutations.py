"""Mutations in a real Chromium: every kind on three pages, the mask rule, undo, determinism.

The browser tests run every defect, change and benign kind on the demo site's sign-up page and on a
generated page (or, without the generator, on the test page below, rich enough for every kind),
check each shot against the rule of docs/dataset.md and that the page is restored after each.
The test page also serves the determinism test. The mask tests at the end need no browser.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from scipy import ndimage

from layoutcheck.capture import ShotOptions, snapshot
from layoutcheck.imageio import decode_image, save_png
from layoutcheck.synth.mutations import (
    BROWSER_BENIGN_KINDS, CHANGE_KINDS, DEFECT_KINDS, MutatedShot, launch_alt_chromium, mutate,
)
from layoutcheck.synth.mutations import masks

from .conftest import FIXTURES

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ALL = [*DEFECT_KINDS, *CHANGE_KINDS, *BROWSER_BENIGN_KINDS]
OPTIONS = ShotOptions(full_page=True, stable_shots=1)  # the test pages are static: one shot is stable
SIGNUP = FIXTURES / "demo" / "site" / "signup.html"

#: A page with something for every kind: rows, a grid of cards, icons, an image, a background
#: image, glyph stars, digits, a form with inputs, a table with badges, floats, long paragraphs.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Analytics</title>
<style>
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "DejaVu Sans", sans-serif; color: #283044; background: #f5f6fa; }
header { display: flex; align-items: center; justify-content: space-between; padding: 14px 40px; background: #fff; border-bottom: 1px solid #dde1ea; }
header nav { display: flex; gap: 24px; }
header nav a { color: #3a4560; text-decoration: none; }
.logo { font-weight: bold; font-size: 20px; color: #1d2a5b; display: flex; align-items: center; gap: 8px; }
.btn { display: inline-block; padding: 10px 18px; border-radius: 8px; background: #2f55d4; color: #fff; text-decoration: none; font-weight: bold; border: 1px solid #2f55d4; }
.btn.ghost { background: #fff; color: #2f55d4; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 24px; }
.hero { display: grid; grid-template-columns: 1fr 1fr; gap: 40px; align-items: center; margin-bottom: 48px; }
.hero h1 { font-size: 40px; line-height: 1.15; margin: 0 0 16px; color: #141c33; }
.hero p { font-size: 18px; color: #4a5470; margin: 0 0 24px; }
.actions { display: flex; gap: 12px; }
.hero img { display: block; width: 100%; height: 300px; border-radius: 12px; }
.banner { height: 120px; border-radius: 12px; margin-bottom: 40px; color: #fff; padding: 24px; font-size: 22px; font-weight: bold;
  background: #22304f url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='40'%3E%3Ccircle cx='20' cy='20' r='6' fill='%234a6fe3'/%3E%3C/svg%3E"); }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; margin-bottom: 48px; }
.card { background: #fff; border: 1px solid #dde1ea; border-radius: 12px; padding: 20px; box-shadow: 0 2px 6px rgba(20,30,60,.08); }
.card h3 { margin: 12px 0 8px; font-size: 19px; color: #141c33; }
.card p { margin: 0 0 12px; color: #4a5470; }
.icon { width: 40px; height: 40px; border-radius: 10px; background: #e8edff; color: #2f55d4; display: flex; align-items: center; justify-content: center; }
.pills { display: flex; gap: 10px; margin-bottom: 40px; }
.pill { padding: 4px 12px; border-radius: 999px; background: #e6f5ec; color: #17804a; font-size: 14px; font-weight: bold; }
.layout { display: flex; gap: 32px; margin-bottom: 48px; }
.layout form { flex: 2; background: #fff; padding: 24px; border-radius: 12px; border: 1px solid #dde1ea; }
.layout aside { flex: 1; }
label { display: block; font-size: 14px; font-weight: bold; margin: 0 0 4px; }
input { width: 100%; padding: 10px 12px; border: 1px solid #c5cbd8; border-radius: 6px; font: inherit; margin-bottom: 16px; }
input:focus { border-color: #2f55d4; box-shadow: 0 0 0 3px rgba(47,85,212,.25); outline: none; }
.quote { background: #fff; border-radius: 12px; padding: 20px; border-left: 4px solid #2f55d4; margin-bottom: 16px; }
.stars { color: #e0a100; letter-spacing: 2px; }
table { width: 100%; border-collapse: collapse; background: #fff; margin-bottom: 48px; }
th, td { text-align: left; padding: 10px 14px; border-bottom: 1px solid #e4e7ef; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 6px; background: #fff3d6; color: #8a5a00; font-size: 13px; }
.gallery { overflow: hidden; margin-bottom: 48px; }
.gallery .tile { float: left; width: 23%; margin-right: 2%; height: 90px; border-radius: 8px; background: #cfd8f7; padding: 10px; font-size: 14px; }
.article p { max-width: 720px; }
footer { background: #1b2338; color: #c9cfdd; padding: 32px 40px; display: flex; justify-content: space-between; }
footer a { color: #fff; }
</style></head>
<body>
<header data-lc="nav"><div class="logo"><svg width="28" height="28" viewBox="0 0 24 24" fill="#2f55d4"><rect x="2" y="2" width="20" height="20" rx="5"/></svg>Acme Analytics</div>
<nav data-lc-container><a href="#">Product</a><a href="#">Pricing</a><a href="#">Customers</a><a href="#">Docs</a></nav>
<a class="btn" href="#" data-lc="button">Start free trial</a></header>
<main>
<section class="hero">
  <div><h1 data-lc="text">Understand every visit to your store</h1>
  <p data-lc="text">Acme Analytics turns raw events into clear dashboards, funnels and alerts, so your team can act on what customers actually do.</p>
  <div class="actions" data-lc-container><a class="btn" href="#" data-lc="button">Get started</a><a class="btn ghost" href="#" data-lc="button">Book a demo</a></div></div>
  <img data-lc="image" alt="Dashboard with a line chart of weekly visits" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='520' height='300' viewBox='0 0 520 300'%3E%3Crect width='520' height='300' fill='%23e8edff'/%3E%3Cpath d='M20 250 L120 180 L220 210 L320 120 L420 150 L500 60' stroke='%232f55d4' stroke-width='6' fill='none'/%3E%3Crect x='20' y='20' width='160' height='24' rx='6' fill='%23ffffff'/%3E%3C/svg%3E">
</section>
<div class="banner" data-lc="section">Now with real-time alerts in 12 regions</div>
<section class="cards" data-lc-container>
  <article class="card" data-lc="card"><div class="icon"><svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 20V4M4 20h16M8 16v-4M12 16V8M16 16v-6"/></svg></div>
    <h3>Live dashboards</h3><p>See sessions, revenue and conversion update every 5 seconds without refreshing.</p><a href="#">Learn more →</a></article>
  <article class="card" data-lc="card"><div class="icon"><svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M6 16V11a6 6 0 0112 0v5l1.5 2h-15z"/></svg></div>
    <h3>Smart alerts</h3><p>Get notified when checkout errors spike or traffic drops below the usual level.</p><a href="#">Learn more →</a></article>
  <article class="card" data-lc="card"><div class="icon"><svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="8" r="4"/><path d="M4.5 20.5c1.2-4 4-6 7.5-6s6.3 2 7.5 6"/></svg></div>
    <h3>Customer journeys</h3><p>Follow each visitor from the first ad click to the second purchase in one timeline.</p><a href="#">Learn more →</a></article>
</section>
<div class="pills" data-lc-container><span class="pill" data-lc="badge">GDPR ready</span><span class="pill" data-lc="badge">SOC 2</span><span class="pill" data-lc="badge">99.99% uptime</span><span class="pill" data-lc="badge">24/7 support</span></div>
<section class="layout">
  <form data-lc="card"><h2>Request a demo</h2>
    <label for="name">Full name</label><input id="name" type="text" value="Ada Lovelace">
    <label for="mail">Work email</label><input id="mail" type="email" placeholder="you@company.com">
    <label for="co">Company</label><input id="co" type="text" placeholder="Company name">
    <a class="btn" href="#" data-lc="button">Send request</a></form>
  <aside>
    <div class="quote" data-lc="card"><div class="stars">★★★★★</div><p>“We found a checkout bug within an hour of installing Acme.”</p><strong>Maria Chen</strong>, Head of Growth</div>
    <div class="quote" data-lc="card"><div class="stars">★★★★☆</div><p>“The funnel reports replaced three spreadsheets and a weekly meeting.”</p><strong>Tom Becker</strong>, COO</div>
  </aside>
</section>
<table data-lc="table"><thead><tr><th>Plan</th><th>Seats</th><th>Events / month</th><th>Price</th><th>Status</th></tr></thead>
<tbody><tr><td>Starter</td><td class="num">3</td><td class="num">100,000</td><td class="num">$29</td><td><span class="badge">Popular</span></td></tr>
<tr><td>Growth</td><td class="num">10</td><td class="num">2,500,000</td><td class="num">$149</td><td><span class="badge">Best value</span></td></tr>
<tr><td>Enterprise</td><td class="num">50</td><td class="num">40,000,000</td><td class="num">$990</td><td><span class="badge">Contact us</span></td></tr></tbody></table>
<div class="gallery"><div class="tile">Shopify</div><div class="tile">WooCommerce</div><div class="tile">Magento</div><div class="tile">BigCommerce</div></div>
<section class="article"><h2>Release notes, 14 Mar 2024</h2>
<p>This release adds cohort comparison to every dashboard. Pick two date ranges and Acme shows the difference in sessions, orders and average basket size side by side, with the significance of each change.</p>
<p>Alert rules can now use percentiles as well as averages, which makes latency and basket-size alerts far less noisy during promotions and holiday traffic.</p></section>
</main>
<footer><span>© 2024 Acme Analytics Inc.</span><span><a href="#">Privacy</a> · <a href="#">Terms</a></span></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def pw() -> Iterator[Playwright]:
    """One Playwright per module: the sync API cannot run inside another."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browsers(pw: Playwright) -> Iterator[tuple[Browser, Browser]]:
    """The main Chromium and the one with other font rasterisation (for "hinting")."""
    from layoutcheck.browser import launch_chromium

    main = launch_chromium(pw)
    alt = launch_alt_chromium(pw)
    try:
        yield main, alt
    finally:
        alt.close()
        main.close()


def _open(browser: Browser, source: str | Path) -> Page:
    """A 1280×800 page (as the synth workers open them) showing an HTML string or a file."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce",
                                  locale="en-US", timezone_id="UTC", color_scheme="light")
    page = context.new_page()
    if isinstance(source, Path):
        page.goto(source.as_uri(), wait_until="load")
    else:
        page.set_content(source, wait_until="load")
    return page


def _shoot(page: Page) -> np.ndarray:
    return decode_image(snapshot(page, OPTIONS).png)


def _problems(name: str, reference: np.ndarray, shot: MutatedShot) -> list[str]:
    """What is wrong with one shot, by the dataset's rule (empty when it is right)."""
    out: list[str] = []
    cand, mask = shot.candidate, shot.mask
    if shot.mutation != name or mask.shape != cand.shape[:2] or mask.dtype != np.uint8:
        return [f"bad shot: mutation {shot.mutation!r}, mask {mask.shape} {mask.dtype}, candidate {cand.shape}"]
    try:
        json.dumps(shot.params)
    except TypeError as exc:
        out.append(f"params are not JSON-serialisable: {exc}")
    if name in BROWSER_BENIGN_KINDS:
        if shot.kind != "benign" or mask.any() or shot.boxes:
            out.append(f"benign shot with kind {shot.kind!r}, {int((mask > 0).sum())} labelled pixels")
        if not masks.any_difference(reference, cand):
            out.append("benign candidate does not differ from the reference")
        return out
    value = DEFECT_KINDS.get(name, 1)
    kind = "defect" if name in DEFECT_KINDS else "change"
    if shot.kind != kind or set(np.unique(mask).tolist()) != {0, value}:
        return [f"expected a {kind} mask of class {value}, got kind {shot.kind!r}, values {np.unique(mask).tolist()}"]
    if not shot.boxes or {b[4] for b in shot.boxes} != {value}:
        out.append(f"boxes {shot.boxes} do not carry class {value}")
    diff = masks.differs(reference, cand)  # (H, W); outside the reference's frame: against white
    if name == "missing":
        # The former box, whole: one filled rectangle, and something visibly gone inside it.
        ys, xs = np.nonzero(mask)
        if not mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].all():
            out.append("missing: the mask is not one filled box")
        if not (diff & (mask > 0)).any():
            out.append("missing: nothing differs inside the former box")
        return out
    # Every labelled pixel lies within the dilation of a pixel that differs: the undilated core
    # of the mask is made of differing pixels only.
    near_diff = ndimage.binary_dilation(diff, structure=np.ones((2 * masks.DILATE + 1,) * 2, dtype=bool))
    stray = (mask > 0) & ~near_diff
    if stray.any():
        out.append(f"{int(stray.sum())} labelled pixels are more than {masks.DILATE} px from any difference")
    return out


def _run_all(page: Page, alt: Browser, tmp_path: Path, label: str, allowed_none: set[str]) -> None:
    """Every kind on one page: the shot obeys the rule and the page is restored after each."""
    reference = _shoot(page)
    html = page.evaluate("() => document.documentElement.outerHTML")
    failures: list[str] = []
    for n, name in enumerate(ALL):
        shot = mutate(page, reference, name, random.Random(n), OPTIONS, alt_browser=alt)
        if page.evaluate("() => document.documentElement.outerHTML") != html:
            failures.append(f"{name}: the DOM was not restored")
        if shot is None:
            if name not in allowed_none:
                failures.append(f"{name}: no shot")
            continue
        for problem in _problems(name, reference, shot):
            stem = tmp_path / f"{label}-{name}"
            save_png(reference, stem.with_name(stem.name + "-ref.png"))
            save_png(shot.candidate, stem.with_name(stem.name + "-cand.png"))
            save_png(shot.mask * (255 // 13), stem.with_name(stem.name + "-mask.png"))
            failures.append(f"{name}: {problem} (images: {stem}-*.png; params {shot.params})")
    again = _shoot(page)
    if again.shape != reference.shape or not (again == reference).all():
        save_png(again, tmp_path / f"{label}-after.png")
        failures.append(f"the page does not look as it did before the mutations ({tmp_path / f'{label}-after.png'})")
    if failures:
        pytest.fail(f"{label}:\n  " + "\n  ".join(failures), pytrace=False)


@pytest.mark.browser
def test_every_kind_on_the_demo_signup_page(browsers: tuple[Browser, Browser], tmp_path: Path) -> None:
    main, alt = browsers
    _run_all(_open(main, SIGNUP), alt, tmp_path, "signup", allowed_none=set())


@pytest.mark.browser
def test_every_kind_on_a_generated_page(browsers: tuple[Browser, Browser], tmp_path: Path) -> None:
    """A page of the generator (the test page above while the generator is not there)."""
    main, alt = browsers
    try:
        from layoutcheck.synth.pages import generate_page
    except ImportError:
        html, label = PAGE, "test-page"
    else:
        generated = generate_page(1, "shop-grid")
        html, label = generated.html, f"generated-{generated.template}"
    page = _open(main, html)
    # The one kind a page may lack the element for: the caret needs a text input.
    inputs = page.evaluate("() => !!document.querySelector('input:not([type]), input[type=text], input[type=search], "
                           "input[type=email], textarea')")
    _run_all(page, alt, tmp_path, label, allowed_none=set() if inputs else {"caret"})


@pytest.mark.browser
def test_same_seed_same_candidate_on_a_fresh_page(browsers: tuple[Browser, Browser]) -> None:
    main, _ = browsers
    names = ["overlap", "wrap", "style-mutation", "copy-edit", "subpixel-translate"]
    runs = []
    for _ in range(2):
        page = _open(main, PAGE)
        reference = _shoot(page)
        runs.append([mutate(page, reference, name, random.Random(7), OPTIONS) for name in names])
        page.context.close()
    for name, a, b in zip(names, *runs):
        assert a is not None and b is not None, name
        assert a.params == b.params, name
        assert np.array_equal(a.candidate, b.candidate), f"{name}: candidates differ for the same seed"
        assert np.array_equal(a.mask, b.mask), name


@pytest.mark.browser
def test_hinting_needs_the_alternative_browser(browsers: tuple[Browser, Browser]) -> None:
    main, _ = browsers
    page = _open(main, PAGE)
    assert mutate(page, _shoot(page), "hinting", random.Random(0), OPTIONS) is None
    page.context.close()


@pytest.mark.browser
def test_the_alternative_browsers_font_config_goes_with_it(pw: Playwright, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every launch left a fontconfig file in the temp folder, one per process, forever."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    alt = launch_alt_chromium(pw)
    assert [p.name for p in tmp_path.glob("layoutcheck-fontconfig-*/*.conf")] == ["lcd.conf"]
    alt.close()
    assert list(tmp_path.iterdir()) == []


def test_kinds_are_the_dataset_classes() -> None:
    assert DEFECT_KINDS == {"overlap": 2, "overflow": 3, "viewport-overflow": 4, "clipping": 5, "wrap": 6,
                            "misalignment": 7, "missing": 8, "broken-image": 9, "occlusion": 10,
                            "text-overlap": 11, "font-fallback": 12, "style-mutation": 13}
    assert CHANGE_KINDS == ("digits", "copy-edit", "colour", "icon-swap", "image-swap")
    assert BROWSER_BENIGN_KINDS == ("subpixel-translate", "caret", "hinting", "animation-frame")


def test_unknown_mutation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mutation 'wobble'"):
        mutate(None, np.zeros((2, 2, 3), np.uint8), "wobble", random.Random(0), OPTIONS)  # type: ignore[arg-type]


def test_mask_is_the_dilated_difference_inside_the_boxes() -> None:
    ref = np.full((40, 60, 3), 255, np.uint8)
    cand = ref.copy()
    cand[10:12, 10:12] = 0  # inside the box
    cand[30:32, 50:52] = 0  # outside: not labelled
    cand[20, 20] = 250  # below the tolerance
    box = masks.to_pixels((5.0, 5.0, 20.0, 20.0), 1.0, (0.0, 0.0), cand.shape[:2])
    mask = masks.label(ref, cand, [box], 6)
    assert set(np.unique(mask).tolist()) == {0, 6}
    ys, xs = np.nonzero(mask)
    assert (ys.min(), ys.max(), xs.min(), xs.max()) == (7, 14, 7, 14)  # 2×2 grown by 3 px
    assert masks.labelled_boxes(mask) == ((7, 7, 8, 8, 6),)


def test_whole_box_and_frame_edges() -> None:
    ref = np.zeros((20, 20, 3), np.uint8)
    cand = np.zeros((30, 20, 3), np.uint8)  # taller: the new rows are compared with white padding
    whole = masks.label(ref, cand, [(2, 2, 6, 5)], 8, whole=True)
    assert whole[2:5, 2:6].all() and int((whole > 0).sum()) == 12
    grown = masks.label(ref, cand, [masks.to_pixels((0.0, 22.0, 4.0, 4.0), 1.0, (0.0, 0.0), (30, 20))], 3)
    assert grown[19:29, 0:7].all() and not grown[:19].any() and not grown[29].any() and not grown[:, 7:].any()
    # Device pixels and a screenshot that starts left of the document's x = 0 (right-to-left overflow).
    assert masks.to_pixels((10.2, 4.0, 5.0, 5.0), 2.0, (-100.0, 0.0), (100, 400)) == (220, 8, 231, 18)
    assert masks.to_pixels((500.0, 0.0, 5.0, 5.0), 1.0, (0.0, 0.0), (10, 10)) is None
