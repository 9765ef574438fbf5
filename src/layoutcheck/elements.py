"""Element-box sidecars: which DOM element is where in a screenshot.

``capture`` writes ``<shot>.json`` beside ``<shot>.png``; ``compare`` reads it to name the element
under a flagged region, and the training-data generator uses it to build masks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from layoutcheck.errors import InputError
from layoutcheck.fsutil import atomic_write_bytes

SIDECAR_SCHEMA = 1


#: Where a page script wants the shared selector-path function (see :func:`with_selector_path`).
SELECTOR_PATH_MARK = "/* selector_path.js */"


def with_selector_path(script: str) -> str:
    """``script`` with ``js/selector_path.js`` (the sidecars' selector format) at its mark.

    Capture's element boxes and synth's mutation labels name elements the same way because both
    scripts get this one function.
    """
    if SELECTOR_PATH_MARK not in script:
        raise ValueError(f"the page script has no {SELECTOR_PATH_MARK!r} mark")
    source = resources.files("layoutcheck").joinpath("js/selector_path.js").read_text(encoding="utf-8")
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if not line.startswith("//"))  # header comments dropped
    return script.replace(SELECTOR_PATH_MARK, "\n".join(lines[start:]).strip())


@dataclass(frozen=True)
class ElementBox:
    """A visible element: its CSS selector, tag, box (x, y, w, h) in screenshot pixels.

    ``selector`` names the element as browser devtools do (``js/selector_path.js``): the shortest
    unique selector found from ids, classes and tags. ``parent`` is the index, in the same list,
    of the nearest ancestor listed (-1: none), so siblings are known without parsing selectors.
    """

    selector: str
    tag: str
    box: tuple[int, int, int, int]
    text_length: int = 0
    parent: int = -1


@dataclass(frozen=True)
class Sidecar:
    """Everything known about one screenshot besides its pixels."""

    name: str
    url: str
    viewport: tuple[int, int]
    size: tuple[int, int]  # screenshot (width, height) in pixels
    device_scale_factor: float = 1.0
    full_page: bool = True
    selector: str | None = None
    stable: bool = True
    shots: int = 1
    captured: str = ""
    elements: tuple[ElementBox, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SIDECAR_SCHEMA,
            "name": self.name,
            "url": self.url,
            "viewport": list(self.viewport),
            "size": list(self.size),
            "device_scale_factor": self.device_scale_factor,
            "full_page": self.full_page,
            "selector": self.selector,
            "stable": self.stable,
            "shots": self.shots,
            "captured": self.captured,
            "elements": [
                {"selector": e.selector, "tag": e.tag, "box": list(e.box), "text_length": e.text_length,
                 "parent": e.parent}
                for e in self.elements
            ],
        }


def write_sidecar(path: Path, sidecar: Sidecar) -> None:
    """Write a sidecar atomically."""
    atomic_write_bytes(path, json.dumps(sidecar.to_dict(), indent=1).encode("utf-8"))


def sidecar_path(image: Path) -> Path:
    """The sidecar that belongs to a screenshot file."""
    return image.with_suffix(".json")


def read_sidecar(path: Path) -> Sidecar:
    """Read a sidecar written by :func:`write_sidecar`.

    Raises:
        InputError: the file is not a valid sidecar (the message names it).
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Sidecar(
            name=str(raw["name"]),
            url=str(raw["url"]),
            viewport=(int(raw["viewport"][0]), int(raw["viewport"][1])),
            size=(int(raw["size"][0]), int(raw["size"][1])),
            device_scale_factor=float(raw.get("device_scale_factor", 1.0)),
            full_page=bool(raw.get("full_page", True)),
            selector=raw.get("selector"),
            stable=bool(raw.get("stable", True)),
            shots=int(raw.get("shots", 1)),
            captured=str(raw.get("captured", "")),
            elements=tuple(
                ElementBox(
                    selector=str(e["selector"]),
                    tag=str(e["tag"]),
                    box=(int(e["box"][0]), int(e["box"][1]), int(e["box"][2]), int(e["box"][3])),
                    text_length=int(e.get("text_length", 0)),
                    parent=int(e.get("parent", -1)),
                )
                for e in raw.get("elements", [])
            ),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InputError(f"{path}: not a valid element-box sidecar ({type(exc).__name__}: {exc})") from exc


def element_under(elements: tuple[ElementBox, ...], box: tuple[int, int, int, int]) -> ElementBox | None:
    """The element that best explains a region: the smallest element box covering most of it.

    An element qualifies when it covers at least half of the region's area; among those the
    smallest wins (the most specific element). ``None`` when nothing qualifies.
    """
    x, y, w, h = box
    area = max(1, w * h)
    best: ElementBox | None = None
    best_area = 0
    for el in elements:
        ex, ey, ew, eh = el.box
        ix = max(0, min(x + w, ex + ew) - max(x, ex))
        iy = max(0, min(y + h, ey + eh) - max(y, ey))
        if ix * iy * 2 < area:
            continue
        if best is None or ew * eh < best_area:
            best, best_area = el, ew * eh
    return best


def element_moved(elements: tuple[ElementBox, ...], box: tuple[int, int, int, int]) -> ElementBox | None:
    """The element a shift moved: of those whose top edge lies at the bottom of ``box`` (the rows
    inserted above it, within 2 px) and that share columns with it, the one element, or, when
    several moved (cards side by side), their smallest common container (``#plans``, found
    through ``parent``). Without a listed common container (an old sidecar has no parents), the
    one sharing most columns with ``box``; the first on ties.

    A margin that grew above a row of cards inserts rows no card covers: :func:`element_under`
    would name whatever holds those rows, this names what moved. ``None`` when no element starts there.
    """
    x, y, w, h = box
    moved = []  # (index, columns shared with box)
    for i, el in enumerate(elements):
        ex, ey, ew, _ = el.box
        overlap = min(x + w, ex + ew) - max(x, ex)
        if abs(ey - (y + h)) <= 2 and overlap > 0:
            moved.append((i, overlap))
    if not moved:
        return None
    common = _common_container(elements, [i for i, _ in moved])
    return elements[common if common is not None else max(moved, key=lambda m: m[1])[0]]


def _common_container(elements: tuple[ElementBox, ...], indices: list[int]) -> int | None:
    """The nearest element (by ``parent`` links) that is, or holds, every one of ``indices``."""
    chains = []
    for i in indices:
        chain = [i]
        while 0 <= elements[chain[-1]].parent < len(elements) and len(chain) <= len(elements):
            chain.append(elements[chain[-1]].parent)
        chains.append(chain)
    shared = set(chains[0]).intersection(*chains[1:])
    return next((i for i in chains[0] if i in shared), None)
