"""The labeling mode (issue 12): paint defect masks in the browser, mark false alarms.

``layoutcheck label DIR`` serves :mod:`layoutcheck.label.server` over a
:class:`~layoutcheck.label.store.LabelStore`; ``layoutcheck label --add`` calls
:func:`~layoutcheck.label.store.add_from_report`. Flask and torch load only here, never on the
CLI's import.
"""

from __future__ import annotations

from collections.abc import Callable

from layoutcheck.imageio import load_image
from layoutcheck.label.predict import Prediction, Predictor
from layoutcheck.label.server import create_app, make_label_server, new_token
from layoutcheck.label.store import (
    LabelConflict,
    LabelStore,
    UnknownPair,
    add_from_report,
    open_store,
)

__all__ = [
    "LabelConflict", "LabelStore", "Prediction", "Predictor", "UnknownPair", "add_from_report", "create_app",
    "make_label_server", "new_token", "open_store", "rank_by_uncertainty",
]


def rank_by_uncertainty(
    store: LabelStore, predictor: Predictor, *, on_pair: Callable[[int, int], None] | None = None
) -> dict[str, float]:
    """Predict every unlabeled pair and put the most uncertain first (active learning).

    Returns:
        The uncertainty of each pair predicted, by id.
    """
    todo = [e for e in store.entries() if e.status != "labeled"]
    scores: dict[str, float] = {}
    for done, entry in enumerate(todo, start=1):
        ref = load_image(store.image_path(entry.id, "reference"))
        cand = load_image(store.image_path(entry.id, "candidate"))
        scores[entry.id] = predictor.predict(ref, cand).uncertainty
        if on_pair:
            on_pair(done, len(todo))
    store.reorder(scores)  # the most uncertain first; labeled pairs (no score) after
    return scores
