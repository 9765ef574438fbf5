"""The package as a user installs it: the wheel, in a fresh venv outside the checkout, no torch.

The base install (``requirements-base.lock``, then the wheel) must judge with the shipped model on
ONNX Runtime, and say in one line what to install where a runtime is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LAYOUTCHECK_MODEL", "PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, env=env, timeout=900, **kw)


@pytest.fixture(scope="module")
def base_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the base install: the locked base dependencies, then the wheel built from this tree."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src-tree"  # build from a copy: an in-tree build would leave build/ in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(src)], tmp)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("layoutcheck-*.whl")
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], tmp)
    assert made.returncode == 0, made.stderr
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    deps = _run([*pip, "--require-hashes", "--no-deps", "-r", str(ROOT / "requirements-base.lock")], tmp)
    assert deps.returncode == 0, deps.stderr
    own = _run([*pip, "--no-deps", str(wheel)], tmp)
    assert own.returncode == 0, own.stderr
    return venv


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder outside the checkout with a fixture pair in it."""
    for name in ("1a.png", "1b.png"):
        shutil.copy(FIXTURES / "peers" / "pixelmatch" / name, tmp_path / name)
    return tmp_path


def test_the_base_install_judges_with_the_shipped_model_on_onnx_runtime(base_venv: Path, work: Path) -> None:
    python = str(base_venv / "bin" / "python")
    probe = _run([python, "-c", "import importlib.util as u, layoutcheck.weights as w; "
                  "print(u.find_spec('torch') is None, w.DEFAULT_MODEL)"], work)
    no_torch, model = probe.stdout.split()
    assert no_torch == "True" and Path(model).is_relative_to(base_venv) and Path(model).is_file()
    cli = str(base_venv / "bin" / "layoutcheck")
    proc = _run([cli, "compare", "1a.png", "1b.png", "--method", "unet", "--json", "--no-report"], work)
    assert proc.returncode in (0, 1), proc.stderr
    assert '"method": "unet"' in proc.stdout
    same = _run([cli, "compare", "1a.png", "1a.png", "--method", "unet", "--runtime", "onnx", "--no-report"], work)
    assert same.returncode == 0, same.stderr


def test_the_base_install_names_what_to_install_for_torch(base_venv: Path, work: Path) -> None:
    cli = str(base_venv / "bin" / "layoutcheck")
    proc = _run([cli, "compare", "1a.png", "1b.png", "--method", "unet", "--runtime", "torch", "--no-report"], work)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "pip install 'layoutcheck[torch]'" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    train = _run([cli, "train", "--data", ".", "--out", "m.safetensors"], work)
    assert train.returncode == 2 and "layoutcheck[torch]" in train.stderr and "Traceback" not in train.stderr


def test_with_no_runtime_at_all_unet_says_so_and_pixel_still_works(base_venv: Path, work: Path) -> None:
    # Last in this module: it uninstalls onnxruntime from the shared venv.
    python = str(base_venv / "bin" / "python")
    gone = _run([python, "-m", "pip", "uninstall", "-q", "-y", "onnxruntime"], work)
    assert gone.returncode == 0, gone.stderr
    cli = str(base_venv / "bin" / "layoutcheck")
    proc = _run([cli, "compare", "1a.png", "1b.png", "--method", "unet", "--no-report"], work)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "neither is installed" in proc.stderr and "pip install onnxruntime" in proc.stderr
    pixel = _run([cli, "compare", "1a.png", "1b.png", "--method", "pixel", "--no-report"], work)
    assert pixel.returncode == 1, pixel.stderr
