from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from layoutcheck.dataset import (
    MANIFEST, DatasetError, DatasetWriter, kind_of, load_sample, read_manifest, split_for, stats,
)

from .conftest import page_like


def _write_three(root: Path) -> DatasetWriter:
    w = DatasetWriter(root)
    ref = page_like()
    for i, value in enumerate((0, 1, 7)):
        mask = np.zeros(ref.shape[:2], np.uint8)
        if value:
            mask[20:40, 30:90] = value
        cand = ref.copy()
        cand[20:40, 30:90] = 0 if value else cand[20:40, 30:90]
        w.write(f"s{i}", ref, cand, mask, source="synth", page=f"p{i}", template="landing",
                split="train", params={"seed": i})
    return w


def test_round_trip_and_kinds(tmp_path: Path) -> None:
    w = _write_three(tmp_path)
    samples = read_manifest(tmp_path)
    assert [s.kind for s in samples] == ["benign", "change", "defect"]
    assert samples[2].classes == (7,) and samples[2].boxes == ((30, 20, 60, 20, 7),)
    ref, cand, mask = load_sample(tmp_path, samples[2])
    assert ref.shape == cand.shape and mask.shape == cand.shape[:2] and mask.max() == 7
    assert w.existing_ids() == {"s0", "s1", "s2"}
    s = stats(tmp_path)
    assert s["samples"] == 3 and s["kind"] == {"benign": 1, "change": 1, "defect": 1}
    assert s["class"] == {"change": 1, "misalignment": 1}


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("{not json", "invalid sample"),
        ('{"id": "x"}', "missing field"),
        ('{"id":"x","reference":"a","candidate":"b","mask":"c","kind":"weird","source":"synth","split":"train"}', "kind must be"),
        ('{"id":"x","reference":"/etc/passwd","candidate":"b","mask":"c","kind":"benign","source":"synth","split":"train"}', "relative path"),
        ('{"id":"x","reference":"a","candidate":"b","mask":"c","kind":"defect","source":"synth","split":"train","classes":[99]}', "classes"),
    ],
)
def test_corrupted_line_is_named(tmp_path: Path, line: str, needle: str) -> None:
    _write_three(tmp_path)
    with (tmp_path / MANIFEST).open("a") as fh:
        fh.write(line + "\n")
    with pytest.raises(DatasetError) as err:
        read_manifest(tmp_path)
    assert f"{tmp_path / MANIFEST}:4:" in str(err.value) and needle in str(err.value)


def test_duplicate_ids_and_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a dataset"):
        read_manifest(tmp_path)
    _write_three(tmp_path)
    first = (tmp_path / MANIFEST).read_text().splitlines()[0]
    with (tmp_path / MANIFEST).open("a") as fh:
        fh.write(first + "\n")
    with pytest.raises(DatasetError, match="duplicate sample id 's0'"):
        read_manifest(tmp_path)


def test_writer_rejects_bad_masks(tmp_path: Path) -> None:
    w = DatasetWriter(tmp_path)
    ref = page_like()
    with pytest.raises(ValueError, match="candidate's size"):
        w.write("a", ref, ref, np.zeros((3, 3), np.uint8), source="synth", page="p", template="t", split="train", params={})
    with pytest.raises(ValueError, match="not a class"):
        w.write("a", ref, ref, np.full(ref.shape[:2], 200, np.uint8), source="synth", page="p", template="t", split="train", params={})
    assert (tmp_path / MANIFEST).read_text() == ""


def test_splits_group_by_page_and_hold_out_templates() -> None:
    splits = [split_for("landing", seed) for seed in range(2000)]
    share = {s: splits.count(s) / len(splits) for s in ("train", "val", "test")}
    assert 0.75 < share["train"] < 0.85 and 0.07 < share["val"] < 0.13 and 0.07 < share["test"] < 0.13
    assert split_for("landing", 5) == split_for("landing", 5)
    assert {split_for("docs", s, held_out={"docs": "test"}) for s in range(50)} == {"test"}
    assert split_for("fixture:demo", 1) == "test"


def test_kind_of() -> None:
    m = np.zeros((4, 4), np.uint8)
    assert kind_of(m) == ("benign", ())
    m[0, 0] = 1
    assert kind_of(m) == ("change", (1,))
    m[1, 1] = 5
    assert kind_of(m) == ("defect", (1, 5))
    json.dumps(kind_of(m))


def test_stats_and_preview_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from PIL import Image

    from layoutcheck.cli import main

    _write_three(tmp_path / "ds")
    result = CliRunner().invoke(main, ["dataset", "stats", str(tmp_path / "ds")])
    assert result.exit_code == 0 and "3 samples from 3 pages" in result.stdout
    assert "misalignment 1" in result.stdout
    sheet = tmp_path / "sheet.png"
    result = CliRunner().invoke(main, ["dataset", "preview", str(tmp_path / "ds"), "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    with Image.open(sheet) as im:
        assert im.width > 3 * 300 and im.height > 3 * 100
    result = CliRunner().invoke(main, ["dataset", "stats", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a dataset" in result.stderr


def test_real_pages_are_counted_apart_and_may_be_taller(tmp_path: Path) -> None:
    w = _write_three(tmp_path)
    ref = np.full((40, 50, 3), 255, np.uint8)
    cand = np.full((42, 50, 3), 255, np.uint8)  # the page became 2 px taller: benign machine noise
    w.write("r0", ref, cand, np.zeros((42, 50), np.uint8), source="realpage", page="proj/index.html",
            template="proj", split="val", params={"noise": "taller", "noise_family": "page-css"})
    sample = next(s for s in read_manifest(tmp_path) if s.id == "r0")
    r, c, m = load_sample(tmp_path, sample)
    assert r.shape[0] == 40 and c.shape[0] == 42 and m.shape == (42, 50) and sample.height == 42
    s = stats(tmp_path)
    assert s["source"] == {"synth": 3, "realpage": 1}
    assert s["by_source"]["realpage"] == {"samples": 1, "pages": 1, "kind": {"benign": 1}, "split": {"val": 1},
                                          "split_kind": {"val/benign": 1}}
    assert s["by_source"]["synth"]["samples"] == 3


def test_change_mask_covers_what_differs_and_rows_past_the_reference() -> None:
    from layoutcheck.dataset import CHANGE_REACH, change_mask, differing

    ref = np.full((40, 30, 3), 255, np.uint8)
    cand = ref.copy()
    cand[10:12, 5:9] = 0  # a word moved here
    cand[20, 20, 1] = 255 - 8  # within the tolerance: not a difference
    mask = change_mask(ref, cand)
    assert mask.dtype == np.uint8 and set(np.unique(mask).tolist()) == {0, 1}
    ys, xs = np.nonzero(mask)
    assert (ys.min(), ys.max(), xs.min(), xs.max()) == (10 - CHANGE_REACH, 11 + CHANGE_REACH, 5 - CHANGE_REACH, 8 + CHANGE_REACH)
    taller = np.concatenate([cand, np.full((5, 30, 3), 255, np.uint8)])  # 5 rows the reference lacks
    assert differing(ref, taller)[40:].all() and change_mask(ref, taller).shape == (45, 30)
