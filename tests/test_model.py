"""The network: shapes, stored hyperparameters, and an exact receptive field."""

from __future__ import annotations

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
    ("blocks", "skip", "dilations", "context"),
    [
        (0, False, (), (0, 1)),
        (1, False, (), (0, 1)),
        (2, False, (), (0, 1)),
        (0, True, (), (0, 1)),
        (2, True, (1, 3), (0, 1)),
        (2, True, (), (8, 2)),
        (0, False, (), (8, 0)),
    ],
)
def test_receptive_field_is_exact(
    blocks: int, skip: bool, dilations: tuple[int, ...], context: tuple[int, int]
) -> None:
    config = ModelConfig(
        channels=(8, 8, 8),
        bottleneck_blocks=blocks,
        input_skip=skip,
        dilations=dilations,
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
    dilated = ModelConfig(bottleneck_blocks=2, dilations=(1, 4))
    assert ModelConfig.from_dict(dilated.to_dict()) == dilated
    assert "dilations" not in config.to_dict()  # files from before dilations read back the same
    with pytest.raises(ValueError, match="one per bottleneck block"):
        ModelConfig.from_dict({"bottleneck_blocks": 2, "dilations": [4]})
    with pytest.raises(ValueError, match="one per bottleneck block"):
        ModelConfig.from_dict({"bottleneck_blocks": 1, "dilations": [0]})
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


def test_input_logit_hands_the_page_through(tmp_path: Path) -> None:
    """``input_logit`` adds the page's own logit, times a learnt gain, to the network's: at a
    gain of zero the output is the network's alone, and with the network's own logits at zero
    and a gain of 1 it is the page itself (clamped to [eps, 1 - eps])."""
    from docdenoise.model import INPUT_GAIN_SCALE, INPUT_LOGIT_EPS
    from docdenoise.weights import load_weights, save_weights

    torch.manual_seed(0)
    plain = DenoiseNet(ModelConfig(channels=(8, 8, 8))).eval()
    passing = DenoiseNet(ModelConfig(channels=(8, 8, 8), input_logit=True)).eval()
    passing.load_state_dict({**plain.state_dict(), "input_gain": torch.zeros(1)})
    x = torch.rand(1, 1, 32, 32)
    x[..., :4, :] = 1.0  # white paper: its logit is clamped, not infinite
    with torch.inference_mode():
        assert torch.equal(plain(x), passing(x))
    with torch.no_grad():
        passing.dec1b.weight.zero_()
        passing.dec1b.bias.zero_()
        passing.input_gain.fill_(1.0 / INPUT_GAIN_SCALE)
    with torch.inference_mode():
        torch.testing.assert_close(passing(x), x.clamp(INPUT_LOGIT_EPS, 1 - INPUT_LOGIT_EPS))
    # the gain travels in the weights file, and files without the option read back as before
    path = tmp_path / "passing.safetensors"
    save_weights(passing, path)
    loaded, _card = load_weights(path)
    assert loaded.config.input_logit and torch.equal(loaded.input_gain, passing.input_gain)
    assert "input_logit" not in ModelConfig().to_dict()
    assert ModelConfig.from_dict(passing.config.to_dict()) == passing.config


def test_input_gate_sets_the_page_logits_gain_pixel_by_pixel(tmp_path: Path) -> None:
    """``input_gate``: the last layer draws a second map that adds to the gain, so one network
    can hand the page through in one place (gate 1) and redraw it in another (gate 0). Its
    cost is counted, it needs ``input_logit``, and it travels in the weights file."""
    from docdenoise.model import INPUT_LOGIT_EPS
    from docdenoise.weights import load_weights, save_weights

    config = ModelConfig(channels=(8, 8, 8), input_logit=True, input_gate=True)
    gated = DenoiseNet(config).eval()
    with torch.no_grad():  # logits 0 everywhere, gate 1 on the top-left pixel of each 2x2
        gated.dec1b.weight.zero_()
        gated.dec1b.bias.zero_()
        gated.dec1b.bias[4] = 1.0
    x = torch.rand(1, 1, 32, 32)
    with torch.inference_mode():
        out = gated(x)
    page = x.clamp(INPUT_LOGIT_EPS, 1 - INPUT_LOGIT_EPS)
    torch.testing.assert_close(out[..., ::2, ::2], page[..., ::2, ::2])
    assert torch.equal(out[..., 1::2, :], torch.full_like(out[..., 1::2, :], 0.5))
    assert flops_per_pixel(config) - flops_per_pixel(ModelConfig(channels=(8, 8, 8))) == 144
    with pytest.raises(ValueError, match="input_logit"):
        ModelConfig(input_gate=True)
    path = tmp_path / "gated.safetensors"
    save_weights(gated, path)
    loaded, _card = load_weights(path)
    assert loaded.config == config and "input_gate" not in ModelConfig().to_dict()
    with torch.inference_mode():
        assert torch.equal(loaded(x), out)
