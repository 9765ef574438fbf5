"""Capture in a real Chromium: stabilisation, masks, sidecars, timeouts, browser failures."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from layoutcheck.capture import capture
from layoutcheck.cli import main
from layoutcheck.config import load_config
from layoutcheck.errors import BrowserError, CaptureFailures, PageTimeoutError
from layoutcheck.imageio import load_image

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><style>
body { margin: 0; font: 16px "DejaVu Sans", sans-serif; }
#spin { width: 40px; height: 40px; background: #c33; animation: spin 0.3s linear infinite; }
@keyframes spin { from { transform: rotate(0deg); } to { transform: rotate(360deg); } }
.ad { width: 100px; height: 50px; background: linear-gradient(90deg, #0a0, #00a); }
.cookie { height: 30px; background: #fc0; }
#out { height: 20px; }
</style></head><body>
<nav id="top"><a href="#">Home</a> <a href="#">Docs</a></nav>
<div id="spin"></div><div class="ad"></div><div class="cookie">cookies!</div>
<input id="q" autofocus><button id="go" onclick="document.getElementById('out').textContent='clicked'">Go</button>
<div id="out"></div><p>Some text here.</p>
</body></html>"""


def _config(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "page.html").write_text(PAGE)
    cfg = tmp_path / "layoutcheck.toml"
    cfg.write_text(
        'baseline_dir = "base"\noutput_dir = "cur"\ntimeout_ms = 5000\n'
        "[[viewports]]\nname = \"small\"\nwidth = 400\nheight = 300\n"
        "[[pages]]\nname = \"page\"\nurl = \"page.html\"\nmask = [\".ad\"]\nhide = [\".cookie\"]\n"
        'actions = [{click = "#go"}]\n' + extra
    )
    return cfg


def test_capture_is_stable_masked_and_has_element_boxes(tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path))
    (shot,) = capture(cfg, tmp_path / "out")
    assert shot.name == "page@small" and shot.stable
    img = load_image(shot.path)
    assert img.shape[1] == 400
    sidecar = json.loads(shot.sidecar.read_text())
    boxes = {e["selector"]: e for e in sidecar["elements"]}
    # The mask is painted flat magenta over the ad's box.
    x, y, w, h = boxes[".ad"]["box"]  # named by its class, as devtools would
    assert (img[y + 2 : y + h - 2, x + 2 : x + w - 2] == (255, 0, 255)).all()
    # Hidden elements are invisible and absent from the boxes.
    assert not any("cookie" in e["selector"] or e["box"][3] == 30 and e["tag"] == "div" for e in sidecar["elements"])
    # The click action ran before the shot.
    assert boxes["#out"]["text_length"] == len("clicked")
    assert boxes["#top"]["tag"] == "nav"
    # A second capture of the animated page is pixel-identical.
    (again,) = capture(cfg, tmp_path / "again")
    assert np.array_equal(load_image(again.path), img)


def test_element_screenshot_boxes_are_relative_to_the_element(tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, 'selector = "#top"\n'))
    (shot,) = capture(cfg, tmp_path / "out")
    sidecar = json.loads(shot.sidecar.read_text())
    assert sidecar["size"] == list(load_image(shot.path).shape[1::-1])
    for e in sidecar["elements"]:
        x, y, w, h = e["box"]
        assert x >= 0 and y >= 0 and x + w <= sidecar["size"][0] + 1 and y + h <= sidecar["size"][1] + 1


def test_wait_for_timeout_names_the_url(tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, 'wait_for = "#never"\n'))
    with pytest.raises(CaptureFailures) as err:
        capture(cfg, tmp_path / "out")
    ((name, error),) = err.value.failures
    assert name == "page@small" and isinstance(error, PageTimeoutError)
    assert "page.html" in str(err.value) and "#never" in str(err.value)
    assert not (tmp_path / "out" / "page@small.png").exists()


def test_a_failing_page_does_not_stop_the_others(tmp_path: Path) -> None:
    extra = (
        '[[pages]]\nname = "broken"\nurl = "page.html"\nwait_for = "#never"\n'
        '[[pages]]\nname = "after"\nurl = "page.html"\n'
    )
    path = _config(tmp_path, extra)
    path.write_text(path.read_text().replace("timeout_ms = 5000", "timeout_ms = 1500"))  # "#never": 1.5 s
    cfg = load_config(path)
    seen: list[str] = []
    with pytest.raises(CaptureFailures) as err:
        capture(cfg, tmp_path / "out", on_shot=lambda shot: seen.append(shot.name),
                on_failure=lambda name, exc: seen.append(f"failed {name}"))
    assert seen == ["page@small", "failed broken@small", "after@small"]  # in config order, none skipped
    assert err.value.written == 2 and [n for n, _ in err.value.failures] == ["broken@small"]
    assert str(err.value).startswith("1 of 3 screenshot(s) failed, the other 2 were written; broken@small: ")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["after@small.png", "page@small.png"]
    result = CliRunner().invoke(main, ["capture", str(path), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "  broken@small  FAILED: " in result.stdout and "  after@small  400x" in result.stdout


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/slow"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


def test_page_that_never_loads_exits_2_with_the_url(tmp_path: Path, silent_server: str) -> None:
    cfg = tmp_path / "layoutcheck.toml"
    cfg.write_text(f'timeout_ms = 1500\n[[pages]]\nname = "slow"\nurl = "{silent_server}"\n')
    result = CliRunner().invoke(main, ["capture", str(cfg), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert silent_server in result.stderr and "1500 ms" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_browser_that_cannot_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("LAYOUTCHECK_CHROMIUM", str(fake))
    with pytest.raises(BrowserError, match="could not start"):
        capture(load_config(_config(tmp_path)), tmp_path / "out")
    monkeypatch.setenv("LAYOUTCHECK_CHROMIUM", str(tmp_path / "missing"))
    result = CliRunner().invoke(main, ["capture", str(_config(tmp_path))])
    assert result.exit_code == 2 and "is not a file" in result.stderr


LAZY = """<!doctype html><html><body style="margin:0">
<div style="height:3000px;background:#eee">tall</div>
<img loading="lazy" width="120" height="80" alt="x"
     src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='120' height='80'%3E%3Crect width='120' height='80' fill='%23c00'/%3E%3C/svg%3E">
</body></html>"""


def test_a_lazy_image_below_the_fold_is_loaded_not_waited_for_forever(tmp_path: Path) -> None:
    # Regression: the settle script awaited the load event of every incomplete image, and a
    # loading="lazy" image below the fold never loads in a full-page shot: capture hung for good.
    (tmp_path / "lazy.html").write_text(LAZY)
    cfg = tmp_path / "layoutcheck.toml"
    cfg.write_text('output_dir = "cur"\ntimeout_ms = 5000\n[[viewports]]\nname = "v"\nwidth = 300\nheight = 200\n'
                   '[[pages]]\nname = "lazy"\nurl = "lazy.html"\n')
    (shot,) = capture(load_config(cfg), tmp_path / "out")
    img = load_image(shot.path)
    assert img.shape[0] >= 3080 and (img[3010:3070, 10:100] == (204, 0, 0)).all()  # the image was drawn


def test_an_image_that_never_arrives_is_flagged_after_the_time_limit(tmp_path: Path, silent_server: str) -> None:
    (tmp_path / "stuck.html").write_text(f'<!doctype html><body><p>text</p><img src="{silent_server}.png"></body>')
    cfg = tmp_path / "layoutcheck.toml"
    cfg.write_text('output_dir = "cur"\ntimeout_ms = 1500\n[[pages]]\nname = "stuck"\nurl = "stuck.html"\n'
                   'wait_until = "domcontentloaded"\n')
    (shot,) = capture(load_config(cfg), tmp_path / "out")
    assert shot.path.is_file() and not shot.stable  # shot and flagged, not hung
