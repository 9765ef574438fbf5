"""The change segmenter: a small U-Net that labels every candidate pixel with a class.

Input: a reference and a candidate screenshot, ``(B, 3, H, W)`` floats in [0, 1] each (no other
normalisation: the network maps them to [-1, 1] itself), already row-aligned (see :mod:`align`).
Output: ``(B, num_classes, H, W)`` logits over the class table of ``docs/dataset.md`` (0 none,
1 change, 2..13 defects). ``H`` and ``W`` must be multiples of ``2**depth``.

Two ways to fuse the pair:

* ``early``: one encoder on ``concat(ref, cand, max_rgb |cand - ref|)``, 7 channels.
* ``siamese``: one encoder with shared weights on each image; the decoder sees
  ``|f(cand) - f(ref)|`` at every scale (FC-Siam-diff, Daudt et al., "Fully Convolutional Siamese
  Networks for Change Detection", ICIP 2018). About twice the encoder cost.

Imports torch at module level: import it only where a network is needed (``judges`` imports the
U-Net judge lazily).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn

from layoutcheck.model_parts import BLOCKS, Down, Up, make_block

__all__ = [
    "FIRST_DEFECT", "FUSIONS", "JUDGE_OUTPUTS", "ChangeSegmenter", "JudgeMaps", "ModelConfig", "build_model",
    "fuse_for_inference", "maps_from_logits",
]

FUSIONS = ("early", "siamese")
#: The head's class order (``docs/dataset.md``): 0 none, 1 change, 2.. defects.
FIRST_DEFECT = 2
#: What :class:`JudgeMaps` returns, in order; also the output names of the exported ONNX graph.
JUDGE_OUTPUTS = ("p_any", "p_defect", "kind_strict", "kind_layout")


@dataclass(frozen=True)
class ModelConfig:
    """Architecture of a :class:`ChangeSegmenter`; stored in the weights file's metadata.

    Attributes:
        base: Channels at full resolution; level ``l`` has ``base * 2**l``.
        depth: Down-sampling steps; input sides must be multiples of ``2**depth``.
        num_classes: Output channels, one per mask value (``dataset.NUM_CLASSES``).
        fusion: ``"early"`` or ``"siamese"`` (see the module docstring).
        block: ``"dsconv"`` (depthwise-separable) or ``"conv"`` (plain 3x3).
    """

    base: int = 16
    depth: int = 4
    num_classes: int = 14  # dataset.NUM_CLASSES; dataset sits in a higher layer
    fusion: str = "early"
    block: str = "dsconv"

    def __post_init__(self) -> None:
        for name in ("base", "depth", "num_classes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"ModelConfig.{name} must be an int, got {value!r}")
        if not 1 <= self.base <= 256:
            raise ValueError(f"ModelConfig.base must be in 1..256, got {self.base}")
        if not 1 <= self.depth <= 6:
            raise ValueError(f"ModelConfig.depth must be in 1..6, got {self.depth}")
        if not 2 <= self.num_classes <= 256:
            raise ValueError(f"ModelConfig.num_classes must be in 2..256, got {self.num_classes}")
        if self.fusion not in FUSIONS:
            raise ValueError(f"ModelConfig.fusion must be one of {', '.join(FUSIONS)}, got {self.fusion!r}")
        if self.block not in BLOCKS:
            raise ValueError(f"ModelConfig.block must be one of {', '.join(BLOCKS)}, got {self.block!r}")

    @property
    def multiple(self) -> int:
        """Input sides must be multiples of this: ``2**depth``."""
        return int(2**self.depth)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        """Build a config from :meth:`to_dict`'s output.

        Raises:
            ValueError: ``d`` is not a dict, has unknown keys, or holds invalid values.
        """
        if not isinstance(d, dict):
            raise ValueError(f"a model config must be a JSON object, got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown model config key(s) {unknown}; known: {sorted(known)}")
        return cls(**d)


class ChangeSegmenter(nn.Module):
    """U-Net over a screenshot pair: ``(B, 3, H, W)`` x 2 in [0, 1] -> ``(B, num_classes, H, W)`` logits."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        ch = [config.base * 2**level for level in range(config.depth + 1)]  # channels per level
        in_ch = 7 if config.fusion == "early" else 3
        self.inc = make_block(config.block, in_ch, ch[0])
        self.downs = nn.ModuleList(Down(config.block, ch[i], ch[i + 1]) for i in range(config.depth))
        self.ups = nn.ModuleList(
            Up(config.block, ch[i + 1], ch[i], ch[i]) for i in reversed(range(config.depth))
        )
        self.head = nn.Conv2d(ch[0], config.num_classes, 1)

    def forward(self, reference: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
        """Logits for every candidate pixel.

        Args:
            reference: ``(B, 3, H, W)`` float in [0, 1], row-aligned to the candidate.
            candidate: ``(B, 3, H, W)`` float in [0, 1].

        Returns:
            ``(B, num_classes, H, W)`` logits.

        Raises:
            ValueError: The shapes differ, or ``H``/``W`` is not a multiple of ``2**depth``.
        """
        self._check(reference, candidate)
        if self.config.fusion == "early":
            diff = (candidate - reference).abs().amax(dim=1, keepdim=True)  # (B, 1, H, W)
            x = torch.cat([reference * 2 - 1, candidate * 2 - 1, diff], dim=1)  # (B, 7, H, W)
            skips = self._encode(x)
        else:
            b = reference.shape[0]
            both = torch.cat([reference, candidate], dim=0) * 2 - 1  # (2B, 3, H, W): shared weights
            skips = [(f[b:] - f[:b]).abs() for f in self._encode(both)]  # |f(cand) - f(ref)|
        x = skips.pop()  # (B, C_depth, H/2**depth, W/2**depth)
        for up in self.ups:
            x = up(x, skips.pop())  # (B, C_l, H/2**l, W/2**l)
        return self.head(x)  # (B, num_classes, H, W)

    def _encode(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Features at every level, full resolution first: ``[(B, C_l, H/2**l, W/2**l)]``."""
        feats = [self.inc(x)]
        for down in self.downs:
            feats.append(down(feats[-1]))
        return feats

    def _check(self, reference: torch.Tensor, candidate: torch.Tensor) -> None:
        if reference.shape != candidate.shape or reference.dim() != 4 or reference.shape[1] != 3:
            raise ValueError(
                "reference and candidate must both be (B, 3, H, W), got "
                f"{tuple(reference.shape)} and {tuple(candidate.shape)}"
            )
        m = self.config.multiple
        h, w = reference.shape[-2:]
        if h % m or w % m:
            raise ValueError(
                f"height and width must be multiples of {m} (2**depth), got {h}x{w}; "
                f"pad the bottom by {-h % m} and the right by {-w % m} pixels"
            )


class JudgeMaps(nn.Module):
    """A segmenter and the per-pixel reductions the judge needs, as one graph.

    The inference unit of both runtimes: the torch judge runs it, and ``layoutcheck export``
    writes exactly it to ONNX, so both compute the same maps from the same weights.

    Input: two ``(B, H, W, 3)`` uint8 RGB tile stacks (the images' own memory layout; the cast,
    scaling and NHWC -> NCHW view are part of the graph). Output (:data:`JUDGE_OUTPUTS`), each
    ``(B, H, W)``:

    * ``p_any``: 1 - p(none), what the strict level thresholds;
    * ``p_defect``: p(classes >= 2) = p_any - p(change), what the layout level thresholds;
    * ``kind_strict`` (uint8): the most likely class among 1.. (ties: the lower class);
    * ``kind_layout`` (uint8): the most likely defect class (0 when the head has none).
    """

    def __init__(self, model: ChangeSegmenter) -> None:
        super().__init__()
        self.model = model
        self.config = model.config

    def forward(
        self, reference: torch.Tensor, candidate: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        ref = reference.permute(0, 3, 1, 2).float() / 255.0  # (B, 3, H, W)
        cand = candidate.permute(0, 3, 1, 2).float() / 255.0
        return maps_from_logits(self.model(ref, cand).float())  # logits (B, C, H, W)


def maps_from_logits(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The judge's four maps (see :class:`JudgeMaps`) from ``(B, C, H, W)`` float logits."""
    lse = torch.logsumexp(logits, dim=1)  # (B, H, W)
    p_any = 1.0 - torch.exp(logits[:, 0] - lse)  # p(change) + p(defect)
    p_change = torch.exp(logits[:, 1] - lse)
    p_defect = torch.clamp(p_any - p_change, min=0.0)
    if logits.shape[1] > FIRST_DEFECT:
        top, idx = logits[:, FIRST_DEFECT:].max(dim=1)  # (B, H, W): the best defect's logit and index
        kind_layout = (idx + FIRST_DEFECT).to(torch.uint8)
        # argmax of the logits = argmax of the probabilities; ties go to the lower class.
        kind_strict = torch.where(logits[:, 1] >= top, torch.ones_like(kind_layout), kind_layout)
    else:
        kind_layout = torch.zeros_like(p_any, dtype=torch.uint8)
        kind_strict = torch.ones_like(p_any, dtype=torch.uint8)
    return p_any, p_defect, kind_strict, kind_layout


def build_model(config: ModelConfig) -> ChangeSegmenter:
    """A freshly initialised (PyTorch default init) segmenter in training mode."""
    return ChangeSegmenter(config)


def fuse_for_inference(model: ChangeSegmenter) -> ChangeSegmenter:
    """An eval-mode copy with every batch norm folded into the convolution before it.

    Same outputs (to float rounding), fewer passes over memory: about 2-4x faster on the CPU,
    where the separate batch-norm passes cost as much as the small convolutions. Not for
    training (the copy has no batch norms), nor for saving (its keys differ).
    """
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    fused = copy.deepcopy(model).eval()
    for module in fused.modules():
        if isinstance(module, nn.Sequential):
            for i in range(len(module) - 1):
                conv, bn = module[i], module[i + 1]
                if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                    module[i] = fuse_conv_bn_eval(conv, bn)  # conv with a bias: w * g/s, (b - m) * g/s + beta
                    module[i + 1] = nn.Identity()
    return fused
