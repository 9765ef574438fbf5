"""synth's plan: which pages and sample ids a run makes, decided by the seed alone (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layoutcheck.errors import InputError
from layoutcheck.synth.generate import SynthConfig, plan


def test_plan_for_one_split_keeps_ids_and_only_that_split(tmp_path: Path) -> None:
    everything = plan(SynthConfig(out=tmp_path, pairs=400, seed=3, per_page=4))
    tests = plan(SynthConfig(out=tmp_path, pairs=40, seed=3, per_page=4, split="test"))
    assert sum(len(j.sample_ids) for j in tests) == 40
    assert {j.split for j in tests} == {"test"}
    # The same page gets the same id, template and width with or without the filter.
    by_id = {j.page_id: j for j in everything}
    shared = [j for j in tests if j.page_id in by_id]
    assert shared and all(by_id[j.page_id] == j for j in shared)


def test_unknown_split_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--split"):
        plan(SynthConfig(out=tmp_path, pairs=4, split="holdout"))
