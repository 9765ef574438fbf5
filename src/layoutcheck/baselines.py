"""Baselines: promote candidate screenshots (and their sidecars) to references, atomically."""

from __future__ import annotations

from pathlib import Path

from layoutcheck.elements import sidecar_path
from layoutcheck.errors import BaselineError
from layoutcheck.fsutil import atomic_copy


def approve(candidates: Path, baselines: Path, names: tuple[str, ...] = (), *, all_: bool = False) -> list[str]:
    """Copy candidate screenshots over their baselines.

    Args:
        candidates: folder of candidate PNGs (``capture``'s output folder).
        baselines: folder of reference PNGs.
        names: shot names (``page@viewport``) or page names (every viewport of that page).
        all_: approve every candidate.

    Returns:
        The approved shot names.

    Raises:
        BaselineError: nothing to approve, or a name matches no candidate.
    """
    if not names and not all_:
        raise BaselineError("name the screenshots to approve, or pass --all")
    shots = {p.stem: p for p in sorted(candidates.glob("*.png"))} if candidates.is_dir() else {}
    if not shots:
        raise BaselineError(f"{candidates}: no candidate screenshots; run 'layoutcheck capture' first")
    if all_:
        chosen = list(shots)
    else:
        chosen = []
        for name in names:
            matches = [s for s in shots if s == name or s.split("@", 1)[0] == name]
            if not matches:
                raise BaselineError(f"no candidate named {name!r} in {candidates}; have: {', '.join(shots)}")
            chosen += [m for m in matches if m not in chosen]
    for stem in chosen:
        src = shots[stem]
        # Sidecar first: a crash between the two leaves the old PNG with fresh boxes, never a
        # new PNG described by stale ones.
        if sidecar_path(src).is_file():
            atomic_copy(sidecar_path(src), baselines / sidecar_path(src).name)
        atomic_copy(src, baselines / src.name)
    return chosen
