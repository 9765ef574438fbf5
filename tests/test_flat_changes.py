from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from layoutcheck.flat_changes import LEVEL_TOL, MIN_PIXELS, flat_changes

from .conftest import page_like


def test_a_card_whose_fill_changed_in_one_channel_is_one_change() -> None:
    ref = page_like(320, 240)
    for channel in range(3):
        cand = ref.copy()
        fill = ref[80:120, 160:220, channel].astype(np.int16)
        cand[80:120, 160:220, channel] = np.where(fill > 127, fill - 60, fill + 60)  # one channel, 60 levels
        assert flat_changes(ref, cand) == [(160, 80, 60, 40)], channel  # the card, rim included


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(buf).convert("RGB"))


@pytest.mark.parametrize("noise", ["jpeg", "gamma", "shift", "resample", "small-change", "small-levels"])
def test_rendering_noise_and_small_changes_are_not_flat_changes(noise: str) -> None:
    ref = page_like(320, 240, seed=3)
    if noise == "jpeg":
        cand = _jpeg(ref, 70)
    elif noise == "gamma":  # a colour profile: every level moved, flat colours by under 20
        cand = (255 * (ref / 255.0) ** 0.85).round().astype(np.uint8)
    elif noise == "shift":  # a 1 px move: only edges change
        cand = np.concatenate([ref[:, :1], ref[:, :-1]], axis=1)
    elif noise == "resample":  # sub-pixel: blurred edges
        cand = np.asarray(Image.fromarray(ref).resize((331, 248), Image.BILINEAR).resize((320, 240), Image.BILINEAR))
    elif noise == "small-change":  # a swatch under MIN_PIXELS
        cand = ref.copy()
        cand[100:106, 170:176] = (200, 40, 40)
        assert 36 < MIN_PIXELS
    else:  # a fill moved by fewer levels than LEVEL_TOL
        cand = ref.copy()
        cand[80:120, 160:220, 2] += LEVEL_TOL - 8
    assert flat_changes(ref, cand) == []


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="one size"):
        flat_changes(page_like(32, 32), page_like(32, 40))
