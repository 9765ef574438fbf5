"""Options of the pytest plugin: the flags, their ini twins, and the frozen settings built from them.

Every option is a ``--layoutcheck-…`` flag and a ``layoutcheck_…`` ini key; :func:`_value` reads
the flag first and falls back to the ini key (as pytest-mpl does). Paths given as flags are
relative to the folder pytest was started in, paths in the ini file relative to that file, and
defaults relative to the rootdir. Only the standard library is imported here: this module runs
in every pytest session that has layoutcheck installed, used or not.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

METHODS = ("pixel", "unet")
LEVELS = ("strict", "layout")  # the U-Net judge's levels (layoutcheck.segment.LEVELS, without importing it)
MISSING = ("fail", "create")
RUNTIMES = ("auto", "onnx", "torch")  # layoutcheck.runtime.RUNTIMES, as LEVELS above
_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")

#: Name of the worker that is not an xdist worker (a plain run, or the xdist controller).
MAIN_WORKER = "main"

#: Key under which the controller hands the settings to xdist workers (``workerinput``).
WORKERINPUT_KEY = "layoutcheck_settings"


@dataclass(frozen=True)
class _Option:
    name: str  # "baseline_dir": flag --layoutcheck-baseline-dir, ini layoutcheck_baseline_dir
    help: str
    default: str
    metavar: str | None = None  # None: a boolean flag

    @property
    def flag(self) -> str:
        return "--layoutcheck-" + self.name.replace("_", "-")

    @property
    def key(self) -> str:
        return "layoutcheck_" + self.name


OPTIONS = (
    _Option("baseline_dir", "folder of the baseline screenshots", "layoutcheck-baseline", "DIR"),
    _Option("report_dir", "folder of the HTML report written when the run ends", "layoutcheck-report", "DIR"),
    _Option("method", "judge: U-Net segmenter or pixel comparator (unet|pixel)", "unet", "METHOD"),
    _Option("threshold", "judge threshold in [0, 1] (pixel: YIQ colour threshold, default 0.1)", "", "T"),
    _Option("level", "unet: strict fails on any real change, layout only on broken layout, reporting changes "
            "(strict|layout)", "strict", "LEVEL"),
    _Option("device", "device of the U-Net judge (auto|cpu|cuda|cuda:N|mps)", "auto", "DEVICE"),
    _Option("runtime", "where the U-Net runs: auto (ONNX Runtime on the CPU, torch on an accelerator), onnx or "
            "torch (auto|onnx|torch)", "auto", "RUNTIME"),
    _Option("update", "write or refresh baselines instead of failing", "false"),
    _Option("missing", "when a baseline is missing: fail the test, or create the baseline (fail|create)",
            "fail", "MODE"),
)


@dataclass(frozen=True)
class Settings:
    """Everything a check needs to know about the run; built once at ``pytest_configure``."""

    baseline_dir: Path
    report_dir: Path
    method: str
    threshold: float | None
    level: str  # "strict" | "layout"; the unet judge's only (the pixel judge fails on any difference)
    device: str
    update: bool
    missing: str  # "fail" | "create"
    stage: Path  # where this run's pairs and worker results go until the report is put in place
    invocation_dir: Path  # paths in messages are shown relative to it
    created: str  # ISO 8601 start of the run
    worker: str = MAIN_WORKER  # "gw0", "gw1", … under xdist
    runtime: str = "auto"  # the unet judge's: auto | onnx | torch

    def judged_level(self, check_level: str | None = None) -> str | None:
        """The level a check is judged at (its own ``level=``, else the run's), as results record it.

        ``None`` with the pixel judge, which has no levels.
        """
        if self.method != "unet":
            return None
        return check_level if check_level is not None else self.level

    def to_workerinput(self) -> dict[str, Any]:
        """A plain dict that execnet can send to an xdist worker."""
        data = asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in data.items()}

    @classmethod
    def from_workerinput(cls, data: dict[str, Any], worker: str) -> Settings:
        paths = ("baseline_dir", "report_dir", "stage", "invocation_dir")
        values: dict[str, Any] = {k: Path(v) if k in paths else v for k, v in data.items()}
        values["worker"] = worker
        return cls(**values)


def add_options(parser: pytest.Parser) -> None:
    """Register every flag and its ini twin."""
    group = parser.getgroup("layoutcheck", "layoutcheck screenshot checks")
    for opt in OPTIONS:
        dest = opt.key
        if opt.metavar is None:
            group.addoption(opt.flag, dest=dest, action="store_true", default=None, help=opt.help)
            parser.addini(opt.key, opt.help, type="bool", default=False)
        else:
            shown = f"{opt.help} (default: {opt.default})" if opt.default else opt.help
            group.addoption(opt.flag, dest=dest, default=None, metavar=opt.metavar, help=shown)
            parser.addini(opt.key, shown, type="string", default="")


def settings_from_config(config: pytest.Config) -> Settings:
    """Read and check every option; a bad value stops the run before any test.

    Raises:
        pytest.UsageError: a value is not one the option accepts (the message names the option).
    """
    method = _choice(config, "method", METHODS)
    level = _choice(config, "level", LEVELS)
    if method == "pixel" and level != "strict":
        # As `layoutcheck compare --method pixel --level layout`: the level is ignored, since the
        # pixel judge has no notion of a change that is not a defect; warned, not silent.
        warning = pytest.PytestConfigWarning(pixel_level_message(level, _where(config, "level")))
        config.issue_config_time_warning(warning, stacklevel=2)
    missing = _choice(config, "missing", MISSING)
    device, _ = _value(config, "device")
    if not _DEVICE.fullmatch(device):
        raise pytest.UsageError(f"{_where(config, 'device')}: expected auto, cpu, cuda, cuda:N or mps, got {device!r}")
    runtime = _choice(config, "runtime", RUNTIMES)
    threshold = _threshold(config)
    update, _ = _value(config, "update")
    invocation = Path(config.invocation_params.dir)
    report_dir = _path(config, "report_dir")
    _check_report_dir(config, report_dir)
    token = f"{os.getpid()}-{os.urandom(4).hex()}"
    return Settings(
        baseline_dir=_path(config, "baseline_dir"),
        report_dir=report_dir,
        method=method,
        threshold=threshold,
        level=level,
        device=device,
        runtime=runtime,
        update=bool(update),
        missing=missing,
        stage=report_dir.parent / f".{report_dir.name}.{token}.partial",
        invocation_dir=invocation,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def pixel_level_message(level: str, where: str) -> str:
    """Why a level other than ``strict`` does nothing with the pixel judge (a config warning or a check's)."""
    return (
        f"layoutcheck: level {level!r} ({where}) is ignored with the pixel method, which fails on any "
        "difference; levels are the unet judge's (--layoutcheck-method unet)"
    )


def _value(config: pytest.Config, name: str) -> tuple[Any, str]:
    """The option's value and where it came from: ``"flag"``, ``"ini"`` or ``"default"``."""
    opt = next(o for o in OPTIONS if o.name == name)
    flag = config.getoption(opt.key, default=None)
    if flag is not None:
        return flag, "flag"
    ini = config.getini(opt.key)
    if opt.metavar is None:
        return bool(ini), "ini"
    if isinstance(ini, str) and ini.strip():
        return ini.strip(), "ini"
    return opt.default, "default"


def _where(config: pytest.Config, name: str) -> str:
    opt = next(o for o in OPTIONS if o.name == name)
    _, source = _value(config, name)
    return f"ini option {opt.key}" if source == "ini" else opt.flag


def _choice(config: pytest.Config, name: str, choices: tuple[str, ...]) -> str:
    value, _ = _value(config, name)
    if value not in choices:
        raise pytest.UsageError(f"{_where(config, name)}: expected one of {', '.join(choices)}, got {value!r}")
    return str(value)


def _threshold(config: pytest.Config) -> float | None:
    raw, _ = _value(config, "threshold")
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise pytest.UsageError(f"{_where(config, 'threshold')}: expected a number in [0, 1], got {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise pytest.UsageError(f"{_where(config, 'threshold')}: expected a number in [0, 1], got {value}")
    return value


def _check_report_dir(config: pytest.Config, report_dir: Path) -> None:
    """A report replaces its folder whole: refuse one that holds other files before any test runs."""
    from layoutcheck.errors import InputError
    from layoutcheck.report import check_replaceable

    try:
        check_replaceable(report_dir)
    except InputError as exc:
        raise pytest.UsageError(f"{_where(config, 'report_dir')}: {exc}") from None


def _path(config: pytest.Config, name: str) -> Path:
    raw, source = _value(config, name)
    path = Path(os.path.expanduser(raw))
    if path.is_absolute():
        return path
    if source == "flag":
        base = Path(config.invocation_params.dir)
    elif source == "ini" and config.inipath is not None:
        base = config.inipath.parent
    else:
        base = config.rootpath
    return (base / path).resolve()
