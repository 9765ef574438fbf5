"""The real-page benchmark (benchmarks/realpages.py) on a crafted dataset: the pixel judge only."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from layoutcheck.dataset import DatasetWriter
from layoutcheck.judges import get_judge

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import realpages  # noqa: E402


def test_noise_families_group_benign_pairs() -> None:
    assert realpages.family(SimpleNamespace(params={"noise": "taller:2", "noise_family": "page-css"})) == "taller"
    stack = {"noise": "fontstack:hintfull", "noise_family": "font-stack"}
    assert realpages.family(SimpleNamespace(params=stack)) == "font-stack, same layout"
    assert realpages.family(SimpleNamespace(params={**stack, "layout_moved_px": 1.5})) == "font-stack, same layout"
    reflowed = SimpleNamespace(params={**stack, "layout_moved_px": 30.0}, kind="benign")
    assert realpages.family(reflowed) == "font-stack, text re-flowed"
    assert realpages.kind_by_rule(reflowed) == "change"  # docs/dataset.md: a re-flow is a change
    assert realpages.kind_by_rule(SimpleNamespace(params=stack, kind="benign")) == "benign"
    assert realpages.family(SimpleNamespace(params={"mutation": "caret"})) == "caret"


def test_counts_and_table_on_a_crafted_real_page_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = DatasetWriter(tmp_path / "data")
    ref = np.full((64, 96, 3), 255, np.uint8)
    defect, mask = ref.copy(), np.zeros((64, 96), np.uint8)
    defect[10:30, 20:60] = (200, 30, 30)
    mask[10:30, 20:60] = 2
    writer.write("d", ref, defect, mask, source="realpage", page="p", template="proj", split="val", params={},
                 boxes=[(20, 10, 40, 20, 2)])
    writer.write("b", ref, ref.copy(), np.zeros_like(mask), source="realpage", page="p", template="proj", split="val",
                 params={"noise": "fontstack:alias-sans", "noise_family": "font-stack"})
    monkeypatch.setattr(realpages, "judges", lambda models: {"pixel": get_judge("pixel")})
    monkeypatch.setattr(realpages, "RESULTS_JSON", tmp_path / "r.json")
    monkeypatch.setattr(realpages, "RESULTS_MD", tmp_path / "r.md")
    monkeypatch.setattr(sys, "argv", ["realpages.py", "--data", str(tmp_path / "data")])
    realpages.main()
    table = (tmp_path / "r.md").read_text()
    assert "| defect | 1/1 (100%) |" in table and "| defect located | 1/1 (100%) |" in table
    assert "| benign: font-stack, same layout | 0/1 (0%) |" in table and "proj" in table
