"""The two runtimes of the U-Net judge: ONNX Runtime (the base install) and torch.

The shipped model's ONNX export must give the verdicts torch gives, on the peers' fixtures and on
page-like pairs; a mismatched, corrupt or missing export or runtime is one line naming the fix.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from layoutcheck import runtime
from layoutcheck.errors import InputError, ModelError, ModelNotAvailableError
from layoutcheck.imageio import load_image
from layoutcheck.judges import get_judge
from layoutcheck.weights import DEFAULT_MODEL

from .conftest import FIXTURES, page_like, write_png

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

#: Largest |p(torch, fp32) - p(onnxruntime)| allowed on any pixel of any fixture. Measured on the
#: shipped model and the 33 pairs below (every case of the peers' manifest, two page-like pairs):
#: 4.0e-6 (float rounding of the same graph).
SCORE_TOLERANCE = 1e-4


def _peer_pairs() -> list[tuple[str, np.ndarray, np.ndarray]]:
    manifest = json.loads((FIXTURES / "peers" / "MANIFEST.json").read_text(encoding="utf-8"))
    pairs = []
    for case in manifest["cases"]:
        ref = load_image(FIXTURES / "peers" / case["reference"])
        cand = load_image(FIXTURES / "peers" / case["candidate"])
        h, w = min(ref.shape[0], cand.shape[0]), min(ref.shape[1], cand.shape[1])
        pairs.append((case["id"], np.ascontiguousarray(ref[:h, :w]), np.ascontiguousarray(cand[:h, :w])))
    return pairs


def _page_pairs() -> list[tuple[str, np.ndarray, np.ndarray]]:
    ref = page_like(640, 480, seed=3)
    moved = ref.copy()
    moved[200:260, 40:300] = ref[190:250, 40:300]  # a block slid down 10 px
    recoloured = ref.copy()
    recoloured[100:140, 400:600, 2] //= 2  # one channel of a card halved
    return [("page/moved-block", ref, moved), ("page/recoloured", ref, recoloured)]


PAIRS = _peer_pairs() + _page_pairs()


def _padded(img: np.ndarray, m: int = 16) -> np.ndarray:
    h, w = img.shape[:2]
    return np.pad(img, ((0, -h % m), (0, -w % m), (0, 0)), mode="edge")[None]  # (1, H', W', 3)


def test_the_shipped_model_has_a_matching_onnx_export() -> None:
    onnx_file = runtime.onnx_path_for(DEFAULT_MODEL)
    assert onnx_file.is_file() and onnx_file.with_name(onnx_file.name + ".sha256").is_file()
    runner = runtime.get_runner(DEFAULT_MODEL, "onnx", "cpu")  # checks pin, format, config, weights digest
    assert runner.runtime == "onnx"


@pytest.mark.slow
def test_both_runtimes_give_the_same_maps_and_verdicts() -> None:
    onnx = runtime.get_runner(DEFAULT_MODEL, "onnx", "cpu")
    exact = runtime.get_runner(DEFAULT_MODEL, "torch", "cpu", "fp32")
    worst = 0.0
    for name, ref, cand in PAIRS:
        a, b = onnx.run(_padded(ref), _padded(cand)), exact.run(_padded(ref), _padded(cand))
        for x, y in zip(a[:2], b[:2], strict=True):  # p_any, p_defect
            worst = max(worst, float(np.abs(x - y).max()))
        # Class maps are argmaxes: float rounding may flip near-ties between two classes, which
        # region kinds (a confidence-weighted vote, compared below) absorb. Where a level would
        # fail a pixel, they agree on all but a sliver of it.
        for score, x, y in ((a[0], a[2], b[2]), (a[1], a[3], b[3])):
            confident = score > 0.5
            if confident.any():
                agree = float((x == y)[confident].mean())
                assert agree >= 0.99, (name, agree)
    assert worst <= SCORE_TOLERANCE
    for level in ("strict", "layout"):
        for precision in ("fp32", "auto"):  # auto: bf16 where the CPU has it, as users run torch
            by_onnx = get_judge("unet", level=level, device="cpu", runtime="onnx")
            by_torch = get_judge("unet", level=level, device="cpu", runtime="torch")
            object.__setattr__(by_torch, "precision", precision)
            for name, ref, cand in PAIRS:
                a, b = by_onnx.judge(ref, cand), by_torch.judge(ref, cand)
                assert bool(a.regions) == bool(b.regions), (name, level, precision)
                if precision == "fp32":
                    assert [(r.x, r.y, r.w, r.h, r.kind) for r in a.regions] == [
                        (r.x, r.y, r.w, r.h, r.kind) for r in b.regions
                    ], (name, level)


@pytest.mark.parametrize("kind", ["onnx", "torch"])
def test_each_runtime_is_deterministic_on_the_cpu(kind: str) -> None:
    runner = runtime.get_runner(DEFAULT_MODEL, kind, "cpu")
    _, ref, cand = PAIRS[0]
    first, second = runner.run(_padded(ref), _padded(cand)), runner.run(_padded(ref), _padded(cand))
    for x, y in zip(first, second, strict=True):
        assert x.tobytes() == y.tobytes()


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """The shipped model and its export, pins included, in a folder of the test's own."""
    for f in DEFAULT_MODEL.parent.glob("layoutcheck-unet.*"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / DEFAULT_MODEL.name


def _onnx_error(model: Path) -> str:
    runtime._RUNNERS.clear()
    with pytest.raises((ModelError, ModelNotAvailableError)) as info:
        runtime.get_runner(model, "onnx", "cpu")
    return str(info.value)


def test_a_corrupt_onnx_file_is_named_with_the_fix(model_copy: Path) -> None:
    onnx_file = runtime.onnx_path_for(model_copy)
    onnx_file.with_name(onnx_file.name + ".sha256").unlink()
    onnx_file.write_bytes(b"not a protobuf at all")
    message = _onnx_error(model_copy)
    assert str(onnx_file) in message and "layoutcheck export --model" in message


def test_an_onnx_file_that_does_not_match_its_pin_is_refused(model_copy: Path) -> None:
    onnx_file = runtime.onnx_path_for(model_copy)
    onnx_file.write_bytes(onnx_file.read_bytes() + b"\0")
    assert "sha256 pinned" in _onnx_error(model_copy)


def test_an_export_of_other_weights_is_refused(model_copy: Path) -> None:
    # New weights, same architecture (a fine-tune): the old export no longer belongs to the model.
    from layoutcheck.weights import load_model, save_model

    model, _, meta = load_model(model_copy)
    with torch.no_grad():
        next(model.parameters()).mul_(1.01)
    model_copy.with_name(model_copy.name + ".sha256").unlink()
    save_model(model, model_copy, metadata={k: v for k, v in meta.items() if k.startswith("layoutcheck.thr")})
    message = _onnx_error(model_copy)
    assert "does not match the weights" in message and "layoutcheck export --model" in message


def test_recalibrating_keeps_the_export_valid(model_copy: Path) -> None:
    # Thresholds live in the safetensors header; the export is tied to the weights, not to them.
    from layoutcheck.weights import THRESHOLDS_KEY, update_metadata

    update_metadata(model_copy, {THRESHOLDS_KEY: json.dumps({"strict": 0.9, "layout": 0.8})})
    runtime._RUNNERS.clear()
    assert runtime.get_runner(model_copy, "onnx", "cpu").runtime == "onnx"


def test_an_opset_the_runtime_does_not_know_is_named(model_copy: Path) -> None:
    import onnx

    onnx_file = runtime.onnx_path_for(model_copy)
    proto = onnx.load(onnx_file)
    proto.opset_import[0].version = 999
    onnx_file.write_bytes(proto.SerializeToString())
    onnx_file.with_name(onnx_file.name + ".sha256").unlink()
    message = _onnx_error(model_copy)
    assert "cannot be loaded by onnxruntime" in message and "layoutcheck export" in message


def test_export_writes_a_checked_twin(tmp_path: Path) -> None:
    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    path = tmp_path / "tiny.safetensors"
    save_model(build_model(ModelConfig(base=4, depth=2)).eval(), path)
    out = runtime.export_onnx(path)
    assert out == tmp_path / "tiny.onnx" and not (tmp_path / "tiny.onnx.sha256").exists()  # unpinned model
    runner = runtime.get_runner(path, "onnx", "cpu")
    ref = page_like(64, 48)
    cand = ref.copy()
    cand[10:20] = 0
    got = runner.run(ref[None], cand[None])
    want = runtime.get_runner(path, "torch", "cpu", "fp32").run(ref[None], cand[None])
    assert np.abs(got[0] - want[0]).max() <= SCORE_TOLERANCE


def test_auto_takes_onnx_on_the_cpu_and_torch_without_an_export(tmp_path: Path) -> None:
    assert runtime.choose_runtime("auto", "cpu", DEFAULT_MODEL) == "onnx"
    lone = tmp_path / "m.safetensors"
    shutil.copy(DEFAULT_MODEL, lone)
    assert runtime.choose_runtime("auto", "cpu", lone) == "torch"
    with pytest.raises(ModelNotAvailableError, match="layoutcheck export --model"):
        runtime.choose_runtime("onnx", "cpu", lone)
    with pytest.raises(InputError, match="--runtime torch"):
        runtime.choose_runtime("onnx", "cuda", DEFAULT_MODEL)


def test_no_runtime_at_all_is_one_line_naming_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real "nothing installed" case runs in test_wheel_install_outside_the_checkout.
    monkeypatch.setattr(runtime, "_installed", lambda name: False)
    with pytest.raises(runtime.RuntimeNotAvailableError, match=r"pip install onnxruntime.*layoutcheck\[torch\]"):
        runtime.choose_runtime("auto", "cpu", DEFAULT_MODEL)


def test_cli_reports_a_broken_export_in_one_line(model_copy: Path, tmp_path: Path) -> None:
    runtime.onnx_path_for(model_copy).write_bytes(b"garbage")
    ref, cand = page_like(128, 96), page_like(128, 96)
    cand[20:40, 20:80] = 0
    a, b = write_png(tmp_path / "a.png", ref), write_png(tmp_path / "b.png", cand)
    proc = subprocess.run(
        [sys.executable, "-m", "layoutcheck", "compare", str(a), str(b), "--method", "unet", "--runtime", "onnx",
         "--model", str(model_copy), "--no-report"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr and "layoutcheck export" in lines[0]


def test_the_cpu_judge_never_imports_torch(tmp_path: Path) -> None:
    ref, cand = page_like(256, 192), page_like(256, 192)
    cand[40:80, 30:200] = (200, 40, 40)
    a, b = write_png(tmp_path / "a.png", ref), write_png(tmp_path / "b.png", cand)
    code = (
        "import sys; from layoutcheck.judges import get_judge; from layoutcheck.imageio import load_image\n"
        f"j = get_judge('unet', device='cpu'); r = j.judge(load_image({str(a)!r}), load_image({str(b)!r}))\n"
        "print(bool(r.regions), 'torch' in sys.modules, 'onnxruntime' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "True"]
