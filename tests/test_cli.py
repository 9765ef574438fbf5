from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from layoutcheck.cli import main

from .conftest import page_like, write_png

#: The --json shape promised in the README.
SCHEMA = {
    "type": "object",
    "required": ["verdict", "method", "level", "pairs"],
    "properties": {
        "verdict": {"enum": ["pass", "fail"]},
        "method": {"enum": ["pixel", "unet"]},
        "level": {"enum": ["strict", "layout", None]},  # None: the pixel judge, which has no levels
        "pairs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "verdict", "regions", "changes", "level"],
                "properties": {
                    "name": {"type": "string"},
                    "level": {"enum": ["strict", "layout", None]},
                    "verdict": {"enum": ["pass", "fail", "new", "deleted", "error"]},
                    "error": {"type": ["string", "null"]},
                    "regions": {"type": "array", "items": {"$ref": "#/$defs/region"}},
                    "changes": {"type": "array", "items": {"$ref": "#/$defs/region"}},
                },
            },
        },
    },
    "$defs": {
        "region": {
            "type": "object",
            "required": ["x", "y", "w", "h", "score", "kind"],
            "properties": {
                "x": {"type": "integer"}, "y": {"type": "integer"},
                "w": {"type": "integer", "minimum": 1}, "h": {"type": "integer", "minimum": 1},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "kind": {"type": "string"},
            },
        },
    },
}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_output_validates_and_exit_codes(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = pair_dir
    code, out, _ = _run("compare", str(ref), str(cand), "--json", "--out", str(tmp_path / "r"))
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["verdict"] == "fail"
    same = str(ref / "same.png")
    code, out, _ = _run("compare", same, str(cand / "same.png"), "--json", "--no-report")
    assert code == 0 and json.loads(out)["verdict"] == "pass"


def test_missing_pairs_do_not_fail_unless_asked(tmp_path: Path) -> None:
    write_png(tmp_path / "a" / "x.png", page_like())
    write_png(tmp_path / "b" / "y.png", page_like())
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    assert _run("compare", a, b, "--no-report")[0] == 0
    assert _run("compare", a, b, "--no-report", "--fail-on-missing")[0] == 1


def test_summary_names_failures_and_report(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = pair_dir
    code, out, _ = _run("compare", str(ref), str(cand), "--out", str(tmp_path / "rep"))
    assert code == 1
    assert "FAIL broken.png: 1 region(s)" in out
    assert "5 pair(s): 2 pass, 1 fail, 1 new, 1 deleted" in out
    assert f"report: {tmp_path / 'rep' / 'index.html'}" in out


def test_input_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    good = write_png(tmp_path / "good.png", page_like())
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    for bad, needle in [(empty, "empty file"), (text, "not an image"), (tmp_path / "nope.png", "no such file")]:
        code, out, err = _run("compare", str(good), str(bad), "--out", str(tmp_path / "rep"))
        assert code == 2, err
        assert err.count("\n") == 1 and str(bad) in err and needle in err
        assert "Traceback" not in err + out
        assert not (tmp_path / "rep").exists()


def test_out_folder_of_other_files_is_refused_and_kept(pair_dir: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cand = pair_dir
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "code.py").write_text("keep me")
    code, out, err = _run("compare", str(ref), str(cand), "--out", str(tmp_path / "src"))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"layoutcheck: error: {tmp_path / 'src'}: not a layoutcheck report folder (it holds code.py)")
    assert (tmp_path / "src" / "code.py").read_text() == "keep me"


def test_an_unreadable_image_in_a_folder_run_is_reported_and_exits_2(
    pair_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    ref, cand = pair_dir
    (cand / "sub" / "deep.png").write_text("not an image")
    code, out, err = _run("compare", str(ref), str(cand), "--out", str(tmp_path / "rep"))
    assert code == 2, err
    assert f"ERR  sub/deep.png: {cand / 'sub' / 'deep.png'}: not an image" in out
    assert "FAIL broken.png: 1 region(s)" in out  # the other pairs are judged
    assert "5 pair(s): 1 pass, 1 fail, 1 new, 1 deleted, 1 error" in out
    assert err == "layoutcheck: error: 1 pair(s) could not be judged: their images cannot be read\n"
    assert (tmp_path / "rep" / "index.html").is_file()
    code, out, _ = _run("compare", str(ref), str(cand), "--json", "--no-report")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert code == 2 and doc["verdict"] == "fail" and doc["counts"]["error"] == 1


def test_unet_without_a_model_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYOUTCHECK_MODEL", str(tmp_path / "missing.safetensors"))
    good = str(write_png(tmp_path / "good.png", page_like()))
    code, _, err = _run("compare", good, good, "--method", "unet")
    assert code == 2 and "model" in err and "--method pixel" in err and "missing.safetensors" in err


def test_threshold_out_of_range(tmp_path: Path) -> None:
    good = str(write_png(tmp_path / "good.png", page_like()))
    code, _, err = _run("compare", good, good, "--threshold", "3")
    assert code == 2 and "between 0 and 1" in err


def test_bad_config_is_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "layoutcheck.toml"
    cfg.write_text("pages = [")
    code, _, err = _run("capture", str(cfg))
    assert code == 2 and str(cfg) in err and "invalid TOML" in err


def test_approve(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text("<p>x</p>")
    (tmp_path / "layoutcheck.toml").write_text(
        'baseline_dir = "base"\noutput_dir = "cur"\npages = [{name = "p", url = "p.html"}, {name = "q", url = "p.html"}]\n'
    )
    write_png(tmp_path / "cur" / "p@desktop.png", page_like())
    (tmp_path / "cur" / "p@desktop.json").write_text("{}")
    write_png(tmp_path / "cur" / "q@desktop.png", page_like(seed=2))
    code, out, err = _run("approve", "p", "--config", str(tmp_path))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "base").iterdir()) == ["p@desktop.json", "p@desktop.png"]
    code, _, err = _run("approve", "zzz", "--config", str(tmp_path))
    assert code == 2 and "no candidate named 'zzz'" in err
    assert _run("approve", "--all", "--config", str(tmp_path))[0] == 0
    assert (tmp_path / "base" / "q@desktop.png").read_bytes() == (tmp_path / "cur" / "q@desktop.png").read_bytes()
    assert _run("approve", "--config", str(tmp_path))[0] == 2


def test_every_command_has_help() -> None:
    for command in main.commands.values():
        assert command.help, command.name
        code, out, _ = _run(command.name or "", "--help")
        assert code == 0 and "Usage" in out


def test_unet_method_with_a_model_file(tmp_path: Path) -> None:
    from layoutcheck.model import ModelConfig, build_model
    from layoutcheck.weights import save_model

    model_file = tmp_path / "tiny.safetensors"
    save_model(build_model(ModelConfig(base=4, depth=2)), model_file)
    a = write_png(tmp_path / "a.png", page_like())
    changed = page_like()
    changed[100:140, 40:200] = (200, 30, 30)
    b = write_png(tmp_path / "b.png", changed)
    code, out, err = _run("compare", str(a), str(a), "--method", "unet", "--model", str(model_file), "--json", "--no-report")
    assert code == 0, err
    assert json.loads(out)["pairs"][0]["method"] == "unet"
    code, out, err = _run("compare", str(a), str(b), "--method", "unet", "--model", str(model_file), "--json",
                          "--no-report", "--level", "layout", "--device", "cpu")
    assert code in (0, 1), err  # an untrained model may or may not flag it; it must not crash
    corrupt = tmp_path / "bad.safetensors"
    corrupt.write_bytes(model_file.read_bytes()[:100])
    code, _, err = _run("compare", str(a), str(b), "--method", "unet", "--model", str(corrupt))
    assert code == 2 and str(corrupt) in err and err.count("\n") == 1


def test_unet_is_the_default_method_and_uses_the_shipped_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAYOUTCHECK_MODEL", raising=False)
    base = page_like(320, 256)
    broken = base.copy()
    broken[60:120, 40:220] = (20, 20, 20)  # a dark block over the text: a real change
    a = str(write_png(tmp_path / "a.png", base))
    b = str(write_png(tmp_path / "b.png", broken))
    code, out, err = _run("compare", a, a, "--method", "unet", "--json", "--no-report")
    assert code == 0, err  # identical pair: the fast path, no network
    code, out, err = _run("compare", a, b, "--json", "--no-report", "--device", "cpu")  # no --method
    assert code == 1, err  # the dark block fails at strict
    doc = json.loads(out)
    assert doc["method"] == "unet" and doc["level"] == "strict" and doc["pairs"][0]["method"] == "unet"
    # The pixel comparator stays one flag away.
    code, out, _ = _run("compare", a, b, "--method", "pixel", "--json", "--no-report")
    assert code == 1 and json.loads(out)["method"] == "pixel"


def test_layout_level_reports_changes_in_json_and_text(tmp_path: Path) -> None:
    from .test_compare import change_everywhere_model

    model = str(change_everywhere_model(tmp_path / "change.safetensors"))
    base = page_like()
    changed = base.copy()
    changed[100:140, 40:200] = (30, 160, 60)
    a, b = str(write_png(tmp_path / "a.png", base)), str(write_png(tmp_path / "b.png", changed))
    unet = ("--method", "unet", "--model", model, "--device", "cpu", "--no-report")
    code, out, err = _run("compare", a, b, *unet, "--level", "layout", "--json")
    assert code == 0, err  # a change breaks nothing: reported, not failed
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    (pair,) = doc["pairs"]
    assert doc["verdict"] == pair["verdict"] == "pass" and pair["regions"] == []
    assert doc["level"] == pair["level"] == "layout"  # a pass here means no broken layout
    assert [c["kind"] for c in pair["changes"]] == ["change"]

    code, out, err = _run("compare", a, b, *unet, "--level", "layout")
    assert code == 0, err
    assert "b.png: 1 change(s), not failing; change " in out
    assert out.splitlines()[-1] == "PASS: 1 pair(s): 1 pass; 1 change(s), not failing [unet \u00b7 layout]"

    code, out, err = _run("compare", a, b, *unet, "--json")  # strict: the same change fails
    assert code == 1, err
    doc = json.loads(out)
    (pair,) = doc["pairs"]
    assert [r["kind"] for r in pair["regions"]] == ["change"] and pair["changes"] == []
    assert doc["level"] == pair["level"] == "strict"
    code, out, err = _run("compare", a, b, *unet)
    assert code == 1 and out.splitlines()[-1].endswith("[unet \u00b7 strict]"), err


def test_level_with_the_pixel_method_warns_once_and_carries_on(pair_dir: tuple[Path, Path]) -> None:
    ref, cand = (str(p / "broken.png") for p in pair_dir)
    warning = "warning: --level is the unet judge's; the pixel judge fails on any difference\n"
    code, out, err = _run("compare", ref, cand, "--no-report", "--json", "--method", "pixel")
    assert code == 1 and err == ""  # the default level says nothing
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["method"] == "pixel" and doc["level"] is None and doc["pairs"][0]["level"] is None
    for level in ("layout", "strict"):  # given explicitly, either level is one the pixel judge ignores
        code, out, err = _run("compare", ref, cand, "--no-report", "--json", "--method", "pixel", "--level", level)
        assert code == 1 and err == warning
        assert json.loads(out)["level"] is None  # the run is judged as without --level
    code, out, err = _run("compare", ref, cand, "--no-report", "--level", "layout", "--method", "pixel")
    assert code == 1 and err == warning
    assert out.splitlines()[-1] == "FAIL: 1 pair(s): 1 fail [pixel]"
