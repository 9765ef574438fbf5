"""Shared test helpers: small real PNGs written with Pillow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def page_like(width: int = 320, height: int = 240, seed: int = 0) -> np.ndarray:
    """A page-like RGB image: white background, grey text-like bars, a coloured card."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), 255, dtype=np.uint8)
    for y in range(10, height - 10, 14):
        length = int(rng.integers(width // 4, width - 20))
        img[y : y + 6, 10 : 10 + length] = 60
    img[height // 3 : height // 3 + 40, width // 2 : width // 2 + 60] = (30, 120, 200)
    return img


def write_png(path: Path, array: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)
    return path


@pytest.fixture
def pair_dir(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders: same, changed (a block moved), new, deleted, and a nested path."""
    ref, cand = tmp_path / "ref", tmp_path / "cand"
    base = page_like()
    broken = base.copy()
    broken[150:180, 20:120] = (220, 30, 30)
    write_png(ref / "same.png", base)
    write_png(cand / "same.png", base)
    write_png(ref / "broken.png", base)
    write_png(cand / "broken.png", broken)
    write_png(ref / "gone.png", base)
    write_png(cand / "added.png", base)
    write_png(ref / "sub" / "deep.png", base)
    write_png(cand / "sub" / "deep.png", base)
    return ref, cand


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tiny networks run fastest on one torch thread; two OpenMP threads on a busy 2-core box crawl."""
    import torch  # only the tests that run a network pay for the import

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module: starting it costs more than most browser tests."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from layoutcheck.browser import launch_chromium

    with sync_api.sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()
