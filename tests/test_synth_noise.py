"""Tests of benign rendering noise: it changes pixels, never the layout, and keeps labels aligned."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from layoutcheck.synth.noise import IMAGE_NOISE_KINDS, apply_noise, random_noise

PIXEL_KINDS = [k for k in IMAGE_NOISE_KINDS if k != "vshift"]


@cache
def _page() -> np.ndarray:
    """240x320 page: anti-aliased text, a coloured button, a soft gradient panel."""
    im = Image.new("RGB", (320, 240), "white")
    d = ImageDraw.Draw(im)
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 14)
    except OSError:
        font = ImageFont.load_default(size=14)
    for k, line in enumerate(["Ship faster on a cloud", "that runs itself, with", "backups and replicas."]):
        d.text((12, 10 + 20 * k), line, font=font, fill=(30, 35, 45))
    d.rounded_rectangle([12, 80, 131, 111], radius=6, fill=(52, 84, 209))
    d.text((24, 88), "Start trial", font=font, fill="white")
    grad = np.linspace(250, 200, 150)[None, :, None] * np.ones((100, 1, 1)) + np.array([0, 3, 5])
    im.paste(Image.fromarray(np.clip(grad, 0, 255).astype(np.uint8)), (160, 120))
    page: np.ndarray = np.asarray(im, dtype=np.uint8).copy()
    return page


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16))


def _ink(image: np.ndarray) -> np.ndarray:
    """Where the content is: pixels far from the white page."""
    ink: np.ndarray = (255 - image.astype(np.int16)).max(axis=2) > 96
    return ink


@pytest.mark.parametrize("kind", IMAGE_NOISE_KINDS)
def test_each_kind_changes_pixels_deterministically(kind: str) -> None:
    image = _page()
    a, _ = apply_noise(image, kind, np.random.default_rng(7))
    b, _ = apply_noise(image, kind, np.random.default_rng(7))
    assert a.shape == image.shape and a.dtype == np.uint8
    assert not np.array_equal(a, image)
    assert np.array_equal(a, b)
    assert np.array_equal(image, _page())  # the input is not modified


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", PIXEL_KINDS)
def test_pixel_kinds_keep_the_layout(kind: str, seed: int) -> None:
    image = _page()
    out, _ = apply_noise(image, kind, np.random.default_rng(seed))
    assert _diff(out, image).mean() < 4
    ink_before, ink_after = _ink(image), _ink(out)
    iou = (ink_before & ink_after).sum() / (ink_before | ink_after).sum()
    assert iou > 0.8, f"{kind}: content moved (IoU {iou:.2f})"


@pytest.mark.parametrize("seed", range(4))
def test_magnitudes(seed: int) -> None:
    image = _page()
    rng = np.random.default_rng(seed)
    assert _diff(apply_noise(image, "dither", rng)[0], image).max() <= 1
    assert _diff(apply_noise(image, "colour-profile", rng)[0], image).max() <= 4
    assert _diff(apply_noise(image, "gamma", rng)[0], image).max() <= 16


def test_aa_jitter_touches_only_edges() -> None:
    image = _page()
    out, _ = apply_noise(image, "aa-jitter", np.random.default_rng(0))
    luma = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    pad = np.pad(luma, 1, mode="edge")
    h, w = luma.shape
    windows = [pad[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)]
    local_range = np.max(windows, axis=0) - np.min(windows, axis=0)
    changed = _diff(out, image).max(axis=2) > 0
    assert changed.any() and (local_range[changed] >= 40).all()
    assert _diff(out, image).max() <= 16


def test_resample_is_a_subpixel_translation() -> None:
    """Every pixel lies between itself and its upper (or left) neighbour: a shift below 1 px."""
    image = _page().astype(np.int16)
    for seed in range(6):
        out = apply_noise(image.astype(np.uint8), "resample", np.random.default_rng(seed))[0].astype(np.int16)
        ok = False
        for prev in (np.concatenate([image[:1], image[:-1]]), np.concatenate([image[:, :1], image[:, :-1]], axis=1)):
            lo, hi = np.minimum(image, prev) - 1, np.maximum(image, prev) + 1
            ok |= bool(((out >= lo) & (out <= hi)).all())
        assert ok


@pytest.mark.parametrize("seed", range(4))
def test_vshift_moves_the_mask_with_the_image(seed: int) -> None:
    image = _page()
    mask = np.zeros(image.shape[:2], dtype=np.uint8)
    mask[80:112, 12:132] = 7  # the button
    out, moved = apply_noise(image, "vshift", np.random.default_rng(seed), mask)
    assert moved is not None and moved.dtype == np.uint8
    matches = [k for k in (-2, -1, 1, 2) if np.array_equal(out[2:-2], np.roll(image, k, axis=0)[2:-2])]
    assert len(matches) == 1
    assert np.array_equal(moved[2:-2], np.roll(mask, matches[0], axis=0)[2:-2])
    rows = np.flatnonzero(moved.any(axis=1))
    assert rows[0] == 80 + matches[0] and rows[-1] == 111 + matches[0]


@pytest.mark.parametrize("kind", PIXEL_KINDS)
def test_pixel_kinds_leave_the_mask_alone(kind: str) -> None:
    mask = np.zeros(_page().shape[:2], dtype=np.uint8)
    mask[10:30, 10:50] = 3
    _, out = apply_noise(_page(), kind, np.random.default_rng(0), mask)
    assert out is not None and np.array_equal(out, mask) and out is not mask
    assert apply_noise(_page(), kind, np.random.default_rng(0))[1] is None


def test_random_noise_names_its_kind() -> None:
    kinds = set()
    for seed in range(30):
        out, _, kind = random_noise(_page(), np.random.default_rng(seed))
        again, _, kind_again = random_noise(_page(), np.random.default_rng(seed))
        assert kind == kind_again and np.array_equal(out, again)
        kinds.add(kind)
    assert kinds == set(IMAGE_NOISE_KINDS)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown noise kind"):
        apply_noise(_page(), "blur", np.random.default_rng(0))
    with pytest.raises(ValueError, match="uint8"):
        apply_noise(_page().astype(np.float32), "jpeg", np.random.default_rng(0))
    with pytest.raises(ValueError, match="mask shape"):
        apply_noise(_page(), "jpeg", np.random.default_rng(0), np.zeros((3, 3), np.uint8))
