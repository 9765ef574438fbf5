"""Vertical shift alignment: match candidate rows to reference rows before judging a pair.

When a block grows, everything below it moves down, and a pixel diff lights up the whole lower
page. Matching rows first turns that into "these rows are new, the rest moved by k": the judge
then looks at the cause (the grown block) instead of a page-sized difference.

How rows are matched, in three steps:

1. Every row is hashed (a multiply-sum of its bytes modulo 2**64).
2. The two hash sequences are diffed the way patience diff (Bram Cohen; ``git diff
   --patience``) diffs lines. A range is first shrunk by its common head and tail, row by row,
   so blank gaps of different heights match as far as they agree. In what remains, runs of
   equal rows that occur exactly once in both images (text and image rows nearly always do;
   blank runs never) anchor the match, keeping the longest chain of anchors that increases in
   both; the ranges between anchors are handled the same way.
3. A range left without anchors is a block changed in place: its rows pair one to one from the
   top. Candidate rows left over are *inserted* (``-1``), reference rows left over deleted.

What the judge is then shown (:func:`display_rows`): matched rows line up, and at each seam the
inserted or deleted rows stay visible as a band as tall as the shift, so that content which
appeared or disappeared is never aligned away. A page whose lower part moved down 1 px thus
shows a 1-row band at the top edge of the content that moved (the head step puts the inserted
row at the end of the blank gap above it), not a page-sized difference.

Equal hashes mean equal rows up to a 2**-64 chance; the judge compares the pixels of the aligned
pair anyway, so a collision could only misplace a row, never hide a difference.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "RowAlignment", "Seam", "align_rows", "aligned_reference", "display_rows", "find_seams", "judged_reference",
    "row_hashes", "rows_match", "seam_box",
]

_HASH_CHUNK = 512  # rows hashed per step: bounds the (rows, words) temporary
_MULTIPLIERS: dict[int, np.ndarray] = {}  # words per row -> odd multipliers, drawn once


@dataclass(frozen=True)
class RowAlignment:
    """Which reference row each candidate row matches.

    Attributes:
        ref_rows: ``(H_cand,)`` int: the reference row matched to each candidate row, or ``-1``
            where the candidate row is inserted (new). Matched rows increase strictly.
        offset_segments: ``(cand_start, cand_end, offset)`` for each run of candidate rows with
            a constant ``offset = cand_row - ref_row`` (``+k``: content pushed down by k rows),
            in order; inserted rows belong to no segment.
        ref_height: Rows of the reference the alignment was computed against.
    """

    ref_rows: np.ndarray
    offset_segments: list[tuple[int, int, int]] = field(default_factory=list)
    ref_height: int = 0

    @property
    def is_identity(self) -> bool:
        """True when every candidate row matches the reference row of the same index."""
        return self.offset_segments == [(0, len(self.ref_rows), 0)] and self.ref_height == len(self.ref_rows)

    @classmethod
    def identity(cls, height: int) -> RowAlignment:
        """The alignment of two images of ``height`` rows that match row for row."""
        segments = [(0, height, 0)] if height else []
        return cls(ref_rows=np.arange(height, dtype=np.intp), offset_segments=segments, ref_height=height)


def row_hashes(image: np.ndarray) -> np.ndarray:
    """A 64-bit hash of every row of an ``(H, W, C)`` uint8 image: ``(H,)`` uint64.

    The hash is ``sum(word_i * m_i) mod 2**64`` over the row's bytes read as the widest unsigned
    words that divide the row, with fixed odd multipliers ``m_i``: rows that differ in one word
    never collide. Equal rows hash equal across images of the same width.
    """
    h = image.shape[0]
    flat = np.ascontiguousarray(image).reshape(h, -1)  # (H, W*C) uint8
    for dtype in (np.uint64, np.uint32, np.uint16, np.uint8):
        if flat.shape[1] % np.dtype(dtype).itemsize == 0:
            words = flat.view(dtype)  # (H, n)
            break
    mult = _multipliers(words.shape[1])  # (n,) uint64
    out = np.empty(h, dtype=np.uint64)  # (H,)
    for start in range(0, h, _HASH_CHUNK):
        part = words[start : start + _HASH_CHUNK].astype(np.uint64, copy=False)  # (rows, n)
        out[start : start + _HASH_CHUNK] = (part * mult).sum(axis=1, dtype=np.uint64)  # wraps mod 2**64
    return out


def align_rows(reference: np.ndarray, candidate: np.ndarray) -> RowAlignment:
    """Match candidate rows to reference rows (see the module docstring for how).

    Args:
        reference: ``(H_ref, W, 3)`` uint8 image.
        candidate: ``(H_cand, W, 3)`` uint8 image of the same width; the heights may differ.

    Returns:
        The alignment; :meth:`RowAlignment.identity` for images that match row for row.

    Raises:
        ValueError: The images are not ``(H, W, C)`` arrays of the same width and channels.
    """
    if reference.ndim != 3 or candidate.ndim != 3 or reference.shape[1:] != candidate.shape[1:]:
        raise ValueError(
            "align_rows needs (H, W, C) images of the same width and channels, got "
            f"{reference.shape} and {candidate.shape}"
        )
    hr, hc = reference.shape[0], candidate.shape[0]
    a, b = row_hashes(reference), row_hashes(candidate)  # (H_ref,), (H_cand,)
    if hr == hc and np.array_equal(a, b):
        return RowAlignment.identity(hc)

    ref_rows = _match_rows(a, b, reference, candidate)  # (H_cand,)
    return RowAlignment(ref_rows=ref_rows, offset_segments=_segments(ref_rows), ref_height=hr)


def display_rows(alignment: RowAlignment) -> np.ndarray:
    """The reference row to show against each candidate row: ``(H_cand,)`` int, ``-1`` for white.

    Matched rows show their match. Where the offset changes (a seam), the rows just after the
    seam keep showing the reference at the offset from above, as many rows as the offset
    changed by: inserted rows show what the reference had there before the insertion, and after
    ``k`` deleted reference rows the next ``k`` candidate rows show the deleted ones. So content
    that appeared or disappeared stays visible at the seam (never aligned away), while the
    content beyond the seam lines up. Rows past the reference's edge show white (``-1``).
    """
    hc = len(alignment.ref_rows)
    cand = np.arange(hc, dtype=np.intp)
    offsets = np.zeros(hc, dtype=np.intp)  # (H_cand,) offset shown at each row
    prev, pos = 0, 0  # offset above the current row; next row to fill
    for start, end, offset in alignment.offset_segments:
        offsets[pos:start] = prev  # inserted rows continue the offset from above
        band = min(prev - offset, end - start) if offset < prev else 0  # rows deleted above
        offsets[start : start + band] = prev
        offsets[start + band : end] = offset
        prev, pos = offset, end
    offsets[pos:] = prev
    rows = cand - offsets  # (H_cand,)
    rows[(rows < 0) | (rows >= alignment.ref_height)] = -1
    return rows


def aligned_reference(reference: np.ndarray, alignment: RowAlignment) -> np.ndarray:
    """The reference re-indexed to the candidate's rows (see :func:`display_rows`).

    Args:
        reference: ``(H_ref, W, C)`` image the alignment was computed from.
        alignment: The result of :func:`align_rows`.

    Returns:
        ``(H_cand, W, C)`` array of the reference's dtype: ``reference`` itself for an identity
        alignment, else a new array.

    Raises:
        ValueError: ``reference`` does not have the height the alignment was computed against.
    """
    if reference.shape[0] != alignment.ref_height:
        raise ValueError(
            f"the alignment was computed against a reference of {alignment.ref_height} rows, "
            f"got one of {reference.shape[0]}"
        )
    if alignment.is_identity:
        return reference
    rows = display_rows(alignment)  # (H_cand,)
    out = np.empty((rows.size, *reference.shape[1:]), dtype=reference.dtype)  # (H_cand, W, C)
    # Copy runs of consecutive rows as slices: a memcpy each, where fancy indexing goes row by row.
    breaks = np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1] + 1) | (rows[1:] < 0), True])
    white = np.iinfo(reference.dtype).max if reference.dtype.kind in "ui" else 1.0
    for s, e in zip(breaks[:-1].tolist(), breaks[1:].tolist(), strict=True):
        if rows[s] < 0:
            out[s:e] = white
        else:
            out[s:e] = reference[rows[s] : rows[s] + e - s]
    return out


def _multipliers(n: int) -> np.ndarray:
    """``(n,)`` odd uint64 multipliers, the same in every process."""
    if n not in _MULTIPLIERS:
        rng = np.random.default_rng(0x1A7C)
        _MULTIPLIERS[n] = rng.integers(0, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    return _MULTIPLIERS[n]


def _runs(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fold runs of equal consecutive values: ``(symbols, starts, lengths)``, each ``(R,)``."""
    if hashes.size == 0:
        empty = np.zeros(0, dtype=np.intp)
        return hashes, empty, empty
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])  # (R,)
    lengths = np.diff(np.r_[starts, hashes.size])  # (R,)
    return hashes[starts], starts, lengths


def _match_rows(a: np.ndarray, b: np.ndarray, reference: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """Patience-diff two row-hash sequences: ``(len(b),)`` matched row of ``a`` or ``-1``.

    Each range is first shrunk by its common head and tail (row by row, so blank runs of
    different heights match as far as they agree); what remains is anchored on runs unique in
    both, and the ranges between anchors are handled the same way. A range with no anchor is a
    block changed in place: its rows are paired one to one from the top, or, where the range's
    heights differ, above and below the split that lets most rows match tolerantly
    (:func:`_split_gap`).
    """
    ref_rows = np.full(b.size, -1, dtype=np.intp)  # (H_cand,)
    gaps = []
    stack = [(0, a.size, 0, b.size)]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        n = _common_length(a[alo:ahi], b[blo:bhi])  # common head
        ref_rows[blo : blo + n] = np.arange(alo, alo + n)
        alo, blo = alo + n, blo + n
        n = _common_length(a[alo:ahi][::-1], b[blo:bhi][::-1])  # common tail
        ref_rows[bhi - n : bhi] = np.arange(ahi - n, ahi)
        ahi, bhi = ahi - n, bhi - n
        if alo == ahi or blo == bhi:  # only insertions or only deletions left
            continue
        anchors = _anchors(a[alo:ahi], b[blo:bhi])
        if not anchors:
            gaps.append((alo, ahi, blo, bhi))
            continue
        pa, pb = alo, blo
        for i, j, n in anchors:
            i, j = i + alo, j + blo
            ref_rows[j : j + n] = np.arange(i, i + n)
            if i > pa and j > pb:
                stack.append((pa, i, pb, j))
            pa, pb = i + n, j + n
        if ahi > pa and bhi > pb:
            stack.append((pa, ahi, pb, bhi))
    for alo, ahi, blo, bhi in gaps:
        n = min(ahi - alo, bhi - blo)
        split = _split_gap(reference[alo:ahi], candidate[blo:bhi]) if ahi - alo != bhi - blo else n
        ref_rows[blo : blo + split] = np.arange(alo, alo + split)
        d = (bhi - blo) - (ahi - alo)  # rows inserted (> 0) or deleted (< 0) in this range
        ref_rows[blo + split + max(d, 0) : bhi] = np.arange(alo + split + max(-d, 0), ahi)
    return ref_rows


def _split_gap(ref: np.ndarray, cand: np.ndarray) -> int:
    """Where rows appeared or vanished in a range of unequal heights that exact hashes could not
    anchor (font noise breaks them): the number of rows to pair from the top, so that those and
    the rows paired from the bottom match tolerantly (:func:`rows_match`) as often as possible.
    Ties go to the lowest split (the shift starts right above the content that moved)."""
    n = min(len(ref), len(cand))
    d = len(cand) - len(ref)
    top = rows_match(ref[:n], cand[:n])  # (n,): paired from the top
    bottom = rows_match(ref[max(-d, 0) : max(-d, 0) + n], cand[max(d, 0) : max(d, 0) + n])  # from the bottom
    score = np.r_[0, np.cumsum(top)] + np.r_[np.cumsum(bottom[::-1])[::-1], 0]  # (n + 1,) for splits 0..n
    return int(n - np.argmax(score[::-1]))


def _common_length(x: np.ndarray, y: np.ndarray) -> int:
    """How many leading elements ``x`` and ``y`` share."""
    n = min(x.size, y.size)
    differ = np.flatnonzero(x[:n] != y[:n])
    return int(differ[0]) if differ.size else n


def _anchors(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of equal rows that occur once in ``a`` and once in ``b``, as their longest chain
    increasing in both: ``[(row in a, row in b, rows)]``, the rows being the shorter run's."""
    a_sym, a_start, a_len = _runs(a)
    b_sym, b_start, b_len = _runs(b)
    a_vals, a_idx, a_count = np.unique(a_sym, return_index=True, return_counts=True)
    b_vals, b_idx, b_count = np.unique(b_sym, return_index=True, return_counts=True)
    _, ia, ib = np.intersect1d(a_vals[a_count == 1], b_vals[b_count == 1], assume_unique=True, return_indices=True)
    if ia.size == 0:
        return []
    ra = a_idx[a_count == 1][ia]  # (K,) run index in a
    rb = b_idx[b_count == 1][ib]  # (K,) run index in b
    order = np.argsort(ra)
    ra, rb = ra[order], rb[order]
    if np.all(rb[1:] > rb[:-1]):  # the usual case: no block moved across another
        chain = list(zip(ra.tolist(), rb.tolist(), strict=True))
    else:
        chain = _longest_increasing(list(zip(ra.tolist(), rb.tolist(), strict=True)))
    return [(int(a_start[i]), int(b_start[j]), int(min(a_len[i], b_len[j]))) for i, j in chain]


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by ``i``) whose ``j`` also increases."""
    tails: list[int] = []  # j of the smallest tail of an increasing chain of each length
    tail_idx: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        back[k] = tail_idx[pos - 1] if pos else -1
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos], tail_idx[pos] = j, k
    out = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        out.append(pairs[k])
        k = back[k]
    return out[::-1]


def _segments(ref_rows: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of matched rows with a constant offset ``cand - ref``: ``[(start, end, offset)]``."""
    cand = np.arange(ref_rows.size)
    offset = np.where(ref_rows >= 0, cand - ref_rows, np.iinfo(np.intp).min)  # (H_cand,)
    breaks = np.flatnonzero(np.r_[True, offset[1:] != offset[:-1], True])
    return [
        (int(s), int(e), int(offset[s]))
        for s, e in zip(breaks[:-1], breaks[1:], strict=True)
        if ref_rows[s] >= 0
    ]


#: Per-channel difference (out of 255) under which two pixels count as the same in the tolerant
#: row comparison, and the share of a row's pixels that must be the same for the rows to match.
#: Font noise moves glyph edges by a fraction of a pixel: a few pixels of a text row change a lot,
#: most do not.
ROW_TOL = 24
ROW_SHARE = 0.95
_CHUNK = 256  # rows compared per step: bounds the (rows, W) temporaries


@dataclass(frozen=True)
class Seam:
    """Where the offset between the pages changes: rows that appeared or vanished.

    Attributes:
        y: Candidate row where the shift starts (the first inserted row, or the first row after
            the deleted ones).
        rows: ``+k``: ``k`` candidate rows inserted (what follows moved down); ``-k``: ``k``
            reference rows deleted (what follows moved up).
        filler: Every row that appeared or vanished repeats a row next to it (background,
            the blank inside of a box): the seam is a pure shift, with no content of its own.
    """

    y: int
    rows: int
    filler: bool


def rows_match(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Tolerant row equality: ``(n,)`` bool for ``(n, W, C)`` arrays ``a`` and ``b`` (or a ``(W, C)`` row).

    Rows match when at least :data:`ROW_SHARE` of their pixels differ by at most :data:`ROW_TOL`
    in every channel: exact row hashes break under font noise, this does not.
    """
    n = a.shape[0] if a.ndim == 3 else b.shape[0]
    out = np.empty(n, dtype=bool)
    for s in range(0, n, _CHUNK):
        pa = a[s : s + _CHUNK] if a.ndim == 3 else a
        pb = b[s : s + _CHUNK] if b.ndim == 3 else b
        close = (np.abs(pa.astype(np.int16) - pb).max(axis=-1) <= ROW_TOL).mean(axis=-1)  # (rows,)
        out[s : s + _CHUNK] = close >= ROW_SHARE
    return out


def find_seams(alignment: RowAlignment, reference: np.ndarray, candidate: np.ndarray) -> list[Seam]:
    """The seams of an alignment, each marked as a pure shift (``filler``) or not.

    Raises:
        ValueError: ``reference`` does not have the height the alignment was computed against.
    """
    if reference.shape[0] != alignment.ref_height:
        raise ValueError(f"the alignment has {alignment.ref_height} reference rows, got {reference.shape[0]}")
    rows = alignment.ref_rows
    hc, hr = rows.size, alignment.ref_height
    seams = []
    matched = np.flatnonzero(rows >= 0)  # (M,)
    # Inserted candidate rows: runs of -1.
    ins = np.flatnonzero(np.diff(np.r_[0, (rows < 0).astype(np.int8), 0]))  # run starts and ends
    for s, e in zip(ins[::2].tolist(), ins[1::2].tolist(), strict=True):
        seams.append(Seam(s, e - s, _repeats(candidate, s, e)))
    # Deleted reference rows: jumps between consecutive matched rows (and before the first).
    prev_ref = np.r_[-1, rows[matched][:-1]]  # (M,)
    for j, gone in zip(matched.tolist(), (rows[matched] - prev_ref - 1).tolist(), strict=True):
        if gone > 0:
            r1 = int(rows[j])
            seams.append(Seam(j, -gone, _repeats(reference, r1 - gone, r1)))
    last = int(rows[matched[-1]]) if matched.size else -1
    if last < hr - 1:  # reference rows gone at the end of the page
        seams.append(Seam(hc, -(hr - 1 - last), _repeats(reference, last + 1, hr)))
    return sorted(seams, key=lambda seam: seam.y)


def drop_round_trips(seams: list[Seam], reference: np.ndarray, candidate: np.ndarray) -> list[Seam]:
    """``seams`` without the pairs of pure shifts that undo each other with nothing moved between.

    The row matcher can step ``+k`` into a blank stretch and ``-k`` out of it a few rows later
    (background rows match at any offset). When the candidate rows from the first seam to the
    end of the second also match the reference at the offset before the pair, the identity
    explains them as well: nothing moved there, so neither seam is a shift to report.
    """
    out: list[Seam] = []
    offset = 0  # candidate row - reference row before the seam being looked at
    i = 0
    while i < len(seams):
        a = seams[i]
        b = seams[i + 1] if i + 1 < len(seams) else None
        if b is not None and a.filler and b.filler and a.rows == -b.rows:
            y0, y1 = a.y, b.y + max(0, b.rows)
            if (
                0 <= y0 - offset
                and y1 - offset <= reference.shape[0]
                and y1 <= candidate.shape[0]
                and rows_match(candidate[y0:y1], reference[y0 - offset : y1 - offset]).all()
            ):
                i += 2  # the offset after the pair is the offset before it
                continue
        out.append(a)
        offset += a.rows
        i += 1
    return out


def _repeats(image: np.ndarray, start: int, end: int) -> bool:
    """Whether rows ``start:end`` of ``image`` all match the row above them or all the row below."""
    for y in (start - 1, end):
        if 0 <= y < image.shape[0] and rows_match(image[start:end], image[y]).all():
            return True
    return False


def judged_reference(
    reference: np.ndarray, candidate: np.ndarray, alignment: RowAlignment, seams: list[Seam]
) -> np.ndarray:
    """The reference to judge the candidate against: :func:`aligned_reference`, except that at a
    pure-shift seam (``filler``) nothing is left to see: the matched rows line up and inserted
    filler rows show the candidate's own rows. Other seams keep their band (content appeared or
    vanished: the judge decides what it is).

    Returns:
        ``(H_cand, W, C)`` array.
    """
    shown = display_rows(alignment)  # (H_cand,)
    pure = [seam for seam in seams if seam.filler and seam.y < shown.size]
    if not pure:
        return aligned_reference(reference, alignment)
    own = np.full(shown.size, False)  # rows that show the candidate itself
    for seam in pure:
        end = min(shown.size, seam.y + abs(seam.rows) * 2)  # the inserted rows and the band after them
        window = alignment.ref_rows[seam.y : end]
        shown[seam.y : end] = np.where(window >= 0, window, -1)
        own[seam.y : end] |= window < 0
    out = np.empty((shown.size, *reference.shape[1:]), dtype=reference.dtype)
    valid = shown >= 0
    out[valid] = reference[shown[valid]]
    out[~valid] = 255
    out[own] = candidate[own]
    return out


def seam_box(
    seam: Seam, reference: np.ndarray, candidate: np.ndarray, alignment: RowAlignment
) -> tuple[int, int, int, int]:
    """``(x, y, w, h)`` of a seam in the candidate: its rows, across the columns where what was
    there before the shift (the reference as :func:`display_rows` shows it) differs from the
    candidate, which is the outline of what moved; the full width when nothing does.

    A seam past the candidate's last row (reference rows gone at the end of the page, which no
    candidate row can show) is the candidate's bottom rows, as many as vanished (at most the
    page), across the columns where the vanished rows differ from the last reference row kept:
    the outline of what vanished; the full width for background."""
    h, w = candidate.shape[:2]
    if seam.y >= h and seam.rows < 0:
        gone = reference[alignment.ref_height + seam.rows :]  # (k, W, C): the vanished rows
        kept = alignment.ref_height + seam.rows - 1
        base = reference[kept] if kept >= 0 else np.full_like(reference[0], 255)  # (W, C)
        cols = np.flatnonzero((np.abs(gone.astype(np.int16) - base).max(axis=-1) > ROW_TOL).any(axis=0))
        y0 = max(0, h + seam.rows)
        if cols.size == 0:
            return 0, y0, w, h - y0
        return int(cols[0]), y0, int(cols[-1] - cols[0] + 1), h - y0
    y0 = min(seam.y, h - 1)
    y1 = min(h, y0 + abs(seam.rows))
    rows = display_rows(alignment)[y0:y1]  # (k,)
    before = np.where(rows[:, None, None] >= 0, reference[np.maximum(rows, 0)], 255)  # (k, W, C)
    diff = np.abs(before.astype(np.int16) - candidate[y0:y1]).max(axis=-1) > ROW_TOL  # (k, W)
    cols = np.flatnonzero(diff.any(axis=0))
    if cols.size == 0:
        return 0, y0, w, y1 - y0
    return int(cols[0]), y0, int(cols[-1] - cols[0] + 1), y1 - y0
