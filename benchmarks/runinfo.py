"""What every benchmark result records about the run: the commit and the CPU it ran on."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def git_commit(length: int = 7, *, mark_dirty: bool = False) -> str:
    """The checked-out commit, ``length`` hex digits; ``+dirty`` when asked and tracked files other
    than ``benchmarks/results/`` changed."""
    try:
        sha = subprocess.run(["git", "rev-parse", f"--short={length}", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
        if not mark_dirty:
            return sha
        # The result files a benchmark run itself rewrites (make bench runs several in a row) do
        # not make the code that measured them dirty.
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":!benchmarks/results"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
