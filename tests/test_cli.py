"""The CLI's options are checked as they are parsed (docdenoise.limits): a value out of range is
one line naming the option and what it allows, exit code 2, no traceback and nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from docdenoise.cli import build_parser

BAD_OPTIONS = [  # (argument, value, what the error line must say is allowed)
    ("--tile", "10", "a whole number from 64 to 8192"),
    ("--tile", "9000", "a whole number from 64 to 8192"),
    ("--tile", "512.5", "a whole number from 64 to 8192"),
    ("--max-pixels", "-5", "a whole number, at least 1"),
    ("--max-pixels", "0", "a whole number, at least 1"),
    ("--strength", "2", "a number from 0.0 to 1.0"),
    ("--strength", "-0.1", "a number from 0.0 to 1.0"),
    ("--strength", "nan", "a number from 0.0 to 1.0"),
    ("--bw", "0", "a whole number from 1 to 255"),
    ("--bw", "256", "a whole number from 1 to 255"),
    ("--workers", "0", "a whole number, at least 1"),
    ("--cpus-per-worker", "0", "a whole number, at least 1"),
]


@pytest.mark.parametrize(("option", "value", "allowed"), BAD_OPTIONS)
def test_an_option_out_of_range_is_one_line_and_exit_2(
    option: str, value: str, allowed: str, tmp_path: Path
) -> None:
    scan = tmp_path / "a.png"
    Image.new("L", (64, 64), 255).save(scan)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "docdenoise", "clean", str(scan), "-o", str(out), option, value],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"argument {option}: must be {allowed}, not {value!r}" in done.stderr
    assert not out.exists()


def test_the_ends_of_each_range_are_accepted() -> None:
    args = build_parser().parse_args(
        ["clean", "a.png", "-o", "out", "--tile", "64", "--strength", "0", "--bw", "255"]
    )
    assert (args.tile, args.strength, args.bw) == (64, 0.0, 255)
    args = build_parser().parse_args(
        ["clean", "a.png", "-o", "out", "--tile", "8192", "--strength", "1", "--bw", "1"]
    )
    assert (args.tile, args.strength, args.bw) == (8192, 1.0, 1)
    args = build_parser().parse_args(
        ["clean", "a", "-o", "o", "--max-pixels", "1", "--workers", "1", "--cpus-per-worker", "1"]
    )
    assert (args.max_pixels, args.workers, args.cpus_per_worker) == (1, 1, 1)


def test_defaults_are_left_to_the_core() -> None:
    args = build_parser().parse_args(["clean", "a.png", "-o", "out", "--bw"])
    assert (args.tile, args.max_pixels, args.strength, args.bw) == (None, None, 1.0, 160)
    assert (args.workers, args.cpus_per_worker) == (None, None)


def test_a_missing_required_option_is_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["clean", "a.png"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err == "docdenoise clean: error: the following arguments are required: -o/--output\n"
