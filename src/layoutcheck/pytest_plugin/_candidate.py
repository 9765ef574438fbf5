"""Candidates: a stable screenshot of a Playwright page, or an image given any other way, as PNG bytes.

Playwright's errors become :class:`~layoutcheck.errors.CaptureError` (with the page's URL), and
every image that does not decode becomes an :class:`~layoutcheck.errors.ImageError`.
"""

from __future__ import annotations

import inspect
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from layoutcheck.capture import ShotOptions, snapshot
from layoutcheck.elements import Sidecar
from layoutcheck.errors import CaptureError, ImageError, InputError, PageTimeoutError
from layoutcheck.imageio import decode_image, encode_png

if TYPE_CHECKING:
    from playwright.sync_api import Page

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Candidate:
    """What a check compares with its baseline."""

    png: bytes
    size: tuple[int, int]  # (width, height)
    sidecar: Sidecar | None  # element boxes, when shot from a page


def shoot(page: Page, name: str, options: ShotOptions) -> Candidate:
    """A stable screenshot of a loaded page (:func:`~layoutcheck.capture.snapshot`) and its element boxes.

    Raises:
        InputError: ``page`` is not a sync-API Playwright page.
        PageTimeoutError: the screenshot timed out; CaptureError: the page failed (crashed, closed).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if not callable(getattr(page, "screenshot", None)) or not callable(getattr(page, "evaluate", None)):
        raise InputError(
            f"check() takes a Playwright page (sync API), got {type(page).__name__}; "
            "for images made another way use check_image()"
        )
    if inspect.iscoroutinefunction(page.screenshot):
        raise InputError("check() takes a sync-API Playwright page; the async API is not supported")
    url = page.url
    try:
        shot = snapshot(page, options)
        viewport = page.viewport_size or {"width": shot.size[0], "height": shot.size[1]}
        scale = float(page.evaluate("() => window.devicePixelRatio") or 1.0)
    except PlaywrightTimeout as exc:
        raise PageTimeoutError(f"{url}: the screenshot timed out ({_first_line(exc)})") from exc
    except PlaywrightError as exc:
        raise CaptureError(f"{url}: the page failed during the screenshot ({_first_line(exc)})") from exc
    sidecar = shot.sidecar(
        name=name, url=url, viewport=(int(viewport["width"]), int(viewport["height"])),
        device_scale_factor=scale, full_page=options.full_page, selector=options.selector,
    )
    return Candidate(png=shot.png, size=shot.size, sidecar=sidecar)


def image_candidate(image: Any) -> Candidate:
    """PNG bytes of whatever ``check_image`` was given, checked to decode.

    Raises:
        ImageError: the file or bytes are not a readable image; InputError: an unsupported type.
    """
    if isinstance(image, (str, os.PathLike)):
        path = Path(image)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        array = decode_image(data, name=str(path))
        png = data if data[:8] == _PNG_MAGIC else encode_png(array)
    elif isinstance(image, (bytes, bytearray)):
        array = decode_image(bytes(image), name="the image bytes")
        png = bytes(image) if image[:8] == _PNG_MAGIC else encode_png(array)
    elif isinstance(image, np.ndarray):
        if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
            raise InputError(f"expected an (H, W), (H, W, 3) or (H, W, 4) uint8 array, got {image.dtype} {image.shape}")
        png = encode_png(np.ascontiguousarray(image))
        array = image
    elif hasattr(image, "save") and hasattr(image, "convert"):  # a Pillow image
        png = _pillow_png(image)
        array = decode_image(png, name="the Pillow image")
    else:
        raise InputError(
            f"check_image() takes a path, a Pillow image, a uint8 array or PNG bytes, got {type(image).__name__}"
        )
    return Candidate(png=png, size=(int(array.shape[1]), int(array.shape[0])), sidecar=None)


def _pillow_png(image: Any) -> bytes:
    buf = io.BytesIO()
    try:
        image.save(buf, format="PNG")
    except (OSError, ValueError):  # a mode PNG cannot hold (CMYK, F, …): convert, as a browser shows it
        buf = io.BytesIO()
        try:
            image.convert("RGBA").save(buf, format="PNG")
        except (OSError, ValueError) as exc:
            raise ImageError(f"the Pillow image (mode {image.mode}) cannot be saved as PNG: {exc}") from exc
    return buf.getvalue()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
