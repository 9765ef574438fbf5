"""Find and launch a Chromium for Playwright.

Order of preference: Playwright's own Chromium when it is installed (what most users have), then
a system Chromium or Chrome on PATH. Nothing here downloads a browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from layoutcheck.errors import BrowserError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

#: Environment variable that names a Chromium executable explicitly.
ENV_EXECUTABLE = "LAYOUTCHECK_CHROMIUM"

_SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

#: Flags that keep Chromium quiet and stable on closed networks and in containers.
LAUNCH_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-quic",
    "--hide-scrollbars",
    "--font-render-hinting=none",
    "--force-color-profile=srgb",
)

_INSTALL_HINT = (
    "install one with 'playwright install chromium' (needs internet) or your system's package "
    "manager (Debian/Ubuntu: 'apt-get install chromium'), or point "
    f"{ENV_EXECUTABLE} at a Chromium executable"
)


def _playwright_chromium() -> str | None:
    """Path of Playwright's own downloaded Chromium, if it is installed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a declared dependency
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:  # noqa: BLE001 - any failure only means "not available"
        return None
    return path if path and Path(path).is_file() else None


def find_chromium() -> str | None:
    """Return the path of a usable Chromium executable, or ``None``.

    Returns:
        ``None`` when Playwright's own Chromium should be used (Playwright finds it itself),
        otherwise an executable path.

    Raises:
        BrowserError: when no Chromium is available at all.
    """
    explicit = os.environ.get(ENV_EXECUTABLE)
    if explicit:
        if not Path(explicit).is_file():
            raise BrowserError(f"{ENV_EXECUTABLE}={explicit!r} is not a file; {_INSTALL_HINT}")
        return explicit
    if _playwright_chromium():
        return None
    for name in _SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError(f"no Chromium found; {_INSTALL_HINT}")


def launch_chromium(playwright: Playwright, executable: str | None = None, *, extra_args: Sequence[str] = (),
                    env: Mapping[str, str] | None = None) -> Browser:
    """Launch headless Chromium with the stable flags.

    Args:
        playwright: a started ``sync_playwright()`` object.
        executable: an explicit executable; by default :func:`find_chromium` decides.
        extra_args: flags added after :data:`LAUNCH_ARGS` (e.g. ``--disable-lcd-text`` for the
            rendering-noise browsers of ``layoutcheck synth``).
        env: the browser's environment (e.g. another ``FONTCONFIG_FILE``); default: this process's.

    Raises:
        BrowserError: no Chromium was found or it failed to start.
    """
    path = executable if executable is not None else find_chromium()
    args = [*LAUNCH_ARGS, *extra_args]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root
    try:
        if env is not None:
            return playwright.chromium.launch(headless=True, executable_path=path, args=args, env=dict(env))
        return playwright.chromium.launch(headless=True, executable_path=path, args=args)
    except Exception as exc:  # playwright raises its own Error type with a long log
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserError(f"Chromium at {path or 'Playwright default'} could not start: {first}") from exc


def main() -> int:
    """``python -m layoutcheck.browser``: print the Chromium that would be used; exit 1 if none."""
    try:
        path = find_chromium()
    except BrowserError as exc:
        print(f"layoutcheck: {exc}")
        return 1
    print(path or "playwright-chromium")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
