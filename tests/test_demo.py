"""End to end on the bundled demo site: capture both releases in Chromium, compare, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from layoutcheck.capture import capture
from layoutcheck.cli import main
from layoutcheck.config import load_config
from layoutcheck.elements import read_sidecar

from .conftest import FIXTURES
from .test_cli import SCHEMA

pytestmark = pytest.mark.browser

DEMO = FIXTURES / "demo"


@pytest.fixture(scope="module")
def demo_shots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Release 1 (reference) and release 2 (candidate) of three demo pages."""
    root = tmp_path_factory.mktemp("demo")
    cfg = load_config(DEMO / "layoutcheck.toml")
    pages = ("home", "pricing", "report")
    capture(cfg, root / "ref", only=pages)
    capture(cfg, root / "cand", only=pages, extra_css=(DEMO / "release-2.css").read_text())
    return root / "ref", root / "cand"


def _compare(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["compare", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_broken_pricing_page_fails_on_the_broken_card(demo_shots: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = demo_shots
    code, doc = _compare(str(ref / "pricing@desktop.png"), str(cand / "pricing@desktop.png"), "--out", str(tmp_path / "r"))
    assert code == 1 and doc["verdict"] == "fail"
    # The card that broke is #plan-enterprise: some region must overlap its box in the reference.
    boxes = {e.selector: e.box for e in read_sidecar(ref / "pricing@desktop.json").elements}
    ex, ey, ew, eh = boxes["#plan-enterprise"]
    regions = doc["pairs"][0]["regions"]
    assert any(r["x"] < ex + ew and ex < r["x"] + r["w"] and r["y"] < ey + eh and ey < r["y"] + r["h"] for r in regions)
    # ...and everything flagged lies on the row of plan cards: nothing above or below it moved.
    cards = [b for s, b in boxes.items() if s.startswith("#plan-") and " " not in s]
    top = min(b[1] for b in cards)
    bottom = max(b[1] + b[3] for b in cards)
    assert all(top - 40 <= r["y"] and r["y"] + r["h"] <= bottom + 40 for r in regions)
    assert any(r.get("element") for r in regions)


def test_unchanged_and_harmless_pages_pass(demo_shots: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = demo_shots
    code, doc = _compare(str(ref), str(cand), "--out", str(tmp_path / "r"))
    import jsonschema

    jsonschema.validate(doc, SCHEMA)
    verdicts = {p["name"]: p["verdict"] for p in doc["pairs"]}
    assert code == 1
    assert verdicts == {
        "home@desktop.png": "pass", "home@phone.png": "pass",
        "pricing@desktop.png": "fail", "pricing@phone.png": "pass",
        "report@desktop.png": "pass", "report@phone.png": "pass",  # a 1-2 level colour shift
    }
    code, doc = _compare(str(ref / "home@desktop.png"), str(cand / "home@desktop.png"), "--no-report")
    assert code == 0 and doc["pairs"][0]["regions"] == []
