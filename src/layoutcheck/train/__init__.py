"""``layoutcheck train``: train or fine-tune the U-Net change segmenter on the dataset format.

* :mod:`.config` -- :class:`TrainConfig` (the run) and :class:`TrainResult` (what it produced);
* :mod:`.data` -- sources, the epoch plan, tiles and the joint augmentation;
* :mod:`.losses` -- weighted cross-entropy plus Dice;
* :mod:`.validate` -- val metrics and the checkpoint score;
* :mod:`.checkpoint` -- the resumable state ``<out>.ckpt``;
* :mod:`.runtime` -- the process's place in a ``torchrun`` job, its device, precision and seeds;
* :mod:`.loop` -- :func:`train`: devices, DDP, mixed precision, signals and progress.
"""

from __future__ import annotations

from layoutcheck.train.config import TrainConfig, TrainingInterrupted, TrainResult
from layoutcheck.train.loop import train

__all__ = ["TrainConfig", "TrainResult", "TrainingInterrupted", "train"]
