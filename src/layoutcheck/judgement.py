"""What every judge returns, and the protocol judges follow.

Kept apart from :mod:`judges` (which builds judges) so that a judge's implementation, like the
U-Net pipeline in :mod:`segment`, depends on this small module and nothing depends back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from layoutcheck.results import Region


@dataclass(frozen=True)
class Judgement:
    """What a judge found on one pair of equal-size images.

    ``regions`` fail the pair. ``changes`` are real changes the judge's level lets pass (kind
    ``"change"``, scored by their mean p(change) + p(defect)): reported, never failing. Only the
    U-Net judge at ``level="layout"`` fills them; at ``strict`` every change is a failing region.
    """

    regions: tuple[Region, ...]
    diff_pixels: int  # pixels judged failing (changes not counted)
    overlay: np.ndarray | None  # (H, W, 4) uint8 RGBA, transparent where nothing was found
    changes: tuple[Region, ...] = ()


class Judge(Protocol):
    """Compares two ``(H, W, 3)`` ``uint8`` images of the same size."""

    method: str
    threshold: float

    def judge(self, reference: np.ndarray, candidate: np.ndarray) -> Judgement: ...
