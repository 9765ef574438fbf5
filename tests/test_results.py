"""Typed results and their JSON form: round trips, reported changes, files written before them."""

from __future__ import annotations

import json

from layoutcheck.results import PairImages, PairResult, Region, RunResult, Verdict

CHANGE = Region(x=8, y=10, w=40, h=20, score=0.9731, kind="change", element="#hero > h1")
DEFECT = Region(x=40, y=320, w=50, h=16, score=0.88, kind="overflow")


def _run() -> RunResult:
    return RunResult(
        pairs=(
            PairResult("home@desktop", Verdict.PASS, changes=(CHANGE,), reference_size=(96, 400),
                       candidate_size=(96, 400), method="unet", images=PairImages("r.png", "c.png", "d.png"),
                       level="layout"),
            PairResult("cart@desktop", Verdict.FAIL, regions=(DEFECT,), changes=(CHANGE,), diff_pixels=800,
                       method="unet", level="strict", threshold=0.93),  # a pytest check's own level=, threshold=
        ),
        method="unet",
        threshold=0.5,
        level="layout",
        created="2024-05-01T12:00:00+00:00",
    )


def test_changes_round_trip_through_json() -> None:
    run = _run()
    data = json.loads(run.to_json())
    assert data["pairs"][0]["changes"] == [CHANGE.to_dict()]
    assert data["pairs"][0]["regions"] == []
    assert RunResult.from_dict(data) == run


def test_result_files_without_changes_still_load() -> None:
    data = json.loads(_run().to_json())
    for pair in data["pairs"]:
        del pair["changes"]  # as written before changes were reported
    old = RunResult.from_dict(data)
    assert [p.changes for p in old.pairs] == [(), ()]
    assert old.pairs[1].regions == (DEFECT,)


def test_changes_do_not_make_a_run_fail() -> None:
    run = _run()
    passing = RunResult(pairs=run.pairs[:1])
    assert passing.verdict is Verdict.PASS and passing.counts()["pass"] == 1
    assert run.verdict is Verdict.FAIL  # because of the failing region, not the changes


def test_levels_round_trip_through_json() -> None:
    run = _run()
    data = json.loads(run.to_json())
    assert data["level"] == "layout"
    assert [p["level"] for p in data["pairs"]] == ["layout", "strict"]
    assert RunResult.from_dict(data) == run
    pixel = RunResult(pairs=(PairResult("a.png", Verdict.PASS),))
    data = json.loads(pixel.to_json())
    assert data["level"] is None and data["pairs"][0]["level"] is None  # the pixel judge has no levels
    assert RunResult.from_dict(data) == pixel


def test_result_files_without_levels_load_as_none() -> None:
    data = json.loads(_run().to_json())
    del data["level"]  # as written before levels were recorded
    for pair in data["pairs"]:
        del pair["level"]
    old = RunResult.from_dict(data)
    assert old.level is None and [p.level for p in old.pairs] == [None, None]
    assert old.method == "unet" and old.threshold == 0.5


def test_pairs_record_their_own_threshold() -> None:
    data = json.loads(_run().to_json())
    assert [p["threshold"] for p in data["pairs"]] == [None, 0.93]
    del data["pairs"][1]["threshold"]  # as written before pairs recorded it
    assert RunResult.from_dict(data).pairs[1].threshold is None
