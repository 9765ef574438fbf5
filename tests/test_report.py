"""The HTML report, without a browser: content, escaping, offline-ness, re-rendering."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from layoutcheck.errors import InputError
from layoutcheck.report import (
    INDEX_NAME,
    LEVEL_MEANS,
    RESULT_NAME,
    check_replaceable,
    render_html,
    rerender,
    write_report,
)
from layoutcheck.results import PairImages, PairResult, Region, RunResult, Verdict

EVIL = "<script>alert(1)</script>"
#: A real change the judge reported without failing it (the U-Net at --level layout).
CHANGE = Region(x=8, y=24, w=32, h=12, score=0.83, kind="change", element="#hero > h1")


def _png(path: Path, size: tuple[int, int], color: tuple[int, ...], mode: str = "RGB") -> str:
    """Write a flat PNG; return its path relative to the report folder (``img/<name>``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)
    return f"img/{path.name}"


def make_run(out: Path) -> RunResult:
    """A run with every verdict, images written into ``out/img`` as ``compare`` would."""
    img = out / "img"

    def images(stem: str, ref: bool = True, cand: bool = True, diff: bool = False) -> PairImages:
        return PairImages(
            reference=_png(img / f"{stem}.ref.png", (64, 48), (240, 240, 240)) if ref else None,
            candidate=_png(img / f"{stem}.cand.png", (64, 48), (230, 240, 250)) if cand else None,
            diff=_png(img / f"{stem}.diff.png", (64, 48), (255, 0, 0, 160), "RGBA") if diff else None,
        )

    regions = (
        Region(x=4, y=2, w=20, h=10, score=0.91, kind="diff", element="#main > .card:nth-child(2)"),
        Region(x=30, y=30, w=16, h=12, score=0.4, kind="size"),
    )
    return RunResult(
        pairs=(
            PairResult("home@desktop", Verdict.PASS, changes=(CHANGE,), reference_size=(64, 48),
                       candidate_size=(64, 48), images=images("home")),
            PairResult("checkout@mobile", Verdict.FAIL, regions=regions, reference_size=(64, 48),
                       candidate_size=(64, 48), diff_pixels=12345, images=images("checkout", diff=True)),
            PairResult(EVIL, Verdict.FAIL, regions=(Region(1, 1, 5, 5, 0.5, "diff", element=EVIL),),
                       reference_size=(64, 48), candidate_size=(64, 48), diff_pixels=25,
                       images=images("evil", diff=True)),
            PairResult("signup@desktop", Verdict.NEW, candidate_size=(64, 48), images=images("signup", ref=False)),
            PairResult("legacy@desktop", Verdict.DELETED, reference_size=(64, 48),
                       images=images("legacy", cand=False)),
        ),
        method="pixel",
        threshold=0.1,
        created="2024-05-01T12:00:00+00:00",
    )


@pytest.fixture()
def report(tmp_path: Path) -> tuple[RunResult, Path, str]:
    run = make_run(tmp_path)
    index = write_report(run, tmp_path)
    return run, index, index.read_text(encoding="utf-8")


def test_write_report_writes_json_and_index(report: tuple[RunResult, Path, str], tmp_path: Path) -> None:
    run, index, html = report
    assert index == tmp_path / INDEX_NAME
    assert RunResult.from_dict(json.loads((tmp_path / RESULT_NAME).read_text())) == run
    assert html.startswith("<!doctype html>")


def test_header_shows_verdict_counts_and_run_facts(report: tuple[RunResult, Path, str]) -> None:
    _, _, html = report
    assert re.search(r'id="overall-verdict" data-verdict="fail">Failed<', html)
    assert '<li class="count" data-verdict="fail"><b>2</b> failed</li>' in html
    assert '<li class="count" data-verdict="new"><b>1</b> new</li>' in html
    assert '<li class="count" data-verdict="deleted"><b>1</b> deleted</li>' in html
    assert '<li class="count" data-verdict="pass"><b>1</b> passed</li>' in html
    assert '<dd id="meta-method">pixel</dd>' in html
    assert '<dd id="meta-threshold">0.1</dd>' in html
    assert "2024-05-01 12:00:00+00:00" in html


def test_passing_run_says_passed_and_defaults_to_all(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    passing = RunResult(pairs=tuple(p for p in run.pairs if p.verdict is not Verdict.FAIL))
    html = render_html(passing.to_dict())
    assert 'data-verdict="pass">Passed<' in html
    assert _config(html)["defaultFilter"] == "all"


def test_default_filter_is_failed_when_something_failed(report: tuple[RunResult, Path, str]) -> None:
    assert _config(report[2])["defaultFilter"] == "failed"


def test_sections_are_ordered_failed_new_deleted_passed_then_by_name(report: tuple[RunResult, Path, str]) -> None:
    _, _, html = report
    verdicts = re.findall(r'<section class="card pair" id="[^"]+" data-pair="[^"]*" data-verdict="(\w+)"', html)
    assert verdicts == ["fail", "fail", "new", "deleted", "pass"]
    names = re.findall(r'<section class="card pair" id="[^"]+" data-pair="([^"]*)"', html)
    assert names[:2] == ["&lt;script&gt;alert(1)&lt;/script&gt;", "checkout@mobile"]  # "<" sorts before "c"


def test_summary_rows_link_to_sections(report: tuple[RunResult, Path, str]) -> None:
    _, _, html = report
    ids = set(re.findall(r'<section class="card pair" id="([^"]+)"', html))
    links = set(re.findall(r'<td class="name"><a href="#([^"]+)">', html))
    assert len(ids) == 5
    assert links == ids


def test_pair_name_is_escaped_everywhere(report: tuple[RunResult, Path, str]) -> None:
    _, _, html = report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "alert(1)</script>" not in html
    # The only <script> tags are the report's own two: the JSON config and the inline JS.
    assert re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE) == [
        '<script type="application/json" id="report-config">',
        "<script>",
    ]
    assert html.lower().count("</script") == 2


def test_json_config_is_safe_and_parses(report: tuple[RunResult, Path, str]) -> None:
    _, _, html = report
    blob = re.search(r'<script type="application/json" id="report-config">(.*?)</script>', html, re.S)
    assert blob is not None
    assert "<" not in blob.group(1) and ">" not in blob.group(1)
    assert _config(html)["filters"]["failed"] == "fail"


def test_empty_run_renders() -> None:
    html = render_html(RunResult(pairs=()).to_dict())
    assert "This run compared no pairs." in html


def test_regions_are_boxed_and_listed(report: tuple[RunResult, Path, str]) -> None:
    _, _, html = report
    section = _section(html, "checkout@mobile")
    # 64x48 image: region (4, 2, 20, 10) -> 6.25 %, 4.167 %, 31.25 %, 20.83 %.
    assert 'style="left:6.25%;top:4.167%;width:31.25%;height:20.83%"' in section
    assert "1 &middot; diff &middot; 0.91" in section
    assert "2 &middot; size &middot; 0.40" in section
    assert "<code>#main &gt; .card:nth-child(2)</code>" in section
    assert section.count('<tr data-region="') == 2


class _Tags(HTMLParser):
    """Start tags with their attributes, and the text inside each element with a given class (or ``#id``)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.open: list[tuple[str, set[str]]] = []  # (tag, classes) of the open elements
        self.text: dict[str, str] = {}  # class -> text of the elements with it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in ("img", "input", "br", "meta", "link"):
            keys = set(attributes.get("class", "").split())
            if attributes.get("id"):
                keys.add("#" + attributes["id"])
            self.open.append((tag, keys))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for _, classes in self.open:
            for c in classes:
                self.text[c] = self.text.get(c, "") + data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Attributes of the ``tag`` elements whose attributes include ``attrs`` (``class_`` for class)."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}

        def matches(found: dict[str, str]) -> bool:
            classes = set(found.get("class", "").split())
            return all(set(v.split()) <= classes if k == "class" else found.get(k) == v for k, v in want.items())

        return [a for t, a in self.tags if t == tag and matches(a)]


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_changes_are_listed_muted_and_boxed_in_blue() -> None:
    defect = Region(x=40, y=30, w=16, h=10, score=0.9, kind="overflow", element="#cart")
    second = Region(x=2, y=2, w=6, h=4, score=0.61, kind="change")
    pair = PairResult("cart@desktop", Verdict.FAIL, regions=(defect,), changes=(CHANGE, second),
                      reference_size=(64, 48), candidate_size=(64, 48), diff_pixels=160,
                      images=PairImages("r.png", "c.png", "d.png"))  # not checked: no base folder given
    section = _parse(_section(render_html(RunResult(pairs=(pair,)).to_dict()), "cart@desktop"))

    # The failing regions' list, then the changes' list, muted, numbered c1, c2.
    lists = section.find("details", class_="region-list")
    assert [d["class"] for d in lists] == ["region-list", "region-list changes"]
    assert "Changed, not failing (2)" in section.text["changes"]
    rows = [a["data-region"] for a in section.find("tr") if "data-region" in a]
    assert rows == ["1", "c1", "c2"]
    assert "#hero > h1" in section.text["changes"] and "#cart" not in section.text["changes"]
    # Boxes: the changes drawn (first, under the failure) in their own style, labelled c1, c2.
    boxes = section.find("div", class_="box")  # on the overlay, then on the side-by-side candidate
    drawn = [(b["data-region"], "change" in b["class"].split()) for b in boxes]
    assert drawn == [("c1", True), ("c2", True), ("1", False)] * 2
    assert boxes[0]["style"] == "left:12.5%;top:50%;width:50%;height:25%"  # (8, 24, 32, 12) of 64x48
    assert section.text["changes-note"].split() == ["\u00b7", "2", "changes"]  # beside the FAIL badge
    assert "changed, not failing" in section.text["changes-fact"]


def test_header_shows_the_unet_level_and_pairs_say_where_theirs_differs() -> None:
    pairs = (
        PairResult("home@desktop", Verdict.PASS, changes=(CHANGE,), method="unet", level="layout"),
        PairResult("cart@desktop", Verdict.PASS, method="unet", level="strict"),  # a check's own level=
    )
    page = _parse(render_html(RunResult(pairs=pairs, method="unet", threshold=0.93, level="layout").to_dict()))
    assert page.text["#meta-method"] == "unet" and page.text["#meta-threshold"] == "0.93"
    assert page.text["#meta-level"] == "layout"
    (dd,) = page.find("dd", id="meta-level")
    assert dd["title"] == LEVEL_MEANS["layout"]  # what a pass means at this level
    # Only the pair judged at another level is marked, in the summary table and in its section.
    notes = page.find("span", class_="level-note")
    assert [n["data-level"] for n in notes] == ["strict", "strict"]
    assert page.text["level-note"] == "\u00b7 level strict" * 2
    # Each section's facts name the pair's level beside its method.
    assert [a["data-level"] for a in page.find("span", class_="level")] == ["strict", "layout"]  # by name


def test_pixel_runs_show_no_level(report: tuple[RunResult, Path, str]) -> None:
    page = _parse(report[2])
    assert page.text["#meta-method"] == "pixel"
    assert page.find("dd", id="meta-level") == [] and "level-note" not in page.text
    assert page.find("span", class_="level") == []


def test_a_passing_pair_with_changes_says_so_in_the_summary(report: tuple[RunResult, Path, str]) -> None:
    page = _parse(report[2])
    (row,) = page.find("tr", data_anchor=page.find("section", data_pair="home@desktop")[0]["id"])
    assert row["data-verdict"] == "pass"
    summary = _parse(report[2].split('<table class="pairs">', 1)[1].split("</table>", 1)[0])
    assert summary.text["changes-note"].split() == ["\u00b7", "1", "change"]
    home = _parse(_section(report[2], "home@desktop"))
    assert len(home.find("div", class_="box change", data_region="c1")) == 2
    assert [d["class"] for d in home.find("details", class_="region-list")] == ["region-list changes"]


def test_views_and_slider_exist_for_failed_pair(report: tuple[RunResult, Path, str]) -> None:
    section = _section(report[2], "checkout@mobile")
    for view in ("overlay", "swipe", "onion", "side"):
        assert f'data-view-panel="{view}"' in section
    assert 'data-role="opacity"' in section
    assert 'data-role="overlay"' in section
    assert 'src="img/checkout.diff.png"' in section


def test_new_and_deleted_pairs_show_only_their_image(report: tuple[RunResult, Path, str]) -> None:
    new = _section(report[2], "signup@desktop")
    assert 'src="img/signup.cand.png"' in new and ".ref.png" not in new and "data-view-panel" not in new
    deleted = _section(report[2], "legacy@desktop")
    assert 'src="img/legacy.ref.png"' in deleted and ".cand.png" not in deleted


def test_missing_images_make_no_img_tags(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    (tmp_path / "img" / "checkout.diff.png").unlink()  # on disk: gone
    pair = PairResult("ghost", Verdict.FAIL, reference_size=(8, 8), candidate_size=(8, 8))  # never written
    html = write_report(RunResult(pairs=(*run.pairs, pair)), tmp_path).read_text()
    assert "checkout.diff.png" not in html
    assert "No diff image for this pair" in _section(html, "checkout@mobile")
    ghost = _section(html, "ghost")
    assert "<img" not in ghost
    assert "No reference image was written" in ghost
    assert 'src=""' not in html and 'src="None"' not in html


def test_rerender_reproduces_the_same_html(report: tuple[RunResult, Path, str], tmp_path: Path) -> None:
    _, index, html = report
    index.unlink()
    assert rerender(tmp_path) == index
    assert index.read_text(encoding="utf-8") == html


def test_rerender_without_result_json_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no result.json"):
        rerender(tmp_path)
    (tmp_path / RESULT_NAME).write_text("{not json")
    with pytest.raises(InputError, match="cannot read"):
        rerender(tmp_path)


def test_bad_or_newer_data_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a run result"):
        render_html({"pairs": [{"verdict": "pass"}]})
    with pytest.raises(InputError, match="newer"):
        render_html({"schema": 99, "pairs": []})


def test_report_is_offline(report: tuple[RunResult, Path, str]) -> None:
    html = report[2]
    assert "http://" not in html and "https://" not in html
    assert "<link rel=\"stylesheet\"" not in html and "<script src" not in html
    assert "<style>" in html  # CSS inlined


def test_image_paths_are_url_quoted(tmp_path: Path) -> None:
    src = _png(tmp_path / "img" / "a b#1.png", (4, 4), (0, 0, 0))
    pair = PairResult("q", Verdict.NEW, candidate_size=(4, 4), images=PairImages(candidate=src))
    html = write_report(RunResult(pairs=(pair,)), tmp_path).read_text()
    assert 'src="img/a%20b%231.png"' in html


def test_report_does_not_import_torch_or_numpy() -> None:
    code = "import sys, layoutcheck.report; print(sorted({'torch', 'numpy'} & set(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


def _config(html: str) -> dict[str, object]:
    blob = re.search(r'<script type="application/json" id="report-config">(.*?)</script>', html, re.S)
    assert blob is not None
    data = json.loads(blob.group(1))
    assert isinstance(data, dict)
    return data


def _section(html: str, name: str) -> str:
    start = html.index(f'data-pair="{name}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_a_pair_that_could_not_be_judged_comes_first_with_its_reason(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    reason = f"{tmp_path}/cand/broken.png: not an image (expected PNG, JPEG or WebP) <b>"
    broken = PairResult("broken@desktop", Verdict.ERROR, reference_size=(64, 48), error=reason,
                        images=PairImages(reference=_png(tmp_path / "img" / "b.ref.png", (64, 48), (9, 9, 9))))
    html = write_report(RunResult(pairs=(*run.pairs, broken)), tmp_path).read_text()
    assert 'id="overall-verdict" data-verdict="fail">Failed<' in html
    assert '<li class="count" data-verdict="error"><b>1</b> not judged</li>' in html
    verdicts = re.findall(r'<section class="card pair" id="[^"]+" data-pair="[^"]*" data-verdict="(\w+)"', html)
    assert verdicts == ["error", "fail", "fail", "new", "deleted", "pass"]
    section = _section(html, "broken@desktop")
    assert "Not judged:" in section and "not an image (expected PNG, JPEG or WebP) &lt;b&gt;" in section
    assert 'src="img/b.ref.png"' in section and "Candidate (cannot be read)" in section
    config = _config(html)
    assert config["filters"]["errors"] == "error" and config["defaultFilter"] == "all"  # errors and failures
    alone = RunResult(pairs=(broken, *(p for p in run.pairs if p.verdict is Verdict.PASS)))
    assert _config(render_html(alone.to_dict()))["defaultFilter"] == "errors"
    # A run without errors has no errors filter and no count for them.
    plain = render_html(run.to_dict())
    assert "errors" not in _config(plain)["filters"] and '<li class="count" data-verdict="error"' not in plain


def test_check_replaceable_allows_only_a_new_empty_or_report_folder(tmp_path: Path) -> None:
    check_replaceable(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    check_replaceable(tmp_path / "empty")
    old = tmp_path / "old"
    (old / "pairs" / "0000").mkdir(parents=True)  # what compare and the plugin write: the images' folder,
    write_report(RunResult(pairs=()), old)  # index.html and result.json
    (old / ".DS_Store").write_bytes(b"")  # left by a file browser
    check_replaceable(old)

    src = tmp_path / "src"
    src.mkdir()
    for name in ("code.py", "a.py", "b.py", "c.py"):
        (src / name).write_text("keep me")
    holds = r"src: not a layoutcheck report folder \(it holds a\.py, b\.py, c\.py and 1 more\)"
    with pytest.raises(InputError, match=holds):
        check_replaceable(src)
    (old / "notes.txt").write_text("mine")  # a report someone added files to
    with pytest.raises(InputError, match=r"it holds notes\.txt"):
        check_replaceable(old)
    (tmp_path / "half" / "pairs").mkdir(parents=True)
    with pytest.raises(InputError, match=r"it holds no result\.json"):
        check_replaceable(tmp_path / "half")
    with pytest.raises(InputError, match="is a file"):
        check_replaceable(src / "code.py")
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    with pytest.raises(InputError, match="is a symbolic link"):
        check_replaceable(tmp_path / "link")
