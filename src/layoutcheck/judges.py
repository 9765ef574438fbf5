"""Judges: what decides whether two screenshots differ, and where.

Every judge follows the :class:`Judge` protocol, so ``compare`` treats the pixel comparator and
(later) the U-Net the same way. A judge sees two RGB arrays of the same size (``compare`` crops
to the common area and handles size differences itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def get_judge(
    method: str,
    threshold: float | None = None,
    *,
    level: str = "strict",
    device: str = "auto",
    model_path: Path | None = None,
    runtime: str = "auto",
) -> Judge:
    """Build the judge for a ``--method`` value.

    Args:
        method: ``"pixel"`` or ``"unet"``.
        threshold: The judge's threshold (pixel: YIQ colour threshold, default 0.1; unet: the
            probability over which a region fails, default: the model's calibrated threshold for
            the level, stored in its metadata by ``layoutcheck calibrate``, else 0.5).
        level: unet only: ``"strict"`` fails on any change, ``"layout"`` only on defects.
        device: unet only: ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
        model_path: unet only: the weights file (default: ``$LAYOUTCHECK_MODEL``, else the
            model shipped inside the package).
        runtime: unet only: ``auto`` (ONNX Runtime on the CPU, torch on an accelerator),
            ``onnx`` or ``torch``; checked here, so a missing runtime fails before any pair.

    Raises:
        InputError: unknown method, threshold out of range, bad level or device.
        ModelNotAvailableError: the unet method's model file does not exist.
        ModelError: the model file is corrupt or not a layoutcheck model (header checked here,
            without importing torch; the weights on first use).
    """
    if method == "pixel":
        t = 0.1 if threshold is None else threshold
        if not 0.0 <= t <= 1.0:
            raise InputError(f"--threshold must be between 0 and 1 for the pixel method, got {t}")
        return PixelJudge(threshold=t)
    if method == "unet":
        # Imported here: the U-Net modules pull in torch only when a network really runs, but
        # even their light part is not needed by pixel-only runs.
        from layoutcheck.runtime import choose_runtime
        from layoutcheck.segment import DEVICE_RE, LEVELS, UNetJudge
        from layoutcheck.weights import ENV_VAR, default_model_path, model_thresholds, read_model_info

        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise InputError(f"--threshold must be between 0 and 1 for the unet method, got {threshold}")
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
        if not DEVICE_RE.fullmatch(device):
            raise InputError(f"unknown device {device!r}; choose auto, cpu, cuda, cuda:N or mps")
        path = Path(model_path) if model_path is not None else default_model_path()
        if not path.is_file():
            raise ModelNotAvailableError(
                f"the unet method needs a trained model, and none was found at {path}; "
                f"set {ENV_VAR} or pass a model file, or use --method pixel"
            )
        _, metadata = read_model_info(path)  # a corrupt or foreign file fails now, not on the first changed pair
        choose_runtime(runtime, device, path)  # a missing runtime or export fails now too (no import)
        t = threshold if threshold is not None else model_thresholds(path, metadata).get(level, 0.5)
        return UNetJudge(model_path=path, level=level, threshold=t, device=device, runtime=runtime)
    raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
