"""The ``layoutcheck`` command line: parse, call one core function, render the result.

Library errors (:class:`~layoutcheck.errors.LayoutcheckError`) become one line on stderr and
their exit code; nothing else is caught, so a real bug still shows its traceback.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from layoutcheck import __version__
from layoutcheck.errors import InputError, LayoutcheckError
from layoutcheck.results import PairResult, Region, RunResult, Verdict

F = TypeVar("F", bound=Callable[..., Any])

_MARK = {
    Verdict.PASS: "ok  ", Verdict.FAIL: "FAIL", Verdict.NEW: "new ", Verdict.DELETED: "del ", Verdict.ERROR: "ERR "
}
_COLOUR = {
    Verdict.PASS: "green", Verdict.FAIL: "red", Verdict.NEW: "yellow", Verdict.DELETED: "yellow", Verdict.ERROR: "red"
}


def _errors_to_exit(func: F) -> F:
    """Turn library errors into one stderr line and the error's exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LayoutcheckError as exc:
            click.echo(f"layoutcheck: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("layoutcheck: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="layoutcheck")
def main() -> None:
    """layoutcheck: screenshot regression tests that fail on broken layout, not on rendering noise."""


@main.command()
@click.argument("reference", type=click.Path(path_type=Path))
@click.argument("candidate", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("report"), show_default=True,
              help="Folder for the HTML report (index.html, result.json, images).")
@click.option("--no-report", is_flag=True, help="Do not write a report.")
@click.option("--method", type=click.Choice(["unet", "pixel"]), default="unet", show_default=True,
              help="The judge: the U-Net segmenter (the shipped model) or a pixel comparator.")
@click.option("--threshold", type=float, default=None,
              help="Judge threshold; for pixel, the YIQ colour threshold in [0, 1] (default 0.1).")
@click.option("--level", type=click.Choice(["strict", "layout"]), default="strict", show_default=True,
              help="unet: strict fails on any real change, layout only on broken layout.")
@click.option("--device", default="auto", show_default=True, help="unet: auto, cpu, cuda or cuda:N.")
@click.option("--runtime", type=click.Choice(["auto", "onnx", "torch"]), default="auto", show_default=True,
              help="unet: where the network runs; auto: ONNX Runtime on the CPU, torch on an accelerator.")
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="unet: the weights file (default: $LAYOUTCHECK_MODEL, else the shipped model).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON document on stdout.")
@click.option("--fail-on-missing", is_flag=True, help="Also fail when a pair is new or deleted.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the verdicts as JUnit XML (one test case per pair) for CI test reports.")
@click.pass_context
@_errors_to_exit
def compare(
    ctx: click.Context,
    reference: Path, candidate: Path, out_dir: Path, no_report: bool, method: str,
    threshold: float | None, level: str, device: str, runtime: str, model_path: Path | None, as_json: bool,
    fail_on_missing: bool, junit_path: Path | None,
) -> None:
    """Compare REFERENCE and CANDIDATE: two images, or two folders matched by relative path.

    Exit code 0 when every pair passes, 1 when a pair fails, 2 on a usage or input error (in a
    folder run, a pair whose image cannot be read is reported as an error, the others are judged
    and the report is written, and the exit code is 2).
    """
    from layoutcheck.compare import compare_paths
    from layoutcheck.judges import get_judge

    if method == "pixel" and ctx.get_parameter_source("level") not in (None, ParameterSource.DEFAULT):
        # Said, not silently dropped (the pytest plugin warns in the same case).
        click.echo("warning: --level is the unet judge's; the pixel judge fails on any difference", err=True)
    judge = get_judge(method, threshold, level=level, device=device, model_path=model_path, runtime=runtime)
    # On stderr, so that --json's stdout stays one document; only on a terminal, as in CI logs a
    # bar is noise and the summary says it all.
    with click.progressbar(length=0, label="compare", show_pos=True, file=sys.stderr,
                           hidden=not sys.stderr.isatty(), item_show_func=lambda name: name) as bar:
        def tick(pair: PairResult, done: int, total: int) -> None:
            bar.length = total
            bar.update(1, pair.name)

        run = compare_paths(reference, candidate, judge, out_dir=None if no_report else out_dir, on_pair=tick)
    failed = run.verdict is Verdict.FAIL or (
        fail_on_missing and any(p.verdict in (Verdict.NEW, Verdict.DELETED) for p in run.pairs)
    )
    if junit_path is not None:
        from layoutcheck.fsutil import atomic_write_bytes
        from layoutcheck.junit import to_junit

        report_url = None if no_report else str(out_dir / "index.html")
        try:
            atomic_write_bytes(junit_path, to_junit(run, report_url=report_url, fail_on_missing=fail_on_missing))
        except OSError as exc:
            raise InputError(f"{junit_path}: cannot write the JUnit file ({exc.strerror or exc})") from exc
    if as_json:
        data = run.to_dict()
        data["verdict"] = "fail" if failed else "pass"
        click.echo(json.dumps(data, indent=2))
    else:
        _print_summary(run, None if no_report else out_dir / "index.html")
    errors = sum(p.verdict is Verdict.ERROR for p in run.pairs)
    if errors:
        click.echo(f"layoutcheck: error: {errors} pair(s) could not be judged: their images cannot be read", err=True)
        sys.exit(2)
    sys.exit(1 if failed else 0)


def _print_summary(run: RunResult, report: Path | None) -> None:
    """A one-screen summary: the pairs that need attention first, then the totals."""
    shown = sorted(run.pairs, key=lambda p: (p.verdict is Verdict.PASS, p.name))
    limit = 15
    for pair in shown[:limit]:
        click.echo(_pair_line(pair))
    if len(shown) > limit:
        click.echo(f"  … {len(shown) - limit} more (see the report)")
    counts = run.counts()
    parts = [f"{counts[v.value]} {v.value}" for v in Verdict if counts[v.value]]
    changes = sum(len(p.changes) for p in run.pairs)
    reported = f"; {changes} change(s), not failing" if changes else ""
    verdict = click.style(run.verdict.value.upper(), fg=_COLOUR[run.verdict], bold=True)
    judged = run.method + (f" \u00b7 {run.level}" if run.level else "")  # [unet · layout]: what a pass means
    click.echo(f"{verdict}: {len(run.pairs)} pair(s): {', '.join(parts) or 'none'}{reported} [{judged}]")
    if report is not None:
        click.echo(f"report: {report}")


def _pair_line(pair: PairResult) -> str:
    mark = click.style(_MARK[pair.verdict], fg=_COLOUR[pair.verdict])
    line = f"{mark} {pair.name}"
    if pair.error:
        line += f": {pair.error}"
    elif pair.regions:
        line += f": {len(pair.regions)} region(s), {pair.diff_pixels} px differ; {_first(pair.regions)}"
        if pair.changes:
            line += f"; {len(pair.changes)} change(s), not failing"
    elif pair.changes:
        line += f": {len(pair.changes)} change(s), not failing; {_first(pair.changes)}"
    return line


def _first(regions: tuple[Region, ...]) -> str:
    """The first region in words, and how many more there are."""
    first = regions[0]
    where = f"{first.w}x{first.h} at ({first.x},{first.y})"
    if first.element:
        where += f" on {first.element}"
    more = f" (+{len(regions) - 1} more)" if len(regions) > 1 else ""
    return f"{first.kind} {where}{more}"


@main.command()
@click.argument("config", type=click.Path(path_type=Path), default=Path("."))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the screenshots (default: the config's output_dir, or baseline_dir with --update).")
@click.option("--update", is_flag=True, help="Write the reference (baseline) set instead of candidates.")
@click.option("--page", "pages", multiple=True, help="Capture only this page (repeatable).")
@click.option("--css", "css_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Extra CSS file injected into every page (repeatable).")
@_errors_to_exit
def capture(config: Path, out_dir: Path | None, update: bool, pages: tuple[str, ...], css_files: tuple[Path, ...]) -> None:
    """Take stable screenshots of the pages in CONFIG (layoutcheck.toml, or a pyproject.toml
    with [tool.layoutcheck], or a folder holding one)."""
    from layoutcheck.capture import Shot, capture as run_capture
    from layoutcheck.config import load_config

    cfg = load_config(config)
    css = []
    for path in css_files:
        try:
            css.append(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{path}: cannot read CSS file ({exc.strerror or exc})") from exc
    target = out_dir or (cfg.baseline_dir if update else cfg.output_dir)

    def report(shot: Shot) -> None:
        note = "" if shot.stable else click.style(f"  (not stable after {shot.shots} shots)", fg="yellow")
        click.echo(f"  {shot.name}  {shot.size[0]}x{shot.size[1]}{note}")

    def failed(name: str, error: Exception) -> None:
        click.echo(f"  {name}  {click.style('FAILED', fg='red')}: {error}")

    click.echo(f"capturing into {target}")
    shots = run_capture(cfg, target, only=pages, extra_css="\n".join(css), on_shot=report, on_failure=failed)
    click.echo(f"{len(shots)} screenshot(s) written")


@main.command()
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Approve every candidate screenshot.")
@click.option("--config", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The capture config that names the baseline and output folders.")
@_errors_to_exit
def approve(names: tuple[str, ...], all_: bool, config: Path) -> None:
    """Promote candidate screenshots NAMES (page@viewport or page) to references."""
    from layoutcheck.baselines import approve as run_approve
    from layoutcheck.config import load_config

    cfg = load_config(config)
    done = run_approve(cfg.output_dir, cfg.baseline_dir, names, all_=all_)
    for name in done:
        click.echo(f"  approved {name}")
    click.echo(f"{len(done)} baseline(s) updated in {cfg.baseline_dir}")


@main.command()
@click.argument("report_dir", type=click.Path(path_type=Path, file_okay=False))
@_errors_to_exit
def report(report_dir: Path) -> None:
    """Re-render REPORT_DIR/index.html from its result.json."""
    from layoutcheck.report import rerender

    click.echo(str(rerender(report_dir)))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Dataset folder (created; an existing one is resumed).")
@click.option("--pairs", type=click.IntRange(min=1), required=True, help="Number of samples to plan.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the whole run.")
@click.option("--widths", default="375,768,1280", show_default=True, help="Viewport widths, comma-separated.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes, each with its own Chromium.")
@click.option("--per-page", type=click.IntRange(min=1), default=6, show_default=True,
              help="Samples made from each rendered page.")
@click.option("--split", type=click.Choice(["train", "val", "test"]), default=None,
              help="Make only pages of this split (e.g. a fresh held-out test set); default: all. "
                   "With --realpages: put every page in this split.")
@click.option("--realpages", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Use the real pages of this corpus (a folder with MANIFEST.json) instead of generated ones; "
                   "split by project.")
@_errors_to_exit
def synth(out_dir: Path, pairs: int, seed: int, widths: str, workers: int, per_page: int, split: str | None,
          realpages: Path | None) -> None:
    """Generate labeled screenshot pairs: procedural pages rendered in Chromium, with layout
    defects, harmless changes and rendering noise injected. Resumable: ids already in the
    dataset are skipped."""
    from layoutcheck.synth.generate import SynthConfig, plan, run_synth

    try:
        width_list = tuple(int(w) for w in widths.split(",") if w.strip())
    except ValueError as exc:
        raise InputError(f"--widths must be integers separated by commas, got {widths!r}") from exc
    config = SynthConfig(out=out_dir, pairs=pairs, seed=seed, widths=width_list, workers=workers, per_page=per_page,
                         split=split, realpages=realpages)
    plan(config)  # bad input (widths, a corpus entry) is one line, before the progress bar starts
    with click.progressbar(length=pairs, label="synth", show_pos=True, show_eta=True) as bar:
        counts = run_synth(config, on_sample=lambda _sid: bar.update(1))
    click.echo(
        f"{counts['written']} written, {counts['skipped']} already there, {counts['failed']} failed "
        f"(see {out_dir / 'synth-errors.jsonl'})" if counts["failed"] else
        f"{counts['written']} written, {counts['skipped']} already there"
    )


@main.group()
def dataset() -> None:
    """Inspect datasets in the layoutcheck format (docs/dataset.md)."""


@dataset.command("stats")
@click.argument("root", type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_errors_to_exit
def dataset_stats(root: Path, as_json: bool) -> None:
    """Counts per kind, class, source, split, template and width, and mask areas, of ROOT."""
    from layoutcheck.dataset import stats

    data = stats(root)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{data['samples']} samples from {data['pages']} pages")
    for key in ("kind", "class", "source", "split", "width", "template"):
        items = sorted(data[key].items(), key=lambda kv: -kv[1])
        click.echo(f"{key:>9}: " + ", ".join(f"{k} {v}" for k, v in items))
    q = data["mask_area_fraction_p10_p50_p90"]
    if q:
        click.echo(f"mask area (share of the image) p10 {q[0]:.4f}, p50 {q[1]:.4f}, p90 {q[2]:.4f}")
    if len(data["by_source"]) > 1:
        for src, part in data["by_source"].items():
            items = sorted(part["split_kind"].items())
            click.echo(f"{src:>9}: {part['samples']} samples from {part['pages']} pages; "
                       + ", ".join(f"{k} {v}" for k, v in items))


@dataset.command("preview")
@click.argument("root", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=Path("samples.png"),
              show_default=True, help="PNG contact sheet to write.")
@click.option("--limit", type=click.IntRange(min=1), default=8, show_default=True, help="Samples to show.")
@click.option("--id", "ids", multiple=True, help="Show these sample ids (default: one per class).")
@_errors_to_exit
def dataset_preview(root: Path, out_file: Path, limit: int, ids: tuple[str, ...]) -> None:
    """Draw samples of ROOT side by side: reference, candidate, mask over the candidate."""
    from layoutcheck.dataset import read_manifest
    from layoutcheck.preview import contact_sheet, pick_samples

    samples = read_manifest(root)
    if ids:
        by_id = {s.id: s for s in samples}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise InputError(f"{root}: no sample(s) {', '.join(unknown)}")
        chosen = [by_id[i] for i in ids]
    else:
        chosen = pick_samples(samples, limit=limit)
    if not chosen:
        raise InputError(f"{root}: the dataset has no samples")
    contact_sheet(root, chosen).save(out_file)
    click.echo(f"{len(chosen)} sample(s) drawn into {out_file}")


@main.command("train")
@click.option("--data", "data", multiple=True, required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Dataset folder (repeatable): train samples and pages train, val samples validate.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The best model (safetensors); the resumable state goes to OUT.ckpt.")
@click.option("--init", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Fine-tune this model (its architecture is kept).")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:N.")
@click.option("--epochs", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--batch", type=click.IntRange(min=1), default=16, show_default=True, help="Tiles per step per process.")
@click.option("--tile", type=click.IntRange(min=32), default=256, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Peak learning rate.  [default: 0.002; with --init 0.0002, a fine-tune's]")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=click.IntRange(min=0), default=2, show_default=True, help="DataLoader workers.")
@click.option("--composite", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Share of pairs made on the fly by the compositor from the datasets' train pages.")
@click.option("--small-crops", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of tiles cut down to a 12-64 px window and edge-padded, as the judge pads small images.")
@click.option("--label-share", type=click.FloatRange(0, 1, max_open=True), default=None,
              help="Share of stored-pair draws given to labels made with `layoutcheck label` when the data mixes "
                   "them with other pairs (0: draw them like any pair).  [default: 0.3]")
@click.option("--distill", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="With --init: weight of a term that keeps the --init model's answers on every tile not cut from "
                   "a label (learning without forgetting; 0: off).")
@click.option("--freeze-norm", is_flag=True,
              help="Keep the batch-norm running statistics (of --init) as they are; their scale and shift still learn.")
@click.option("--freeze-encoder", is_flag=True,
              help="With --init: train only the decoder and the head; the encoder keeps --init's weights.")
@click.option("--max-steps", type=click.IntRange(min=1), default=None, help="Stop after this many steps (resumable).")
@click.option("--amp", type=click.Choice(["auto", "off", "bf16", "fp16"]), default="auto", show_default=True)
@click.option("--base", type=click.IntRange(min=1), default=16, show_default=True, help="Model width (fresh models).")
@click.option("--depth", type=click.IntRange(1, 6), default=4, show_default=True, help="Model depth (fresh models).")
@click.option("--fusion", type=click.Choice(["early", "siamese"]), default="early", show_default=True,
              help="How the two screenshots meet (fresh models): one stacked input, or a shared encoder.")
@click.option("--block", type=click.Choice(["dsconv", "conv"]), default="dsconv", show_default=True,
              help="Convolution block (fresh models): depthwise-separable or plain 3x3.")
@click.option("--epoch-pairs", type=click.IntRange(min=1), default=None,
              help="Stored pairs drawn per epoch (default: all of them).")
@click.option("--val-pairs", type=click.IntRange(min=1), default=256, show_default=True,
              help="Validate on at most this many val pairs.")
@click.option("--restart", is_flag=True, help="Ignore OUT.ckpt and start over.")
@click.option("--no-calibrate", is_flag=True,
              help="Keep the default threshold instead of calibrating it on the val pairs at the end.")
@_errors_to_exit
def train_command(data: tuple[Path, ...], out: Path, init: Path | None, device: str, epochs: int, batch: int,
                  tile: int, lr: float | None, seed: int, workers: int, composite: float, small_crops: float,
                  label_share: float | None, distill: float, freeze_norm: bool, freeze_encoder: bool,
                  max_steps: int | None, amp: str,
                  base: int, depth: int, fusion: str, block: str, epoch_pairs: int | None, val_pairs: int,
                  restart: bool, no_calibrate: bool) -> None:
    """Train (or fine-tune with --init) the U-Net judge. Resumes from OUT.ckpt; Ctrl-C saves it.
    Multi-GPU: torchrun --nproc-per-node N -m layoutcheck train ..."""
    _require_torch("train")
    from layoutcheck.model import ModelConfig
    from layoutcheck.train import TrainConfig, train
    from layoutcheck.train.config import FINETUNE_LR, LABEL_SHARE, LR

    config = TrainConfig(
        data=data, out=out, init=init, device=device, epochs=epochs, batch=batch, tile=tile, seed=seed,
        lr=lr if lr is not None else FINETUNE_LR if init is not None else LR,
        workers=workers, composite=composite, small_crops=small_crops, max_steps=max_steps, amp=amp, resume=not restart,
        label_share=LABEL_SHARE if label_share is None else label_share, distill=distill, freeze_norm=freeze_norm,
        freeze_encoder=freeze_encoder,
        model=ModelConfig(base=base, depth=depth, fusion=fusion, block=block), epoch_pairs=epoch_pairs,
        val_pairs=val_pairs, calibrate=not no_calibrate,
        command=shlex.join(["layoutcheck", *sys.argv[1:]]),
    )
    bar: Any = None

    def show(event: dict[str, Any]) -> None:
        nonlocal bar
        kind = event["event"]
        if kind == "start":
            resumed = f", resuming after epoch {event['resumed_from']}" if event["resumed_from"] else ""
            click.echo(f"training on {event['device']} ({event['amp']}, {event['world']} process(es)): "
                       f"{event['train_pairs']} train pairs, {event['train_pages']} pages, {event['val_pairs']} val "
                       f"pairs, {event['steps_per_epoch']} steps/epoch{resumed}")
        elif kind == "note":
            click.echo(f"note: {event['message']}", err=True)
        elif kind == "step" and not sys.stdout.isatty():
            # No terminal (CI logs, nohup): a plain line per logged step instead of a bar.
            kept = f" (distill {event['distill']:.4f})" if distill else ""
            click.echo(f"epoch {event['epoch']}/{event['epochs']} step {event['step']}/{event['steps']}: "
                       f"loss {event['loss']:.4f}{kept}, {event['tiles_per_s']:.1f} tiles/s")
        elif kind == "step":
            if bar is None:
                bar = click.progressbar(length=event["steps"], label=f"epoch {event['epoch']}/{event['epochs']}",
                                        show_pos=True, item_show_func=lambda s: s)
                bar.__enter__()
                bar.update(event["step"] - 1)
            bar.update(event["step"] - bar.pos, f"loss {event['loss']:.4f}  {event['tiles_per_s']:.0f} tiles/s")
        elif kind == "epoch":
            if bar is not None:
                bar.__exit__(None, None, None)
                bar = None
            val = event["val"]
            line = f"epoch {event['epoch']}: loss {event['loss']:.4f}, {event['tiles_per_s']:.0f} tiles/s"
            if val:
                def num(key: str, digits: int = 3) -> str:  # None or NaN where the val set lacks the pairs
                    v = val.get(key)
                    return "n/a" if v is None or v != v else f"{v:.{digits}f}"

                line += (f"; val score {num('score', 4)} (defect recall {num('defect_recall')}, benign FPR "
                         f"{num('benign_fpr_strict')}, layout IoU {num('iou_layout')} at thresholds strict "
                         f"{num('threshold_strict', 2)} / layout {num('threshold_layout', 2)})"
                         + ("  * best" if event["best"] else ""))
            click.echo(line)
        elif kind == "calibrated":
            chosen = ", ".join(f"{level} {t:g}" for level, t in event["thresholds"].items())
            click.echo(f"calibrated thresholds on the val pairs: {chosen}")

    try:
        result = train(config, on_progress=show)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    score = "no val set" if result.best_metric is None else f"val score {result.best_metric:.4f}"
    click.echo(f"{result.best_path} ({score}, sha256 {result.sha256[:12]}); {result.stopped} after "
               f"{result.epoch} epoch(s), {result.steps} steps, {result.seconds:.0f} s")
    _export_beside(result.best_path)


def _require_torch(command: str) -> None:
    """Stop with one line (exit 2) when a command that needs torch runs on the base install."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        from layoutcheck.runtime import RuntimeNotAvailableError

        raise RuntimeNotAvailableError(
            f"layoutcheck {command} needs PyTorch, which the base install leaves out; pip install 'layoutcheck[torch]'"
        )


def _export_beside(model: Path) -> None:
    """Write the ONNX twin a trained model needs for the base install's runtime (or say why not)."""
    from layoutcheck.runtime import RuntimeNotAvailableError, export_onnx

    try:
        click.echo(f"ONNX export: {export_onnx(model)}")
    except RuntimeNotAvailableError as exc:
        click.echo(f"no ONNX export written ({exc}); the torch runtime can still run {model}", err=True)


@main.command("export")
@click.option("--model", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The U-Net model (default: $LAYOUTCHECK_MODEL, else the shipped model).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The ONNX file (default: beside the model, same name, .onnx; the runtime looks there).")
@_errors_to_exit
def export_command(model: Path | None, out: Path | None) -> None:
    """Export a U-Net model to ONNX, for the onnx runtime (the base install's, no torch needed).

    The export is checked against torch before it is written; a model with a pinned .sha256 gets
    a pinned .onnx.sha256 too. Needs the torch install: pip install 'layoutcheck[torch]'.
    """
    from layoutcheck.runtime import export_onnx
    from layoutcheck.weights import default_model_path

    path = export_onnx(model if model is not None else default_model_path(), out,
                       on_step=lambda msg: click.echo(msg, err=True))
    click.echo(str(path))


@main.command("eval")
@click.option("--model", type=click.Path(path_type=Path, dir_okay=False), default=None, help="The U-Net model.")
@click.option("--data", "data", multiple=True, required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--method", "methods", multiple=True, type=click.Choice(["unet", "pixel"]),
              help="Judge(s) to evaluate (repeatable; default: unet and pixel with --model, else pixel).")
@click.option("--split", default="test", show_default=True, help="train, val, test or all.")
@click.option("--level", "levels", multiple=True, type=click.Choice(["strict", "layout"]), help="Default: both.")
@click.option("--device", default="auto", show_default=True)
@click.option("--threshold", type=click.FloatRange(0, 1), default=None, help="The U-Net's probability threshold.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Evaluate only the first N pairs.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), default=Path("eval.json"),
              show_default=True, help="Where to write the report as JSON.")
@_errors_to_exit
def eval_command(model: Path | None, data: tuple[Path, ...], methods: tuple[str, ...], split: str,
                 levels: tuple[str, ...], device: str, threshold: float | None, limit: int | None, json_path: Path) -> None:
    """Score the U-Net and the pixel comparator on the same labelled pairs, side by side."""
    if "unet" in (methods or (("unet",) if model else ())):
        _require_torch("eval --method unet")
    from layoutcheck.evaluate import EvalConfig, evaluate
    from layoutcheck.fsutil import atomic_write_bytes

    config = EvalConfig(
        data=data, split=split, methods=methods or (("unet", "pixel") if model else ("pixel",)), model=model,
        levels=levels or ("strict", "layout"), device=device, threshold=threshold, limit=limit,
    )
    with click.progressbar(length=0, label="eval", show_pos=True) as bar:
        def tick(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        report = evaluate(config, on_pair=tick)
    atomic_write_bytes(json_path, report.to_json().encode("utf-8"))
    click.echo(report.to_markdown())
    click.echo(f"report: {json_path}")


@main.command("calibrate")
@click.option("--model", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The U-Net model; its metadata gets the thresholds (a pinned .sha256 beside it is updated).")
@click.option("--data", "data", multiple=True, required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--split", type=click.Choice(["train", "val", "test"]), default="val", show_default=True,
              help="Pairs to calibrate on: never the split you report.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Use N of the pairs (a fixed draw: the ones train validates on with --val-pairs N).")
@click.option("--device", default="auto", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the table, leave the model file alone.")
@_errors_to_exit
def calibrate_command(model: Path, data: tuple[Path, ...], split: str, limit: int | None, device: str,
                      dry_run: bool) -> None:
    """Pick the U-Net judge's threshold per level on labelled pairs and store it in the model."""
    import json

    _require_torch("calibrate")
    from layoutcheck.calibrate import calibrate
    from layoutcheck.weights import THRESHOLDS_KEY, update_metadata

    with click.progressbar(length=0, label="calibrate", show_pos=True) as bar:
        def tick(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        result = calibrate(model, data, split=split, limit=limit, device=device, on_pair=tick)
    click.echo(result.to_markdown())
    chosen = ", ".join(f"{level} {t:g}" for level, t in result.thresholds.items())
    if dry_run:
        click.echo(f"would store: {chosen}")
        return
    digest = update_metadata(model, {THRESHOLDS_KEY: json.dumps(result.thresholds, sort_keys=True)})
    click.echo(f"stored in {model}: {chosen} (sha256 {digest[:12]})")


@main.command("label")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0: any free one). The server never listens on another interface.")
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Pre-fill each unlabeled pair with this U-Net's predicted mask.")
@click.option("--order", type=click.Choice(["queue", "uncertainty"]), default="queue", show_default=True,
              help="uncertainty (needs --model): the pairs the model is least sure of first.")
@click.option("--device", default="cpu", show_default=True, help="Where --model runs.")
@click.option("--add", "add", nargs=2, type=(click.Path(path_type=Path, file_okay=False), str), default=None,
              metavar="REPORT_DIR PAIR", help="Bring one pair of a compare report into the labeling folder --to.")
@click.option("--to", "to", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The labeling folder (--add; for a report FOLDER, default <report>-labels).")
@click.option("--split", type=click.Choice(["train", "val", "test"]), default="train", show_default=True,
              help="Split of the pairs brought in from a report.")
@_errors_to_exit
def label_command(folder: Path | None, port: int, model_path: Path | None, order: str, device: str,
                  add: tuple[Path, str] | None, to: Path | None, split: str) -> None:
    """Label pairs in the browser: paint defect masks, mark false alarms (a dataset or a report FOLDER)."""
    if add is not None:
        if to is None or folder is not None:
            raise click.UsageError("use: layoutcheck label --add REPORT_DIR PAIR --to DIR")
        from layoutcheck.label import add_from_report

        entry = add_from_report(add[0], add[1], to, split=split)
        click.echo(f"added {entry.name!r} to {to} as {entry.id}; label it: layoutcheck label {shlex.quote(str(to))}")
        return
    if folder is None:
        raise click.UsageError("give a dataset or report FOLDER, or --add REPORT_DIR PAIR --to DIR")
    if order == "uncertainty" and model_path is None:
        raise click.UsageError("--order uncertainty needs --model FILE")
    if model_path is not None:
        _require_torch("label --model")  # the pre-filled masks are the dense per-class predictions
    from layoutcheck.label import (
        Predictor, create_app, make_label_server, new_token, open_store, rank_by_uncertainty,
    )

    store = open_store(folder, to=to, split=split)
    predictor = Predictor(model_path, device=device) if model_path is not None else None
    scores: dict[str, float] = {}
    if predictor is not None and order == "uncertainty":
        with click.progressbar(length=0, label="ranking by uncertainty", show_pos=True, file=sys.stderr) as bar:
            def tick(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            scores = rank_by_uncertainty(store, predictor, on_pair=tick)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request; errors still show
    token = new_token()
    server = make_label_server(create_app(store, token=token, predictor=predictor, uncertainty=scores), port=port)
    labeled, total = store.progress()
    click.echo(f"labeling {total} pair(s) ({labeled} labeled); labels are saved in {store.root}")
    click.echo(f"open http://127.0.0.1:{server.server_port}/?token={token}   (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped; every saved label is in the manifest", err=True)
    finally:
        server.server_close()


if __name__ == "__main__":  # pragma: no cover
    main()
