"""Vertical shift alignment on page-like images: inserted blocks, shifted halves, deletions."""

from __future__ import annotations

import numpy as np
import pytest

from layoutcheck.align import (
    RowAlignment, Seam, align_rows, aligned_reference, display_rows, drop_round_trips, find_seams, judged_reference,
    row_hashes, rows_match, seam_box,
)

from .conftest import page_like


def _page(height: int = 600, width: int = 320, seed: int = 3) -> np.ndarray:
    return page_like(width, height, seed=seed)


def _differing_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.flatnonzero((a != b).any(axis=(1, 2)))


def test_identical_images_align_to_identity() -> None:
    ref = _page()
    alignment = align_rows(ref, ref.copy())
    assert alignment.is_identity
    assert np.array_equal(alignment.ref_rows, np.arange(600))
    assert alignment.offset_segments == [(0, 600, 0)]
    assert aligned_reference(ref, alignment) is ref  # no copy


@pytest.mark.parametrize("k", [1, 7, 40])
def test_inserted_block_is_found_and_the_rest_lines_up(k: int) -> None:
    ref = _page()
    y = 250
    block = np.full((k, ref.shape[1], 3), (240, 200, 60), dtype=np.uint8)  # a new coloured banner
    cand = np.concatenate([ref[:y], block, ref[y : ref.shape[0] - k]])  # same height: the end falls off
    alignment = align_rows(ref, cand)
    assert np.array_equal(alignment.ref_rows[:y], np.arange(y))
    assert (alignment.ref_rows[y : y + k] == -1).all()
    end = ref.shape[0] - 10  # the page's blank bottom margin may match either way
    assert np.array_equal(alignment.ref_rows[y + k : end], np.arange(y, end - k))
    assert alignment.offset_segments[:2] == [(0, y, 0), (y + k, alignment.offset_segments[1][1], k)]
    # What the judge then sees: only the inserted rows differ, not the pushed-down half.
    assert np.array_equal(_differing_rows(aligned_reference(ref, alignment), cand), np.arange(y, y + k))


def test_one_pixel_shift_of_the_lower_half() -> None:
    ref = _page(height=800)
    y = 400
    cand = np.concatenate([ref[:y], ref[y - 1 : y], ref[y:-1]])  # lower half down 1 px (row repeated)
    alignment = align_rows(ref, cand)
    assert (alignment.ref_rows == -1).sum() <= 1
    below = np.arange(y + 20, 780)  # well below the seam, above any blank bottom margin
    assert (below - alignment.ref_rows[below] == 1).all()
    assert len(_differing_rows(aligned_reference(ref, alignment), cand)) <= 1
    # Without alignment, the edges of every text line below the seam differ.
    assert len(_differing_rows(ref, cand)) > 50


def test_deleted_block_stays_visible_at_the_seam() -> None:
    ref = _page()
    y, k = 200, 30
    white = np.full((k, ref.shape[1], 3), 255, dtype=np.uint8)
    cand = np.concatenate([ref[:y], ref[y + k :], white])  # rows y..y+k removed, content moved up
    alignment = align_rows(ref, cand)
    assert (alignment.ref_rows[y + k + 10 : 500] - np.arange(y + k + 10, 500) == k).all()
    differing = _differing_rows(aligned_reference(ref, alignment), cand)
    # The removed rows are shown against the rows that moved up into their place (a band of at
    # most k rows near the seam), and nothing further down differs.
    assert 0 < len(differing) <= k and differing.min() >= y - 14 and differing.max() < y + k + 14


def test_a_block_changed_in_place_is_not_shifted() -> None:
    ref = _page()
    cand = ref.copy()
    cand[300:340, 40:200] = (220, 30, 30)  # same rows, other pixels
    alignment = align_rows(ref, cand)
    assert alignment.is_identity or np.array_equal(alignment.ref_rows, np.arange(600))
    assert np.array_equal(aligned_reference(ref, alignment), ref)


def test_different_heights_and_odd_widths() -> None:
    ref = page_like(317, 300, seed=5)  # 317 * 3 bytes a row: no wide words
    cand = np.concatenate([ref[:100], np.zeros((5, 317, 3), np.uint8), ref[100:]])  # 305 rows
    alignment = align_rows(ref, cand)
    assert alignment.ref_height == 300 and alignment.ref_rows.shape == (305,)
    assert alignment.offset_segments == [(0, 100, 0), (105, 305, 5)]
    assert aligned_reference(ref, alignment).shape == cand.shape
    assert np.array_equal(display_rows(alignment)[100:105], np.arange(100, 105))  # inserted: same rows


def test_row_hashes_equal_rows_equal_hashes() -> None:
    img = page_like(64, 50, seed=1)
    h = row_hashes(img)
    equal = (img[:, None] == img[None, :]).all(axis=(2, 3))  # (50, 50)
    assert np.array_equal(h[:, None] == h[None, :], equal)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="same width"):
        align_rows(page_like(64, 50), page_like(65, 50))
    alignment = RowAlignment.identity(10)
    with pytest.raises(ValueError, match="10 rows"):
        aligned_reference(page_like(64, 11), alignment)


def _noisy(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """Font-noise-like: a few percent of the pixels moved a lot (glyph edges), the rest kept."""
    rng = np.random.default_rng(seed)
    out = image.astype(np.int16)
    hit = rng.random(image.shape[:2]) < 0.03
    out[hit] += rng.integers(-90, 90, (int(hit.sum()), 1))
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_grown_margin_is_one_pure_shift_seam_and_leaves_nothing_to_judge() -> None:
    ref = _page()
    y = 256  # a blank row between two text lines
    white = np.full((40, ref.shape[1], 3), 255, dtype=np.uint8)
    cand = np.concatenate([ref[:y], white, ref[y:]])  # 40 px taller: a margin grew above row 256
    alignment = align_rows(ref, cand)
    seams = find_seams(alignment, ref, cand)
    assert [(s.rows, s.filler) for s in seams] == [(40, True)] and y <= seams[0].y <= y + 8  # right above what moved
    assert np.array_equal(judged_reference(ref, cand, alignment, seams), cand)
    x, top, w, h = seam_box(seams[0], ref, cand, alignment)
    assert (top, h) == (seams[0].y, 40) and w < ref.shape[1]  # the outline of what moved, not the page


def test_rows_with_content_that_appear_are_not_a_pure_shift() -> None:
    ref = _page()
    banner = np.full((30, ref.shape[1], 3), 255, dtype=np.uint8)
    banner[8:22, 20:200] = (200, 40, 40)
    cand = np.concatenate([ref[:250], banner, ref[250:]])
    alignment = align_rows(ref, cand)
    seams = find_seams(alignment, ref, cand)
    assert len(seams) == 1 and seams[0].rows == 30 and not seams[0].filler
    shown = judged_reference(ref, cand, alignment, seams)
    assert len(_differing_rows(shown, cand)) > 0  # the banner stays visible to the judge


@pytest.mark.parametrize("k", [2, 40])
def test_under_font_noise_a_shift_is_found_tolerantly(k: int) -> None:
    ref = _page(height=800)
    cand = _noisy(np.concatenate([np.full((k, ref.shape[1], 3), 255, np.uint8), ref]))  # k rows on top, all rows noisy
    alignment = align_rows(ref, cand)
    seams = find_seams(alignment, ref, cand)
    assert [(s.rows, s.filler) for s in seams if s.rows] == [(k, True)]
    shown = judged_reference(ref, cand, alignment, seams)
    assert rows_match(shown, cand).all()  # nothing but noise left to judge


def test_rows_vanishing_at_the_end_are_a_seam() -> None:
    ref = _page()
    cand = ref[:500]
    seams = find_seams(align_rows(ref, cand), ref, cand)
    assert seams and seams[-1].y == 500 and seams[-1].rows == -100


def test_pure_shifts_that_undo_each_other_with_nothing_moved_between_are_dropped() -> None:
    """Regression (a real page 1 px taller): the matcher stepped +4 into a blank stretch and -4 out
    of it 6 rows later; both seams were reported as shifts and the pair failed at strict."""
    page = page_like(320, 240)
    blank = np.full((30, 320, 3), 255, np.uint8)
    ref = np.concatenate([page, blank, page])
    seams = [Seam(250, 4, True), Seam(256, -4, True)]
    assert drop_round_trips(seams, ref, ref.copy()) == []
    kept = [Seam(10, 2, True), Seam(252, 4, True), Seam(258, -4, True), Seam(400, 1, False)]
    shifted = np.concatenate([np.full((2, 320, 3), 255, np.uint8), ref[:-2]])  # the +2 at row 10
    assert drop_round_trips(kept, ref, shifted) == [Seam(10, 2, True), Seam(400, 1, False)]
    moved = ref.copy()
    moved[250:262] = ref[80:92]  # content really moved into that stretch: the pair stays
    assert drop_round_trips(seams, ref, moved) == seams
    not_a_round_trip = [Seam(250, 4, True), Seam(256, -3, True)]
    assert drop_round_trips(not_a_round_trip, ref, ref.copy()) == not_a_round_trip
