"""Defects of placement: overlap, overflow, viewport overflow, clipping, wrap, misalignment.

Each planner yields :class:`Plan`s for one defect class, variants in random order; a plan's
``check`` confirms from the geometry (before any screenshot) that the defect really happened.
Magnitudes are what such bugs look like in practice: a negative margin of a third to most of the
neighbour, a box 40–75 % of the height its text needs, an item pushed 2–20 px off its row.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from layoutcheck.synth.mutations.assets import WORDS_BY_LENGTH, long_token
from layoutcheck.synth.mutations.planning import (
    Variant, has_content, hint_weight, inter, log_uniform, moved, overflows, px, target, variants,
)
from layoutcheck.synth.mutations.scan import El, Scan
from layoutcheck.synth.mutations.session import Geometry, Op, Plan, css, text

_STATIC = ("static", "relative")


def _neighbours(scan: Scan, e: El) -> list[tuple[El, str]]:
    """Siblings next to ``e`` with their side: "above", "below", "left", "right"."""
    out = []
    for s in scan.siblings(e):
        if s is None or not has_content(scan, s) or not scan.sized(s, 300, 0.3):
            continue
        if s.y + s.h <= e.y + 2:
            out.append((s, "above"))
        elif s.y >= e.y + e.h - 2:
            out.append((s, "below"))
        elif s.x + s.w <= e.x + 2:
            out.append((s, "left"))
        elif s.x >= e.x + e.w - 2:
            out.append((s, "right"))
    return out


def _toward(e: El, s: El, side: str, frac: float) -> tuple[str, float]:
    """The axis ("top"/"left") and signed offset that moves ``e`` ``frac`` into neighbour ``s``."""
    if side == "above":
        return "top", -((e.y - (s.y + s.h)) + frac * s.h)
    if side == "below":
        return "top", (s.y - (e.y + e.h)) + frac * s.h
    if side == "left":
        return "left", -((e.x - (s.x + s.w)) + frac * s.w)
    return "left", (s.x - (e.x + e.w)) + frac * s.w


def overlap(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """An element pushed into its neighbour: negative margin, relative offset or transform."""
    pairs = [(e, s, side) for e in scan.els if scan.sized(e, 400, 0.25) and e.w >= 30 and e.h >= 16
             and e.f["p"] in _STATIC and has_content(scan, e) for s, side in _neighbours(scan, e)]

    def make(how: str, pair: tuple[El, El, str]) -> Plan | None:
        e, s, side = pair
        frac = rng.uniform(0.3, 0.75)
        axis, off = _toward(e, s, side, frac)
        if how == "negative-margin":
            if side not in ("above", "left"):
                return None
            prop = "margin-top" if axis == "top" else "margin-left"
            cur = e.f["mar"][0 if axis == "top" else 3]
            # Positioned, so it paints over its neighbour as a later sibling would.
            ops, value = [css(e.i, prop, px(cur + off)), css(e.i, "position", "relative")], px(cur + off)
        elif how == "relative":
            prop, value = axis, px(off)
            ops = [css(e.i, "position", "relative"), css(e.i, axis, value)]
        else:
            prop = "transform"
            value = f"translate({off:.0f}px, 0px)" if axis == "left" else f"translate(0px, {off:.0f}px)"
            ops = [css(e.i, "transform", value)]

        def check(g: Geometry) -> bool:
            a, b = g.after.get(e.i), g.before.get(s.i)
            return a is not None and b is not None and inter(a.rect, b.rect) >= max(150.0, 0.08 * min(e.area, s.area))

        return Plan(ops, [e.i, s.i], {**target(e), "into": s.describe(), "side": side, "property": prop,
                                      "value": value, "fraction": round(frac, 2)}, check)

    # Light movers (text, buttons, icons) leave both elements visible: an overlap, not an occlusion.
    def weight(p: tuple[El, El, str]) -> float:
        return hint_weight(p[0], "button", "text", "icon", "badge") * (0.3 if p[0].opaque and p[0].area > 4000 else 1.0)

    hows = ("negative-margin", "relative", "transform")
    yield from variants(rng, {h: (pairs, lambda p, h=h: make(h, p)) for h in hows}, weight=weight)


def _spills(scan: Scan, e: El, g: Geometry, by: float = 8.0) -> bool:
    """Subject ``e``'s content now sticks out of its parent's box (or its own) by ``by`` px."""
    m = g.after.get(e.i)
    if m is None:
        return False
    p = scan.parent(e)
    ref = p.box if p is not None and p.tag not in ("body", "html") else m.rect
    x, y, w, h = m.ext
    return x + w > ref[0] + ref[2] + by or y + h > ref[1] + ref[3] + by or x < ref[0] - by or overflows(g, e.i, by)


def overflow(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """Content that sticks out of its box: fixed sizes too small, long words, nowrap, wide children."""
    boxes = [e for e in scan.els if (scan.is_card(e) or e.framed) and int(e.f["txt"]) >= 20
             and scan.sized(e, 2000, 0.4) and e.h >= 50]
    labels = [e for e in scan.els if (scan.is_button(e) or scan.is_badge(e)) and int(e.f["txt"]) >= 4 and e.w >= 40]
    narrow = [e for e in scan.els if scan.is_text_block(e) and e.w <= 0.6 * scan.vw and scan.text_of(e)]
    multi = [e for e in scan.els if scan.is_text_block(e, 2) and e.w <= 0.85 * scan.vw]
    wide = [e for e in scan.els if e.tag in ("img", "table", "input", "select", "textarea", "pre", "button", "svg")
            and (p := scan.parent(e)) is not None and p.w <= 0.9 * scan.vw and e.w >= 0.3 * p.w and e.w >= 40]

    def fixed_height(e: El) -> Plan:
        hgt = e.h * rng.uniform(0.4, 0.7)
        ops = [css(e.i, "height", px(hgt)), css(e.i, "min-height", "0px"), css(e.i, "max-height", "none"),
               css(e.i, "overflow", "visible"), css(e.i, "flex", "none")]
        return Plan(ops, [e.i], {**target(e), "property": "height", "old": px(e.h), "new": px(hgt)},
                    lambda g: overflows(g, e.i, 8))

    def fixed_width(e: El) -> Plan:
        wid = e.w * rng.uniform(0.45, 0.75)
        ops = [css(e.i, "width", px(wid)), css(e.i, "min-width", "0px"), css(e.i, "white-space", "nowrap"),
               css(e.i, "overflow", "visible"), css(e.i, "flex", "none")]
        if e.display == "inline":
            ops.append(css(e.i, "display", "inline-block"))
        return Plan(ops, [e.i], {**target(e), "property": "width", "old": px(e.w), "new": px(wid)},
                    lambda g: overflows(g, e.i, 6))

    def long_word(e: El) -> Plan | None:
        nodes = [t for t in scan.text_of(e) if len(t.text.split()) >= 2]
        if not nodes:
            return None
        t = rng.choice(nodes)
        chars = int(e.w * rng.uniform(1.3, 2.0) / (0.58 * float(e.f["fs"]))) + 1
        token = long_token(rng, chars)
        words = t.text.split(" ")
        k = rng.randrange(len(words))
        new = " ".join(words[:k] + [token] + words[k + 1:])
        return Plan([text(t.t, new)], [e.i], {**target(e), "token": token, "chars": len(token)},
                    lambda g: _spills(scan, e, g, 12))

    def nowrap(e: El) -> Plan:
        return Plan([css(e.i, "white-space", "nowrap")], [e.i],
                    {**target(e), "property": "white-space", "new": "nowrap"}, lambda g: _spills(scan, e, g, 16))

    def wide_child(e: El) -> Plan:
        p = scan.parent(e)
        wid = (p.w if p else e.w) * rng.uniform(1.15, 1.6)
        prop = rng.choice(["width", "min-width"])
        ops = [css(e.i, prop, px(wid)), css(e.i, "max-width", "none"), css(e.i, "flex-shrink", "0")]
        if e.tag in ("img", "svg"):
            ops.append(css(e.i, "height", px(e.h)))
        return Plan(ops, [e.i], {**target(e), "property": prop, "new": px(wid)}, lambda g: _spills(scan, e, g, 8))

    yield from variants(rng, {"fixed-height": (boxes, fixed_height), "fixed-width": (labels, fixed_width),
                              "long-word": (narrow, long_word), "nowrap": (multi, nowrap),
                              "wide-child": (wide, wide_child)})


def viewport_overflow(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """An element wider than the viewport: vw widths, min-widths, offsets, hard-coded desktop widths."""
    cands = [e for e in scan.els if e.w >= 0.25 * scan.vw and e.h >= 20 and e.f["p"] in _STATIC
             and e.tag not in ("html", "body", "main", "tbody", "thead", "tr") and e.area <= 0.8 * scan.screen_area
             and has_content(scan, e)]
    vw = scan.vw

    def make(how: str, e: El) -> Plan | None:
        if how == "vw-width":
            prop, value = "width", f"{rng.uniform(108, 140):.0f}vw"
        elif how == "min-width":
            prop, value = "min-width", px(vw + rng.uniform(60, 480))
        elif how == "fixed-width":
            prop, value = "width", px(vw * rng.uniform(1.08, 1.5))
        elif how == "offset":
            shift = rng.uniform(0.12, 0.4) * vw
            if e.x + e.w + shift < vw + 24:
                return None
            prop, value = "left", px(shift)
        else:
            prop, value = "margin-right", px(-rng.uniform(80, 400))
        ops = [css(e.i, prop, value)]
        if prop in ("width", "min-width"):
            ops += [css(e.i, "max-width", "none"), css(e.i, "flex-shrink", "0")]
        if prop == "left":
            ops.append(css(e.i, "position", "relative"))

        def check(g: Geometry) -> bool:
            m = g.after.get(e.i)
            return m is not None and g.dw > g.vw + 8 and m.ext[0] + m.ext[2] > g.vw + 8

        return Plan(ops, [e.i], {**target(e), "property": prop, "value": value}, check)

    yield from variants(rng, {h: (cands, lambda e, h=h: make(h, e)) for h in
                              ("vw-width", "min-width", "fixed-width", "offset", "negative-margin")},
                        weight=lambda e: hint_weight(e, "card", "image", "nav", "section") * (2.0 if e.framed else 1.0))


def clipping(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """Content cut off: fixed heights with overflow hidden, ellipsis, too-narrow labels, line clamps."""
    blocks = [e for e in scan.els if (scan.is_text_block(e, 2) or scan.is_card(e)) and scan.sized(e, 1000, 0.4)]
    single = [e for e in scan.els if (scan.is_button(e) or scan.is_badge(e) or (scan.is_text_block(e) and e.lines == 1))
              and int(e.f["txt"]) >= 6 and e.w >= 40]
    clampable = [e for e in scan.els if scan.is_text_block(e, 3)]

    def short(prop: str, e: El) -> Plan:
        hgt = e.h * rng.uniform(0.35, 0.75)
        ops = [css(e.i, prop, px(hgt)), css(e.i, "overflow", "hidden"), css(e.i, "min-height", "0px")]
        if prop == "max-height":
            ops.append(css(e.i, "height", "auto"))
        return Plan(ops, [e.i], {**target(e), "property": prop, "old": px(e.h), "new": px(hgt), "overflow": "hidden"},
                    lambda g: overflows(g, e.i, 4))

    def ellipsis(e: El) -> Plan:
        ops = [css(e.i, "white-space", "nowrap"), css(e.i, "overflow", "hidden"), css(e.i, "text-overflow", "ellipsis")]
        params = {**target(e), "property": "text-overflow", "new": "ellipsis"}
        if e.lines <= 1:
            wid = e.w * rng.uniform(0.45, 0.8)
            ops += [css(e.i, "width", px(wid)), css(e.i, "flex", "none")]
            params["width"] = px(wid)
        if e.display == "inline":
            ops.append(css(e.i, "display", "inline-block"))
        return Plan(ops, [e.i], params, lambda g: overflows(g, e.i, 2))

    def narrow(e: El) -> Plan:
        wid = e.w * rng.uniform(0.45, 0.8)
        ops = [css(e.i, "width", px(wid)), css(e.i, "min-width", "0px"), css(e.i, "overflow", "hidden"),
               css(e.i, "white-space", "nowrap"), css(e.i, "flex", "none")]
        if e.display == "inline":
            ops.append(css(e.i, "display", "inline-block"))
        return Plan(ops, [e.i], {**target(e), "property": "width", "old": px(e.w), "new": px(wid)},
                    lambda g: overflows(g, e.i, 2))

    def clamp(e: El) -> Plan:
        n = rng.randint(1, max(1, e.lines - 1))
        ops = [css(e.i, "display", "-webkit-box"), css(e.i, "-webkit-box-orient", "vertical"),
               css(e.i, "-webkit-line-clamp", str(n)), css(e.i, "overflow", "hidden")]
        return Plan(ops, [e.i], {**target(e), "property": "-webkit-line-clamp", "new": n, "lines": e.lines},
                    lambda g: overflows(g, e.i, 2))

    yield from variants(rng, {"fixed-height": (blocks, lambda e: short("height", e)),
                              "max-height": (blocks, lambda e: short("max-height", e)),
                              "ellipsis": (blocks + single, ellipsis), "narrow-label": (single, narrow),
                              "line-clamp": (clampable, clamp)})


def wrap(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A row whose items no longer fit: an item drops to the next row."""
    rows = [(c, items) for c, items in scan.rows() if len(items) <= 40]
    flex = [r for r in rows if r[0].display in ("flex", "inline-flex") and str(r[0].f["fd"]).startswith("row")]
    grids = [r for r in rows if r[0].display in ("grid", "inline-grid") and int(r[0].f["gtc"]) >= 3]
    floats = [r for r in rows if any(k.f["fl"] != "none" for k in r[1])]
    inline = [r for r in rows if r[0].display not in ("flex", "inline-flex", "grid", "inline-grid")]

    def first_row(items: list[El]) -> list[El]:
        return [k for k in items if abs(k.y - items[0].y) <= 4]

    def plan(c: El, items: list[El], ops: list[Op], params: dict[str, object]) -> Plan:
        ids = [k.i for k in items][:24]
        row = first_row(items)

        def check(g: Geometry) -> bool:
            for k in row:
                a, b = g.before.get(k.i), g.after.get(k.i)
                if a is not None and b is not None and b.rect[1] >= a.rect[1] + 0.6 * a.rect[3]:
                    return True
            return False

        return Plan(ops, [c.i, *ids], {**target(c), "items": len(items), **params}, check)

    def free(c: El, row: list[El]) -> float:
        inner = c.w - float(c.f["pad"][1]) - float(c.f["pad"][3])
        return inner - sum(x.w for x in row) - float(c.f["gap"]) * (len(row) - 1)

    def wider_item(r: tuple[El, list[El]]) -> Plan | None:
        c, items = r
        row = first_row(items)
        k = rng.choice(row)
        grow = max(free(c, row), 0) + rng.uniform(0.1, 0.4) * k.w
        if grow > 0.8 * k.w:  # would be a freakishly stretched item: leave it to the other variants
            return None
        ops = [css(c.i, "flex-wrap", "wrap"), css(k.i, "flex", "none"), css(k.i, "width", px(k.w + grow)),
               css(k.i, "max-width", "none")]
        return plan(c, items, ops, {"item": k.describe(), "property": "width", "old": px(k.w), "new": px(k.w + grow)})

    page_words = [w for t in scan.texts for w in t.text.split() if w.isalpha() and 3 <= len(w) <= 9][:400]

    def longer_label(r: tuple[El, list[El]]) -> Plan | None:
        """A one-line label (a link, a tab, a button) whose text grew, as a translation does."""
        c, items = r
        row = first_row(items)
        labels = [k for k in row
                  if (ts := scan.texts_within(k)) and k.h <= 2.4 * float(scan.els[ts[-1].parent].f["fs"])]
        if not labels:
            return None
        k = rng.choice(labels)
        t = scan.texts_within(k)[-1]
        fs = float(scan.els[t.parent].f["fs"])
        need = min(max(free(c, row), 0) + rng.uniform(0.1, 0.5) * k.w, 0.9 * c.w - k.w)
        if need <= 4:
            return None
        pool = page_words or list(WORDS_BY_LENGTH[5])
        words: list[str] = []
        while len(" ".join(words)) * 0.55 * fs < need and len(words) < 12:
            words.append(rng.choice(pool).lower())
        new = t.text.rstrip() + " " + " ".join(words) + t.text[len(t.text.rstrip()):]
        ops = [css(c.i, "flex-wrap", "wrap")] if c.display in ("flex", "inline-flex") else []
        ops += [css(k.i, "white-space", "nowrap"), text(t.t, new)]
        return plan(c, items, ops, {"item": k.describe(), "old": t.text.strip()[:60], "new": new.strip()[:120]})

    def gap(r: tuple[El, list[El]]) -> Plan | None:
        c, items = r
        row = first_row(items)
        slack = max(free(c, row), 0)
        if slack > 0.25 * c.w or len(row) < 3:
            return None
        new = float(c.f["gap"]) + slack / (len(row) - 1) + rng.uniform(8, 40)
        return plan(c, items, [css(c.i, "flex-wrap", "wrap"), css(c.i, "column-gap", px(new))],
                    {"property": "column-gap", "old": px(float(c.f["gap"])), "new": px(new)})

    def narrowed(r: tuple[El, list[El]]) -> Plan:
        c, items = r
        wid = c.w * rng.uniform(0.7, 0.93)
        ops = [css(c.i, "width", px(wid)), css(c.i, "max-width", px(wid))]
        if c.display in ("flex", "inline-flex"):
            ops.append(css(c.i, "flex-wrap", "wrap"))
        return plan(c, items, ops, {"property": "width", "old": px(c.w), "new": px(wid)})

    def columns(r: tuple[El, list[El]]) -> Plan:
        c, items = r
        n = int(c.f["gtc"]) - 1
        value = f"repeat({n}, minmax(0, 1fr))"
        return plan(c, items, [css(c.i, "grid-template-columns", value)],
                    {"property": "grid-template-columns", "old_columns": n + 1, "new": value})

    def span(r: tuple[El, list[El]]) -> Plan:
        c, items = r
        row = first_row(items)
        k = rng.choice(row[:-1]) if len(row) > 1 else row[0]
        return plan(c, items, [css(k.i, "grid-column", "span 2")],
                    {"item": k.describe(), "property": "grid-column", "new": "span 2"})

    def clear(r: tuple[El, list[El]]) -> Plan:
        c, items = r
        row = first_row(items)
        k = rng.choice(row[1:]) if len(row) > 1 else row[0]
        return plan(c, items, [css(k.i, "clear", "both")], {"item": k.describe(), "property": "clear", "new": "both"})

    yield from variants(rng, {"wider-item": (flex, wider_item), "longer-label": (flex + inline + floats, longer_label),
                              "gap": (flex, gap), "narrowed": (flex + inline + floats, narrowed),
                              "grid-columns": (grids, columns), "grid-span": (grids, span),
                              "float-clear": (floats, clear)},
                        weight=lambda r: 3.0 if r[0].f["lcc"] else 1.0)


def misalignment(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """One item of a row or column shifted 2–20 px off its grid."""
    in_rows = [k for _, items in scan.rows() for k in items if scan.sized(k, 150, 0.3) and has_content(scan, k)]
    in_cols = [k for _, kids in scan.columns() for k in kids if scan.sized(k, 150, 0.3) and has_content(scan, k)]

    def make(how: str, e: El, vertical: bool) -> Plan:
        d = round(log_uniform(rng, 2, 20)) * rng.choice((-1, 1))
        if how == "margin" and d < 0 and not vertical:
            d = -d
        if how == "relative":
            prop, value = ("top" if vertical else "left"), px(d)
            ops = [css(e.i, "position", "relative"), css(e.i, prop, value)]
        elif how == "transform":
            prop, value = "transform", (f"translateY({d}px)" if vertical else f"translateX({d}px)")
            ops = [css(e.i, prop, value)]
        elif how == "margin":
            k = 0 if vertical else 3
            prop, value = ("margin-top" if vertical else "margin-left"), px(float(e.f["mar"][k]) + d)
            ops = [css(e.i, prop, value)]
        else:
            prop, value = "padding-left", px(float(e.f["pad"][3]) + abs(d))
            ops = [css(e.i, prop, value)]
        return Plan(ops, [e.i], {**target(e), "property": prop, "value": value, "shift": d,
                                 "axis": "y" if vertical else "x"}, lambda g: moved(g, e.i, 1.5))

    table: dict[str, Variant] = {}
    for how in ("relative", "transform", "margin"):
        table[f"{how}-row"] = (in_rows, lambda e, h=how: make(h, e, True))
        table[f"{how}-column"] = (in_cols, lambda e, h=how: make(h, e, False))
    texty = [e for e in in_cols if int(e.f["own"]) > 0]
    table["padding-column"] = (texty, lambda e: make("padding", e, False))
    yield from variants(rng, table)

