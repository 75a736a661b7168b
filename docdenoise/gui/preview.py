"""Pictures of pages for the compare view, made in a worker and kept in a small cache.

Turning a 300-dpi page into a picture pyramid, blending it at the chosen strength and drawing
the difference map take a few hundred milliseconds, too long for the GUI thread. One render runs
at a time; a request made meanwhile waits, and only the newest waiting one is kept, so dragging
the strength slider never queues up stale work.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QObject, Signal

from docdenoise.gui.imaging import Picture
from docdenoise.gui.pages import PageEntry
from docdenoise.gui.tasks import Rendered, RenderRequest, render_task
from docdenoise.gui.worker import DenoiseWorker, WorkerHost

CACHE_PAGES = 6

Pictures = tuple[Picture | None, Picture | None, Picture | None]


class PreviewRenderer(QObject):
    """Give it pages; it tells (``ready``) when their pictures are in :meth:`lookup`."""

    ready = Signal(int)  # page key
    failed = Signal(str)

    def __init__(self, host: WorkerHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._worker: DenoiseWorker | None = None
        self._pending: RenderRequest | None = None

    # -- cache ---------------------------------------------------------------------------------
    def _get(self, key: tuple[Any, ...]) -> Any:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        return None

    def _put(self, key: tuple[Any, ...], value: Any) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > 2 * CACHE_PAGES:
            self._cache.popitem(last=False)

    @staticmethod
    def _after_key(
        key: int, version: int, strength: float, threshold: int | None
    ) -> tuple[Any, ...]:
        return ("after", key, version, round(strength, 3), threshold)

    def lookup(self, entry: PageEntry, strength: float, threshold: int | None) -> Pictures:
        """The pictures that are ready; None for those still to render."""
        before = self._get(("before", entry.key))
        after = removed = None
        if entry.cleaned is not None:
            found = self._get(self._after_key(entry.key, entry.version, strength, threshold))
            if found is not None:
                after, removed = found
        return before, after, removed

    def forget(self, key: int) -> None:
        for cache_key in [k for k in self._cache if k[1] == key]:
            del self._cache[cache_key]

    # -- rendering -----------------------------------------------------------------------------
    def request(self, entry: PageEntry, strength: float, threshold: int | None) -> bool:
        """Render what :meth:`lookup` lacks; False when everything is ready already."""
        before, after, _removed = self.lookup(entry, strength, threshold)
        want_after = entry.cleaned is not None and after is None
        if before is not None and not want_after:
            return False
        request = RenderRequest(
            entry.key,
            entry.pixels,
            entry.cleaned if want_after else None,
            strength,
            threshold,
            want_before=before is None,
            version=entry.version,
        )
        if self._worker is not None:
            self._pending = request
        else:
            self._start(request)
        return True

    def busy(self) -> bool:
        return self._worker is not None

    def _start(self, request: RenderRequest) -> None:
        worker = self._host.create(render_task(request), "render")
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        self._worker = worker
        self._host.start(worker)

    def _on_finished(self, result: Rendered) -> None:
        request = result.request
        if result.before is not None:
            self._put(("before", request.key), result.before)
        if request.cleaned is not None:
            key = self._after_key(request.key, request.version, request.strength, request.threshold)
            self._put(key, (result.after, result.removed))
        self._next()
        self.ready.emit(request.key)

    def _on_failed(self, message: str) -> None:
        self._next()
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self._next()

    def _next(self) -> None:
        self._worker = None
        pending, self._pending = self._pending, None
        if pending is not None:
            self._start(pending)
