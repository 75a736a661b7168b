"""TrainConfig: every knob of a training run, read from one TOML file, frozen.

A file has a top-level ``name`` and the sections ``[model]`` (the :class:`ModelConfig` fields),
``[data]``, ``[optim]``, ``[loss]``, ``[teacher]``, ``[validation]``, ``[run]`` and ``[export]``;
a missing key takes the default below, an unknown key or a wrong type is a :class:`UsageError`
naming the key, so a typo never silently trains the wrong model. The package holds the recipes
of the shipped models, ``configs/fast.toml`` and ``configs/quality.toml`` (commented files, with
the commands that made the shipped weights), and ``configs/smoke.toml`` for the tests; the runs
that shipped nothing keep theirs in the checkout's ``experiments/configs/``.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field, fields
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from docdenoise.errors import UsageError
from docdenoise.inference import PASSES
from docdenoise.model import ModelConfig
from docdenoise.synth.config import SynthConfig

CONFIG_DIR = resources.files("docdenoise.training") / "configs"  # package data: also in a wheel


@dataclass(frozen=True)
class DataConfig:
    """Training pairs: ``make_pair(seed + i, window, window)`` streamed into an in-memory pool.

    ``seed`` is the first page seed (pages ``seed, seed + 1, ...``); ``pool_size`` pairs are kept
    in memory, training starts once ``min_pool`` are there, and ``refresh_per_step`` fresh pairs
    (on average; 0.25 = one every 4 steps) replace random old ones when the workers have some
    ready in the ``queue_size``-bounded queue. The bounded queue paces the workers, so this rate
    also sets how much CPU page generation takes. ``workers = 0`` generates inline instead.

    ``layouts`` and ``scripts`` choose the page kinds as :class:`docdenoise.synth.SynthConfig`
    does (``scripts = ["latin", "ko"]`` adds a Korean variant of every layout; a layout may also
    name its script, ``"form.ko"``, to weight the mix by listing it). ``degradation_weights``
    (a ``[data.degradation_weights]`` table, ``faded_ink = 3.0``) changes the odds of those
    degradations in the random mix (:class:`docdenoise.synth.SynthConfig` ``weights``).
    ``shading`` (0 to 1) is the extra chance of printed grey fills on the pages
    (:class:`docdenoise.synth.SynthConfig` ``shading``), ``display`` (0 to 1) the chance of
    titles in display type and of drop caps (``SynthConfig`` ``display``). ``hairlines``,
    ``rules``, ``stain_rims``, ``show_through`` and ``pale_pen`` (each 0 to 1, 0 draws the
    earlier pages) are ``SynthConfig``'s chances of what real pages hold (issue 36): hairline
    type, thin printed lines, stain rims through the text, the back of the leaf, pale pen.
    ``max_degradations`` caps how many degradations the random mix puts on one page (1 to that
    many, uniformly, and none on a few; ``SynthConfig`` ``max_degradations``).

    ``flips`` mirrors crops left to right and upside down at random. ``turns`` also lays half
    of them on their side (transposed), as a landscape page scanned upright is: a network that
    never saw text run down the page reads a wide black bar on its side as a scanner shadow.
    """

    seed: int = 1
    window: int = 512
    patch: int = 256
    pool_size: int = 256
    min_pool: int = 32
    refresh_per_step: float = 0.25
    queue_size: int = 16
    workers: int = 1
    flips: bool = True
    turns: bool = False
    layouts: tuple[str, ...] = ("form", "letter", "text", "table")
    scripts: tuple[str, ...] = ("latin",)
    degradation_weights: dict[str, float] = field(default_factory=dict)
    shading: float = 0.0
    display: float = 0.0
    optics: float = 0.0
    hairlines: float = 0.0
    rules: float = 0.0
    stain_rims: float = 0.0
    show_through: float = 0.0
    pale_pen: float = 0.0
    max_degradations: int = SynthConfig.max_degradations

    def synth(self) -> SynthConfig:
        """The page generator's config for these pages."""
        weights = tuple(sorted(self.degradation_weights.items()))
        return SynthConfig(
            layouts=self.layouts,
            scripts=self.scripts,
            weights=weights,
            shading=self.shading,
            display=self.display,
            optics=self.optics,
            hairlines=self.hairlines,
            rules=self.rules,
            stain_rims=self.stain_rims,
            show_through=self.show_through,
            pale_pen=self.pale_pen,
            max_degradations=self.max_degradations,
        )


@dataclass(frozen=True)
class OptimConfig:
    """AdamW with linear warm-up then cosine decay to ``final_lr_fraction * lr``."""

    steps: int = 20000
    batch_size: int = 8
    lr: float = 2e-3
    weight_decay: float = 1e-4
    beta1: float = 0.9
    beta2: float = 0.99
    warmup_steps: int = 300
    final_lr_fraction: float = 0.02
    grad_clip: float = 1.0


@dataclass(frozen=True)
class LossConfig:
    """Weights of the loss terms; see :mod:`docdenoise.training.loss` for why these terms."""

    bce: float = 1.0
    ink_weight: float = 4.0
    ink_threshold: float = 0.5
    ink_dilate: int = 1
    l1: float = 0.5
    thinning: float = 0.0  # one-sided: ink predicted lighter than the target (see loss.py)
    stray_ink: float = 0.0  # one-sided: paper away from ink predicted darker (see loss.py)
    thin_strokes: float = 0.0  # one-sided, as thinning, on strokes at most 2 px wide (loss.py)


@dataclass(frozen=True)
class TeacherConfig:
    """Distillation: a trained model's output mixed into the training targets.

    ``weights`` names the teacher (a bundled model such as ``quality``, or a ``.safetensors``
    file; empty: no teacher). As each fresh pair enters the pool, the teacher cleans its whole
    noisy window in ``passes`` passes through the app's own inference path, and the pair's
    target becomes ``(1 - share) * clean + share * teacher``. The validation set stays the true
    clean pages. Why: where the damage hides what the clean page holds (ink under a dark stain,
    an edge the blur moved), the clean target asks a small network for what it cannot see, and
    it learns the mean; a larger network's output there is a target it can reach.
    """

    weights: str = ""
    share: float = 0.5
    passes: int = 1


@dataclass(frozen=True)
class ValidationConfig:
    """A fixed set: ``pairs`` pages ``size`` px square from seeds ``seed, seed + 1, ...``."""

    seed: int = 1_000_000_000
    pairs: int = 24
    size: int = 512
    every: int = 500
    batch_size: int = 4


@dataclass(frozen=True)
class RunConfig:
    """How the run uses the machine. ``threads = 0``: all cores the process may use."""

    threads: int = 0
    device: str = "auto"
    amp: str = "auto"
    checkpoint_every: int = 500
    log_every: int = 50
    init_from: str = ""  # warm start: a .safetensors model whose weights seed this one
    keep_from: int = 0  # from this step on, keep each checkpoint's weights (training.average)


@dataclass(frozen=True)
class ExportConfig:
    """Where the best checkpoint is exported at the end; ``name`` goes into the model card."""

    path: str = "assets/docdenoise-fast.safetensors"
    name: str = "fast"


@dataclass(frozen=True)
class TrainConfig:
    name: str = "fast"
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    teacher: TeacherConfig = field(default_factory=TeacherConfig)
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    run: RunConfig = field(default_factory=RunConfig)
    export: ExportConfig = field(default_factory=ExportConfig)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["model"] = self.model.to_dict()
        return data

    def with_overrides(self, **sections: dict[str, Any]) -> TrainConfig:
        """A copy with some fields replaced, e.g. ``optim={"steps": 10}``; checked again."""
        data = self.to_dict()
        for section, values in sections.items():
            data[section].update(values)
        return config_from_dict(data, "overrides")


_SECTIONS: dict[str, type] = {
    "data": DataConfig,
    "optim": OptimConfig,
    "loss": LossConfig,
    "teacher": TeacherConfig,
    "validation": ValidationConfig,
    "run": RunConfig,
    "export": ExportConfig,
}


def _coerce(value: Any, kind: Any, where: str) -> Any:
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind in (int, str, bool) and type(value) is kind:
        return value
    if kind == tuple[str, ...] and isinstance(value, list | tuple):
        if all(isinstance(item, str) for item in value):
            return tuple(value)
        raise UsageError(where, f"expected a list of strings, got {value!r}", "fix the config file")
    if kind == dict[str, float] and isinstance(value, dict):
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
            return {str(k): float(v) for k, v in value.items()}
        raise UsageError(where, f"expected numbers, got {value!r}", "fix the config file")
    name = getattr(kind, "__name__", str(kind))
    raise UsageError(where, f"expected {name}, got {value!r}", "fix the config file")


def _section(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise UsageError(where, "expected a table of keys", "fix the config file")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(where, f"unknown keys {unknown}; known: {sorted(known)}")
    values = {k: _coerce(v, hints[k], f"{where}.{k}") for k, v in data.items()}
    return cls(**values)


def config_from_dict(data: dict[str, Any], source: str = "config") -> TrainConfig:
    """Build and check a :class:`TrainConfig` from parsed TOML. Raises :class:`UsageError`."""
    known = {"name", "model", *_SECTIONS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(source, f"unknown keys {unknown}; known: {sorted(known)}")
    try:
        model = ModelConfig.from_dict(dict(data.get("model", {})))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{source}: [model]", str(exc)) from exc
    sections = {
        key: _section(cls, data.get(key, {}), f"{source}: [{key}]")
        for key, cls in _SECTIONS.items()
    }
    name = _coerce(data.get("name", "fast"), str, f"{source}: name")
    config = TrainConfig(name=name, model=model, **sections)
    check_config(config, source)
    return config


def check_config(config: TrainConfig, source: str = "config") -> None:
    """Cross-field checks: sizes aligned to the model, seed ranges apart, positive counts."""
    align = config.model.alignment
    d, o, v, r = config.data, config.optim, config.validation, config.run
    problems = []
    for what, size in (("data.patch", d.patch), ("validation.size", v.size)):
        if size < align or size % align:
            problems.append(f"{what} = {size} must be a positive multiple of {align}")
    if d.window < d.patch:
        problems.append(f"data.window = {d.window} is smaller than data.patch = {d.patch}")
    if not 1 <= d.min_pool <= d.pool_size:
        problems.append("need 1 <= data.min_pool <= data.pool_size")
    if min(o.steps, o.batch_size, v.pairs, v.every, r.checkpoint_every, r.log_every) < 1:
        problems.append("steps, batch sizes, pairs and every-N counts must be >= 1")
    if d.workers < 0 or d.queue_size < 1 or d.refresh_per_step < 0 or r.threads < 0:
        problems.append("workers, refresh_per_step and threads must be >= 0, queue_size >= 1")
    if abs(v.seed - d.seed) < 100_000_000:
        problems.append("validation.seed must be at least 1e8 away from data.seed")
    try:
        d.synth()
    except ValueError as exc:
        problems.append(f"data (layouts, scripts, degradation weights, page options): {exc}")
    if not 0.0 <= config.teacher.share <= 1.0 or config.teacher.passes not in PASSES:
        problems.append(f"need 0 <= teacher.share <= 1 and teacher.passes in {PASSES}")
    if r.amp not in ("auto", "bf16", "fp16", "off"):
        problems.append(f"run.amp = {r.amp!r} is not one of auto, bf16, fp16, off")
    if problems:
        raise UsageError(source, "; ".join(problems), "fix the config file")


def bundled_configs() -> list[str]:
    """The names of the recipes in the package (``fast``, ``quality``, ``smoke``)."""
    names = (item.name for item in CONFIG_DIR.iterdir() if item.is_file())
    return sorted(name.removesuffix(".toml") for name in names if name.endswith(".toml"))


def load_config(path: str | Path) -> TrainConfig:
    """Read a TOML file; a bare name like ``fast`` (no suffix, and no such file here) means the
    package's ``configs/fast.toml``, read as package data so it works from an installed wheel."""
    file = Path(path)
    source: Traversable = file
    if not file.suffix and not file.exists():
        source = CONFIG_DIR / f"{file.name}.toml"
    try:
        with source.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        hint = f"pass --config FILE.toml, or one of {', '.join(bundled_configs())}"
        raise UsageError(str(source), "config file not found", hint) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(str(source), f"not valid TOML ({exc})", "fix the config file") from exc
    return config_from_dict(data, str(source))
