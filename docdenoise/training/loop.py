"""The training loop, as a generator: ``iter_train`` yields :class:`TrainProgress` and returns a
:class:`TrainResult`. The CLI draws a progress bar from it; the library itself only logs.

One step: swap fresh pairs into the pool, sample a batch of crops, AdamW step at the scheduled
learning rate (linear warm-up, cosine decay) with gradient-norm clipping. Every
``validation.every`` steps the fixed validation set is scored and ``best.pt`` is kept; every
``run.checkpoint_every`` steps (and at the end) ``last.pt`` is written for ``--resume``.
On CUDA the forward pass runs under autocast (bf16 where supported, else fp16 with a GradScaler);
the model and batches are channels-last everywhere (also faster on CPU). Closing the generator
stops the data workers; a stop loses at most the steps since the last checkpoint.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from docdenoise.device import cpu_threads, pick_device
from docdenoise.errors import UsageError
from docdenoise.model import DenoiseNet, ModelConfig
from docdenoise.training.checkpoint import (
    BEST,
    KEPT,
    LAST,
    kept_name,
    load_checkpoint,
    save_atomic,
    write_config_json,
)
from docdenoise.training.config import DataConfig, OptimConfig, TrainConfig
from docdenoise.training.data import PairPool, PairStream, load_validation, teacher_target
from docdenoise.training.evaluate import Metrics, evaluate
from docdenoise.training.hardware import amp_dtype_for, describe_hardware
from docdenoise.training.loss import LossParts, denoise_loss
from docdenoise.training.warm_start import warm_start
from docdenoise.weights import load_weights, resolve_model, sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainProgress:
    """``event`` is ``fill`` (pool filling), ``step``, or ``validation`` (with ``metrics``)."""

    event: str
    step: int
    total: int
    loss: float = math.nan
    lr: float = 0.0
    steps_per_s: float = 0.0
    eta_s: float = math.nan
    pool: int = 0
    metrics: Metrics | None = None
    best: bool = False


@dataclass(frozen=True)
class TrainResult:
    run_dir: Path
    steps: int
    best_step: int
    best: Metrics | None
    elapsed_s: float


@dataclass
class _State:
    model: DenoiseNet
    optimizer: torch.optim.AdamW
    scaler: torch.amp.GradScaler
    generator: torch.Generator
    next_seed: int
    commands: list[str]
    step: int = 0
    best_rmse: float = math.inf
    best_step: int = 0
    best_metrics: Metrics | None = None
    elapsed_s: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # weights it grew from or learnt from


def lr_at(step: int, optim: OptimConfig) -> float:
    """Learning rate for (0-based) ``step``: linear warm-up, then cosine to the final fraction."""
    if step < optim.warmup_steps:
        return optim.lr * (step + 1) / optim.warmup_steps
    span = max(1, optim.steps - optim.warmup_steps)
    t = min(1.0, (step - optim.warmup_steps) / span)
    floor = optim.final_lr_fraction
    return optim.lr * (floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * t)))


def _new_state(config: TrainConfig, device: torch.device, amp: torch.dtype | None) -> _State:
    torch.manual_seed(config.data.seed)
    model = DenoiseNet(config.model)
    if config.run.init_from:
        source, _card = load_weights(config.run.init_from)
        warm_start(model, source)
    model = model.to(device)
    model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    o = config.optim
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=o.lr, betas=(o.beta1, o.beta2), weight_decay=o.weight_decay
    )
    scaler = torch.amp.GradScaler(device.type, enabled=amp == torch.float16)
    generator = torch.Generator().manual_seed(config.data.seed)
    return _State(
        model, optimizer, scaler, generator, config.data.seed, [], sources=sources(config)
    )


def sources(config: TrainConfig) -> dict[str, str]:
    """The sha256 of each weights file the run starts from (``init_from``) or learns from (the
    teacher), so that its card names them exactly even after the bundled ones are replaced."""
    files = {"init_from": config.run.init_from, "teacher": config.teacher.weights}
    return {role: sha256_of(resolve_model(name)) for role, name in files.items() if name}


def _restore(state: _State, ckpt: dict[str, Any], config: TrainConfig, path: Path) -> None:
    try:
        same = ModelConfig.from_dict(ckpt["config"]["model"]) == config.model
    except ValueError:  # a network with an option this version no longer has
        same = False
    if not same:
        raise UsageError(path, "checkpoint was trained with another [model] config")
    if ckpt["config"]["data"]["seed"] != config.data.seed:
        log.warning("resuming with data.seed %d, checkpoint has another", config.data.seed)
    state.model.load_state_dict(ckpt["model"])
    state.optimizer.load_state_dict(ckpt["optimizer"])
    state.scaler.load_state_dict(ckpt["scaler"])
    state.generator.set_state(ckpt["generator"])
    state.step, state.next_seed = int(ckpt["step"]), int(ckpt["next_seed"])
    state.best_rmse, state.best_step = float(ckpt["best_rmse"]), int(ckpt["best_step"])
    best = ckpt.get("best_metrics")
    state.best_metrics = Metrics.from_dict(best) if best else None
    state.elapsed_s = float(ckpt["elapsed_s"])
    state.commands = list(ckpt["commands"])
    state.history = list(ckpt["history"])
    state.sources = dict(ckpt.get("sources", state.sources))  # as they were when it started
    log.info("resumed %s at step %d", path, state.step)


def _checkpoint(state: _State, config: TrainConfig, hw: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": state.model.state_dict(),
        "optimizer": state.optimizer.state_dict(),
        "scaler": state.scaler.state_dict(),
        "generator": state.generator.get_state(),
        "step": state.step,
        "next_seed": state.next_seed,
        "best_rmse": state.best_rmse,
        "best_step": state.best_step,
        "best_metrics": state.best_metrics.to_dict() if state.best_metrics else None,
        "elapsed_s": state.elapsed_s,
        "commands": state.commands,
        "history": state.history,
        "config": config.to_dict(),
        "hardware": hw,
        "sources": state.sources,
    }


def _best(
    state: _State, config: TrainConfig, metrics: Metrics, hw: dict[str, Any]
) -> dict[str, Any]:
    return {
        "model": state.model.state_dict(),
        "step": state.step,
        "metrics": metrics.to_dict(),
        "elapsed_s": state.elapsed_s,
        "commands": state.commands,
        "config": config.to_dict(),
        "hardware": hw,
        "sources": state.sources,
    }


def _train_step(
    state: _State, x: torch.Tensor, y: torch.Tensor, config: TrainConfig, amp: torch.dtype | None
) -> tuple[LossParts, float]:
    lr = lr_at(state.step, config.optim)
    for group in state.optimizer.param_groups:
        group["lr"] = lr
    with torch.autocast(x.device.type, amp or torch.float32, enabled=amp is not None):
        logits = state.model.logits(x)
    parts = denoise_loss(logits, y, config.loss)
    state.optimizer.zero_grad(set_to_none=True)
    state.scaler.scale(parts.total).backward()
    state.scaler.unscale_(state.optimizer)
    torch.nn.utils.clip_grad_norm_(state.model.parameters(), config.optim.grad_clip)
    state.scaler.step(state.optimizer)
    state.scaler.update()
    return parts, lr


def _refresh(pool: PairPool, stream: PairStream, data: DataConfig, step: int) -> None:
    """Swap in the fresh pairs due at ``step`` that are ready (all ready ones while growing)."""
    due = math.floor((step + 1) * data.refresh_per_step) - math.floor(step * data.refresh_per_step)
    growing = pool.count < data.pool_size and data.workers > 0
    for _ in range(max(due, 4) if growing else due):
        pair = stream.get(timeout=0)
        if pair is None:
            return
        pool.add(pair)


class _Rate:
    """Steps per second over the last ``window`` steps."""

    def __init__(self, window: int = 100) -> None:
        self.marks: deque[tuple[float, int]] = deque(maxlen=window)

    def update(self, step: int) -> float:
        self.marks.append((time.perf_counter(), step))
        (t0, s0), (t1, s1) = self.marks[0], self.marks[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0


def _to_device(t: torch.Tensor, device: torch.device) -> torch.Tensor:
    t = t.pin_memory() if device.type == "cuda" else t
    return t.to(device, non_blocking=True).contiguous(memory_format=torch.channels_last)


def iter_train(
    config: TrainConfig, run_dir: Path, *, resume: bool = False, command: str = ""
) -> Generator[TrainProgress, None, TrainResult]:
    """Train (or resume) the run in ``run_dir``; yields progress, returns the result."""
    run_dir = Path(run_dir)
    choice = pick_device(config.run.device, half=False)
    target = teacher_target(config.teacher, choice.device.type)  # before our thread count
    threads = config.run.threads or cpu_threads()
    torch.set_num_threads(threads)
    amp = amp_dtype_for(choice.device, config.run.amp)
    hw = describe_hardware(choice, threads, config.data.workers, amp)
    state = _new_state(config, choice.device, amp)
    last = run_dir / LAST
    if last.is_file() and not resume:
        raise UsageError(run_dir, "already holds a checkpoint", "pass --resume or another --out")
    if resume and last.is_file():
        _restore(state, load_checkpoint(last), config, last)
    state.commands.append(command)
    write_config_json(run_dir, config.to_dict())
    log.info("training on %s; %s", hw["device"], hw["cpu"])
    with PairStream(config.data, state.next_seed) as stream:
        val = load_validation(run_dir / "val.npz", config.validation)
        pool = PairPool(config.data, state.generator, target=target)
        total = config.optim.steps
        while pool.count < config.data.min_pool:
            pair = stream.get(timeout=1.0)
            if pair is not None:
                pool.add(pair)
            yield TrainProgress("fill", state.step, total, pool=pool.count)
        yield from _steps(state, config, run_dir, (stream, pool, val), amp, hw)
    return TrainResult(run_dir, state.step, state.best_step, state.best_metrics, state.elapsed_s)


def _validate(
    state: _State, config: TrainConfig, run_dir: Path, val: Any, hw: dict[str, Any]
) -> tuple[Metrics, bool]:
    device = next(state.model.parameters()).device
    amp = amp_dtype_for(device, config.run.amp)
    metrics = evaluate(state.model, val, device, amp, config.validation.batch_size)
    state.history.append({"step": state.step, **metrics.to_dict()})
    is_best = metrics.rmse < state.best_rmse
    if is_best:
        state.best_rmse, state.best_step, state.best_metrics = metrics.rmse, state.step, metrics
        save_atomic(_best(state, config, metrics, hw), run_dir / BEST)
    log.info("step %d: val RMSE %.5f PSNR %.2f dB", state.step, metrics.rmse, metrics.psnr)
    return metrics, is_best


def _steps(
    state: _State,
    config: TrainConfig,
    run_dir: Path,
    data: tuple[PairStream, PairPool, Any],
    amp: torch.dtype | None,
    hw: dict[str, Any],
) -> Generator[TrainProgress, None, None]:
    stream, pool, val = data
    device = next(state.model.parameters()).device
    total, rate = config.optim.steps, _Rate()
    start, base = time.perf_counter(), state.elapsed_s
    rate.update(state.step)
    while state.step < total:
        _refresh(pool, stream, config.data, state.step)
        x, y = pool.sample(config.optim.batch_size)
        parts, lr = _train_step(state, _to_device(x, device), _to_device(y, device), config, amp)
        state.step += 1
        state.elapsed_s = base + time.perf_counter() - start
        speed = rate.update(state.step)
        eta = (total - state.step) / speed if speed > 0 else math.nan
        loss = float(parts.total.detach())
        yield TrainProgress("step", state.step, total, loss, lr, speed, eta, pool.count)
        end = state.step == total
        if end or state.step % config.validation.every == 0:
            metrics, is_best = _validate(state, config, run_dir, val, hw)
            yield TrainProgress("validation", state.step, total, metrics=metrics, best=is_best)
        if end or state.step % config.run.checkpoint_every == 0:
            state.next_seed = stream.next_seed
            save_atomic(_checkpoint(state, config, hw), run_dir / LAST)
            if 0 < config.run.keep_from <= state.step:  # for weight averaging
                kept = {"model": state.model.state_dict(), "step": state.step}
                save_atomic(kept, run_dir / KEPT / kept_name(state.step))
    if state.best_metrics is None:  # resumed past the end without a validation
        metrics, is_best = _validate(state, config, run_dir, val, hw)
        yield TrainProgress("validation", state.step, total, metrics=metrics, best=is_best)
        save_atomic(_checkpoint(state, config, hw), run_dir / LAST)
