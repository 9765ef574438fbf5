"""The layoutcheck pytest plugin: screenshot assertions with one HTML report per run.

Registered through the ``pytest11`` entry point (name ``layoutcheck``; disable with
``-p no:layoutcheck``). This module holds only options, hooks and fixtures, and imports the
heavy machinery (numpy, Pillow, Playwright, the judges) inside the code that needs it, so a suite
that never asks for the fixtures pays almost nothing, and torch is never imported here.

Fixtures:
    ``layoutcheck``: ``layoutcheck.check(page, "name", ...)`` and
    ``layoutcheck.check_image(image, "name")`` (see :class:`LayoutCheck`).
    ``layoutcheck_browser`` (session) and ``layoutcheck_page``: a headless Chromium and a fresh
    page in a stable context, for suites without pytest-playwright (with it, pass its ``page``).
    ``layoutcheck_context_args`` (session): the browser-context arguments; override to change
    the viewport, scale factor or locale.

Under pytest-xdist every worker records its own results and the controller merges them into one
report when the run ends (see :mod:`layoutcheck.pytest_plugin._results`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from layoutcheck.pytest_plugin._settings import (
    MAIN_WORKER,
    WORKERINPUT_KEY,
    Settings,
    add_options,
    settings_from_config,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from layoutcheck.pytest_plugin._check import LayoutCheck
    from layoutcheck.pytest_plugin._results import Recorder, Summary

__all__ = ["LayoutCheck"]

_SETTINGS: pytest.StashKey[Settings] = pytest.StashKey()
_RECORDER: pytest.StashKey[Recorder] = pytest.StashKey()  # made on the first check, not before
_SUMMARY: pytest.StashKey[Summary | None] = pytest.StashKey()

#: The stable context ``layoutcheck capture`` uses too: fixed locale, time zone and colours.
DEFAULT_CONTEXT_ARGS: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 720},
    "device_scale_factor": 1,
    "reduced_motion": "reduce",
    "color_scheme": "light",
    "locale": "en-US",
    "timezone_id": "UTC",
}


def __getattr__(name: str) -> Any:
    # ``from layoutcheck.pytest_plugin import LayoutCheck`` for type hints, without importing the
    # checker (and numpy) when the plugin loads.
    if name == "LayoutCheck":
        from layoutcheck.pytest_plugin._check import LayoutCheck

        return LayoutCheck
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- hooks -----------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and WORKERINPUT_KEY in workerinput:
        settings = Settings.from_workerinput(workerinput[WORKERINPUT_KEY], workerinput["workerid"])
    else:
        settings = settings_from_config(config)
    config.stash[_SETTINGS] = settings


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: hand the resolved settings (and the shared stage) to each worker."""
    settings = node.config.stash.get(_SETTINGS, None)
    if settings is not None:
        node.workerinput[WORKERINPUT_KEY] = settings.to_workerinput()


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash.get(_SETTINGS, None)
    if settings is None or settings.worker != MAIN_WORKER:
        return  # workers only record; the controller merges after every worker has finished
    if not settings.stage.exists():
        return  # no test checked a screenshot: leave any older report alone
    from layoutcheck.pytest_plugin._results import merge

    config.stash[_SUMMARY] = merge(settings)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    summary = config.stash.get(_SUMMARY, None)
    if summary is None:
        return
    terminalreporter.write_sep("-", "layoutcheck")
    for line in summary.lines():
        terminalreporter.write_line(line)
    if summary.index is not None:
        terminalreporter.write_line(f"layoutcheck: report: {_relative(summary.index, config)}")
    else:
        terminalreporter.write_line(f"layoutcheck: {summary.problem}", red=True)


def _relative(path: Path, config: pytest.Config) -> Path:
    try:
        return path.relative_to(config.invocation_params.dir)
    except ValueError:
        return path


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def layoutcheck(request: pytest.FixtureRequest) -> LayoutCheck:
    """Screenshot assertions: ``layoutcheck.check(page, "name")``, ``layoutcheck.check_image(img, "name")``."""
    from layoutcheck.pytest_plugin._check import LayoutCheck
    from layoutcheck.pytest_plugin._results import Recorder

    config = request.config
    if _RECORDER not in config.stash:
        config.stash[_RECORDER] = Recorder(config.stash[_SETTINGS])
    return LayoutCheck(request.node, config.stash[_RECORDER])


@pytest.fixture(scope="session")
def layoutcheck_context_args() -> dict[str, Any]:
    """Arguments of ``browser.new_context()`` for ``layoutcheck_page``; override to change them."""
    return dict(DEFAULT_CONTEXT_ARGS)


@pytest.fixture(scope="session")
def layoutcheck_browser() -> Iterator[Browser]:
    """A headless Chromium for the session (found as ``layoutcheck capture`` finds it)."""
    from playwright.sync_api import sync_playwright

    from layoutcheck.browser import launch_chromium
    from layoutcheck.errors import LayoutcheckError

    with sync_playwright() as pw:
        try:
            browser = launch_chromium(pw)
        except LayoutcheckError as exc:
            pytest.fail(f"layoutcheck: {exc}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def layoutcheck_page(layoutcheck_browser: Browser, layoutcheck_context_args: dict[str, Any]) -> Iterator[Page]:
    """A fresh page in its own stable browser context, closed after the test."""
    context = layoutcheck_browser.new_context(**layoutcheck_context_args)
    try:
        yield context.new_page()
    finally:
        context.close()
