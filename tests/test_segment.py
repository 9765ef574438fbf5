"""The U-Net judge's pipeline: fast paths, gate, tiles, stitching, regions, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from layoutcheck import runtime, segment
from layoutcheck.dataset import CLASS_NAMES
from layoutcheck.errors import InputError
from layoutcheck.judges import get_judge
from layoutcheck.model import ChangeSegmenter, ModelConfig, build_model, maps_from_logits
from layoutcheck.segment import UNetJudge, changed_cells, plan_tiles, predict
from layoutcheck.weights import save_model

from .conftest import page_like

TINY = ModelConfig(base=4, depth=2)


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def tiny() -> ChangeSegmenter:
    torch.manual_seed(0)
    return build_model(TINY).eval()


@pytest.fixture(scope="module")
def tiny_file(tiny: ChangeSegmenter, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "tiny.safetensors"
    save_model(tiny, path)
    return path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batch sizes of every forward pass of any ChangeSegmenter during the test."""
    seen: list[int] = []
    original = ChangeSegmenter.forward

    def counting(self: ChangeSegmenter, reference: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
        seen.append(reference.shape[0])
        return original(self, reference, candidate)

    monkeypatch.setattr(ChangeSegmenter, "forward", counting)
    return seen


def _whole(model: ChangeSegmenter, ref: np.ndarray, cand: np.ndarray) -> np.ndarray:
    def t(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(a).permute(2, 0, 1)[None].float() / 255

    with torch.no_grad():
        return torch.softmax(model(t(ref), t(cand)), dim=1)[0].numpy()  # (C, H, W)


def test_tiling_equals_whole_image_in_one_tile(tiny: ChangeSegmenter) -> None:
    ref = page_like(96, 64, seed=1)
    cand = ref.copy()
    cand[20:40, 30:70] = (200, 40, 40)
    probs = predict(tiny, ref, cand, precision="fp32")
    assert probs.shape == (14, 64, 96) and probs.dtype == np.float32
    np.testing.assert_allclose(probs, _whole(tiny, ref, cand), atol=1e-4, rtol=0)


def test_tiling_equals_whole_image_across_tiles(tiny: ChangeSegmenter, calls: list[int]) -> None:
    # Tiles start on the pooling grid and keep their centres; with a margin (overlap / 2) wider
    # than the tiny model's receptive field (26 px), the stitched result is the whole-image one.
    rng = np.random.default_rng(0)
    ref = rng.integers(0, 256, (160, 224, 3), dtype=np.uint8)
    cand = rng.integers(0, 256, (160, 224, 3), dtype=np.uint8)
    probs = predict(tiny, ref, cand, tile=96, overlap=64, batch=4, precision="fp32", align=False)
    assert calls == [4, 4, 4, 3]  # all 3 x 5 tiles ran, four at a time
    np.testing.assert_allclose(probs, _whole(tiny, ref, cand), atol=1e-4, rtol=0)


def test_identical_and_near_identical_pairs_never_run_the_network(tiny_file: Path, calls: list[int]) -> None:
    judge = UNetJudge(model_path=tiny_file, device="cpu")
    ref = page_like(320, 240)
    result = judge.judge(ref, ref.copy())
    assert result.regions == () and result.diff_pixels == 0 and result.overlay is None
    noisy = np.clip(ref.astype(np.int16) + np.random.default_rng(0).integers(-3, 4, ref.shape), 0, 255)
    result = judge.judge(ref, noisy.astype(np.uint8))  # within the gate's tolerance
    assert result.regions == () and calls == []
    assert not any(str(tiny_file.resolve()) in key[1] for key in runtime._RUNNERS)  # never even loaded


def test_a_change_runs_only_its_tiles(tiny_file: Path, calls: list[int]) -> None:
    ref = page_like(1280, 800)
    cand = ref.copy()
    cand[500:530, 700:760] = (220, 30, 30)
    result = UNetJudge(model_path=tiny_file, device="cpu").judge(ref, cand)
    assert 1 <= sum(calls) <= 4  # of 24 tiles on the page
    assert result.regions and all(r.kind in CLASS_NAMES[1:] for r in result.regions)
    r = result.regions[0]
    assert r.x <= 700 and r.y <= 500 and r.x + r.w >= 760 and r.y + r.h >= 530  # covers the change
    assert result.overlay is not None and result.overlay.shape == (800, 1280, 4)


def _stub_forward(cls: int) -> object:
    """A network that calls pixels class ``cls`` where the pair differs, ``none`` elsewhere."""

    def forward(self: ChangeSegmenter, reference: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
        changed = (candidate - reference).abs().amax(dim=1) > 0.1  # (B, H, W)
        logits = torch.zeros(reference.shape[0], self.config.num_classes, *reference.shape[-2:])
        logits[:, 0] = 5.0
        logits[:, cls] = torch.where(changed, 20.0, 0.0)
        return logits

    return forward


@pytest.mark.parametrize(
    ("cls", "level", "kinds", "changes", "colour"),
    [
        (2, "strict", ["overlap"], [], segment._RED),
        (2, "layout", ["overlap"], [], segment._RED),
        (1, "strict", ["change"], [], segment._BLUE),
        (1, "layout", [], ["change"], segment._BLUE),  # a change does not fail the layout level: reported
    ],
)
def test_levels_kinds_scores_and_overlay(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch, cls: int, level: str, kinds: list[str], changes: list[str],
    colour: tuple[int, ...],
) -> None:
    monkeypatch.setattr(ChangeSegmenter, "forward", _stub_forward(cls))
    ref = page_like(640, 480)
    cand = ref.copy()
    cand[200:240, 100:300] = (20, 160, 60)
    result = UNetJudge(model_path=tiny_file, level=level, device="cpu", precision="fp32").judge(ref, cand)
    assert [r.kind for r in result.regions] == kinds
    assert [r.kind for r in result.changes] == changes
    for r in result.regions + result.changes:
        assert (r.x, r.y, r.w, r.h) == (100, 200, 200, 40) and r.score == 1.0
    assert result.diff_pixels == (200 * 40 if kinds else 0)
    assert result.overlay is not None and tuple(result.overlay[220, 200]) == colour
    assert not result.overlay[100, 50].any()


def _blob_logits(shape: tuple[int, int], blobs: list[tuple[int, tuple[slice, slice]]]) -> torch.Tensor:
    """``(1, 14, H, W)`` logits: ``none`` (5) everywhere, class ``c`` at 12 inside each blob."""
    logits = torch.zeros(1, len(CLASS_NAMES), *shape)
    logits[:, 0] = 5.0
    for cls, (rows, cols) in blobs:
        logits[0, 0, rows, cols] = 0.0
        logits[0, cls, rows, cols] = 12.0
    return logits


def _write_tile(maps: segment._Maps, logits: torch.Tensor, y0: int) -> None:
    """Hand ``logits`` to ``maps`` as one tile owning all its pixels, its top at row ``y0``."""
    h, w = logits.shape[-2:]
    reduced = tuple(m.numpy() for m in maps_from_logits(logits))  # what both runtimes return
    maps.write(reduced, [(0, 0, h, w)], [(y0, y0 + h, 0, w)])


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_maps_report_changes_at_layout_and_fail_them_at_strict(level: str) -> None:
    # Two tiles of a tall page, far apart (two row bands): a change blob in the first, an
    # overflow (a defect) in the second.
    tile = (64, 96)
    change = _blob_logits(tile, [(1, (slice(10, 30), slice(8, 48)))])
    defect = _blob_logits(tile, [(3, (slice(20, 36), slice(40, 90)))])
    maps = segment._Maps((400, 96), level, 0.5)
    _write_tile(maps, change, 0)
    _write_tile(maps, defect, 300)
    result = maps.judgement(gap=8, min_pixels=16)

    p_any = 1.0 - torch.softmax(change, dim=1)[0, 0, 10, 8].item()  # every blob pixel alike
    p_defect = 1.0 - torch.softmax(defect, dim=1)[0, [0, 1], 20, 40].sum().item()
    failing = [(r.kind, r.x, r.y, r.w, r.h) for r in result.regions]
    if level == "layout":
        assert failing == [("overflow", 40, 320, 50, 16)]
        (reported,) = result.changes
        assert (reported.kind, reported.x, reported.y, reported.w, reported.h) == ("change", 8, 10, 40, 20)
        assert reported.score == pytest.approx(p_any, abs=1e-4)
        assert result.diff_pixels == 50 * 16  # the failing pixels only
    else:
        assert failing == [("change", 8, 10, 40, 20), ("overflow", 40, 320, 50, 16)]
        assert result.changes == ()  # at strict every change fails
        assert result.diff_pixels == 40 * 20 + 50 * 16
    assert result.regions[-1].score == pytest.approx(p_defect, abs=1e-4)
    overlay = result.overlay
    assert overlay is not None and overlay.shape == (400, 96, 4)
    assert tuple(overlay[15, 20]) == segment._BLUE and tuple(overlay[330, 60]) == segment._RED
    assert not overlay[100:300].any() and not overlay[0, 0].any()


def test_maps_leave_the_fringe_of_a_failure_to_that_failure() -> None:
    # A defect whose border the network calls a change: one failing region, no change beside it;
    # a change far enough away is still reported.
    logits = _blob_logits(
        (64, 128),
        [(1, (slice(8, 40), slice(8, 60))), (4, (slice(12, 36), slice(12, 56))), (1, (slice(20, 50), slice(90, 120)))],
    )
    maps = segment._Maps((64, 128), "layout", 0.5)
    _write_tile(maps, logits, 0)
    result = maps.judgement(gap=8, min_pixels=16)
    assert [(r.kind, r.x, r.y, r.w, r.h) for r in result.regions] == [("viewport-overflow", 12, 12, 44, 24)]
    assert [(r.kind, r.x, r.y, r.w, r.h) for r in result.changes] == [("change", 90, 20, 30, 30)]


def test_deterministic(tiny: ChangeSegmenter, tiny_file: Path) -> None:
    ref = page_like(640, 480, seed=4)
    cand = ref.copy()
    cand[100:300, 200:500] = np.random.default_rng(1).integers(0, 256, (200, 300, 3), dtype=np.uint8)
    first = predict(tiny, ref, cand)
    assert np.array_equal(first, predict(tiny, ref, cand))
    judge = UNetJudge(model_path=tiny_file, device="cpu", threshold=0.9)
    a, b = judge.judge(ref, cand), judge.judge(ref, cand)
    assert a.regions == b.regions and a.overlay is not None and b.overlay is not None
    assert np.array_equal(a.overlay, b.overlay)


def test_tall_page_with_a_shift_runs_few_tiles(tiny_file: Path, calls: list[int]) -> None:
    ref = np.concatenate([page_like(1280, 2000, seed=s) for s in range(4)])  # (8000, 1280, 3)
    white = np.full((1, 1280, 3), 255, dtype=np.uint8)
    cand = np.concatenate([ref[:4003], white, ref[4003:-1]])  # the lower half moved down 1 px
    cand[6000:6040, 300:400] = (220, 30, 30)  # and one defect
    result = UNetJudge(model_path=tiny_file, device="cpu").judge(ref, cand)
    assert sum(calls) <= 12  # of 216 tiles: the seam's row of tiles and the defect's
    assert any(r.y <= 6000 and r.y + r.h >= 6040 and r.x <= 300 and r.x + r.w >= 400 for r in result.regions)
    assert sum(r.h for r in result.regions) < 1000  # not the shifted half (4000 rows)


def test_plan_tiles_covers_every_pixel_once() -> None:
    for length in (16, 100, 255, 256, 257, 800, 1000, 1280, 8001):
        cells = np.ones((-(-length // 16), 2), dtype=bool)
        plan = plan_tiles(cells, (length, 20), multiple=16, cell=16)
        covered = np.zeros(length, dtype=int)
        for (lo, hi), start in zip(plan.own_y, plan.ys, strict=True):
            assert start % 16 == 0 and start <= lo < hi <= start + plan.tile_h
            covered[lo:hi] += 1
        assert (covered == 1).all(), length
        assert plan.tile_h == min(256, max(64, -(-length // 16) * 16))
    with pytest.raises(ValueError, match="multiples of 16"):
        plan_tiles(cells, (100, 20), multiple=16, cell=16, tile=250)
    with pytest.raises(ValueError, match="overlap < tile"):
        plan_tiles(cells, (100, 20), multiple=16, cell=16, tile=64, overlap=64)


def test_small_images_run_on_tiles_of_at_least_min_tile(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes: list[tuple[int, int]] = []
    original = ChangeSegmenter.forward

    def recording(self: ChangeSegmenter, reference: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
        shapes.extend([tuple(reference.shape[2:])] * reference.shape[0])
        return original(self, reference, candidate)

    monkeypatch.setattr(ChangeSegmenter, "forward", recording)
    judge = UNetJudge(model_path=tiny_file, device="cpu")
    for h, w, expected in [(10, 10, {(64, 64)}), (20, 300, {(64, 256)}), (70, 70, {(72, 72)})]:  # multiple 4
        shapes.clear()
        ref = page_like(w, h)
        judge.judge(ref, 255 - ref)  # everything changed: every tile runs
        assert set(shapes) == expected, (h, w)


def test_a_tiny_pair_that_changed_entirely_fails_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a 10x10 pair that went from white to black passed the strict level: the network
    ran at 16x16, where its deepest level sees one pixel (the shipped model)."""
    monkeypatch.delenv("LAYOUTCHECK_MODEL", raising=False)
    white = np.full((10, 10, 3), 255, np.uint8)
    judge = get_judge("unet", None, level="strict", device="cpu")
    assert judge.judge(white, np.zeros_like(white)).regions
    assert not judge.judge(white, white.copy()).regions


def test_gate_marks_changed_cells() -> None:
    ref = page_like(100, 50)
    cand = ref.copy()
    cand[33, 70] += 9  # one pixel, just over the tolerance
    cells = changed_cells(ref, cand, tol=8, cell=16)
    assert cells.shape == (4, 7) and np.argwhere(cells).tolist() == [[2, 4]]
    assert not changed_cells(ref, cand, tol=9, cell=16).any()


def test_bad_inputs(tiny: ChangeSegmenter, tiny_file: Path) -> None:
    ref = page_like(64, 64)
    with pytest.raises(ValueError, match="equal width"):
        UNetJudge(model_path=tiny_file).judge(ref, page_like(48, 64))
    with pytest.raises(ValueError, match="equal size"):
        UNetJudge(model_path=tiny_file, align=False).judge(ref, page_like(64, 48))
    with pytest.raises(ValueError, match="level must be"):
        UNetJudge(model_path=tiny_file, level="loose")
    with pytest.raises(ValueError, match="model is on cpu"):
        predict(tiny, ref, ref, device="cuda")
    if not torch.cuda.is_available():
        cand = ref.copy()
        cand[:10] = 0
        with pytest.raises(InputError, match="CUDA is not available"):
            UNetJudge(model_path=tiny_file, device="cuda").judge(ref, cand)


def test_identical_pairs_do_not_import_torch(tiny_file: Path) -> None:
    code = (
        "import os, sys, numpy as np\n"
        "from layoutcheck.judges import get_judge\n"
        f"judge = get_judge('unet', model_path={str(tiny_file)!r}, device='cpu')\n"
        "a = np.full((64, 64, 3), 200, np.uint8); b = a.copy(); b[5, 5] += 3\n"
        "assert judge.judge(a, a.copy()).regions == () and judge.judge(a, b).regions == ()\n"
        "print('torch' in sys.modules)\n"
        "b[5:20, 5:20] = 0; judge.judge(a, b)\n"  # now the network runs
        "print('torch' in sys.modules, os.environ.get('OMP_WAIT_POLICY'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["False", "True", "PASSIVE"]  # and OpenMP was told not to spin


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_maps_grow_a_confident_core_to_its_faint_edges(level: str) -> None:
    # A defect the network is sure of only in its middle (p ~ 1), less so around it (p ~ 0.6,
    # no class preferred), and a faint blob (p ~ 0.6) with no confident core elsewhere. The
    # confident core names the region.
    logits = _blob_logits((64, 128), [(4, (slice(20, 30), slice(20, 40)))])
    logits[0, 0, 10:40, 10:60] = torch.where(logits[0, 4, 10:40, 10:60] > 0, 0.0, 2.0)  # the edges
    logits[0, 0, 10:40, 90:120] = 2.0  # the faint blob

    def regions(extent: float) -> list[tuple[str, int, int, int, int]]:
        maps = segment._Maps((64, 128), level, 0.9, extent)
        _write_tile(maps, logits, 0)
        return [(r.kind, r.x, r.y, r.w, r.h) for r in maps.judgement(gap=8, min_pixels=16).regions]

    assert regions(1.0) == [("viewport-overflow", 20, 20, 20, 10)]  # the core only
    assert regions(0.2) == [("viewport-overflow", 10, 10, 50, 30)]  # grown to the edges, the faint blob still passes


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_a_taller_page_is_aligned_not_cropped(tiny_file: Path, monkeypatch: pytest.MonkeyPatch, level: str) -> None:
    monkeypatch.setattr(ChangeSegmenter, "forward", _stub_forward(2))  # a "defect" wherever the pair differs
    judge = UNetJudge(model_path=tiny_file, level=level, device="cpu", precision="fp32")
    ref = page_like(640, 480)
    blank = np.full((40, 640, 3), 255, np.uint8)
    one = np.concatenate([blank[:1], ref])  # 1 px taller: a transparent border on top
    assert judge.judge(ref, one).regions == () and judge.judge(ref, one).changes == ()
    grown = np.concatenate([ref[:108], blank, ref[108:]])  # a margin grew above the line at row 108
    result = judge.judge(ref, grown)
    shifts = result.regions if level == "strict" else result.changes
    assert [(r.kind, r.y, r.h) for r in shifts] == [("shift", 108, 40)]
    assert level == "strict" or result.regions == ()  # never a defect at layout by itself
    banner = blank.copy()
    banner[10:30, 50:300] = (200, 40, 40)
    result = judge.judge(ref, np.concatenate([ref[:108], banner, ref[108:]]))  # content appeared
    assert result.regions and all(108 <= r.y and r.y + r.h <= 148 for r in result.regions)  # the network's call


def _quiet_forward(self: ChangeSegmenter, reference: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
    """A network that sees nothing anywhere: what fails then is the judge's own doing."""
    logits = torch.zeros(reference.shape[0], self.config.num_classes, *reference.shape[-2:])
    logits[:, 0] = 20.0
    return logits


def _quiet_judge(model: Path, monkeypatch: pytest.MonkeyPatch, level: str) -> UNetJudge:
    """A judge whose network sees nothing (:func:`_quiet_forward`), at fp32."""
    monkeypatch.setattr(ChangeSegmenter, "forward", _quiet_forward)
    return UNetJudge(model_path=model, level=level, device="cpu", precision="fp32")


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_content_that_vanishes_at_the_bottom_fails_at_both_levels(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    """Regression: the reference's last rows held content the candidate has no rows to show against,
    and the pair passed at both levels (before alignment it failed as a size band)."""
    judge = _quiet_judge(tiny_file, monkeypatch, level)
    cand = page_like(640, 480)
    banner = np.full((60, 640, 3), 255, np.uint8)
    banner[15:45, 40:400] = (200, 40, 40)  # a block of content below the old end of the page
    result = judge.judge(np.concatenate([cand, banner]), cand)
    assert [(r.kind, r.x, r.w) for r in result.regions] == [("size", 40, 360)]  # the vanished block's columns
    (r,) = result.regions
    assert r.y + r.h == 480 and r.h == 60 and r.score == 1.0  # the bottom of the candidate, as tall as what vanished
    assert result.diff_pixels >= r.w * r.h and result.changes == ()
    assert result.overlay is not None and tuple(result.overlay[470, 100]) == segment._RED


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_background_that_vanishes_at_the_bottom_is_a_pure_shift(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    judge = _quiet_judge(tiny_file, monkeypatch, level)
    cand = page_like(640, 480)  # ends in white rows
    blank = np.full((40, 640, 3), 255, np.uint8)
    one = judge.judge(np.concatenate([cand, blank[:2]]), cand)  # 2 px shorter: within the tolerance
    assert one.regions == () and one.changes == ()
    result = judge.judge(np.concatenate([cand, blank]), cand)  # 40 px of bottom padding gone
    shifts = result.regions if level == "strict" else result.changes
    assert [(r.kind, r.y + r.h) for r in shifts] == [("shift", 480)]
    assert level == "strict" or result.regions == ()  # never a defect at layout by itself


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_content_appended_at_the_bottom_goes_to_the_network(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    monkeypatch.setattr(ChangeSegmenter, "forward", _stub_forward(2))  # a "defect" wherever the pair differs
    judge = UNetJudge(model_path=tiny_file, level=level, device="cpu", precision="fp32")
    ref = page_like(640, 480)
    banner = np.full((60, 640, 3), 255, np.uint8)
    banner[15:45, 40:400] = (200, 40, 40)
    result = judge.judge(ref, np.concatenate([ref, banner]))
    assert [(r.x, r.y, r.w, r.h) for r in result.regions] == [(40, 495, 360, 30)]  # the network's call
    dark = np.concatenate([ref, np.full((60, 640, 3), 30, np.uint8)])  # appended rows unlike the page's last
    result = judge.judge(ref, dark)
    assert [(r.x, r.y, r.w, r.h) for r in result.regions] == [(0, 480, 640, 60)]  # judged against nothing, not dropped


@pytest.mark.parametrize("level", ["strict", "layout"])
@pytest.mark.parametrize("k", [1, 2, 40])
def test_a_same_height_shot_of_a_page_moved_down_has_no_size_band(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch, level: str, k: int
) -> None:
    """Regression: a viewport-high shot of a page moved down by k rows (blank rows inserted at the
    top) lost its last k rows past the frame, and they failed as a ``size`` band at both levels,
    even for k = 1 or 2 (real pages: a 1 px border at the top, a 2 px scroll offset)."""
    judge = _quiet_judge(tiny_file, monkeypatch, level)
    ref = page_like(640, 480)
    ref[472:480, 20:300] = np.arange(40, 200, 20, dtype=np.uint8)[:, None, None]  # no row repeats the one above
    # (the last rows hold content, which the shift pushes out of the frame)
    cand = np.concatenate([np.full((k, 640, 3), 255, np.uint8), ref[:-k]])
    result = judge.judge(ref, cand)
    assert not any(r.kind == "size" for r in result.regions), result.regions
    shifted = [r for r in (*result.regions, *result.changes) if r.kind == "shift"]
    if k <= segment.SHIFT_TOLERANCE:
        assert result.regions == () and shifted == []
    else:  # a larger pure shift: a change (failing at strict only), where it starts, not at the bottom
        assert len(shifted) == 1 and shifted[0].y <= 10  # page_like's first content row
        assert bool(result.regions) is (level == "strict")


@pytest.mark.parametrize("level", ["strict", "layout"])
def test_a_page_end_at_most_two_rows_shorter_passes(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    judge = _quiet_judge(tiny_file, monkeypatch, level)
    ref = page_like(640, 480)
    ref[472:480, 20:300] = np.arange(40, 200, 20, dtype=np.uint8)[:, None, None]  # the last rows hold content
    for gone, fails in ((2, False), (4, True)):
        result = judge.judge(ref, ref[:-gone])
        assert any(r.kind == "size" for r in result.regions) is fails, (gone, result.regions)


def test_a_flat_area_that_changed_colour_fails_strict_and_is_a_change_at_layout(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 4: a colour change of one channel fails at strict even when the network
    sees nothing; at layout it is reported as a change, not a failure."""
    ref = page_like(640, 480)
    cand = ref.copy()
    cand[160:200, 320:380, 0] = 90  # the card's red channel: 30 -> 90
    for level in ("strict", "layout"):
        result = _quiet_judge(tiny_file, monkeypatch, level).judge(ref, cand)
        found = result.regions if level == "strict" else result.changes
        assert [(r.kind, r.x, r.y) for r in found] == [("change", 320, 160)], (level, found)
        assert (result.regions == ()) is (level == "layout")


def test_a_border_that_changed_colour_on_an_unchanged_page_fails_strict_and_is_a_change_at_layout(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 4: a one-pixel border, which no flat-area test sees, changed colour on a
    page where nothing else did (line_changes): failing at strict, a change at layout."""
    ref = page_like(640, 480)
    ref[470, 20:620] = 200
    cand = ref.copy()
    cand[470, 20:620] = (16, 137, 48)
    for level in ("strict", "layout"):
        result = _quiet_judge(tiny_file, monkeypatch, level).judge(ref, cand)
        found = result.regions if level == "strict" else result.changes
        assert [(r.kind, r.x, r.y, r.w, r.h) for r in found] == [("change", 20, 470, 600, 1)], (level, found)
        assert (result.regions == ()) is (level == "layout")
