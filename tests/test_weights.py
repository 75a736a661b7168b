"""Safe model files: round trip, strict refusal of anything that does not fit, no code runs."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from docdenoise.errors import ModelFileError
from docdenoise.model import DenoiseNet, ModelConfig
from docdenoise.weights import FORMAT, load_weights, read_card, resolve_model, save_weights


def _tensors(model: DenoiseNet) -> dict[str, torch.Tensor]:
    return {k: v.clone().contiguous() for k, v in model.state_dict().items()}


def _meta(config: ModelConfig | None = None) -> dict[str, str]:
    return {"format": FORMAT, "config": json.dumps((config or ModelConfig()).to_dict())}


def test_round_trip_keeps_weights_config_and_card(tmp_path: Path) -> None:
    model = DenoiseNet(ModelConfig(channels=(8, 16, 24)))
    path = tmp_path / "m.safetensors"
    card = save_weights(model, path, {"name": "tiny", "data_seed": 7})
    loaded, loaded_card = load_weights(path)
    assert loaded.config == model.config
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    assert loaded_card == card == read_card(path)
    assert card["name"] == "tiny" and len(card["sha256"]) == 64


def test_names_resolve_to_bundled_files() -> None:
    assert resolve_model("fast").name == "docdenoise-fast.safetensors"
    assert resolve_model("some/file.safetensors") == Path("some/file.safetensors")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.pop("dec1b.bias"), "missing"),
        (lambda t: t.update(extra=torch.zeros(1)), "unexpected"),
        (lambda t: t.update({"enc1a.weight": torch.zeros(3, 4, 3, 3)}), "shape"),
        (lambda t: t.update({"enc1a.bias": torch.zeros(16, dtype=torch.int32)}), "dtype"),
        (lambda t: t["enc1a.bias"].fill_(float("nan")), "NaN"),
    ],
)
def test_mismatched_tensors_are_refused(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    tensors = _tensors(DenoiseNet())
    mutate(tensors)
    path = tmp_path / "bad.safetensors"
    save_file(tensors, str(path), metadata=_meta())
    with pytest.raises(ModelFileError, match=message) as info:
        load_weights(path)
    assert str(path) in str(info.value)


def test_file_without_our_metadata_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.safetensors"
    save_file(_tensors(DenoiseNet()), str(path))
    with pytest.raises(ModelFileError, match="no docdenoise model config"):
        load_weights(path)


def test_truncated_and_missing_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    save_weights(DenoiseNet(), path)
    path.with_suffix(".json").unlink()
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelFileError, match="not a readable safetensors"):
        load_weights(path)
    with pytest.raises(ModelFileError, match="not found"):
        load_weights(tmp_path / "absent.safetensors")


def test_tampered_file_fails_its_checksum(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    save_weights(DenoiseNet(), path)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01  # flip one bit in the last weight
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="checksum"):
        load_weights(path)


class _Payload:
    """Unpickling this would create a marker file: the loader must never unpickle."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


def test_a_crafted_pickle_runs_no_code(tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.safetensors"
    path.write_bytes(pickle.dumps({"state_dict": _Payload(marker)}))
    with pytest.raises(ModelFileError):
        load_weights(path)
    assert not marker.exists()
    pickle.loads(path.read_bytes())  # the payload is live: unpickling would have run it
    assert marker.exists()


def test_saved_model_is_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    save_weights(DenoiseNet(), path)
    assert path.stat().st_mode & 0o044 == 0o044


def test_same_weights_give_the_same_file(tmp_path: Path) -> None:
    """safetensors orders its header from a hash map; save_weights sorts it, so re-exporting the
    same weights reproduces the file's bytes and sha256 (the model card cites the sha256)."""
    torch.manual_seed(3)
    model = DenoiseNet(ModelConfig(channels=(8, 16, 24)))
    paths = [tmp_path / f"m{i}.safetensors" for i in range(6)]
    shas = {save_weights(model, path)["sha256"] for path in paths}
    assert len(shas) == 1
    blob = paths[0].read_bytes()
    size = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8 : 8 + size])
    assert list(header) == sorted(header) and list(header["__metadata__"]) == ["config", "format"]
    loaded, _ = load_weights(paths[0])
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
