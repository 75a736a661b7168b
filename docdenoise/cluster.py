"""The Ray engine: the batch's files spread over Ray actors, each holding one loaded Denoiser.

``docdenoise clean INPUT... -o OUTDIR --engine ray [--address ADDR]`` plans the batch as the local
engine does (:func:`docdenoise.batch.plan_batch`), then :class:`RayPool` hands the files out one
at a time to whichever worker is free. A worker (:mod:`docdenoise.cluster_worker`, an actor per
CPU or GPU slot) loads the model once and cleans each file through
:func:`docdenoise.batch.iter_batch`, so the outputs, the atomic writes and the report rows are
the local engine's. Workers read and write the files themselves: inputs and the output folder
must be on storage that every node mounts at the same path; only paths and report rows travel
through Ray.

Failures: a worker that dies (killed, out of memory, node lost) is restarted by Ray and its file
goes back to the front of the queue, for the next free worker; a file that has killed
``MAX_ATTEMPTS`` workers fails alone. Outputs that exist are skipped, so a re-run finishes what
an interrupted one left. Ray is imported only here, and only when the engine is used.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from docdenoise import __version__
from docdenoise.atomicfile import remove_stale_temps
from docdenoise.cluster_worker import CleanWorker, WorkerInfo
from docdenoise.errors import DocDenoiseError, UsageError
from docdenoise.report import (
    BatchEvent,
    BatchOptions,
    BatchReport,
    FileFinished,
    FileResult,
    FileStarted,
    Job,
    failed_result,
    skipped_result,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # workers a file may take down with it before it fails
OBJECT_STORE_BYTES = 100 * 1024**2  # a local instance: only paths and report rows travel
DEFAULT_OPTIONS = BatchOptions()
PROBE_S = 5.0  # how long to wait for a cluster's port to answer before giving up
RESTART_POLL_S = 0.5  # how often to ask a restarting worker whether it is back
MISSING_RAY = "the Ray engine needs the cluster extra: pip install 'docdenoise[cluster]'"


@dataclass(frozen=True)
class RaySpec:
    """Where and how to run: the model and device of every worker, and how many workers.

    ``address`` None starts a local Ray instance (or joins ``$RAY_ADDRESS`` when set).
    ``workers`` None gives one worker per GPU when the workers run on CUDA, else one per
    ``cpus_per_worker`` CPUs of the cluster. A CPU worker runs ``cpus_per_worker`` torch threads.
    """

    model: str = "fast"
    device: str = "auto"
    tile: int | None = None
    backend: str = "torch"  # as docdenoise.inference.Denoiser takes it
    address: str | None = None
    workers: int | None = None
    cpus_per_worker: int = 1


def import_ray() -> Any:
    """The ``ray`` module, or a :class:`UsageError` naming the extra to install."""
    try:
        import ray
    except ImportError:
        raise UsageError(None, MISSING_RAY, "") from None
    return ray


def _probe(address: str) -> None:
    """Fail fast on a ``HOST:PORT`` (or ``ray://HOST:PORT``) nothing listens on: Ray would wait."""
    host, _, port = address.split("://")[-1].rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray will judge itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_S).close()
    except OSError as exc:
        raise UsageError(
            None,
            f"cannot reach the Ray cluster at {address} ({exc.strerror or exc})",
            "check the address and port with `ray status` on the head node",
        ) from None


def _connect(ray: Any, spec: RaySpec) -> bool:
    """Join or start Ray; True when this call started (and so must stop) it."""
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    address = spec.address or os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            _probe(address)
            ray.init(address=address, **quiet)
        else:
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            slots = spec.workers * spec.cpus_per_worker if spec.workers else None
            ray.init(
                address="local",  # a new instance, even where `ray start` runs one already
                num_cpus=slots,
                object_store_memory=OBJECT_STORE_BYTES,
                include_dashboard=False,
                **quiet,
            )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = (
            "check the address with `ray status` on the head node; a cluster with token"
            " authentication also needs RAY_AUTH_MODE=token and its token (docs/cluster.md)"
            if address
            else ""
        )
        raise UsageError(None, f"cannot start or reach {where} ({first})", hint) from exc
    return True


class RayPool:
    """Workers on a Ray cluster, ready to clean batches; a context manager that stops them."""

    def __init__(self, spec: RaySpec = RaySpec()) -> None:
        from docdenoise.assets import MODEL_NAMES
        from docdenoise.weights import load_weights

        if (spec.workers is not None and spec.workers < 1) or spec.cpus_per_worker < 1:
            raise UsageError(None, "--workers and --cpus-per-worker must be at least 1")
        model = spec.model if spec.model in MODEL_NAMES else os.path.abspath(spec.model)
        load_weights(model)  # a missing or bad model fails here, with the local engine's message
        self.ray = import_ray()
        self.started_ray = _connect(self.ray, spec)
        self.actors: list[Any] = []
        self.info: dict[Any, WorkerInfo] = {}
        self._busy: dict[Job, Any] = {}  # the worker cleaning each file now
        self._idle: list[Any] = []  # workers ready for a file
        self._waking: dict[Any, Any] = {}  # ref of a ready() call -> its worker
        self._resting: dict[Any, float] = {}  # worker Ray is restarting -> when to ask again
        try:
            self._start_workers(spec, model)
        except BaseException:
            self.close()
            raise

    def _start_workers(self, spec: RaySpec, model: str) -> None:
        resources = self.ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        kind = spec.device.split(":")[0]
        on_gpu = kind == "cuda" or (kind == "auto" and gpus > 0)
        if on_gpu and gpus == 0:
            raise UsageError(None, "--device cuda: the Ray cluster has no GPU", "use --device cpu")
        device = "cuda" if on_gpu else ("cpu" if kind == "auto" else spec.device)
        slots = gpus if on_gpu else int(resources.get("CPU", 1)) // spec.cpus_per_worker
        count = spec.workers or max(1, slots)
        cls = self.ray.remote(CleanWorker).options(
            num_cpus=1 if on_gpu else spec.cpus_per_worker,
            num_gpus=1 if on_gpu else 0,
            max_restarts=-1,  # a dead worker comes back; MAX_ATTEMPTS bounds a file's retries
            max_task_retries=0,  # the pool re-queues a lost file itself, for any free worker
            scheduling_strategy="SPREAD",
        )
        threads = 1 if on_gpu else spec.cpus_per_worker
        args = (model, device, spec.tile, spec.backend, threads, os.getcwd())
        self.actors = [cls.remote(*args) for _ in range(count)]
        self._waking = {actor.ready.remote(): actor for actor in self.actors}
        log.info("starting %d Ray workers (%s)", count, device)

    def pid_for(self, job: Job) -> int | None:
        """The process id of the worker now cleaning ``job`` (for monitoring and tests)."""
        actor = self._busy.get(job)
        info = self.info.get(actor) if actor is not None else None
        return info.pid if info else None

    def iter_batch(
        self,
        jobs: Sequence[Job],
        options: BatchOptions = DEFAULT_OPTIONS,
        problems: Sequence[FileResult] = (),
    ) -> Generator[BatchEvent, None, BatchReport]:
        """Clean ``jobs`` on the workers; yields events, returns the report in job order.

        Files finish in any order, so an event's ``index`` counts the files finished before it
        (a progress display stays monotonic); ``job`` and ``result`` say which file it is.
        """
        started = time.perf_counter()
        total = len(jobs)
        results: dict[int, FileResult] = {}
        queue: deque[int] = deque()
        for i, job in enumerate(jobs):
            if job.target.exists() and not options.overwrite:
                results[i] = skipped_result(job)
                yield FileStarted(len(results) - 1, total, job)
                yield FileFinished(len(results) - 1, total, results[i])
            else:
                queue.append(i)
        yield from self._dispatch(jobs, options, queue, results)
        report = BatchReport(device=self._device_name(), model=self._model_name())
        report.results.extend(problems)
        report.results.extend(results[i] for i in range(total))
        report.seconds = time.perf_counter() - started
        return report

    def _dispatch(
        self,
        jobs: Sequence[Job],
        options: BatchOptions,
        queue: deque[int],
        results: dict[int, FileResult],
    ) -> Generator[BatchEvent, None, None]:
        """Hand out the queued jobs to free workers until every one has its row in ``results``."""
        total, attempts = len(jobs), [0] * len(jobs)
        running: dict[Any, tuple[int, Any]] = {}  # the call's ref -> (job index, its worker)
        try:
            while queue or running:
                while queue and self._idle:
                    i, actor = queue.popleft(), self._idle.pop()
                    # A retry may find the output its lost attempt published: replace it.
                    opts = replace(options, overwrite=True) if attempts[i] else options
                    attempts[i] += 1
                    running[actor.clean.remote(jobs[i], opts)] = (i, actor)
                    self._busy[jobs[i]] = actor
                    yield FileStarted(len(results), total, jobs[i])
                for ref in self._wait([*running]):
                    i, actor = running.pop(ref)
                    del self._busy[jobs[i]]
                    result = self._result(ref, jobs[i], attempts[i], actor)
                    if result is None:
                        queue.appendleft(i)
                    else:
                        results[i] = replace(result, source=str(jobs[i].source))
                        yield FileFinished(len(results) - 1, total, results[i])
        finally:  # stopped early: busy workers rejoin the pool once their file is done
            for i, actor in running.values():
                del self._busy[jobs[i]]
                self._waking[actor.ready.remote()] = actor

    def _wait(self, running: list[Any]) -> list[Any]:
        """Wait a little for file calls or workers coming back; returns the finished file calls."""
        now = time.monotonic()
        for actor, when in list(self._resting.items()):
            if when <= now:
                del self._resting[actor]
                self._waking[actor.ready.remote()] = actor
        refs = [*running, *self._waking]
        if not refs:
            if not self._resting:
                raise DocDenoiseError(None, "every Ray worker died", "see `ray status`, Ray's logs")
            time.sleep(RESTART_POLL_S)
            return []
        done, _ = self.ray.wait(refs, num_returns=1, timeout=RESTART_POLL_S)
        for ref in done:
            if ref in self._waking:
                self._wake(ref, self._waking.pop(ref))
        return [ref for ref in done if ref in running]

    def _wake(self, ref: Any, actor: Any) -> None:
        """A worker answered ``ready``: it may take files. One that cannot start leaves the pool."""
        errors = self.ray.exceptions
        try:
            info: WorkerInfo = self.ray.get(ref)
        except errors.ActorUnavailableError:  # Ray is restarting it: ask again soon
            self._resting[actor] = time.monotonic() + RESTART_POLL_S
            return
        except errors.RayError as exc:
            self.actors.remove(actor)
            first = str(exc).strip().splitlines()[0]
            log.warning("a Ray worker could not start and leaves the pool: %s", first)
            if not self.actors:
                raise DocDenoiseError(None, f"no Ray worker could start ({first})") from exc
            return
        if info.error:  # the same settings would fail on every worker: stop now
            raise DocDenoiseError(
                None, f"a Ray worker on {info.host} could not start: {info.error}"
            )
        if info.version != __version__:
            raise UsageError(
                None,
                f"the Ray worker on {info.host} runs docdenoise {info.version}, not {__version__}",
                "install the same docdenoise on every node",
            )
        self.info[actor] = info
        self._idle.append(actor)

    def _result(self, ref: Any, job: Job, attempt: int, actor: Any) -> FileResult | None:
        """The file's report row; None when its worker died and the file should run again."""
        try:
            result: FileResult = self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as exc:  # clean() raised: the worker lives on
            self._idle.append(actor)
            reason = f"unexpected error on a Ray worker ({exc.cause!r})"
            return failed_result(job.source, reason, "")
        except self.ray.exceptions.RayActorError:
            self._resting[actor] = time.monotonic()  # back in the pool once Ray restarted it
            remove_stale_temps(job.target)  # a worker killed mid-write leaves its hidden temp
            if attempt < MAX_ATTEMPTS:
                log.warning("a Ray worker died while cleaning %s; the next one takes it", job.name)
                return None
            reason = f"{MAX_ATTEMPTS} Ray workers died while cleaning it (out of memory, a crash)"
            hint = "clean it alone with the local engine to see why, or with a smaller --tile"
            return failed_result(job.source, reason, hint)
        self._idle.append(actor)
        return result

    def _device_name(self) -> str:
        devices = ", ".join(sorted({i.device for i in self.info.values()}))
        count = len(self.actors)
        text = f"Ray, {count} worker{'s' if count != 1 else ''}"
        return f"{text}: {devices}" if devices else text

    def _model_name(self) -> str:
        return next((i.model for i in self.info.values()), "")

    def close(self) -> None:
        """Stop the workers, and the Ray instance when this pool started it."""
        for actor in self.actors:
            self.ray.kill(actor, no_restart=True)
        self.actors, self._idle, self._waking, self._resting = [], [], {}, {}
        if self.started_ray:
            self.ray.shutdown()
            self.started_ray = False

    def __enter__(self) -> RayPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_ray_batch(
    jobs: Sequence[Job],
    options: BatchOptions = DEFAULT_OPTIONS,
    problems: Sequence[FileResult] = (),
    spec: RaySpec = RaySpec(),
) -> Generator[BatchEvent, None, BatchReport]:
    """:func:`docdenoise.batch.iter_batch` on Ray: start a pool, clean, stop; same events."""
    with RayPool(spec) as pool:
        return (yield from pool.iter_batch(jobs, options, problems))
