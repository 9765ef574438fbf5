"""Style mutations: a CSS value or unit changed, a class lost, a breakpoint moved."""

from __future__ import annotations

import random
from collections.abc import Iterator

from layoutcheck.synth.mutations.planning import any_moved, hint_weight, target, variants
from layoutcheck.synth.mutations.scan import El, Scan
from layoutcheck.synth.mutations.session import Geometry, Op, Plan, attr, css

_SIDES = ("top", "right", "bottom", "left")


def _plan(scan: Scan, e: El, ops: list[Op], params: dict[str, object], at_least: float = 4.0) -> Plan:
    """A plan whose subjects are ``e`` and its children; something visible must move ``at_least`` px.

    Visible: a child, ``e``'s contents, ``e``'s own box when it has a frame, or the page height
    (a wider box around left-aligned text with no background changes nothing on screen).
    """
    kids = [k.i for k in scan.children(e)][:24]

    def check(g: Geometry) -> bool:
        a, b = g.before.get(e.i), g.after.get(e.i)
        if a is None or b is None:
            return False
        content = a.inner is not None and b.inner is not None and \
            max(abs(p - q) for p, q in zip(a.inner, b.inner)) >= at_least
        return (any_moved(g, kids, at_least) or content or (e.framed and g.moved(e.i) >= at_least)
                or abs(g.dh - scan.dh) >= at_least)

    return Plan(ops, [e.i, *kids], {**target(e), **params}, check)


def _units(scan: Scan, e: El, rng: random.Random) -> Plan | None:
    """A length whose unit was mistyped: px ↔ em/rem/%/vw."""
    options: list[tuple[str, float]] = []
    for k, side in enumerate(_SIDES):
        if float(e.f["pad"][k]) >= 4:
            options.append((f"padding-{side}", float(e.f["pad"][k])))
        if k in (0, 2) and float(e.f["mar"][k]) >= 4:
            options.append((f"margin-{side}", float(e.f["mar"][k])))
    if float(e.f["gap"]) >= 4:
        options.append(("column-gap", float(e.f["gap"])))
    if int(e.f["own"]) > 0:
        options.append(("font-size", float(e.f["fs"])))
    p = scan.parent(e)
    if p is not None and e.w < p.w - 8 and e.display not in ("inline",):
        options.append(("width", e.w))
    if not options:
        return None
    prop, v = rng.choice(options)
    fs = float(e.f["fs"])
    if prop == "font-size":
        # 1.25rem written as 1.25px; or em sizes compounding in nested elements.
        kind = rng.choice(["rem-as-px", "em-compounded"])
        new = f"{v / 16:.3g}px" if kind == "rem-as-px" else f"{rng.uniform(1.8, 3.5):.2g}em"
    elif prop == "width":
        pct = round(100 * e.w / p.w) if p else 50
        kind, new = rng.choice([("percent-as-px", f"{pct}px"), ("px-as-vw", f"{e.w:.0f}vw")])
        if kind == "px-as-vw" and e.w > 150:
            kind, new = "percent-as-px", f"{pct}px"
    else:
        kind = rng.choice(["px-as-em", "px-as-percent", "em-as-px"])
        if kind == "px-as-em":
            new = f"{v:.0f}em" if v <= 24 else f"{v / fs:.3g}rem"
        elif kind == "px-as-percent":
            new = f"{v:.0f}%"
        else:
            new = f"{max(1.0, v / fs):.3g}px"
    ops = [css(e.i, prop, new)]
    if prop == "width":
        ops += [css(e.i, "flex", "none"), css(e.i, "max-width", "none"), css(e.i, "min-width", "0px")]
    return _plan(scan, e, ops, {"property": prop, "old": f"{v:.0f}px", "new": new, "mutation": kind})


def style_mutation(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A CSS value or unit mutation that breaks the layout."""
    sized = [e for e in scan.els if scan.sized(e, 400, 0.5) and e.tag not in ("html", "body", "svg", "img")]
    classed = [e for e in sized if e.classes and (scan.children(e) or int(e.f["own"]) > 0)]
    rows = [c for c, _ in scan.rows() if scan.sized(c, 2000, 0.8)]
    flex = [e for e in sized if e.display in ("flex", "inline-flex") and len(scan.children(e)) >= 2]
    centred = [e for e in sized if e.f["ta"] == "center" and int(e.f["txt"]) >= 10 and e.w >= 200]
    boxed = [e for e in sized if e.f["bs"] == "border-box" and (float(e.f["pad"][1]) + float(e.f["pad"][3]) >= 16
                                                                or float(e.f["bd"]) >= 2)]

    def unclass(e: El) -> Plan:
        cls = rng.choice(e.classes)
        rest = " ".join(c for c in e.classes if c != cls)
        return _plan(scan, e, [attr(e.i, "class", rest)], {"property": "class", "removed": cls})

    def breakpoint(c: El) -> Plan:
        if c.display in ("grid", "inline-grid"):
            prop, new = "grid-template-columns", "minmax(0, 1fr)"
            ops = [css(c.i, prop, new)]
        elif c.display in ("flex", "inline-flex"):
            ops, prop, new = [css(c.i, "flex-direction", "column")], "flex-direction", "column"
        else:
            ops = [css(k.i, "float", "none") for k in scan.children(c)] + \
                  [css(k.i, "display", "block") for k in scan.children(c) if k.display.startswith("inline")]
            prop, new = "float/display", "none/block"
        return _plan(scan, c, ops, {"property": prop, "new": new, "mutation": "mobile-layout"})

    def flex_value(e: El) -> Plan:
        prop = rng.choice(["justify-content", "align-items", "display"])
        old = str(e.f["jc"]) if prop == "justify-content" else str(e.f["ai"]) if prop == "align-items" else e.display
        new = {"justify-content": {"space-between": "flex-start", "center": "flex-start", "flex-end": "flex-start",
                                   "space-around": "flex-end"}.get(old, "center"),
               "align-items": {"center": "flex-start", "stretch": "center", "flex-start": "flex-end",
                               "normal": "center", "baseline": "flex-end"}.get(old, "flex-start"),
               "display": "block"}[prop]
        return _plan(scan, e, [css(e.i, prop, new)], {"property": prop, "old": old, "new": new})

    def text_align(e: El) -> Plan:
        new = rng.choice(["left", "right"])
        return _plan(scan, e, [css(e.i, "text-align", new)], {"property": "text-align", "old": "center", "new": new})

    def box_sizing(e: El) -> Plan:
        return _plan(scan, e, [css(e.i, "box-sizing", "content-box")],
                     {"property": "box-sizing", "old": "border-box", "new": "content-box"})

    yield from variants(rng, {"unit": (sized, lambda e: _units(scan, e, rng)), "class-removed": (classed, unclass),
                              "mobile-layout": (rows, breakpoint), "flex-value": (flex, flex_value),
                              "text-align": (centred, text_align), "box-sizing": (boxed, box_sizing)},
                        weights={"unit": 3.0, "class-removed": 2.0, "mobile-layout": 1.5, "flex-value": 1.0,
                                 "text-align": 0.5, "box-sizing": 1.0},
                        weight=lambda e: hint_weight(e, "card", "button", "nav", "section"))
