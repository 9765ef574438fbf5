from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from layoutcheck.errors import ImageError
from layoutcheck.imageio import load_image, save_png

from .conftest import page_like, write_png


def test_rgb_round_trip(tmp_path: Path) -> None:
    img = page_like()
    save_png(img, tmp_path / "a.png")
    assert np.array_equal(load_image(tmp_path / "a.png"), img)


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "empty file"), (b"hello, not a png", "not an image"), (b"\x89PNG\r\n\x1a\n\x00\x00", "")],
)
def test_bad_bytes_name_the_file(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageError) as err:
        load_image(path)
    assert str(path) in str(err.value)
    assert needle in str(err.value)


def test_truncated_png(tmp_path: Path) -> None:
    full = write_png(tmp_path / "full.png", np.random.default_rng(1).integers(0, 255, (200, 200, 3), dtype=np.uint8))
    cut = tmp_path / "cut.png"
    cut.write_bytes(full.read_bytes()[: len(full.read_bytes()) // 2])
    with pytest.raises(ImageError, match="corrupt or truncated"):
        load_image(cut)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="is a folder"):
        load_image(tmp_path)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    # A 20000x20000 single-colour PNG is tiny on disk but would need 1.2 GB decoded.
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path)
    assert path.stat().st_size < 200_000
    with pytest.raises(ImageError, match="decompression bomb"):
        load_image(path)
    with pytest.raises(ImageError, match="exceeds the limit"):
        load_image(write_png(tmp_path / "small.png", page_like()), max_pixels=1000)


def test_sixteen_bit_grey(tmp_path: Path) -> None:
    arr = (np.arange(64 * 32, dtype=np.uint16).reshape(32, 64) * 31).astype(np.uint16)
    path = tmp_path / "g16.png"
    Image.fromarray(arr).save(path)
    out = load_image(path)
    assert out.shape == (32, 64, 3) and out.dtype == np.uint8
    assert np.array_equal(out[:, :, 0], (arr >> 8).astype(np.uint8))


def test_palette_grey_and_alpha(tmp_path: Path) -> None:
    rgb = page_like(64, 48)
    pal = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    pal.save(tmp_path / "p.png")
    assert load_image(tmp_path / "p.png").shape == (48, 64, 3)
    Image.fromarray(rgb).convert("L").save(tmp_path / "l.png")
    grey = load_image(tmp_path / "l.png")
    assert np.array_equal(grey[:, :, 0], grey[:, :, 2])
    rgba = np.zeros((4, 4, 4), dtype=np.uint8)
    rgba[:, :, 0] = 255
    rgba[:2, :, 3] = 255  # top opaque red, bottom fully transparent
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    out = load_image(tmp_path / "a.png")
    assert out[0, 0].tolist() == [255, 0, 0]
    assert out[3, 0].tolist() == [255, 255, 255]  # transparent shows as white, like a browser
