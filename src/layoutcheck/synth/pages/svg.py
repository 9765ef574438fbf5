"""Generated images: SVG icons, illustrations, charts, logos, avatars and small blurred "photos".

Nothing here loads anything: images are inline ``<svg>`` or ``data:`` URIs (base64), so pages
make no request beyond the document itself.
"""

from __future__ import annotations

import base64
import math
import random
import struct
import zlib

from layoutcheck.synth.pages.themes import Theme

# 24x24 stroke icons: (paths, circles as (cx, cy, r), rects as (x, y, w, h, rx))
_ICONS: dict[str, tuple[tuple[str, ...], tuple[tuple[float, float, float], ...], tuple[tuple[float, ...], ...]]] = {
    "menu": (("M3 6h18M3 12h18M3 18h18",), (), ()),
    "search": (("M21 21l-4.3-4.3",), ((11, 11, 7),), ()),
    "user": (("M4 21c0-4.4 3.6-8 8-8s8 3.6 8 8",), ((12, 8, 4),), ()),
    "users": (("M1 21v-2a4 4 0 0 1 4-4h8a4 4 0 0 1 4 4v2", "M16 3.1a4 4 0 0 1 0 7.8", "M23 21v-2a4 4 0 0 0-3-3.9"),
              ((9, 7, 4),), ()),
    "cart": (("M3 4h2l2.4 11.2a2 2 0 0 0 2 1.6h7.8a2 2 0 0 0 2-1.5L21 8H6",), ((10, 20, 1.5), (17, 20, 1.5)), ()),
    "bell": (("M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9", "M13.7 21a2 2 0 0 1-3.4 0"), (), ()),
    "home": (("M3 11l9-8 9 8", "M5 10v10h14V10"), (), ()),
    "chart": (("M4 20V10M10 20V4M16 20v-7M22 20H2",), (), ()),
    "settings": (("M12 2v3M12 19v3M4.2 4.2l2.1 2.1M17.7 17.7l2.1 2.1M2 12h3M19 12h3M4.2 19.8l2.1-2.1M17.7 6.3l2.1-2.1",),
                 ((12, 12, 3.5),), ()),
    "mail": (("M3 7l9 6 9-6",), (), ((3, 5, 18, 14, 2),)),
    "check": (("M5 12l5 5L20 7",), (), ()),
    "x": (("M6 6l12 12M18 6L6 18",), (), ()),
    "arrow-right": (("M5 12h14M13 6l6 6-6 6",), (), ()),
    "arrow-left": (("M19 12H5M11 6l-6 6 6 6",), (), ()),
    "chevron-down": (("M6 9l6 6 6-6",), (), ()),
    "chevron-right": (("M9 6l6 6-6 6",), (), ()),
    "chevron-left": (("M15 6l-6 6 6 6",), (), ()),
    "star": (("M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z",), (), ()),
    "heart": (("M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 1.1L12 21l7.8-7.5 1-1.1a5.5 5.5 0 0 0 0-7.8z",),
              (), ()),
    "calendar": (("M16 2v4M8 2v4M3 10h18",), (), ((3, 4, 18, 18, 2),)),
    "clock": (("M12 6v6l4 2",), ((12, 12, 10),), ()),
    "lock": (("M8 11V7a4 4 0 0 1 8 0v4",), (), ((5, 11, 14, 10, 2),)),
    "globe": (("M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20",), ((12, 12, 10),), ()),
    "zap": (("M13 2L3 14h9l-1 8 10-12h-9l1-8z",), (), ()),
    "shield": (("M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z",), (), ()),
    "layers": (("M12 2l10 5-10 5L2 7z", "M2 17l10 5 10-5", "M2 12l10 5 10-5"), (), ()),
    "file": (("M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z", "M14 2v6h6"), (), ()),
    "download": (("M12 3v12M7 10l5 5 5-5M5 21h14",), (), ()),
    "filter": (("M3 4h18l-7 8v6l-4 2v-8z",), (), ()),
    "grid": ((), (), ((3, 3, 7, 7, 1), (14, 3, 7, 7, 1), (3, 14, 7, 7, 1), (14, 14, 7, 7, 1))),
    "list": (("M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01",), (), ()),
    "plus": (("M12 5v14M5 12h14",), (), ()),
    "info": (("M12 16v-4M12 8h.01",), ((12, 12, 10),), ()),
    "alert": (("M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z", "M12 9v4M12 17h.01"),
              (), ()),
    "edit": (("M12 20h9", "M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z"), (), ()),
    "trash": (("M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6",), (), ()),
    "map-pin": (("M21 10c0 7-9 13-9 13s-9-6-9-13a9 9 0 0 1 18 0z",), ((12, 10, 3),), ()),
    "link": (("M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7", "M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7"),
             (), ()),
    "message": (("M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z",), (), ()),
    "box": (("M21 8l-9-5-9 5 9 5 9-5z", "M3 8v8l9 5 9-5V8", "M12 13v8"), (), ()),
    "code": (("M16 18l6-6-6-6M8 6l-6 6 6 6",), (), ()),
    "cloud": (("M18 10h-1.3A8 8 0 1 0 9 20h9a5 5 0 0 0 0-10z",), (), ()),
    "trending": (("M23 6l-9.5 9.5-5-5L1 18", "M17 6h6v6"), (), ()),
    "dollar": (("M12 1v22M17 5H9.5a3.5 3.5 0 0 0 0 7h5a3.5 3.5 0 0 1 0 7H6",), (), ()),
    "database": (("M3 5v14c0 1.7 4 3 9 3s9-1.3 9-3V5", "M3 12c0 1.7 4 3 9 3s9-1.3 9-3"), (), ()),
    "eye": (("M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8z",), ((12, 12, 3),), ()),
    "sun": (("M12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4",),
            ((12, 12, 5),), ()),
    "moon": (("M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z",), (), ()),
    "share": (("M8.6 13.5l6.8 4M15.4 6.5l-6.8 4",), ((18, 5, 3), (6, 12, 3), (18, 19, 3)), ()),
    "truck": (("M1 3h15v13H1zM16 8h4l3 3v5h-7z",), ((5.5, 18.5, 2.5), (18.5, 18.5, 2.5)), ()),
    "cpu": (("M9 1v3M15 1v3M9 20v3M15 20v3M20 9h3M20 14h3M1 9h3M1 14h3",), (), ((4, 4, 16, 16, 2), (9, 9, 6, 6, 0))),
}
FEATURE_ICONS = ("zap", "shield", "layers", "chart", "globe", "lock", "cloud", "users", "code", "database",
                 "trending", "cpu", "message", "box", "clock", "eye")


def icon(name: str, size: int = 20, stroke: float = 2.0, cls: str = "icon", filled: bool = False) -> str:
    """An inline 24x24 stroke icon drawn in ``currentColor``."""
    paths, circles, rects = _ICONS[name]
    fill = "currentColor" if filled else "none"
    parts = [f'<path d="{d}"/>' for d in paths]
    parts += [f'<circle cx="{cx}" cy="{cy}" r="{r}"/>' for cx, cy, r in circles]
    parts += [f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}"/>' for x, y, w, h, rx in rects]
    return (f'<svg class="{cls}" data-lc="icon" width="{size}" height="{size}" viewBox="0 0 24 24" fill="{fill}" '
            f'stroke="currentColor" stroke-width="{stroke}" stroke-linecap="round" stroke-linejoin="round" '
            f'aria-hidden="true">{"".join(parts)}</svg>')


def data_uri(svg: str) -> str:
    """A base64 ``data:`` URI of a standalone SVG document."""
    if "xmlns=" not in svg[:200]:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def illustration(rng: random.Random, t: Theme, w: int, h: int, uid: str, kind: str | None = None) -> str:
    """A decorative SVG scene (``<svg>`` markup, scales to its box)."""
    kind = kind or rng.choice(("landscape", "blobs", "geometric", "waves", "mockup", "product", "pattern"))
    p = list(t.palette)
    rng.shuffle(p)
    g = f"{uid}g"
    defs = (f'<defs><linearGradient id="{g}" x1="0" y1="0" x2="{rng.choice((0, 1))}" y2="1">'
            f'<stop offset="0" stop-color="{p[0]}"/><stop offset="1" stop-color="{p[1]}"/></linearGradient></defs>')
    body = [f'<rect width="{w}" height="{h}" fill="url(#{g})"/>']
    if kind == "landscape":
        body.append(f'<circle cx="{_f(w * rng.uniform(0.15, 0.85))}" cy="{_f(h * rng.uniform(0.15, 0.35))}" '
                    f'r="{_f(h * rng.uniform(0.07, 0.14))}" fill="#fff" opacity=".85"/>')
        for layer in range(3):
            base = h * (0.55 + 0.13 * layer)
            pts = [f"0,{_f(h)}", f"0,{_f(base)}"]
            x = 0.0
            while x < w:
                x += w * rng.uniform(0.08, 0.22)
                pts.append(f"{_f(min(x, w))},{_f(base - h * rng.uniform(0.0, 0.3 - 0.07 * layer))}")
            pts.append(f"{w},{_f(h)}")
            body.append(f'<polygon points="{" ".join(pts)}" fill="{p[2 + layer]}" opacity="{0.65 + 0.12 * layer:.2f}"/>')
    elif kind == "blobs":
        for i in range(rng.randint(3, 6)):
            body.append(f'<ellipse cx="{_f(w * rng.random())}" cy="{_f(h * rng.random())}" '
                        f'rx="{_f(w * rng.uniform(0.1, 0.35))}" ry="{_f(h * rng.uniform(0.15, 0.45))}" '
                        f'fill="{p[(i + 2) % len(p)]}" opacity="{rng.uniform(0.35, 0.8):.2f}"/>')
    elif kind == "geometric":
        n = rng.randint(4, 7)
        cell = w / n
        for i in range(n):
            for j in range(int(h / cell) + 1):
                if rng.random() < 0.55:
                    x, y, c = i * cell, j * cell, p[rng.randrange(len(p))]
                    shape = rng.randrange(3)
                    if shape == 0:
                        body.append(f'<circle cx="{_f(x + cell / 2)}" cy="{_f(y + cell / 2)}" r="{_f(cell * 0.38)}" fill="{c}"/>')
                    elif shape == 1:
                        body.append(f'<rect x="{_f(x + cell * .12)}" y="{_f(y + cell * .12)}" width="{_f(cell * .76)}" '
                                    f'height="{_f(cell * .76)}" rx="{_f(cell * .1)}" fill="{c}"/>')
                    else:
                        body.append(f'<polygon points="{_f(x)},{_f(y + cell)} {_f(x + cell)},{_f(y + cell)} '
                                    f'{_f(x + cell / 2)},{_f(y)}" fill="{c}"/>')
    elif kind == "waves":
        for i in range(4):
            y0 = h * (0.35 + 0.16 * i)
            a = h * rng.uniform(0.05, 0.12)
            body.append(f'<path d="M0 {_f(y0)} C {_f(w * .25)} {_f(y0 - a)}, {_f(w * .5)} {_f(y0 + a)}, {_f(w)} {_f(y0 - a / 2)} '
                        f'V {h} H 0 Z" fill="{p[(i + 2) % len(p)]}" opacity="{0.45 + 0.12 * i:.2f}"/>')
    elif kind == "mockup":
        m = min(w, h) * 0.08
        body.append(f'<rect x="{_f(m)}" y="{_f(m)}" width="{_f(w - 2 * m)}" height="{_f(h - m)}" rx="8" fill="#fff" opacity=".95"/>')
        body.append(f'<rect x="{_f(m)}" y="{_f(m)}" width="{_f(w - 2 * m)}" height="{_f(h * .08)}" rx="8" fill="{p[3]}"/>')
        for k in range(3):
            body.append(f'<circle cx="{_f(m + 14 + k * 14)}" cy="{_f(m + h * .04)}" r="4" fill="#fff" opacity=".8"/>')
        bw = (w - 2 * m) / 9
        for k in range(7):
            bh = (h * 0.45) * rng.uniform(0.2, 1.0)
            body.append(f'<rect x="{_f(m + bw * (k + 1))}" y="{_f(h - m - bh)}" width="{_f(bw * .6)}" height="{_f(bh)}" '
                        f'rx="2" fill="{p[k % 3]}"/>')
        for k in range(3):
            body.append(f'<rect x="{_f(m + bw)}" y="{_f(m + h * (.14 + .06 * k))}" width="{_f((w - 2 * m) * rng.uniform(.3, .7))}" '
                        f'height="{_f(h * .025)}" rx="3" fill="#cfd3da"/>')
    elif kind == "product":
        cx, cy = w / 2, h / 2
        s = min(w, h)
        body.append(f'<ellipse cx="{_f(cx)}" cy="{_f(cy + s * .33)}" rx="{_f(s * .3)}" ry="{_f(s * .05)}" fill="#000" opacity=".15"/>')
        shape = rng.randrange(3)
        if shape == 0:
            body.append(f'<rect x="{_f(cx - s * .16)}" y="{_f(cy - s * .25)}" width="{_f(s * .32)}" height="{_f(s * .55)}" '
                        f'rx="{_f(s * .06)}" fill="{p[3]}"/><rect x="{_f(cx - s * .07)}" y="{_f(cy - s * .34)}" '
                        f'width="{_f(s * .14)}" height="{_f(s * .1)}" rx="4" fill="{p[4]}"/>')
        elif shape == 1:
            body.append(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(s * .28)}" fill="{p[3]}"/>'
                        f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(s * .12)}" fill="{p[4]}"/>')
        else:
            body.append(f'<path d="M{_f(cx - s * .32)} {_f(cy + s * .2)} Q {_f(cx - s * .3)} {_f(cy - s * .1)} {_f(cx)} '
                        f'{_f(cy - s * .08)} L {_f(cx + s * .3)} {_f(cy + s * .05)} Q {_f(cx + s * .36)} {_f(cy + s * .2)} '
                        f'{_f(cx + s * .3)} {_f(cy + s * .22)} Z" fill="{p[3]}"/>')
    else:  # pattern
        pid = f"{uid}p"
        step = rng.choice((12, 16, 24))
        body.append(f'<defs><pattern id="{pid}" width="{step}" height="{step}" patternUnits="userSpaceOnUse">'
                     f'<circle cx="{step / 2}" cy="{step / 2}" r="{step / 6}" fill="{p[3]}" opacity=".6"/></pattern></defs>'
                     f'<rect width="{w}" height="{h}" fill="url(#{pid})"/>')
    return (f'<svg viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid slice" role="img">'
            f'{defs}{"".join(body)}</svg>')


def photo_uri(rng: random.Random, t: Theme, w: int = 40, h: int = 28) -> str:
    """A tiny soft-focus "photo" as a PNG data URI; browsers scale it up smoothly."""
    cols = [_rgb(c) for c in t.palette]
    top, bottom = _rgb(rng.choice(t.palette)), (rng.randint(20, 90),) * 3
    horizon = rng.uniform(0.4, 0.7)
    blobs = [(rng.uniform(0, w), rng.uniform(0, h), rng.uniform(3, 12), rng.choice(cols)) for _ in range(rng.randint(3, 6))]
    rows = []
    for y in range(h):
        row = bytearray([0])
        fy = y / (h - 1)
        for x in range(w):
            mix = min(1.0, max(0.0, (fy - horizon) * 4 + 0.5))
            r = top[0] * (1 - mix) + bottom[0] * mix
            g = top[1] * (1 - mix) + bottom[1] * mix
            b = top[2] * (1 - mix) + bottom[2] * mix
            for bx, by, br, bc in blobs:
                k = math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * br * br))
                r, g, b = r + (bc[0] - r) * k, g + (bc[1] - g) * k, b + (bc[2] - b) * k
            row += bytes((int(r), int(g), int(b)))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    v = hex_colour.lstrip("#")
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def chart(rng: random.Random, t: Theme, kind: str, w: int, h: int, uid: str, labels: list[str] | None = None) -> str:
    """A simple chart (bar, line, area, donut, sparkline) as inline SVG that scales to its box."""
    c1, c2 = t.accent, t.accent2
    grid = t.border
    parts: list[str] = []
    if kind == "donut":
        r, cx, cy = min(w, h) * 0.36, w / 2, h / 2
        circ = 2 * math.pi * r
        values = [rng.uniform(1, 5) for _ in range(rng.randint(3, 5))]
        total = sum(values)
        offset = 0.0
        cols = [c1, c2] + list(t.palette[2:])
        for i, v in enumerate(values):
            seg = circ * v / total
            parts.append(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="none" stroke="{cols[i % len(cols)]}" '
                         f'stroke-width="{_f(r * .38)}" stroke-dasharray="{_f(seg)} {_f(circ - seg)}" '
                         f'stroke-dashoffset="{_f(-offset)}" transform="rotate(-90 {_f(cx)} {_f(cy)})"/>')
            offset += seg
        return f'<svg viewBox="0 0 {w} {h}" role="img">{"".join(parts)}</svg>'
    n = rng.randint(7, 14) if kind != "sparkline" else rng.randint(10, 20)
    pad_l, pad_b = (0, 0) if kind == "sparkline" else (36, 22)
    iw, ih = w - pad_l - 6, h - pad_b - 8
    vals = [rng.uniform(0.2, 1.0)]
    for _ in range(n - 1):
        vals.append(min(1.0, max(0.05, vals[-1] + rng.uniform(-0.25, 0.28))))
    if kind != "sparkline":
        for k in range(5):
            y = 8 + ih * k / 4
            parts.append(f'<line x1="{pad_l}" x2="{w - 6}" y1="{_f(y)}" y2="{_f(y)}" stroke="{grid}" stroke-width="1"/>')
            parts.append(f'<text x="{pad_l - 6}" y="{_f(y + 4)}" font-size="10" text-anchor="end" fill="currentColor" '
                         f'opacity=".6">{(4 - k) * 25}</text>')
        if labels:
            for i in range(0, n, max(1, n // 6)):
                x = pad_l + iw * (i + 0.5) / n
                parts.append(f'<text x="{_f(x)}" y="{h - 6}" font-size="10" text-anchor="middle" fill="currentColor" '
                             f'opacity=".6">{labels[i % len(labels)]}</text>')
    if kind == "bar":
        bw = iw / n
        for i, v in enumerate(vals):
            bh = ih * v
            parts.append(f'<rect x="{_f(pad_l + bw * i + bw * .18)}" y="{_f(8 + ih - bh)}" width="{_f(bw * .64)}" '
                         f'height="{_f(bh)}" rx="2" fill="{c1 if i % 4 else c2}"/>')
    else:
        pts = [(pad_l + iw * (i + 0.5) / n, 8 + ih * (1 - v)) for i, v in enumerate(vals)]
        line = " ".join(f"{_f(x)},{_f(y)}" for x, y in pts)
        if kind in ("area", "sparkline"):
            gid = f"{uid}a"
            parts.append(f'<defs><linearGradient id="{gid}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" '
                         f'stop-color="{c1}" stop-opacity=".35"/><stop offset="1" stop-color="{c1}" stop-opacity="0"/>'
                         f'</linearGradient></defs>')
            parts.append(f'<polygon points="{_f(pts[0][0])},{8 + ih} {line} {_f(pts[-1][0])},{8 + ih}" fill="url(#{gid})"/>')
        if kind == "line":
            vals2 = [min(1.0, max(0.05, v * rng.uniform(0.5, 0.9))) for v in vals]
            line2 = " ".join(f"{_f(pad_l + iw * (i + 0.5) / n)},{_f(8 + ih * (1 - v))}" for i, v in enumerate(vals2))
            parts.append(f'<polyline points="{line2}" fill="none" stroke="{c2}" stroke-width="2" stroke-dasharray="4 3"/>')
        parts.append(f'<polyline points="{line}" fill="none" stroke="{c1}" stroke-width="2.2" stroke-linejoin="round"/>')
    aspect = ' preserveAspectRatio="none"' if kind == "sparkline" else ""
    return f'<svg viewBox="0 0 {w} {h}"{aspect} role="img">{"".join(parts)}</svg>'


def logo_mark(rng: random.Random, colour: str, colour2: str, size: int = 28) -> str:
    """A small brand mark (inline SVG)."""
    shape = rng.randrange(5)
    if shape == 0:
        inner = f'<rect x="2" y="2" width="28" height="28" rx="8" fill="{colour}"/><circle cx="16" cy="16" r="6" fill="#fff"/>'
    elif shape == 1:
        inner = f'<circle cx="12" cy="16" r="10" fill="{colour}"/><circle cx="20" cy="16" r="10" fill="{colour2}" opacity=".8"/>'
    elif shape == 2:
        inner = f'<polygon points="16,2 30,28 2,28" fill="{colour}"/><polygon points="16,12 23,25 9,25" fill="#fff" opacity=".6"/>'
    elif shape == 3:
        inner = (f'<polygon points="16,1 29,8.5 29,23.5 16,31 3,23.5 3,8.5" fill="{colour}"/>'
                 f'<path d="M10 16h12M16 10v12" stroke="#fff" stroke-width="3"/>')
    else:
        inner = (f'<rect x="2" y="2" width="13" height="13" rx="3" fill="{colour}"/><rect x="17" y="2" width="13" height="13" '
                 f'rx="3" fill="{colour2}"/><rect x="2" y="17" width="13" height="13" rx="3" fill="{colour2}"/>'
                 f'<rect x="17" y="17" width="13" height="13" rx="3" fill="{colour}"/>')
    return f'<svg width="{size}" height="{size}" viewBox="0 0 32 32" aria-hidden="true">{inner}</svg>'


def avatar_uri(rng: random.Random, t: Theme) -> str:
    """A simple illustrated portrait (head and shoulders) as an SVG data URI."""
    bg = rng.choice(t.palette)
    skin = rng.choice(("#f1c7a5", "#e0ac69", "#c68642", "#8d5524", "#ffdbac"))
    hair = rng.choice(("#2c1b10", "#6b4423", "#b8860b", "#1a1a1a", "#a0522d", "#d9d9d9"))
    shirt = rng.choice(t.palette)
    svg = (f'<svg viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" fill="{bg}"/>'
           f'<ellipse cx="32" cy="62" rx="22" ry="16" fill="{shirt}"/><rect x="27" y="36" width="10" height="10" fill="{skin}"/>'
           f'<circle cx="32" cy="28" r="12" fill="{skin}"/><path d="M20 27a12 12 0 0 1 24 0c-4-5-9-6-12-6s-8 1-12 6z" '
           f'fill="{hair}"/></svg>')
    return data_uri(svg)
