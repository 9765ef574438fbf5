"""Benign rendering noise in image space: the pixel differences a judge must learn to ignore.

Two renders of an unchanged page differ by JPEG/encoder round trips, gamma and colour-profile
conversions, gradient dithering, a row of scroll offset, sub-pixel positioning and font hinting.
Each kind here imitates one of them at a realistic magnitude; none changes the layout, so a
training mask stays 0 wherever only noise acted. Only ``vshift`` moves pixels, and it moves the
mask with them so that labels stay aligned with the candidate.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

#: Every kind :func:`apply_noise` knows, in a fixed order (``random_noise`` draws from it).
IMAGE_NOISE_KINDS: tuple[str, ...] = (
    "jpeg", "gamma", "dither", "vshift", "resample", "aa-jitter", "colour-profile",
)

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def apply_noise(
    image: np.ndarray, kind: str, rng: np.random.Generator, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Apply one kind of benign rendering noise.

    Args:
        image: ``(H, W, 3)`` ``uint8`` RGB screenshot; not modified.
        kind: one of :data:`IMAGE_NOISE_KINDS`.
        rng: source of all randomness; the same state gives the same result.
        mask: optional ``(H, W)`` ``uint8`` label mask; it undergoes the same geometric
            transform as the image (only ``vshift`` moves pixels), so labels stay aligned.

    Returns:
        The noisy ``(H, W, 3)`` ``uint8`` image and the (possibly shifted) mask, or ``None``.

    Raises:
        ValueError: an unknown kind, or an image that is not ``(H, W, 3)`` ``uint8``.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
    if mask is not None and mask.shape != image.shape[:2]:
        raise ValueError(f"mask shape {mask.shape} does not match image {image.shape[:2]}")
    if kind == "vshift":
        rows = int(rng.choice([-2, -1, 1, 2]))
        return _vshift(image, rows), None if mask is None else _vshift(mask, rows)
    fn = _PIXEL_KINDS.get(kind)
    if fn is None:
        raise ValueError(f"unknown noise kind {kind!r}; expected one of {', '.join(IMAGE_NOISE_KINDS)}")
    return fn(image, rng), None if mask is None else mask.copy()


def random_noise(
    image: np.ndarray, rng: np.random.Generator, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """Apply a kind of noise drawn uniformly from :data:`IMAGE_NOISE_KINDS`; also return its name."""
    kind = IMAGE_NOISE_KINDS[int(rng.integers(len(IMAGE_NOISE_KINDS)))]
    noisy, moved = apply_noise(image, kind, rng, mask)
    return noisy, moved, kind


def _vshift(array: np.ndarray, rows: int) -> np.ndarray:
    """Move content down (``rows > 0``) or up by whole rows; vacated rows repeat the edge row."""
    out = np.empty_like(array)
    if rows > 0:
        out[rows:] = array[:-rows]
        out[:rows] = array[:1]
    else:
        out[:rows] = array[-rows:]
        out[rows:] = array[-1:]
    return out


def _jpeg(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A JPEG round trip at quality 70-95, with or without 4:2:0 chroma subsampling."""
    quality = int(rng.integers(70, 96))
    subsampling = int(rng.choice([0, 2]))  # 4:4:4 or 4:2:0
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=quality, subsampling=subsampling)
    buf.seek(0)
    with Image.open(buf) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()


def _gamma(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A display-gamma mismatch: ``x ** g`` with g in 0.9-1.1, never closer to 1 than 0.03."""
    g = float(rng.uniform(0.03, 0.1)) * float(rng.choice([-1.0, 1.0])) + 1.0
    lut = np.rint(255.0 * (np.arange(256) / 255.0) ** g).astype(np.uint8)
    out: np.ndarray = lut[image]
    return out


def _colour_profile(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A colour-profile conversion (sRGB vs display-P3): a near-identity 3x3 affine map.

    Per-channel gain and offset plus a small saturation change; the change of any channel is
    capped at 4 levels, the size of the differences between browsers' colour management.
    """
    gain = 1.0 + rng.uniform(-0.012, 0.012, size=3)
    offset = rng.uniform(-2.0, 2.0, size=3)
    sat = float(rng.uniform(-0.025, 0.025))
    matrix = np.diag(gain) + sat * (np.eye(3) - np.tile(_LUMA, (3, 1)))  # (3, 3); sat keeps greys
    x = image.astype(np.float32)  # (H, W, 3)
    y = x @ matrix.T.astype(np.float32) + offset.astype(np.float32)
    out: np.ndarray = np.clip(x + np.clip(np.rint(y - x), -4, 4), 0, 255).astype(np.uint8)
    return out


def _luma(image: np.ndarray) -> np.ndarray:
    """Integer luma, ``(H, W)`` ``int16`` in 0..255."""
    r, g, b = (image[:, :, c].astype(np.uint16) for c in range(3))
    return ((r * 77 + g * 150 + b * 29) >> 8).astype(np.int16)  # weights sum to 256: no overflow


def _filter3(x: np.ndarray, op: np.ufunc) -> np.ndarray:
    """3x3 maximum or minimum filter (edges replicated); ``op`` is ``np.maximum`` or ``np.minimum``.

    Shifted slices rather than ``scipy.ndimage``: several times faster on a 512 px crop.
    """
    p = np.pad(x, 1, mode="edge")
    rows = op(op(p[:-2], p[1:-1]), p[2:])
    out: np.ndarray = op(op(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:])
    return out


def _gradient(luma: np.ndarray) -> np.ndarray:
    """Largest absolute difference to the right or lower neighbour, per pixel."""
    g = np.zeros_like(luma)
    g[:, :-1] = np.abs(np.diff(luma, axis=1))
    g[:-1, :] = np.maximum(g[:-1, :], np.abs(np.diff(luma, axis=0)))
    return g


def _dither(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gradients re-dithered: random +-1 levels where the page is smooth but not flat.

    Falls back to flat areas when the image has no gradient at all, so that the kind still
    changes pixels (rasterisers also disagree by a level on flat fills).
    """
    g3 = _filter3(_gradient(_luma(image)), np.maximum)
    smooth = g3 <= 3
    region = smooth & (_filter3(g3, np.maximum) >= 1)  # a 5x5 neighbourhood with some variation
    if region.mean() < 0.001:
        region = smooth
    step = rng.integers(-1, 2, size=region.shape, dtype=np.int16) * region  # (H, W)
    out: np.ndarray = np.clip(image.astype(np.int16) + step[:, :, None], 0, 255).astype(np.uint8)
    return out


def _resample(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A sub-pixel translation by 0.2-0.7 px (bilinear), horizontal or vertical."""
    t = float(rng.uniform(0.2, 0.7))
    axis = int(rng.integers(2))
    x = image.astype(np.float32)
    prev = np.empty_like(x)  # the image moved one pixel down or right, edge replicated
    if axis == 0:
        prev[1:], prev[:1] = x[:-1], x[:1]
    else:
        prev[:, 1:], prev[:, :1] = x[:, :-1], x[:, :1]
    return np.clip(np.rint((1.0 - t) * x + t * prev), 0, 255).astype(np.uint8)


def _aa_jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Different font hinting: anti-aliased edge pixels move by 4-16 levels, nothing else does.

    An edge pixel has a strong gradient nearby and lies strictly between its neighbourhood's
    darkest and lightest value; it stays within that range, so no edge moves or vanishes.
    """
    luma = _luma(image)
    lo = _filter3(luma, np.minimum)
    hi = _filter3(luma, np.maximum)
    ys, xs = np.nonzero((hi - lo >= 48) & (luma > lo + 8) & (luma < hi - 8))
    keep = rng.random(ys.size) < 0.6
    ys, xs = ys[keep], xs[keep]
    delta = rng.integers(4, 17, size=ys.size) * (rng.integers(0, 2, size=ys.size) * 2 - 1)
    v = luma[ys, xs]
    delta = np.clip(delta, lo[ys, xs] - v, hi[ys, xs] - v)  # stays inside the local range
    out = image.copy()
    out[ys, xs] = np.clip(image[ys, xs].astype(np.int16) + delta[:, None], 0, 255).astype(np.uint8)
    return out


_PIXEL_KINDS = {
    "jpeg": _jpeg,
    "gamma": _gamma,
    "dither": _dither,
    "resample": _resample,
    "aa-jitter": _aa_jitter,
    "colour-profile": _colour_profile,
}
