"""The overlapped executor: the next page decodes and the last file encodes while the model cleans.

:func:`iter_overlapped` runs a batch for :func:`docdenoise.batch.iter_batch` on three threads,
with the steps of :mod:`docdenoise.cleaning`:

* a *reader* decodes one page ahead (:class:`_Reader` over :class:`_PageStream`);
* the caller's thread runs the model (torch releases the GIL inside its convolutions);
* a *writer* encodes the previous file and publishes it atomically (``write_output``).

At most one decoded page waits ahead and one cleaned file behind. The events, the outputs and
the report are those of the one-file-at-a-time loop, in the same order. Two rules make that so:

* the generator never yields while the writer holds a file: the events meanwhile (a few tiles'
  progress, perhaps the next ``FileStarted``) are held until that file is published and its
  ``FileFinished`` is yielded first. So ``FileFinished`` means "on disk", and closing the
  generator at any yield finds no write in flight: it only waits for the page being decoded;
* a file is opened only once the previous file's ``FileStarted`` has been yielded, as before.

Closing the generator (cancel) or an error out of it joins both threads and closes the file
being read.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docdenoise.cleaning import clean_page, mean_abs_change, write_output
from docdenoise.imageio import iter_pages
from docdenoise.page import Page
from docdenoise.report import (
    BatchEvent,
    BatchOptions,
    FileFinished,
    FileResult,
    FileStarted,
    Job,
    done_result,
    error_result,
    skipped_result,
)

if TYPE_CHECKING:
    from docdenoise.inference import Denoiser


@dataclass(frozen=True)
class _Item:
    """What the reader hands over for job ``index``: a page, why it has none, or its skip.

    ``index == len(jobs)`` marks the end of the batch.
    """

    index: int
    page: Page | None = None
    error: Exception | None = None  # reading failed: the file fails
    skip: bool = False  # the output exists and overwrite is off: not even opened


class _PageStream:
    """The pages of every job in order as :class:`_Item` s; one :meth:`pull` at a time."""

    def __init__(self, jobs: Sequence[Job], options: BatchOptions) -> None:
        self._jobs, self._options = jobs, options
        self._next = 0  # the next job to open
        self._pages: Iterator[Page] | None = None  # the open job's pages
        self._current = -1

    def pull(self) -> _Item:
        while True:
            if self._pages is not None:
                try:
                    return _Item(self._current, page=next(self._pages))
                except StopIteration:
                    self._pages = None
                except Exception as exc:
                    self.drop(self._current)
                    return _Item(self._current, error=exc)
            if self._next == len(self._jobs):
                self._current = len(self._jobs)
                return _Item(len(self._jobs))
            self._current, job = self._next, self._jobs[self._next]
            self._next += 1
            if job.target.exists() and not self._options.overwrite:
                return _Item(self._current, skip=True)
            try:
                self._pages = iter_pages(job.source, max_pixels=self._options.max_pixels)
            except Exception as exc:
                return _Item(self._current, error=exc)

    def drop(self, index: int) -> None:
        """Stop reading job ``index`` (it failed): its file is closed, the next pull moves on."""
        if self._current == index:
            self.close()

    def close(self) -> None:
        """Close the file being read, if any (never while a pull is running)."""
        pages, self._pages = self._pages, None
        close = getattr(pages, "close", None)
        if close is not None:
            close()


class _Reader:
    """Pulls from a :class:`_PageStream` in one thread, at most one item ahead of :meth:`take`."""

    def __init__(self, stream: _PageStream) -> None:
        self.stream = stream
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="docdenoise-read")
        self._ahead: Future[_Item] | None = None

    @property
    def busy(self) -> bool:
        return self._ahead is not None

    def request(self) -> None:
        if self._ahead is None:
            self._ahead = self._pool.submit(self.stream.pull)

    def take(self) -> _Item:
        """The next item (pulled now if it was not asked for); a reader crash is raised here."""
        ahead = self._ahead or self._pool.submit(self.stream.pull)
        self._ahead = None
        return ahead.result()

    def close(self) -> None:
        """Wait for the pull in flight, stop the thread, close the file being read."""
        if self._ahead is not None:
            wait([self._ahead])
        self._pool.shutdown(wait=True)
        self.stream.close()


@dataclass
class _Writing:
    """The file the writer holds: the report row is made when ``future`` is done."""

    index: int
    job: Job
    pages: list[Page]
    change: float
    started: float
    future: Future[float]


class _Run:
    """One overlapped batch; :meth:`events` is the generator :func:`iter_overlapped` returns."""

    def __init__(
        self,
        jobs: Sequence[Job],
        denoiser: Denoiser,
        options: BatchOptions,
        results: list[FileResult],
    ) -> None:
        self.jobs, self.denoiser, self.options, self.results = jobs, denoiser, options, results
        self.reader = _Reader(_PageStream(jobs, options))
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="docdenoise-write")
        self.writing: _Writing | None = None
        self.held: deque[BatchEvent] = deque()  # events kept while the writer works
        self.item: _Item | None = None  # taken from the reader, not used yet
        self.pulled = -1  # the job of the last item taken
        self.shown = -1  # the last job whose FileStarted was yielded

    def events(self) -> Generator[BatchEvent, None, None]:
        try:
            for index, job in enumerate(self.jobs):
                yield from self._file(index, job)
            yield from self._flush(block=True)
        finally:
            if self.writing is not None:  # an error in this thread: let the write end first
                wait([self.writing.future])
            self.writer.shutdown(wait=True)
            self.reader.close()

    def _file(self, index: int, job: Job) -> Generator[BatchEvent, None, None]:
        total = len(self.jobs)
        started = time.perf_counter()
        yield from self._emit(FileStarted(index, total, job))
        pages: list[Page] = []
        change = 0.0
        read_error = False
        try:
            while (item := (yield from self._peek())).index == index:
                self.item = None
                self._ask_ahead()
                if item.skip:
                    yield from self._emit(FileFinished(index, total, skipped_result(job)))
                    return
                if item.page is None:
                    read_error = True
                    raise item.error or ValueError("no page and no error")
                page = item.page
                cleaned = yield from self._clean(page, index, len(pages))
                change += mean_abs_change(page.pixels, cleaned.pixels) * page.pixels.size
                pages.append(cleaned)
        except Exception as exc:
            result = error_result(job, exc)
            if not read_error:  # the reader stopped reading the file by itself
                self._drop(index)
            yield from self._emit(FileFinished(index, total, result))
            return
        yield from self._flush(block=True)  # one file behind at most
        future = self.writer.submit(_write, job, pages, self.options)
        self.writing = _Writing(index, job, pages, change, started, future)

    def _clean(self, page: Page, index: int, number: int) -> Generator[BatchEvent, None, Page]:
        """``clean_page``, its progress through :meth:`_emit` (held while the writer works)."""
        strength = self.options.strength
        gen = clean_page(page, self.denoiser, strength, index, len(self.jobs), number)
        while True:
            try:
                progress = next(gen)
            except StopIteration as stop:
                cleaned: Page = stop.value
                return cleaned
            yield from self._emit(progress)

    def _peek(self) -> Generator[BatchEvent, None, _Item]:
        """The next item, waiting for the reader; a file is opened only after its forerunner's
        FileStarted was yielded, so held events are flushed before such a pull."""
        if self.item is None:
            if not self.reader.busy and self.shown < self.pulled:
                yield from self._flush(block=True)
            self.item = self.reader.take()
            self.pulled = self.item.index
        return self.item

    def _ask_ahead(self) -> None:
        """Start decoding the next item, when allowed (see :meth:`_peek`) and not yet asked."""
        if self.item is None and self.shown >= self.pulled and self.pulled < len(self.jobs):
            self.reader.request()

    def _drop(self, index: int) -> None:
        """Forget the rest of a failed file: the page read ahead and its open file."""
        if self.reader.busy:  # wait: the stream may be reading this file now
            self.item = self.reader.take()
            self.pulled = self.item.index
        if self.item is not None and self.item.index == index:
            self.item = None
        self.reader.stream.drop(index)

    def _emit(self, event: BatchEvent) -> Generator[BatchEvent, None, None]:
        self.held.append(event)
        yield from self._flush(block=False)

    def _flush(self, block: bool) -> Generator[BatchEvent, None, None]:
        """Yield the written file's FileFinished, then the held events; if the writer is still
        busy, wait for it (``block``) or yield nothing."""
        if self.writing is not None:
            if not block and not self.writing.future.done():
                return
            writing, self.writing = self.writing, None
            result = _written(writing)
            self.results.append(result)
            yield FileFinished(writing.index, len(self.jobs), result)
        while self.held:
            event = self.held.popleft()
            if isinstance(event, FileFinished):
                self.results.append(event.result)
            yield event
            if isinstance(event, FileStarted):
                self.shown = event.index
                self._ask_ahead()


def _write(job: Job, pages: list[Page], options: BatchOptions) -> float:
    """The writer's task: encode and publish; returns when it was done (``perf_counter``)."""
    write_output(job, pages, options)
    return time.perf_counter()


def _written(writing: _Writing) -> FileResult:
    """The report row of the file the writer finished (or failed)."""
    try:
        finished = writing.future.result()
    except Exception as exc:
        return error_result(writing.job, exc)
    seconds = finished - writing.started
    return done_result(writing.job, writing.pages, writing.change, seconds)


def iter_overlapped(
    jobs: Sequence[Job], denoiser: Denoiser, options: BatchOptions, results: list[FileResult]
) -> Generator[BatchEvent, None, None]:
    """Clean ``jobs`` with decoding and writing overlapped; appends each file's result."""
    return _Run(jobs, denoiser, options, results).events()
