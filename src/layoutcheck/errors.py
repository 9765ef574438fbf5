"""The one error hierarchy of layoutcheck.

Library code raises these; only the CLI (and the pytest plugin) turn them into exit codes or
test failures. Every class carries the exit code the CLI uses for it, as click's
``ClickException.exit_code`` does. Messages say what was expected, what was found and the fix.
"""

from __future__ import annotations


class LayoutcheckError(Exception):
    """Base class: a problem the user can fix. Exit code 2 (usage or input error)."""

    exit_code: int = 2


class InputError(LayoutcheckError):
    """A path, argument or file the user gave is missing or unusable."""


class ImageError(InputError):
    """An image file cannot be read: corrupt, truncated, empty, not an image, or too large."""


class ConfigError(InputError):
    """The capture configuration cannot be read or is invalid."""


class CaptureError(LayoutcheckError):
    """Taking a screenshot failed (the page, not the tool)."""


class BrowserError(CaptureError):
    """No usable Chromium was found, or it could not start."""


class PageTimeoutError(CaptureError):
    """A page did not load, or a selector did not appear, within the time limit."""


class CaptureFailures(CaptureError):
    """Some screenshots of a capture run failed; the others were written.

    ``failures`` holds ``(shot name, error)`` in the order they happened; ``written`` counts the
    screenshots that were written.
    """

    def __init__(self, failures: list[tuple[str, CaptureError]], written: int) -> None:
        self.failures = tuple(failures)
        self.written = written
        name, first = self.failures[0]
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        others = f", the other {written} were written" if written else ""
        total = len(failures) + written
        super().__init__(f"{len(failures)} of {total} screenshot(s) failed{others}; {name}: {first}{more}")


class BaselineError(InputError):
    """A baseline or candidate screenshot needed for approval is missing."""


class ModelNotAvailableError(LayoutcheckError):
    """The requested judge needs a model that is not available."""


class ModelError(LayoutcheckError):
    """A model file exists but cannot be used: corrupt, truncated, foreign, or for another architecture."""
