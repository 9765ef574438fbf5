"""Reading and writing screenshots safely.

Every image enters layoutcheck through :func:`load_image`, which turns any PNG flavour (16-bit,
palette, grey, alpha) into an RGB ``uint8`` array and turns every way a file can be bad into one
:class:`~layoutcheck.errors.ImageError` that names the file.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from layoutcheck.errors import ImageError
from layoutcheck.fsutil import atomic_write_bytes

#: Largest image accepted, in pixels: a 1920-wide full page 26,000 px tall. Above it a file is
#: treated as a decompression bomb. Override per call with ``max_pixels``.
MAX_PIXELS = 50_000_000

#: File suffixes treated as images when comparing folders.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) of an image file, read from its header only."""
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise ImageError(f"{path}: not a readable image ({_reason(exc)})") from exc


def load_image(path: Path | str, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode an image file into an RGB array.

    Alpha is composited over white (as browsers show a transparent screenshot); 16-bit
    channels are scaled down, palettes and grey are expanded.

    Args:
        path: the image file.
        max_pixels: refuse images with more pixels than this (decompression bombs).

    Returns:
        ``(H, W, 3)`` ``uint8`` array.

    Raises:
        ImageError: missing, empty, not an image, truncated or corrupt, or too large.
    """
    path = Path(path)
    if not path.exists():
        raise ImageError(f"{path}: no such file")
    if path.is_dir():
        raise ImageError(f"{path}: is a folder, expected an image file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not data:
        raise ImageError(f"{path}: empty file, expected a PNG image")
    return decode_image(data, name=str(path), max_pixels=max_pixels)


def decode_image(data: bytes, *, name: str = "<bytes>", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode image bytes into an ``(H, W, 3)`` ``uint8`` RGB array (see :func:`load_image`)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            w, h = im.size
            if w * h > max_pixels:
                raise ImageError(
                    f"{name}: {w}x{h} = {w * h:,} pixels exceeds the limit of {max_pixels:,} "
                    "(possible decompression bomb); raise max_pixels if the image is genuine"
                )
            if w == 0 or h == 0:
                raise ImageError(f"{name}: image has no pixels ({w}x{h})")
            im.load()
            return _to_rgb(im)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{name}: too many pixels, possible decompression bomb") from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name}: not an image (expected PNG, JPEG or WebP)") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"{name}: corrupt or truncated image ({_reason(exc)})") from exc


def _to_rgb(im: Image.Image) -> np.ndarray:
    """Convert any Pillow mode to an RGB ``uint8`` array, alpha composited over white."""
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(im, dtype=np.uint32)
        if mode == "I" and arr.max(initial=0) <= 255:
            grey = arr.astype(np.uint8)
        else:
            grey = (arr >> 8).clip(0, 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if mode == "F":
        grey = np.asarray(im, dtype=np.float32).clip(0, 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if mode == "RGB":
        return np.asarray(im, dtype=np.uint8).copy()
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        mode == "P" and "transparency" in im.info
    )
    if has_alpha:
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float32)  # (H, W, 4)
        alpha = rgba[:, :, 3:4] / 255.0
        rgb = rgba[:, :, :3] * alpha + 255.0 * (1.0 - alpha)
        return np.rint(rgb).astype(np.uint8)
    return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()


def encode_png(array: np.ndarray, *, compress_level: int = 1) -> bytes:
    """Encode an ``(H, W, 3|4)`` or ``(H, W)`` ``uint8`` array as PNG bytes."""
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def save_png(array: np.ndarray, path: Path, *, compress_level: int = 1) -> None:
    """Write an array as a PNG, atomically."""
    atomic_write_bytes(path, encode_png(array, compress_level=compress_level))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def image_size_of_png(data: bytes) -> tuple[int, int]:
    """(width, height) of encoded image bytes, read from the header only."""
    with Image.open(io.BytesIO(data)) as im:
        return im.size
