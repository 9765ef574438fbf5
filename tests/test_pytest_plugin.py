"""The pytest plugin end to end, through pytester: flags, failures, baselines, report, xdist, Chromium.

Most runs are in-process (fast); the xdist run, the real-Chromium runs and the missing-browser run
go through a subprocess. The heavy modules are imported here first so that pytester's
``sys.modules`` snapshot keeps them between in-process runs (numpy cannot be imported twice).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import numpy  # noqa: F401 - see the module docstring
import pytest

import layoutcheck.compare  # noqa: F401
import layoutcheck.pytest_plugin._check  # noqa: F401
import layoutcheck.report  # noqa: F401
from layoutcheck.report import pair_anchor

from .conftest import page_like, write_png
from .test_compare import change_everywhere_model

pytest_plugins = ["pytester"]

#: The suite most tests run: three checks of generated images; CARD_SHIFT moves the red card.
SUITE = """
import os

import numpy as np
import pytest


def card(shift=0, width=120, height=90):
    img = np.full((height, width, 3), 255, np.uint8)
    img[20 + shift:50 + shift, 10:60] = (200, 30, 30)
    return img


def test_card(layoutcheck):
    layoutcheck.check_image(card(int(os.environ.get("CARD_SHIFT", "0"))), "card")


@pytest.mark.parametrize("size", ["small", "large"])
def test_sizes(layoutcheck, size):
    layoutcheck.check_image(card(width=120 if size == "small" else 160), "card")
"""

BASE = Path("layoutcheck-baseline/test_suite")


def _suite(pytester: pytest.Pytester, source: str = SUITE) -> None:
    pytester.makepyfile(test_suite=source)


def _result(pytester: pytest.Pytester, report: str = "layoutcheck-report") -> dict:
    return json.loads((pytester.path / report / "result.json").read_text())


def _verdicts(pytester: pytest.Pytester) -> dict[str, str]:
    return {p["name"]: p["verdict"] for p in _result(pytester)["pairs"]}


def _no_internals(output: str) -> None:
    """A failure shows the message, not the plugin's frames."""
    assert "Traceback" not in output
    assert "pytest_plugin" not in output
    assert "_check.py" not in output


# -- registration and import cost ------------------------------------------------------------


def test_registered_through_entry_point_and_import_is_light() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("layoutcheck") == "layoutcheck.pytest_plugin"
    code = (
        "import sys, layoutcheck.pytest_plugin; "
        "print(sorted(m for m in ('torch', 'numpy', 'PIL', 'playwright', 'jinja2', 'skimage') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unused_plugin_writes_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)
    assert not list(pytester.path.glob("layoutcheck-*")) and not list(pytester.path.glob(".layoutcheck-*"))


# -- pass, fail, missing, update ---------------------------------------------------------------


def test_missing_baseline_fails_by_default_with_a_clear_message(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    result = pytester.runpytest()
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'card' has no baseline yet",
        f"  baseline:  {BASE}/test_card/card.png",
        "  candidate: layoutcheck-report/pairs/main-*/candidate.png",
        "  report:    layoutcheck-report/index.html#pair-*",
        "  create it: pytest --layoutcheck-update 'test_suite.py::test_card'",
        "*--layoutcheck-missing=create*",
    ])
    _no_internals(result.stdout.str())
    assert not (pytester.path / BASE).exists()
    # The candidates are in the report as new, so they can be looked at before approving.
    assert set(_verdicts(pytester).values()) == {"new"}


def test_missing_baseline_created_on_request(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    pytester.runpytest("--layoutcheck-missing=create").assert_outcomes(passed=3)
    for test in ("test_card", "test_sizes[small]", "test_sizes[large]"):
        assert (pytester.path / BASE / test / "card.png").is_file()
    pytester.runpytest().assert_outcomes(passed=3)
    assert set(_verdicts(pytester).values()) == {"pass"}


def test_pass_then_fail_with_regions_and_report_link(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _suite(pytester)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    monkeypatch.setenv("CARD_SHIFT", "6")
    result = pytester.runpytest("--layoutcheck-method=pixel")  # its regions are exact
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'card' differs from its baseline: 2 region(s), 600 pixel(s) differ [pixel judge, threshold 0.1]",
        "  1. 50x6 at (10, 20)  diff  score *",
        "  2. 50x6 at (10, 50)  diff  score *",
        f"  baseline:  {BASE}/test_card/card.png",
        "  candidate: layoutcheck-report/pairs/main-*/candidate.png",
        "  report:    layoutcheck-report/index.html#pair-*  (written when the run ends)",
        "  accept the change: pytest --layoutcheck-update 'test_suite.py::test_card'",
        "  label this: layoutcheck label --add layoutcheck-report test_suite.py::test_card::card --to labels  (after the run)",
        "*layoutcheck: 3 screenshot(s): 2 pass, 1 fail",
        "layoutcheck: report: layoutcheck-report/index.html",
    ])
    _no_internals(result.stdout.str())
    # The link in the message points at the pair's section of the merged report.
    link = re.search(r"index\.html#(pair-\S+)", result.stdout.str()).group(1)
    assert link == pair_anchor("test_suite.py::test_card::card")
    html = (pytester.path / "layoutcheck-report/index.html").read_text()
    assert f'id="{link}"' in html
    pair = next(p for p in _result(pytester)["pairs"] if p["verdict"] == "fail")
    for key in ("reference", "candidate", "diff"):
        assert (pytester.path / "layoutcheck-report" / pair["images"][key]).is_file()


def test_each_pair_records_the_threshold_it_was_judged_at(pytester: pytest.Pytester) -> None:
    # The run's threshold (ini), and one check's own threshold= beside it.
    _suite(pytester, SUITE + """

def test_loose(layoutcheck):
    layoutcheck.check_image(card(), "loose", threshold=0.3)
""")
    pytester.makeini("[pytest]\nlayoutcheck_threshold = 0.2\n")
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=4)
    pytester.runpytest().assert_outcomes(passed=4)
    run = _result(pytester)
    assert run["threshold"] == 0.2
    assert {p["name"].rsplit("::", 1)[1]: p["threshold"] for p in run["pairs"]} == {
        "card": 0.2, "loose": 0.3}  # (the two size checks are named card too)
    assert ">0.3</span>" in (pytester.path / "layoutcheck-report" / "index.html").read_text()


def test_update_refreshes_changed_baselines_only_and_never_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _suite(pytester)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    card = pytester.path / BASE / "test_card/card.png"
    small = pytester.path / BASE / "test_sizes[small]/card.png"
    before = card.read_bytes()
    small_stat = small.stat().st_mtime_ns
    monkeypatch.setenv("CARD_SHIFT", "6")
    result = pytester.runpytest("--layoutcheck-update")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*3 screenshot(s): 2 pass, 1 new; 1 baseline(s) written"])
    assert card.read_bytes() != before
    assert small.stat().st_mtime_ns == small_stat  # unchanged screenshots are not rewritten
    pytester.runpytest().assert_outcomes(passed=3)


def test_options_come_from_the_ini_file_and_flags_win(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    pytester.makeini("[pytest]\nlayoutcheck_baseline_dir = shots/base\nlayoutcheck_missing = create\n")
    pytester.runpytest().assert_outcomes(passed=3)
    assert (pytester.path / "shots/base/test_suite/test_card/card.png").is_file()
    pytester.runpytest("--layoutcheck-baseline-dir=other", "--layoutcheck-missing=fail").assert_outcomes(failed=3)
    assert not (pytester.path / "other").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layoutcheck-method=svm"], "--layoutcheck-method: expected one of pixel, unet, got 'svm'"),
        (["--layoutcheck-threshold=2"], "--layoutcheck-threshold: expected a number in [[]0, 1], got 2.0"),
        (["--layoutcheck-missing=skip"], "--layoutcheck-missing: expected one of fail, create, got 'skip'"),
        (["--layoutcheck-device=tpu"], "--layoutcheck-device: expected auto, cpu, cuda, cuda:N or mps, got 'tpu'"),
        (["--layoutcheck-level=loose"], "--layoutcheck-level: expected one of strict, layout, got 'loose'"),
        (["-o", "layoutcheck_level=Layout"], "ini option layoutcheck_level: expected one of strict, layout, got 'Layout'"),
    ],
)
def test_bad_option_values_stop_the_run(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    _suite(pytester)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_a_report_dir_of_other_files_stops_the_run_and_is_kept(pytester: pytest.Pytester) -> None:
    """Regression: the report replaced its folder whole, so --layoutcheck-report-dir=src deleted src."""
    _suite(pytester)
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "app.py").write_text("keep me")
    result = pytester.runpytest("--layoutcheck-report-dir=src")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --layoutcheck-report-dir: */src: not a layoutcheck report folder (it holds app.py)*"]
    )
    assert (pytester.path / "src" / "app.py").read_text() == "keep me"
    assert sorted(p.name for p in (pytester.path / "src").iterdir()) == ["app.py"]


def test_files_put_in_the_report_dir_during_the_run_are_kept(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    pytester.makeconftest(
        "def pytest_sessionfinish(session):\n"
        "    open('layoutcheck-report/notes.txt', 'w').write('keep me')\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["*could not write the report: InputError: *not a layoutcheck report folder (it holds notes.txt)*"]
    )
    assert (pytester.path / "layoutcheck-report" / "notes.txt").read_text() == "keep me"


# -- check levels (the unet judge's) ------------------------------------------------------------

#: One check of the moved card; CARD_LEVEL, when set, is this check's own level.
LEVEL_SUITE = """
import os

import numpy as np


def test_card(layoutcheck):
    img = np.full((90, 120, 3), 255, np.uint8)
    shift = int(os.environ.get("CARD_SHIFT", "0"))
    img[20 + shift:50 + shift, 10:60] = (200, 30, 30)
    layoutcheck.check_image(img, "card", level=os.environ.get("CARD_LEVEL") or None)
"""


def test_plugin_levels_are_the_unet_judges() -> None:
    from layoutcheck.pytest_plugin._settings import LEVELS
    from layoutcheck.segment import LEVELS as JUDGE_LEVELS

    assert LEVELS == JUDGE_LEVELS


@pytest.mark.usefixtures("one_thread")
def test_layout_level_passes_a_real_change_and_the_summary_names_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import layoutcheck.segment  # noqa: F401 - loaded before the in-process runs, like numpy above

    # A real model file whose head calls every pixel the network looks at a change: the moved
    # card is a real change, nothing broken. Strict fails it; layout passes it and says so.
    monkeypatch.setenv("LAYOUTCHECK_MODEL", str(change_everywhere_model(pytester.path / "change.safetensors")))
    _suite(pytester, LEVEL_SUITE)
    unet = ("--layoutcheck-method=unet", "--layoutcheck-device=cpu")
    pytester.runpytest(*unet, "--layoutcheck-update").assert_outcomes(passed=1)
    monkeypatch.setenv("CARD_SHIFT", "6")

    result = pytester.runpytest(*unet)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'card' differs from its baseline: 1 region(s), * pixel(s) differ "
        "[[]unet judge, level strict, threshold 0.5]",
        "  1. * at (*)  change  score 1.00",
        "*layoutcheck: 1 screenshot(s): 1 fail",
    ])
    _no_internals(result.stdout.str())

    result = pytester.runpytest(*unet, "--layoutcheck-level=layout", "--junitxml=junit.xml")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*layoutcheck: 1 screenshot(s): 1 pass; 1 change(s), not failing",
        "  test_suite.py::test_card::card: pass, 1 change(s), not failing: * at (*)  change  score 1.00",
        "layoutcheck: report: layoutcheck-report/index.html",
    ])
    (pair,) = _result(pytester)["pairs"]
    assert pair["verdict"] == "pass" and pair["regions"] == [] and len(pair["changes"]) == 1
    assert _result(pytester)["level"] == pair["level"] == "layout"  # what this pass means
    assert '<property name="layoutcheck_changes" value="1"' in (pytester.path / "junit.xml").read_text()

    # The ini key sets the run's level, a flag overrides it, and a check's own level wins over both.
    pytester.makeini("[pytest]\nlayoutcheck_level = layout\n")
    pytester.runpytest(*unet).assert_outcomes(passed=1)
    pytester.runpytest(*unet, "--layoutcheck-level=strict").assert_outcomes(failed=1)
    monkeypatch.setenv("CARD_LEVEL", "strict")
    pytester.runpytest(*unet).assert_outcomes(failed=1)
    # The report records the run's level and this check's own, and says where they differ.
    run = _result(pytester)
    assert (run["level"], run["pairs"][0]["level"]) == ("layout", "strict")
    index = (pytester.path / "layoutcheck-report" / "index.html").read_text()
    assert 'id="meta-level" data-level="layout"' in index
    assert '<span class="level-note" data-level="strict"' in index
    monkeypatch.setenv("CARD_LEVEL", "layout")
    pytester.runpytest(*unet, "--layoutcheck-level=strict").assert_outcomes(passed=1)

    # Updating accepts a reported change: the baseline is refreshed, and strict then passes.
    result = pytester.runpytest(*unet, "--layoutcheck-update")
    result.stdout.fnmatch_lines(["*1 screenshot(s): 1 new; 1 baseline(s) written"])
    monkeypatch.delenv("CARD_LEVEL")
    pytester.runpytest(*unet, "--layoutcheck-level=strict").assert_outcomes(passed=1)


def test_a_level_with_the_pixel_method_is_ignored_with_a_warning(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As `layoutcheck compare --method pixel --level layout`: the pixel judge has no levels.
    _suite(pytester, LEVEL_SUITE)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=1)
    monkeypatch.setenv("CARD_SHIFT", "6")
    result = pytester.runpytest("--layoutcheck-method=pixel", "--layoutcheck-level=layout")
    result.assert_outcomes(failed=1, warnings=1)
    result.stdout.fnmatch_lines([
        "*PytestConfigWarning: layoutcheck: level 'layout' (--layoutcheck-level) is ignored with the pixel "
        "method, which fails on any difference; levels are the unet judge's (--layoutcheck-method unet)",
    ])
    monkeypatch.setenv("CARD_LEVEL", "layout")
    result = pytester.runpytest("--layoutcheck-method=pixel")
    result.assert_outcomes(failed=1, warnings=1)
    run = _result(pytester)
    assert run["level"] is None and run["pairs"][0]["level"] is None  # the pixel judge has no levels
    result.stdout.fnmatch_lines([
        "*/test_suite.py:*: UserWarning: layoutcheck: level 'layout' (this check's level=) is ignored with the pixel*",
    ])
    monkeypatch.setenv("CARD_LEVEL", "loose")
    result = pytester.runpytest("--layoutcheck-method=pixel")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["layoutcheck: 'card': level must be one of strict, layout, got 'loose'"])
    _no_internals(result.stdout.str())


# -- names, inputs ---------------------------------------------------------------------------


def test_names_are_unique_per_test_and_param_ids_are_safe_paths(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_names="""
        import numpy as np
        import pytest

        IMG = np.full((20, 30, 3), 200, np.uint8)

        @pytest.mark.parametrize("url", ["/a/b", "/a_b", "../up"])
        def test_param(layoutcheck, url):
            layoutcheck.check_image(IMG, "shot")

        def test_twice(layoutcheck):
            layoutcheck.check_image(IMG, "shot")
            layoutcheck.check_image(IMG, "shot")

        def test_bad_name(layoutcheck):
            layoutcheck.check_image(IMG, "../escape")

        class TestGroup:
            def test_method(self, layoutcheck):
                layoutcheck.check_image(IMG, "shot.png")
    """)
    result = pytester.runpytest("--layoutcheck-missing=create")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'shot': this test already checked a screenshot named 'shot'; give each check*its own name",
        "layoutcheck: '../escape': a screenshot name is 1-120 letters*",
    ])
    shots = sorted(p.relative_to(pytester.path / "layoutcheck-baseline").as_posix()
                   for p in (pytester.path / "layoutcheck-baseline").rglob("*.png"))
    # Three distinct folders for three ids, even where cleaning made two of them look alike.
    param = [s for s in shots if "test_param" in s]
    assert len(param) == 3 and len({s.rsplit("/", 1)[0] for s in param}) == 3
    assert all(".." not in s.split("/") for s in shots)  # "../up" became one folder name
    assert "test_names/TestGroup/test_method/shot.png" in shots
    assert "test_names/test_twice/shot.png" in shots


def test_check_image_takes_paths_pillow_arrays_and_bytes(pytester: pytest.Pytester) -> None:
    write_png(pytester.path / "img.png", page_like(64, 48))
    (pytester.path / "notes.txt").write_text("not an image")
    pytester.makepyfile(test_inputs="""
        from pathlib import Path

        import numpy as np
        from PIL import Image

        HERE = Path(__file__).parent

        def test_kinds(layoutcheck):
            layoutcheck.check_image(HERE / "img.png", "path")
            layoutcheck.check_image(str(HERE / "img.png"), "str")
            layoutcheck.check_image(Image.open(HERE / "img.png"), "pillow")
            layoutcheck.check_image(np.asarray(Image.open(HERE / "img.png")), "array")
            layoutcheck.check_image((HERE / "img.png").read_bytes(), "bytes")

        def test_not_an_image(layoutcheck):
            layoutcheck.check_image(HERE / "notes.txt", "notes")

        def test_wrong_type(layoutcheck):
            layoutcheck.check_image(42, "number")
    """)
    result = pytester.runpytest("--layoutcheck-missing=create")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'notes': */notes.txt: not an image (expected PNG, JPEG or WebP)",
        "layoutcheck: 'number': check_image() takes a path, a Pillow image, a uint8 array or PNG bytes, got int",
    ])
    first = (pytester.path / "layoutcheck-baseline/test_inputs/test_kinds/path.png").read_bytes()
    assert (pytester.path / "layoutcheck-baseline/test_inputs/test_kinds/bytes.png").read_bytes() == first


# -- bad input and faults: only the test concerned fails ----------------------------------------


def test_corrupt_wrong_size_and_non_image_baselines_fail_only_their_test(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    card = pytester.path / BASE / "test_card/card.png"
    card.write_bytes(card.read_bytes()[:60])  # truncated
    write_png(pytester.path / BASE / "test_sizes[small]/card.png", page_like(120, 70))  # another size
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        f"layoutcheck: 'card': the baseline cannot be used: {BASE}/test_card/card.png: corrupt or truncated image*",
        "  replace it: pytest --layoutcheck-update 'test_suite.py::test_card'",
        "layoutcheck: 'card' differs from its baseline: * region(s)*; size 120x70 -> 120x90",
        "  2. 120x20 at (0, 63)  shift  score 1.00",  # the rows the taller page inserted (unet aligns rows)
    ])
    _no_internals(result.stdout.str())
    # The report carries on: the pairs that could be compared are in it, the other one as an error.
    assert _verdicts(pytester) == {"test_suite.py::test_card::card": "error",
                                   "test_suite.py::test_sizes[small]::card": "fail",
                                   "test_suite.py::test_sizes[large]::card": "pass"}
    result.stdout.fnmatch_lines(["layoutcheck: 3 screenshot(s): 1 pass, 1 fail, 1 error"])
    (error,) = [p["error"] for p in _result(pytester)["pairs"] if p["verdict"] == "error"]
    assert error.startswith(f"the baseline cannot be used: {BASE}/test_card/card.png: corrupt or truncated")
    (pytester.path / BASE / "test_sizes[large]/card.png").write_text("hello")  # not an image at all
    result = pytester.runpytest("-k", "large")
    result.stdout.fnmatch_lines(["layoutcheck: 'card': the baseline cannot be used: *: not an image*"])
    # --layoutcheck-update replaces broken baselines.
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    pytester.runpytest().assert_outcomes(passed=3)


def test_missing_model_fails_each_check_but_update_still_writes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAYOUTCHECK_MODEL", str(pytester.path / "missing.safetensors"))
    _suite(pytester)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    result = pytester.runpytest("--layoutcheck-method=unet")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["layoutcheck: 'card': the unet method needs a trained model*--layoutcheck-method pixel"])
    pytester.runpytest("--layoutcheck-method=unet", "--layoutcheck-update").assert_outcomes(passed=3)


def test_missing_browser_fails_only_the_tests_that_need_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _suite(pytester)
    pytester.makepyfile(test_web="""
        def test_page(layoutcheck, layoutcheck_page):
            layoutcheck.check(layoutcheck_page, "page")
    """)
    monkeypatch.setenv("LAYOUTCHECK_CHROMIUM", "/nonexistent/chrome")
    result = pytester.runpytest_subprocess("--layoutcheck-missing=create")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["layoutcheck: LAYOUTCHECK_CHROMIUM='/nonexistent/chrome' is not a file; *"])
    assert len(_result(pytester)["pairs"]) == 3


# -- JUnit XML and xdist ---------------------------------------------------------------------


def test_junitxml_carries_per_test_properties(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    _suite(pytester)
    pytester.runpytest("--layoutcheck-update").assert_outcomes(passed=3)
    monkeypatch.setenv("CARD_SHIFT", "6")
    pytester.runpytest("--junitxml=junit.xml")
    xml = (pytester.path / "junit.xml").read_text()
    case = re.search(r'<testcase [^>]*name="test_card".*?</testcase>', xml, re.S).group(0)
    assert '<property name="layoutcheck_name" value="test_suite.py::test_card::card"' in case
    assert '<property name="layoutcheck_verdict" value="fail"' in case
    assert re.search(r'<property name="layoutcheck_regions" value="[1-9]\d*"', case)
    assert re.search(r'<property name="layoutcheck_report" value="layoutcheck-report/index.html#pair-[^"]+"', case)


def test_xdist_workers_merge_into_one_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many="""
        import numpy as np
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_shot(layoutcheck, n):
            img = np.full((40, 60, 3), 255, np.uint8)
            img[5:15, 5 + n:25 + n] = (0, 90, 200)
            layoutcheck.check_image(img, "tile")
            layoutcheck.check_image(img[::-1], "flipped")
    """)
    result = pytester.runpytest_subprocess("-n", "2", "--layoutcheck-update")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines([
        "*layoutcheck: 16 screenshot(s): 16 new; 16 baseline(s) written",
        "layoutcheck: report: layoutcheck-report/index.html",
    ])
    report = pytester.path / "layoutcheck-report"
    data = _result(pytester)
    assert data["counts"]["new"] == 16 and len({p["name"] for p in data["pairs"]}) == 16
    assert len(list((pytester.path / "layoutcheck-baseline").rglob("*.png"))) == 16
    workers = {p.name.split("-")[0] for p in (report / "pairs").iterdir()}
    assert workers == {"gw0", "gw1"}  # each worker wrote its own folders
    images = [p["images"]["candidate"] for p in data["pairs"]]
    assert len(set(images)) == 16 and all((report / i).is_file() for i in images)
    # Nothing left over: no worker files, no staging folders.
    assert not (report / ".workers").exists()
    assert not [p for p in pytester.path.iterdir() if p.name.startswith(".layoutcheck-report")]


# -- a real Chromium page ----------------------------------------------------------------------

PAGE = """<!doctype html><html><head><style>
body { margin: 0; font: 16px "DejaVu Sans", sans-serif; }
#card { margin: 20px; width: 200px; height: 80px; background: #36c; }
.clock { width: 80px; height: 20px; background: #c33; }
</style></head><body><h1 id="title">Hello</h1><div id="card"></div><div class="clock">now</div></body></html>"""

WEB_SUITE = """
from pathlib import Path

PAGE = (Path(__file__).parent / "page.html").as_uri()


def test_home(layoutcheck, layoutcheck_page):
    layoutcheck_page.goto(PAGE)
    layoutcheck.check(layoutcheck_page, "home", mask=[".clock"])


def test_card_only(layoutcheck, layoutcheck_page):
    layoutcheck_page.goto(PAGE)
    layoutcheck.check(layoutcheck_page, "card", selector="#card")


def test_times_out(layoutcheck, layoutcheck_page):
    layoutcheck_page.goto(PAGE)
    layoutcheck.check(layoutcheck_page, "nothing", selector="#missing", timeout_ms=300)


def test_closed_page(layoutcheck, layoutcheck_page):
    layoutcheck_page.close()
    layoutcheck.check(layoutcheck_page, "closed")
"""


@pytest.mark.browser
def test_real_chromium_page_from_the_plugin_fixtures(pytester: pytest.Pytester) -> None:
    (pytester.path / "page.html").write_text(PAGE)
    pytester.makepyfile(test_web=WEB_SUITE)
    result = pytester.runpytest_subprocess("--layoutcheck-missing=create")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'nothing': file://*/page.html: the screenshot timed out (*Timeout 300ms exceeded*",
        "layoutcheck: 'closed': *: the page failed during the screenshot (*closed*",
    ])
    _no_internals(result.stdout.str())
    base = pytester.path / "layoutcheck-baseline/test_web"
    sidecar = json.loads((base / "test_home/home.json").read_text())
    assert "#card" in {e["selector"] for e in sidecar["elements"]}
    assert sidecar["viewport"] == [1280, 720]

    # The next release widens the card: the failure names the element under the region.
    (pytester.path / "page.html").write_text(PAGE.replace("width: 200px", "width: 260px"))
    result = pytester.runpytest_subprocess("-k", "home or card_only")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "layoutcheck: 'home' differs from its baseline: 1 region(s), * pixel(s) differ ?unet judge, level strict, *",
        "  1. * at (*)  *  score *  on #card",
        "layoutcheck: 'card' differs from its baseline: 1 region(s)*; size 200x* -> 260x*",
    ])
    assert _verdicts(pytester) == {"test_web.py::test_home::home": "fail", "test_web.py::test_card_only::card": "fail"}


@pytest.mark.browser
def test_works_with_pytest_playwrights_page_fixture(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_playwright", reason="pytest-playwright is not installed")
    from layoutcheck.browser import find_chromium

    executable = find_chromium()  # None: Playwright's own Chromium, which pytest-playwright finds itself
    pytester.makeconftest(f"""
        import pytest

        @pytest.fixture(scope="session")
        def browser_type_launch_args(browser_type_launch_args):
            executable = {executable!r}
            return {{**browser_type_launch_args, **({{"executable_path": executable}} if executable else {{}})}}
    """)
    (pytester.path / "page.html").write_text(PAGE)
    pytester.makepyfile(test_pw="""
        from pathlib import Path

        def test_home(layoutcheck, page):
            page.goto((Path(__file__).parent / "page.html").as_uri())
            layoutcheck.check(page, "home", mask=[".clock"])
    """)
    pytester.runpytest_subprocess("--layoutcheck-missing=create").assert_outcomes(passed=1)
    # pytest-playwright parametrises by browser, so each browser has its own baseline.
    assert (pytester.path / "layoutcheck-baseline/test_pw/test_home[chromium]/home.png").is_file()
    (pytester.path / "page.html").write_text(PAGE.replace("width: 200px", "width: 230px"))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  1. 30x80 at (220, *)  diff  score *  on #card"])
