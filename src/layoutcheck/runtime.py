"""Where the judge's network runs: ONNX Runtime on the CPU, or PyTorch (CPU, CUDA, MPS).

The unit both runtimes run is :class:`layoutcheck.model.JudgeMaps`: two ``(B, H, W, 3)`` uint8
tile stacks in, four ``(B, H, W)`` maps out (p_any, p_defect, kind_strict, kind_layout). The
torch runner builds it from the safetensors file; ``layoutcheck export`` writes the same graph,
batch norms folded, to ``<model>.onnx`` beside it, and the ONNX runner loads that. So a base
install (no torch: ~2 s of imports and gigabytes less) judges with the shipped model, and the
torch install adds CUDA and training.

An ONNX file is tied to its safetensors twin by metadata written at export:

* ``layoutcheck.format``: :data:`ONNX_FORMAT`;
* ``layoutcheck.weights_sha256``: :func:`weights_digest` of the twin: its config and tensor bytes,
  not its other metadata, so recalibrating thresholds (which rewrites the safetensors header)
  keeps the export valid while new weights or another architecture invalidate it;
* ``layoutcheck.config``: the twin's config JSON.

Thresholds and the architecture's pooling multiple are always read from the safetensors header.
Torch and onnxruntime are imported only inside the functions that run a network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from layoutcheck.errors import InputError, ModelError, ModelNotAvailableError
from layoutcheck.fsutil import atomic_write_bytes
from layoutcheck.weights import CONFIG_KEY, load_model, pinned_sha256, read_model_info, write_pin

if TYPE_CHECKING:
    import onnxruntime

__all__ = [
    "DEVICE_RE", "ONNX_FORMAT", "ONNX_OPSET", "PRECISIONS", "RUNTIMES", "Maps", "Runner", "RuntimeNotAvailableError",
    "autocast_dtype", "choose_runtime", "export_onnx", "get_runner", "onnx_path_for", "resolve_device",
    "weights_digest",
]

RUNTIMES = ("auto", "onnx", "torch")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
DEVICE_RE = re.compile(r"auto|cpu|cuda(:\d+)?|mps")
ONNX_FORMAT = "layoutcheck-judge-onnx/1"
#: The opset the export writes: supported by onnxruntime >= 1.14 (the base install pins a newer one).
ONNX_OPSET = 17
_FORMAT_KEY = "layoutcheck.format"
_DIGEST_KEY = "layoutcheck.weights_sha256"
_INPUTS = ("reference", "candidate")
#: Largest |difference| between torch (fp32) and ONNX Runtime scores that export accepts.
EXPORT_TOLERANCE = 1e-4

Maps = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""``(p_any, p_defect, kind_strict, kind_layout)``, each ``(B, H, W)``: float32, float32, uint8, uint8."""


class RuntimeNotAvailableError(ModelNotAvailableError):
    """Neither onnxruntime nor torch can be imported (or not the one asked for)."""


class Runner(Protocol):
    """A loaded network: tile stacks in, the judge's maps out."""

    runtime: str
    device: str

    def run(self, reference: np.ndarray, candidate: np.ndarray) -> Maps:
        """``(B, H, W, 3)`` uint8 tiles of each image -> the maps, as numpy arrays on the host."""
        ...


def onnx_path_for(model_path: Path) -> Path:
    """The ONNX export that belongs to a safetensors file: same folder and stem, ``.onnx``."""
    return Path(model_path).with_suffix(".onnx")


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def weights_digest(path: Path) -> str:
    """sha256 of a model file's config and tensor bytes: what an export must match.

    Torch-free: reads the safetensors header and hashes the data that follows it.

    Raises:
        ModelNotAvailableError, ModelError: as :func:`weights.read_model_info`.
    """
    config, _ = read_model_info(path)
    with Path(path).open("rb") as fh:
        n = int.from_bytes(fh.read(8), "little")
        fh.seek(8 + n)
        h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _nvidia_driver_present() -> bool:
    """A cheap look for a CUDA driver, so ``auto`` does not import torch (~2 s) to learn there is none."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return False
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidiactl").exists()


def choose_runtime(runtime: str, device: str, model_path: Path) -> str:
    """The runtime a judge uses: ``"onnx"`` or ``"torch"``.

    ``auto`` takes torch for an accelerator (``--device cuda``/``mps``, or ``auto`` on a machine
    with an NVIDIA driver and torch installed) and ONNX Runtime on the CPU, falling back to the
    other when one is not installed or the model has no ONNX export.

    Raises:
        InputError: unknown runtime, or ``onnx`` asked for with an accelerator device.
        RuntimeNotAvailableError: the runtime asked for (or any, for ``auto``) is not installed.
        ModelNotAvailableError: ``onnx`` asked for and the model has no ONNX export.
    """
    if runtime not in RUNTIMES:
        raise InputError(f"unknown runtime {runtime!r}; choose one of {', '.join(RUNTIMES)}")
    has_ort, has_torch = _installed("onnxruntime"), _installed("torch")
    onnx_file = onnx_path_for(model_path)
    accelerator = device.startswith(("cuda", "mps"))
    if runtime == "onnx":
        if accelerator:
            raise InputError(
                f"the onnx runtime runs on the CPU, not on {device!r}; use --runtime torch (or auto) for it"
            )
        if not has_ort:
            raise RuntimeNotAvailableError("the onnx runtime is not installed; pip install onnxruntime")
        if not onnx_file.is_file():
            raise ModelNotAvailableError(
                f"the model {model_path} has no ONNX export at {onnx_file}; "
                f"run: layoutcheck export --model {model_path}"
            )
        return "onnx"
    if runtime == "torch" or accelerator or (device == "auto" and has_torch and _nvidia_driver_present()):
        if not has_torch:
            raise RuntimeNotAvailableError(
                f"{'--device ' + device if accelerator else 'the torch runtime'} needs PyTorch, which is not "
                "installed; pip install 'layoutcheck[torch]'"
            )
        return "torch"
    if has_ort and onnx_file.is_file():
        return "onnx"
    if has_torch:
        return "torch"
    if has_ort:
        raise ModelNotAvailableError(
            f"the model {model_path} has no ONNX export at {onnx_file} and PyTorch is not installed; "
            f"export it where torch is (layoutcheck export --model {model_path}) or pip install 'layoutcheck[torch]'"
        )
    raise RuntimeNotAvailableError(
        "the unet judge needs onnxruntime (pip install onnxruntime) or PyTorch (pip install 'layoutcheck[torch]'); "
        "neither is installed"
    )


@dataclass
class OnnxRunner:
    """The exported graph on ONNX Runtime's CPU provider."""

    session: onnxruntime.InferenceSession
    runtime: str = "onnx"
    device: str = "cpu"

    def run(self, reference: np.ndarray, candidate: np.ndarray) -> Maps:
        out = self.session.run(None, {_INPUTS[0]: reference, _INPUTS[1]: candidate})
        return out[0], out[1], out[2], out[3]


@dataclass
class TorchRunner:
    """:class:`~layoutcheck.model.JudgeMaps` on a torch device, bf16 autocast where it pays."""

    module: Any  # JudgeMaps, batch norms folded, channels_last
    device: str
    precision: str = "auto"
    runtime: str = "torch"

    def run(self, reference: np.ndarray, candidate: np.ndarray) -> Maps:
        import contextlib

        import torch

        dev = torch.device(self.device)
        dtype = autocast_dtype(self.device, self.precision)
        autocast = torch.autocast(dev.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()
        with torch.inference_mode(), autocast:
            outs = self.module(torch.from_numpy(reference).to(dev), torch.from_numpy(candidate).to(dev))
        p_any, p_defect, ks, kl = (o.cpu().numpy() for o in outs)
        return p_any.astype(np.float32, copy=False), p_defect.astype(np.float32, copy=False), ks, kl


def _prefer_passive_openmp() -> None:
    """Ask OpenMP to sleep, not spin, between parallel regions, unless the user chose.

    Only effective before torch is first imported (OpenMP reads it once). With spinning threads,
    a 2-core machine that also runs other work (``pytest -n 2``, a browser) loses whole time
    slices: a 1280x800 pair with one defect took 544 ms on 2 threads with the default policy
    and 111 ms with ``PASSIVE`` on a loaded 2-core machine (77 / 69 ms on 1 thread).
    """
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def resolve_device(device: str) -> str:
    """A torch device for ``device``: ``auto`` -> the best available; others checked for availability.

    Raises:
        InputError: the device is not available here.
    """
    _prefer_passive_openmp()
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if torch.backends.mps.is_available() else "cpu"
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise InputError(
                f"device {device!r} asked for, but CUDA is not available here (torch {torch.__version__}); "
                "use --device cpu or auto"
            )
        index = int(device.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise InputError(f"device {device!r} asked for, but only {torch.cuda.device_count()} CUDA device(s) exist")
    if device == "mps" and not torch.backends.mps.is_available():
        raise InputError("device 'mps' asked for, but MPS is not available here; use --device cpu or auto")
    return device


def autocast_dtype(device: str, precision: str) -> Any:
    """The torch autocast dtype for ``precision`` on ``device``, or None for plain fp32."""
    import torch

    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    kind = torch.device(device).type
    if precision == "fp32" or kind == "mps":
        return None
    if precision == "bf16":
        return torch.bfloat16
    if precision == "fp16":
        return torch.float16
    if kind == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if _cpu_has_bf16() else None


def _cpu_has_bf16() -> bool:
    """Whether oneDNN runs bf16 natively here (AVX-512 BF16 / AMX); emulated bf16 is slower than fp32."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


#: Loaded runners, per (runtime, files' versions, device, precision).
_RUNNERS: dict[tuple[Any, ...], Runner] = {}


def file_version(path: Path) -> tuple[str, int, int]:
    """``(resolved path, mtime_ns, size)``: caches keyed by it notice a replaced model file."""
    path = Path(path).resolve()
    st = path.stat()
    return str(path), st.st_mtime_ns, st.st_size


def get_runner(model_path: Path, runtime: str, device: str, precision: str = "auto") -> Runner:
    """The loaded network for a model file, cached per process (a replaced file is reloaded).

    Args:
        model_path: The safetensors file (its ``.onnx`` twin is used by the onnx runtime).
        runtime: ``"onnx"`` or ``"torch"`` (:func:`choose_runtime` picks one from ``auto``).
        device: torch: a resolved device (``cpu``, ``cuda:1``, ...); onnx: ``cpu``.
        precision: torch only: ``auto``, ``fp32``, ``bf16`` or ``fp16``.

    Raises:
        ModelNotAvailableError, ModelError: a missing, corrupt or mismatched file, named.
    """
    files = [model_path] + ([onnx_path_for(model_path)] if runtime == "onnx" else [])
    try:
        key = (runtime, *(file_version(f) for f in files), device, precision)
    except OSError:
        read_model_info(model_path)  # raises the typed error naming the file
        raise ModelNotAvailableError(f"no ONNX export at {onnx_path_for(model_path)}") from None
    if key not in _RUNNERS:
        _RUNNERS[key] = _load_onnx(model_path) if runtime == "onnx" else _load_torch(model_path, device, precision)
    return _RUNNERS[key]


def _load_torch(model_path: Path, device: str, precision: str) -> TorchRunner:
    import torch

    from layoutcheck.model import JudgeMaps, fuse_for_inference

    model, _, _ = load_model(model_path, device=device)
    module = JudgeMaps(fuse_for_inference(model).to(memory_format=torch.channels_last)).eval()
    return TorchRunner(module=module, device=device, precision=precision)


def _threads() -> int:
    """ONNX Runtime's intra-op threads: ``$OMP_NUM_THREADS`` when set (as torch reads it), else its default."""
    try:
        return max(int(os.environ.get("OMP_NUM_THREADS", "0")), 0)
    except ValueError:
        return 0


def _load_onnx(model_path: Path) -> OnnxRunner:
    """Open the ``.onnx`` twin, checking its own pin, its format and that it matches the safetensors."""
    import onnxruntime as ort

    onnx_file = onnx_path_for(model_path)
    try:
        data = onnx_file.read_bytes()
    except FileNotFoundError:
        raise ModelNotAvailableError(
            f"no ONNX export at {onnx_file}; run: layoutcheck export --model {model_path}"
        ) from None
    except OSError as exc:
        raise ModelError(f"cannot read the ONNX file {onnx_file}: {exc.strerror or exc}") from None
    _check_pin(onnx_file, data)
    options = ort.SessionOptions()
    options.intra_op_num_threads = _threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only: no warnings on stderr
    # Sleep rather than spin between ops: on a loaded 2-core machine spinning threads lose whole
    # time slices (the same reason segment asks OpenMP for a PASSIVE wait policy).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own error types  # noqa: BLE001
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"the ONNX file {onnx_file} cannot be loaded by onnxruntime {ort.__version__} ({first[:200]}); "
            f"re-export it: layoutcheck export --model {model_path}"
        ) from None
    meta = session.get_modelmeta().custom_metadata_map
    fix = f"re-export it: layoutcheck export --model {model_path}"
    if meta.get(_FORMAT_KEY) != ONNX_FORMAT:
        raise ModelError(
            f"the ONNX file {onnx_file} is not a layoutcheck judge export (format {meta.get(_FORMAT_KEY)!r}, "
            f"expected {ONNX_FORMAT!r}); {fix}"
        )
    config, _ = read_model_info(model_path)
    if meta.get(CONFIG_KEY) != json.dumps(config, sort_keys=True):
        raise ModelError(f"the ONNX file {onnx_file} was exported from another architecture than {model_path}; {fix}")
    if meta.get(_DIGEST_KEY) != weights_digest(model_path):
        raise ModelError(f"the ONNX file {onnx_file} does not match the weights in {model_path}; {fix}")
    names = tuple(i.name for i in session.get_inputs())
    if names != _INPUTS:
        raise ModelError(f"the ONNX file {onnx_file} has inputs {names}, expected {_INPUTS}; {fix}")
    return OnnxRunner(session=session)


def _check_pin(path: Path, data: bytes) -> None:
    """``<path>.sha256``, when present, must be the file's digest."""
    pinned = pinned_sha256(path)
    if pinned is not None and hashlib.sha256(data).hexdigest() != pinned.lower():
        raise ModelError(
            f"the ONNX file {path} does not match the sha256 pinned in {path.name}.sha256: the file was changed or "
            f"replaced; restore it, or re-export it with layoutcheck export"
        )


def export_onnx(
    model_path: Path, out: Path | None = None, *, on_step: Callable[[str], None] | None = None
) -> Path:
    """Export a model file to ONNX beside it (or to ``out``), checked against torch.

    The graph is :class:`~layoutcheck.model.JudgeMaps` with batch norms folded, dynamic batch,
    height and width. After writing, both runtimes run on the same random tiles and the export
    is refused (nothing written) when any score differs by more than :data:`EXPORT_TOLERANCE` or
    any class map differs where the scores are not tied. A ``<model>.sha256`` pin beside the
    model means a pinned, shipped model: the export gets its own ``.onnx.sha256`` pin then.

    Returns:
        The ONNX file's path.

    Raises:
        RuntimeNotAvailableError: torch or onnx (the exporter's dependency) is not installed.
        ModelNotAvailableError, ModelError: the model file is missing or unusable.
    """
    for name in ("torch", "onnx", "onnxruntime"):
        if not _installed(name):
            raise RuntimeNotAvailableError(f"export needs {name}, which is not installed; pip install 'layoutcheck[torch]'")
    import io
    import warnings

    import onnx
    import torch

    from layoutcheck.model import JUDGE_OUTPUTS, JudgeMaps, fuse_for_inference

    say = on_step or (lambda _msg: None)
    model_path = Path(model_path)
    out = Path(out) if out is not None else onnx_path_for(model_path)
    model, config, _ = load_model(model_path, device="cpu")
    module = JudgeMaps(fuse_for_inference(model)).eval()
    m = config.multiple
    example = torch.zeros((1, 2 * m, 2 * m, 3), dtype=torch.uint8)
    axes = {0: "batch", 1: "height", 2: "width"}
    buffer = io.BytesIO()
    say(f"exporting {model_path} (opset {ONNX_OPSET})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notes
        torch.onnx.export(
            module, (example, example.clone()), buffer, dynamo=False, opset_version=ONNX_OPSET,
            input_names=list(_INPUTS), output_names=list(JUDGE_OUTPUTS),
            dynamic_axes={name: axes for name in (*_INPUTS, *JUDGE_OUTPUTS)},
        )
    proto = onnx.load_from_string(buffer.getvalue())
    meta = {
        _FORMAT_KEY: ONNX_FORMAT, _DIGEST_KEY: weights_digest(model_path),
        CONFIG_KEY: json.dumps(config.to_dict(), sort_keys=True),
        "layoutcheck.source": model_path.name,
    }
    del proto.metadata_props[:]
    for k, v in meta.items():
        proto.metadata_props.add(key=k, value=v)
    proto.producer_name, proto.doc_string = "layoutcheck", "layoutcheck judge: JudgeMaps over ChangeSegmenter"
    data = proto.SerializeToString()
    say("checking the export against torch")
    _verify_export(module, data, m)
    atomic_write_bytes(out, data)
    if pinned_sha256(model_path) is not None:
        write_pin(out, hashlib.sha256(data).hexdigest())
    return out


def _verify_export(module: Any, data: bytes, multiple: int) -> None:
    """Run torch (fp32) and ONNX Runtime on the same tiles; raise ModelError when they disagree."""
    import onnxruntime as ort
    import torch

    rng = np.random.default_rng(0)
    side = 4 * multiple
    ref = rng.integers(0, 256, (2, side, side, 3), dtype=np.uint8)
    cand = ref.copy()
    cand[:, side // 4 : side // 2, side // 8 : side - side // 8] = rng.integers(0, 256, 3, dtype=np.uint8)
    with torch.inference_mode():
        want = [o.numpy() for o in module(torch.from_numpy(ref), torch.from_numpy(cand))]
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    got = session.run(None, {_INPUTS[0]: ref, _INPUTS[1]: cand})
    worst = max(float(np.abs(g - w).max()) for g, w in zip(got[:2], want[:2], strict=True))
    if worst > EXPORT_TOLERANCE:
        raise ModelError(f"the ONNX export differs from torch by {worst:.2e} (> {EXPORT_TOLERANCE}); not written")
