"""synth over real pages: the corpus reader, the split by project, machine noise and the dataset made."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np
import pytest

from layoutcheck.dataset import MANIFEST, DatasetError, load_sample, read_manifest, stats
from layoutcheck.synth.generate import SynthConfig, plan, run_synth
from layoutcheck.synth.realpages import load_corpus, project_split

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "realpages"
PAGE = "mdn-learning-area/css/css-layout/floats/1_three-column-layout.html"


def _corpus(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for e in entries:
        file = root / str(e["page"])
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("<!doctype html><title>t</title><p>hello</p>", encoding="utf-8")
    (root / "MANIFEST.json").write_text(json.dumps(entries), encoding="utf-8")
    return root


def _entry(page: str, project: str, offline: bool = True) -> dict[str, object]:
    return {"page": page, "project": project, "license": "MIT", "renders_offline": offline}


# -- the corpus and the plan (no browser) ------------------------------------------------------


def test_fixture_corpus_is_one_licensed_page() -> None:
    pages = load_corpus(FIXTURE)
    assert [p.page for p in pages] == [PAGE]
    assert pages[0].project == "mdn-learning-area" and pages[0].license == "CC0-1.0"
    assert (FIXTURE / "mdn-learning-area" / "LICENSE").is_file()


def test_pages_that_do_not_render_offline_are_skipped(tmp_path: Path) -> None:
    root = _corpus(tmp_path, [_entry("a/x.html", "a"), _entry("b/y.html", "b", offline=False)])
    assert [p.page for p in load_corpus(root)] == ["a/x.html"]


@pytest.mark.parametrize(("entries", "message"), [
    ([{"page": "a/x.html", "project": "a", "license": "MIT"}], "missing field(s) renders_offline"),
    ([_entry("../x.html", "a")], "relative path inside the corpus"),
    ([_entry("a/x.html", "")], "project must be a non-empty string"),
    ([_entry("a/x.html", "a"), _entry("a/x.html", "a")], "listed twice"),
    ([_entry("a/x.html", "a", offline=False)], "no page with renders_offline true"),
])
def test_a_bad_corpus_entry_is_one_line_naming_it(tmp_path: Path, entries: list[dict[str, object]],
                                                  message: str) -> None:
    root = _corpus(tmp_path, [e for e in entries if ".." not in str(e.get("page"))])
    (root / "MANIFEST.json").write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_corpus(root)
    text = str(info.value)
    assert message in text and "MANIFEST.json" in text and "\n" not in text


def test_a_missing_page_file_is_named(tmp_path: Path) -> None:
    root = _corpus(tmp_path, [_entry("a/x.html", "a")])
    (root / "a" / "x.html").unlink()
    with pytest.raises(DatasetError, match="a/x.html"):
        load_corpus(root)


def test_no_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a real-page corpus"):
        load_corpus(tmp_path)


def test_split_is_by_project_never_by_page(tmp_path: Path) -> None:
    projects = [f"proj-{n}" for n in range(40)]
    root = _corpus(tmp_path, [_entry(f"{p}/page{k}.html", p) for p in projects for k in range(3)])
    config = SynthConfig(out=tmp_path / "out", pairs=600, seed=2, widths=(375, 1280), per_page=2, realpages=root)
    jobs = plan(config)
    by_project: dict[str, set[str]] = {}
    for job in jobs:
        by_project.setdefault(job.template, set()).add(job.split)
        assert job.split == project_split(job.template)
    assert all(len(splits) == 1 for splits in by_project.values())  # no project in two splits
    shares = {s: sum(project_split(p) == s for p in projects) / len(projects) for s in ("train", "val", "test")}
    assert 0.4 <= shares["train"] <= 0.8 and shares["val"] >= 0.1 and shares["test"] >= 0.1
    # Stable: the split of a project does not depend on the seed or on the other projects.
    other = plan(SynthConfig(**{**config.__dict__, "seed": 9}))
    assert {j.template: j.split for j in other} == {j.template: j.split for j in jobs}


def test_plan_reuses_each_page_at_every_width_and_split_can_be_forced(tmp_path: Path) -> None:
    root = _corpus(tmp_path, [_entry(f"p{n}/i.html", f"p{n}") for n in range(5)])
    config = SynthConfig(out=tmp_path / "out", pairs=30, seed=1, widths=(375, 768, 1280), per_page=2, realpages=root)
    jobs = plan(config)
    assert sum(len(j.sample_ids) for j in jobs) == 30
    assert {(j.page_path, j.width) for j in jobs} == {(f"p{n}/i.html", w) for n in range(5) for w in (375, 768, 1280)}
    assert all(j.url.startswith("file://") for j in jobs)
    assert plan(config) == jobs  # decided by the seed alone
    forced = plan(SynthConfig(**{**config.__dict__, "split": "test"}))
    assert {j.split for j in forced} == {"test"} and len(forced) == len(jobs)


def test_the_real_corpus_splits_projects_about_60_20_20() -> None:
    manifest = Path(__file__).resolve().parents[2] / "shared" / "realpages" / "MANIFEST.json"
    if not manifest.is_file():
        pytest.skip("the shared real-page corpus is not here")
    projects = {e["project"] for e in json.loads(manifest.read_text())}
    counts = {s: sum(project_split(p) == s for p in projects) for s in ("train", "val", "test")}
    assert all(n >= 0.1 * len(projects) for n in counts.values()), counts


# -- generation in Chromium ------------------------------------------------------------------


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "samples").rglob("*.png"))}


@pytest.mark.browser
@pytest.mark.slow
def test_generation_over_the_fixture_is_a_valid_deterministic_dataset(tmp_path: Path) -> None:
    config = SynthConfig(out=tmp_path / "a", pairs=12, seed=4, widths=(1280, 375), per_page=6, realpages=FIXTURE,
                         settle_ms=100, mix={"defect": 0.4, "change": 0.2, "benign": 0.4})
    counts = run_synth(config)
    assert counts["written"] >= 10
    samples = read_manifest(config.out)  # the reader validates every line
    assert {s.source for s in samples} == {"realpage"}
    assert {s.page for s in samples} == {PAGE} and {s.template for s in samples} == {"mdn-learning-area"}
    assert {s.split for s in samples} == {project_split("mdn-learning-area")}
    for s in samples:
        _, _, mask = load_sample(config.out, s)
        assert s.params["realpage"] == PAGE
        if s.kind == "benign":
            assert not mask.any(), s.id
        else:
            assert s.kind in ("defect", "change") and mask.any(), s.id
    part = stats(config.out)["by_source"]["realpage"]
    assert part["samples"] == len(samples)

    again = SynthConfig(**{**config.__dict__, "out": tmp_path / "b"})
    run_synth(again)
    assert (config.out / MANIFEST).read_text() == (again.out / MANIFEST).read_text()
    assert _digest(config.out) == _digest(again.out)
    assert run_synth(config)["written"] == 0  # resumed: nothing left


@pytest.fixture(scope="module")
def loaded_fixture_page():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    from layoutcheck.browser import launch_chromium
    from layoutcheck.capture import ShotOptions, snapshot
    from layoutcheck.imageio import decode_image
    from layoutcheck.synth import machine_noise

    url = (FIXTURE / PAGE).as_uri()

    def load(page: object) -> None:
        page.goto(url, wait_until="load")  # type: ignore[attr-defined]

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        # A short viewport: the page is taller than it, so a taller page makes a taller screenshot.
        context = browser.new_context(viewport={"width": 1280, "height": 300}, **machine_noise.CONTEXT)
        page = context.new_page()
        load(page)
        options = ShotOptions(full_page=True, stable_shots=3)
        reference = decode_image(snapshot(page, options).png)
        variants = machine_noise.VariantBrowsers(pw, keep=2)
        try:
            yield page, reference, options, variants, load
        finally:
            variants.close()
            browser.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", [
    "flag:disable-font-subpixel-positioning", "fontstack:hintfull", "fontstack:no-antialias", "fontstack:rgba-bgr",
    "fontstack:alias-serif", "page-translate", "taller",
])
def test_machine_noise_is_benign_and_differs_from_its_reference(loaded_fixture_page, kind: str) -> None:  # type: ignore[no-untyped-def]
    from layoutcheck.synth import machine_noise

    page, reference, options, variants, load = loaded_fixture_page
    shot = machine_noise.make(kind, page, reference, options, random.Random(3), browsers=variants, load=load)
    if shot is None and kind == "fontstack:alias-serif" and "DejaVu Serif" not in machine_noise._installed_families():
        pytest.skip("DejaVu Serif is not installed")
    assert shot is not None, kind
    assert shot.params["noise"] == kind and shot.params["noise_family"] == machine_noise.family_of(kind)
    common = min(shot.candidate.shape[0], reference.shape[0])
    assert shot.candidate.shape[1] == reference.shape[1]
    differs = shot.candidate.shape != reference.shape or (shot.candidate[:common] != reference[:common]).any()
    assert differs, kind  # a pair that differs in no pixel teaches nothing
    if kind == "taller":
        assert shot.candidate.shape[0] - reference.shape[0] == shot.params["taller_px"] in (1, 2)
    # The page is left in its reference state.
    from layoutcheck.capture import snapshot
    from layoutcheck.imageio import decode_image

    assert np.array_equal(decode_image(snapshot(page, options).png), reference)


@pytest.mark.browser
@pytest.mark.slow
def test_flags_this_chromium_ignores_make_no_pair(loaded_fixture_page) -> None:  # type: ignore[no-untyped-def]
    from layoutcheck.synth import machine_noise

    page, reference, options, variants, load = loaded_fixture_page
    for kind in ("flag:disable-lcd-text", "flag:disable-skia-runtime-opts"):
        shot = machine_noise.make(kind, page, reference, options, random.Random(0), browsers=variants, load=load)
        if shot is not None:  # a build where the flag changes pixels: then it must differ
            assert shot.candidate.shape != reference.shape or (shot.candidate != reference).any()


# -- the command line ---------------------------------------------------------------------------


def test_cli_refuses_a_folder_that_is_not_a_corpus_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from layoutcheck.cli import main

    result = CliRunner().invoke(main, ["synth", "--realpages", str(tmp_path), "--out", str(tmp_path / "o"),
                                       "--pairs", "1"])
    assert result.exit_code == 2
    assert "not a real-page corpus" in result.output and len(result.output.strip().splitlines()) == 1


def test_cli_stats_print_real_pages_apart(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from layoutcheck.cli import main
    from layoutcheck.dataset import DatasetWriter

    writer = DatasetWriter(tmp_path)
    img = np.full((20, 20, 3), 255, np.uint8)
    zeros = np.zeros((20, 20), np.uint8)
    writer.write("g", img, img, zeros, source="synth", page="p", template="t", split="train", params={})
    writer.write("r", img, img, zeros, source="realpage", page="a/i.html", template="a", split="val", params={})
    result = CliRunner().invoke(main, ["dataset", "stats", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert " realpage: 1 samples from 1 pages; val/benign 1" in result.output
    assert "    synth: 1 samples from 1 pages; train/benign 1" in result.output


def test_a_font_stack_that_moved_boxes_re_flowed_its_text() -> None:
    """docs/dataset.md, *Font stacks*: more than REFLOW_PX of box movement is a change, not noise."""
    from layoutcheck.synth.machine_noise import REFLOW_PX, reflowed

    stack = {"noise_family": "font-stack"}
    assert reflowed({**stack, "layout_moved_px": REFLOW_PX + 0.5})
    assert not reflowed({**stack, "layout_moved_px": REFLOW_PX})
    assert not reflowed({**stack, "layout_moved_px": -1.0})  # the DOMs differed: not measured
    assert not reflowed({"noise_family": "chromium-flag", "layout_moved_px": 40.0})
    assert not reflowed({"noise_family": "font-stack"})
