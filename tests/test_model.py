"""The network: shapes, stored hyperparameters, and an exact receptive field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from docdenoise.model import DenoiseNet, ModelConfig, flops_per_pixel, receptive_field_radius


def _empirical_radius(config: ModelConfig) -> int:
    """Widest reach of any output pixel's gradient, over all phases of the alignment grid."""
    torch.manual_seed(0)
    net = DenoiseNet(config).double()
    radius = 0
    for phase in range(config.alignment):
        x = torch.rand(1, 1, 352, 352, dtype=torch.float64, requires_grad=True)
        c = 160 + phase  # a reach of up to 160 px fits on either side
        net.logits(x)[0, 0, c, c].backward()
        assert x.grad is not None
        rows, cols = torch.nonzero(x.grad[0, 0] != 0, as_tuple=True)
        reach = [c - rows.min(), rows.max() - c, c - cols.min(), cols.max() - c]
        radius = max(radius, *(int(r) for r in reach))
    return radius


@pytest.mark.parametrize(
    ("blocks", "skip", "context"),
    [
        (0, False, (0, 1)),
        (1, False, (0, 1)),
        (2, False, (0, 1)),
        (0, True, (0, 1)),
        (3, True, (0, 1)),
        (2, True, (8, 2)),
        (0, False, (8, 0)),
    ],
)
def test_receptive_field_is_exact(blocks: int, skip: bool, context: tuple[int, int]) -> None:
    config = ModelConfig(
        channels=(8, 8, 8),
        bottleneck_blocks=blocks,
        input_skip=skip,
        context_channels=context[0],
        context_blocks=context[1],
    )
    assert receptive_field_radius(config) == _empirical_radius(config)


def test_output_shape_and_range() -> None:
    net = DenoiseNet().eval()
    x = torch.rand(2, 1, 64, 96)
    with torch.inference_mode():
        y = net(x)
    assert y.shape == x.shape
    assert float(y.min()) >= 0.0 and float(y.max()) <= 1.0


def test_config_round_trip_and_validation() -> None:
    config = ModelConfig(channels=(8, 16, 32), bottleneck_blocks=2)
    assert ModelConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="unknown"):
        ModelConfig.from_dict({"channels": [8, 16, 32], "dropout": 0.1})
    with pytest.raises(ValueError, match="three"):
        ModelConfig.from_dict({"channels": [8, 16]})
    with pytest.raises(ValueError, match="three widths in"):
        ModelConfig.from_dict({"channels": [8, 16, 100_000]})
    with pytest.raises(ValueError, match="bottleneck_blocks"):
        ModelConfig.from_dict({"bottleneck_blocks": 10_000})
    with pytest.raises(ValueError, match="architecture"):
        ModelConfig.from_dict({"architecture": "something-else"})
    context = ModelConfig(context_channels=16, context_blocks=2)
    assert ModelConfig.from_dict(context.to_dict()) == context
    assert context.alignment == 16 and config.alignment == 8
    assert "context_channels" not in config.to_dict()  # older files read back the same
    odd = ModelConfig(context_blocks=3)  # no level, but every field still round-trips
    assert ModelConfig.from_dict(odd.to_dict()) == odd
    with pytest.raises(ValueError, match="context_channels"):
        ModelConfig.from_dict({"context_channels": 100_000})
    with pytest.raises(ValueError, match="context_blocks"):
        ModelConfig.from_dict({"context_channels": 8, "context_blocks": -1})


@pytest.mark.parametrize(
    "config",
    [
        ModelConfig(),
        ModelConfig(input_skip=True),
        ModelConfig(context_channels=24, context_blocks=2),
    ],
)
def test_flops_count_matches_the_convolutions(config: ModelConfig) -> None:
    """Count multiply-adds with forward hooks on a real input and compare."""
    net = DenoiseNet(config)
    height = width = 64
    macs = 0

    def hook(module: torch.nn.Module, _inp: object, out: torch.Tensor) -> None:
        nonlocal macs
        assert isinstance(module, torch.nn.Conv2d)
        k = module.kernel_size[0] * module.kernel_size[1]
        macs += out.numel() * module.in_channels * k

    for module in net.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.register_forward_hook(hook)
    with torch.inference_mode():
        net(torch.rand(1, 1, height, width))
    assert flops_per_pixel(net.config) == round(2 * macs / (height * width))


def test_the_shipped_configs_load_and_removed_options_are_refused(tmp_path: Path) -> None:
    """The shipped weights store ``"flatten_paper": false``, an option since removed with the
    other experiments' (``input_logit``, ``input_gate``, ``dilations``): off, such a key still
    loads; on, it is refused by name, and a weights file with it is a :class:`ModelFileError`."""
    from safetensors.torch import save_file

    from docdenoise.assets import assets_dir
    from docdenoise.errors import ModelFileError
    from docdenoise.weights import FORMAT, load_weights

    for name in ("fast", "quality"):
        card = json.loads((assets_dir() / f"docdenoise-{name}.json").read_text(encoding="utf-8"))
        assert card["config"]["flatten_paper"] is False
        config = ModelConfig.from_dict(card["config"])
        assert config.input_skip and config.context_channels == 128
        assert "flatten_paper" not in config.to_dict()
    off = {"input_logit": False, "input_gate": False, "dilations": [], "flatten_paper": False}
    assert ModelConfig.from_dict(off) == ModelConfig()
    for key, on in (("flatten_paper", True), ("input_logit", True), ("dilations", [3])):
        with pytest.raises(ValueError, match=f"{key} was an experiment's option and has been"):
            ModelConfig.from_dict({key: on})
    net = DenoiseNet(ModelConfig(channels=(8, 8, 8)))
    path = tmp_path / "flat.safetensors"
    config_json = json.dumps({**net.config.to_dict(), "flatten_paper": True})
    save_file(net.state_dict(), str(path), metadata={"format": FORMAT, "config": config_json})
    with pytest.raises(ModelFileError, match="flatten_paper was an experiment's option"):
        load_weights(path)
