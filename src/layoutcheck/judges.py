"""Judges: what decides whether two screenshots differ, and where.

Every judge follows the :class:`Judge` protocol, so ``compare`` treats the pixel comparator and
(later) the U-Net the same way. A judge sees two RGB arrays of the same size (``compare`` crops
to the common area and handles size differences itself).
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from layoutcheck.errors import InputError, ModelNotAvailableError
from layoutcheck.judgement import Judge, Judgement

__all__ = ["METHODS", "Judge", "Judgement", "PixelJudge", "get_judge"]

#: Methods that ``get_judge`` knows.
METHODS = ("pixel", "unet")


@dataclass(frozen=True)
class PixelJudge:
    """The pixelmatch-family comparator: YIQ colour delta over ``threshold``, anti-aliasing ignored.

    Any differing pixel that is not anti-aliasing fails the pair, as in pixel-diff tools.
    """

    threshold: float = 0.1
    include_aa: bool = False
    gap: int = 20  # px: differences closer than this are one region (a line of text, a card)
    method: str = "pixel"

    def judge(self, reference: np.ndarray, candidate: np.ndarray) -> Judgement:
        from layoutcheck.pixel import diff_image, pixel_diff
        from layoutcheck.regions import regions_from_mask

        diff = pixel_diff(reference, candidate, threshold=self.threshold, include_aa=self.include_aa)
        if not diff.diff_pixels and not diff.aa_mask.any():
            return Judgement(regions=(), diff_pixels=0, overlay=None)
        regions = regions_from_mask(diff.mask, diff.delta, kind="diff", gap=self.gap)
        return Judgement(regions=tuple(regions), diff_pixels=diff.diff_pixels, overlay=diff_image(diff))


def get_judge(method: str, threshold: float | None = None) -> Judge:
    """Build the judge for a ``--method`` value.

    Raises:
        InputError: unknown method or threshold out of range.
        ModelNotAvailableError: the method needs a model that is not shipped yet.
    """
    if method == "pixel":
        t = 0.1 if threshold is None else threshold
        if not 0.0 <= t <= 1.0:
            raise InputError(f"--threshold must be between 0 and 1 for the pixel method, got {t}")
        return PixelJudge(threshold=t)
    if method == "unet":
        raise ModelNotAvailableError(
            "the unet method needs a trained model, and none is available in this version; "
            "use --method pixel"
        )
    raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
