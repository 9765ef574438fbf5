"""Evaluation metrics on crafted pairs whose answers are known, with the real pixel judge."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from layoutcheck.dataset import DatasetWriter
from layoutcheck.errors import InputError, ModelNotAvailableError
from layoutcheck.evaluate import EvalConfig, EvalReport, evaluate

H, W = 96, 128


def _blank() -> np.ndarray:
    img = np.full((H, W, 3), 255, dtype=np.uint8)
    img[80:84, 8:120] = 128  # a grey rule, so the page is not empty
    return img


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five test pairs whose pixel-judge answers are known exactly, and one val pair."""
    root = tmp_path_factory.mktemp("eval")
    writer = DatasetWriter(root)
    ref = _blank()
    empty = np.zeros((H, W), dtype=np.uint8)

    def write(sid: str, cand: np.ndarray, mask: np.ndarray, boxes: list[tuple[int, int, int, int, int]] | None,
              split: str = "test") -> None:
        writer.write(sid, ref, cand, mask, source="synth", page=sid, template="t", split=split,
                     params={}, boxes=boxes)

    write("benign-same", ref.copy(), empty, None)
    shifted = ref.copy()
    shifted[80:84, 8:120] = 129  # one grey level: far below the pixel threshold
    write("benign-shift", shifted, empty, None)

    block = ref.copy()
    block[40:50, 30:50] = (220, 30, 30)  # a 20 x 10 red block: an overlap
    m = empty.copy()
    m[40:50, 30:50] = 2
    write("defect-block", block, m, [(30, 40, 20, 10, 2)])

    partial = ref.copy()
    partial[10:30, 10:30] = (20, 20, 20)  # 20 x 20 changed, the label says 40 x 20 is missing
    m = empty.copy()
    m[10:30, 10:50] = 8
    write("defect-partial", partial, m, [(10, 10, 40, 20, 8)])

    change = ref.copy()
    change[60:70, 90:100] = (30, 60, 220)  # a 10 x 10 recolour: harmless
    m = empty.copy()
    m[60:70, 90:100] = 1
    write("change-colour", change, m, [(90, 60, 10, 10, 1)])

    write("val-only", block, empty, None, split="val")
    return root


def test_pixel_judge_metrics_match_hand_computed_values(data: Path) -> None:
    seen: list[tuple[int, int]] = []
    report = evaluate(EvalConfig(data=(data,), methods=("pixel",)), on_pair=lambda d, n: seen.append((d, n)))
    assert seen[-1] == (5, 5) and report.counts == {"pairs": 5, "benign": 2, "change": 1, "defect": 2}

    strict = report.run("pixel", "strict")
    assert strict.benign_fpr == 0.0
    assert strict.pair_recall == 1.0  # 3 of 3 change + defect pairs flagged
    assert strict.change_pass is None
    assert strict.pixel_iou == pytest.approx((200 + 400 + 100) / (200 + 800 + 100), abs=1e-6)
    assert strict.region_precision == 1.0 and strict.region_recall == 1.0
    assert strict.median_region_iou == 1.0  # block 1.0, partial 0.5, change 1.0

    layout = report.run("pixel", "layout")
    assert layout.benign_fpr == 0.0 and layout.pair_recall == 1.0
    assert layout.change_pass == 0.0  # the pixel judge fails every change
    assert layout.pixel_iou == pytest.approx(600 / 1100, abs=1e-6)
    assert layout.region_precision == pytest.approx(600 / 700, abs=1e-6)
    assert layout.region_recall == 1.0
    assert layout.median_region_iou == pytest.approx(0.75)  # median of 1.0 and 0.5
    assert layout.per_class == {
        "overlap": {"pairs": 1, "found": 1, "named": 0, "recall": 1.0},
        "missing": {"pairs": 1, "found": 1, "named": 0, "recall": 1.0},
    }
    assert layout.median_ms is not None and layout.median_ms >= 0.0

    by_id = {p.id: p for p in report.pairs if p.level == "layout"}
    assert not by_id["benign-same"].flagged and not by_id["benign-shift"].flagged
    block = by_id["defect-block"]
    assert block.flagged and block.located and block.inter_px == block.flagged_px == block.truth_px == 200
    assert by_id["defect-partial"].region_iou == pytest.approx(0.5)


def test_report_round_trips_through_json_and_renders_markdown(data: Path) -> None:
    report = evaluate(EvalConfig(data=(data,), methods=("pixel",), levels=("layout",)))
    again = EvalReport.from_dict(json.loads(report.to_json()))
    assert again == report
    md = report.to_markdown()
    assert "| metric | pixel · layout |" in md
    assert "| benign-pair FPR ↓ | 0.000 |" in md
    assert "| overlap | 1 | 1.000 (1/1) |" in md and "| missing | 1 | 1.000 (1/1) |" in md


def test_split_and_limit_choose_pairs(data: Path) -> None:
    report = evaluate(EvalConfig(data=(data,), methods=("pixel",), split="val"))
    assert report.counts["pairs"] == 1 and report.counts["benign"] == 1
    assert report.run("pixel", "strict").benign_fpr == 1.0  # the val pair is a mislabelled block
    assert evaluate(EvalConfig(data=(data,), methods=("pixel",), limit=2)).counts["pairs"] == 2


def test_bad_configs(data: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailableError, match="--model"):
        EvalConfig(data=(data,), methods=("unet",))
    with pytest.raises(InputError, match="split"):
        EvalConfig(data=(data,), split="dev")
    with pytest.raises(InputError, match="methods"):
        EvalConfig(data=(data,), methods=("magic",))
    empty = tmp_path / "empty"
    DatasetWriter(empty)
    with pytest.raises(InputError, match="no samples"):
        evaluate(EvalConfig(data=(empty,), methods=("pixel",)))


@pytest.mark.usefixtures("one_thread")
def test_unet_and_pixel_side_by_side(data: Path, tmp_path: Path) -> None:
    import torch

    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    torch.manual_seed(0)
    model_path = tmp_path / "tiny.safetensors"
    save_model(build_model(ModelConfig(base=4, depth=2, block="conv")), model_path)
    report = evaluate(EvalConfig(data=(data,), model=model_path, device="cpu"))
    assert [r.label for r in report.runs] == ["unet · strict", "unet · layout", "pixel · strict", "pixel · layout"]
    assert len(report.pairs) == 5 * 4  # every pair scored by every judge at every level
    by_id = {(p.id, p.method, p.level): p for p in report.pairs}
    assert not by_id[("benign-same", "unet", "strict")].flagged  # identical bytes never reach the network
    md = report.to_markdown()
    assert "| metric | unet · strict | unet · layout | pixel · strict | pixel · layout |" in md
    assert "| class | pairs | unet | pixel |" in md
    assert "| threshold used | 0.50 | 0.50 | 0.10 | 0.10 |" in md  # no calibration stored: the defaults
    assert EvalReport.from_dict(json.loads(report.to_json())) == report


def test_real_pages_are_reported_apart_from_generated_ones(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    writer = DatasetWriter(root)
    ref = _blank()
    empty = np.zeros((H, W), dtype=np.uint8)
    block = ref.copy()
    block[40:50, 30:50] = (220, 30, 30)
    m = empty.copy()
    m[40:50, 30:50] = 2
    writer.write("gen-defect", ref, block, m, source="synth", page="p1", template="t", split="test", params={})
    writer.write("real-benign", ref, block, empty, source="realpage", page="proj/index.html", template="proj",
                 split="test", params={})  # flagged by the pixel judge: a false alarm on a real page
    writer.write("real-defect", ref, block, m, source="realpage", page="proj/index.html", template="proj",
                 split="test", params={})
    report = evaluate(EvalConfig(data=(root,), methods=("pixel",), levels=("strict",)))
    parts = report.by_source()
    assert set(parts) == {"realpage", "synth"}
    real_counts, (real,) = parts["realpage"]
    assert real_counts == {"pairs": 2, "benign": 1, "change": 0, "defect": 1}
    assert real.benign_fpr == 1.0 and real.pair_recall == 1.0
    synth_counts, (synth,) = parts["synth"]
    assert synth_counts["pairs"] == 1 and synth.benign_fpr is None
    assert set(report.to_dict()["by_source"]) == {"realpage", "synth"}
    md = report.to_markdown()
    assert "#### per source" in md and "| realpage | 2 (1/0/1) | benign-pair FPR ↓ | 1.000 |" in md
    assert EvalReport.from_dict(json.loads(report.to_json())) == report
