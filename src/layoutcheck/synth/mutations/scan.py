"""The Python view of a page scan: visible elements with the features the planners choose from.

``synth/js/mutations.js`` walks the DOM once and reports, for every visible element, its box (CSS
pixels of the document), a few computed styles and its place in the tree; :class:`Scan` wraps that
in typed records and the DOM heuristics shared by the planners (rows, text blocks, images, …).
Generator hints (``data-lc="card|nav|button|image|text|…"``, ``data-lc-container``) are used when
present; every role also has a heuristic for hand-written pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]
"""``(x, y, w, h)`` in CSS pixels of the document."""


def as_box(v: Sequence[float]) -> Box:
    """A JSON ``[x, y, w, h]`` as a :data:`Box`."""
    x, y, w, h = v
    return float(x), float(y), float(w), float(h)

_TEXT_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "dd", "dt",
              "figcaption", "label", "span", "a", "div", "strong", "em", "small", "button", "cite", "q"}
_BLOCK_TEXT_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "figcaption", "td", "div"}
_INPUT_TYPES = {"", "text", "email", "search", "password", "url", "tel", "number"}


@dataclass(frozen=True, eq=False)
class El:
    """One visible element of the reference page (see ``M.scan`` in ``mutations.js``)."""

    i: int
    tag: str
    parent: int
    box: Box
    f: dict[str, Any]  # the raw features

    @property
    def x(self) -> float:
        return self.box[0]

    @property
    def y(self) -> float:
        return self.box[1]

    @property
    def w(self) -> float:
        return self.box[2]

    @property
    def h(self) -> float:
        return self.box[3]

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]

    @property
    def hint(self) -> str:
        return str(self.f["lc"])

    @property
    def classes(self) -> list[str]:
        return [c for c in str(self.f["cls"]).split() if c]

    @property
    def display(self) -> str:
        return str(self.f["d"])

    @property
    def lines(self) -> int:
        return int(self.f["lines"])

    @property
    def opaque(self) -> bool:
        """Has a background that hides what lies behind it."""
        return float(self.f["bga"]) >= 0.9 or bool(self.f["bgi"]) or bool(self.f["bgg"]) or self.tag == "img"

    @property
    def framed(self) -> bool:
        """Has a visible frame: a background different from its parent's, a border or a shadow."""
        return float(self.f["bga"]) >= 0.5 or float(self.f["bd"]) >= 1 or bool(self.f["sh"])

    def describe(self) -> str:
        """``tag#id.class1.class2`` (for params)."""
        out = self.tag + (f"#{self.f['id']}" if self.f["id"] else "")
        return out + "".join(f".{c}" for c in self.classes[:3])


@dataclass(frozen=True)
class TextNode:
    """A text node with at least two visible characters."""

    t: int
    parent: int
    text: str
    box: Box


class Scan:
    """The visible elements and text nodes of a page in its reference state."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.token = str(raw["token"])
        self.url = str(raw["url"])
        self.vw, self.vh = float(raw["vw"]), float(raw["vh"])
        self.dw, self.dh = float(raw["dw"]), float(raw["dh"])
        self.els = [El(int(f["i"]), str(f["tag"]), int(f["pi"]), as_box(f["b"]), f) for f in raw["els"]]
        self.texts = [TextNode(int(t["t"]), int(t["pi"]), str(t["s"]), as_box(t["b"])) for t in raw["texts"]]
        self.kids: list[list[int]] = [[] for _ in self.els]
        for e in self.els:
            if e.parent >= 0:
                self.kids[e.parent].append(e.i)

    # ---------------------------------------------------------------- tree
    def children(self, e: El) -> list[El]:
        return [self.els[i] for i in self.kids[e.i]]

    def parent(self, e: El) -> El | None:
        return self.els[e.parent] if e.parent >= 0 else None

    def ancestors(self, e: El) -> list[El]:
        out, p = [], self.parent(e)
        while p is not None:
            out.append(p)
            p = self.parent(p)
        return out

    def siblings(self, e: El) -> tuple[El | None, El | None]:
        """The previous and next visible sibling."""
        if e.parent < 0:
            return None, None
        kids = self.kids[e.parent]
        k = kids.index(e.i)
        return (self.els[kids[k - 1]] if k > 0 else None, self.els[kids[k + 1]] if k + 1 < len(kids) else None)

    def text_of(self, e: El) -> list[TextNode]:
        """Text nodes that are children of ``e``."""
        return [t for t in self.texts if t.parent == e.i]

    def texts_within(self, e: El) -> list[TextNode]:
        """Text nodes inside ``e`` at any depth."""
        return [t for t in self.texts if self.contains(e, self.els[t.parent])]

    def contains(self, a: El, b: El) -> bool:
        """Whether ``b`` is ``a`` or lies inside it."""
        i = b.i
        while i >= 0:
            if i == a.i:
                return True
            i = self.els[i].parent
        return False

    # ---------------------------------------------------------------- roles
    @property
    def screen_area(self) -> float:
        return self.vw * self.vh

    def sized(self, e: El, lo: float = 200.0, hi: float = 0.3) -> bool:
        """Area between ``lo`` px² and ``hi`` of the viewport, and not wider than the viewport."""
        return lo <= e.area <= hi * self.screen_area and e.w <= self.vw and e.f["p"] != "fixed"

    def is_text_block(self, e: El, min_lines: int = 1) -> bool:
        return (e.tag in _BLOCK_TEXT_TAGS or e.hint == "text") and bool(e.f["inl"]) and int(e.f["own"]) >= 12 \
            and e.lines >= min_lines and e.w >= 40

    def is_image(self, e: El) -> bool:
        if e.hint == "image":
            return e.w >= 24 and e.h >= 24
        if e.tag == "img":
            return e.w >= 24 and e.h >= 24
        return e.tag == "svg" and e.w >= 72 and e.h >= 48

    def is_icon(self, e: El) -> bool:
        return (e.tag in ("svg", "img") or e.hint == "icon") and 8 <= e.w <= 64 and 8 <= e.h <= 64 \
            and 0.6 <= e.w / e.h <= 1.6

    def is_button(self, e: El) -> bool:
        if e.hint == "button" or e.tag == "button" or (e.tag == "input" and e.f["type"] in ("submit", "button")):
            return True
        named = any(re.search(r"(^|-)(btn|button)($|-)", c) for c in e.classes)
        return e.tag == "a" and (named or (e.framed and e.h <= 72 and int(e.f["txt"]) > 0))

    def is_badge(self, e: El) -> bool:
        return e.hint == "badge" or (e.tag in ("span", "a", "small", "strong", "div") and e.framed
                                     and 10 <= e.h <= 40 and 0 < int(e.f["txt"]) <= 30 and e.w <= 240)

    def is_card(self, e: El) -> bool:
        if e.hint == "card":
            return True
        return e.framed and len(self.kids[e.i]) >= 2 and e.w >= 120 and e.h >= 60 \
            and e.area <= 0.45 * self.screen_area and e.w <= 0.8 * self.vw

    def is_input(self, e: El) -> bool:
        return (e.tag == "input" and str(e.f["type"]).lower() in _INPUT_TYPES) or e.tag == "textarea"

    def is_meaningful(self, e: El) -> bool:
        """A thing a user would miss: text, image, icon, control, card, badge."""
        return (self.is_text_block(e) or self.is_image(e) or self.is_icon(e) or self.is_button(e)
                or self.is_badge(e) or self.is_card(e) or self.is_input(e)
                or e.hint in ("nav", "text", "image", "button", "card", "icon", "badge", "input")
                or e.tag in ("h1", "h2", "h3", "h4", "select", "table", "img", "svg", "li"))

    def row_items(self, e: El) -> list[El]:
        """The children of ``e`` when at least two of them sit side by side on its first row."""
        kids = [k for k in self.children(e) if k.f["p"] not in ("absolute", "fixed") and k.w >= 8 and k.h >= 8]
        if len(kids) < 2:
            return []
        first = [k for k in kids if abs(k.y - kids[0].y) <= 4 or abs((k.y + k.h) - (kids[0].y + kids[0].h)) <= 4]
        first.sort(key=lambda k: k.x)  # right-to-left pages lay rows out the other way
        if len(first) < 2 or any(b.x < a.x + a.w - 2 for a, b in zip(first, first[1:])):
            return []
        return kids

    def rows(self) -> list[tuple[El, list[El]]]:
        """Containers laying out two or more children side by side (flex/grid rows, floats, inline blocks)."""
        out = []
        for e in self.els:
            if e.tag in ("table", "tbody", "thead", "tr", "svg", "select") or e.w < 80:
                continue
            items = self.row_items(e)
            if items and (e.f["lcc"] or e.display in ("flex", "inline-flex", "grid", "inline-grid")
                          or all(k.f["fl"] != "none" or k.display.startswith("inline") for k in items)):
                out.append((e, items))
        return out

    def columns(self) -> list[tuple[El, list[El]]]:
        """Containers stacking two or more similar children (lists, form fields, paragraphs)."""
        out = []
        for e in self.els:
            kids = [k for k in self.children(e) if k.w >= 16 and k.h >= 8]
            if len(kids) < 2 or self.row_items(e):
                continue
            tags = [k.tag for k in kids]
            if max(tags.count(t) for t in set(tags)) >= 2:
                out.append((e, kids))
        return out

    def clipped_by(self, e: El) -> list[El]:
        """Ancestors that clip their contents (overflow other than visible)."""
        return [a for a in self.ancestors(e) if any(v not in ("visible",) for v in str(a.f["ov"]).split("/"))
                and a.tag not in ("html", "body")]
