"""Threshold calibration: it replays the judge's own decision, picks by Youden's J, and the
picked thresholds travel in the model file to every judge built without --threshold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from layoutcheck.calibrate import GRID, LEVELS, Tally, calibrate, level_scores, pair_hits, pick_threshold
from layoutcheck.cli import main
from layoutcheck.dataset import DatasetWriter, Sample
from layoutcheck.errors import InputError, ModelError
from layoutcheck.judges import get_judge

H, W = 96, 128


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Val pairs of each kind: noise only, a harmless recolour, a pasted block (a defect)."""
    root = tmp_path_factory.mktemp("cal")
    writer = DatasetWriter(root)
    rng = np.random.default_rng(0)
    ref = np.full((H, W, 3), 250, dtype=np.uint8)
    ref[20:24, 8:120] = 40
    ref[60:64, 8:100] = 40
    empty = np.zeros((H, W), dtype=np.uint8)
    for i in range(3):
        noisy = np.clip(ref.astype(np.int16) + rng.integers(-12, 13, size=ref.shape), 0, 255).astype(np.uint8)
        writer.write(f"benign-{i}", ref, noisy, empty, source="synth", page=f"b{i}", template="t", split="val",
                     params={})
        change = ref.copy()
        change[30 + i : 40 + i, 40:60] = (30, 60, 220)
        m = empty.copy()
        m[30 + i : 40 + i, 40:60] = 1
        writer.write(f"change-{i}", ref, change, m, source="synth", page=f"c{i}", template="t", split="val",
                     params={}, boxes=[(40, 30 + i, 20, 10, 1)])
        block = ref.copy()
        block[50:70, 10 + i : 50 + i] = (220, 30, 30)
        m = empty.copy()
        m[50:70, 10 + i : 50 + i] = 2
        writer.write(f"defect-{i}", ref, block, m, source="synth", page=f"d{i}", template="t", split="val",
                     params={}, boxes=[(10 + i, 50, 40, 20, 2)])
    return root


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    torch.manual_seed(3)
    path = tmp_path_factory.mktemp("m") / "tiny.safetensors"
    save_model(build_model(ModelConfig(base=4, depth=2, block="conv")), path)
    return path


def test_pick_maximises_j_and_breaks_ties_upwards() -> None:
    rows = [{"threshold": 0.3, "j": 0.5}, {"threshold": 0.5, "j": 0.7}, {"threshold": 0.7, "j": 0.7},
            {"threshold": 0.9, "j": 0.1}]
    assert pick_threshold(rows) == 0.7


@pytest.mark.usefixtures("one_thread")
def test_rates_equal_what_the_judge_decides(data: Path, model_path: Path) -> None:
    from layoutcheck.dataset import load_sample, read_manifest

    result = calibrate(model_path, [data], device="cpu")
    assert result.pairs == {"benign": 3, "change": 3, "defect": 3}
    samples = read_manifest(data)
    for t in (GRID[2], GRID[9], GRID[-4]):
        for level in ("strict", "layout"):
            judge = get_judge("unet", t, level=level, device="cpu", model_path=model_path)
            flagged = {"benign": 0, "change": 0, "defect": 0}
            for s in samples:
                ref, cand, _ = load_sample(data, s)
                flagged[s.kind] += bool(judge.judge(ref, cand).regions)
            row = next(r for r in result.table[level] if r["threshold"] == t)
            assert row["fpr"] == round(flagged["benign"] / 3, 4)
            assert row["change_fail"] == round(flagged["change"] / 3, 4)
            if level == "strict":
                assert row["recall"] == round((flagged["change"] + flagged["defect"]) / 6, 4)
    assert set(result.thresholds) == {"strict", "layout"}
    assert "| level | threshold |" in result.to_markdown()


def test_needs_benign_and_positive_pairs(data: Path, model_path: Path) -> None:
    with pytest.raises(InputError, match="no samples with split 'test'"):
        calibrate(model_path, [data], split="test", device="cpu")


@pytest.mark.usefixtures("one_thread")
def test_cli_stores_thresholds_that_judges_then_use(data: Path, model_path: Path, tmp_path: Path) -> None:
    from layoutcheck.weights import THRESHOLDS_KEY, load_model, read_model_info

    model = tmp_path / "m.safetensors"
    model.write_bytes(model_path.read_bytes())
    pin = tmp_path / "m.safetensors.sha256"
    import hashlib

    pin.write_text(f"{hashlib.sha256(model.read_bytes()).hexdigest()}  m.safetensors\n")
    runner = CliRunner()
    dry = runner.invoke(main, ["calibrate", "--model", str(model), "--data", str(data), "--device", "cpu", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would store" in dry.output and THRESHOLDS_KEY not in read_model_info(model)[1]
    res = runner.invoke(main, ["calibrate", "--model", str(model), "--data", str(data), "--device", "cpu"])
    assert res.exit_code == 0, res.output
    stored = json.loads(read_model_info(model)[1][THRESHOLDS_KEY])
    assert set(stored) == {"strict", "layout"}
    load_model(model)  # the pin was rewritten with the file: it still loads
    assert get_judge("unet", level="layout", model_path=model).threshold == stored["layout"]
    assert get_judge("unet", level="strict", model_path=model).threshold == stored["strict"]
    assert get_judge("unet", 0.42, level="strict", model_path=model).threshold == 0.42  # explicit wins
    assert get_judge("unet", level="strict", model_path=model_path).threshold == 0.5  # none stored


def test_malformed_thresholds_are_a_model_error(model_path: Path, tmp_path: Path) -> None:
    from layoutcheck.weights import THRESHOLDS_KEY, update_metadata

    model = tmp_path / "m.safetensors"
    model.write_bytes(model_path.read_bytes())
    update_metadata(model, {THRESHOLDS_KEY: json.dumps({"strict": 1.5})})
    with pytest.raises(ModelError, match="layoutcheck.thresholds"):
        get_judge("unet", level="strict", model_path=model)
    runner = CliRunner()
    res = runner.invoke(main, ["compare", str(tmp_path), str(tmp_path), "--method", "unet", "--model", str(model)])
    assert res.exit_code == 2 and "layoutcheck.thresholds" in res.output


def _scan(score: np.ndarray, sample: Sample, level: str) -> list[int]:
    """The decision at every grid threshold, one by one: what the bisection must reproduce."""
    from layoutcheck.regions import grow_mask, mask_to_boxes
    from layoutcheck.segment import EXTENT

    defect = [(x, y, x + w, y + h) for x, y, w, h, c in sample.boxes if c >= 2]
    out = []
    for t in GRID:
        boxes = mask_to_boxes(grow_mask(score, t, EXTENT, min_pixels=16), gap=8)
        if level == "layout" and sample.kind == "defect":
            boxes = [b for b in boxes if any(b[0] < d[2] and d[0] < b[0] + b[2] and b[1] < d[3]
                                             and d[1] < b[1] + b[3] for d in defect)]
        out.append(int(bool(boxes)))
    return out


@pytest.mark.usefixtures("one_thread")
def test_bisection_equals_a_scan_of_every_threshold(data: Path, model_path: Path) -> None:
    from scipy import ndimage

    from layoutcheck.dataset import load_sample, read_manifest
    from layoutcheck.segment import predict
    from layoutcheck.weights import load_model

    model, _, _ = load_model(model_path, device="cpu")
    samples = read_manifest(data)
    for s in samples:  # the network's maps
        ref, cand, _ = load_sample(data, s)
        scores = level_scores(predict(model, ref, cand, device="cpu"))
        got = pair_hits(scores, s)
        for level, score in scores.items():
            assert got[level].tolist() == _scan(score, s, level), (s.id, level)
    # Blotchy maps whose regions shrink, split and vanish at many different thresholds.
    rng = np.random.default_rng(1)
    switches = set()
    for k in range(12):
        s = samples[k % len(samples)]
        field = ndimage.gaussian_filter(rng.random((H, W)), sigma=3)
        field = (field - field.min()) / np.ptp(field)
        score = (field ** rng.uniform(0.5, 4)).astype(np.float32)  # (H, W)
        for level in ("strict", "layout"):
            want = _scan(score, s, level)
            assert pair_hits({level: score}, s)[level].tolist() == want, (k, s.id, level)
            switches.add(sum(want))
    assert len(switches) > 5


def test_tally_vector_round_trip() -> None:
    rng = np.random.default_rng(0)
    t = Tally()
    for a in (t.pairs, t.hits, t.pixels):
        a[...] = rng.integers(0, 10**9, size=a.shape)
    back = Tally.from_vector(t.as_vector())
    for a, b in ((t.pairs, back.pairs), (t.hits, back.hits), (t.pixels, back.pixels)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="tally vector"):
        Tally.from_vector(np.zeros(3))


@pytest.mark.usefixtures("one_thread")
def test_validation_scores_calibrations_pick(data: Path, model_path: Path) -> None:
    """Training's checkpoint score is built from the very J table ``calibrate`` reports."""
    import torch

    from layoutcheck.dataset import load_sample, read_manifest
    from layoutcheck.segment import predict
    from layoutcheck.train.data import PairRef
    from layoutcheck.train.validate import IOU_WEIGHT, validate
    from layoutcheck.weights import load_model

    result = calibrate(model_path, [data], device="cpu")
    model, _, _ = load_model(model_path, device="cpu")
    pairs = [PairRef(data, s) for s in read_manifest(data) if s.split == "val"]
    # "auto" is the precision calibrate (and the judge) run at.
    m = validate(model, pairs, device=torch.device("cpu"), precision="auto")
    best = {lv: max(r["j"] for r in result.table[lv]) for lv in LEVELS}
    for lv in LEVELS:
        assert m[f"threshold_{lv}"] == result.thresholds[lv]
        assert m[f"j_{lv}"] == best[lv]
    row = {lv: next(r for r in result.table[lv] if r["threshold"] == result.thresholds[lv]) for lv in LEVELS}
    assert m["benign_fpr_strict"] == pytest.approx(row["strict"]["fpr"], abs=1e-4)
    assert m["strict_recall"] == pytest.approx(row["strict"]["recall"], abs=1e-4)
    assert m["defect_recall"] == pytest.approx(row["layout"]["recall"], abs=1e-4)
    assert m["change_pass"] == pytest.approx(1 - row["layout"]["change_fail"], abs=1e-4)
    # The tie-breaker: layout pixel IoU at the picked layout threshold, counted here directly.
    inter = union = 0
    for s in read_manifest(data):
        ref, cand, mask = load_sample(data, s)
        failing = predict(model, ref, cand, device="cpu")[2:].sum(axis=0) > result.thresholds["layout"]
        inter += int((failing & (mask >= 2)).sum())
        union += int((failing | (mask >= 2)).sum())
    assert m["iou_layout"] == pytest.approx(inter / union)
    expected = (1 - IOU_WEIGHT) * (best["strict"] + best["layout"]) / 2 + IOU_WEIGHT * inter / union
    assert m["score"] == pytest.approx(expected)
    assert {m["pairs_benign"], m["pairs_change"], m["pairs_defect"]} == {3.0}


def test_calibrate_limit_takes_the_pairs_training_validates_on(data: Path) -> None:
    from layoutcheck.calibrate import fixed_subset
    from layoutcheck.dataset import read_manifest
    from layoutcheck.train.data import PairRef
    from layoutcheck.train.validate import val_subset

    val = [PairRef(data, s) for s in read_manifest(data) if s.split == "val"]  # as train's find_sources lists them
    ids = [p.sample.id for p in val_subset(val, 4)]
    assert len(ids) == 4 and ids != [p.sample.id for p in val[:4]]  # a draw, not the first four
    assert [s.id for s in fixed_subset([p.sample for p in val], 4)] == ids
    assert fixed_subset(val, None) == list(val) == fixed_subset(val, 99)


def test_the_table_tells_the_finest_thresholds_apart() -> None:
    """Regression: 0.99, 0.995 and 0.998 all printed as 0.99 or 1.00 (two decimals)."""
    from layoutcheck.calibrate import Calibration

    rows = [{"threshold": t, "recall": 0.5, "fpr": 0.0, "change_fail": 0.0, "j": 0.5} for t in GRID]
    table = Calibration({"strict": 0.995}, {"benign": 1, "change": 1, "defect": 1}, {"strict": rows}).to_markdown()
    shown = [line.split(" | ")[1] for line in table.splitlines() if line.startswith("| strict")]
    assert len(set(shown)) == len(GRID)
    assert "0.995 **←**" in shown and "0.998" in shown and "0.05" in shown
