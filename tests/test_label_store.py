"""The labeling folder: queue, atomic versioned saves, manifest lines that train reads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from layoutcheck.cli import main
from layoutcheck.dataset import CLASS_NAMES, load_sample, read_manifest
from layoutcheck.errors import InputError
from layoutcheck.label import LabelConflict, UnknownPair, add_from_report, open_store
from layoutcheck.label.store import QUEUE, UnsafePath, inside

from .label_helpers import labeling_folder, make_report, painted


def test_add_brings_pair_images_sidecar_and_regions(tmp_path: Path) -> None:
    root, pair_id = labeling_folder(tmp_path)
    assert (root / "samples" / pair_id / "ref.png").is_file()
    assert (root / "samples" / pair_id / "cand.png").is_file()
    assert (root / "samples" / pair_id / "cand.json").is_file()  # the element boxes
    queue = json.loads((root / QUEUE).read_text())["pairs"]
    assert [p["id"] for p in queue] == [pair_id]
    assert queue[0]["params"]["regions"], "the judge's regions travel with the pair"
    assert not (root / "manifest.jsonl").exists(), "an unlabeled pair is not a sample"
    with pytest.raises(InputError, match="already in"):
        add_from_report(tmp_path / "report", "broken@desktop.png", root)
    with pytest.raises(UnknownPair, match="no pair named"):
        add_from_report(tmp_path / "report", "nope.png", root)


def test_save_writes_mask_and_one_valid_manifest_line(tmp_path: Path) -> None:
    root, pair_id = labeling_folder(tmp_path)
    store = open_store(root)
    assert store.progress() == (0, 1)
    entry = store.save(pair_id, painted(), base_revision=0)
    assert entry.revision == 1 and entry.status == "labeled"
    (sample,) = read_manifest(root)
    assert sample.source == "label" and sample.kind == "defect" and sample.classes == (2,)
    assert sample.boxes and sample.boxes[0][4] == 2 and sample.template == "label:broken"
    _, _, mask = load_sample(root, sample)
    assert (mask == painted()).all()
    assert json.loads((root / QUEUE).read_text())["pairs"] == []
    # A second save replaces the line (no duplicate id) and removes the older mask file.
    store.save(pair_id, np.zeros((240, 320), np.uint8), base_revision=1)
    (sample,) = read_manifest(root)
    assert sample.kind == "benign" and sample.params["label"]["revision"] == 2
    assert sorted(p.name for p in (root / "samples" / pair_id).glob("mask*.png")) == ["mask-r2.png"]
    assert open_store(root).progress() == (1, 1)


def test_stale_revision_is_a_conflict_unless_forced(tmp_path: Path) -> None:
    root, pair_id = labeling_folder(tmp_path)
    tab_a, tab_b = open_store(root), open_store(root)  # two pages, even two processes
    tab_a.save(pair_id, painted(), base_revision=0)
    with pytest.raises(LabelConflict, match="another tab") as info:
        tab_b.save(pair_id, painted(value=3), base_revision=0)
    assert info.value.current == 1
    tab_b.save(pair_id, painted(value=3), base_revision=0, force=True)
    (sample,) = read_manifest(root)
    assert sample.classes == (3,) and sample.params["label"]["revision"] == 2


def test_crash_before_the_manifest_commit_keeps_the_old_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, pair_id = labeling_folder(tmp_path)
    store = open_store(root)
    store.save(pair_id, painted(), base_revision=0)
    before = (root / "manifest.jsonl").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("layoutcheck.label.store.LabelStore._write_manifest", crash)
    with pytest.raises(OSError):
        store.save(pair_id, painted(value=5), base_revision=1)
    assert (root / "manifest.jsonl").read_bytes() == before
    (sample,) = read_manifest(root)
    _, _, mask = load_sample(root, sample)
    assert (mask == painted()).all()


def test_bad_masks_are_refused(tmp_path: Path) -> None:
    root, pair_id = labeling_folder(tmp_path)
    store = open_store(root)
    with pytest.raises(InputError, match="320x240"):
        store.save(pair_id, np.zeros((10, 10), np.uint8), base_revision=0)
    with pytest.raises(InputError, match="not a class"):
        store.save(pair_id, np.full((240, 320), len(CLASS_NAMES), np.uint8), base_revision=0)
    with pytest.raises(UnknownPair):
        store.save("nope", painted(), base_revision=0)


def test_report_folder_becomes_a_dataset_on_first_save(tmp_path: Path) -> None:
    report = make_report(tmp_path)
    store = open_store(report)
    dest = tmp_path / "report-labels"
    assert [e.name for e in store.entries()] == ["broken@desktop.png", "same@desktop.png"]  # failed first
    assert not dest.exists(), "nothing is written before the first save"
    same = store.entries()[1]
    store.save(same.id, np.zeros((same.height, same.width), np.uint8), base_revision=0)
    (sample,) = read_manifest(dest)
    assert sample.kind == "benign" and (dest / sample.candidate).is_file()
    reopened = open_store(dest)
    assert reopened.progress() == (1, 2)
    assert reopened.entries()[0].status == "todo"
    assert (dest / reopened.entries()[0].candidate).is_file()


def test_skip_moves_the_pair_last(tmp_path: Path) -> None:
    report = make_report(tmp_path)
    root = tmp_path / "labels"
    for name in ("broken@desktop.png", "same@desktop.png"):
        add_from_report(report, name, root)
    store = open_store(root)
    first = store.ids()[0]
    store.skip(first)
    assert store.ids()[-1] == first
    assert open_store(root).entries()[-1].status == "skipped"


def test_paths_outside_the_folder_are_refused(tmp_path: Path) -> None:
    root, pair_id = labeling_folder(tmp_path)
    (tmp_path / "secret.png").write_bytes(b"x")
    for rel in ("../secret.png", "/etc/passwd", "samples/../../secret.png", "..\\secret.png", "C:/x.png"):
        with pytest.raises(UnsafePath):
            inside(root, rel)
    (root / "samples" / "link.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(UnsafePath, match="outside"):
        inside(root, "samples/link.png")
    # A queue file that points out of the folder serves nothing.
    data = json.loads((root / QUEUE).read_text())
    data["pairs"][0]["candidate"] = "../secret.png"
    (root / QUEUE).write_text(json.dumps(data))
    with pytest.raises(UnsafePath):
        open_store(root).image_path(pair_id, "candidate")


@pytest.mark.slow  # imports torch
def test_labeled_dataset_feeds_train(tmp_path: Path) -> None:
    from layoutcheck.train.data import find_sources

    root, pair_id = labeling_folder(tmp_path)
    open_store(root).save(pair_id, painted(), base_revision=0)
    sources = find_sources([root])
    assert [p.sample.id for p in sources.train] == [pair_id]


def test_cli_add_and_usage_errors(tmp_path: Path) -> None:
    report = make_report(tmp_path)
    out = CliRunner().invoke(main, ["label", "--add", str(report), "broken@desktop.png", "--to", str(tmp_path / "l")])
    assert out.exit_code == 0, out.output
    assert "layoutcheck label" in out.output
    out = CliRunner().invoke(main, ["label", "--add", str(report), "missing.png", "--to", str(tmp_path / "l")])
    assert out.exit_code == 2 and "no pair named" in out.output
    out = CliRunner().invoke(main, ["label", str(tmp_path / "nothing")])
    assert out.exit_code == 2 and "not a dataset" in out.output
    out = CliRunner().invoke(main, ["label", str(tmp_path / "l"), "--order", "uncertainty"])
    assert out.exit_code == 2 and "--model" in out.output


def test_report_has_a_label_this_command_per_failed_pair(tmp_path: Path) -> None:
    report = make_report(tmp_path)
    html = (report / "index.html").read_text(encoding="utf-8")
    assert html.count('data-role="label-command"') == 1  # the failed pair only
    assert "layoutcheck label --add <span data-role=\"report-dir\">REPORT_DIR</span> broken@desktop.png --to labels" in html
