"""A comparison run as JUnit XML, the test-report format CI systems read and show.

GitLab's test reports, Jenkins' JUnit plugin and GitHub check annotations (through the usual
actions) all read it: each pair becomes a test case, so a CI page lists the broken screenshots
by name, with their regions and a link into the HTML report, beside the project's other tests.

A failing pair is a ``<failure>`` (its regions in the text), a pair that could not be judged an
``<error>``, a new or deleted pair ``<skipped>`` (a ``<failure>`` with ``fail_on_missing``, as
``compare --fail-on-missing`` fails them), and a pair that passed with real changes at the layout
level lists them in ``<system-out>``. XML is written with the standard library's ElementTree,
which escapes names, messages and selectors.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from layoutcheck.report import pair_anchor
from layoutcheck.results import PairResult, RunResult, Verdict

__all__ = ["to_junit"]

#: The test-case class name CI systems group the pairs under.
CLASSNAME = "layoutcheck"


def to_junit(run: RunResult, *, report_url: str | None = None, fail_on_missing: bool = False) -> bytes:
    """The run as a JUnit XML document (UTF-8, with its XML declaration).

    Args:
        run: the comparison run.
        report_url: the report's ``index.html`` as a link (a path or URL); each failing pair's
            text then ends with a link to its section.
        fail_on_missing: new and deleted pairs are failures, not skipped tests.
    """
    judged = run.method + (f" · {run.level}" if run.level else "")
    suite = ET.Element("testsuite", {"name": f"layoutcheck compare [{judged}]", "timestamp": run.created})
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for pair in run.pairs:
        case = ET.SubElement(suite, "testcase", {
            "classname": CLASSNAME, "name": pair.name, "time": f"{pair.duration_ms / 1000:.3f}",
        })
        link = f"\nreport: {report_url}#{pair_anchor(pair.name)}" if report_url else ""
        missing = pair.verdict in (Verdict.NEW, Verdict.DELETED)
        if pair.verdict is Verdict.FAIL:
            counts["failures"] += 1
            _child(case, "failure", _summary(pair), _regions_text(pair) + link, kind=pair.regions[0].kind)
        elif pair.verdict is Verdict.ERROR:
            counts["errors"] += 1
            _child(case, "error", pair.error or "not judged", (pair.error or "") + link, kind="unreadable image")
        elif missing and fail_on_missing:
            counts["failures"] += 1
            _child(case, "failure", _missing(pair), _missing(pair) + link, kind=pair.verdict.value)
        elif missing:
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", {"message": _missing(pair)})
        if pair.changes:
            out = ET.SubElement(case, "system-out")
            out.text = f"{len(pair.changes)} change(s), not failing:\n" + "\n".join(
                f"  c{i}. {r.describe()}" for i, r in enumerate(pair.changes, start=1)
            )
    suite.set("tests", str(len(run.pairs)))
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{sum(p.duration_ms for p in run.pairs) / 1000:.3f}")
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True) + b"\n"


def _child(case: ET.Element, tag: str, message: str, text: str, *, kind: str) -> None:
    element = ET.SubElement(case, tag, {"message": message, "type": kind})
    element.text = text


def _summary(pair: PairResult) -> str:
    first = pair.regions[0]
    more = f" (+{len(pair.regions) - 1} more)" if len(pair.regions) > 1 else ""
    return f"{len(pair.regions)} region(s), {pair.diff_pixels} px differ; {first.describe()}{more}"


def _regions_text(pair: PairResult) -> str:
    return "\n".join(f"{i}. {r.describe()}" for i, r in enumerate(pair.regions, start=1))


def _missing(pair: PairResult) -> str:
    if pair.verdict is Verdict.NEW:
        return f"new: no reference for {pair.candidate}"
    return f"deleted: no candidate for {pair.reference}"
