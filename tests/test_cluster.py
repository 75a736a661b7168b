"""The Ray engine: the local engine's outputs and report from Ray workers, and a worker killed.

The ``cluster`` tests start a real local Ray instance (2 CPU slots) with real worker processes;
they need the cluster extra (``make test`` installs it) and are skipped without it.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from docdenoise.batch import BatchOptions, FileFinished, FileStarted, plan_batch
from docdenoise.cli import main
from docdenoise.imageio import Page, load_document, save_document
from docdenoise.inference import Denoiser

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="needs the cluster extra (Ray)"
)


def page(size: int, seed: int) -> np.ndarray:
    """A ``(size, size)`` uint8 page: paper, a few dark bars of text, speckle."""
    rng = np.random.default_rng(seed)
    img = rng.normal(215, 12, size=(size, size)).clip(0, 255).astype(np.uint8)
    for y in range(20, size - 20, 40):
        img[y : y + 10, 16 : size - 16] = rng.integers(0, 70, size=(10, size - 32), dtype=np.uint8)
    return img


def make_scans(root: Path, big: int = 0) -> Path:
    """Four small pages (one in a subfolder, one a 2-page TIFF), a broken PNG, maybe a big one."""
    (root / "sub").mkdir(parents=True)
    for i in range(3):
        Image.fromarray(page(256, i)).save(root / f"p{i}.png", dpi=(300, 300))
    Image.fromarray(page(256, 3)).save(root / "sub" / "p3.png")
    save_document([Page(page(256, s), (200.0, 200.0)) for s in (4, 5)], root / "sub" / "two.tif")
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    if big:
        Image.fromarray(page(big, 9)).save(root / "sub" / "big.png")
    return root


def files(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (hidden ones too) by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def comparable(report: Path, out: Path) -> dict[str, Any]:
    """A JSON report without what differs between runs: times, device, the output folder."""
    data = json.loads(report.read_text().replace(str(out), "OUT"))
    for key in ("started", "seconds", "device"):
        data.pop(key)
    for row in data["files"]:
        row.pop("seconds")
    return dict(data)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@needs_ray
@pytest.mark.cluster
@pytest.mark.timeout(180)
def test_ray_engine_gives_the_local_engines_outputs_and_report(
    tmp_path: Path, random_model_path: Path
) -> None:
    scans = make_scans(tmp_path / "scans")
    before = files(scans)
    common = ["clean", str(scans), "--model", str(random_model_path)]
    local, ray = tmp_path / "local", tmp_path / "ray"
    code_local, out_local, _ = run_cli(
        [*common, "-o", str(local), "--report", str(tmp_path / "local.json")]
    )
    # No --address: the CLI starts a local Ray instance with 2 slots, and stops it at the end.
    ray_args = ["-o", str(ray), "--report", str(tmp_path / "ray.json"), "--engine", "ray"]
    code_ray, out_ray, err_ray = run_cli([*common, *ray_args, "--workers", "2"])
    assert code_local == code_ray == 1, err_ray  # the broken file fails alone, the rest are cleaned
    assert out_ray.startswith("5 cleaned, 0 skipped, 1 failed")
    device = out_local.split(" s (", 1)[1].strip()  # "CPU (1 threads))": the summary's end
    assert out_ray.strip().endswith(f" s (Ray, 2 workers: {device}")
    assert out_local.split(" in ")[0] == out_ray.split(" in ")[0]
    assert "broken.png" in err_ray
    outputs = files(ray)
    assert sorted(outputs) == ["p0.png", "p1.png", "p2.png", "sub/p3.png", "sub/two.tif"]
    assert outputs == files(local)  # byte for byte: same model, same thread count, same writer
    ray_report = comparable(tmp_path / "ray.json", ray)
    assert ray_report == comparable(tmp_path / "local.json", local)
    (failure,) = [row for row in ray_report["files"] if row["status"] == "failed"]
    assert failure["source"] == str(scans / "broken.png") and "broken.png" in failure["error"]
    assert files(scans) == before
    import ray as ray_module

    assert not ray_module.is_initialized()  # the instance the CLI started is gone


@needs_ray
@pytest.mark.cluster
@pytest.mark.timeout(180)
def test_a_killed_worker_loses_no_page_and_a_rerun_skips_what_is_done(
    tmp_path: Path, random_model_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from docdenoise.cluster import RayPool, RaySpec

    scans = make_scans(tmp_path / "scans", big=1024)
    out = tmp_path / "out"
    jobs, problems = plan_batch([scans], out, BatchOptions())
    big = next(job for job in jobs if job.name == "sub/big.png")
    started: list[str] = []
    finished: list[str] = []
    killed: list[int] = []
    caplog.set_level(logging.WARNING, logger="docdenoise.cluster")
    with RayPool(RaySpec(model=str(random_model_path), workers=2)) as pool:
        gen = pool.iter_batch(jobs, BatchOptions(), problems)
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                report = stop.value
                break
            if isinstance(event, FileStarted):
                started.append(event.job.name)
                if event.job == big and not killed:  # its worker has just been handed the file
                    pid = pool.pid_for(big)
                    assert pid is not None and pid != os.getpid()
                    os.kill(pid, signal.SIGKILL)  # a real process death, as the OOM killer does
                    killed.append(pid)
            elif isinstance(event, FileFinished):
                finished.append(Path(event.result.source).relative_to(scans).as_posix())
        stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
        rerun = pool.iter_batch(jobs, BatchOptions(), problems)
        try:
            while True:
                next(rerun)
        except StopIteration as stop:
            second = stop.value

    assert killed and started.count("sub/big.png") == 2  # handed out again after the death
    assert "died while cleaning sub/big.png" in caplog.text
    assert sorted(finished) == sorted(job.name for job in jobs)  # every file finished once
    assert report.summary().startswith("6 cleaned, 0 skipped, 1 failed")
    # every output, once, and no hidden temporary file from the killed worker's write
    assert sorted(files(out)) == [
        "p0.png",
        "p1.png",
        "p2.png",
        "sub/big.png",
        "sub/p3.png",
        "sub/two.tif",
    ]
    (retried,) = load_document(big.target).pages
    expected = Denoiser(random_model_path, device="cpu").denoise(page(1024, 9))
    np.testing.assert_array_equal(retried.pixels, expected)
    assert second.summary().startswith("0 cleaned, 6 skipped, 1 failed")
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing written again


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_ray_is_imported_only_by_the_ray_engine() -> None:
    modules = "docdenoise.cli, docdenoise.cluster, docdenoise.cluster_worker"
    probe = f"import sys, {modules}\nprint('ray' in sys.modules)"
    assert _run_python(probe).stdout.strip() == "False"


def test_without_the_extra_the_ray_engine_is_a_one_line_usage_error(tmp_path: Path) -> None:
    scan = tmp_path / "a.png"
    Image.fromarray(page(64, 0)).save(scan)
    code = (
        "import sys\nsys.modules['ray'] = None  # as if the cluster extra were not installed\n"
        "from docdenoise.cli import main\n"
        f"raise SystemExit(main(['clean', {str(scan)!r}, '-o', {str(tmp_path / 'o')!r},"
        " '--engine', 'ray']))"
    )
    done = _run_python(code)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "pip install 'docdenoise[cluster]'" in done.stderr
    assert not (tmp_path / "o").exists()
    code, _, err = run_cli(["clean", str(scan), "-o", str(tmp_path / "o"), "--workers", "2"])
    assert code == 2 and "need --engine ray" in err
