"""Building blocks of the change segmenter: the conv blocks, a down step and an up step.

Kept apart from the assembled network in :mod:`model`, as Pytorch-UNet keeps ``unet_parts.py``
apart from ``unet_model.py``. Every block keeps the spatial size; ``Down`` halves it and ``Up``
doubles it, so an input whose sides are multiples of ``2**depth`` comes back at its own size.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["BLOCKS", "ConvBlock", "Down", "DSConvBlock", "Up", "make_block"]


class DSConvBlock(nn.Sequential):
    """``(conv dw 3x3 => conv pw 1x1 => BN => ReLU) * 2``: depthwise-separable, about 8x cheaper.

    The depthwise and pointwise convolutions have no bias: the batch norm after them has one.
    """

    def __init__(self, in_ch: int, out_ch: int) -> None:
        super().__init__(
            nn.Conv2d(in_ch, in_ch, 3, padding=1, groups=in_ch, bias=False),  # dw: (B, in, H, W)
            nn.Conv2d(in_ch, out_ch, 1, bias=False),  # pw: (B, out, H, W)
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_ch, out_ch, 3, padding=1, groups=out_ch, bias=False),
            nn.Conv2d(out_ch, out_ch, 1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )


class ConvBlock(nn.Sequential):
    """``(conv 3x3 => BN => ReLU) * 2``: the plain U-Net block."""

    def __init__(self, in_ch: int, out_ch: int) -> None:
        super().__init__(
            nn.Conv2d(in_ch, out_ch, 3, padding=1, bias=False),  # (B, out, H, W)
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_ch, out_ch, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )


BLOCKS: dict[str, type[nn.Sequential]] = {"dsconv": DSConvBlock, "conv": ConvBlock}


def make_block(kind: str, in_ch: int, out_ch: int) -> nn.Sequential:
    """The block named ``kind`` (a key of :data:`BLOCKS`) from ``in_ch`` to ``out_ch`` channels."""
    return BLOCKS[kind](in_ch, out_ch)


class Down(nn.Sequential):
    """``maxpool 2x2 => block``: (B, in, H, W) -> (B, out, H/2, W/2)."""

    def __init__(self, kind: str, in_ch: int, out_ch: int) -> None:
        super().__init__(nn.MaxPool2d(2), make_block(kind, in_ch, out_ch))


class Up(nn.Module):
    """``bilinear x2 => concat skip => block``: (B, low, H/2, W/2) + (B, skip, H, W) -> (B, out, H, W).

    Bilinear upsampling instead of a transposed convolution: no parameters, no checkerboard.
    """

    def __init__(self, kind: str, low_ch: int, skip_ch: int, out_ch: int) -> None:
        super().__init__()
        self.block = make_block(kind, low_ch + skip_ch, out_ch)

    def forward(self, low: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        up = F.interpolate(low, size=skip.shape[-2:], mode="bilinear", align_corners=False)  # (B, low, H, W)
        return self.block(torch.cat([skip, up], dim=1))  # (B, out, H, W)
