"""The pixel-diff peers, as users run them: pixelmatch, odiff and Playwright's screenshot comparator.

The benchmarks compare layoutcheck's judges with the tools a team would pick instead, through the
tools' own npm packages at their documented defaults:

* ``pixelmatch``: npm ``pixelmatch`` + ``pngjs`` (threshold 0.1, anti-aliased pixels not counted);
* ``odiff``: npm ``odiff-bin``, whose Node API spawns the bundled native binary for each pair
  (threshold 0.1, antialiasing off: anti-aliased pixels count);
* ``playwright``: the comparator behind ``expect(page).toHaveScreenshot()`` from npm
  ``playwright-core`` (its own copy of pixelmatch at threshold 0.2, ``maxDiffPixels`` 0), pinned
  to the version the Python ``playwright`` package in the venv drives.

The pinned versions are in ``benchmarks/peers/package.json`` (and its lock file);
:func:`ensure_installed` npm-installs them once into ``benchmarks/.peers/``. :class:`PeerRunner` keeps
one Node process (``benchmarks/peers/runner.mjs``) for all calls, talking JSON lines over its
stdin/stdout, so Node's start-up is paid once, not per pair.

Used by ``benchmarks/speed.py`` and ``benchmarks/quality.py`` as a plain module::

    sys.path.insert(0, str(benchmarks_dir)); import peers
    with peers.PeerRunner() as runner:
        result = runner.compare("pixelmatch", ref_png, cand_png, want_mask=True)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np

__all__ = ["DEFAULT_ROOT", "PEER_TOOLS", "PeerError", "PeerResult", "PeerRunner", "ensure_installed",
           "pinned_versions"]

HERE = Path(__file__).resolve().parent
PEERS_DIR = HERE / "peers"  # package.json, package-lock.json and runner.mjs (committed)
RUNNER = PEERS_DIR / "runner.mjs"
DEFAULT_ROOT = HERE / ".peers"  # where npm installs them (ignored by git)
PEER_TOOLS = ("pixelmatch", "odiff", "playwright")
MIN_NODE = 20  # playwright-core 1.65 declares engines.node >= 20
NPM_TIMEOUT_S = 900


class PeerError(RuntimeError):
    """A peer cannot run: node or npm missing, the install failed, or the runner failed."""


@dataclass(frozen=True)
class PeerResult:
    """What one peer says about one pair of PNG files.

    Attributes:
        tool: One of :data:`PEER_TOOLS`.
        diff_pixels: Pixels the tool counts as different, by its own definition. When the tool
            gives no count (pixelmatch throws on images of different sizes), ``total_pixels``: such
            a pair fails in that tool whatever its tolerance.
        total_pixels: ``width * height`` the tool compared (the larger of the two sizes when they
            differ).
        size_mismatch: The two images have different sizes; each tool's own behaviour is recorded
            (pixelmatch throws, odiff compares the overlap and counts the rest, Playwright pads).
        ms: Wall time inside Node from reading both PNG files to the tool's answer (decode of both
            + compare; odiff: spawning its binary, which also writes its diff image).
        mask: ``(H, W)`` bool, the pixels the tool counts; only with ``want_mask=True`` and equal
            sizes.
    """

    tool: str
    diff_pixels: int
    total_pixels: int
    size_mismatch: bool
    ms: float
    mask: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def ratio(self) -> float:
        """``diff_pixels / total_pixels`` (Playwright's ``maxDiffPixelRatio`` compares with this)."""
        return self.diff_pixels / self.total_pixels if self.total_pixels else 0.0


#: The one place that states both Playwright pins: the Python ``playwright`` of requirements.lock
#: and the Node ``playwright-core`` its bundled driver is, pinned in peers/package.json, so the
#: benchmark's toHaveScreenshot comparator is the code the capture side runs. Bump them together
#: (the driver version is in playwright/driver/package/package.json of the Python wheel);
#: tests/test_bench_peers.py checks both pin files against this.
PLAYWRIGHT_PINS = {"python playwright": "1.65.3", "npm playwright-core": "1.65.2"}


def pinned_versions() -> dict[str, str]:
    """The exact versions pinned in ``benchmarks/peers/package.json``: ``{package: version}``."""
    return dict(json.loads((PEERS_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"])


def installed_versions(root: Path = DEFAULT_ROOT) -> dict[str, str]:
    """Versions of the pinned packages installed under ``root`` (missing ones left out)."""
    found = {}
    for name in pinned_versions():
        meta = Path(root) / "node_modules" / name / "package.json"
        if meta.is_file():
            found[name] = json.loads(meta.read_text(encoding="utf-8"))["version"]
    return found


def ensure_installed(root: Path = DEFAULT_ROOT) -> dict[str, str]:
    """npm-install the pinned peers into ``root`` unless they are there already.

    Safe to call from several processes at once (a file lock in ``root`` serialises installs).

    Returns:
        ``{package: version}`` of pixelmatch, pngjs, odiff-bin and playwright-core.

    Raises:
        PeerError: node or npm is missing or too old, or ``npm ci`` failed (no network, ...).
    """
    root = Path(root)
    pins = pinned_versions()
    _check_node()
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root / ".install.lock"):
        if installed_versions(root) == pins and _has_odiff_binary(root):
            return pins
        npm = shutil.which("npm")
        if npm is None:
            raise PeerError("npm not found on PATH; install Node.js >= 20 with npm to benchmark the peers")
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(PEERS_DIR / name, root / name)
        flags = ["--no-audit", "--no-fund", "--loglevel=error"]
        errors = [_npm(npm, ["ci", *flags], root)]
        if errors[0] is not None or not _has_odiff_binary(root):
            # npm's lock file records the optional native package of the platform it was made on
            # only; elsewhere a plain install resolves odiff-bin's binary for this platform.
            errors.append(_npm(npm, ["install", *flags], root))
        found = installed_versions(root)
        if found != pins or not _has_odiff_binary(root):
            why = "; ".join(e for e in errors if e) or "odiff's native binary (@odiff/<platform>) is missing"
            raise PeerError(
                f"installing the peers into {root} failed (wanted {pins}, found {found}): {why}. "
                "npm needs to reach its registry; run `npm ci` in that folder to see the full log"
            )
        return found


def _npm(npm: str, args: list[str], cwd: Path) -> str | None:
    """Run npm; None on success, else the last lines it printed."""
    try:
        proc = subprocess.run([npm, *args], cwd=cwd, capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"npm {args[0]} took more than {NPM_TIMEOUT_S} s"
    if proc.returncode == 0:
        return None
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-6:]
    return f"npm {args[0]} exited {proc.returncode}: " + " | ".join(tail)


def _has_odiff_binary(root: Path) -> bool:
    return any(p.is_file() for p in (Path(root) / "node_modules" / "@odiff").glob("*/odiff*") if p.suffix != ".js")


def _check_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise PeerError("node not found on PATH; install Node.js >= 20 with npm to benchmark the peers")
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    try:
        major = int(out.lstrip("v").split(".")[0])
    except ValueError:
        raise PeerError(f"could not read the version of {node} (printed {out!r})") from None
    if major < MIN_NODE:
        raise PeerError(f"{node} is Node.js {out}; the peers need Node.js >= {MIN_NODE}")
    return node


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class PeerRunner:
    """One Node process that runs the peers on pairs of PNG files; a context manager.

    Not thread-safe: one call at a time (requests and answers are matched by order).

    Args:
        root: Where the peers are (installed there first if needed, see :func:`ensure_installed`).
        threshold: Per tool, a colour threshold instead of the tool's default
            (pixelmatch 0.1, odiff 0.1, playwright 0.2).

    Raises:
        PeerError: the peers cannot be installed or Node cannot start.
        ValueError: a threshold names an unknown tool.
    """

    def __init__(self, root: Path = DEFAULT_ROOT, *, threshold: dict[str, float] | None = None) -> None:
        unknown = set(threshold or {}) - set(PEER_TOOLS)
        if unknown:
            raise ValueError(f"unknown tool(s) {sorted(unknown)} in threshold; expected some of {PEER_TOOLS}")
        self.root = Path(root)
        self._threshold = dict(threshold or {})
        ensure_installed(self.root)
        node = _check_node()
        self._work = tempfile.TemporaryDirectory(prefix="layoutcheck-peers-")
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        self._calls = 0
        self._proc: subprocess.Popen[str] | None = subprocess.Popen(
            [node, str(RUNNER), str(self.root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, encoding="utf-8", bufsize=1,
        )
        try:
            self._versions: dict[str, str] = self._call({"op": "versions"})["versions"]
        except BaseException:
            self.close()
            raise

    def compare(
        self, tool: str, reference: Path, candidate: Path, *, want_mask: bool = False,
        options: dict[str, Any] | None = None,
    ) -> PeerResult:
        """Run ``tool`` on two PNG files, as its users do.

        Args:
            tool: One of :data:`PEER_TOOLS`.
            reference: The expected (baseline) PNG.
            candidate: The actual PNG.
            want_mask: Also return the differing pixels (read back after the timed part).
            options: Passed to the tool as they are (e.g. ``{"threshold": 0.05}`` or
                ``{"includeAA": True}`` for pixelmatch), over this runner's ``threshold``.
                Playwright's count is always read at ``maxDiffPixels`` 0.

        Raises:
            PeerError: The tool failed (unreadable file, ...) or the runner died.
            ValueError: ``tool`` is not one of :data:`PEER_TOOLS`.
        """
        if tool not in PEER_TOOLS:
            raise ValueError(f"unknown tool {tool!r}; expected one of {', '.join(PEER_TOOLS)}")
        opts: dict[str, Any] = {}
        if tool in self._threshold:
            opts["threshold"] = self._threshold[tool]
        opts.update(options or {})
        mask_path = None
        if want_mask:
            self._calls += 1
            mask_path = Path(self._work.name) / f"mask-{self._calls}.u8"
        reply = self._call({
            "op": "compare", "tool": tool, "reference": str(Path(reference).resolve()),
            "candidate": str(Path(candidate).resolve()), "options": opts,
            "mask": str(mask_path) if mask_path else None, "work": self._work.name,
        })
        total = int(reply["total_pixels"])
        mask = None
        if mask_path is not None and not reply["size_mismatch"]:
            flat = np.fromfile(mask_path, dtype=np.uint8)
            mask_path.unlink()
            mask = flat.reshape(int(reply["height"]), int(reply["width"])).astype(bool)  # (H, W)
        count = reply["diff_pixels"]
        return PeerResult(
            tool=tool, diff_pixels=total if count is None else int(count), total_pixels=total,
            size_mismatch=bool(reply["size_mismatch"]), ms=float(reply["ms"]), mask=mask,
        )

    def versions(self) -> dict[str, str]:
        """``{package: version}`` as Node loaded them, plus ``node``'s own version."""
        return dict(self._versions)

    def close(self) -> None:
        """Stop the Node process and remove the temporary files; safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # type: ignore[union-attr]
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
            self._stderr.close()
            self._work.cleanup()

    def __enter__(self) -> PeerRunner:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        if proc is None:
            raise PeerError("this PeerRunner is closed")
        stdin, stdout = proc.stdin, proc.stdout
        if stdin is None or stdout is None:  # Popen(PIPE) always sets them; for the type checker
            raise PeerError("the peer runner has no pipes")
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
            line = stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            raise PeerError(f"the peer runner ({RUNNER.name}) exited with {proc.poll()}: {self._stderr_tail()}")
        reply: dict[str, Any] = json.loads(line)
        if not reply.get("ok"):
            what = request.get("tool", request["op"])
            files = f" on {request['reference']} vs {request['candidate']}" if "reference" in request else ""
            raise PeerError(f"{what} failed{files}: {reply.get('error')}")
        return reply

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return " | ".join(text.splitlines()[-8:]) or "(nothing on stderr)"
