"""Training pairs: a worker process streams synthetic pages into an in-memory pool of crops.

On a small CPU, page generation competes with the model for the cores. So pages are made in
``DataConfig.workers`` separate processes (spawn context, one torch/BLAS thread each) that put
fresh pairs into a bounded queue; the trainer keeps a pool of ``pool_size`` pairs, swaps a few
for fresh ones each step when some are ready (never waiting for them), and samples random patch
crops with flips (and turns) from the pool. Worker ``i`` of ``n`` makes pages ``first + i,
first + i + n, ...`` so the data seed decides which pages exist; when each one enters the pool
depends on timing. With a ``[teacher]`` (:class:`~docdenoise.training.config.TeacherConfig`),
each pair's target is mixed with a trained model's output as the pair enters the pool.

Arrays: pairs are stored as ``(S, S) uint8`` (255 = white paper), like the 8-bit scans the model
meets at inference; batches are ``(B, 1, P, P) float32`` in ``[0, 1]``. The fixed validation set
is made once from its own seed range and cached as ``runs/<name>/val.npz``.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import numpy as np
import torch

from docdenoise.errors import DocDenoiseError
from docdenoise.inference import Denoiser
from docdenoise.synth.config import SynthConfig
from docdenoise.training.config import DataConfig, TeacherConfig, ValidationConfig

log = logging.getLogger(__name__)

SeededPair = tuple[int, np.ndarray, np.ndarray, tuple[str, ...]]
Target = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (noisy, clean) uint8 -> target uint8
_THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


class DataWorkerError(DocDenoiseError):
    """A data worker process failed; the reason holds its traceback when there is one."""

    default_hint = (
        "set [data] workers = 0 to see the error in this process; a script that starts "
        "training must do so under if __name__ == '__main__' (workers are spawned)"
    )


def to_uint8(page: np.ndarray) -> np.ndarray:
    """``(H, W)`` float in [0, 1] -> ``(H, W)`` uint8, rounded."""
    return np.clip(page * 255.0 + 0.5, 0, 255).astype(np.uint8)


def generate_pair(
    seed: int, size: int, synth: SynthConfig | None = None
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """One synthetic ``size`` x ``size`` page: ``(noisy, clean, degradations)``, uint8 pages;
    ``synth`` picks the page kinds (default: the generator's, Latin)."""
    from docdenoise.synth import make_pair

    pair = make_pair(seed, size, size, config=synth or SynthConfig())
    return to_uint8(pair.noisy), to_uint8(pair.clean), tuple(pair.degradations)


def _put(out: Any, stop: Event, item: Any) -> bool:
    while not stop.is_set():
        try:
            out.put(item, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


def _worker_main(
    out: Any, stop: Event, first: int, stride: int, size: int, synth: SynthConfig
) -> None:
    """Worker process: make pages ``first, first + stride, ...`` until ``stop`` is set."""
    torch.set_num_threads(1)
    seed = first
    try:
        while not stop.is_set():
            if not _put(out, stop, (seed, *generate_pair(seed, size, synth))):
                return
            seed += stride
    except Exception:
        _put(out, stop, ("error", traceback.format_exc()))


@contextmanager
def _single_threaded_children() -> Iterator[None]:
    """Spawned children copy the environment: give them one BLAS/OpenMP thread each."""
    saved = {name: os.environ.get(name) for name in _THREAD_VARS}
    os.environ.update(dict.fromkeys(_THREAD_VARS, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class PairStream:
    """Fresh pairs from page seed ``first`` on: from worker processes, or inline (workers=0).

    Use as a context manager, or call :meth:`close`; :attr:`next_seed` is where a resumed run
    should start so that it sees new pages.
    """

    def __init__(self, config: DataConfig, first: int) -> None:
        self.config = config
        self.next_seed = first
        self._procs: list[Any] = []
        self._stop: Event | None = None
        self._queue: Any = None
        if config.workers:
            ctx = mp.get_context("spawn")
            self._stop = ctx.Event()
            self._queue = ctx.Queue(maxsize=config.queue_size)
            n = config.workers
            with _single_threaded_children():
                for i in range(n):
                    args = (self._queue, self._stop, first + i, n, config.window, config.synth())
                    proc = ctx.Process(target=_worker_main, args=args, daemon=True)
                    proc.start()
                    self._procs.append(proc)

    def get(self, timeout: float | None = 0.0) -> SeededPair | None:
        """A fresh pair, or None if none arrives within ``timeout`` s (None: wait for one)."""
        if not self._procs:
            seed = self.next_seed
            self.next_seed += 1
            return (seed, *generate_pair(seed, self.config.window, self.config.synth()))
        try:
            if timeout is not None and timeout <= 0:
                item = self._queue.get_nowait()
            else:
                item = self._queue.get(timeout=timeout)
        except queue.Empty:
            self._check_alive()
            return None
        if item[0] == "error":
            log.error("data worker failed:\n%s", item[1])
            raise DataWorkerError(None, f"data worker failed: {item[1]}")
        self.next_seed = max(self.next_seed, item[0] + 1)
        return item

    def _check_alive(self) -> None:
        dead = [p.exitcode for p in self._procs if not p.is_alive()]
        if dead:
            raise DataWorkerError(None, f"a data worker exited unexpectedly (exit codes {dead})")

    def close(self) -> None:
        if self._stop is not None:
            self._stop.set()
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        if self._queue is not None:
            self._queue.cancel_join_thread()
            self._queue.close()
        self._procs = []

    def __enter__(self) -> PairStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def teacher_target(config: TeacherConfig, device: str) -> Target | None:
    """The :class:`TeacherConfig` target for each fresh pair, or None without a teacher: the
    teacher cleans the noisy window through the app's own inference path on ``device``."""
    if not config.weights:
        return None
    teacher = Denoiser(config.weights, device=device, passes=config.passes, keep_ink=False)
    share = np.float32(config.share)

    def target(noisy: np.ndarray, clean: np.ndarray) -> np.ndarray:
        taught = teacher.denoise(noisy, dtype=np.float32)
        return to_uint8((1 - share) * clean.astype(np.float32) / 255 + share * taught)

    return target


class PairPool:
    """Up to ``capacity`` pairs in memory; random crops (+ flips, turns) from them make batches.
    ``target``: makes each pair's stored target from its noisy and clean page (a teacher's)."""

    def __init__(
        self,
        config: DataConfig,
        generator: torch.Generator,
        *,
        target: Target | None = None,
    ) -> None:
        shape = (config.pool_size, config.window, config.window)
        self.target = target
        self.noisy = np.empty(shape, np.uint8)
        self.clean = np.empty(shape, np.uint8)
        self.count = 0
        self.patch = config.patch
        self.flips = config.flips
        self.turns = config.turns
        self.gen = generator

    def _randint(self, high: int) -> int:
        return int(torch.randint(high, (1,), generator=self.gen))

    def add(self, pair: SeededPair) -> None:
        """Append while there is room, then replace a random old pair."""
        index = self.count if self.count < len(self.noisy) else self._randint(len(self.noisy))
        clean = self.target(pair[1], pair[2]) if self.target else pair[2]
        self.noisy[index], self.clean[index] = pair[1], clean
        self.count = min(self.count + 1, len(self.noisy))

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(noisy, clean)`` batches, each ``(batch, 1, P, P) float32`` in [0, 1]."""
        if self.count == 0:
            raise RuntimeError("the pair pool is empty")
        p, side = self.patch, self.noisy.shape[1]
        # a sixth draw only with turns, so that configs without them sample what they always did
        draws = torch.randint(1 << 30, (batch, 6 if self.turns else 5), generator=self.gen).numpy()
        xs, ys = [], []
        for i, top, left, flip_v, flip_h, *turn in draws:
            top, left = top % (side - p + 1), left % (side - p + 1)
            x = self.noisy[i % self.count, top : top + p, left : left + p]
            y = self.clean[i % self.count, top : top + p, left : left + p]
            if self.flips and flip_v % 2:
                x, y = x[::-1], y[::-1]
            if self.flips and flip_h % 2:
                x, y = x[:, ::-1], y[:, ::-1]
            if turn and turn[0] % 2:
                x, y = x.T, y.T
            xs.append(x)
            ys.append(y)
        scale = np.float32(1 / 255)
        noisy = torch.from_numpy(np.stack(xs)[:, None].astype(np.float32) * scale)
        clean = torch.from_numpy(np.stack(ys)[:, None].astype(np.float32) * scale)
        return noisy, clean


@dataclass(frozen=True)
class ValidationSet:
    """``noisy``/``clean``: ``(N, S, S) uint8``; ``degradations[i]`` of pair i (from ``seeds``)."""

    noisy: np.ndarray
    clean: np.ndarray
    seeds: tuple[int, ...]
    degradations: tuple[tuple[str, ...], ...]


def _cache_matches(data: Any, config: ValidationConfig) -> bool:
    key = np.array([config.seed, config.pairs, config.size])
    return "key" in data and np.array_equal(data["key"], key)


def load_validation(path: Path, config: ValidationConfig) -> ValidationSet:
    """The fixed validation set: read from ``path`` (.npz) or made once and cached there."""
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            if _cache_matches(data, config):
                degs = tuple(tuple(filter(None, str(s).split(","))) for s in data["degradations"])
                seeds = tuple(int(s) for s in data["seeds"])
                return ValidationSet(data["noisy"], data["clean"], seeds, degs)
        log.warning("%s was made with other validation settings; making it again", path)
    seeds = tuple(range(config.seed, config.seed + config.pairs))
    log.info("making the validation set: %d pages of %d px", config.pairs, config.size)
    pairs = [generate_pair(seed, config.size) for seed in seeds]
    val = ValidationSet(
        np.stack([p[0] for p in pairs]),
        np.stack([p[1] for p in pairs]),
        seeds,
        tuple(p[2] for p in pairs),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.npz")
    np.savez_compressed(
        tmp,
        noisy=val.noisy,
        clean=val.clean,
        seeds=np.array(seeds),
        degradations=np.array([",".join(d) for d in val.degradations]),
        key=np.array([config.seed, config.pairs, config.size]),
    )
    os.replace(tmp, path)
    return val
