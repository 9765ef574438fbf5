"""Tests of the quality benchmark's parts: the tolerance picker, the fixture reader, the README block."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_data  # noqa: E402
import quality  # noqa: E402
import quality_report  # noqa: E402
import readme_tables  # noqa: E402

README = BENCH.parent / "README.md"


# -- the tolerance picker ------------------------------------------------------------------------


def test_pick_tolerance_maximises_recall_minus_fpr_and_prefers_the_larger_tie() -> None:
    positive = [0.0, 0.02, 0.5, math.inf]  # an identical-looking defect, two real ones, a size mismatch
    negative = [0.0, 0.001, 0.01, 0.03]
    # r:        0     0.001  0.01  0.02  0.03  0.5
    # recall:   .75   .75    .75   .5    .5    .25
    # FPR:      .75   .5     .25   .25   0     0      -> best .5 at 0.01 and at 0.03: the larger wins
    best = quality.pick_tolerance(positive, negative)
    assert best == {"r": 0.03, "recall": 0.5, "fpr": 0.0}


def test_pick_tolerance_is_no_worse_than_any_threshold() -> None:
    rng = np.random.default_rng(3)
    positive = rng.exponential(0.02, 40).tolist()
    negative = rng.exponential(0.005, 30).tolist()
    best = quality.pick_tolerance(positive, negative)
    for r in np.linspace(0, 0.1, 501):
        recall = np.mean(np.array(positive) > r)
        fpr = np.mean(np.array(negative) > r)
        assert recall - fpr <= best["recall"] - best["fpr"] + 1e-12
    assert best["recall"] == np.mean(np.array(positive) > best["r"])


def test_pick_tolerance_keeps_zero_when_any_difference_separates() -> None:
    assert quality.pick_tolerance([0.1, 0.2], [0.0, 0.0]) == {"r": 0.0, "recall": 1.0, "fpr": 0.0}


def test_roc_points_end_at_the_most_sensitive_setting() -> None:
    fpr, recall = quality_report.roc_points([0.0, 0.3, math.inf], [0.0, 0.1])
    assert (fpr[0], recall[0]) == (0.0, 1 / 3)  # only the size mismatch fails at the top
    assert (fpr[-1], recall[-1]) == (0.5, 2 / 3)  # t = 0: any difference fails, identical pairs pass
    assert fpr == sorted(fpr) and recall == sorted(recall)


def test_kth_largest() -> None:
    values = np.arange(100, dtype=np.float32).reshape(10, 10)
    assert quality.kth_largest(values, 16) == 84.0
    assert quality.kth_largest(np.array([3.0, 1.0]), 16) == 1.0


# -- the fixtures manifest -----------------------------------------------------------------------


def test_read_peer_manifest_of_the_repository() -> None:
    pairs, skipped = bench_data.read_peer_manifest()
    raw = json.loads(bench_data.PEER_FIXTURES.read_text())["cases"]
    assert len(pairs) + len(skipped) == len(raw)
    assert {p.expected for p in pairs} == {"equal", "different"}
    assert all(p.kind == {"equal": "benign", "different": "change"}[p.expected] for p in pairs)
    assert all(p.reference.is_file() and p.candidate.is_file() for p in pairs)
    sources = {p.id.split("/")[0] for p in pairs}
    assert sources == {"pixelmatch", "looks-same", "backstopjs"}  # nothing read from ../shared


def _manifest(tmp_path: Path, cases: list[dict[str, object]]) -> Path:
    (tmp_path / "a.png").write_bytes(b"png")
    (tmp_path / "b.png").write_bytes(b"png")
    path = tmp_path / "MANIFEST.json"
    path.write_text(json.dumps({"format": "peer-fixtures/1", "cases": cases}))
    return path


def test_read_peer_manifest_maps_verdicts_and_skips_null(tmp_path: Path) -> None:
    path = _manifest(tmp_path, [
        {"id": "x/same", "reference": "a.png", "candidate": "a.png", "expected_verdict": "equal"},
        {"id": "x/diff", "reference": "a.png", "candidate": "b.png", "expected_verdict": "different",
         "categories": ["size-mismatch"]},
        {"id": "x/both", "reference": "a.png", "candidate": "b.png", "expected_verdict": None},
    ])
    pairs, skipped = bench_data.read_peer_manifest(path)
    assert [(p.id, p.kind, p.expected) for p in pairs] == [("x/same", "benign", "equal"), ("x/diff", "change", "different")]
    assert pairs[1].candidate == tmp_path / "b.png" and pairs[1].categories == ("size-mismatch",)
    assert skipped == ["x/both"]


@pytest.mark.parametrize(("case", "message"), [
    ({"id": "x", "reference": "a.png", "candidate": "b.png", "expected_verdict": "same"}, "expected_verdict 'same'"),
    ({"id": "x", "reference": "a.png", "candidate": "gone.png", "expected_verdict": "equal"}, "does not exist"),
])
def test_read_peer_manifest_errors_name_the_case(tmp_path: Path, case: dict[str, object], message: str) -> None:
    with pytest.raises(bench_data.BenchDataError, match=message):
        bench_data.read_peer_manifest(_manifest(tmp_path, [case]))


def test_read_peer_manifest_rejects_another_format(tmp_path: Path) -> None:
    path = tmp_path / "MANIFEST.json"
    path.write_text(json.dumps({"format": "something/2", "cases": []}))
    with pytest.raises(bench_data.BenchDataError, match="peer-fixtures/1"):
        bench_data.read_peer_manifest(path)


# -- the README block ----------------------------------------------------------------------------

_DOC = "# t\n\nintro\n\n## How it compares\n\n<!-- bench:start -->\nold\ntable\n<!-- bench:end -->\n\n## Next\ntail  \n"


def test_replace_block_keeps_everything_outside_the_markers_byte_identical() -> None:
    new = readme_tables.replace_block(_DOC, "fresh\n")
    head, tail = _DOC.split("<!-- bench:start -->\n")[0], _DOC.split("<!-- bench:end -->")[1]
    assert new == head + "<!-- bench:start -->\nfresh\n<!-- bench:end -->" + tail
    assert readme_tables.replace_block(new, "fresh\n") == new  # idempotent
    assert readme_tables.replace_block(_DOC, "no newline") == readme_tables.replace_block(_DOC, "no newline\n")


def test_replace_block_on_the_real_readme_changes_only_the_block() -> None:
    text = README.read_text(encoding="utf-8")
    if readme_tables.START not in text:
        text = readme_tables.insert_section(text)
    new = readme_tables.replace_block(text, "X\n")
    before, after = text.split(readme_tables.START)[0], text.split(readme_tables.END)[1]
    assert new == before + readme_tables.START + "\nX\n" + readme_tables.END + after


@pytest.mark.parametrize("doc", [
    "no markers\n",
    "<!-- bench:start -->\n<!-- bench:start -->\n<!-- bench:end -->\n",
    "<!-- bench:end -->\n<!-- bench:start -->\n",
    "a <!-- bench:start --> b <!-- bench:end -->\n",
])
def test_replace_block_refuses_broken_markers(doc: str) -> None:
    with pytest.raises(readme_tables.ReadmeError):
        readme_tables.replace_block(doc, "x\n")


def test_insert_section_goes_after_the_named_section() -> None:
    doc = "# t\n\n## Training data and the U-Net\n\ntext\n\n### sub\n\nmore\n\n## Capture config\n\nc\n"
    out = readme_tables.insert_section(doc)
    assert out == ("# t\n\n## Training data and the U-Net\n\ntext\n\n### sub\n\nmore\n\n"
                   "## How it compares\n\n<!-- bench:start -->\n<!-- bench:end -->\n\n## Capture config\n\nc\n")
    with pytest.raises(readme_tables.ReadmeError, match="no heading"):
        readme_tables.insert_section("# t\n")


def test_demote_puts_the_top_heading_at_level_three() -> None:
    assert readme_tables.demote("# A\n\ntext # not\n\n## B\n") == "### A\n\ntext # not\n\n#### B\n"
    assert readme_tables.demote("### A\n#### B\n") == "### A\n#### B\n"


def test_block_body_uses_the_result_files(tmp_path: Path) -> None:
    (tmp_path / "quality.md").write_text("### Quality\n\n| a |\n")
    body = readme_tables.block_body(tmp_path, tmp_path.parent)
    assert "### Quality" in body and f"{tmp_path.name}/fpr_recall.png" not in body
    assert "speed.md` is missing" in body


# -- the tuned rows --------------------------------------------------------------------------------


def test_tuned_records_let_pairs_under_the_tolerance_pass() -> None:
    from layoutcheck.dataset import Sample
    from layoutcheck.evaluate import score_pair
    from layoutcheck.results import Region

    mask = np.zeros((20, 20), dtype=np.uint8)
    mask[2:6, 2:6] = 2  # an overlap defect
    sample = Sample(id="s", reference="r", candidate="c", mask="m", kind="defect", classes=(2,),
                    boxes=((2, 2, 4, 4, 2),), source="synth", page="p", template="t", split="test", width=20, height=20)
    region = (Region(x=1, y=1, w=6, h=6, score=1.0, kind="diff"),)
    boxes = [(2, 2, 6, 6, 2)]
    records = []
    for pid, ratio, mismatch in (("a", 0.09, False), ("b", 0.01, False), ("c", math.inf, True)):
        rec = quality.Record(pair=pid, source="t", kind="defect", judge="odiff", flagged=True, ms=1.0,
                             size_mismatch=mismatch, ratio=ratio, regions=region)
        rec.strict = score_pair(pid, sample, region, mask, boxes, method="odiff", level="strict")
        rec.layout = score_pair(pid, sample, region, mask, boxes, method="odiff", level="layout")
        records.append(rec)
    tuned = quality.tuned_records(records, "odiff", 0.05)
    assert [(r.pair, r.judge, r.flagged) for r in tuned] == [("a", "odiff-tuned", True), ("b", "odiff-tuned", False),
                                                              ("c", "odiff-tuned", True)]
    passed = tuned[1]
    assert passed.layout is not None and not passed.layout.flagged and not passed.layout.located
    assert passed.layout.flagged_px == 0 and passed.layout.region_iou == 0.0
    table = quality.metrics(records + tuned, "odiff-tuned")
    assert table["defect_flagged"] == pytest.approx(2 / 3) and table["defect_located"] == pytest.approx(2 / 3)


def test_records_survive_their_json() -> None:
    from layoutcheck.dataset import Sample
    from layoutcheck.evaluate import score_pair
    from layoutcheck.results import Region

    mask = np.zeros((10, 10), dtype=np.uint8)
    mask[1:4, 1:4] = 5
    sample = Sample(id="s", reference="r", candidate="c", mask="m", kind="defect", classes=(5,),
                    boxes=((1, 1, 3, 3, 5),), source="synth", page="p", template="t", split="test", width=10, height=10)
    region = (Region(x=0, y=0, w=3, h=3, score=1.0, kind="diff"),)
    rec = quality.Record(pair="s", source="t", kind="defect", judge="pixel", flagged=True, ms=12.5, ratio=0.09, score=0.09)
    rec.strict = score_pair("s", sample, region, mask, [(1, 1, 4, 4, 5)], method="pixel", level="strict", ms=12.5)
    rec.layout = score_pair("s", sample, region, mask, [(1, 1, 4, 4, 5)], method="pixel", level="layout", ms=12.5)
    gone = quality.Record(pair="t", source="t", kind="benign", judge="pixel", flagged=True, ms=3.0, size_mismatch=True,
                          ratio=math.inf, score=math.inf)
    text = json.dumps(quality.records_json([rec, gone]), allow_nan=False)
    back = quality.records_from_json(json.loads(text))
    for level in ("strict", "layout"):  # floats are kept to 6 decimals
        got, want = getattr(back[0], level), getattr(rec, level)
        assert got.region_iou == pytest.approx(want.region_iou, abs=1e-6)
        assert replace(got, region_iou=want.region_iou) == want
    assert back[1].ratio == math.inf and back[1].score == math.inf
    assert quality.metrics(back, "pixel") == quality.metrics([rec, gone], "pixel")
