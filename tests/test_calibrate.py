"""Threshold calibration: it replays the judge's own decision, picks by Youden's J, and the
picked thresholds travel in the model file to every judge built without --threshold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from layoutcheck.calibrate import GRID, calibrate, pick_threshold
from layoutcheck.cli import main
from layoutcheck.dataset import DatasetWriter
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
