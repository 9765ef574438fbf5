"""``layoutcheck synth``: render generated pages in Chromium and make labeled pairs from them.

Work is planned up front from the seed: page ``i`` gets seed ``seed * 1_000_000 + i``, a template,
a width and ``per_page`` samples whose mutation and random state derive from the sample id. So a
rerun with the same seed makes the same ids, skips those already in the manifest (resume), and
reproduces the same pixels. Each worker process keeps one Chromium (and one with other
font-rendering flags for the hinting noise) and applies many mutations to each loaded page.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from layoutcheck.dataset import MANIFEST, SPLITS, DatasetWriter, iter_manifest, split_for
from layoutcheck.errors import CaptureError, InputError

#: What a sample is made of, by share (defects rendered under image noise included).
DEFAULT_MIX = {"defect": 0.55, "change": 0.2, "benign": 0.25}
DEFAULT_WIDTHS = (375, 768, 1280)


@dataclass(frozen=True)
class SynthConfig:
    """Parameters of one ``synth`` run (recorded with every sample)."""

    out: Path
    pairs: int
    seed: int = 0
    widths: tuple[int, ...] = DEFAULT_WIDTHS
    workers: int = 1
    per_page: int = 6  # samples made from one loaded page
    window: int = 1024  # samples are windows of at most this height around what changed
    noise: float = 0.3  # share of defect/change samples whose candidate also gets image noise
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    split: str | None = None  # plan only pages of this split (e.g. a fresh test set), else all


@dataclass(frozen=True)
class Job:
    """One page at one width and the samples to make from it."""

    page_id: str
    page_seed: int
    template: str
    width: int
    split: str
    sample_ids: tuple[str, ...]


def plan(config: SynthConfig) -> list[Job]:
    """Every page and sample id of a run, decided by the seed alone."""
    from layoutcheck.synth.pages import template_for

    if config.pairs < 1 or config.per_page < 1:
        raise InputError("--pairs and the samples per page must be at least 1")
    if not config.widths or any(w < 200 or w > 3840 for w in config.widths):
        raise InputError(f"--widths must be between 200 and 3840 px, got {list(config.widths)}")
    if config.split is not None and config.split not in SPLITS:
        raise InputError(f"--split must be one of {', '.join(SPLITS)}, got {config.split!r}")
    jobs: list[Job] = []
    planned, i = 0, 0
    while planned < config.pairs:
        page_seed = config.seed * 1_000_000 + i
        width = config.widths[i % len(config.widths)]
        template = template_for(page_seed)
        split = split_for(template, page_seed)
        i += 1
        if config.split is not None and split != config.split:
            continue
        page_id = f"p{page_seed:09d}w{width}"
        count = min(config.per_page, config.pairs - planned)
        ids = tuple(f"{page_id}-{j:02d}" for j in range(count))
        jobs.append(Job(page_id, page_seed, template, width, split, ids))
        planned += count
    return jobs


def run_synth(config: SynthConfig, *, on_sample: Callable[[str], None] | None = None) -> dict[str, int]:
    """Generate the planned samples that are not in the dataset yet.

    Returns:
        Counts: ``planned``, ``skipped`` (already there), ``written``, ``failed`` (a page or a
        mutation that could not be made; logged in ``synth-errors.jsonl``).
    """
    writer = DatasetWriter(config.out)
    existing = writer.existing_ids()
    jobs = plan(config)
    todo = [j for j in jobs if not set(j.sample_ids) <= existing]
    counts = {"planned": sum(len(j.sample_ids) for j in jobs), "skipped": 0, "written": 0, "failed": 0}
    counts["skipped"] = sum(len(set(j.sample_ids) & existing) for j in jobs)
    for kind, ids in _run_jobs(config, todo, existing):
        for sid in ids:
            counts[kind] += 1
            if on_sample:
                on_sample(sid)
    _sort_manifest(config.out)
    return counts


def _run_jobs(config: SynthConfig, jobs: list[Job], existing: set[str]) -> Iterator[tuple[str, list[str]]]:
    if config.workers <= 1 or len(jobs) <= 1:
        worker = _Worker(config)
        try:
            for job in jobs:
                yield from worker.run(job, existing)
        finally:
            worker.close()
        return
    ctx = mp.get_context("spawn")
    tasks: Any = ctx.Queue()
    results: Any = ctx.Queue()
    for job in jobs:
        tasks.put(job)
    procs = [ctx.Process(target=_worker_main, args=(config, tasks, results, existing), daemon=True)
             for _ in range(min(config.workers, len(jobs)))]
    for p in procs:
        tasks.put(None)
        p.start()
    alive = len(procs)
    try:
        while alive:
            item = results.get()
            if item is None:
                alive -= 1
                continue
            if item[0] == "fatal":
                raise CaptureError(f"a synth worker could not start: {item[1][0]}")
            yield item
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()


def _worker_main(config: SynthConfig, tasks: Any, results: Any, existing: set[str]) -> None:
    """Entry point of a worker process: run jobs from ``tasks`` until the ``None`` sentinel."""
    try:
        worker = _Worker(config)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(("fatal", [f"{type(exc).__name__}: {exc}"]))
        results.put(None)
        return
    try:
        while (job := tasks.get()) is not None:
            for item in worker.run(job, existing):
                results.put(item)
    finally:
        worker.close()
        results.put(None)


class _Worker:
    """One Chromium (plus the hinting one) and the dataset writer, reused across jobs."""

    def __init__(self, config: SynthConfig) -> None:
        from playwright.sync_api import sync_playwright

        from layoutcheck.browser import launch_chromium

        self.config = config
        self.writer = DatasetWriter(config.out)
        self._pw = sync_playwright().start()
        self.browser = launch_chromium(self._pw)
        self.alt_browser = self._launch_alt()

    def _launch_alt(self) -> Any:
        from layoutcheck.synth.mutations import launch_alt_chromium

        return launch_alt_chromium(self._pw)

    def close(self) -> None:
        for b in (self.alt_browser, self.browser):
            try:
                b.close()
            except Exception:  # noqa: BLE001 - best effort at shutdown
                pass
        self._pw.stop()

    def run(self, job: Job, existing: set[str]) -> Iterator[tuple[str, list[str]]]:
        """Make the job's missing samples; yields ("written" | "failed", ids)."""
        from layoutcheck.capture import ShotOptions, snapshot
        from layoutcheck.imageio import decode_image
        from layoutcheck.synth.pages import generate_page

        todo = [sid for sid in job.sample_ids if sid not in existing]
        generated = generate_page(job.page_seed, job.template)
        context = self.browser.new_context(viewport={"width": job.width, "height": 800}, reduced_motion="reduce",
                                           locale="en-US", timezone_id="UTC", color_scheme="light")
        page = context.new_page()
        try:
            page.set_content(generated.html, wait_until="load")
            options = ShotOptions(full_page=True, stable_shots=3)
            ref_shot = snapshot(page, options)
            reference = decode_image(ref_shot.png)
            self.writer.write_page(job.page_id, ref_shot.png, {
                "page": job.page_id, "template": job.template, "seed": job.page_seed, "width": job.width,
                "split": job.split, "size": list(ref_shot.size),
                "elements": [{"selector": e.selector, "tag": e.tag, "box": list(e.box), "text_length": e.text_length,
                              "parent": e.parent} for e in ref_shot.elements],
            })
            for sid in todo:
                try:
                    self._make_sample(page, reference, job, sid, options)
                except Exception as exc:  # noqa: BLE001 - one bad mutation must not stop the run
                    self._log_error(sid, exc)
                    yield "failed", [sid]
                else:
                    yield "written", [sid]
        except Exception as exc:  # noqa: BLE001 - a page that fails to render is logged and skipped
            self._log_error(job.page_id, exc)
            yield "failed", todo
        finally:
            context.close()

    def _make_sample(self, page: Any, reference: np.ndarray, job: Job, sid: str, options: Any) -> None:
        from layoutcheck.synth import mutations, noise

        rng = random.Random(_seed_of(sid))
        nrng = np.random.default_rng(_seed_of(sid))
        kind = _pick(rng, self.config.mix)
        candidates = _names_for(kind, rng)
        shot = None
        for name in candidates:
            if name in noise.IMAGE_NOISE_KINDS:
                cand, _ = noise.apply_noise(reference, name, nrng)
                shot = mutations.MutatedShot(candidate=cand, mask=np.zeros(reference.shape[:2], np.uint8),
                                             kind="benign", mutation=name, boxes=(), params={"noise": name})
            else:
                shot = mutations.mutate(page, reference, name, rng, options, alt_browser=self.alt_browser)
            if shot is not None:
                break
        if shot is None:
            raise RuntimeError(f"no mutation of kind {kind} applies to this page (tried {', '.join(candidates)})")
        ref_img, cand, mask = _align(reference, shot.candidate, shot.mask)
        # The run's own keys last: a mutation's params may use the same names (e.g. a CSS "width").
        params: dict[str, Any] = {**shot.params, "seed": _seed_of(sid), "page_seed": job.page_seed,
                                  "viewport_width": job.width, "mutation": shot.mutation}
        if shot.kind != "benign" and rng.random() < self.config.noise:
            cand, mask2, noise_kind = noise.random_noise(cand, nrng, mask)
            mask = mask2 if mask2 is not None else mask
            params["noise"] = noise_kind
        ref_img, cand, mask, top = _window(ref_img, cand, mask, self.config.window, rng)
        params["window_top"] = top
        self.writer.write(sid, ref_img, cand, mask, source="synth", page=job.page_id, template=job.template,
                          split=job.split, params=_jsonable(params))

    def _log_error(self, what: str, exc: BaseException) -> None:
        line = json.dumps({"id": what, "error": f"{type(exc).__name__}: {exc}"[:500]}) + "\n"
        with (self.config.out / "synth-errors.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(line)


def _names_for(kind: str, rng: random.Random) -> list[str]:
    """Mutation names to try for a sample kind: a random first choice, then the rest as fallbacks."""
    from layoutcheck.synth import mutations, noise

    if kind == "defect":
        names = list(mutations.DEFECT_KINDS)
    elif kind == "change":
        names = list(mutations.CHANGE_KINDS)
    else:
        names = list(mutations.BROWSER_BENIGN_KINDS) + list(noise.IMAGE_NOISE_KINDS)
    rng.shuffle(names)
    return names


def _pick(rng: random.Random, mix: dict[str, float]) -> str:
    r, acc = rng.random() * sum(mix.values()), 0.0
    for kind, weight in mix.items():
        acc += weight
        if r < acc:
            return kind
    return next(iter(mix))


def _align(ref: np.ndarray, cand: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad the shorter/narrower screenshot with white so both have the candidate's frame size."""
    h, w = max(ref.shape[0], cand.shape[0]), max(ref.shape[1], cand.shape[1])

    def pad(img: np.ndarray, fill: int) -> np.ndarray:
        if img.shape[0] == h and img.shape[1] == w:
            return img
        out = np.full((h, w, *img.shape[2:]), fill, dtype=img.dtype)
        out[: img.shape[0], : img.shape[1]] = img
        return out

    return pad(ref, 255), pad(cand, 255), pad(mask, 0)


def _window(ref: np.ndarray, cand: np.ndarray, mask: np.ndarray, height: int, rng: random.Random
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """A horizontal band of at most ``height`` rows that holds the labelled region (or a random one)."""
    h = ref.shape[0]
    if h <= height:
        return ref, cand, mask, 0
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size:
        lo, hi = int(rows[0]), int(rows[-1]) + 1
        if hi - lo >= height:
            top = lo
        else:
            top = rng.randint(max(0, hi - height), min(lo, h - height))
    else:
        diff_rows = np.flatnonzero((ref != cand).any(axis=(1, 2)))
        start = int(diff_rows[0]) if diff_rows.size else 0
        top = rng.randint(max(0, start - height // 2), max(0, min(start, h - height)))
    top = max(0, min(top, h - height))
    return ref[top : top + height], cand[top : top + height], mask[top : top + height], top


def _seed_of(sample_id: str) -> int:
    return int(hashlib.sha256(sample_id.encode()).hexdigest()[:12], 16)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


def _sort_manifest(root: Path) -> None:
    """Rewrite the manifest sorted by id, so a run's manifest does not depend on worker timing."""
    from layoutcheck.fsutil import atomic_write_bytes

    path = root / MANIFEST
    samples = sorted(iter_manifest(root), key=lambda s: s.id)
    text = "".join(json.dumps(s.to_dict(), separators=(",", ":")) + "\n" for s in samples)
    atomic_write_bytes(path, text.encode("utf-8"))
