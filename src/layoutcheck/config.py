"""The capture configuration: ``layoutcheck.toml`` or ``[tool.layoutcheck]`` in ``pyproject.toml``.

Read once at the entry point into frozen dataclasses and passed down. Relative paths (local pages,
CSS files, baseline and output folders) are relative to the config file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layoutcheck.errors import ConfigError

_ACTIONS = ("click", "fill", "hover", "press", "wait", "check", "select", "scroll")
_LOAD_STATES = ("load", "domcontentloaded", "networkidle")


@dataclass(frozen=True)
class Viewport:
    """A browser window size; ``name`` appears in screenshot file names."""

    name: str
    width: int
    height: int
    device_scale_factor: float = 1.0


@dataclass(frozen=True)
class Action:
    """One user action run before the screenshot, e.g. ``{click = "#tab-2"}``."""

    kind: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class PageSpec:
    """One page to capture."""

    name: str
    url: str  # http(s)/file URL, already resolved
    selector: str | None = None
    wait_for: str | None = None  # CSS selector to wait for
    wait_until: str = "load"  # Playwright load state
    mask: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    full_page: bool = True
    viewports: tuple[str, ...] = ()  # empty = all
    css: str = ""
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class CaptureConfig:
    """Everything ``layoutcheck capture`` needs."""

    pages: tuple[PageSpec, ...]
    viewports: tuple[Viewport, ...]
    baseline_dir: Path
    output_dir: Path
    css: str = ""  # extra CSS for every page (config text plus css_files)
    timeout_ms: int = 30_000
    stable_shots: int = 5  # at most this many re-shoots to get two identical in a row
    mask_color: str = "#FF00FF"
    source: Path | None = None

    def shot_name(self, page: PageSpec, viewport: Viewport) -> str:
        """File stem of one screenshot: ``<page>@<viewport>``."""
        return f"{page.name}@{viewport.name}"

    def viewports_for(self, page: PageSpec) -> tuple[Viewport, ...]:
        if not page.viewports:
            return self.viewports
        return tuple(v for v in self.viewports if v.name in page.viewports)


DEFAULT_VIEWPORTS = (Viewport("desktop", 1280, 800),)


def find_config(path: Path) -> Path:
    """Resolve a config argument: a file, or a folder holding ``layoutcheck.toml`` / ``pyproject.toml``."""
    if path.is_dir():
        for name in ("layoutcheck.toml", "pyproject.toml"):
            if (path / name).is_file():
                return path / name
        raise ConfigError(f"{path}: no layoutcheck.toml or pyproject.toml in this folder")
    if not path.exists():
        raise ConfigError(f"{path}: no such config file")
    return path


def load_config(path: Path | str) -> CaptureConfig:
    """Read and validate a capture configuration.

    Raises:
        ConfigError: the file is missing, not TOML, or has an invalid key or value (the message
            names the file and the key).
    """
    path = find_config(Path(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
    if path.name == "pyproject.toml":
        raw = raw.get("tool", {}).get("layoutcheck")
        if raw is None:
            raise ConfigError(f"{path}: no [tool.layoutcheck] table")
    return parse_config(raw, base=path.parent, source=path)


def parse_config(raw: dict[str, Any], *, base: Path, source: Path | None = None) -> CaptureConfig:
    """Build a :class:`CaptureConfig` from a parsed TOML table."""
    where = str(source) if source else "config"
    p = _Reader(raw, where)
    viewports = tuple(_viewport(v, f"{where}: viewports[{i}]") for i, v in enumerate(p.items("viewports")))
    viewports = viewports or DEFAULT_VIEWPORTS
    names = [v.name for v in viewports]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: viewport names must be unique, got {names}")
    full_page = p.flag("full_page", True)
    css = p.text("css", "")
    for css_file in p.texts("css_files"):
        css += "\n" + _read_css(base / css_file, where)
    pages_raw = p.items("pages")
    if not pages_raw:
        raise ConfigError(f"{where}: no pages; add at least one [[pages]] table with name and url")
    pages = tuple(
        _page(pg, f"{where}: pages[{i}]", base=base, full_page=full_page, viewports=names)
        for i, pg in enumerate(pages_raw)
    )
    page_names = [pg.name for pg in pages]
    dupes = sorted({n for n in page_names if page_names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: page names must be unique, repeated: {', '.join(dupes)}")
    timeout_ms = p.integer("timeout_ms", 30_000)
    stable_shots = p.integer("stable_shots", 5)
    if timeout_ms <= 0 or stable_shots < 1:
        raise ConfigError(f"{where}: timeout_ms must be > 0 and stable_shots >= 1")
    baseline_dir = (base / p.text("baseline_dir", "layoutcheck/baseline")).resolve()
    output_dir = (base / p.text("output_dir", "layoutcheck/current")).resolve()
    mask_color = p.text("mask_color", "#FF00FF")
    p.done()
    return CaptureConfig(
        pages=pages,
        viewports=viewports,
        baseline_dir=baseline_dir,
        output_dir=output_dir,
        css=css,
        timeout_ms=timeout_ms,
        stable_shots=stable_shots,
        mask_color=mask_color,
        source=source,
    )


def _read_css(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read CSS file {path} ({exc.strerror or exc})") from exc


def _viewport(raw: Any, where: str) -> Viewport:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table like {{name = \"desktop\", width = 1280, height = 800}}")
    r = _Reader(raw, where)
    name = r.text("name", "")
    width, height = r.integer("width", 0), r.integer("height", 0)
    scale = r.number("device_scale_factor", 1.0)
    r.done()
    if not name or width <= 0 or height <= 0:
        raise ConfigError(f"{where}: needs a name and positive width and height")
    _check_name(name, where)
    return Viewport(name, width, height, scale)


def _page(raw: Any, where: str, *, base: Path, full_page: bool, viewports: list[str]) -> PageSpec:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table with name and url")
    r = _Reader(raw, where)
    name = r.text("name", "")
    url = r.text("url", "")
    if not name or not url:
        raise ConfigError(f"{where}: every page needs a name and a url (or local file path)")
    _check_name(name, where)
    wanted = tuple(r.texts("viewports"))
    unknown = [v for v in wanted if v not in viewports]
    if unknown:
        raise ConfigError(f"{where}: unknown viewport(s) {unknown}; defined: {viewports}")
    wait_until = r.text("wait_until", "load")
    if wait_until not in _LOAD_STATES:
        raise ConfigError(f"{where}: wait_until must be one of {_LOAD_STATES}, got {wait_until!r}")
    page = PageSpec(
        name=name,
        url=_resolve_url(url, base, where),
        selector=r.text("selector", "") or None,
        wait_for=r.text("wait_for", "") or None,
        wait_until=wait_until,
        mask=tuple(r.texts("mask")),
        hide=tuple(r.texts("hide")),
        full_page=r.flag("full_page", full_page),
        viewports=wanted,
        css=r.text("css", ""),
        actions=tuple(_action(a, f"{where}: actions[{i}]") for i, a in enumerate(r.items("actions"))),
    )
    r.done()
    return page


def _action(raw: Any, where: str) -> Action:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConfigError(f"{where}: expected one key like {{click = \"#id\"}}; known: {', '.join(_ACTIONS)}")
    (kind, value), = raw.items()
    if kind not in _ACTIONS:
        raise ConfigError(f"{where}: unknown action {kind!r}; known: {', '.join(_ACTIONS)}")
    args = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
    need = {"fill": 2, "press": 2, "select": 2}.get(kind, 1)
    if len(args) != need:
        raise ConfigError(f"{where}: {kind} takes {need} value(s), got {len(args)}")
    return Action(kind, args)


def _resolve_url(url: str, base: Path, where: str) -> str:
    if "://" in url or url.startswith(("about:", "data:")):
        return url
    path = (base / url).resolve()
    if not path.is_file():
        raise ConfigError(f"{where}: local page {path} does not exist")
    return path.as_uri()


def _check_name(name: str, where: str) -> None:
    bad = set(name) & set('/\\:*?"<>|@')
    if bad or name.startswith("."):
        raise ConfigError(f"{where}: name {name!r} cannot be used in a file name (avoid / \\ : * ? \" < > | @)")


class _Reader:
    """Typed access to a TOML table that remembers which keys were used (unknown keys are errors)."""

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self.raw, self.where, self.used = raw, where, set()

    def _get(self, key: str, default: Any, types: tuple[type, ...], label: str) -> Any:
        self.used.add(key)
        value = self.raw.get(key, default)
        if not isinstance(value, types) or (bool in types) != isinstance(value, bool):
            raise ConfigError(f"{self.where}: {key} must be {label}, got {value!r}")
        return value

    def text(self, key: str, default: str) -> str:
        return self._get(key, default, (str,), "a string")  # type: ignore[no-any-return]

    def integer(self, key: str, default: int) -> int:
        return self._get(key, default, (int,), "an integer")  # type: ignore[no-any-return]

    def number(self, key: str, default: float) -> float:
        return float(self._get(key, default, (int, float), "a number"))

    def flag(self, key: str, default: bool) -> bool:
        return self._get(key, default, (bool,), "true or false")  # type: ignore[no-any-return]

    def items(self, key: str) -> list[Any]:
        return self._get(key, [], (list,), "a list")  # type: ignore[no-any-return]

    def texts(self, key: str) -> list[str]:
        value = self.items(key)
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.where}: {key} must be a list of strings, got {value!r}")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            raise ConfigError(f"{self.where}: unknown key(s) {', '.join(unknown)}")
