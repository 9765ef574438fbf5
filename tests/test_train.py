"""Training on a tiny synthetic dataset, on the CPU: loss, checkpoints, resume, fine-tuning, seeds."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from layoutcheck.dataset import DatasetWriter, Sample
from layoutcheck.errors import InputError
from layoutcheck.model import ModelConfig
from layoutcheck.train import TrainConfig, train
from layoutcheck.train.config import FINETUNE_LR, LABEL_SHARE, LR
from layoutcheck.train.data import (
    PairRef, ShardSampler, TileDataset, cut_tile, find_sources, hint_boxes, pair_weights, plan_epoch,
)
from layoutcheck.train.losses import SegmentationLoss
from layoutcheck.train.validate import metrics_from_counts
from layoutcheck.weights import read_model_info

TINY = ModelConfig(base=4, depth=2, block="conv")
H, W = 96, 128


def _page(seed: int) -> np.ndarray:
    """White page, grey text bars, one blue card."""
    rng = np.random.default_rng(seed)
    img = np.full((H, W, 3), 255, dtype=np.uint8)
    for y in range(6, H - 8, 10):
        img[y : y + 4, 6 : 6 + int(rng.integers(30, W - 12))] = 70
    x, y = int(rng.integers(10, W - 50)), int(rng.integers(10, H - 40))
    img[y : y + 24, x : x + 40] = (40, 110, 210)
    return img


def _make_pair(kind: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + 1000)
    ref = _page(seed)
    cand = ref.copy()
    mask = np.zeros((H, W), dtype=np.uint8)
    x, y = int(rng.integers(4, W - 44)), int(rng.integers(4, H - 28))
    if kind == "defect":  # a red block dropped over the content: an overlap (class 2)
        cand[y : y + 24, x : x + 40] = (220, 30, 30)
        mask[y : y + 24, x : x + 40] = 2
    elif kind == "missing":  # a text bar vanished (class 8)
        row = 6 + 10 * int(rng.integers(0, 6))
        cand[row : row + 4, :] = 255
        mask[row : row + 4, 6 : W - 6] = 8
    elif kind == "change":  # text bars turned green: harmless (class 1)
        bars = (ref == 70).all(axis=2)
        cand[bars] = (40, 150, 60)
        mask[bars] = 1
    else:  # benign: a one-level gamma-like shift of the greys
        cand = np.where(ref == 70, 72, ref).astype(np.uint8)
    return ref, cand, mask


def build_dataset(root: Path, *, n_train: int = 16, n_val: int = 6) -> Path:
    writer = DatasetWriter(root)
    kinds = ["defect", "missing", "change", "benign"]
    for i in range(n_train + n_val):
        split = "train" if i < n_train else "val"
        kind = kinds[i % 4]
        ref, cand, mask = _make_pair(kind, i)
        writer.write(f"s{i:03d}-{kind}", ref, cand, mask, source="synth", page=f"p{i:03d}",
                     template="tiny", split=split, params={"seed": i})
    return root


pytestmark = pytest.mark.usefixtures("one_thread")  # tiny models train fastest on one thread


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("ds"))


def _config(data: Path, out: Path, **kw: Any) -> TrainConfig:
    base: dict[str, Any] = {
        "data": (data,), "out": out, "device": "cpu", "epochs": 2, "batch": 4, "tile": 64, "lr": 2e-2, "seed": 0,
        "workers": 0, "composite": 0.0, "model": TINY, "crops": 2, "log_every": 1, "command": "test",
        "amp": "off",
    }
    base.update(kw)
    return TrainConfig(**base)


def _losses(events: list[dict[str, Any]]) -> list[float]:
    return [e["loss"] for e in events if e["event"] == "step"]


def test_loss_falls_and_best_model_loads(data: Path, tmp_path: Path) -> None:
    from layoutcheck.weights import load_model

    events: list[dict[str, Any]] = []
    cfg = _config(data, tmp_path / "m.safetensors", epochs=5, val_every=2)
    result = train(cfg, on_progress=events.append)
    losses = _losses(events)
    assert len(losses) == result.steps == 5 * 8  # 16 pairs x 2 crops / batch 4 per epoch
    assert np.mean(losses[-8:]) < 0.75 * np.mean(losses[:8])
    assert result.stopped == "done" and result.epoch == result.epochs_run == 5
    assert result.best_metric is not None and result.best_path == cfg.out
    assert [h["epoch"] for h in result.history] == [1, 2, 3, 4, 5]
    assert [h["val"] is not None for h in result.history] == [False, True, False, True, True]  # and the last
    assert all(0.0 <= h["val"]["score"] <= 1.0 for h in result.history if h["val"])
    model, config, metadata = load_model(cfg.out, device="cpu")
    assert config == TINY
    facts = json.loads(metadata["training"])
    assert facts["train_pairs"] == 16 and facts["val_pairs"] == 6 and facts["command"] == "test"
    assert float(metadata["val_score"]) == pytest.approx(result.best_metric, abs=1e-5)
    # Calibrated on the val pairs at the end; the thresholds travel in the file, and the digest
    # reported is the calibrated file's.
    calibrated = next(e for e in events if e["event"] == "calibrated")
    assert json.loads(metadata["layoutcheck.thresholds"]) == calibrated["thresholds"]
    assert set(calibrated["thresholds"]) == {"strict", "layout"}
    assert result.sha256 == hashlib.sha256(cfg.out.read_bytes()).hexdigest()
    with torch.no_grad():
        out = model(torch.rand(1, 3, 64, 64), torch.rand(1, 3, 64, 64))
    assert out.shape == (1, 14, 64, 64)
    assert cfg.checkpoint.is_file()
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "end" and kinds.count("epoch") == 5
    assert all(e["tiles_per_s"] > 0 for e in events if e["event"] == "step")


def test_resume_continues_where_it_stopped(data: Path, tmp_path: Path) -> None:
    whole = train(_config(data, tmp_path / "whole.safetensors", epochs=2))

    cut = _config(data, tmp_path / "cut.safetensors", epochs=2, max_steps=11)  # mid-epoch 2
    first = train(cut)
    assert first.stopped == "max_steps" and first.epoch == 1 and first.steps == 11
    assert cut.checkpoint.is_file() and cut.out.is_file()
    events: list[dict[str, Any]] = []
    second = train(_config(data, tmp_path / "cut.safetensors", epochs=2), on_progress=events.append)
    assert second.resumed_from == 1 and second.epoch == 2 and second.steps == whole.steps == 16
    assert next(e for e in events if e["event"] == "start")["resumed_from"] == 1
    assert [e["step"] for e in events if e["event"] == "step"] == [4, 5, 6, 7, 8]
    assert second.history[0] == first.history[0]
    assert second.history[1]["val"]["score"] == pytest.approx(whole.history[1]["val"]["score"], abs=1e-4)
    assert second.best_metric == pytest.approx(whole.best_metric, abs=1e-4)

    again = train(_config(data, tmp_path / "cut.safetensors", epochs=2))  # nothing left to do
    assert again.epochs_run == 0 and again.steps == 16


def test_restart_ignores_checkpoint(data: Path, tmp_path: Path) -> None:
    cfg = _config(data, tmp_path / "m.safetensors", epochs=1, max_steps=3)
    train(cfg)
    result = train(_config(data, cfg.out, epochs=1, max_steps=3, resume=False))
    assert result.resumed_from is None and result.steps == 3


def test_init_fine_tunes_from_given_weights(data: Path, tmp_path: Path) -> None:
    from layoutcheck.weights import load_model

    wider = ModelConfig(base=6, depth=2, block="conv")
    base = train(_config(data, tmp_path / "base.safetensors", epochs=1, model=wider))
    events: list[dict[str, Any]] = []
    tuned = train(_config(data, tmp_path / "tuned.safetensors", epochs=1, init=base.best_path, lr=1e-9),
                  on_progress=events.append)
    start = next(e for e in events if e["event"] == "start")
    assert start["model"]["base"] == 6  # the architecture comes from --init, not from config.model
    assert any("keeps the architecture" in e.get("message", "") for e in events)
    a, _, _ = load_model(base.best_path)
    b, _, _ = load_model(tuned.best_path)
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        if pa.is_floating_point() and "running" not in name:
            torch.testing.assert_close(pa, pb, atol=1e-5, rtol=0)


def test_seeded_runs_repeat(data: Path, tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        events: list[dict[str, Any]] = []
        cfg = _config(data, tmp_path / f"{name}.safetensors", epochs=1, max_steps=4, seed=seed)
        train(cfg, on_progress=events.append)
        runs.append(_losses(events))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize("amp", ["bf16", "fp16"])
def test_mixed_precision_on_the_cpu(data: Path, tmp_path: Path, amp: str) -> None:
    events: list[dict[str, Any]] = []
    result = train(_config(data, tmp_path / "m.safetensors", epochs=1, max_steps=2, amp=amp), on_progress=events.append)
    assert next(e for e in events if e["event"] == "start")["amp"] == amp
    assert result.steps == 2 and all(np.isfinite(_losses(events)))


def test_worker_processes_give_the_same_tiles(data: Path, tmp_path: Path) -> None:
    runs = []
    for workers in (0, 2):
        events: list[dict[str, Any]] = []
        cfg = _config(data, tmp_path / f"w{workers}.safetensors", epochs=1, max_steps=3, workers=workers)
        train(cfg, on_progress=events.append)
        runs.append(_losses(events))
    assert runs[0] == pytest.approx(runs[1], rel=1e-5)


def test_composite_pages_feed_training(tmp_path: Path) -> None:
    root = build_dataset(tmp_path / "ds", n_train=0, n_val=4)
    writer = DatasetWriter(root)
    import io

    from PIL import Image

    for i in range(3):
        page = np.vstack([_page(50 + i), _page(60 + i)])  # (192, 128, 3)
        buf = io.BytesIO()
        Image.fromarray(page).save(buf, format="PNG")
        elements = [{"selector": f"div:nth-child({k})", "tag": "div", "box": [6, 6 + 10 * k, 80, 4], "text_length": 9}
                     for k in range(12)]
        elements.append({"selector": "img", "tag": "img", "box": [20, 100, 40, 24], "text_length": 0})
        writer.write_page(f"pg{i}", buf.getvalue(), {"page": f"pg{i}", "split": "train", "elements": elements})
    writer.write_page("held", buf.getvalue(), {"page": "held", "split": "test", "elements": elements})
    sources = find_sources([root])
    assert [p.page for p in sources.pages] == ["pg0", "pg1", "pg2"] and not sources.train
    result = train(_config(root, tmp_path / "m.safetensors", epochs=1, composite=0.5, tile=32, batch=4))
    assert result.steps == 3 * 8 * 2 // 4  # 8 composite groups per page, 2 crops each


def test_tiles_are_deterministic_and_centre_on_boxes(data: Path) -> None:
    sources = find_sources([data])
    ds = TileDataset(sources, tile=64, crops=2, seed=1, composite=0.0)
    ds.set_epoch(0)
    first = [ds[i] for i in range(6)]
    ds2 = TileDataset(sources, tile=64, crops=2, seed=1, composite=0.0)
    ds2.set_epoch(0)
    for (r, c, m, lab), (r2, c2, m2, _) in zip(first, (ds2[i] for i in range(6)), strict=True):
        assert r.shape == c.shape == (3, 64, 64) and m.shape == (64, 64) and not lab  # no label in these
        assert r.dtype == c.dtype == m.dtype == torch.uint8
        assert torch.equal(r, r2) and torch.equal(c, c2) and torch.equal(m, m2)
    # A box-centred crop of a labelled pair sees the label most of the time.
    ref, cand, mask = (np.asarray(a) for a in _make_pair("defect", 0))
    boxes = ((10, 10, 40, 24, 2),)
    mask[:] = 0
    mask[10:34, 10:50] = 2
    big_ref = np.pad(ref, ((0, 400), (0, 400), (0, 0)), constant_values=255)
    big_cand = np.pad(cand, ((0, 400), (0, 400), (0, 0)), constant_values=255)
    big_mask = np.pad(mask, ((0, 400), (0, 400)))
    rngs = (np.random.default_rng(k) for k in range(100))
    hits = [bool(cut_tile(big_ref, big_cand, big_mask, boxes, 64, rng)[2].any()) for rng in rngs]
    assert 0.6 < np.mean(hits) < 0.9  # 70 % box-centred, plus a few uniform crops that land on it


def test_a_pair_with_no_boxes_is_cropped_where_it_differs() -> None:
    # A benign pair (a reviewer's "no defect", rendering noise) teaches only where it differs; a
    # uniform crop of a tall page mostly lands where nothing does.
    ref = np.full((1024, 400, 3), 255, dtype=np.uint8)
    cand = ref.copy()
    cand[700:720, 300:340] = (30, 30, 30)  # the re-rendered text the judge flagged
    mask = np.zeros((1024, 400), dtype=np.uint8)
    crops = [cut_tile(ref, cand, mask, (), 64, np.random.default_rng(k), augment=False) for k in range(100)]
    seen = [bool((r != c).any()) for r, c, _ in crops]
    assert 0.6 < np.mean(seen) < 0.9  # 70 % centred on a differing pixel, plus a few uniform hits
    assert not any(m.any() for _, _, m in crops)  # still benign everywhere


def test_a_reviewers_false_alarm_is_cropped_where_the_judge_fired(tmp_path: Path) -> None:
    # A page moved by a sub-pixel differs everywhere, so the difference alone would not find the
    # false alarm; the judge's regions kept with the label do.
    rng = np.random.default_rng(3)
    ref = np.full((1024, 400, 3), 255, dtype=np.uint8)
    ref[::8] = 90  # text-like rows all over the page
    cand = np.clip(ref.astype(int) + rng.integers(-30, 31, ref.shape), 0, 255).astype(np.uint8)
    ref[700:720, 300:340] = cand[700:720, 300:340] = (0, 0, 255)  # where the judge fired
    mask = np.zeros((1024, 400), dtype=np.uint8)
    regions = [{"x": 300, "y": 700, "w": 40, "h": 20, "score": 0.97, "kind": "text-overlap"},
               {"x": "?", "y": 0}, {"x": 900, "y": 0, "w": 10, "h": 10}, {"x": 0, "y": 0, "w": 0, "h": 5}]
    writer = DatasetWriter(tmp_path / "d")
    writer.write("fa", ref, cand, mask, source="label", page="fa", template="label:fa", split="train",
                 params={"regions": regions})
    writer.write("fa2", ref, cand, mask, source="synth", page="fa2", template="t", split="train",
                 params={"regions": regions})  # not a label: the regions mean nothing here
    sources = find_sources([tmp_path / "d"])
    label, other = sorted(sources.train, key=lambda p: p.sample.source)
    assert hint_boxes(label.sample) == ((300, 700, 40, 20, 0),)  # malformed and off-page ones dropped
    assert hint_boxes(other.sample) == ()
    ds = TileDataset(sources, tile=64, crops=4, seed=2, composite=0.0, augment=False)
    seen = {"label": [], "synth": []}
    for epoch in range(12):
        ds.set_epoch(epoch)
        for j in range(len(ds)):
            _, i = ds.plan[j // 4]
            r, _, m, _ = ds[j]
            seen[sources.train[i].sample.source].append(bool(((r[0] == 0) & (r[2] == 255)).any()))
            assert not m.any()  # the regions steer the crop; the label stays benign
    assert 0.6 < np.mean(seen["label"]) < 0.9  # 70 % centred on the region, plus a few uniform hits
    assert np.mean(seen["synth"]) < 0.3


def test_small_screenshot_tiles_are_a_padded_window_with_consistent_labels() -> None:
    ref = np.full((256, 256, 3), 255, dtype=np.uint8)
    cand = ref.copy()
    cand[100:140, 60:90] = (20, 20, 200)
    mask = np.zeros((256, 256), dtype=np.uint8)
    mask[100:140, 60:90] = 1
    boxes = ((60, 100, 30, 40, 1),)
    small_seen = 0
    for k in range(30):  # small=1.0: every tile is a small screenshot
        r, c, m = cut_tile(ref, cand, mask, boxes, 64, np.random.default_rng(k), small=1.0)
        blue = (c[2] > 150) & (c[0] < 100)
        # The label follows the pixels through the window, the padding, resizing and flipping
        # (edges aside: resizing blurs them, candidate noise may shift them by a pixel).
        assert (blue == (m == 1)).float().mean() > 0.95
        small_seen += int(bool(blue.any()) and float(blue.float().mean()) > 0.3)
        assert torch.equal(r, torch.full_like(r, 255))  # only the candidate changed
    # A 12-64 px window on the 40x30 change, padded to the tile: the change fills much of it,
    # where a plain 64 px crop of this pair never has it over 30 % of the tile.
    assert small_seen >= 10
    plain = [cut_tile(ref, cand, mask, boxes, 64, np.random.default_rng(k)) for k in range(5)]
    again = [cut_tile(ref, cand, mask, boxes, 64, np.random.default_rng(k), small=0.0) for k in range(5)]
    assert all(torch.equal(a[1], b[1]) for a, b in zip(plain, again, strict=True))  # off by default


def test_augmentation_keeps_image_and_mask_aligned() -> None:
    ref = np.full((64, 64, 3), 255, dtype=np.uint8)
    cand = ref.copy()
    cand[8:24, 4:20] = 0
    mask = np.zeros((64, 64), dtype=np.uint8)
    mask[8:24, 4:20] = 5
    for k in range(40):
        r, c, m = cut_tile(ref, cand, mask, ((4, 8, 16, 16, 5),), 64, np.random.default_rng(k))
        dark = c.float().mean(dim=0) < 128  # (64, 64)
        labelled = m == 5
        assert set(np.unique(m.numpy()).tolist()) <= {0, 5}
        assert (dark & labelled).sum() >= 0.8 * max(int(dark.sum()), 1)
        assert torch.equal(r, torch.full_like(r, 255))


def test_epoch_plan_oversamples_rare_classes(data: Path) -> None:
    sources = find_sources([data])
    weights = pair_weights(sources.train)
    assert weights.min() >= 1.0 and weights.max() <= 4.0
    plan = plan_epoch(0, 0, np.array([1.0, 1.0, 4.0, 1.0]), n_pages=2, composite=0.5)
    pairs = [i for what, i in plan if what == "pair"]
    assert len(plan) == 8 and len(pairs) == 4 and pairs.count(2) >= 2
    assert plan == plan_epoch(0, 0, np.array([1.0, 1.0, 4.0, 1.0]), n_pages=2, composite=0.5)
    assert plan != plan_epoch(0, 1, np.array([1.0, 1.0, 4.0, 1.0]), n_pages=2, composite=0.5)


def _ref(i: int, source: str, classes: tuple[int, ...] = ()) -> PairRef:
    kind = "defect" if classes else "benign"
    sample = Sample(id=f"s{i}", reference="r.png", candidate="c.png", mask="m.png", kind=kind, classes=classes,
                    boxes=(), source=source, page=f"p{i}", template="t", split="train", width=8, height=8)
    return PairRef(Path("."), sample)


def test_a_handful_of_labels_gets_a_fixed_share_of_the_draws() -> None:
    """Regression (issue 12's check): five labelled false alarms among 520 replay pairs were drawn
    like any pair (1 % of the tiles) and a fine-tune did not learn them."""
    pairs = [_ref(i, "synth", (3,) if i % 2 else ()) for i in range(520)] + [_ref(520 + i, "label") for i in range(5)]
    for share in (0.1, LABEL_SHARE, 0.5):
        weights = pair_weights(pairs, share)
        assert weights[-5:].sum() / weights.sum() == pytest.approx(share)
        assert np.array_equal(weights[:-5], pair_weights(pairs)[:-5])  # the rest keeps its balance
        plan = plan_epoch(0, 0, weights, n_pages=0, composite=0.0)
        assert abs(sum(i >= 520 for _, i in plan) - share * len(plan)) <= 5  # each label rounds once
    assert np.array_equal(pair_weights(pairs, 0.0), pair_weights(pairs))  # 0: drawn like any pair
    only_labels = pairs[-5:]
    assert np.array_equal(pair_weights(only_labels, 0.5), np.ones(5))  # nothing to share with
    many = [_ref(i, "label") for i in range(400)] + pairs[:100]
    assert np.array_equal(pair_weights(many, 0.3), np.ones(500))  # already more than the share: left alone


def test_label_share_is_checked_and_its_cli_help_states_the_default() -> None:
    from click.testing import CliRunner

    from layoutcheck.cli import main

    with pytest.raises(InputError, match="label-share"):
        TrainConfig(data=(Path("."),), out=Path("m.safetensors"), label_share=1.0)
    out = CliRunner().invoke(main, ["train", "--help"], terminal_width=200).output
    assert f"[default: {LABEL_SHARE}]" in " ".join(out.split())


def _labelled_data(root: Path) -> Path:
    """The tiny dataset plus two train pairs saved as a reviewer's labels (source ``label``)."""
    build_dataset(root)
    writer = DatasetWriter(root)
    for i in range(2):
        ref, cand, mask = _make_pair("benign", 100 + i)
        writer.write(f"lab{i}", ref, cand, mask, source="label", page=f"lab{i}", template="label:x", split="train",
                     params={})
    return root


def test_tiles_say_whether_they_were_cut_from_a_label(tmp_path: Path) -> None:
    sources = find_sources([_labelled_data(tmp_path / "d")])
    ds = TileDataset(sources, tile=64, crops=2, seed=1, composite=0.0, label_share=0.5)
    ds.set_epoch(0)
    for group, (what, i) in enumerate(ds.plan):
        wanted = what == "pair" and sources.train[i].sample.source == "label"
        assert [bool(ds[2 * group + k][3]) for k in range(2)] == [wanted, wanted]
    assert {bool(ds[j][3]) for j in range(len(ds))} == {True, False}  # a half share draws both kinds


def test_distillation_keeps_the_init_models_answers(tmp_path: Path) -> None:
    """A fine-tune with --distill stays closer to the --init model on the tiles it keeps than one
    without, and it resumes (the frozen init model is loaded again)."""
    from layoutcheck.weights import load_model

    data = _labelled_data(tmp_path / "d")
    init = tmp_path / "init.safetensors"
    train(_config(data, init, epochs=1, max_steps=12, calibrate=False))
    sources = find_sources([data])
    ds = TileDataset(sources, tile=64, crops=2, seed=5, composite=0.0, augment=False)
    ds.set_epoch(0)
    tiles = [ds[j] for j in range(len(ds)) if not ds[j][3]][:8]
    ref = torch.stack([t[0] for t in tiles]).float() / 255
    cand = torch.stack([t[1] for t in tiles]).float() / 255

    def drift(path: Path) -> float:
        before, after = (load_model(p, device="cpu")[0].eval() for p in (init, path))
        with torch.no_grad():
            p, q = before(ref, cand).log_softmax(1), after(ref, cand).log_softmax(1)
        return float(torch.nn.functional.kl_div(q, p, log_target=True, reduction="none").sum(1).mean())

    runs = {}
    for weight in (0.0, 20.0):
        out = tmp_path / f"ft{weight}.safetensors"
        cfg = _config(data, out, init=init, epochs=1, max_steps=8, lr=2e-2, distill=weight, calibrate=False)
        if weight:  # interrupted half way, then resumed
            train(replace(cfg, max_steps=4))
        events: list[dict[str, Any]] = []
        result = train(cfg, on_progress=events.append)
        assert result.steps == 8
        assert {e["distill"] > 0 for e in events if e["event"] == "step"} == {bool(weight)}  # reported
        runs[weight] = drift(out)
    assert runs[20.0] < 0.5 * runs[0.0], runs
    with pytest.raises(InputError, match="--distill needs --init"):
        _config(data, tmp_path / "x.safetensors", distill=1.0)


def test_freeze_norm_keeps_the_init_models_batch_norm_statistics(data: Path, tmp_path: Path) -> None:
    from layoutcheck.weights import load_model

    init = tmp_path / "init.safetensors"
    train(_config(data, init, epochs=1, max_steps=4, calibrate=False))

    def stats(path: Path) -> list[torch.Tensor]:
        model = load_model(path, device="cpu")[0]
        return [t for name, t in model.state_dict().items() if name.endswith(("running_mean", "running_var"))]

    def weights(path: Path) -> list[torch.Tensor]:
        return [p.detach() for p in load_model(path, device="cpu")[0].parameters()]

    for freeze in (False, True):
        out = tmp_path / f"ft{freeze}.safetensors"
        train(_config(data, out, init=init, epochs=1, max_steps=4, freeze_norm=freeze, calibrate=False))
        same = [torch.equal(a, b) for a, b in zip(stats(init), stats(out), strict=True)]
        assert all(same) if freeze else not any(same)
        assert not all(torch.equal(a, b) for a, b in zip(weights(init), weights(out), strict=True))  # it learned


def test_freeze_encoder_trains_only_the_decoder_and_head(data: Path, tmp_path: Path) -> None:
    from layoutcheck.weights import load_model

    init = tmp_path / "init.safetensors"
    train(_config(data, init, epochs=1, max_steps=4, calibrate=False))
    out = tmp_path / "ft.safetensors"
    train(_config(data, out, init=init, epochs=1, max_steps=4, freeze_encoder=True, calibrate=False))
    before, after = (load_model(p, device="cpu")[0].state_dict() for p in (init, out))
    encoder = [n for n in before if n.startswith(("inc.", "downs."))]
    decoder = [n for n in before if n.startswith(("ups.", "head.")) and before[n].is_floating_point()]
    assert encoder and decoder
    assert all(torch.equal(before[n], after[n]) for n in encoder)  # weights and running statistics
    assert not all(torch.equal(before[n], after[n]) for n in decoder)  # it learned
    assert json.loads(load_model(out, device="cpu")[2]["training"])["freeze_encoder"] is True
    with pytest.raises(InputError, match="--freeze-encoder needs --init"):
        train(_config(data, tmp_path / "x.safetensors", freeze_encoder=True))


def test_shard_sampler_splits_whole_batches() -> None:
    a = list(ShardSampler(20, 4, rank=0, world=2))
    b = list(ShardSampler(20, 4, rank=1, world=2))
    assert a == [0, 1, 2, 3, 8, 9, 10, 11] and b == [4, 5, 6, 7, 12, 13, 14, 15]
    assert list(ShardSampler(20, 4, start=3)) == [12, 13, 14, 15, 16, 17, 18, 19]


def test_loss_parts() -> None:
    loss_fn = SegmentationLoss(14)
    target = torch.zeros(2, 8, 8, dtype=torch.long)
    target[:, 2:5, 2:5] = 3
    perfect = torch.full((2, 14, 8, 8), -20.0)
    perfect.scatter_(1, target[:, None], 20.0)
    loss, _ = loss_fn(perfect, target)
    assert float(loss) < 1e-3
    wrong = torch.zeros(2, 14, 8, 8)
    wrong[:, 0] = 20.0
    loss_wrong, parts_wrong = loss_fn(wrong, target)
    assert float(parts_wrong["dice_defect"]) > 0.9 and float(loss_wrong) > 5


def test_val_score_terms() -> None:
    from layoutcheck.calibrate import GRID, Tally

    tally = Tally()
    tally.pairs[:] = (4, 0, 2)  # benign, change, defect: no change pairs
    i_s, i_l = GRID.index(0.5), GRID.index(0.9)
    tally.hits[0, 0, :i_s + 1] = 1  # strict: one benign pair flagged up to 0.5, none above
    tally.hits[0, 2, :] = 2  # both defect pairs flagged everywhere
    tally.hits[1, 2, : i_l + 1] = 1  # layout: one defect pair located up to 0.9
    tally.pixels[1, 0, :] = 10
    tally.pixels[1, 0, i_l] = 30
    tally.pixels[1, 1, :] = 60
    m = metrics_from_counts(tally)
    # strict: J = 1 - 1/4 up to 0.5, then 1 - 0 (ties go up); layout: J = 1/2 - 0 up to 0.9, then 0
    assert m["threshold_strict"] == GRID[-1] and m["j_strict"] == 1.0 and m["benign_fpr_strict"] == 0.0
    assert m["threshold_layout"] == 0.9 and m["j_layout"] == 0.5
    assert m["defect_recall"] == 0.5 and m["iou_layout"] == 0.5 and m["strict_recall"] == 1.0
    assert np.isnan(m["change_pass"]) and np.isnan(m["iou_strict"])
    assert m["score"] == pytest.approx(0.95 * (1.0 + 0.5) / 2 + 0.05 * 0.5)
    assert np.isnan(metrics_from_counts(Tally())["score"])


def test_bad_settings_are_input_errors(data: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="multiple of 4"):
        train(_config(data, tmp_path / "m.safetensors", tile=66))
    with pytest.raises(InputError, match="--composite"):
        _config(data, tmp_path / "m.safetensors", composite=1.5)
    empty = tmp_path / "empty"
    DatasetWriter(empty)
    with pytest.raises(InputError, match="split 'train'"):
        train(_config(empty, tmp_path / "m.safetensors"))


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_signal_to_the_whole_process_group_saves_state(data: Path, tmp_path: Path, signame: str) -> None:
    # Ctrl-C in a terminal, `kill -- -PGID`, a CI job's cancellation: the loader's worker gets the
    # signal too. It must not die of it and take the batch (and the save) down with it.
    import multiprocessing
    import os
    import signal
    import time

    from layoutcheck.train import TrainingInterrupted

    sig = getattr(signal, signame)
    cfg = _config(data, tmp_path / "m.safetensors", epochs=1, workers=1)

    def interrupt(event: dict[str, Any]) -> None:
        if event["event"] == "step" and event["global_step"] == 3:
            workers = multiprocessing.active_children()
            assert workers  # the loader's worker
            for child in workers:
                os.kill(child.pid, sig)
            os.kill(os.getpid(), sig)
            time.sleep(0.3)  # time for the worker to die of it, if it would
            assert all(child.is_alive() for child in workers)  # the main process stops it when it stops

    with pytest.raises(TrainingInterrupted, match="step 3"):
        train(cfg, on_progress=interrupt)
    assert cfg.checkpoint.is_file()


def test_sigint_saves_state_and_a_rerun_resumes(data: Path, tmp_path: Path) -> None:
    import os
    import signal

    from layoutcheck.train import TrainingInterrupted

    cfg = _config(data, tmp_path / "m.safetensors", epochs=1)

    def interrupt(event: dict[str, Any]) -> None:
        if event["event"] == "step" and event["global_step"] == 3:
            os.kill(os.getpid(), signal.SIGINT)

    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(TrainingInterrupted, match="step 3") as info:
        train(cfg, on_progress=interrupt)
    assert info.value.exit_code == 130
    assert signal.getsignal(signal.SIGINT) is handler  # handlers restored
    assert cfg.checkpoint.is_file()
    events: list[dict[str, Any]] = []
    result = train(cfg, on_progress=events.append)
    assert [e["step"] for e in events if e["event"] == "step"] == [4, 5, 6, 7, 8]
    assert result.steps == 8 and result.stopped == "done"


def test_train_and_eval_commands(data: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from layoutcheck.cli import main

    out = tmp_path / "cli.safetensors"
    result = CliRunner().invoke(main, [
        "train", "--data", str(data), "--out", str(out), "--epochs", "1", "--batch", "4", "--tile", "64",
        "--workers", "0", "--base", "4", "--depth", "2", "--max-steps", "16", "--val-pairs", "2", "--amp", "off",
    ])
    assert result.exit_code == 0, result.output
    assert "training on cpu" in result.stdout and "step 16/16" in result.stdout and out.is_file()
    assert "val score" in result.stdout and "at thresholds strict" in result.stdout  # None metrics print n/a
    tuned = tmp_path / "tuned.safetensors"
    result = CliRunner().invoke(main, [
        "train", "--data", str(data), "--out", str(tuned), "--init", str(out), "--epochs", "1", "--batch", "4",
        "--tile", "64", "--workers", "0", "--max-steps", "2", "--val-pairs", "2", "--amp", "off", "--no-calibrate",
        "--distill", "0.5", "--freeze-norm",
    ])
    assert result.exit_code == 0, result.output
    assert "(distill " in result.stdout
    facts = [json.loads(read_model_info(m)[1]["training"]) for m in (out, tuned)]
    # Regression: a fine-tune (--init) ran at the from-scratch rate, 2e-3, and undid what the model knew.
    assert [f["lr"] for f in facts] == [LR, FINETUNE_LR] and [f["label_share"] for f in facts] == [LABEL_SHARE] * 2
    assert [(f["distill"], f["freeze_norm"]) for f in facts] == [(0.0, False), (0.5, True)]
    report = tmp_path / "eval.json"
    result = CliRunner().invoke(main, ["eval", "--model", str(out), "--data", str(data), "--split", "val",
                                       "--json", str(report), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "benign-pair FPR" in result.stdout and report.is_file()
