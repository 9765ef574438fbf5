"""The small-images benchmark's crops and counts (benchmarks/small_images.py), on a crafted dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from layoutcheck.dataset import DatasetWriter

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_data  # noqa: E402
import small_images  # noqa: E402


@pytest.fixture()
def pairs(tmp_path: Path) -> list[bench_data.BenchPair]:
    writer = DatasetWriter(tmp_path)
    ref = np.full((200, 300, 3), 255, np.uint8)
    empty = np.zeros((200, 300), np.uint8)
    defect, mask = ref.copy(), empty.copy()
    defect[150:170, 250:290] = (220, 30, 30)
    mask[150:170, 250:290] = 2
    noise = ref.copy()
    noise[20, 30] = 250  # one pixel of rendering noise
    for sid, cand, m, boxes in [("defect", defect, mask, [(250, 150, 40, 20, 2)]), ("noise", noise, empty, None),
                                ("same", ref.copy(), empty, None)]:
        writer.write(sid, ref, cand, m, source="synth", page=sid, template="t", split="test", params={}, boxes=boxes)
    return bench_data.dataset_pairs(tmp_path)


def test_crops_sit_on_the_defect_box_or_the_noise_and_carry_their_truth(pairs: list[bench_data.BenchPair]) -> None:
    crops = small_images.make_crops(pairs, [16, 48], seed=0)
    by = {(c.kind, c.size): c for c in crops}
    assert sorted(by) == [("benign", 16), ("benign", 48), ("defect", 16), ("defect", 48)]  # "same": no crop
    for size in (16, 48):
        defect, benign = by["defect", size], by["benign", size]
        assert defect.reference.shape == benign.candidate.shape == (size, size, 3)
        assert defect.changed and defect.defect and not benign.changed and not benign.defect
        assert (benign.reference != benign.candidate).any()


def test_rates_count_against_the_levels_truth(pairs: list[bench_data.BenchPair]) -> None:
    defect, benign = sorted(small_images.make_crops(pairs, [32], seed=0), key=lambda c: c.kind != "defect")
    strict = small_images._rates([(defect, True), (benign, True)], "strict")
    assert (strict["tp"], strict["fp"], strict["recall"], strict["fpr"]) == (1, 1, 1.0, 1.0)
    layout = small_images._rates([(defect, False), (benign, False)], "layout")
    assert (layout["fn"], layout["tn"], layout["recall"], layout["fpr"]) == (1, 1, 0.0, 0.0)
