"""synth end to end in Chromium: a small dataset, its masks, determinism and resume."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from layoutcheck.dataset import MANIFEST, load_sample, read_manifest
from layoutcheck.synth.generate import SynthConfig, plan, run_synth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.png")) if "samples" in p.parts
    }


def test_small_run_is_labelled_deterministic_and_resumable(tmp_path: Path) -> None:
    config = SynthConfig(out=tmp_path / "a", pairs=8, seed=3, widths=(375,), per_page=4,
                         mix={"defect": 0.5, "change": 0.25, "benign": 0.25})
    counts = run_synth(config)
    assert counts["written"] + counts["failed"] == 8 and counts["written"] >= 6
    samples = read_manifest(config.out)
    assert {s.page for s in samples} == {j.page_id for j in plan(config)}
    for s in samples:
        ref, cand, mask = load_sample(config.out, s)
        differs = np.abs(ref.astype(int) - cand.astype(int)).max(axis=2) > 0
        assert differs.any(), s.id  # every sample shows some difference
        if s.kind == "benign":
            assert not mask.any(), s.id
        else:
            assert mask.any(), s.id
            if 8 in s.classes:
                continue  # "missing" labels the element's whole former box, by the rule
            # The label lies where the candidate differs (allowing the rule's 3 px dilation; image
            # noise applied after labelling, e.g. a sub-pixel resample, moves a few edges).
            from scipy.ndimage import binary_dilation

            near = binary_dilation(differs, iterations=4)
            assert (near[mask > 0]).mean() > 0.95, s.id
    assert (config.out / "pages").is_dir() and list((config.out / "pages").glob("*.json"))

    # Same seed, same pixels and the same manifest.
    again = SynthConfig(**{**config.__dict__, "out": tmp_path / "b"})
    run_synth(again)
    assert (config.out / MANIFEST).read_text() == (again.out / MANIFEST).read_text()
    assert _digest(config.out) == _digest(again.out)

    # Resume: nothing left to do.
    counts = run_synth(config)
    assert counts["written"] == 0 and counts["skipped"] == counts["planned"] - counts["failed"]

