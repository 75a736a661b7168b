"""The worker's signal contract, on tasks that need no model (no torch)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from guitools import WAIT_MS
from PySide6.QtCore import Qt

from docdenoise.errors import InvalidImageError
from docdenoise.gui.worker import DenoiseWorker, WorkContext, WorkerHost, error_message


def run(qtbot: Any, host: WorkerHost, worker: DenoiseWorker, final: str) -> list[Any]:
    events: list[Any] = []
    for name in ("started", "progress", "finished", "failed", "cancelled"):
        getattr(worker, name).connect(lambda *args, name=name: events.append((name, *args)))
    with qtbot.waitSignal(getattr(worker, final), timeout=WAIT_MS):
        host.start(worker)
    qtbot.waitUntil(lambda: host.running() == [], timeout=WAIT_MS)
    return events


def test_progress_then_finished(qtbot: Any):
    def task(ctx: WorkContext) -> Generator[int, None, str]:
        yield 1
        yield 2
        return "done"

    host = WorkerHost()
    events = run(qtbot, host, host.create(task), "finished")
    assert events == [("started",), ("progress", 1), ("progress", 2), ("finished", "done")]


def test_an_exception_becomes_failed_with_the_core_message(qtbot: Any):
    def task(ctx: WorkContext) -> Generator[int, None, None]:
        yield 1
        raise InvalidImageError("scan.tif", "truncated")

    host = WorkerHost()
    events = run(qtbot, host, host.create(task), "failed")
    assert events[-1] == ("failed", str(InvalidImageError("scan.tif", "truncated")))
    assert [e[0] for e in events] == ["started", "progress", "failed"]


def test_cancel_closes_the_generator(qtbot: Any):
    closed: list[bool] = []

    def task(ctx: WorkContext) -> Generator[int, None, None]:
        try:
            while True:
                yield 1
        finally:
            closed.append(True)

    host = WorkerHost()
    worker = host.create(task)
    worker.progress.connect(lambda _p: worker.cancel(), Qt.ConnectionType.DirectConnection)
    events = run(qtbot, host, worker, "cancelled")
    assert [e[0] for e in events] == ["started", "progress", "cancelled"]
    assert closed == [True]  # the generator's finally ran: gen.close(), not abandoned


def test_unexpected_errors_are_described():
    assert "ZeroDivisionError" in error_message(ZeroDivisionError("x"))
    assert "out of memory" in error_message(MemoryError())


def test_the_heap_is_released_once_the_host_is_idle(qtbot: Any, monkeypatch: Any):
    """Not at the end of each task (that trim stalled the window), but once nothing has run for
    ``IDLE_RELEASE_MS``; a task started in the meantime puts it off again."""
    from docdenoise.gui import worker as worker_module

    releases: list[bool] = []
    monkeypatch.setattr(worker_module.allocator, "release", lambda: releases.append(True))
    monkeypatch.setattr(WorkerHost, "IDLE_RELEASE_MS", 1000)

    def task(ctx: WorkContext) -> Generator[int, None, str]:
        yield 1
        return "done"

    host = WorkerHost()
    run(qtbot, host, host.create(task), "finished")
    assert releases == []  # the task's end releases nothing by itself
    run(qtbot, host, host.create(task), "finished")  # a second task restarts the wait
    qtbot.waitUntil(lambda: releases == [True], timeout=WAIT_MS)
    qtbot.wait(1500)
    assert releases == [True]  # once, not again while idle
