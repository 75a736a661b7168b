"""The worker side of the Ray engine: one actor, one loaded Denoiser, one file per call.

Ray imports this module in every worker process (by reference, as :mod:`docdenoise.cluster`
sends :class:`CleanWorker` to Ray); it does not import Ray itself.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from docdenoise import __version__
from docdenoise.batch import iter_batch
from docdenoise.errors import DocDenoiseError
from docdenoise.progress import drain
from docdenoise.report import BatchOptions, BatchReport, FileResult, Job, failed_result


@dataclass(frozen=True)
class WorkerInfo:
    """A started worker: where it runs, on what, and why it could not load the model if so."""

    pid: int
    host: str
    device: str
    model: str
    version: str
    error: str = ""


class CleanWorker:
    """One Ray actor: the model loaded once, then one file per :meth:`clean` call."""

    def __init__(
        self, model: str, device: str, tile: int | None, backend: str, threads: int, cwd: str
    ) -> None:
        os.environ["DOCDENOISE_THREADS"] = str(threads)  # read by device.pick_device
        if os.path.isdir(cwd):  # relative input paths mean what they meant to the driver
            os.chdir(cwd)
        from docdenoise.inference import Denoiser

        self.denoiser: Denoiser | None = None
        self.error = ""
        try:  # the driver gets the message from ready(): our errors do not survive pickling
            self.denoiser = Denoiser(model, device=device, tile=tile, backend=backend)
        except DocDenoiseError as exc:
            self.error = str(exc)

    def ready(self) -> WorkerInfo:
        d, host = self.denoiser, socket.gethostname()
        if d is None:
            return WorkerInfo(os.getpid(), host, "", "", __version__, self.error)
        return WorkerInfo(os.getpid(), host, d.choice.name, d.model_name, __version__)

    def clean(self, job: Job, options: BatchOptions) -> FileResult:
        """Clean one file exactly as the local engine does; never raises for the file's sake."""
        if not job.source.exists():
            reason = f"not found on the Ray worker node {socket.gethostname()} (moved or deleted?)"
            hint = "inputs and the output folder must be on storage every node mounts at one path"
            return failed_result(job.source, reason, hint)
        assert self.denoiser is not None, "the pool sends files only to workers that started"
        try:
            report: BatchReport = drain(iter_batch([job], self.denoiser, options))
            return report.results[0]
        except Exception as exc:  # the local engine would stop here; one file fails instead
            reason = f"unexpected error ({type(exc).__name__}: {exc})"
            return failed_result(job.source, reason, "please report it with this file")
