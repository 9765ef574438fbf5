"""The changes the strict level fails whatever the network says: the rules beside it, in one place.

:mod:`flat_changes` (a flat area that changed colour) and :mod:`line_changes` (a line or outline
that changed on an otherwise unchanged page). The judge reports their boxes; calibration and
training's validation replay them, so each of the three decides as the judge does.
"""

from __future__ import annotations

import numpy as np

from layoutcheck.flat_changes import flat_changes
from layoutcheck.line_changes import line_changes
from layoutcheck.regions import Box


def rule_changes(reference: np.ndarray, candidate: np.ndarray) -> list[Box]:
    """``(x, y, w, h)`` boxes of every rule's changes (flat areas first, then lines).

    Args:
        reference, candidate: ``(H, W, 3)`` uint8 RGB of one size (the reference aligned to the
            candidate's rows).

    Raises:
        ValueError: The images are not of one ``(H, W, 3)`` shape.
    """
    return [*flat_changes(reference, candidate), *line_changes(reference, candidate)]
