"""The JUnit XML of a comparison run: one test case per pair, read back with a real XML parser."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from layoutcheck.cli import main
from layoutcheck.junit import to_junit
from layoutcheck.report import pair_anchor
from layoutcheck.results import PairResult, Region, RunResult, Verdict

EVIL = '<b>"tricky" & name</b>.png'
BOX = Region(x=4, y=2, w=20, h=10, score=0.91, kind="overlap", element="#main > .card")
CHANGE = Region(x=1, y=1, w=5, h=5, score=0.8, kind="change")


def _run() -> RunResult:
    return RunResult(
        pairs=(
            PairResult("broken.png", Verdict.FAIL, regions=(BOX, Region(0, 30, 8, 8, 0.5, "clipping")),
                       diff_pixels=321, duration_ms=250.0),
            PairResult(EVIL, Verdict.FAIL, regions=(Region(1, 1, 5, 5, 0.5, "diff", element=EVIL),)),
            PairResult("bad.png", Verdict.ERROR, error="cand/bad.png: empty file"),
            PairResult("added.png", Verdict.NEW, candidate="cand/added.png"),
            PairResult("gone.png", Verdict.DELETED, reference="ref/gone.png"),
            PairResult("moved.png", Verdict.PASS, changes=(CHANGE,), level="layout"),
            PairResult("same.png", Verdict.PASS, duration_ms=12.0),
        ),
        method="unet", level="layout", created="2026-11-29T12:00:00+00:00",
    )


def _cases(xml: bytes) -> tuple[ET.Element, dict[str, ET.Element]]:
    suites = ET.fromstring(xml)
    (suite,) = suites.findall("testsuite")
    return suite, {case.get("name", ""): case for case in suite.findall("testcase")}


def test_each_pair_is_a_test_case_with_its_outcome() -> None:
    xml = to_junit(_run(), report_url="report/index.html")
    assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    suite, cases = _cases(xml)
    assert suite.get("name") == "layoutcheck compare [unet · layout]"
    counts = [suite.get(key) for key in ("tests", "failures", "errors", "skipped")]
    assert counts == ["7", "2", "1", "2"]
    assert suite.get("time") == "0.262" and suite.get("timestamp") == "2026-11-29T12:00:00+00:00"
    assert list(cases) == [p.name for p in _run().pairs]  # the run's order, names unescaped on reading

    failure = cases["broken.png"].find("failure")
    assert failure is not None and failure.get("type") == "overlap"
    assert failure.get("message") == (
        "2 region(s), 321 px differ; 20x10 at (4, 2)  overlap  score 0.91  on #main > .card (+1 more)"
    )
    assert failure.text == (
        "1. 20x10 at (4, 2)  overlap  score 0.91  on #main > .card\n"
        "2. 8x8 at (0, 30)  clipping  score 0.50\n"
        f"report: report/index.html#{pair_anchor('broken.png')}"
    )
    assert cases["broken.png"].get("time") == "0.250" and cases["broken.png"].get("classname") == "layoutcheck"
    evil = cases[EVIL].find("failure")
    assert evil is not None and EVIL in (evil.get("message") or "")  # escaped in the file, intact when read
    error = cases["bad.png"].find("error")
    assert error is not None and error.get("message") == "cand/bad.png: empty file"
    assert [s.get("message") for s in (cases["added.png"].find("skipped"), cases["gone.png"].find("skipped"))] == [
        "new: no reference for cand/added.png", "deleted: no candidate for ref/gone.png"]
    out = cases["moved.png"].find("system-out")
    assert out is not None and out.text == "1 change(s), not failing:\n  c1. 5x5 at (1, 1)  change  score 0.80"
    assert list(cases["same.png"]) == []  # a pass has no child


def test_missing_pairs_fail_when_asked_and_links_need_a_report() -> None:
    suite, cases = _cases(to_junit(_run(), fail_on_missing=True))
    assert (suite.get("failures"), suite.get("skipped")) == ("4", "0")
    new = cases["added.png"].find("failure")
    assert new is not None and new.get("type") == "new" and new.text == "new: no reference for cand/added.png"
    assert "report:" not in (cases["broken.png"].find("failure").text or "")  # type: ignore[union-attr]


def test_compare_writes_the_junit_file(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = pair_dir
    junit = tmp_path / "ci" / "layoutcheck.xml"
    result = CliRunner().invoke(main, ["compare", str(ref), str(cand), "--out", str(tmp_path / "rep"),
                                       "--junit", str(junit)])
    assert result.exit_code == 1, result.output
    suite, cases = _cases(junit.read_bytes())
    assert suite.get("tests") == "5" and suite.get("failures") == "1"
    failure = cases["broken.png"].find("failure")
    assert failure is not None and f"report: {tmp_path / 'rep' / 'index.html'}#" in (failure.text or "")
    result = CliRunner().invoke(main, ["compare", str(ref), str(cand), "--no-report", "--junit", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr
    (tmp_path / "file").write_text("")
    result = CliRunner().invoke(main, ["compare", str(ref), str(cand), "--no-report", "--junit",
                                       str(tmp_path / "file" / "x.xml")])
    assert result.exit_code == 2 and result.stderr.startswith(f"layoutcheck: error: {tmp_path / 'file' / 'x.xml'}: ")
