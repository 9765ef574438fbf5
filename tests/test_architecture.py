"""The one-way import rule, and light imports where they matter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "layoutcheck"

#: Layer of each module: a module imports only modules of lower layers, so dependencies flow
#: one way: entry points -> orchestration -> parts -> results/errors/config.
LAYERS = {
    "errors": 0,
    "results": 1, "fsutil": 1, "config": 1,
    "imageio": 2, "elements": 2, "browser": 2, "model_parts": 2,
    "pixel": 3, "regions": 3, "report": 3, "judgement": 3, "model": 3, "align": 3,
    "weights": 4, "dataset": 4, "junit": 4, "flat_changes": 4,
    "line_changes": 4.2,  # shares flat_changes' channel difference
    "rule_changes": 4.3,  # the rules beside the network: flat_changes and line_changes
    "runtime": 4.5,  # where the network runs (onnx/torch): above weights, below segment
    "segment": 5,
    "judges": 6,
    "compare": 7, "capture": 7, "baselines": 7, "evaluate": 7, "preview": 7, "calibrate": 7,
    "synth": 8,
    "train": 9, "label": 9,
    "cli": 10, "pytest_plugin": 10, "__main__": 11,
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = rel.parts
    return parts[0] if parts[0] != "__init__" else "__init__"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("layoutcheck."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("layoutcheck."):
                    found.add(alias.name.split(".")[1])
    return found


def test_imports_flow_one_way() -> None:
    problems = []
    for path in SRC.rglob("*.py"):
        mod = _module_name(path)
        if mod == "__init__":
            continue
        assert mod in LAYERS, f"new module {mod}: give it a layer in this test"
        for dep in _imports(path) - {mod}:
            if LAYERS.get(dep, -1) >= LAYERS[mod]:
                problems.append(f"{mod} imports {dep}")
    assert not problems


@pytest.mark.parametrize(
    "module",
    [
        "layoutcheck.capture", "layoutcheck.report", "layoutcheck.cli", "layoutcheck.compare",
        "layoutcheck.pytest_plugin",
    ],
)
def test_no_torch_on_light_paths(module: str) -> None:
    code = f"import sys, {module}; print('torch' in sys.modules, 'torchvision' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
