"""Optional ONNX Runtime backend for the CPU: the same weights, exported in memory, run by ORT.

``pip install 'docdenoise[onnx]'`` adds onnxruntime, and onnx + onnxscript for torch's exporter.
:class:`OnnxRunner` exports the loaded :class:`~docdenoise.model.DenoiseNet` with
``torch.onnx.export`` (batch, height and width dynamic) and opens an ONNX Runtime session with as
many intra-op threads as torch uses. Nothing is downloaded. Exporting takes seconds, so the ONNX
bytes are kept for the process and in the user's cache directory, named by a hash of the weights
and the tool versions (a changed model or torch never reuses a stale file) and written
atomically; a cache that cannot be written or read is only logged.

Arrays: :meth:`OnnxRunner.__call__` takes and returns ``(N, 1, H, W) float32`` in ``[0, 1]``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import sys
import warnings
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import torch

from docdenoise.atomicfile import atomic_write
from docdenoise.errors import OutputWriteError
from docdenoise.model import DenoiseNet

log = logging.getLogger(__name__)

EXPORT_FORMAT = "docdenoise-onnx-1"  # bump when the export below changes
_EXPORTED: dict[str, bytes] = {}  # model key -> ONNX bytes, for this process


def cache_dir() -> Path:
    """``DOCDENOISE_CACHE_DIR``, else the platform's user cache folder, plus ``docdenoise``."""
    env = os.environ.get("DOCDENOISE_CACHE_DIR", "").strip()
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "docdenoise" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "docdenoise"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docdenoise"


def _versions() -> str:
    found = []
    for package in ("torch", "onnxscript", "onnx"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=?")
    return " ".join(found)


def model_key(net: DenoiseNet) -> str:
    """A hash of the network's config and tensors and of the exporter's versions."""
    digest = hashlib.sha256(f"{EXPORT_FORMAT} {_versions()}".encode())
    digest.update(json.dumps(net.config.to_dict(), sort_keys=True).encode())
    for name, tensor in sorted(net.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
    return digest.hexdigest()[:32]


def export_onnx(net: DenoiseNet) -> bytes:
    """The network as an ONNX model (fp32, CPU), input ``page`` ``(N, 1, H, W)``, all dynamic.

    Weights go back to the standard memory layout first: ``torch.export`` fails on
    channels-last ones (torch 2.13).
    """
    model = copy.deepcopy(net).to("cpu", torch.float32).eval()
    model = model.to(memory_format=torch.contiguous_format)  # type: ignore[call-overload]
    align = net.config.alignment
    example = torch.rand(1, 1, 4 * align, 4 * align)
    dim = torch.export.Dim
    dims = {0: dim("n", min=1), 2: dim("h", min=align), 3: dim("w", min=align)}
    noisy = [
        logging.getLogger(name) for name in ("torch.onnx", "torch.export", "onnxscript", "onnx_ir")
    ]
    levels = [logger.level for logger in noisy]
    try:
        for logger in noisy:  # "torchvision is not installed" and similar notes from the exporter
            logger.setLevel(logging.ERROR)
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # deprecation notes inside torch.export, not ours
            program = torch.onnx.export(
                model,
                (example,),
                input_names=["page"],
                output_names=["clean"],
                dynamic_shapes={"x": dims},
                dynamo=True,
                verbose=False,
            )
    finally:
        for logger, level in zip(noisy, levels, strict=True):
            logger.setLevel(level)
    if program is None:
        raise RuntimeError("torch.onnx.export returned no program")
    return bytes(program.model_proto.SerializeToString())


def onnx_bytes(net: DenoiseNet, *, use_cache: bool = True) -> bytes:
    """The ONNX model for ``net``: from this process, the disk cache, or a fresh export."""
    key = model_key(net)
    if use_cache and key in _EXPORTED:
        return _EXPORTED[key]
    path = cache_dir() / "onnx" / f"{key}.onnx"
    if use_cache and path.is_file():
        try:
            data = path.read_bytes()
            _EXPORTED[key] = data
            return data
        except OSError as exc:
            log.warning("cannot read the cached ONNX model %s: %s", path, exc)
    log.info("exporting the model to ONNX (once per model; cached in %s)", path.parent)
    data = export_onnx(net)
    _EXPORTED[key] = data

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, write)
    except (OSError, OutputWriteError) as exc:
        log.warning("cannot cache the ONNX model in %s: %s", path.parent, exc)
    return data


class OnnxRunner:
    """An ONNX Runtime CPU session for a network: ``(N, 1, H, W)`` float32 in, same out."""

    def __init__(self, net: DenoiseNet, threads: int) -> None:
        import onnxruntime as ort

        self.threads = threads
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # as torch: one per core (DOCDENOISE_THREADS)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only: the library never prints
        # ORT's memory arena stays on: without it ORT was barely faster than torch (1.03x on one
        # thread, A4 page, tile 1536; 1.34x with it). It keeps the largest tile's buffers, so
        # memory is still bounded by the tile: peak RSS 1.12 GB vs torch's 0.82 GB for that page.
        data = onnx_bytes(net)
        try:
            self.session = self._session(ort, data, options)
        except Exception as exc:  # a damaged cache file: export again, once
            log.warning("the ONNX model did not load (%s); exporting it again", exc)
            self.session = self._session(ort, onnx_bytes(net, use_cache=False), options)
        self.input_name = self.session.get_inputs()[0].name

    @staticmethod
    def _session(ort: Any, data: bytes, options: Any) -> Any:
        return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        feed = np.ascontiguousarray(batch, dtype=np.float32)
        return np.asarray(self.session.run(None, {self.input_name: feed})[0])
