"""Pre-filled masks and the uncertainty order (a tiny untrained U-Net: shapes and plumbing, not quality)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from layoutcheck.dataset import NUM_CLASSES
from layoutcheck.label import (
    Predictor,
    add_from_report,
    create_app,
    open_store,
    rank_by_uncertainty,
)
from layoutcheck.label.server import TOKEN_HEADER

from .conftest import page_like
from .label_helpers import make_report


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    path = tmp_path / "tiny.safetensors"
    save_model(build_model(ModelConfig(base=4, depth=2)).eval(), path)
    return path


def test_prediction_is_a_class_mask_in_bands(tiny_model: Path, monkeypatch: pytest.MonkeyPatch, one_thread: None) -> None:
    monkeypatch.setattr("layoutcheck.label.predict.BAND", 64)  # three bands on a 160 px page
    ref = page_like(96, 160)
    cand = ref.copy()
    cand[40:120, 10:60] = (220, 30, 30)
    result = Predictor(tiny_model).predict(ref, cand)
    assert result.mask.shape == (160, 96) and result.mask.dtype == np.uint8
    assert int(result.mask.max()) < NUM_CLASSES
    assert 0.0 <= result.uncertainty <= 1.0
    same = Predictor(tiny_model).predict(ref, ref)
    assert not same.mask.any() and same.uncertainty == 0.0  # identical pairs never run the network


def test_prediction_endpoint_and_uncertainty_order(tiny_model: Path, tmp_path: Path, one_thread: None) -> None:
    report = make_report(tmp_path)
    root = tmp_path / "labels"
    for name in ("same@desktop.png", "broken@desktop.png"):
        add_from_report(report, name, root)
    store = open_store(root)
    predictor = Predictor(tiny_model)
    scores = rank_by_uncertainty(store, predictor)
    assert set(scores) == set(store.ids())
    assert [scores[i] for i in store.ids()] == sorted(scores.values(), reverse=True)
    client = create_app(store, token="t", predictor=predictor, uncertainty=scores).test_client()
    data = client.get("/api/pairs", headers={TOKEN_HEADER: "t"}).get_json()
    assert data["prediction"] is True and all(p["uncertainty"] is not None for p in data["pairs"])
    r = client.get(f"/api/pairs/{store.ids()[0]}/prediction.png", headers={TOKEN_HEADER: "t"})
    assert r.status_code == 200
    assert Image.open(io.BytesIO(r.data)).size == (320, 240)
