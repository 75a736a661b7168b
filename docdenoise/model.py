"""The convolutional denoising autoencoder.

A small U-shaped encoder/decoder that works at reduced resolution from its first layer: the page
is pixel-unshuffled by 2 (each 2x2 block becomes 4 channels), encoded by strided convolutions down
to 1/8 resolution (the bottleneck), and decoded back with pixel-shuffle upsampling and skip
connections. Full-resolution work is a single reshape at each end, which is what keeps it fast on
a laptop CPU (see docs/benchmarks.md).

Arrays: input and output are ``(N, 1, H, W) float32`` in ``[0, 1]`` with 1.0 = white paper. ``H``
and ``W`` must be multiples of :attr:`ModelConfig.alignment`; :mod:`docdenoise.inference` pads.

The hyperparameters live in :class:`ModelConfig`, which is stored beside the weights
(:mod:`docdenoise.weights`), so a weights file always rebuilds the network it was trained with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

ARCHITECTURE = "docdenoise-unet-v1"
MAX_CHANNELS = 512  # bounds for hyperparameters read from files: a hostile config must not
MAX_BOTTLENECK_BLOCKS = 16  # make us allocate a giant network before its tensors are checked
# Keys of options that only unshipped experiments set, now removed: read back when off, so the
# shipped weights' stored configs (which say "flatten_paper": false) still load.
REMOVED_OPTIONS = ("flatten_paper", "input_logit", "input_gate", "dilations")


@dataclass(frozen=True)
class ModelConfig:
    """Hyperparameters of :class:`DenoiseNet`.

    ``channels`` are the widths at 1/2, 1/4 and 1/8 resolution; ``bottleneck_blocks`` 3x3 conv
    pairs run at 1/8 resolution and give the network its large-scale context (stains, shadows).
    ``context_channels`` (0: none) adds a fourth level at 1/16 resolution, beside the bottleneck:
    a strided convolution down, ``context_blocks`` residual conv pairs there, and a 1x1
    convolution and pixel shuffle back up, added to the bottleneck's input. At 1/16 a 3x3 tap
    spans 16 page pixels: 128 channels and 2 blocks on the ``quality`` network take its context
    from 61 to 141 px for a sixth more work, enough to see a shaded table row or a wide black
    band with its edges, or a stain's whole rim.
    ``input_skip`` hands the raw pixels (unshuffled, 4 channels at 1/2) to the last decoder
    stage, so it can redraw anti-aliased stroke edges from the page itself rather than from
    features alone.
    """

    channels: tuple[int, int, int] = (16, 32, 64)
    bottleneck_blocks: int = 1
    input_skip: bool = False  # the unshuffled page also feeds the last decoder stage
    context_channels: int = 0  # width of the 1/16 context level; 0: no such level
    context_blocks: int = 1  # residual conv pairs at 1/16 (with context_channels)
    architecture: str = ARCHITECTURE

    @property
    def alignment(self) -> int:
        """Input sides must be multiples of this (unshuffle by 2, then two stride-2 stages, and
        a third with the context level)."""
        return 16 if self.context_channels else 8

    def __post_init__(self) -> None:
        if not 0 <= self.context_channels <= MAX_CHANNELS:
            raise ValueError(f"context_channels must be in 0..{MAX_CHANNELS}")
        if not 0 <= self.context_blocks <= MAX_BOTTLENECK_BLOCKS:
            raise ValueError(f"context_blocks must be in 0..{MAX_BOTTLENECK_BLOCKS}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["channels"] = list(self.channels)
        for key, default in (("context_channels", 0), ("context_blocks", 1)):
            if data[key] == default:  # written only when set: files from before read the same
                del data[key]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        values = dict(data)
        for key in REMOVED_OPTIONS:  # off (false, or no dilations) is what the network is now
            if key in values and values.pop(key) not in (False, [], ()):
                raise ValueError(
                    f"{key} was an experiment's option and has been removed; this version "
                    "cannot build a network with it"
                )
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown model hyperparameters: {sorted(unknown)}")
        if "channels" in values:
            channels = tuple(int(c) for c in values["channels"])
            if len(channels) != 3 or not all(1 <= c <= MAX_CHANNELS for c in channels):
                raise ValueError(
                    f"channels must be three widths in 1..{MAX_CHANNELS}, got {channels}"
                )
            values["channels"] = channels
        blocks = int(values.get("bottleneck_blocks", 1))
        if not 0 <= blocks <= MAX_BOTTLENECK_BLOCKS:
            raise ValueError(f"bottleneck_blocks must be in 0..{MAX_BOTTLENECK_BLOCKS}")
        for key in ("context_channels", "context_blocks"):
            if key in values:
                values[key] = int(values[key])
        if values.get("architecture", ARCHITECTURE) != ARCHITECTURE:
            raise ValueError(f"architecture {values['architecture']!r} is not {ARCHITECTURE!r}")
        return cls(**values)


def receptive_field_radius(config: ModelConfig) -> int:
    """How far (in input pixels) an output pixel can see: the tiling halo must be at least this.

    Exact for this architecture: the interval of input pixels that one output pixel depends on is
    propagated backwards through every layer (a 3x3 conv widens it by one cell at its scale, a
    stride-2 conv maps ``[lo, hi]`` to ``[2lo - 1, 2hi + 1]``, shuffles change scale), for every
    output phase modulo the alignment. ``tests/test_model.py`` checks it against the gradient of
    a real network.
    """

    def widen(iv: tuple[int, int], n: int) -> tuple[int, int]:
        return iv[0] - n, iv[1] + n

    def strided(iv: tuple[int, int]) -> tuple[int, int]:  # stride-2 3x3 conv, output -> input
        return 2 * iv[0] - 1, 2 * iv[1] + 1

    def coarser(iv: tuple[int, int]) -> tuple[int, int]:  # pixel_shuffle, fine -> coarse
        return iv[0] // 2, iv[1] // 2

    def finer(iv: tuple[int, int]) -> tuple[int, int]:  # pixel_unshuffle, coarse -> fine
        return 2 * iv[0], 2 * iv[1] + 1

    def hull(*ivs: tuple[int, int]) -> tuple[int, int]:
        return min(iv[0] for iv in ivs), max(iv[1] for iv in ivs)

    def from_enc1(iv: tuple[int, int]) -> tuple[int, int]:  # s1 at 1/2 -> page
        return finer(widen(iv, 2))

    def from_enc2(iv: tuple[int, int]) -> tuple[int, int]:  # s2 at 1/4 -> page
        return from_enc1(strided(widen(iv, 1)))

    def from_bottleneck(iv: tuple[int, int]) -> tuple[int, int]:  # h at 1/8 -> page
        paths = [from_enc2(strided(iv))]  # down2
        if config.context_channels:  # up shuffle, blocks at 1/16, context down, down2
            i4 = widen(coarser(iv), 2 * config.context_blocks)
            paths.append(from_enc2(strided(strided(i4))))
        return hull(*paths)

    radius = 0
    for p in range(config.alignment):
        i1 = widen(coarser((p, p)), 2)  # dec1b, dec1a at 1/2
        i2 = widen(coarser(i1), 1)  # up1 shuffle, dec2 at 1/4
        i3 = widen(coarser(i2), 2 * config.bottleneck_blocks)  # up2 shuffle, bottleneck
        lo, hi = hull(from_enc1(i1), from_enc2(i2), from_bottleneck(i3), finer(i1))
        radius = max(radius, p - lo, hi - p)
    return radius


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1)


class DenoiseNet(nn.Module):
    """Encoder (1/2 -> 1/4 -> 1/8 [-> 1/16]), bottleneck, decoder with skip connections; see
    module doc."""

    def __init__(self, config: ModelConfig | None = None) -> None:
        super().__init__()
        self.config = config or ModelConfig()
        c1, c2, c3 = self.config.channels
        self.enc1a = _conv(4, c1)
        self.enc1b = _conv(c1, c1)
        self.down1 = _conv(c1, c2, stride=2)
        self.enc2 = _conv(c2, c2)
        self.down2 = _conv(c2, c3, stride=2)
        self.bottleneck = nn.ModuleList(
            nn.Sequential(_conv(c3, c3), nn.ReLU(inplace=True), _conv(c3, c3))
            for _ in range(self.config.bottleneck_blocks)
        )
        if c4 := self.config.context_channels:
            self.context_down = _conv(c3, c4, stride=2)
            self.context = nn.ModuleList(
                nn.Sequential(_conv(c4, c4), nn.ReLU(inplace=True), _conv(c4, c4))
                for _ in range(self.config.context_blocks)
            )
            self.context_up = nn.Conv2d(c4, c3 * 4, 1)
        self.up2 = nn.Conv2d(c3, c2 * 4, 1)
        self.dec2 = _conv(2 * c2, c2)
        self.up1 = nn.Conv2d(c2, c1 * 4, 1)
        self.dec1a = _conv(2 * c1 + (4 if self.config.input_skip else 0), c1)
        self.dec1b = _conv(c1, 4)  # pixel-shuffled into the full-resolution logits

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, 1, H, W)`` page in [0, 1] -> ``(N, 1, H, W)`` logits of the clean page."""
        relu = F.relu
        h0 = F.pixel_unshuffle(x * 2.0 - 1.0, 2)
        s1 = relu(self.enc1b(relu(self.enc1a(h0))))
        h = relu(self.down1(s1))
        s2 = relu(self.enc2(h))
        h = relu(self.down2(s2))
        if self.config.context_channels:
            g = relu(self.context_down(h))
            for block in self.context:
                g = relu(g + block(g))
            h = relu(h + F.pixel_shuffle(self.context_up(g), 2))
        for block in self.bottleneck:
            h = relu(h + block(h))
        h = relu(F.pixel_shuffle(self.up2(h), 2))
        h = relu(self.dec2(torch.cat([h, s2], dim=1)))
        h = relu(F.pixel_shuffle(self.up1(h), 2))
        skips = [h, s1, h0] if self.config.input_skip else [h, s1]
        h = relu(self.dec1a(torch.cat(skips, dim=1)))
        return F.pixel_shuffle(self.dec1b(h), 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, 1, H, W)`` page in [0, 1] -> clean page in [0, 1], same shape."""
        return torch.sigmoid(self.logits(x))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def flops_per_pixel(config: ModelConfig) -> int:
    """Multiply-adds x 2 per full-resolution pixel, counted from the convolutions."""
    c1, c2, c3 = config.channels
    macs = 0.0
    macs += (4 * c1 * 9 + c1 * c1 * 9) / 4  # enc1 at 1/2
    macs += c1 * c2 * 9 / 16 + c2 * c2 * 9 / 16  # down1, enc2 at 1/4
    macs += c2 * c3 * 9 / 64  # down2 at 1/8
    macs += config.bottleneck_blocks * 2 * c3 * c3 * 9 / 64
    macs += c3 * c2 * 4 / 64  # up2 1x1 at 1/8
    macs += 2 * c2 * c2 * 9 / 16  # dec2 at 1/4
    macs += c2 * c1 * 4 / 16  # up1 1x1 at 1/4
    skip = 4 if config.input_skip else 0
    macs += ((2 * c1 + skip) * c1 * 9 + c1 * 4 * 9) / 4  # dec1 at 1/2
    if c4 := config.context_channels:  # down, blocks and 1x1 up at 1/16
        macs += (c3 * c4 * 9 + config.context_blocks * 2 * c4 * c4 * 9 + c4 * c3 * 4) / 256
    return round(2 * macs)
