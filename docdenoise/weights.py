"""Safe model files: safetensors weights (never pickle) with the hyperparameters and a model card.

A model is two files side by side in ``assets/`` (or anywhere a user keeps theirs)::

    docdenoise-fast.safetensors   tensors + metadata {"format": "docdenoise", "config": <json>}
    docdenoise-fast.json          the model card: config, data seed, command, metrics, sha256, ...

Loading builds the network from the stored config, then checks every tensor (names, shapes,
dtype, finite values) before a strict ``load_state_dict``. Any mismatch is a
:class:`~docdenoise.errors.ModelFileError` that says what is wrong with which file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save

from docdenoise.assets import MODEL_NAMES, bundled_model_path
from docdenoise.errors import ModelFileError
from docdenoise.model import DenoiseNet, ModelConfig

FORMAT = "docdenoise"
_ALLOWED_DTYPES = (torch.float32, torch.float16, torch.bfloat16)


def resolve_model(name_or_path: str | os.PathLike[str]) -> Path:
    """``fast``/``quality`` -> the bundled file; anything else is taken as a path."""
    text = os.fspath(name_or_path)
    if text in MODEL_NAMES:
        return bundled_model_path(text)
    return Path(text)


def card_path(weights_path: Path) -> Path:
    return weights_path.with_suffix(".json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sorted_header(blob: bytes) -> bytes:
    """``blob`` (a safetensors file) with its JSON header's keys in sorted order.

    safetensors writes the header from a hash map, so the order of its keys, and with it the
    file's sha256, changes from one save to the next; sorted, the bytes depend on the weights
    alone and exporting the same weights twice gives the same file. The header keeps its length
    (safetensors pads it with spaces) and the tensor offsets are relative to the data that
    follows it, so nothing else moves.
    """
    size = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8 : 8 + size])
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if len(text) > size:  # cannot happen for a header safetensors wrote compactly; keep it
        return blob
    return blob[:8] + text.ljust(size, b" ") + blob[8 + size :]


def save_weights(
    model: DenoiseNet, path: Path, card: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write ``path`` (.safetensors) and its card (.json) atomically; returns the card written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {
        k: v.detach().to("cpu", torch.float32).contiguous() for k, v in model.state_dict().items()
    }
    meta = {"format": FORMAT, "config": json.dumps(model.config.to_dict())}
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(_sorted_header(save(tensors, metadata=meta)))
        os.chmod(tmp, 0o644)  # whatever the umask: a model is for everyone to read
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    full_card = dict(card or {})
    full_card.update(
        {"config": model.config.to_dict(), "weights": path.name, "sha256": sha256_of(path)}
    )
    tmp_card = card_path(path).with_name(f".{card_path(path).name}.tmp")
    tmp_card.write_text(json.dumps(full_card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp_card, card_path(path))
    return full_card


def read_card(weights_path: Path) -> dict[str, Any]:
    """The model card beside ``weights_path``, or ``{}`` when there is none."""
    path = card_path(Path(weights_path))
    if not path.is_file():
        return {}
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(path, f"model card is not valid JSON ({exc})") from exc
    if not isinstance(card, dict):
        raise ModelFileError(path, "model card is not a JSON object")
    return card


def _read_tensors(path: Path) -> tuple[dict[str, str], dict[str, torch.Tensor]]:
    try:
        with safe_open(str(path), framework="pt", device="cpu") as fh:
            meta = fh.metadata() or {}
            tensors = {key: fh.get_tensor(key) for key in fh.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ModelFileError(path, f"not a readable safetensors file ({exc})") from exc
    return meta, tensors


def _config_from(path: Path, meta: dict[str, str]) -> ModelConfig:
    if meta.get("format") != FORMAT or "config" not in meta:
        raise ModelFileError(
            path, "safetensors file has no docdenoise model config in its metadata"
        )
    try:
        return ModelConfig.from_dict(json.loads(meta["config"]))
    except (ValueError, TypeError) as exc:
        raise ModelFileError(path, f"model config does not fit this version ({exc})") from exc


def _check_tensors(path: Path, model: DenoiseNet, tensors: dict[str, torch.Tensor]) -> None:
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing or extra:
        raise ModelFileError(
            path,
            f"weights do not match the architecture (missing {missing[:3]}, "
            f"unexpected {extra[:3]})",
        )
    for key, tensor in tensors.items():
        if tensor.shape != expected[key].shape:
            raise ModelFileError(
                path,
                f"tensor {key} has shape {tuple(tensor.shape)}, "
                f"expected {tuple(expected[key].shape)}",
            )
        if tensor.dtype not in _ALLOWED_DTYPES:
            raise ModelFileError(
                path, f"tensor {key} has dtype {tensor.dtype}, expected a float type"
            )
        if not torch.isfinite(tensor).all():
            raise ModelFileError(path, f"tensor {key} holds NaN or infinite values")


def load_weights(name_or_path: str | os.PathLike[str]) -> tuple[DenoiseNet, dict[str, Any]]:
    """Load a model safely (CPU, eval mode) and its card. Raises :class:`ModelFileError`."""
    path = resolve_model(name_or_path)
    if not path.is_file():
        raise ModelFileError(path, "model file not found")
    card = read_card(path)
    expected_sha = card.get("sha256")
    if expected_sha and sha256_of(path) != expected_sha:
        raise ModelFileError(
            path, "checksum does not match its model card (corrupt or modified file)"
        )
    meta, tensors = _read_tensors(path)
    model = DenoiseNet(_config_from(path, meta))
    _check_tensors(path, model, tensors)
    model.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=True)
    return model.eval(), card
