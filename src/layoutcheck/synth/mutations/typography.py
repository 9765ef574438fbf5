"""Defects of text: lines that overlap, fonts that fell back, icon glyphs drawn as tofu."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from html import escape

from layoutcheck.synth.mutations.assets import FALLBACKS, ICON_LIGATURES, MISSING_FONTS, PUA_GLYPHS
from layoutcheck.synth.mutations.planning import hint_weight, moved, px, target, variants
from layoutcheck.synth.mutations.scan import El, Scan, TextNode
from layoutcheck.synth.mutations.session import Geometry, Plan, css, swap, text

_SYMBOL = re.compile(r"[^\w\s.,;:!?'\"()\[\]{}/\\&%$€£+\-–—=<>@#*^~`|]")


def text_overlap(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """Lines of text on top of each other: a line-height below 1, a negative margin between paragraphs."""
    multi = [e for e in scan.els if scan.is_text_block(e, 2) and scan.sized(e, 300, 0.4)]
    stacked = []
    for e in scan.els:
        if not scan.is_text_block(e) or not scan.sized(e, 300, 0.4):
            continue
        prev, _ = scan.siblings(e)
        if prev is not None and scan.is_text_block(prev) and prev.y + prev.h <= e.y + 2:
            stacked.append((e, prev))

    def squeeze(e: El) -> Plan:
        lh = rng.uniform(0.5, 0.8)
        return Plan([css(e.i, "line-height", f"{lh:.2f}")], [e.i],
                    {**target(e), "property": "line-height", "new": round(lh, 2), "lines": e.lines},
                    lambda g: moved(g, e.i, 4))

    def pull_up(pair: tuple[El, El]) -> Plan:
        e, s = pair
        line = s.h / max(1, s.lines)
        margin = float(e.f["mar"][0]) - (e.y - (s.y + s.h)) - rng.uniform(0.4, 1.0) * line
        margin = min(margin, -6.0)

        def check(g: Geometry) -> bool:
            a = g.after.get(e.i)
            return a is not None and a.rect[1] < s.y + s.h - 3

        return Plan([css(e.i, "margin-top", px(margin))], [e.i, s.i],
                    {**target(e), "over": s.describe(), "property": "margin-top", "new": px(margin)}, check)

    yield from variants(rng, {"line-height": (multi, squeeze), "negative-margin": (stacked, pull_up)},
                        weights={"line-height": 2.0, "negative-margin": 1.0})


def _face(family: str) -> str:
    """The look of a computed ``font-family``: "serif", "mono" or "sans"."""
    first = family.split(",")[0].strip().strip('"').lower()
    if "mono" in first or "courier" in first or first == "monospace":
        return "mono"
    if "serif" in first and "sans" not in first or first in ("georgia", "times", "times new roman", "cambria"):
        return "serif"
    return "sans"


def _symbols(t: TextNode) -> bool:
    """A text node that is glyph icons: a few characters, none a letter or digit."""
    s = t.text.strip()
    return 0 < len(s) <= 8 and all(_SYMBOL.match(ch) or ch.isspace() for ch in s)


def font_fallback(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A web font or icon font that did not load: another face, tofu boxes, ligature names."""
    texty = [e for e in scan.els if int(e.f["txt"]) >= 12 and scan.sized(e, 300, 0.45)
             and (scan.is_text_block(e) or scan.is_button(e) or e.tag in ("h1", "h2", "h3", "nav", "li", "a")
                  or e.hint in ("text", "button", "nav", "card"))]
    glyphs = [t for t in scan.texts if _symbols(t)]
    icons = [e for e in scan.els if scan.is_icon(e) and e.tag == "svg"]

    def webfont(e: El) -> Plan:
        look = _face(str(e.f["ff"]))
        looks = [k for k in ("serif", "sans", "mono") if k != look]
        pick = rng.choices(looks, weights=[{"serif": 5, "sans": 3, "mono": 1}[k] for k in looks])[0]
        current = str(e.f["ff"]).split(",")[0].strip().strip('"').lower()
        choices = [f for f in FALLBACKS[pick] if f.strip('"').lower() != current]
        family = f'"{rng.choice(MISSING_FONTS)}", {rng.choice(choices)}'
        return Plan([css(e.i, "font-family", family)], [e.i],
                    {**target(e), "property": "font-family", "old": e.f["ff"], "new": family})

    def tofu(t: TextNode) -> Plan:
        out = "".join(ch if ch.isspace() else rng.choice(PUA_GLYPHS) for ch in t.text)
        e = scan.els[t.parent]
        return Plan([text(t.t, out)], [e.i], {**target(e), "text": t.text.strip(), "codepoints":
                                               sorted({f"U+{ord(c):04X}" for c in out if not c.isspace()})})

    def icon_tofu(e: El) -> Plan:
        glyph = rng.choice(PUA_GLYPHS)
        size = round(min(e.w, e.h))
        cls = " ".join(e.classes)
        span = (f'<span{f" class={chr(34)}{escape(cls)}{chr(34)}" if cls else ""} style="display:inline-block;'
                f'width:{e.w:.0f}px;height:{e.h:.0f}px;font-size:{size}px;line-height:{e.h:.0f}px;'
                f'text-align:center">{glyph}</span>')
        return Plan([swap(e.i, span)], [e.i], {**target(e), "replaced": "svg", "codepoint": f"U+{ord(glyph):04X}"})

    def ligature(e: El) -> Plan:
        name = rng.choice(ICON_LIGATURES)
        size = max(10, round(min(e.w, e.h) * rng.uniform(0.55, 0.8)))
        span = (f'<span style="display:inline-block;font-size:{size}px;line-height:{e.h:.0f}px;white-space:nowrap">'
                f'{name}</span>')
        return Plan([swap(e.i, span)], [e.i], {**target(e), "replaced": "svg", "ligature": name})

    yield from variants(rng, {"webfont": (texty, webfont), "tofu-glyphs": (glyphs, tofu),
                              "icon-tofu": (icons, icon_tofu), "icon-ligature": (icons, ligature)},
                        weights={"webfont": 3.0, "tofu-glyphs": 1.5, "icon-tofu": 1.5, "icon-ligature": 1.0},
                        weight=lambda c: hint_weight(c, "text", "button", "nav") if isinstance(c, El) else 1.0)
