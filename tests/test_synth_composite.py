"""Tests of the image-space compositor on a small synthetic page drawn with Pillow."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from layoutcheck.elements import ElementBox
from layoutcheck.errors import InputError
from layoutcheck.synth.composite import (
    COMPOSITE_KINDS,
    DIFF_THRESHOLD,
    MASK_DILATION,
    CompositePair,
    composite_pair,
)
from layoutcheck.synth.noise import IMAGE_NOISE_KINDS

SIZE = 512
DEFECT_OPS = [op for op in COMPOSITE_KINDS if op != "benign"]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:  # no DejaVu installed: Pillow's own scalable font
        return ImageFont.load_default(size=size)


@cache
def synthetic_page() -> tuple[np.ndarray, tuple[ElementBox, ...]]:
    """A 720x860 page: header with a nav row, hero text, a button, a gradient image, three
    bordered cards (icon, heading, paragraph, link) and a footer; with its element boxes."""
    im = Image.new("RGB", (720, 860), "white")
    d = ImageDraw.Draw(im)
    els: list[ElementBox] = []

    def add(selector: str, tag: str, box: tuple[int, int, int, int], text: str = "") -> None:
        els.append(ElementBox(selector, tag, box, len(text)))

    def text(selector: str, tag: str, xy: tuple[int, int], lines: list[str], size: int,
             width: int | None = None, bold: bool = False, fill: tuple[int, int, int] = (30, 35, 45)) -> None:
        font = _font(size, bold)
        pitch = int(size * 1.45)
        for k, line in enumerate(lines):
            d.text((xy[0], xy[1] + k * pitch), line, font=font, fill=fill)
        w = width or int(max(d.textlength(line, font=font) for line in lines)) + 1
        add(selector, tag, (xy[0], xy[1], w, pitch * len(lines)), " ".join(lines))

    add("body > header:nth-of-type(1)", "header", (0, 0, 720, 60))
    d.line([(0, 59), (719, 59)], fill=(226, 230, 236))
    d.rectangle([24, 14, 55, 45], fill=(52, 84, 209))
    add("body > header:nth-of-type(1) > img:nth-of-type(1)", "img", (24, 14, 32, 32))
    add("body > header:nth-of-type(1) > ul:nth-of-type(1)", "ul", (300, 20, 400, 22))
    for k, word in enumerate(["Product", "Pricing", "Docs", "Blog"]):
        text(f"body > header:nth-of-type(1) > ul:nth-of-type(1) > li:nth-of-type({k + 1})", "li",
             (300 + 90 * k, 20), [word], 15)

    hero = "body > main:nth-of-type(1) > section:nth-of-type(1)"
    add(hero, "section", (0, 60, 720, 240))
    text(f"{hero} > h1:nth-of-type(1)", "h1", (40, 84), ["Ship faster on a cloud"], 30, bold=True)
    text(f"{hero} > p:nth-of-type(1)", "p", (40, 134),
         ["Northwind gives your team managed", "Postgres, queues and edge functions", "with automatic backups."], 15,
         width=420)
    d.rounded_rectangle([40, 222, 199, 261], radius=6, fill=(52, 84, 209))
    d.text((58, 232), "Start free trial", font=_font(15, True), fill="white")
    add(f"{hero} > a:nth-of-type(1)", "a", (40, 222, 160, 40), "Start free trial")
    grad = np.linspace(235, 190, 200)[None, :, None] * np.ones((130, 1, 1)) + np.array([0, 5, 20])
    im.paste(Image.fromarray(np.clip(grad, 0, 255).astype(np.uint8)), (480, 140))
    d.line([(490, 250), (540, 220), (590, 235), (660, 170)], fill=(52, 84, 209), width=3)
    add(f"{hero} > img:nth-of-type(1)", "img", (480, 140, 200, 130))

    cards = "body > main:nth-of-type(1) > section:nth-of-type(2)"
    d.rectangle([0, 300, 719, 629], fill=(244, 246, 250))
    add(cards, "section", (0, 300, 720, 330))
    add(f"{cards} > div:nth-of-type(1)", "div", (40, 330, 640, 260))
    titles = ["Managed Postgres", "Edge Functions", "Security built in"]
    icons = [(59, 130, 246), (22, 163, 74), (217, 119, 6)]
    for k in range(3):
        x, card = 40 + 220 * k, f"{cards} > div:nth-of-type(1) > article:nth-of-type({k + 1})"
        d.rounded_rectangle([x, 330, x + 199, 589], radius=8, fill="white", outline=(226, 230, 236))
        add(card, "article", (x, 330, 200, 260))
        d.rounded_rectangle([x + 16, 346, x + 51, 381], radius=6, fill=icons[k])
        add(f"{card} > div:nth-of-type(1)", "div", (x + 16, 346, 36, 36))
        text(f"{card} > h3:nth-of-type(1)", "h3", (x + 16, 396), [titles[k]], 16, width=168, bold=True)
        text(f"{card} > p:nth-of-type(1)", "p", (x + 16, 428),
             ["Point-in-time recovery", "and read replicas out", "of the box, with zero", f"downtime (plan {k + 1})."],
             13, width=168, fill=(90, 98, 112))
        text(f"{card} > a:nth-of-type(1)", "a", (x + 16, 540), ["Learn more ->"], 13, bold=True,
             fill=(52, 84, 209))

    add("body > footer:nth-of-type(1)", "footer", (0, 660, 720, 200))
    for k, (head, items) in enumerate([("PRODUCT", ["Overview", "Pricing", "Status"]),
                                       ("COMPANY", ["About", "Careers", "Press kit"])]):
        col = f"body > footer:nth-of-type(1) > div:nth-of-type({k + 1})"
        add(col, "div", (40 + 200 * k, 680, 160, 120))
        text(f"{col} > h4:nth-of-type(1)", "h4", (40 + 200 * k, 680), [head], 12, bold=True)
        for n, item in enumerate(items):
            text(f"{col} > ul:nth-of-type(1) > li:nth-of-type({n + 1})", "li", (40 + 200 * k, 710 + 26 * n), [item], 14)
    return np.asarray(im, dtype=np.uint8).copy(), tuple(els)


def _changed(pair: CompositePair) -> np.ndarray:
    """Pixels where some channel moved by more than the compositor's threshold."""
    diff = np.abs(pair.candidate.astype(np.int16) - pair.reference.astype(np.int16))
    changed: np.ndarray = diff.max(axis=2) > DIFF_THRESHOLD
    return changed


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    out = np.pad(mask, r)
    h, w = mask.shape
    shifts = [out[dy : dy + h, dx : dx + w] for dy in range(2 * r + 1) for dx in range(2 * r + 1)]
    grown: np.ndarray = np.any(shifts, axis=0)
    return grown


def _make(op: str | None, seed: int, **kwargs: object) -> CompositePair:
    page, elements = synthetic_page()
    return composite_pair(page, elements, np.random.default_rng(seed), op=op, **kwargs)  # type: ignore[arg-type]


def _check_shapes(pair: CompositePair, size: tuple[int, int] = (SIZE, SIZE)) -> None:
    assert pair.reference.shape == pair.candidate.shape == (*size, 3)
    assert pair.mask.shape == size
    assert pair.reference.dtype == pair.candidate.dtype == pair.mask.dtype == np.uint8
    json.dumps(pair.params)  # serialisable as a manifest line's params


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("op", DEFECT_OPS)
def test_op_labels_exactly_what_changed(op: str, seed: int) -> None:
    pair = _make(op, seed, noise=0.0)
    _check_shapes(pair)
    cls = COMPOSITE_KINDS[op]
    labelled, changed = pair.mask > 0, _changed(pair)
    assert pair.params["op"] == op and pair.params["noise"] is None
    assert pair.classes == (cls,)
    assert pair.kind == ("change" if cls == 1 else "defect")
    assert set(np.unique(pair.mask).tolist()) == {0, cls}
    assert changed.any()
    # every visible change is labelled ...
    assert not (changed & ~labelled).any()
    if op == "remove":
        # ... and the label of a removal is the element's former box, a filled rectangle
        ys, xs = np.nonzero(labelled)
        assert labelled[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].all()
    else:
        # ... and nothing else: each label pixel is within the dilation of a changed pixel
        assert not (labelled & ~_dilate(changed, MASK_DILATION)).any()


@pytest.mark.parametrize("op", DEFECT_OPS + ["benign"])
def test_boxes_cover_the_labels_inside_the_crop(op: str) -> None:
    pair = _make(op, 3, noise=0.0)
    covered = np.zeros_like(pair.mask, dtype=bool)
    for x, y, w, h, cls in pair.boxes:
        assert 0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= SIZE and y + h <= SIZE
        assert cls == COMPOSITE_KINDS[op]
        assert (pair.mask[y : y + h, x : x + w] == cls).any()
        covered[y : y + h, x : x + w] = True
    assert not (pair.mask.astype(bool) & ~covered).any()
    assert bool(pair.boxes) == (op != "benign")


def test_benign_pair_has_noise_and_an_empty_mask() -> None:
    pair = _make("benign", 0, noise=0.0)  # benign always gets a noise
    _check_shapes(pair)
    assert pair.kind == "benign" and pair.classes == () and pair.boxes == ()
    assert not pair.mask.any()
    assert pair.params["noise"] in IMAGE_NOISE_KINDS
    assert pair.reference.std() > 10  # the crop shows content, not blank page


def test_same_seed_gives_identical_pairs() -> None:
    for seed in range(4):
        a, b = _make(None, seed), _make(None, seed)
        assert a.params == b.params and a.boxes == b.boxes and a.kind == b.kind
        for x, y in ((a.reference, b.reference), (a.candidate, b.candidate), (a.mask, b.mask)):
            assert np.array_equal(x, y)


def test_random_op_draws_many_ops() -> None:
    ops = {_make(None, seed, noise=0.0).params["op"] for seed in range(24)}
    assert len(ops) >= 8


def test_noise_path_keeps_labels_aligned() -> None:
    """Same seed with and without noise: same op and reference; the candidate gets one benign
    noise on top; the mask is untouched, or moved with the pixels for vshift."""
    kinds = set()
    for seed in range(16):
        clean, noisy = _make(None, seed, noise=0.0), _make(None, seed, noise=1.0)
        kind = noisy.params["noise"]
        kinds.add(kind)
        assert kind in IMAGE_NOISE_KINDS
        assert np.array_equal(clean.reference, noisy.reference)
        assert clean.params["op"] == noisy.params["op"]
        if clean.params["op"] == "benign":  # noisy either way
            assert clean.params["noise"] == kind and np.array_equal(clean.candidate, noisy.candidate)
            continue
        assert clean.params["noise"] is None
        assert not np.array_equal(clean.candidate, noisy.candidate)
        if kind == "vshift":
            shifted = [np.concatenate([clean.mask[:1].repeat(k, 0), clean.mask[:-k]]) for k in (1, 2)]
            shifted += [np.concatenate([clean.mask[k:], clean.mask[-1:].repeat(k, 0)]) for k in (1, 2)]
            assert any(np.array_equal(noisy.mask, m) for m in shifted)
        else:
            assert np.array_equal(clean.mask, noisy.mask)
            gap = np.abs(noisy.candidate.astype(np.int16) - clean.candidate.astype(np.int16)).mean()
            assert gap < 4
    assert "vshift" in kinds and len(kinds) >= 4


def test_whole_page_and_padding() -> None:
    page, elements = synthetic_page()
    whole = composite_pair(page, elements, np.random.default_rng(0), size=None, op="move", noise=0.0)
    _check_shapes(whole, page.shape[:2])
    assert np.array_equal(whole.reference, page)
    narrow = [e for e in elements if e.box[0] + e.box[2] <= 300]
    pair = composite_pair(np.ascontiguousarray(page[:, :300]), narrow, np.random.default_rng(0), op="remove", noise=0.0)
    _check_shapes(pair)
    assert (pair.reference[:, 300:] == 255).all() and (pair.candidate[:, 300:] == 255).all()


def test_bad_arguments() -> None:
    page, elements = synthetic_page()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="unknown op"):
        composite_pair(page, elements, rng, op="explode")
    with pytest.raises(ValueError, match="uint8"):
        composite_pair(page.astype(np.float32), elements, rng)
    with pytest.raises(InputError, match="no suitable element"):
        composite_pair(page, [], rng, op="move")
    assert composite_pair(page, [], rng).kind == "benign"  # no elements: only noise is possible
