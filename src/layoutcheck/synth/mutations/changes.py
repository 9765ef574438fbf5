"""Changes that break nothing (mask class 1): new digits, a copy edit that fits, a colour, an icon, an image.

Every change checks that its element keeps its box (a copy edit that re-wraps a paragraph is not
"a copy edit that still fits"), so the only differences are inside the changed element.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterator

from layoutcheck.synth.mutations.assets import (
    ICONS, SYMBOL_SWAPS, WORDS_BY_LENGTH, icon_svg, match_case, other_colour, picture_svg, svg_data_url,
)
from layoutcheck.synth.mutations.planning import hint_weight, target, variants
from layoutcheck.synth.mutations.scan import El, Scan, TextNode
from layoutcheck.synth.mutations.session import Geometry, Plan, attr, css, html, text

_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{3,}")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fits(scan: Scan, e: El) -> Callable[[Geometry], bool]:
    """Check: the page did not reflow, and the element kept its box.

    An inline element (a link, a label in a button) may grow or shrink by up to 15 % of its width,
    as a new word of a slightly different length does; a block keeps its box to within a pixel.
    """
    def check(g: Geometry) -> bool:
        a, b = g.before.get(e.i), g.after.get(e.i)
        if a is None or b is None or abs(g.dh - scan.dh) > 0.5:
            return False
        if max(abs(a.rect[1] - b.rect[1]), abs(a.rect[3] - b.rect[3])) > 1.0:
            return False
        slack = 0.15 * a.rect[2] if e.display.startswith("inline") else 1.0
        return abs(a.rect[2] - b.rect[2]) <= slack and abs(a.rect[0] - b.rect[0]) <= slack

    return check


def _new_digits(rng: random.Random, run: str) -> str:
    """Other digits of the same script and count; a year (19xx/20xx) keeps its century."""
    zero = ord(run[0]) - unicodedata.digit(run[0])
    values = [unicodedata.digit(ch) for ch in run]
    keep = 2 if len(run) == 4 and values[:2] in ([1, 9], [2, 0]) else 0
    out = values[:keep]
    for k in range(keep, len(values)):
        choices = [d for d in range(10) if d != values[k] and not (k == 0 and len(run) > 1 and d == 0)]
        out.append(rng.choice(choices) if rng.random() < 0.7 or k == len(values) - 1 else values[k])
    return "".join(chr(zero + d) for d in out)


def digits(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """Other digits (a count, a price, a date) of the same length; or another month."""
    numbered = [t for t in scan.texts if _DIGITS.search(t.text)]
    dated = [t for t in scan.texts if any(re.search(rf"\b{m}\b", t.text) for m in _MONTHS)]

    def renumber(t: TextNode) -> Plan | None:
        runs = list(_DIGITS.finditer(t.text))
        chosen = rng.sample(runs, rng.randint(1, min(2, len(runs))))
        new = t.text
        for m in sorted(chosen, key=lambda m: -m.start()):
            new = new[: m.start()] + _new_digits(rng, m.group()) + new[m.end():]
        e = scan.els[t.parent]
        return Plan([text(t.t, new)], [e.i], {**target(e), "old": t.text.strip()[:80], "new": new.strip()[:80]},
                    _fits(scan, e))

    def month(t: TextNode) -> Plan:
        found = [m for m in _MONTHS if re.search(rf"\b{m}\b", t.text)]
        old = rng.choice(found)
        new_month = rng.choice([m for m in _MONTHS if m != old])
        new = re.sub(rf"\b{old}\b", new_month, t.text, count=1)
        e = scan.els[t.parent]
        return Plan([text(t.t, new)], [e.i], {**target(e), "old": t.text.strip()[:80], "new": new.strip()[:80]},
                    _fits(scan, e))

    yield from variants(rng, {"digits": (numbered, renumber), "month": (dated, month)},
                        weights={"digits": 4.0, "month": 1.0})


def copy_edit(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """One to three words replaced by words of about the same length; the text still fits its box.

    Replacement words come from the page itself (so they are in its language), or from a small
    English list when the page has too few.
    """
    texts = [t for t in scan.texts if len(_WORD.findall(t.text)) >= 3]
    vocabulary: dict[int, list[str]] = {}
    for t in scan.texts:
        for w in _WORD.findall(t.text):
            if w.lower() not in vocabulary.setdefault(len(w), []):
                vocabulary[len(w)].append(w.lower())

    def pool(n: int, old: str) -> list[str]:
        own = [w for k in (n, n - 1, n + 1) for w in vocabulary.get(k, []) if w != old.lower()]
        return own if len(own) >= 5 else own + [w for k in (n - 1, n, n + 1) for w in WORDS_BY_LENGTH.get(k, ())]

    def edit(t: TextNode) -> Plan | None:
        words = list(_WORD.finditer(t.text))
        chosen = rng.sample(words, min(len(words), rng.randint(1, 3)))
        new = t.text
        changed = []
        for m in sorted(chosen, key=lambda m: -m.start()):
            choices = pool(len(m.group()), m.group())
            if not choices:
                continue
            word = match_case(rng.choice(choices), m.group())
            new = new[: m.start()] + word + new[m.end():]
            changed.append([m.group(), word])
        if not changed:
            return None
        e = scan.els[t.parent]
        return Plan([text(t.t, new)], [e.i], {**target(e), "words": changed[::-1]}, _fits(scan, e))

    yield from variants(rng, {"words": (texts, edit)}, per_variant=8)


def colour(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A colour swap on a button, badge, link or heading: text, background or border."""
    widgets = [e for e in scan.els if (scan.is_button(e) or scan.is_badge(e) or e.hint in ("button", "badge"))
               and e.area <= 0.1 * scan.screen_area]
    inked_tags = ("a", "h1", "h2", "h3", "h4", "strong", "span", "label")
    inked = [e for e in scan.els if int(e.f["own"]) > 0 and (e.tag in inked_tags or scan.is_button(e) or scan.is_badge(e))]
    filled = [e for e in widgets if float(e.f["bga"]) >= 0.5 and not e.f["bgg"]]
    boxes = widgets + [e for e in scan.els if scan.is_card(e) or scan.is_input(e)]
    bordered = [e for e in boxes if float(e.f["bd"]) >= 1]

    def make(prop: str, source: str, e: El) -> Plan:
        old = str(e.f[source])
        new = other_colour(rng, old)
        ops = [css(e.i, prop, new)]
        if prop == "background-color" and float(e.f["bd"]) >= 1 and e.f["bdc"] == old:
            ops.append(css(e.i, "border-color", new))  # a filled button's border is its fill
        return Plan(ops, [e.i], {**target(e), "property": prop, "old": old, "new": new}, _fits(scan, e))

    yield from variants(rng, {"text": (inked, lambda e: make("color", "col", e)),
                              "background": (filled, lambda e: make("background-color", "bg", e)),
                              "border": (bordered, lambda e: make("border-color", "bdc", e))},
                        weights={"text": 1.0, "background": 2.0, "border": 1.0},
                        weight=lambda e: hint_weight(e, "button", "badge"))


def icon_swap(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """Another icon in the same place: an inline SVG, an icon image, or a glyph icon."""
    svgs = [e for e in scan.els if scan.is_icon(e) and e.tag == "svg"]
    imgs = [e for e in scan.els if scan.is_icon(e) and e.tag == "img"]
    glyphs = [t for t in scan.texts if any(ch in SYMBOL_SWAPS for ch in t.text) and len(t.text.strip()) <= 12]

    def inline(e: El) -> Plan:
        name = rng.choice(sorted(ICONS))
        look = {"viewBox": "0 0 24 24", "fill": "none", "stroke": "currentColor", "stroke-width": "2",
                "stroke-linecap": "round", "stroke-linejoin": "round"}
        ops = [*(attr(e.i, k, v) for k, v in look.items()), html(e.i, ICONS[name])]
        return Plan(ops, [e.i], {**target(e), "icon": name}, _fits(scan, e))

    def image(e: El) -> Plan:
        name = rng.choice(sorted(ICONS))
        url = svg_data_url(icon_svg(name, str(e.f["col"]), round(e.w)))
        ops = [attr(e.i, "src", url), attr(e.i, "srcset", None)]
        return Plan(ops, [e.i], {**target(e), "icon": name}, _fits(scan, e))

    def glyph(t: TextNode) -> Plan:
        new = "".join(SYMBOL_SWAPS.get(ch, ch) for ch in t.text)
        e = scan.els[t.parent]
        return Plan([text(t.t, new)], [e.i], {**target(e), "old": t.text.strip(), "new": new.strip()}, _fits(scan, e))

    yield from variants(rng, {"svg": (svgs, inline), "img": (imgs, image), "glyph": (glyphs, glyph)},
                        weights={"svg": 3.0, "img": 1.0, "glyph": 1.0})


def image_swap(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A different picture in the same box: an ``<img>``, an inline SVG illustration, a background."""
    imgs = [e for e in scan.els if e.tag == "img" and e.w >= 48 and e.h >= 32]
    svgs = [e for e in scan.els if e.tag == "svg" and e.w >= 72 and e.h >= 48]
    bgs = [e for e in scan.els if e.f["bgi"] and e.w >= 48 and e.h >= 32]

    def img(e: El) -> Plan:
        pic = picture_svg(rng, round(e.w), round(e.h))
        ops = [attr(e.i, "src", svg_data_url(pic)), attr(e.i, "srcset", None)]
        return Plan(ops, [e.i], {**target(e), "picture": "generated"}, _fits(scan, e))

    def svg(e: El) -> Plan:
        w, h = round(e.w), round(e.h)
        pic = picture_svg(rng, w, h)
        inner = pic[pic.index(">") + 1 : pic.rindex("</svg>")]
        ops = [attr(e.i, "viewBox", f"0 0 {w} {h}"), attr(e.i, "preserveAspectRatio", "none"), html(e.i, inner)]
        return Plan(ops, [e.i], {**target(e), "picture": "generated"}, _fits(scan, e))

    def background(e: El) -> Plan:
        pic = picture_svg(rng, round(e.w), round(e.h))
        value = f'url("{svg_data_url(pic)}")'
        ops = [css(e.i, "background-image", value), css(e.i, "background-size", "cover")]
        return Plan(ops, [e.i], {**target(e), "property": "background-image", "picture": "generated"}, _fits(scan, e))

    yield from variants(rng, {"img": (imgs, img), "svg": (svgs, svg), "background": (bgs, background)},
                        weights={"img": 3.0, "svg": 2.0, "background": 1.0}, weight=lambda e: hint_weight(e, "image"))

