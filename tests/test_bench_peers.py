"""benchmarks/peers.py against the real npm packages: pixelmatch, odiff-bin, playwright-core.

Slow (a one-time ``npm ci`` into ``benchmarks/.peers/``); skipped where npm is missing or the
install cannot reach the npm registry.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import FIXTURES, ROOT, page_like, write_png

sys.path.insert(0, str(ROOT / "benchmarks"))
import peers  # noqa: E402

pytestmark = pytest.mark.slow
MANIFEST = FIXTURES / "peers" / "MANIFEST.json"


@pytest.fixture(scope="module")
def runner() -> Iterator[peers.PeerRunner]:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node/npm not on PATH: the peers are npm packages")
    try:
        peers.ensure_installed()
    except peers.PeerError as exc:
        pytest.skip(f"the peers could not be installed (no network to the npm registry?): {exc}")
    with peers.PeerRunner() as r:
        yield r


def _pixelmatch_cases() -> list[Any]:
    pinned = peers.pinned_versions()["pixelmatch"]
    cases = []
    for case in json.loads(MANIFEST.read_text())["cases"]:
        for claim in case["peer_assertions"]:
            if claim["peer"] == f"pixelmatch@{pinned}" and "diff_pixels" in claim["expect"]:
                cases.append(pytest.param(case, claim, id=f"{case['id']}-{json.dumps(claim['options'])}"))
    return cases


def test_manifest_has_claims_for_the_pinned_pixelmatch() -> None:
    assert len(_pixelmatch_cases()) >= 5


@pytest.mark.parametrize(("case", "claim"), _pixelmatch_cases())
def test_pixelmatch_counts_what_its_own_tests_assert(
    runner: peers.PeerRunner, case: dict[str, Any], claim: dict[str, Any]
) -> None:
    ref, cand = MANIFEST.parent / case["reference"], MANIFEST.parent / case["candidate"]
    result = runner.compare("pixelmatch", ref, cand, options=claim["options"], want_mask=True)
    assert result.diff_pixels == claim["expect"]["diff_pixels"], f"{ref} vs {cand}"
    assert result.mask is not None and int(result.mask.sum()) == result.diff_pixels
    assert not result.size_mismatch and result.ms > 0


@pytest.mark.parametrize("tool", peers.PEER_TOOLS)
def test_identical_images_differ_nowhere(runner: peers.PeerRunner, tool: str, tmp_path: Path) -> None:
    img = write_png(tmp_path / "a.png", page_like(200, 120))
    copy = write_png(tmp_path / "b.png", page_like(200, 120))
    result = runner.compare(tool, img, copy, want_mask=True)
    assert (result.diff_pixels, result.total_pixels, result.size_mismatch) == (0, 200 * 120, False)
    assert result.ratio == 0.0
    assert result.mask is not None and result.mask.shape == (120, 200) and not result.mask.any()


@pytest.mark.parametrize("tool", peers.PEER_TOOLS)
def test_a_changed_block_is_counted_and_masked_where_it_is(
    runner: peers.PeerRunner, tool: str, tmp_path: Path
) -> None:
    base = page_like(200, 120)
    changed = base.copy()
    changed[40:60, 30:90] = (220, 30, 30)
    ref, cand = write_png(tmp_path / "ref.png", base), write_png(tmp_path / "cand.png", changed)
    result = runner.compare(tool, ref, cand, want_mask=True)
    assert result.mask is not None and int(result.mask.sum()) == result.diff_pixels > 0
    ys, xs = np.nonzero(result.mask)
    assert 40 <= ys.min() and ys.max() < 60 and 30 <= xs.min() and xs.max() < 90
    plain = runner.compare(tool, ref, cand)  # without the mask: the same count
    assert plain.diff_pixels == result.diff_pixels and plain.mask is None


@pytest.mark.parametrize("tool", peers.PEER_TOOLS)
def test_size_mismatch_is_reported_not_raised(runner: peers.PeerRunner, tool: str, tmp_path: Path) -> None:
    ref = write_png(tmp_path / "ref.png", page_like(200, 120))
    cand = write_png(tmp_path / "cand.png", page_like(200, 150))
    result = runner.compare(tool, ref, cand, want_mask=True)
    assert result.size_mismatch and result.total_pixels == 200 * 150
    assert 0 < result.diff_pixels <= result.total_pixels and result.mask is None


def test_threshold_is_passed_to_the_tool(tmp_path: Path) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm not on PATH")
    base = page_like(200, 120)
    faint = base.copy()
    faint[40:60, 30:90] = np.clip(faint[40:60, 30:90].astype(int) - 12, 0, 255)  # a slight darkening
    ref, cand = write_png(tmp_path / "ref.png", base), write_png(tmp_path / "cand.png", faint)
    try:
        strict = peers.PeerRunner(threshold={"pixelmatch": 0.0, "odiff": 0.0, "playwright": 0.0})
    except peers.PeerError as exc:
        pytest.skip(f"the peers could not be installed: {exc}")
    with strict, peers.PeerRunner() as default:
        for tool in peers.PEER_TOOLS:
            assert strict.compare(tool, ref, cand).diff_pixels > default.compare(tool, ref, cand).diff_pixels, tool


def test_errors_are_typed(runner: peers.PeerRunner, tmp_path: Path) -> None:
    img = write_png(tmp_path / "a.png", page_like(50, 40))
    with pytest.raises(peers.PeerError, match="missing.png"):
        runner.compare("pixelmatch", tmp_path / "missing.png", img)
    with pytest.raises(ValueError, match="unknown tool"):
        runner.compare("looks-same", img, img)
    assert runner.compare("odiff", img, img).diff_pixels == 0  # the runner lives on after an error
    with pytest.raises(ValueError, match="unknown tool"):
        peers.PeerRunner(threshold={"pixelmach": 0.1})


def test_versions_are_the_pinned_ones(runner: peers.PeerRunner) -> None:
    loaded = runner.versions()
    assert {k: loaded[k] for k in peers.pinned_versions()} == peers.pinned_versions()
    assert peers.ensure_installed() == peers.pinned_versions()  # cached: no second install


def test_the_playwright_pins_agree_with_the_one_place_that_states_them() -> None:
    # The pins, not what is installed: a registry that moves never turns this red (it did when
    # this test compared the npm pin with the installed Python playwright's driver).
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    python_pin = re.search(r"^playwright==(\S+)", lock, re.MULTILINE)
    assert python_pin is not None and python_pin.group(1) == peers.PLAYWRIGHT_PINS["python playwright"]
    assert peers.pinned_versions()["playwright-core"] == peers.PLAYWRIGHT_PINS["npm playwright-core"]
    npm_lock = json.loads((ROOT / "benchmarks" / "peers" / "package-lock.json").read_text(encoding="utf-8"))
    assert npm_lock["packages"]["node_modules/playwright-core"]["version"] == peers.PLAYWRIGHT_PINS["npm playwright-core"]
