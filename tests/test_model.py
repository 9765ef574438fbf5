"""The change segmenter and its weights files: shapes, training step, strict loading, clear errors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from safetensors.torch import save, save_file

from layoutcheck.dataset import NUM_CLASSES
from layoutcheck.errors import InputError, LayoutcheckError, ModelError, ModelNotAvailableError
from layoutcheck.judges import get_judge
from layoutcheck.model import ChangeSegmenter, ModelConfig, build_model, fuse_for_inference
from layoutcheck.weights import CONFIG_KEY, ENV_VAR, FORMAT, load_model, read_model_info, save_model

TINY = ModelConfig(base=4, depth=2)


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """64x64 inputs gain nothing from threads, and OpenMP's spinning hurts on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _pair(b: int = 1, size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.rand(b, 3, size, size, generator=g), torch.rand(b, 3, size, size, generator=g)


@pytest.mark.parametrize("fusion", ["early", "siamese"])
@pytest.mark.parametrize("block", ["dsconv", "conv"])
def test_forward_and_backward_at_64(fusion: str, block: str) -> None:
    torch.manual_seed(0)
    model = build_model(ModelConfig(fusion=fusion, block=block))
    ref, cand = _pair()
    logits = model(ref, cand)
    assert logits.shape == (1, NUM_CLASSES, 64, 64)
    target = torch.randint(0, NUM_CLASSES, (1, 64, 64))
    torch.nn.functional.cross_entropy(logits, target).backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())


def test_default_config_is_small() -> None:
    config = ModelConfig()
    assert config.num_classes == NUM_CLASSES and config.multiple == 16
    model = build_model(config)
    params = sum(p.numel() for p in model.parameters())
    assert params == 236_477  # the number the report quotes
    assert params * 4 <= 2_000_000  # fp32 weights under 2 MB


def test_config_round_trip_and_validation() -> None:
    config = ModelConfig(base=8, depth=3, fusion="siamese", block="conv")
    assert ModelConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    with pytest.raises(ValueError, match="unknown model config key"):
        ModelConfig.from_dict({**config.to_dict(), "width": 3})
    with pytest.raises(ValueError, match="fusion must be one of early, siamese"):
        ModelConfig(fusion="late")
    with pytest.raises(ValueError, match="depth must be"):
        ModelConfig(depth=0)
    with pytest.raises(ValueError, match="base must be an int"):
        ModelConfig(base=True)


def test_forward_says_how_to_pad() -> None:
    model = build_model(TINY)
    with pytest.raises(ValueError, match="multiples of 4.*pad the bottom by 2 and the right by 1"):
        model(torch.rand(1, 3, 62, 63), torch.rand(1, 3, 62, 63))
    with pytest.raises(ValueError, match=r"\(B, 3, H, W\)"):
        model(torch.rand(1, 3, 64, 64), torch.rand(1, 4, 64, 64))


@pytest.mark.parametrize("block", ["dsconv", "conv"])
def test_fusing_batch_norms_keeps_the_outputs(block: str) -> None:
    model = _trained_a_bit(ModelConfig(base=4, depth=2, block=block))
    fused = fuse_for_inference(model)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())  # the original is untouched
    ref, cand = _pair()
    with torch.no_grad():
        torch.testing.assert_close(fused(ref, cand), model(ref, cand), atol=1e-5, rtol=1e-5)


def _trained_a_bit(config: ModelConfig = TINY) -> ChangeSegmenter:
    """A tiny model whose batch-norm statistics moved, so that a lost buffer would show."""
    torch.manual_seed(1)
    model = build_model(config)
    ref, cand = _pair(b=2)
    model(ref, cand)  # one training-mode pass updates the running stats
    return model.eval()


def test_save_load_round_trip(tmp_path: Path) -> None:
    model = _trained_a_bit()
    path = tmp_path / "m.safetensors"
    sha = save_model(model, path, metadata={"epochs": "3", "dataset": "abc"})
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    loaded, config, meta = load_model(path, expected_sha256=sha)
    assert config == TINY and not loaded.training
    assert meta["epochs"] == "3" and meta["format"] == FORMAT and json.loads(meta[CONFIG_KEY]) == TINY.to_dict()
    ref, cand = _pair()
    with torch.no_grad():
        assert torch.equal(model(ref, cand), loaded(ref, cand))
    assert read_model_info(path) == (TINY.to_dict(), meta)
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left nothing behind


def test_save_rejects_bad_metadata(tmp_path: Path) -> None:
    model = build_model(TINY)
    with pytest.raises(ValueError, match="reserved"):
        save_model(model, tmp_path / "m.safetensors", metadata={"format": "mine"})
    with pytest.raises(ValueError, match="strings"):
        save_model(model, tmp_path / "m.safetensors", metadata={"epochs": 3})  # type: ignore[dict-item]


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.safetensors"
    save_model(_trained_a_bit(), path)
    return path


def _foreign_keys(path: Path) -> None:
    meta = {"format": FORMAT, CONFIG_KEY: json.dumps(TINY.to_dict())}
    state = build_model(TINY).state_dict()
    state["extra.weight"] = state.pop("head.weight")
    save_file({k: v.contiguous() for k, v in state.items()}, str(path), metadata=meta)


def _other_architecture(path: Path) -> None:
    meta = {"format": FORMAT, CONFIG_KEY: json.dumps(TINY.to_dict())}
    state = build_model(ModelConfig(base=8, depth=2)).state_dict()
    save_file({k: v.contiguous() for k, v in state.items()}, str(path), metadata=meta)


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:-100]), "truncated"),
        (lambda p: p.write_bytes(p.read_bytes()[:5]), "fewer than the 8-byte header"),
        (lambda p: p.write_bytes(bytes(range(256)) * 40), "not a safetensors file"),
        (lambda p: p.write_bytes(b""), "not a safetensors file"),
        (lambda p: save_file({"w": torch.zeros(3)}, str(p)), "not a layoutcheck model"),
        (_foreign_keys, r"missing keys \[head.weight\]; unexpected keys \[extra.weight\]"),
        (_other_architecture, r"wrong shapes \[.*expected"),
        (
            lambda p: save_file({"w": torch.zeros(3)}, str(p), metadata={"format": FORMAT, CONFIG_KEY: '{"fusion": "late"}'}),
            "invalid config.*fusion must be one of",
        ),
        (
            lambda p: save_file({"w": torch.zeros(3)}, str(p), metadata={"format": "other/9", CONFIG_KEY: "{}"}),
            "has format 'other/9'",
        ),
    ],
)
def test_broken_files_are_model_errors(good_file: Path, break_it, message: str) -> None:  # type: ignore[no-untyped-def]
    break_it(good_file)
    with pytest.raises(ModelError, match=message) as info:
        load_model(good_file)
    assert str(good_file) in str(info.value) and info.value.exit_code == 2


def test_wrong_sha_is_a_model_error(good_file: Path) -> None:
    with pytest.raises(ModelError, match="has sha256 .* expected 00ff"):
        load_model(good_file, expected_sha256="00ff")


def test_header_check_needs_no_torch_and_catches_foreign_files(tmp_path: Path) -> None:
    path = tmp_path / "foreign.safetensors"
    path.write_bytes(save({"w": torch.zeros(2)}, metadata={"producer": "someone else"}))
    with pytest.raises(ModelError, match=r"not a layoutcheck model.*\['producer'\]"):
        read_model_info(path)


def test_missing_model_via_get_judge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelNotAvailableError, match="the unet method needs a trained model.*--method pixel"):
        get_judge("unet", model_path=tmp_path / "nope.safetensors")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "also-nope.safetensors"))
    with pytest.raises(ModelNotAvailableError, match="also-nope"):
        get_judge("unet")
    with pytest.raises(ModelNotAvailableError, match="no model file"):
        load_model(tmp_path / "nope.safetensors")


def test_get_judge_builds_the_unet_judge(good_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    judge = get_judge("unet", 0.3, level="layout", device="cpu", model_path=good_file)
    assert (judge.method, judge.threshold, judge.level, judge.device) == ("unet", 0.3, "layout", "cpu")  # type: ignore[attr-defined]
    monkeypatch.setenv(ENV_VAR, str(good_file))
    assert get_judge("unet").model_path == good_file  # type: ignore[attr-defined]
    good_file.write_bytes(b"garbage!" * 4)
    with pytest.raises(ModelError):
        get_judge("unet", model_path=good_file)
    for kwargs, needle in (({"level": "loose"}, "unknown level"), ({"device": "tpu"}, "unknown device")):
        with pytest.raises(InputError, match=needle):
            get_judge("unet", model_path=good_file, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="between 0 and 1"):
        get_judge("unet", 1.5, model_path=good_file)
    assert issubclass(ModelError, LayoutcheckError) and get_judge("pixel").method == "pixel"


def test_pinned_sha256_beside_the_file_is_checked(tmp_path: Path) -> None:
    from layoutcheck.errors import ModelError
    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import load_model, save_model

    path = tmp_path / "m.safetensors"
    digest = save_model(build_model(ModelConfig(base=4, depth=2)), path)
    (tmp_path / "m.safetensors.sha256").write_text(f"{digest}  m.safetensors\n")
    load_model(path)  # matches
    (tmp_path / "m.safetensors.sha256").write_text("0" * 64 + "\n")
    with pytest.raises(ModelError, match="expected 0000"):
        load_model(path)
