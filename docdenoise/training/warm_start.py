"""Warm start: seed a network from an equal or smaller trained one (``[run] init_from``).

The grown network first computes exactly what its source does, and then uses its extra capacity
as it trains. :func:`channel_groups` says where a smaller layer's channels sit in a grown one;
:func:`residual_outputs` names the layers that, at zero, make a new block or level add nothing.
"""

from __future__ import annotations

import torch

from docdenoise.errors import UsageError
from docdenoise.model import DenoiseNet, ModelConfig

ChannelGroups = dict[str, tuple[tuple[int, ...], tuple[int, ...]]]


def channel_groups(config: ModelConfig) -> ChannelGroups:
    """Each convolution's input and output channels as the groups they are made of.

    A layer fed by a concatenation has one input group per tensor concatenated (``dec2`` sees
    the upsampled features, then the skip); a layer feeding a pixel shuffle has one output group
    whose channels are ordered feature-major, so a narrower network's channels are a prefix of a
    wider one's. :func:`warm_start` uses this to seed a larger network from a smaller one, group
    by group.
    """
    c1, c2, c3 = config.channels
    skip = (4,) if config.input_skip else ()
    groups: ChannelGroups = {
        "enc1a": ((4,), (c1,)),
        "enc1b": ((c1,), (c1,)),
        "down1": ((c1,), (c2,)),
        "enc2": ((c2,), (c2,)),
        "down2": ((c2,), (c3,)),
        "up2": ((c3,), (4 * c2,)),
        "dec2": ((c2, c2), (c2,)),
        "up1": ((c2,), (4 * c1,)),
        "dec1a": ((c1, c1, *skip), (c1,)),
        "dec1b": ((c1,), (4,)),
    }
    for b in range(config.bottleneck_blocks):
        groups[f"bottleneck.{b}.0"] = ((c3,), (c3,))
        groups[f"bottleneck.{b}.2"] = ((c3,), (c3,))
    if c4 := config.context_channels:
        groups["context_down"] = ((c3,), (c4,))
        for b in range(config.context_blocks):
            groups[f"context.{b}.0"] = ((c4,), (c4,))
            groups[f"context.{b}.2"] = ((c4,), (c4,))
        groups["context_up"] = ((c4,), (4 * c3,))
    return groups


def residual_outputs(config: ModelConfig) -> list[str]:
    """The layers whose output is added to what a network without them computes: at zero, the
    block or level they end adds nothing."""
    layers = [f"bottleneck.{b}.2" for b in range(config.bottleneck_blocks)]
    if config.context_channels:
        layers += [f"context.{b}.2" for b in range(config.context_blocks)] + ["context_up"]
    return layers


def _placement(old: tuple[int, ...], new: tuple[int, ...]) -> torch.Tensor:
    """Where each of a smaller layer's channels sits among a grown layer's, group by group."""
    index: list[int] = []
    start = 0
    for size_old, size_new in zip(old, new, strict=False):  # new trailing groups hold none
        index.extend(range(start, start + size_old))
        start += size_new
    return torch.tensor(index, dtype=torch.long)


def warm_start(model: DenoiseNet, source: DenoiseNet) -> None:
    """Seed ``model`` from an equal or smaller network so that it computes exactly what
    ``source`` does, and can then use its extra capacity as it trains.

    Layer by layer (:func:`channel_groups`), the source's weights go where its channels sit in
    the grown layer, and the source's output channels get zero weights on the new input
    channels (``input_skip``'s page, wider features). New output channels keep their random
    start: every layer that reads them starts with zero weights on them, so they change nothing
    until training finds them a use. A bottleneck block or a context level the source lacks
    starts with its last convolution at zero (:func:`residual_outputs`), so it adds nothing.
    """
    old_layout, new_layout = channel_groups(source.config), channel_groups(model.config)
    zero_start = set(residual_outputs(model.config))
    old_state, target = source.state_dict(), model.state_dict()  # target shares model's tensors
    if missing := sorted(set(old_layout) - set(new_layout)):
        raise UsageError(missing[0], "cannot warm-start a network with fewer bottleneck blocks")
    with torch.no_grad():
        for layer, (new_in, new_out) in new_layout.items():
            weight, bias = target[f"{layer}.weight"], target[f"{layer}.bias"]
            if layer not in old_layout:  # a new block or level: make it add nothing
                if layer in zero_start:
                    weight.zero_()
                    bias.zero_()
                continue
            old_in, old_out = old_layout[layer]
            fits = len(old_in) <= len(new_in) and len(old_out) == len(new_out)
            pairs = [*zip(old_in, new_in, strict=False), *zip(old_out, new_out, strict=False)]
            if not fits or any(o > n for o, n in pairs):
                old_shape = tuple(old_state[f"{layer}.weight"].shape)
                raise UsageError(layer, f"cannot grow {old_shape} into {tuple(weight.shape)}")
            rows, cols = _placement(old_out, new_out), _placement(old_in, new_in)
            weight[rows] = 0.0
            weight[rows[:, None], cols] = old_state[f"{layer}.weight"]
            bias[rows] = old_state[f"{layer}.bias"]
