"""Contact sheets of dataset samples: reference | candidate | mask over the candidate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from layoutcheck.dataset import CLASS_NAMES, Sample, load_sample

#: One colour per mask value (0 unused), distinct enough to tell classes apart.
PALETTE = np.array(
    [(0, 0, 0), (40, 110, 255), (230, 25, 75), (245, 130, 48), (255, 200, 0), (145, 30, 180),
     (70, 240, 240), (240, 50, 230), (210, 245, 60), (0, 128, 128), (170, 110, 40), (128, 0, 0),
     (0, 130, 200), (60, 180, 75)],
    dtype=np.float32,
)


def mask_overlay(candidate: np.ndarray, mask: np.ndarray, alpha: float = 0.55) -> np.ndarray:
    """The candidate dimmed, with mask pixels tinted by class."""
    out = candidate.astype(np.float32) * 0.6 + 255 * 0.4  # (H, W, 3)
    labelled = mask > 0
    colours = PALETTE[np.clip(mask, 0, len(PALETTE) - 1)]  # (H, W, 3)
    out[labelled] = out[labelled] * (1 - alpha) + colours[labelled] * alpha
    return out.clip(0, 255).astype(np.uint8)


def contact_sheet(root: Path, samples: list[Sample], *, column_width: int = 360) -> Image.Image:
    """One row per sample: reference, candidate, mask overlay, each cropped around the label."""
    rows = []
    font = ImageFont.load_default()
    for s in samples:
        ref, cand, mask = load_sample(root, s)
        top, bottom = _band(mask, cand.shape[0], height=cand.shape[1])  # a square-ish band
        tiles = [ref[top:bottom], cand[top:bottom], mask_overlay(cand[top:bottom], mask[top:bottom])]
        scale = column_width / cand.shape[1]
        h = max(1, int((bottom - top) * scale))
        images = [Image.fromarray(t).resize((column_width, h), Image.Resampling.LANCZOS) for t in tiles]
        row = Image.new("RGB", (column_width * 3 + 16, h + 22), "white")
        for i, im in enumerate(images):
            row.paste(im, (i * (column_width + 8), 22))
        names = ", ".join(CLASS_NAMES[c] for c in s.classes) or "none"
        label = f"{s.id}  {s.kind}: {names}  ({s.source}, {s.template}, {s.params.get('mutation', s.params.get('op', ''))})"
        ImageDraw.Draw(row).text((2, 4), label, fill="black", font=font)
        rows.append(row)
    sheet = Image.new("RGB", (max(r.width for r in rows), sum(r.height + 6 for r in rows)), "white")
    y = 0
    for r in rows:
        sheet.paste(r, (0, y))
        y += r.height + 6
    return sheet


def _band(mask: np.ndarray, h: int, *, height: int) -> tuple[int, int]:
    """Rows to show: a band of about ``height`` rows around the labelled pixels (or the top)."""
    rows = np.flatnonzero(mask.any(axis=1))
    if not rows.size or h <= height:
        return 0, min(h, height)
    centre = (int(rows[0]) + int(rows[-1])) // 2
    top = max(0, min(centre - height // 2, h - height))
    return top, top + height


def pick_samples(samples: list[Sample], *, per_class: int = 1, limit: int = 12) -> list[Sample]:
    """A varied selection: one benign sample, then samples of each class in turn."""
    chosen: list[Sample] = []
    benign = [s for s in samples if s.kind == "benign"]
    chosen += benign[:per_class]
    for c in range(1, len(CLASS_NAMES)):
        chosen += [s for s in samples if c in s.classes and s not in chosen][:per_class]
    return chosen[:limit]
