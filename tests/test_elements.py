"""The one selector-path function both page scripts get (capture's sidecars, synth's labels)."""

from __future__ import annotations

from importlib import resources

import pytest

from layoutcheck.elements import SELECTOR_PATH_MARK, with_selector_path

SCRIPTS = [("layoutcheck", "js/element_boxes.js"), ("layoutcheck.synth", "js/mutations.js")]


@pytest.mark.parametrize(("package", "name"), SCRIPTS)
def test_each_page_script_gets_the_shared_function(package: str, name: str) -> None:
    script = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    assert script.count(SELECTOR_PATH_MARK) == 1
    ready = with_selector_path(script)
    assert SELECTOR_PATH_MARK not in ready
    assert ready.count("nth-of-type(${index})") == 1 and "const pathOf = (el) =>" in ready


def test_a_script_without_the_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="selector_path"):
        with_selector_path("() => 1")
