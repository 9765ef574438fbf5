"""Typed results of a comparison and their JSON form.

Results are written as JSON first; the HTML report is rendered from that JSON, so a report can be
re-rendered, merged across workers, and tested on its own.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1


class Verdict(str, enum.Enum):
    """Outcome of one pair (and of a whole run: only ``PASS`` or ``FAIL``)."""

    PASS = "pass"
    FAIL = "fail"
    NEW = "new"  # a candidate without a reference
    DELETED = "deleted"  # a reference without a candidate
    ERROR = "error"  # not judged: an image of the pair cannot be read (``PairResult.error`` says why)


@dataclass(frozen=True)
class Region:
    """One flagged rectangle, in candidate-image pixels.

    ``kind`` names what the judge saw: ``"diff"`` (pixel judge), ``"size"`` (the band where one
    image is larger than the other), or a U-Net class (``"change"``, ``"overlap"``, ...; see
    :data:`layoutcheck.dataset.CLASS_NAMES`). ``score`` is in [0, 1].
    ``element`` is the CSS selector of the DOM element under the region, when the capture left an
    element-box sidecar beside the candidate.
    """

    x: int
    y: int
    w: int
    h: int
    score: float
    kind: str
    element: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """The region in one line, as failure messages and summaries show it."""
        text = f"{self.w}x{self.h} at ({self.x}, {self.y})  {self.kind}  score {self.score:.2f}"
        return text + (f"  on {self.element}" if self.element else "")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Region:
        return cls(
            x=int(data["x"]),
            y=int(data["y"]),
            w=int(data["w"]),
            h=int(data["h"]),
            score=float(data["score"]),
            kind=str(data["kind"]),
            element=data.get("element"),
        )


@dataclass(frozen=True)
class PairImages:
    """Paths of the images of one pair inside the report folder (relative to it), if written."""

    reference: str | None = None
    candidate: str | None = None
    diff: str | None = None


@dataclass(frozen=True)
class PairResult:
    """The verdict on one reference/candidate pair.

    ``regions`` are what failed; ``changes`` are real changes the judge reported without failing
    them (the U-Net at ``level="layout"``). The verdict depends on ``regions`` only.
    ``level`` is the U-Net check level the pair was judged at (``"strict"`` or ``"layout"``; a
    pytest check may set its own), ``None`` for the pixel judge, which has no levels.
    ``threshold`` is the one the judge used on this pair (a pytest check may set its own; the
    U-Net's default is its model's calibrated one), ``None`` when nothing was judged (new, deleted,
    error). ``error`` says why a pair could not be judged (verdict ``ERROR``), else ``None``.
    """

    name: str
    verdict: Verdict
    regions: tuple[Region, ...] = ()
    changes: tuple[Region, ...] = ()
    reference: str | None = None  # source path as given by the user
    candidate: str | None = None
    reference_size: tuple[int, int] | None = None  # (width, height)
    candidate_size: tuple[int, int] | None = None
    diff_pixels: int = 0
    method: str = "pixel"
    duration_ms: float = 0.0
    images: PairImages = field(default_factory=PairImages)
    level: str | None = None
    threshold: float | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "verdict": self.verdict.value,
            "regions": [r.to_dict() for r in self.regions],
            "changes": [r.to_dict() for r in self.changes],
            "reference": self.reference,
            "candidate": self.candidate,
            "reference_size": list(self.reference_size) if self.reference_size else None,
            "candidate_size": list(self.candidate_size) if self.candidate_size else None,
            "diff_pixels": self.diff_pixels,
            "method": self.method,
            "level": self.level,
            "threshold": self.threshold,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 3),
            "images": asdict(self.images),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PairResult:
        def size(v: Any) -> tuple[int, int] | None:
            return (int(v[0]), int(v[1])) if v else None

        return cls(
            name=str(data["name"]),
            verdict=Verdict(data["verdict"]),
            regions=tuple(Region.from_dict(r) for r in data.get("regions", [])),
            changes=tuple(Region.from_dict(r) for r in data.get("changes", [])),  # older files: none
            reference=data.get("reference"),
            candidate=data.get("candidate"),
            reference_size=size(data.get("reference_size")),
            candidate_size=size(data.get("candidate_size")),
            diff_pixels=int(data.get("diff_pixels", 0)),
            method=str(data.get("method", "pixel")),
            duration_ms=float(data.get("duration_ms", 0.0)),
            images=PairImages(**data.get("images", {})),
            level=_level(data.get("level")),  # older files: none recorded
            threshold=None if data.get("threshold") is None else float(data["threshold"]),
            error=None if data.get("error") is None else str(data["error"]),  # older files: none
        )


@dataclass(frozen=True)
class RunResult:
    """All pairs of one comparison run.

    ``level`` is the U-Net check level of the run (``"strict"``: a pass means nothing changed;
    ``"layout"``: a pass means no broken layout), ``None`` for the pixel judge. Pytest checks may
    override it one by one; each pair records its own.
    """

    pairs: tuple[PairResult, ...]
    method: str = "pixel"
    threshold: float | None = None
    created: str = ""  # ISO 8601 time of the run
    level: str | None = None

    @property
    def verdict(self) -> Verdict:
        """``FAIL`` when any pair failed or could not be judged, else ``PASS`` (new and deleted pairs
        do not fail)."""
        failing = (Verdict.FAIL, Verdict.ERROR)
        return Verdict.FAIL if any(p.verdict in failing for p in self.pairs) else Verdict.PASS

    def counts(self) -> dict[str, int]:
        """Number of pairs per verdict, every verdict present (zero included)."""
        out = {v.value: 0 for v in Verdict}
        for p in self.pairs:
            out[p.verdict.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "verdict": self.verdict.value,
            "method": self.method,
            "level": self.level,
            "threshold": self.threshold,
            "created": self.created,
            "counts": self.counts(),
            "pairs": [p.to_dict() for p in self.pairs],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        return cls(
            pairs=tuple(PairResult.from_dict(p) for p in data["pairs"]),
            method=str(data.get("method", "pixel")),
            threshold=data.get("threshold"),
            created=str(data.get("created", "")),
            level=_level(data.get("level")),  # older files: none recorded
        )


def _level(value: Any) -> str | None:
    """A recorded level: ``None`` when absent (the pixel judge, or a file older than levels)."""
    return None if value is None else str(value)
