from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from layoutcheck.compare import compare_pair, compare_paths, find_pairs
from layoutcheck.elements import ElementBox, Sidecar, write_sidecar
from layoutcheck.errors import ImageError, InputError
from layoutcheck.judgement import Judgement
from layoutcheck.judges import PixelJudge
from layoutcheck.results import RunResult, Verdict

from .conftest import page_like, write_png


def test_folders_matched_by_relative_path(pair_dir: tuple[Path, Path]) -> None:
    ref, cand = pair_dir
    names = [n for n, _, _ in find_pairs(ref, cand)]
    assert names == ["added.png", "broken.png", "gone.png", "same.png", "sub/deep.png"]
    run = compare_paths(ref, cand, PixelJudge())
    verdicts = {p.name: p.verdict for p in run.pairs}
    assert verdicts == {
        "added.png": Verdict.NEW,
        "broken.png": Verdict.FAIL,
        "gone.png": Verdict.DELETED,
        "same.png": Verdict.PASS,
        "sub/deep.png": Verdict.PASS,
    }
    assert run.verdict is Verdict.FAIL
    broken = next(p for p in run.pairs if p.name == "broken.png")
    (region,) = broken.regions
    # The changed block is at x 20..120, y 150..180; the region must cover it and little else.
    assert region.x <= 20 and region.y <= 150
    assert region.x + region.w >= 120 and region.y + region.h >= 180
    assert region.w * region.h < 1.5 * 100 * 30


def test_identical_images_pass(tmp_path: Path) -> None:
    a = write_png(tmp_path / "a.png", page_like())
    b = write_png(tmp_path / "b.png", page_like())
    run = compare_paths(a, b, PixelJudge())
    assert run.verdict is Verdict.PASS and run.pairs[0].regions == ()


def test_different_sizes_give_a_size_region_not_a_crash(tmp_path: Path) -> None:
    base = page_like(200, 100)
    taller = np.vstack([base, np.full((40, 200, 3), 255, np.uint8)])
    a = write_png(tmp_path / "a.png", base)
    b = write_png(tmp_path / "b.png", taller)
    (pair,) = compare_paths(a, b, PixelJudge(), out_dir=tmp_path / "rep").pairs
    assert pair.verdict is Verdict.FAIL
    assert [(r.kind, r.x, r.y, r.w, r.h) for r in pair.regions] == [("size", 0, 100, 200, 40)]
    assert (tmp_path / "rep" / pair.images.diff).is_file()  # type: ignore[operator]


def test_pixel_runs_record_no_level(pair_dir: tuple[Path, Path]) -> None:
    run = compare_paths(*pair_dir, PixelJudge())
    assert run.level is None and {p.level for p in run.pairs} == {None}  # new/deleted pairs too


def test_report_written_from_json(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = pair_dir
    out = tmp_path / "report"
    run = compare_paths(ref, cand, PixelJudge(), out_dir=out)
    saved = RunResult.from_dict(json.loads((out / "result.json").read_text()))
    assert saved.to_dict() == run.to_dict()
    for pair in run.pairs:
        for rel in (pair.images.reference, pair.images.candidate, pair.images.diff):
            if rel:
                assert (out / rel).is_file()
    assert (out / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_unreadable_image_in_a_folder_run_is_that_pairs_error(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = pair_dir
    (cand / "sub" / "deep.png").write_bytes(b"garbage")
    (ref / "broken.png").write_bytes(b"")  # both sides of a pair can be the unreadable one
    out = tmp_path / "report"
    run = compare_paths(ref, cand, PixelJudge(), out_dir=out)
    pairs = {p.name: p for p in run.pairs}
    assert {n: p.verdict for n, p in pairs.items()} == {
        "added.png": Verdict.NEW,
        "broken.png": Verdict.ERROR,
        "gone.png": Verdict.DELETED,
        "same.png": Verdict.PASS,  # the other pairs are still judged
        "sub/deep.png": Verdict.ERROR,
    }
    assert run.verdict is Verdict.FAIL
    deep, broken = pairs["sub/deep.png"], pairs["broken.png"]
    assert "deep.png: not an image" in (deep.error or "") and "broken.png: empty file" in (broken.error or "")
    assert {p.error for p in run.pairs if p.verdict is not Verdict.ERROR} == {None}
    # The readable side is kept for the report; the unreadable one has no size and no image.
    assert deep.reference_size is not None and deep.candidate_size is None and deep.threshold is None
    assert deep.images.reference and not deep.images.candidate
    assert (out / deep.images.reference).is_file()
    saved = RunResult.from_dict(json.loads((out / "result.json").read_text()))
    assert saved.to_dict() == run.to_dict()


def test_unreadable_image_of_two_files_leaves_no_partial_report(tmp_path: Path) -> None:
    a = write_png(tmp_path / "a.png", page_like())
    b = write_png(tmp_path / "b.png", page_like())
    out = tmp_path / "report"
    compare_paths(a, b, PixelJudge(), out_dir=out)
    before = (out / "index.html").read_bytes()
    b.write_bytes(b"garbage")
    with pytest.raises(ImageError, match="b.png"):
        compare_paths(a, b, PixelJudge(), out_dir=out)
    assert (out / "index.html").read_bytes() == before  # the old report is untouched
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_bad_paths(tmp_path: Path) -> None:
    img = write_png(tmp_path / "a.png", page_like())
    with pytest.raises(InputError, match="no such file"):
        find_pairs(img, tmp_path / "missing.png")
    with pytest.raises(InputError, match="not one of each"):
        find_pairs(img, tmp_path)


def test_region_names_the_dom_element_from_the_sidecar(tmp_path: Path) -> None:
    base = page_like()
    broken = base.copy()
    broken[150:180, 20:120] = (220, 30, 30)
    a = write_png(tmp_path / "ref" / "p.png", base)
    b = write_png(tmp_path / "cand" / "p.png", broken)
    write_sidecar(
        b.with_suffix(".json"),
        Sidecar(
            name="p", url="file:///p.html", viewport=(320, 240), size=(320, 240),
            elements=(
                ElementBox("body", "body", (0, 0, 320, 240)),
                ElementBox("#promo", "div", (10, 140, 130, 50)),
                ElementBox("#promo > span:nth-of-type(1)", "span", (0, 0, 5, 5)),
            ),
        ),
    )
    (pair,) = compare_paths(a, b, PixelJudge()).pairs
    assert pair.regions[0].element == "#promo"


def change_everywhere_model(path: Path) -> Path:
    """A real (tiny) model file whose weights call every pixel it sees a ``change``.

    The head's weights are zero and its bias favours class 1, so wherever the judge runs the
    network (the tiles near a difference) the output is "changed, nothing broken", and nothing
    anywhere else: a known answer through the whole real pipeline.
    """
    import torch

    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    model = build_model(ModelConfig(base=4, depth=2))
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
        model.head.bias[1] = 10.0
    save_model(model, path)
    return path


def test_layout_level_reports_changes_named_by_element_and_passes(tmp_path: Path) -> None:
    from layoutcheck.segment import UNetJudge

    model = change_everywhere_model(tmp_path / "change.safetensors")
    base = page_like()
    changed = base.copy()
    changed[150:180, 20:120] = (30, 160, 60)
    a = write_png(tmp_path / "ref" / "p.png", base)
    b = write_png(tmp_path / "cand" / "p.png", changed)
    write_sidecar(
        b.with_suffix(".json"),
        Sidecar(name="p", url="file:///p.html", viewport=(320, 240), size=(320, 240),
                elements=(ElementBox("body", "body", (0, 0, 320, 240)),)),
    )
    (layout,) = compare_paths(a, b, UNetJudge(model, level="layout", device="cpu"), out_dir=tmp_path / "r").pairs
    assert layout.verdict is Verdict.PASS and layout.regions == () and layout.diff_pixels == 0
    (change,) = layout.changes
    assert change.kind == "change" and change.element == "body" and change.score > 0.99
    assert change.x <= 20 and change.y <= 150 and change.x + change.w >= 120 and change.y + change.h >= 180
    saved = RunResult.from_dict(json.loads((tmp_path / "r" / "result.json").read_text()))
    assert saved.pairs[0].changes == layout.changes
    assert saved.level == saved.pairs[0].level == "layout"

    run = compare_paths(a, b, UNetJudge(model, level="strict", device="cpu"))
    (strict,) = run.pairs
    assert strict.verdict is Verdict.FAIL and strict.changes == ()
    assert run.level == strict.level == "strict"
    assert [(r.kind, r.x, r.y, r.w, r.h, r.element) for r in strict.regions] == [
        (c.kind, c.x, c.y, c.w, c.h, c.element) for c in layout.changes
    ]


@pytest.mark.parametrize("with_report", [False, True])
def test_on_pair_reports_each_result_and_the_count(
    pair_dir: tuple[Path, Path], tmp_path: Path, with_report: bool
) -> None:
    seen: list[tuple[str, int, int]] = []
    run = compare_paths(*pair_dir, PixelJudge(), out_dir=tmp_path / "rep" if with_report else None,
                        on_pair=lambda pair, done, total: seen.append((pair.name, done, total)))
    assert seen == [(p.name, i + 1, 5) for i, p in enumerate(run.pairs)]


def test_a_report_never_replaces_a_folder_of_other_files(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    """Regression: ``--out src`` replaced the folder whole, deleting the project's sources."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "code.py").write_text("keep me")
    with pytest.raises(InputError, match="src: not a layoutcheck report folder"):
        compare_paths(*pair_dir, PixelJudge(), out_dir=src)
    assert (src / "code.py").read_text() == "keep me" and sorted(p.name for p in src.iterdir()) == ["code.py"]
    out = tmp_path / "report"
    compare_paths(*pair_dir, PixelJudge(), out_dir=out)
    compare_paths(*pair_dir, PixelJudge(), out_dir=out)  # an older report is replaced
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_report_inside_a_compared_folder_is_not_an_input(pair_dir: tuple[Path, Path]) -> None:
    """Regression: the second run of ``compare ../ref .`` judged the first run's report images."""
    ref, cand = pair_dir
    first = compare_paths(ref, cand, PixelJudge(), out_dir=cand / "report")
    again = compare_paths(ref, cand, PixelJudge(), out_dir=cand / "report")
    assert [p.name for p in again.pairs] == [p.name for p in first.pairs]
    assert not any(n.startswith("report/") for n, _, _ in find_pairs(ref, cand, skip=cand / "report"))
    assert any(n.startswith("report/") for n, _, _ in find_pairs(ref, cand))  # only when told


def test_a_judge_that_aligns_rows_sees_whole_heights_and_no_size_band(tmp_path: Path) -> None:
    seen: list[tuple[int, ...]] = []

    class Aligning:
        method, threshold, align = "fake", 0.5, True

        def judge(self, reference: np.ndarray, candidate: np.ndarray) -> Judgement:
            seen.append(reference.shape[:2] + candidate.shape[:2])
            return Judgement(regions=(), diff_pixels=0, overlay=None)

    ref = write_png(tmp_path / "ref.png", page_like(200, 100))
    cand = write_png(tmp_path / "cand.png", page_like(200, 140))
    result, _ = compare_pair("p.png", ref, cand, Aligning())
    assert seen == [(100, 200, 140, 200)] and result.regions == () and result.verdict.value == "pass"
    result, _ = compare_pair("p.png", ref, cand, PixelJudge())  # the pixel judge keeps the band
    assert any(r.kind == "size" for r in result.regions)


def test_content_that_vanished_at_the_bottom_fails_under_a_judge_that_aligns_rows(tmp_path: Path) -> None:
    """Regression: with the U-Net judge, a reference whose last rows held content the candidate lost
    passed at both levels (the rows had nothing in the candidate to be judged against)."""
    from layoutcheck.judges import get_judge

    cand = page_like(320, 240)
    banner = np.full((50, 320, 3), 255, np.uint8)
    banner[10:40, 30:200] = (200, 40, 40)
    ref_path = write_png(tmp_path / "ref.png", np.concatenate([cand, banner]))
    cand_path = write_png(tmp_path / "cand.png", cand)
    for level in ("strict", "layout"):
        result, arrays = compare_pair("p.png", ref_path, cand_path, get_judge("unet", level=level, device="cpu"))
        assert result.verdict is Verdict.FAIL, level
        assert [(r.kind, r.y + r.h) for r in result.regions if r.kind == "size"] == [("size", 240)], level
        assert arrays["diff"].shape[:2] == (240, 320)


# A small pricing page: a header, three cards side by side in #plans, a footer.
_PRICING = """<!doctype html><html><head><style>
body { font: 16px/1.4 sans-serif; color: #222; }
.site-header { background: #1d3557; color: #fff; padding: 16px 24px; }
#plans { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; padding: 32px 24px; }
.card { border: 2px solid #457b9d; border-radius: 8px; padding: 16px; background: #f1faee; }
.card h3 { margin: 0 0 8px; }
.site-footer { background: #e0e0e0; padding: 24px; }
</style></head><body>
<header class="site-header"><h1>Acme pricing</h1></header>
<main><section id="plans">
<div class="card"><h3>Starter</h3><p>$9 a month</p><p>One project</p></div>
<div class="card"><h3>Team</h3><p>$29 a month</p><p>Ten projects</p></div>
<div class="card"><h3>Enterprise</h3><p>Ask us</p><p>Every project</p></div>
</section></main>
<footer class="site-footer">(c) Acme</footer>
</body></html>"""


def _shoot(browser: object, path: Path, css: str = "") -> tuple[int, int]:
    """Shoot the pricing page through capture's own path; the cards' top and the page height."""
    from layoutcheck.capture import ShotOptions, snapshot

    page = browser.new_page(viewport={"width": 800, "height": 200})  # type: ignore[attr-defined]  # the page is taller
    try:
        page.set_content(_PRICING)
        shot = snapshot(page, ShotOptions(css=css))
        top = int(page.evaluate("() => document.querySelector('.card').getBoundingClientRect().top"))
    finally:
        page.close()
    path.write_bytes(shot.png)
    sidecar = shot.sidecar(name=path.stem, url="about:blank", viewport=(800, 200), device_scale_factor=1.0,
                           full_page=True, selector=None)
    write_sidecar(path.with_suffix(".json"), sidecar)
    return top, shot.size[1]


@pytest.mark.browser
def test_cards_pushed_down_are_one_shift_where_they_start(
    browser: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layoutcheck.judges import get_judge

    monkeypatch.delenv("LAYOUTCHECK_MODEL", raising=False)  # the shipped model
    (tmp_path / "ref").mkdir(), (tmp_path / "moved").mkdir(), (tmp_path / "taller").mkdir()
    top, height = _shoot(browser, tmp_path / "ref" / "pricing.png")
    moved_top, moved_height = _shoot(browser, tmp_path / "moved" / "pricing.png", ".card{margin-top:40px}")
    _, taller_height = _shoot(browser, tmp_path / "taller" / "pricing.png", "body{border-top:1px solid transparent}")
    assert (moved_top - top, moved_height - height, taller_height - height) == (40, 40, 1)

    strict = compare_paths(tmp_path / "ref", tmp_path / "moved", get_judge("unet", level="strict", device="cpu"))
    (pair,) = strict.pairs
    assert pair.verdict is Verdict.FAIL
    assert not any(r.kind == "size" for r in pair.regions)  # no band at the bottom of the page
    (shift,) = [r for r in pair.regions if r.kind == "shift"]
    assert abs(shift.y - top) <= 3 and shift.h == 40  # where the cards moved, as tall as the move
    assert shift.element is not None and ("#plans" in shift.element or "card" in shift.element), shift.element
    assert shift.element == "#plans"  # all three cards moved: their container, not one card

    layout = compare_paths(tmp_path / "ref", tmp_path / "moved", get_judge("unet", level="layout", device="cpu"))
    (pair,) = layout.pairs
    assert pair.verdict is Verdict.PASS and [r.kind for r in pair.changes] == ["shift"]  # reported, not failing

    for level in ("strict", "layout"):
        run = compare_paths(tmp_path / "ref", tmp_path / "taller", get_judge("unet", level=level, device="cpu"))
        (pair,) = run.pairs
        assert pair.verdict is Verdict.PASS and pair.regions == () and pair.changes == (), (level, pair.regions)


@pytest.mark.browser
def test_a_card_whose_background_changed_in_one_channel_fails_strict_only(
    browser: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 4: the second card's background from #f1faee to #f1fab0 (blue channel only,
    62 levels): the shipped network let such colour changes pass at strict."""
    from layoutcheck.judges import get_judge

    monkeypatch.delenv("LAYOUTCHECK_MODEL", raising=False)  # the shipped model
    (tmp_path / "ref").mkdir(), (tmp_path / "new").mkdir()
    _shoot(browser, tmp_path / "ref" / "pricing.png")
    _shoot(browser, tmp_path / "new" / "pricing.png", ".card:nth-child(2){background:#f1fab0}")
    strict = compare_paths(tmp_path / "ref", tmp_path / "new", get_judge("unet", level="strict", device="cpu"))
    (pair,) = strict.pairs
    assert pair.verdict is Verdict.FAIL and pair.regions
    assert all(r.element is not None and "card" in r.element for r in pair.regions), pair.regions
    layout = compare_paths(tmp_path / "ref", tmp_path / "new", get_judge("unet", level="layout", device="cpu"))
    (pair,) = layout.pairs
    assert pair.verdict is Verdict.PASS and pair.changes
