"""Tests of the pixel judge, including agreement with pixelmatch on pixelmatch's own fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from layoutcheck.pixel import MAX_YIQ_DELTA, PixelDiff, diff_image, pixel_diff

PEERS = Path(__file__).resolve().parent.parent / "fixtures" / "peers"

# pixelmatch 8.0 replaced the YIQ delta with OKLab/HyAB (its README cites Ottosson 2020 and
# Abasi et al. 2019 instead of Kotsarenko & Ramos), so its counts differ from any YIQ comparator
# by up to 13 % on these fixtures (1a-1b: 120 vs 106). 7.2.0 is the last YIQ release and the
# reference this implementation is held to -- exactly.
PEER = "pixelmatch@7.2.0"


def _blank(h: int = 20, w: int = 30, value: int = 255) -> np.ndarray:
    return np.full((h, w, 3), value, dtype=np.uint8)


def _load_rgb(path: Path) -> np.ndarray:
    """Load a PNG as RGB, blending any alpha over white as callers of ``pixel_diff`` must."""
    rgba = np.asarray(Image.open(path).convert("RGBA"), dtype=np.float64)  # (H, W, 4)
    alpha = rgba[..., 3:] / 255.0
    return np.round(255.0 + (rgba[..., :3] - 255.0) * alpha).astype(np.uint8)  # (H, W, 3)


def _peer_cases() -> list[Any]:
    manifest = json.loads((PEERS / "MANIFEST.json").read_text())
    params = []
    for case in manifest["cases"]:
        for check in case["peer_assertions"]:
            if check["peer"] != PEER:
                continue
            options = check["options"]
            if not set(options) <= {"threshold", "includeAA"}:
                continue  # an option layoutcheck does not have
            params.append(
                pytest.param(
                    case["reference"],
                    case["candidate"],
                    options,
                    check["expect"]["diff_pixels"],
                    id=f"{case['id']}-{json.dumps(options, sort_keys=True)}",
                )
            )
    return params


@pytest.mark.parametrize(("reference", "candidate", "options", "expected"), _peer_cases())
def test_matches_pixelmatch_on_its_fixtures(
    reference: str, candidate: str, options: dict[str, Any], expected: int
) -> None:
    ref = _load_rgb(PEERS / reference)
    cand = _load_rgb(PEERS / candidate)
    diff = pixel_diff(
        ref,
        cand,
        threshold=options.get("threshold", 0.1),
        include_aa=options.get("includeAA", False),
    )
    assert diff.diff_pixels == expected


def test_peer_fixtures_are_present() -> None:
    assert len(_peer_cases()) >= 8


def test_identical_images_have_no_diff() -> None:
    img = np.random.default_rng(0).integers(0, 256, (40, 50, 3), dtype=np.uint8)
    diff = pixel_diff(img, img.copy(), threshold=0.0)
    assert diff.diff_pixels == 0
    assert not diff.aa_mask.any()
    assert not diff.delta.any()
    assert diff.mask.shape == diff.aa_mask.shape == diff.delta.shape == (40, 50)
    assert diff.mask.dtype == bool and diff.delta.dtype == np.float32


def test_solid_block_counted_exactly() -> None:
    ref = _blank()
    cand = ref.copy()
    cand[5:12, 8:20] = (0, 0, 0)
    diff = pixel_diff(ref, cand)
    assert diff.diff_pixels == 7 * 12
    assert not diff.aa_mask.any()
    assert diff.mask[5:12, 8:20].all()
    assert diff.delta[5, 8] == pytest.approx(32857.13 / MAX_YIQ_DELTA, rel=1e-5)


def test_block_on_the_image_border_counted_exactly() -> None:
    ref = _blank()
    cand = ref.copy()
    cand[:3, -4:] = (200, 0, 0)
    assert pixel_diff(ref, cand).diff_pixels == 12


def test_threshold_sets_the_largest_delta_ignored() -> None:
    ref = _blank(value=128)
    cand = _blank(value=138)  # a grey 10 levels lighter: delta = 0.5053 * 10**2 * (sum of Y)**2
    delta = 0.5053 * (10 * 1.00000001) ** 2
    t = (delta / MAX_YIQ_DELTA) ** 0.5
    assert pixel_diff(ref, cand, threshold=t * 0.99).diff_pixels == ref.shape[0] * ref.shape[1]
    assert pixel_diff(ref, cand, threshold=t * 1.01).diff_pixels == 0
    assert pixel_diff(ref, cand, threshold=0.0).diff_pixels == ref.shape[0] * ref.shape[1]


def test_threshold_one_ignores_everything() -> None:
    ref = _blank(value=0)
    cand = _blank(value=255)
    assert pixel_diff(ref, cand, threshold=1.0).diff_pixels == 0


@pytest.mark.parametrize("threshold", [-0.01, 1.01, float("nan")])
def test_threshold_out_of_range_raises(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        pixel_diff(_blank(), _blank(), threshold=threshold)


def test_unequal_sizes_raise_with_both_sizes() -> None:
    with pytest.raises(ValueError, match=r"30x20.*31x20.*common area"):
        pixel_diff(_blank(20, 30), _blank(20, 31))


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((4, 4), dtype=np.uint8),
        np.zeros((4, 4, 4), dtype=np.uint8),
        np.zeros((4, 4, 3), dtype=np.float32),
    ],
)
def test_non_rgb_uint8_raises(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="candidate"):
        pixel_diff(np.zeros((4, 4, 3), dtype=np.uint8), bad)


def _edge(x: float, h: int = 20, w: int = 30) -> np.ndarray:
    """A white-to-black vertical edge at sub-pixel position ``x``, drawn with area coverage."""
    cols = np.clip(np.arange(w) + 1.0 - x, 0.0, 1.0)  # (W,) share of each column that is black
    grey = np.round(255.0 * (1.0 - cols)).astype(np.uint8)
    return np.repeat(np.repeat(grey[None, :, None], h, axis=0), 3, axis=2)  # (H, W, 3)


def test_subpixel_shift_of_an_antialiased_edge_is_antialiasing() -> None:
    ref, cand = _edge(10.3), _edge(10.7)
    assert (ref != cand).any(axis=2).sum() == 20  # only the edge column changed
    diff = pixel_diff(ref, cand, threshold=0.05)
    assert diff.diff_pixels == 0
    assert diff.aa_mask.sum() == 20
    assert diff.aa_mask[:, 10].all()
    counted = pixel_diff(ref, cand, threshold=0.05, include_aa=True)
    assert counted.diff_pixels == 20
    assert not counted.aa_mask.any()


def test_thin_line_moved_by_a_pixel_is_a_real_diff() -> None:
    ref = _blank()
    cand = ref.copy()
    ref[:, 10] = 0
    cand[:, 11] = 0
    diff = pixel_diff(ref, cand)
    assert diff.diff_pixels == 2 * 20
    assert not diff.aa_mask.any()


def test_diff_image_colours() -> None:
    mask = np.zeros((2, 3), dtype=bool)
    aa = np.zeros((2, 3), dtype=bool)
    mask[0, 0] = True
    aa[1, 2] = True
    out = diff_image(PixelDiff(mask=mask, aa_mask=aa, delta=np.zeros((2, 3), np.float32)))
    assert out.shape == (2, 3, 4) and out.dtype == np.uint8
    assert tuple(out[0, 0]) == (255, 0, 0, 255)
    assert tuple(out[1, 2]) == (255, 255, 0, 160)
    assert out[0, 1].tolist() == [0, 0, 0, 0]
    assert np.count_nonzero(out[..., 3]) == 2


# A plain, pixel-at-a-time reading of the anti-aliasing detector, to check the vectorised one
# against, border pixels and tiny images included.
_LUMA = (0.29889531, 0.58662247, 0.11448223)


def _luma(p: np.ndarray) -> float:
    return float(p[0]) * _LUMA[0] + float(p[1]) * _LUMA[1] + float(p[2]) * _LUMA[2]


def _around(img: np.ndarray, x: int, y: int) -> tuple[int, list[tuple[int, int]]]:
    """The border bonus of (x, y) and its in-image neighbours, x-major."""
    h, w = img.shape[:2]
    bonus = int(x in (0, w - 1) or y in (0, h - 1))
    cells = [
        (nx, ny)
        for nx in range(max(x - 1, 0), min(x + 1, w - 1) + 1)
        for ny in range(max(y - 1, 0), min(y + 1, h - 1) + 1)
        if (nx, ny) != (x, y)
    ]
    return bonus, cells


def _naive_flat(img: np.ndarray, x: int, y: int) -> bool:
    equal, cells = _around(img, x, y)
    equal += sum(bool((img[ny, nx] == img[y, x]).all()) for nx, ny in cells)
    return equal > 2


def _naive_aa(img: np.ndarray, other: np.ndarray, x: int, y: int) -> bool:
    equal, cells = _around(img, x, y)
    low = high = 0.0
    low_at = high_at = (0, 0)
    for nx, ny in cells:
        d = _luma(img[y, x]) - _luma(img[ny, nx])
        if d == 0:
            equal += 1
        elif d < low:
            low, low_at = d, (nx, ny)
        elif d > high:
            high, high_at = d, (nx, ny)
    if equal > 2 or low == 0 or high == 0:
        return False
    return any(_naive_flat(img, *p) and _naive_flat(other, *p) for p in (low_at, high_at))


def test_antialiasing_matches_a_pixel_at_a_time_reading() -> None:
    rng = np.random.default_rng(0)
    seen_aa = 0
    for _ in range(200):
        h, w = (int(v) for v in rng.integers(1, 9, size=2))
        palette = rng.integers(0, 256, (int(rng.integers(2, 5)), 3), dtype=np.uint8)
        ref = palette[rng.integers(0, len(palette), (h, w))]  # (h, w, 3), with flat areas
        cand = ref.copy()
        changed = rng.random((h, w)) < 0.3
        cand[changed] = palette[rng.integers(0, len(palette), int(changed.sum()))]
        diff = pixel_diff(ref, cand, threshold=0.0)
        for y in range(h):
            for x in range(w):
                differs = bool((ref[y, x] != cand[y, x]).any())
                aa = differs and (_naive_aa(ref, cand, x, y) or _naive_aa(cand, ref, x, y))
                assert diff.aa_mask[y, x] == aa, (h, w, x, y)
                assert diff.mask[y, x] == (differs and not aa), (h, w, x, y)
                seen_aa += aa
    assert seen_aa > 20  # the check saw the detector fire, not just stay quiet
