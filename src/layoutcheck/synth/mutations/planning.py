"""Shared pieces of the planners: candidate sampling, variant order, geometry tests."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from layoutcheck.synth.mutations.scan import Box, El, Scan
from layoutcheck.synth.mutations.session import Geometry, Plan

T = TypeVar("T")
#: A planner: the plans for one mutation kind on a scanned page, in the order to try them.
Planner = Callable[[Scan, random.Random], Iterator[Plan]]
#: A variant of a mutation: its candidates and how to make a plan from one (None: unsuitable).
Variant = tuple[Sequence[Any], Callable[[Any], "Plan | None"]]

#: Candidates tried per variant before moving on to the next variant.
PER_VARIANT = 4


def sample(rng: random.Random, items: Sequence[T], k: int, weight: Callable[[T], float] | None = None) -> list[T]:
    """Up to ``k`` items without replacement, favouring heavier ones (Efraimidis–Spirakis)."""
    if not items:
        return []
    if weight is None:
        return rng.sample(list(items), min(k, len(items)))
    keyed = sorted(((rng.random() ** (1.0 / max(weight(it), 1e-6)), n) for n, it in enumerate(items)), reverse=True)
    return [items[n] for _, n in keyed[:k]]


def variants(rng: random.Random, table: Mapping[str, Variant], weights: Mapping[str, float] | None = None,
             per_variant: int = PER_VARIANT, weight: Callable[[Any], float] | None = None) -> Iterator[Plan]:
    """Plans from each variant in random order (weighted), ``per_variant`` candidates each.

    Each variant is ``(candidates, make)``; ``make`` returns a plan or ``None`` when the candidate
    does not suit. The variant's name is recorded in the plan's params.
    """
    names = [n for n, (cands, _) in table.items() if cands]
    order = sample(rng, names, len(names), (lambda n: (weights or {}).get(n, 1.0)))
    for name in order:
        cands, make = table[name]
        for cand in sample(rng, cands, per_variant, weight):
            plan = make(cand)
            if plan is not None:
                plan.params = {"variant": name, **plan.params}
                yield plan


def log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    """A magnitude between ``lo`` and ``hi``, small ones as likely as large ones relative to size."""
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def px(v: float) -> str:
    return f"{v:.0f}px"


def inter(a: Box, b: Box) -> float:
    """Area of the intersection of two boxes."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def target(e: El) -> dict[str, object]:
    """The params that name an element."""
    return {"target": e.describe(), "index": e.i, "box": [round(v) for v in e.box]}


def overflows(g: Geometry, i: int, px_: float = 6.0) -> bool:
    """Subject ``i``'s contents (not just its padding) now stick out of its box by more than ``px_``.

    Holds whether the overflow is visible or clipped (``overflow: hidden`` still lays the
    contents out beyond the box).
    """
    m = g.after.get(i)
    if m is None or m.inner is None:
        return False
    (x, y, w, h), (cx, cy, cw, ch) = m.rect, m.inner
    return cx + cw > x + w + px_ or cy + ch > y + h + px_ or cx < x - px_ or cy < y - px_


def moved(g: Geometry, i: int, at_least: float) -> bool:
    """Subject ``i``'s border box or visual extent moved or resized by at least ``at_least`` px."""
    a, b = g.before.get(i), g.after.get(i)
    if a is None or b is None:
        return a is not b
    ext = max(abs(p - q) for p, q in zip(a.ext, b.ext))
    return g.moved(i) >= at_least or ext >= at_least


def any_moved(g: Geometry, ids: Sequence[int], at_least: float) -> bool:
    return any(moved(g, i, at_least) for i in ids)


def has_content(scan: Scan, e: El) -> bool:
    """Draws something: text, an image, a frame."""
    return int(e.f["txt"]) > 0 or e.tag in ("img", "svg", "input", "select", "textarea", "button") or e.framed


def hint_weight(e: El, *preferred: str) -> float:
    """Heavier for elements whose generator hint is one of ``preferred``."""
    return 3.0 if e.hint and e.hint in preferred else 1.0
