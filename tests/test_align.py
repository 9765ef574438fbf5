"""Vertical shift alignment on page-like images: inserted blocks, shifted halves, deletions."""

from __future__ import annotations

import numpy as np
import pytest

from layoutcheck.align import RowAlignment, align_rows, aligned_reference, display_rows, row_hashes

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
