"""Run long work off the GUI thread: a QObject worker moved to its own QThread.

A *task* is a function ``task(context) -> Generator[progress, None, result]`` (see
:mod:`docdenoise.gui.tasks`). :class:`DenoiseWorker` drives it in its thread and reports through a
fixed signal contract: ``started``, then any number of ``progress(payload)``, then exactly one of
``finished(result)``, ``failed(message)`` or ``cancelled``. No exception ever leaves the thread.

Cancelling sets a flag that is checked between generator steps; the generator is then closed
(``gen.close()``), so the core stops within one tile and runs its ``finally`` blocks. The
:class:`Denoiser` (and so torch) is built by :class:`DenoiserCache` in a worker thread the first
time it is needed and then reused by every later task until the model settings change.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from docdenoise import allocator
from docdenoise.errors import DocDenoiseError
from docdenoise.gui.settings import ModelSpec

if TYPE_CHECKING:
    from docdenoise.inference import Denoiser

log = logging.getLogger(__name__)


def gui_cpu_threads() -> int:
    """Threads for torch on the CPU in the app: one core is left for the GUI thread.

    On a busy machine, torch using every core starves the event loop (and itself): on 2 cores
    with another job running, one thread cleaned an A4 page twice as fast as two and kept the
    window's worst stall near 20 ms instead of 50-100 ms (``bench/gui_stall.py``).
    ``DOCDENOISE_THREADS`` still wins.
    """
    from docdenoise.device import cpu_threads

    if os.environ.get("DOCDENOISE_THREADS", "").strip():
        return cpu_threads()
    return max(1, cpu_threads() - 1)


class DenoiserCache:
    """Holds one Denoiser, built (and torch imported) in whichever worker thread asks first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spec: ModelSpec | None = None
        self._denoiser: Denoiser | None = None

    def get(self, spec: ModelSpec) -> Denoiser:
        with self._lock:
            if self._denoiser is None or self._spec != spec:
                from docdenoise.inference import Denoiser  # torch: worker thread only

                self._denoiser = None  # let the old model go before the new one loads
                self._denoiser = Denoiser(spec.model, device=spec.device, tile=spec.tile)
                self._spec = spec
            if self._denoiser.choice.device.type == "cpu":
                import torch

                threads = gui_cpu_threads()
                if torch.get_num_threads() != threads:
                    torch.set_num_threads(threads)  # process-wide; the Denoiser set all cores
            return self._denoiser


class WorkContext:
    """What a task may use inside the worker thread."""

    def __init__(self, cache: DenoiserCache, cancel: threading.Event) -> None:
        self._cache = cache
        self._cancel = cancel

    def denoiser(self, spec: ModelSpec) -> Denoiser:
        return self._cache.get(spec)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


Task = Callable[[WorkContext], Generator[Any, None, Any]]


def error_message(exc: BaseException) -> str:
    """The one line to show: the core's own message, or a plain description of a bug."""
    if isinstance(exc, DocDenoiseError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return QCoreApplication.translate(
            "DenoiseWorker",
            "out of memory; close other pages or programs, or choose a smaller tile size",
        )
    text = QCoreApplication.translate("DenoiseWorker", "unexpected error ({0}); please report it")
    return text.format(f"{type(exc).__name__}: {exc}")


class DenoiseWorker(QObject):
    """Drives one task in a worker thread; signals are delivered queued to the GUI thread."""

    started = Signal()
    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, task: Task, cache: DenoiserCache, name: str = "task") -> None:
        super().__init__()
        self.name = name
        self._task = task
        self._cache = cache
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next step; safe from any thread."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            self.started.emit()
            self._drive()
        except BaseException as exc:  # nothing may escape the thread
            log.exception("worker %s failed", self.name)
            self.failed.emit(error_message(exc))
        finally:
            thread = QThread.currentThread()
            if thread is not None:
                thread.quit()

    def _drive(self) -> None:
        gen = self._task(WorkContext(self._cache, self._cancel))
        try:
            while True:
                if self._cancel.is_set():
                    gen.close()
                    self.cancelled.emit()
                    return
                try:
                    payload = next(gen)
                except StopIteration as stop:
                    self.finished.emit(stop.value)
                    return
                self.progress.emit(payload)
        finally:
            gen.close()


class WorkerHost(QObject):
    """Starts workers on their own threads and waits for them all on shutdown.

    When the last worker has finished and none has started for ``IDLE_RELEASE_MS``, the memory
    the tiles left in the C heap goes back to the system (:func:`docdenoise.allocator.release`).
    Not at the end of each task: the trim holds the heap's lock for tens of milliseconds, and a
    page shown at that moment stalled the window (``bench/gui_stall.py``: 46 ms against 10).
    """

    IDLE_RELEASE_MS = 10_000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = DenoiserCache()
        self._runs: list[tuple[DenoiseWorker, QThread]] = []
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._release_if_idle)

    def create(self, task: Task, name: str = "task") -> DenoiseWorker:
        """A worker for ``task``; connect its signals, then :meth:`start` it."""
        return DenoiseWorker(task, self.cache, name)

    def start(self, worker: DenoiseWorker) -> DenoiseWorker:
        thread = QThread()
        thread.setObjectName(f"docdenoise-{worker.name}")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        thread.finished.connect(self._reap)
        self._runs.append((worker, thread))
        self._idle.stop()
        thread.start()
        return worker

    def running(self) -> list[DenoiseWorker]:
        return [worker for worker, thread in self._runs if not thread.isFinished()]

    def cancel_all(self) -> None:
        for worker, _thread in self._runs:
            worker.cancel()

    def shutdown(self) -> None:
        """Cancel every worker and wait for its thread (at most one tile of work each)."""
        self.cancel_all()
        for _worker, thread in self._runs:
            thread.wait()
        self._runs.clear()

    @Slot()
    def _reap(self) -> None:
        keep = []
        for worker, thread in self._runs:
            if thread.isFinished():
                thread.wait()
            else:
                keep.append((worker, thread))
        self._runs = keep
        if not keep:
            self._idle.start(self.IDLE_RELEASE_MS)

    @Slot()
    def _release_if_idle(self) -> None:
        if not self.running():
            allocator.release()
