from __future__ import annotations

from pathlib import Path

import pytest

from layoutcheck.config import load_config
from layoutcheck.errors import ConfigError

from .conftest import FIXTURES


def _write(tmp_path: Path, text: str, name: str = "layoutcheck.toml") -> Path:
    (tmp_path / "page.html").write_text("<h1>hi</h1>")
    path = tmp_path / name
    path.write_text(text)
    return path


def test_full_config(tmp_path: Path) -> None:
    (tmp_path / "extra.css").write_text("h1 { color: red }")
    cfg = load_config(_write(tmp_path, """
baseline_dir = "base"
css_files = ["extra.css"]
[[viewports]]
name = "desktop"
width = 1280
height = 800
[[viewports]]
name = "phone"
width = 375
height = 812
[[pages]]
name = "home"
url = "page.html"
mask = [".ad"]
hide = [".cookie"]
viewports = ["phone"]
actions = [{click = "#a"}, {fill = ["#q", "x"]}, {wait = 10}]
[[pages]]
name = "remote"
url = "https://example.test/"
full_page = false
"""))
    home, remote = cfg.pages
    assert home.url.startswith("file://") and home.url.endswith("/page.html")
    assert [v.name for v in cfg.viewports_for(home)] == ["phone"]
    assert [v.name for v in cfg.viewports_for(remote)] == ["desktop", "phone"]
    assert home.actions[1].kind == "fill" and home.actions[1].args == ("#q", "x")
    assert "color: red" in cfg.css
    assert cfg.baseline_dir == (tmp_path / "base").resolve()
    assert remote.full_page is False and home.full_page is True
    assert cfg.shot_name(home, cfg.viewports[1]) == "home@phone"


def test_pyproject_table(tmp_path: Path) -> None:
    path = _write(tmp_path, '[tool.layoutcheck]\npages = [{name = "a", url = "page.html"}]\n', "pyproject.toml")
    assert load_config(tmp_path).pages[0].name == "a"
    assert load_config(path).viewports[0].width == 1280


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("pages = [", "invalid TOML"),
        ("", "no pages"),
        ('pages = [{name = "a", url = "missing.html"}]', "does not exist"),
        ('pages = [{name = "a/b", url = "page.html"}]', "file name"),
        ('pages = [{name = "a", url = "page.html", colour = 1}]', "unknown key(s) colour"),
        ('pages = [{name = "a", url = "page.html", full_page = "yes"}]', "full_page must be true or false"),
        ('pages = [{name = "a", url = "page.html", actions = [{dance = "#x"}]}]', "unknown action"),
        ('pages = [{name = "a", url = "page.html", viewports = ["tv"]}]', "unknown viewport"),
        ('pages = [{name = "a", url = "page.html"}, {name = "a", url = "page.html"}]', "unique"),
    ],
)
def test_errors_name_file_and_problem(tmp_path: Path, text: str, needle: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert needle in str(err.value)


def test_missing_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="no layoutcheck.toml"):
        load_config(tmp_path)
    bad = tmp_path / "bin.toml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_demo_config_loads() -> None:
    cfg = load_config(FIXTURES / "demo" / "layoutcheck.toml")
    assert {p.name for p in cfg.pages} >= {"home", "pricing"}
