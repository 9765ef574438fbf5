"""Model weights on disk: safetensors, the architecture config in the metadata, loaded strictly.

A weights file is a plain safetensors file (no pickle) whose metadata holds:

* ``format``: :data:`FORMAT`, the version of this layout;
* ``layoutcheck.config``: the :class:`~layoutcheck.model.ModelConfig` as JSON, so the file alone
  rebuilds the network;
* ``layoutcheck.thresholds`` (optional): the judge's calibrated threshold per level as JSON,
  ``{"strict": 0.7, "layout": 0.6}`` (written by ``layoutcheck calibrate``; see
  :func:`model_thresholds`);
* whatever the writer adds (training facts: dataset hash, epochs, metrics), as strings.

:func:`read_model_info` checks a file's header without importing torch (``judges`` uses it to
fail early on a broken file while keeping identical pairs torch-free); :func:`load_model` checks
everything, keys and shapes included.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layoutcheck.errors import ModelError, ModelNotAvailableError
from layoutcheck.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from layoutcheck.model import ChangeSegmenter, ModelConfig

__all__ = [
    "CONFIG_KEY", "DEFAULT_MODEL", "ENV_VAR", "FORMAT", "THRESHOLDS_KEY", "default_model_path", "load_model",
    "model_thresholds", "pinned_sha256", "read_model_info", "save_model", "update_metadata", "write_pin",
]

FORMAT = "layoutcheck-unet/1"
CONFIG_KEY = "layoutcheck.config"
FORMAT_KEY = "format"
THRESHOLDS_KEY = "layoutcheck.thresholds"
ENV_VAR = "LAYOUTCHECK_MODEL"
DEFAULT_MODEL = Path(str(files("layoutcheck") / "shipped" / "layoutcheck-unet.safetensors"))
"""The shipped model: package data (``layoutcheck/shipped/``), beside its ONNX export, their
SHA-256 pins and its card, so a wheel install has it; a checkout has it under ``src/``."""

_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit on the JSON header


def default_model_path() -> Path:
    """``$LAYOUTCHECK_MODEL`` when set and not empty, else :data:`DEFAULT_MODEL`."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else DEFAULT_MODEL


def save_model(model: ChangeSegmenter, path: Path, *, metadata: dict[str, str] | None = None) -> str:
    """Write a model's weights and config to a safetensors file, atomically.

    Args:
        model: The network; its ``config`` goes into the metadata.
        path: Destination file (folders are created).
        metadata: Extra string facts to store (training run, dataset, metrics); they may not
            use the keys ``format`` or ``layoutcheck.config``.

    Returns:
        The sha256 hex digest of the written file (pass it to :func:`load_model` to pin it).

    Raises:
        ValueError: ``metadata`` has non-string keys or values, or a reserved key.
    """
    from safetensors.torch import save

    extra = dict(metadata or {})
    bad = [k for k, v in extra.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        raise ValueError(f"metadata keys and values must be strings; not so for {bad}")
    reserved = sorted({FORMAT_KEY, CONFIG_KEY} & set(extra))
    if reserved:
        raise ValueError(f"metadata may not set the reserved key(s) {reserved}")
    meta = {**extra, FORMAT_KEY: FORMAT, CONFIG_KEY: json.dumps(model.config.to_dict(), sort_keys=True)}
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    data = save(tensors, metadata=meta)
    atomic_write_bytes(Path(path), data)
    return hashlib.sha256(data).hexdigest()


def read_model_info(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a weights file's header and return its config (as a dict) and metadata.

    Reads the header only and imports no torch. It catches files that are missing, truncated,
    not safetensors, or safetensors not written by :func:`save_model`; the weights themselves
    are checked by :func:`load_model`.

    Raises:
        ModelNotAvailableError: No file at ``path``.
        ModelError: The file is corrupt or foreign.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
            n = int.from_bytes(head, "little") if len(head) == 8 else -1
            header_bytes = fh.read(n) if 0 <= n <= _MAX_HEADER else b""
    except FileNotFoundError:
        raise ModelNotAvailableError(f"no model file at {path}") from None
    except OSError as exc:
        raise ModelError(f"cannot read the model file {path}: {exc.strerror or exc}") from None
    return _check_header(path, size, n, header_bytes)


def model_thresholds(path: Path, metadata: dict[str, str]) -> dict[str, float]:
    """The calibrated threshold per level stored in a model's metadata; ``{}`` when there is none.

    Raises:
        ModelError: the entry exists but is not a JSON map of level -> number in [0, 1].
    """
    raw = metadata.get(THRESHOLDS_KEY)
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = None
    ok = isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= 1.0
        for k, v in value.items()
    )
    if not ok:
        raise ModelError(f"the model file {path} has a {THRESHOLDS_KEY!r} that is not a map of level to a number in [0, 1]")
    return {k: float(v) for k, v in value.items()}


def update_metadata(path: Path, updates: dict[str, str]) -> str:
    """Rewrite a model file with some metadata entries set, the tensors unchanged, atomically.

    A pinned digest beside it (``<path>.sha256``) is rewritten to the new file's digest, so a
    calibrated shipped model stays loadable; the file is fully checked (pin included) first.

    Returns:
        The new file's sha256 hex digest.

    Raises:
        ModelNotAvailableError, ModelError: as :func:`load_model`.
        ValueError: non-string or reserved keys in ``updates``.
    """
    model, _, metadata = load_model(path)
    extra = {k: v for k, v in metadata.items() if k not in (FORMAT_KEY, CONFIG_KEY)}
    digest = save_model(model, path, metadata={**extra, **updates})
    if pinned_sha256(path) is not None:
        write_pin(path, digest)
    return digest


def write_pin(path: Path, digest: str) -> None:
    """Pin ``path``'s sha256 in ``<path>.sha256``, as ``sha256sum`` writes it, atomically."""
    atomic_write_bytes(path.with_name(path.name + ".sha256"), f"{digest}  {path.name}\n".encode())


def pinned_sha256(path: Path) -> str | None:
    """The digest pinned in ``<path>.sha256`` (first word, like ``sha256sum`` writes), if any."""
    pin = path.with_name(path.name + ".sha256")
    try:
        words = pin.read_text(encoding="utf-8").split()
    except OSError:
        return None
    return words[0] if words else None


def load_model(
    path: Path, *, device: str = "cpu", expected_sha256: str | None = None
) -> tuple[ChangeSegmenter, ModelConfig, dict[str, str]]:
    """Load a model written by :func:`save_model`, strictly.

    Args:
        path: The safetensors file.
        device: Where to put the model (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ...).
        expected_sha256: If given, the file's sha256 hex digest must equal it. By default the
            digest in ``<path>.sha256`` is checked when that file exists (the shipped model has
            one), so a damaged or swapped shipped file is caught.

    Returns:
        The model in eval mode on ``device``, its config, and the file's metadata.

    Raises:
        ModelNotAvailableError: No file at ``path``.
        ModelError: The file is corrupt, foreign, has a bad config, does not match its sha256,
            or its tensors do not fit the architecture (missing, unexpected or mis-shaped keys,
            all named).
    """
    from safetensors.torch import load

    from layoutcheck.model import ModelConfig, build_model

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelNotAvailableError(f"no model file at {path}") from None
    except OSError as exc:
        raise ModelError(f"cannot read the model file {path}: {exc.strerror or exc}") from None
    if expected_sha256 is None:
        expected_sha256 = pinned_sha256(path)
    if expected_sha256 is not None:
        found = hashlib.sha256(data).hexdigest()
        if found != expected_sha256.strip().lower():
            raise ModelError(
                f"the model file {path} has sha256 {found}, expected {expected_sha256}; "
                "the file was changed or replaced: restore it or update the expected hash"
            )
    n = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    header_bytes = data[8 : 8 + n] if 0 <= n <= _MAX_HEADER else b""
    config_dict, metadata = _check_header(path, len(data), n, header_bytes)
    try:
        config = ModelConfig.from_dict(config_dict)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"the model file {path} has an invalid config in its metadata: {exc}") from None
    try:
        tensors = load(data)
    except Exception as exc:  # safetensors raises its own error types  # noqa: BLE001
        raise ModelError(f"the model file {path} cannot be read as safetensors: {exc}") from None

    model = build_model(config)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found_shapes = {k: tuple(v.shape) for k, v in tensors.items()}
    missing = sorted(expected.keys() - found_shapes.keys())
    unexpected = sorted(found_shapes.keys() - expected.keys())
    wrong = sorted(
        f"{k} {found_shapes[k]} (expected {expected[k]})"
        for k in expected.keys() & found_shapes.keys()
        if expected[k] != found_shapes[k]
    )
    if missing or unexpected or wrong:
        parts = [
            f"{label} {_few(items)}"
            for label, items in (("missing keys", missing), ("unexpected keys", unexpected), ("wrong shapes", wrong))
            if items
        ]
        raise ModelError(
            f"the weights in {path} do not fit the architecture in its metadata ({config}): "
            + "; ".join(parts)
            + ". The file was written for another architecture or edited; re-export it with save_model"
        )
    model.load_state_dict(tensors, strict=True)
    return model.to(device).eval(), config, metadata


def _check_header(path: Path, size: int, n: int, header_bytes: bytes) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a safetensors header; return the config dict and metadata. See :func:`read_model_info`."""
    not_st = f"the model file {path} is not a safetensors file"
    if n < 0:
        raise ModelError(f"{not_st}: it has {size} bytes, fewer than the 8-byte header length")
    if n > _MAX_HEADER or 8 + n > size or len(header_bytes) != n:
        raise ModelError(
            f"{not_st} or is truncated: its header claims {n} bytes but the file has {size}; "
            "download or export it again"
        )
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{not_st}: its header is not JSON") from None
    if not isinstance(header, dict):
        raise ModelError(f"{not_st}: its header is not a JSON object")
    end = 0
    for key, info in header.items():
        if key == "__metadata__":
            continue
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            raise ModelError(f"{not_st}: the header entry for {key!r} has no valid data_offsets")
        end = max(end, offsets[1])
    if 8 + n + end != size:
        raise ModelError(
            f"the model file {path} is truncated or padded: its tensors need {8 + n + end} bytes, "
            f"the file has {size}; download or export it again"
        )
    metadata = header.get("__metadata__") or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ModelError(f"{not_st}: its __metadata__ is not a string map")
    if CONFIG_KEY not in metadata:
        raise ModelError(
            f"the model file {path} is a safetensors file but not a layoutcheck model: its metadata "
            f"has no {CONFIG_KEY!r} (found keys {sorted(metadata)}); export models with "
            "layoutcheck.weights.save_model"
        )
    if metadata.get(FORMAT_KEY) != FORMAT:
        raise ModelError(
            f"the model file {path} has format {metadata.get(FORMAT_KEY)!r}, this layoutcheck reads "
            f"{FORMAT!r}; use the layoutcheck version that wrote it, or re-export it"
        )
    try:
        config = json.loads(metadata[CONFIG_KEY])
    except json.JSONDecodeError:
        raise ModelError(f"the model file {path} has a {CONFIG_KEY!r} that is not JSON") from None
    if not isinstance(config, dict):
        raise ModelError(f"the model file {path} has a {CONFIG_KEY!r} that is not a JSON object")
    return config, dict(metadata)


def _few(items: list[str], limit: int = 6) -> str:
    """``[a, b, c]`` or ``[a, b, ... and 7 more]``."""
    shown = ", ".join(items[:limit])
    return f"[{shown}{f', ... and {len(items) - limit} more' if len(items) > limit else ''}]"
