"""``layoutcheck synth``: render generated pages in Chromium and make labeled pairs from them.

Work is planned up front from the seed: page ``i`` gets seed ``seed * 1_000_000 + i``, a template,
a width and ``per_page`` samples whose mutation and random state derive from the sample id. So a
rerun with the same seed makes the same ids, skips those already in the manifest (resume), and
reproduces the same pixels. Each worker process keeps one Chromium (and one with other
font-rendering flags for the hinting noise) and applies many mutations to each loaded page.

With ``realpages`` set, the pages are those of a real-page corpus (:mod:`.realpages`) instead:
page ``i`` is the ``i % n``-th of the corpus in an order shuffled by the seed, at width
``widths[(i // n) % len(widths)]``, loaded over ``file://``; its split is its project's
(``--split`` forces one split on every page), and benign samples also draw from the noise of
other machines (:mod:`.machine_noise`).
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

from layoutcheck.dataset import MANIFEST, SPLITS, DatasetWriter, change_mask, iter_manifest, split_for
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
    realpages: Path | None = None  # a real-page corpus (MANIFEST.json) instead of generated pages
    settle_ms: int = 1500  # real pages: wait after "load" for their scripts (charts animate ~1 s)


@dataclass(frozen=True)
class Job:
    """One page at one width and the samples to make from it."""

    page_id: str
    page_seed: int
    template: str
    width: int
    split: str
    sample_ids: tuple[str, ...]
    url: str = ""  # a real page (file:// URL); empty for a generated page
    page_path: str = ""  # the real page's path in its corpus (the manifest's "page")


def plan(config: SynthConfig) -> list[Job]:
    """Every page and sample id of a run, decided by the seed alone."""
    from layoutcheck.synth.pages import template_for

    if config.pairs < 1 or config.per_page < 1:
        raise InputError("--pairs and the samples per page must be at least 1")
    if not config.widths or any(w < 200 or w > 3840 for w in config.widths):
        raise InputError(f"--widths must be between 200 and 3840 px, got {list(config.widths)}")
    if config.split is not None and config.split not in SPLITS:
        raise InputError(f"--split must be one of {', '.join(SPLITS)}, got {config.split!r}")
    if config.realpages is not None:
        return _plan_realpages(config)
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


def _plan_realpages(config: SynthConfig) -> list[Job]:
    """Jobs over a real-page corpus: every page at the first width, then at the next, and so on."""
    from layoutcheck.synth.realpages import load_corpus, project_split

    assert config.realpages is not None
    pages = load_corpus(config.realpages)
    random.Random(f"realpages:{config.seed}").shuffle(pages)
    jobs: list[Job] = []
    planned, i = 0, 0
    while planned < config.pairs:
        page = pages[i % len(pages)]
        width = config.widths[(i // len(pages)) % len(config.widths)]
        page_seed = config.seed * 1_000_000 + i
        i += 1
        page_id = f"r{page_seed:09d}w{width}"
        count = min(config.per_page, config.pairs - planned)
        ids = tuple(f"{page_id}-{j:02d}" for j in range(count))
        split = config.split or project_split(page.project)
        jobs.append(Job(page_id, page_seed, page.project, width, split, ids, url=page.url, page_path=page.page))
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
        self.variants: Any = None  # machine_noise.VariantBrowsers, made on first use (real pages)

    def _launch_alt(self) -> Any:
        from layoutcheck.synth.mutations import launch_alt_chromium

        return launch_alt_chromium(self._pw)

    def close(self) -> None:
        if self.variants is not None:
            self.variants.close()
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

        todo = [sid for sid in job.sample_ids if sid not in existing]
        context = self.browser.new_context(viewport={"width": job.width, "height": 800}, reduced_motion="reduce",
                                           locale="en-US", timezone_id="UTC", color_scheme="light")
        page = context.new_page()
        try:
            self._load(job)(page)
            options = ShotOptions(full_page=True, stable_shots=3)
            ref_shot = snapshot(page, options)
            reference = decode_image(ref_shot.png)
            self.writer.write_page(job.page_id, ref_shot.png, {
                "page": job.page_path or job.page_id, "template": job.template, "seed": job.page_seed,
                "width": job.width, "split": job.split, "size": list(ref_shot.size),
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

    def _load(self, job: Job) -> Callable[[Any], None]:
        """How to load the job's page into a fresh Playwright page (the same for every browser)."""
        if job.url:
            settle = self.config.settle_ms

            def load_real(page: Any) -> None:
                page.goto(job.url, wait_until="load")
                page.wait_for_timeout(settle)

            return load_real
        from layoutcheck.synth.pages import generate_page

        html = generate_page(job.page_seed, job.template).html
        return lambda page: page.set_content(html, wait_until="load")

    def _machine_noise(self, name: str, page: Any, reference: np.ndarray, job: Job, options: Any,
                       rng: random.Random) -> Any:
        from layoutcheck.synth import machine_noise, mutations

        if self.variants is None:
            self.variants = machine_noise.VariantBrowsers(self._pw)
        made = machine_noise.make(name, page, reference, options, rng, browsers=self.variants, load=self._load(job))
        if made is None:
            return None
        if machine_noise.reflowed(made.params):  # text re-flowed: a change, not noise (docs/dataset.md)
            mask = change_mask(reference, made.candidate)
        else:
            mask = np.zeros(made.candidate.shape[:2], np.uint8)
        return mutations.MutatedShot(candidate=made.candidate, mask=mask, kind="benign", mutation=name, boxes=(),
                                     params=made.params)

    def _make_sample(self, page: Any, reference: np.ndarray, job: Job, sid: str, options: Any) -> None:
        from layoutcheck.synth import machine_noise, mutations, noise

        rng = random.Random(_seed_of(sid))
        nrng = np.random.default_rng(_seed_of(sid))
        kind = _pick(rng, self.config.mix)
        candidates = _names_for(kind, rng, real=bool(job.url))
        shot = None
        for name in candidates:
            if name in machine_noise.MACHINE_NOISE_KINDS:
                shot = self._machine_noise(name, page, reference, job, options, rng)
            elif name in noise.IMAGE_NOISE_KINDS:
                cand, _ = noise.apply_noise(reference, name, nrng)
                shot = mutations.MutatedShot(candidate=cand, mask=np.zeros(reference.shape[:2], np.uint8),
                                             kind="benign", mutation=name, boxes=(),
                                             params={"noise": name, **({"noise_family": "image"} if job.url else {})})
            else:
                shot = mutations.mutate(page, reference, name, rng, options, alt_browser=self.alt_browser)
            if shot is not None:
                break
        if shot is None:
            raise RuntimeError(f"no mutation of kind {kind} applies to this page (tried {', '.join(candidates)})")
        if shot.kind == "benign" and shot.candidate.shape[1] == reference.shape[1]:
            # Machine noise may make the page taller (a top border, another font): the heights
            # stay as rendered, as compare would see them (docs/dataset.md).
            ref_img, cand, mask = reference, shot.candidate, shot.mask
        else:
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
        if job.url:
            params["realpage"] = job.page_path
        self.writer.write(sid, ref_img, cand, mask, source="realpage" if job.url else "synth",
                          page=job.page_path or job.page_id, template=job.template, split=job.split,
                          params=_jsonable(params))

    def _log_error(self, what: str, exc: BaseException) -> None:
        line = json.dumps({"id": what, "error": f"{type(exc).__name__}: {exc}"[:500]}) + "\n"
        with (self.config.out / "synth-errors.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(line)


def _names_for(kind: str, rng: random.Random, *, real: bool = False) -> list[str]:
    """Mutation names to try for a sample kind: a random first choice, then the rest as fallbacks.

    Real pages also draw the noise of other machines; "hinting" is left out for them (it re-runs
    the page's scripts over their own output), ``fontstack:rgba-rgb`` is its equivalent.
    """
    from layoutcheck.synth import machine_noise, mutations, noise

    if kind == "defect":
        names = list(mutations.DEFECT_KINDS)
    elif kind == "change":
        names = list(mutations.CHANGE_KINDS)
    elif real:
        names = [n for n in mutations.BROWSER_BENIGN_KINDS if n != "hinting"]
        names += list(noise.IMAGE_NOISE_KINDS) + list(machine_noise.MACHINE_NOISE_KINDS)
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
    """A horizontal band of at most ``height`` rows that holds the labelled region (or a random one).

    The reference may be a row or two shorter or taller than the candidate (machine noise); both
    are cut at the same rows.
    """
    h = cand.shape[0]
    if max(h, ref.shape[0]) <= height:
        return ref, cand, mask, 0
    if h <= height:  # only the reference is longer
        return ref[:height], cand, mask, 0
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size:
        lo, hi = int(rows[0]), int(rows[-1]) + 1
        if hi - lo >= height:
            top = lo
        else:
            top = rng.randint(max(0, hi - height), min(lo, h - height))
    else:
        common = min(h, ref.shape[0])
        diff_rows = np.flatnonzero((ref[:common] != cand[:common]).any(axis=(1, 2)))
        start = int(diff_rows[0]) if diff_rows.size else 0
        last = max(0, min(start, h - height))
        top = rng.randint(min(last, max(0, start - height // 2)), last)  # the difference may start near the end
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
