"""The labeling page in a real Chromium: paint, choose a class, save, reload; benign; undo; a tall page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from layoutcheck.dataset import load_sample, read_manifest
from layoutcheck.label import create_app, make_label_server, open_store

from .label_helpers import labeling_folder, queued_folder

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TOKEN = "browser-test-token"


class Session:
    """A labeling server on a free port and a 1280x800 page open on it."""

    def __init__(self, browser: Browser, root: Path) -> None:
        self.root = root
        self.server = make_label_server(create_app(open_store(root), token=TOKEN), port=0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/?token={TOKEN}"
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: d.accept())

    def open(self, pair_id: str) -> Page:
        self.page.goto(self.url)
        self.page.wait_for_selector(f'#pane-main[data-ready="{pair_id}"]', timeout=15000)
        return self.page

    def close(self) -> None:
        self.context.close()
        self.server.shutdown()
        self.server.server_close()

    def screen(self, x: float, y: float) -> tuple[float, float]:
        """Where image pixel (x, y) is on the screen now."""
        box = self.page.locator("#stage").bounding_box()
        assert box is not None
        w, h = self.state("W"), self.state("H")
        return box["x"] + (x + 0.5) * box["width"] / w, box["y"] + (y + 0.5) * box["height"] / h

    def state(self, key: str) -> Any:
        return self.page.evaluate(f"window.__layoutcheckLabel.state.{key}")

    def mask_at(self, x: int, y: int) -> int:
        return int(self.page.evaluate(f"(s => s.mask[{y} * s.W + {x}])(window.__layoutcheckLabel.state)"))

    def painted(self) -> int:
        return int(self.page.evaluate("window.__layoutcheckLabel.state.mask.reduce((n, v) => n + (v > 0), 0)"))

    def drag(self, points: list[tuple[float, float]], steps: int = 8) -> None:
        mouse = self.page.mouse
        mouse.move(*self.screen(*points[0]))
        mouse.down()
        for p in points[1:]:
            mouse.move(*self.screen(*p), steps=steps)
        mouse.up()


@pytest.fixture
def session(browser: Browser, tmp_path: Path) -> Iterator[tuple[Session, str]]:
    root, pair_id = labeling_folder(tmp_path)
    s = Session(browser, root)
    yield s, pair_id
    s.close()


def test_paint_class_save_reload(session: tuple[Session, str]) -> None:
    s, pair_id = session
    page = s.open(pair_id)
    page.select_option("#class", "3")
    page.uncheck("#advance")
    s.drag([(40, 160), (100, 165)])
    assert s.mask_at(70, 162) == 3
    page.click("#save")
    page.wait_for_selector("#message.ok", timeout=10000)
    (sample,) = read_manifest(s.root)  # the line is valid: read_manifest validates every field
    assert sample.source == "label" and sample.kind == "defect" and sample.classes == (3,)
    _, _, mask = load_sample(s.root, sample)
    assert mask[162, 70] == 3 and mask[10, 10] == 0
    assert set(np.unique(mask)) == {0, 3}, "no anti-aliased edge values"
    assert 200 < int((mask == 3).sum()) < 2000  # a 12 px brush along ~60 px
    page.reload()
    page.wait_for_selector(f'#pane-main[data-ready="{pair_id}"]')
    assert s.mask_at(70, 162) == 3 and s.state("pair.revision") == 1
    assert page.locator("#progress").inner_text() == "1 / 1 labeled"
    assert not s.errors


@pytest.mark.parametrize(("key", "kind", "classes"), [("n", "benign", ()), ("c", "change", (1,))])
def test_mark_benign_or_changed_not_broken_with_the_key(
    session: tuple[Session, str], key: str, kind: str, classes: tuple[int, ...]
) -> None:
    s, pair_id = session
    page = s.open(pair_id)
    page.keyboard.press(key)
    page.wait_for_selector("#message.ok", timeout=10000)
    (sample,) = read_manifest(s.root)
    assert sample.kind == kind and sample.classes == classes and sample.source == "label"
    assert not s.errors


def test_undo_redo_and_tools(session: tuple[Session, str]) -> None:
    s, pair_id = session
    page = s.open(pair_id)
    s.drag([(20, 20), (120, 20)])
    painted = s.painted()
    assert painted > 0
    page.keyboard.press("Control+z")
    assert s.painted() == 0
    page.keyboard.press("Control+Shift+z")
    assert s.painted() == painted
    page.keyboard.press("r")  # a rectangle
    s.drag([(200, 100), (260, 140)], steps=4)
    assert s.mask_at(230, 120) == 2 and s.mask_at(199, 120) == 0
    page.keyboard.press("e")  # the eraser
    s.drag([(230, 120), (231, 120)], steps=1)
    assert s.mask_at(230, 120) == 0
    page.keyboard.press("b")  # outline a ring with the brush, then fill inside it
    s.drag([(40, 60), (100, 60), (100, 100), (40, 100), (40, 60)], steps=6)
    page.keyboard.press("f")
    page.mouse.click(*s.screen(70, 80))
    assert s.mask_at(70, 80) == 2 and s.mask_at(150, 200) == 0
    page.keyboard.press("Control+z")
    assert s.mask_at(70, 80) == 0 and s.mask_at(40, 60) == 2
    assert not s.errors


@pytest.mark.slow
def test_tall_page_stroke_time_and_alignment(browser: Browser, tmp_path: Path) -> None:
    root, pair_id = queued_folder(tmp_path, width=1280, height=8000)
    s = Session(browser, root)
    try:
        page = s.open(pair_id)
        # Zoom in and pan far down the page: the painted pixel must be the one under the pointer.
        for _ in range(3):
            page.keyboard.press("+")
        target = (300, 6000)
        pane = page.locator("#pane-main").bounding_box()
        assert pane is not None
        left, top = pane["x"] + 60, pane["y"] + pane["height"] / 3  # where the target should come to
        page.mouse.move(pane["x"] + 100, pane["y"] + 100)
        x, y = s.screen(*target)
        page.mouse.wheel(x - left, y - top)  # the wheel pans
        page.wait_for_timeout(100)
        x, y = s.screen(*target)
        assert abs(x - left) < 2 and abs(y - top) < 2, "the wheel panned the target into view"
        page.evaluate("Object.assign(window.__layoutcheckLabel.perf, {events: 0, total: 0, max: 0})")
        page.keyboard.press("]")  # a slightly bigger brush
        s.drag([target, (target[0] + 400, target[1] + 30), (target[0] + 100, target[1] + 60)], steps=40)
        assert s.mask_at(*target) == 2
        assert s.mask_at(target[0], 200) == 0 and s.mask_at(target[0], target[1] - 40) == 0
        # The canvas lies exactly on the candidate at any zoom and pan.
        canvas, cand = page.locator("#mask").bounding_box(), page.locator("#img-cand").bounding_box()
        assert canvas is not None and cand is not None
        for key in ("x", "y", "width", "height"):
            assert abs(canvas[key] - cand[key]) < 0.5, key
        perf = page.evaluate("window.__layoutcheckLabel.perf")
        mean = perf["total"] / max(1, perf["events"])
        flush = perf["flushTotal"] / max(1, perf["flushes"])
        print(f"\n8000 px page: {perf['events']} stroke events, {mean:.3f} ms mean / {perf['max']:.3f} ms max "
              f"per pointermove; canvas flush {flush:.3f} ms mean / {perf['flushMax']:.3f} ms max")
        assert perf["events"] >= 40
        assert mean < 8.0, "a stroke event must leave most of a 60 fps frame free"
        page.uncheck("#advance")
        page.click("#save")
        page.wait_for_selector("#message.ok", timeout=20000)
        (sample,) = read_manifest(root)
        _, _, mask = load_sample(root, sample)
        assert mask.shape == (8000, 1280) and mask[target[1], target[0]] == 2
        assert not s.errors
    finally:
        s.close()


def test_report_label_command_names_its_folder(browser: Browser, tmp_path: Path) -> None:
    from .label_helpers import make_report

    report = make_report(tmp_path)
    page = browser.new_page()
    try:
        page.goto((report / "index.html").as_uri())
        command = page.locator('[data-role="label-command"]').first.inner_text()
        assert command == f"layoutcheck label --add {report} broken@desktop.png --to labels"
    finally:
        page.close()
