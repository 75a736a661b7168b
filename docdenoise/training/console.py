"""What the training commands share on the console: log lines on stderr, errors as exit codes.

``docdenoise-train`` (:mod:`docdenoise.training.cli`) and ``python -m
docdenoise.training.export`` / ``.average`` each parse their own arguments and call these, so no
module of the library imports another's command line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from docdenoise.errors import EXIT_INTERRUPTED, DocDenoiseError


class _TtyFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return "\r\x1b[K" + super().format(record)  # over a progress bar's line


def setup_logging(tty: bool) -> None:
    """``docdenoise`` log records at INFO and above to stderr, one line each."""
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(asctime)s %(levelname)s %(message)s"
    handler.setFormatter(_TtyFormatter(fmt) if tty else logging.Formatter(fmt))
    root = logging.getLogger("docdenoise")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False


def run_command(work: Callable[[], int]) -> int:
    """``work()``'s exit code; a :class:`DocDenoiseError` or Ctrl-C becomes one line on stderr
    and its exit code."""
    try:
        return int(work())
    except DocDenoiseError as exc:
        sys.stderr.write(f"docdenoise-train: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\ndocdenoise-train: stopped; continue with --resume\n")
        return EXIT_INTERRUPTED
