"""Shared set-up of the labeling tests: a compare report and a labeling folder made from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from layoutcheck.compare import compare_paths
from layoutcheck.elements import ElementBox, Sidecar, write_sidecar
from layoutcheck.judges import get_judge

from .conftest import page_like, write_png


def make_report(tmp_path: Path, *, height: int = 240, width: int = 320) -> Path:
    """A compare report of two folders: ``broken@desktop.png`` fails, ``same@desktop.png`` passes.

    The candidate of the broken pair has an element-box sidecar beside it.
    """
    ref, cand = tmp_path / "ref", tmp_path / "cand"
    base = page_like(width, height)
    broken = base.copy()
    broken[150:180, 20:120] = (220, 30, 30)
    write_png(ref / "broken@desktop.png", base)
    write_png(cand / "broken@desktop.png", broken)
    write_png(ref / "same@desktop.png", base)
    write_png(cand / "same@desktop.png", base)
    write_sidecar(cand / "broken@desktop.json", Sidecar(
        name="broken@desktop", url="http://example.test/", viewport=(width, height), size=(width, height),
        elements=(ElementBox(selector="#card", tag="div", box=(20, 150, 100, 30)),),
    ))
    report = tmp_path / "report"
    compare_paths(ref, cand, get_judge("pixel"), out_dir=report)
    return report


def labeling_folder(tmp_path: Path, *, height: int = 240, width: int = 320) -> tuple[Path, str]:
    """A labeling folder holding the broken pair of :func:`make_report`, queued; and its id."""
    from layoutcheck.label import add_from_report

    report = make_report(tmp_path, height=height, width=width)
    entry = add_from_report(report, "broken@desktop.png", tmp_path / "labels")
    return tmp_path / "labels", entry.id


def painted(width: int = 320, height: int = 240, value: int = 2) -> np.ndarray:
    mask = np.zeros((height, width), dtype=np.uint8)
    mask[150:180, 20:120] = value
    return mask


def queued_folder(tmp_path: Path, *, width: int = 1280, height: int = 8000) -> tuple[Path, str]:
    """A labeling folder with one queued pair of the given size (no compare run: fast for tall pages)."""
    import json

    root = tmp_path / "tall"
    pair_id = f"tall-{height}"
    ref = page_like(width, height, seed=1)
    cand = ref.copy()
    cand[height // 2 : height // 2 + 60, 100:400] = (220, 30, 30)
    write_png(root / "samples" / pair_id / "ref.png", ref)
    write_png(root / "samples" / pair_id / "cand.png", cand)
    entry = {
        "id": pair_id, "reference": f"samples/{pair_id}/ref.png", "candidate": f"samples/{pair_id}/cand.png",
        "width": width, "height": height, "name": f"tall@{height}", "page": "tall", "template": "label:tall",
        "split": "train",
    }
    (root / "label-queue.json").write_text(json.dumps({"version": 1, "pairs": [entry]}), encoding="utf-8")
    return root, pair_id
