"""The training loss: weighted cross-entropy over the classes plus Dice on two binary maps.

``loss = CE(logits, mask; w) + DICE_WEIGHT * (Dice(anything real) + Dice(defect))``

* Cross-entropy teaches the class of every pixel. Weights :data:`CLASS_WEIGHTS`: ``none`` 1,
  ``change`` 2, each defect class 3. Even box-centred tiles are mostly background, so the
  foreground needs extra weight; defects get more than changes because missing one is the
  costly error. Per-class weights for rare defect classes are avoided on purpose (they inflate
  false positives of those classes); rarity is handled by drawing rare-class pairs more often
  (:func:`layoutcheck.train.data.pair_weights`).
* Soft Dice on ``P(mask >= 1) = 1 - p_none`` and ``P(mask >= 2) = sum of defect p`` is
  insensitive to how small the labelled area is (a 3 px misalignment sliver counts as much as a
  missing card), and these two maps are exactly what the judge thresholds at its ``strict`` and
  ``layout`` levels. Dice is computed over the whole batch, since many tiles have an empty target.

Computed in float32 whatever the autocast dtype of the logits.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from layoutcheck.dataset import FIRST_DEFECT

#: Cross-entropy weight of ``none``, ``change`` and each defect class.
CLASS_WEIGHTS = (1.0, 2.0, 3.0)
DICE_WEIGHT = 1.0
_SMOOTH = 1.0


def class_weights(num_classes: int) -> torch.Tensor:
    """``(num_classes,)`` cross-entropy weights: none, change, then one weight for every defect."""
    none, change, defect = CLASS_WEIGHTS
    return torch.tensor([none, change] + [defect] * (num_classes - FIRST_DEFECT), dtype=torch.float32)


def soft_dice(prob: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``1 - (2|P∩T| + 1) / (|P| + |T| + 1)`` over all elements of ``prob`` and ``target``."""
    inter = (prob * target).sum()
    return 1.0 - (2.0 * inter + _SMOOTH) / (prob.sum() + target.sum() + _SMOOTH)


class SegmentationLoss(nn.Module):
    """Weighted CE + Dice(anything real) + Dice(defect); see the module docstring."""

    weight: torch.Tensor

    def __init__(self, num_classes: int, dice_weight: float = DICE_WEIGHT) -> None:
        super().__init__()
        self.register_buffer("weight", class_weights(num_classes))
        self.dice_weight = dice_weight

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Loss of ``(B, C, H, W)`` logits against a ``(B, H, W)`` int64 mask.

        Returns:
            The scalar loss, and its detached parts ``ce``, ``dice_any``, ``dice_defect``.
        """
        logits = logits.float()
        ce = F.cross_entropy(logits, target, weight=self.weight)
        prob = logits.softmax(dim=1)  # (B, C, H, W)
        p_none = prob[:, 0]  # (B, H, W)
        p_defect = prob[:, FIRST_DEFECT:].sum(dim=1)  # (B, H, W)
        dice_any = soft_dice(1.0 - p_none, (target >= 1).float())
        dice_defect = soft_dice(p_defect, (target >= FIRST_DEFECT).float())
        loss = ce + self.dice_weight * (dice_any + dice_defect)
        parts = {"ce": ce.detach(), "dice_any": dice_any.detach(), "dice_defect": dice_defect.detach()}
        return loss, parts
