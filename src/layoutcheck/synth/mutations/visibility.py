"""Defects of what is seen: missing elements, broken images, occlusion."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from html import escape

from layoutcheck.synth.mutations.planning import has_content, hint_weight, inter, moved, px, target, variants
from layoutcheck.synth.mutations.scan import El, Scan
from layoutcheck.synth.mutations.session import Geometry, Plan, attr, css, swap

_ALTS = ("Product screenshot", "Team photo", "Dashboard preview", "Illustration", "Customer logo", "Chart")


def missing(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """A meaningful element disappears: ``display: none`` (the flow closes up) or ``visibility: hidden``."""
    cands = [e for e in scan.els if scan.is_meaningful(e) and scan.sized(e, 150, 0.35) and e.w >= 12 and e.h >= 10
             and e.tag not in ("html", "body", "main", "tbody", "thead", "tr", "td", "th")]

    def make(prop: str, e: El) -> Plan:
        value = "none" if prop == "display" else "hidden"
        return Plan([css(e.i, prop, value)], [e.i], {**target(e), "property": prop, "value": value}, whole_box=True)

    yield from variants(rng, {"display-none": (cands, lambda e: make("display", e)),
                              "visibility-hidden": (cands, lambda e: make("visibility", e))},
                        weight=lambda e: hint_weight(e, "card", "button", "image", "text", "nav", "icon", "badge"))


def broken_url(rng: random.Random) -> str:
    """A local image URL that does not exist (relative, so it fails to load on any page)."""
    return f"img/missing-{rng.getrandbits(32):08x}.png"


def broken_image(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """An image that failed to load: Chromium's broken-image icon and alt text, or a lost background."""
    imgs = [e for e in scan.els if e.tag == "img" and e.w >= 16 and e.h >= 16
            and (p := scan.parent(e)) is not None and p.tag != "picture"]
    svgs = [e for e in scan.els if e.tag == "svg" and e.w >= 32 and e.h >= 32]
    bgs = [e for e in scan.els if e.f["bgi"] and e.w >= 32 and e.h >= 32]

    def img(e: El) -> Plan:
        url = broken_url(rng)
        ops = [attr(e.i, "src", url)]
        if e.f["srcset"]:
            ops.append(attr(e.i, "srcset", None))
        params: dict[str, object] = {**target(e), "src": url, "alt": e.f["alt"]}
        if e.f["alt"] == "":  # decorative images draw nothing when broken: show the icon instead
            ops.append(attr(e.i, "alt", None))
            params["alt"] = None
        # Keep the box the page gave the image, as width/height attributes would.
        ops += [css(e.i, "width", px(e.w)), css(e.i, "height", px(e.h))]
        return Plan(ops, [e.i], params)

    def svg(e: El) -> Plan:
        url = broken_url(rng)
        alt = rng.choice(_ALTS) if e.w >= 120 else None
        cls = " ".join(e.classes)
        tag = (f'<img src="{url}"' + (f' alt="{escape(alt)}"' if alt else "")
               + (f' class="{escape(cls)}"' if cls else "") + f' style="width:{e.w:.0f}px;height:{e.h:.0f}px">')
        return Plan([swap(e.i, tag)], [e.i], {**target(e), "src": url, "alt": alt, "replaced": "svg"})

    def background(e: El) -> Plan:
        url = broken_url(rng)
        return Plan([css(e.i, "background-image", f'url("{url}")')], [e.i],
                    {**target(e), "property": "background-image", "new": url})

    yield from variants(rng, {"img-src": (imgs, img), "svg-as-img": (svgs, svg), "background-image": (bgs, background)},
                        weights={"img-src": 3.0, "svg-as-img": 1.0, "background-image": 1.5})


def occlusion(scan: Scan, rng: random.Random) -> Iterator[Plan]:
    """Wrong z-order: an opaque block drawn over content it should sit beside.

    Variants: the block slid over its neighbour by a relative offset, a negative margin pulling
    the next block up over the previous one, and a header that stays on top of the content.
    """
    blocks = [o for o in scan.els if scan.sized(o, 4000, 0.3) and o.f["p"] in ("static", "relative")
              and (o.tag == "img" or (o.opaque and o.framed))]
    covers = [(o, t) for o in blocks for t in scan.siblings(o) if t is not None and has_content(scan, t)
              and scan.sized(t, 300, 0.3)]
    pulls = [(o, t) for o, t in covers if t.y + t.h <= o.y + 2 and t.x < o.x + o.w and o.x < t.x + t.w]
    headers = [e for e in scan.els if (e.hint == "nav" or e.tag in ("header", "nav")) and e.y < 0.3 * scan.vh
               and e.w >= 0.7 * scan.vw and e.opaque and e.h >= 30 and e.f["p"] in ("static", "relative", "sticky")]

    def covered(o: El, t: El) -> Callable[[Geometry], bool]:
        def check(g: Geometry) -> bool:
            a, b = g.after.get(o.i), g.before.get(t.i)
            return a is not None and b is not None and inter(a.rect, b.rect) >= 0.35 * t.area
        return check

    def slide(pair: tuple[El, El]) -> Plan:
        o, t = pair
        frac = rng.uniform(0.5, 1.0)
        if t.y >= o.y + o.h - 2 or t.y + t.h <= o.y + 2:  # stacked: slide vertically
            prop, ov = "top", frac * min(t.h, o.h)
            off = (t.y + ov - o.h - o.y) if t.y > o.y else (t.y + t.h - ov - o.y)
        else:
            prop, ov = "left", frac * min(t.w, o.w)
            off = (t.x + ov - o.w - o.x) if t.x > o.x else (t.x + t.w - ov - o.x)
        ops = [css(o.i, "position", "relative"), css(o.i, prop, px(off)), css(o.i, "z-index", "30")]
        return Plan(ops, [o.i, t.i], {**target(o), "covers": t.describe(), "property": prop, "value": px(off),
                                      "z-index": 30}, covered(o, t))

    def pull(pair: tuple[El, El]) -> Plan:
        o, t = pair
        ov = rng.uniform(0.5, 1.0) * min(t.h, o.h)
        margin = float(o.f["mar"][0]) - (o.y - (t.y + t.h)) - ov
        ops = [css(o.i, "margin-top", px(margin)), css(o.i, "position", "relative"), css(o.i, "z-index", "30")]
        return Plan(ops, [o.i, t.i], {**target(o), "covers": t.describe(), "property": "margin-top",
                                      "value": px(margin), "z-index": 30}, covered(o, t))

    def header(e: El) -> Plan:
        off = e.h * rng.uniform(0.6, 2.5)
        ops = [css(e.i, "position", "relative"), css(e.i, "top", px(off)), css(e.i, "z-index", "100")]
        return Plan(ops, [e.i], {**target(e), "property": "top", "value": px(off), "z-index": 100},
                    lambda g: moved(g, e.i, 10))

    yield from variants(rng, {"slide-over": (covers, slide), "pulled-up": (pulls, pull),
                              "header-over-content": (headers, header)},
                        weights={"slide-over": 2.0, "pulled-up": 1.5, "header-over-content": 1.0},
                        weight=lambda c: hint_weight(c[0], "card", "image", "section") if isinstance(c, tuple) else 1.0)
