"""Tests of turning masks into boxes and regions."""

from __future__ import annotations

import numpy as np
import pytest

from layoutcheck import regions
from layoutcheck.regions import corners_overlap, grow_mask, mask_to_boxes, regions_from_mask, size_band_regions
from layoutcheck.results import Region


def _mask(h: int = 100, w: int = 120) -> np.ndarray:
    return np.zeros((h, w), dtype=bool)


def test_empty_mask_gives_no_boxes() -> None:
    assert mask_to_boxes(_mask()) == []
    assert regions_from_mask(_mask()) == []


def test_two_blobs_far_apart_give_two_regions() -> None:
    m = _mask()
    m[10:20, 10:30] = True
    m[60:70, 80:100] = True
    assert mask_to_boxes(m) == [(10, 10, 20, 10), (80, 60, 20, 10)]
    assert len(regions_from_mask(m)) == 2


def test_blobs_within_gap_merge_into_one() -> None:
    m = _mask()
    m[10:20, 10:30] = True
    m[10:20, 38:50] = True  # 8 empty columns between the blobs: within the default gap
    assert mask_to_boxes(m) == [(10, 10, 40, 10)]
    assert mask_to_boxes(m, gap=7) == [(10, 10, 20, 10), (38, 10, 12, 10)]


def test_gap_is_measured_across_and_down() -> None:
    m = _mask()
    m[10:20, 10:20] = True
    m[29:35, 29:35] = True  # 9 empty rows and 9 empty columns apart, diagonally
    assert len(mask_to_boxes(m, gap=8)) == 2
    assert mask_to_boxes(m, gap=9) == [(10, 10, 25, 25)]


def test_gap_zero_merges_only_touching_components() -> None:
    m = _mask()
    m[10, 10] = True
    m[11, 11] = True  # diagonal neighbours: one 8-connected component
    m[10, 13] = True  # one empty column away
    assert mask_to_boxes(m, gap=0) == [(10, 10, 2, 2), (13, 10, 1, 1)]


def test_merging_repeats_until_boxes_are_apart() -> None:
    m = _mask(100, 100)
    m[10:20, 10:20] = True  # P
    m[25:35, 25:35] = True  # Q, 5 px from P: merged into [10, 35) x [10, 35)
    m[10, 40] = True  # R: 20 columns from P, 15 rows from Q, 5 columns from their union
    assert mask_to_boxes(m, gap=8) == [(10, 10, 31, 25)]


def test_l_shape_takes_in_what_lies_inside_its_box() -> None:
    m = _mask(100, 100)
    m[10:60, 10] = True
    m[59, 10:60] = True
    m[15, 55] = True  # inside the L's box, far from its pixels
    assert mask_to_boxes(m, gap=0) == [(10, 10, 50, 50)]


def test_merged_boxes_do_not_overlap() -> None:
    rng = np.random.default_rng(0)
    m = rng.random((200, 300)) < 0.002
    boxes = mask_to_boxes(m, gap=3)
    covered = np.zeros_like(m, dtype=np.int32)
    for x, y, w, h in boxes:
        covered[y : y + h, x : x + w] += 1
    assert covered.max() == 1
    assert covered[m].all()  # every mask pixel lies in a box


def test_boxes_sorted_top_to_bottom_then_left_to_right() -> None:
    m = _mask()
    m[50, 100] = True
    m[50, 5] = True
    m[5, 60] = True
    assert mask_to_boxes(m, gap=2) == [(60, 5, 1, 1), (5, 50, 1, 1), (100, 50, 1, 1)]


def test_min_pixels_drops_small_components_before_merging() -> None:
    m = _mask()
    m[10:20, 10:20] = True  # 100 px
    m[10, 25] = True  # a speck near the block
    m[80, 80] = True  # a lone speck
    assert mask_to_boxes(m, min_pixels=2) == [(10, 10, 10, 10)]
    assert mask_to_boxes(m, min_pixels=101) == []
    assert len(mask_to_boxes(m)) == 2


def test_many_boxes_take_the_painting_path_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(1)
    m = rng.random((150, 150)) < 0.01
    pairwise = mask_to_boxes(m, gap=4)
    monkeypatch.setattr(regions, "_PAIRWISE_MAX", 0)
    assert mask_to_boxes(m, gap=4) == pairwise


def test_boxes_found_in_a_large_mask() -> None:
    m = np.zeros((8000, 1280), dtype=bool)
    m[7990:7995, 1270:] = True
    m[:2, :3] = True
    assert mask_to_boxes(m) == [(0, 0, 3, 2), (1270, 7990, 10, 5)]


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"gap": -1}, "gap"), ({"min_pixels": 0}, "min_pixels")]
)
def test_bad_arguments_raise(kwargs: dict[str, int], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mask_to_boxes(_mask(), **kwargs)


def test_non_2d_mask_raises() -> None:
    with pytest.raises(ValueError, match="mask"):
        mask_to_boxes(np.zeros((3, 3, 3), dtype=bool))


def test_regions_score_one_without_score_map() -> None:
    m = _mask()
    m[10:20, 10:20] = True
    assert regions_from_mask(m, kind="layout") == [
        Region(x=10, y=10, w=10, h=10, score=1.0, kind="layout")
    ]


def test_region_score_is_mean_over_mask_pixels_in_box() -> None:
    m = _mask()
    m[10, 10:14] = True
    m[12, 10] = True  # merged with the row above: box (10, 10, 4, 3)
    scores = np.full(m.shape, 0.9, dtype=np.float32)  # 0.9 on unmasked pixels: not counted
    scores[10, 10:14] = [0.1, 0.2, 0.3, 0.4]
    scores[12, 10] = 0.123456
    (region,) = regions_from_mask(m, scores)
    assert (region.x, region.y, region.w, region.h) == (10, 10, 4, 3)
    assert region.score == round((0.1 + 0.2 + 0.3 + 0.4 + 0.123456) / 5, 4)
    assert region.kind == "diff"


def test_region_score_is_clipped_to_unit_range() -> None:
    m = _mask()
    m[5, 5] = True
    m[50, 50] = True
    scores = np.zeros(m.shape)
    scores[5, 5] = 3.0
    scores[50, 50] = -1.0
    assert [r.score for r in regions_from_mask(m, scores)] == [1.0, 0.0]


def test_score_map_of_other_shape_raises() -> None:
    with pytest.raises(ValueError, match="score_map"):
        regions_from_mask(_mask(), np.zeros((3, 3)))


def test_equal_sizes_have_no_size_bands() -> None:
    assert size_band_regions((800, 600), (800, 600)) == []


def test_wider_candidate_has_a_right_band() -> None:
    assert size_band_regions((800, 600), (820, 600)) == [
        Region(x=800, y=0, w=20, h=600, score=1.0, kind="size")
    ]


def test_taller_candidate_has_a_bottom_band() -> None:
    assert size_band_regions((800, 600), (800, 650)) == [
        Region(x=0, y=600, w=800, h=50, score=1.0, kind="size")
    ]


def test_larger_candidate_bands_do_not_overlap() -> None:
    assert size_band_regions((800, 600), (820, 650)) == [
        Region(x=800, y=0, w=20, h=650, score=1.0, kind="size"),
        Region(x=0, y=600, w=800, h=50, score=1.0, kind="size"),
    ]


def test_smaller_candidate_bands_cover_where_the_reference_was() -> None:
    assert size_band_regions((820, 650), (800, 600)) == [
        Region(x=800, y=0, w=20, h=650, score=1.0, kind="size"),
        Region(x=0, y=600, w=800, h=50, score=1.0, kind="size"),
    ]


def test_wider_but_shorter_candidate() -> None:
    assert size_band_regions((800, 650), (820, 600)) == [
        Region(x=800, y=0, w=20, h=600, score=1.0, kind="size"),
        Region(x=0, y=600, w=800, h=50, score=1.0, kind="size"),
    ]


def test_bad_sizes_raise() -> None:
    with pytest.raises(ValueError, match="cand_size"):
        size_band_regions((800, 600), (0, 600))


def test_grow_mask_grows_confident_cores_to_their_faint_edges() -> None:
    score = np.zeros((40, 60), dtype=np.float32)
    score[5:25, 5:25] = 0.3  # a faint area ...
    score[10:15, 10:15] = 0.99  # ... with a confident core: grows to all of it
    score[30:38, 40:58] = 0.4  # faint, no core: never fails
    score[2:4, 50:52] = 0.99  # a confident speck below min_pixels: dropped
    grown = grow_mask(score, 0.9, 0.2, min_pixels=16)
    expected = np.zeros_like(grown)
    expected[5:25, 5:25] = True
    assert (grown == expected).all()
    # The decision is the seed threshold's: no seed, nothing, however much lies above extent.
    assert not grow_mask(score, 0.995, 0.2, min_pixels=16).any()
    # extent at or above the threshold: only the seeds themselves.
    assert grow_mask(score, 0.9, 0.95, min_pixels=16).sum() == 25
    assert grow_mask(score, 0.9, 0.2).sum() == 20 * 20 + 4


def test_grow_mask_connects_diagonally_and_rejects_bad_input() -> None:
    score = np.zeros((6, 6))
    score[0, 0] = 1.0
    score[1, 1] = score[2, 2] = 0.5
    assert grow_mask(score, 0.9, 0.2).sum() == 3  # 8-connected, like mask_to_boxes
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        grow_mask(np.zeros(5), 0.5, 0.2)
    with pytest.raises(ValueError, match="min_pixels"):
        grow_mask(score, 0.5, 0.2, min_pixels=0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 0, 10, 10), (5, 5, 15, 15), True),
        ((0, 0, 10, 10), (10, 0, 20, 10), False),  # end-exclusive: touching edges share no pixel
        ((0, 0, 10, 10), (0, 10, 10, 20), False),
        ((0, 0, 10, 10), (9, 9, 10, 10), True),  # one pixel in common
        ((2, 2, 4, 4), (0, 0, 10, 10), True),  # inside
    ],
)
def test_corners_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int], expected: bool) -> None:
    assert corners_overlap(a, b) is expected and corners_overlap(b, a) is expected
