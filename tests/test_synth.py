"""Tests of the synthetic page generator: clean pages, degradations, pairs and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from PIL import Image

from docdenoise.synth import (
    DEGRADATIONS,
    FontsNotFoundError,
    SynthConfig,
    UnknownDegradationError,
    degrade,
    make_pair,
    make_pair_with_page,
    mix,
    render_clean,
)
from docdenoise.synth import cli as synth_cli
from docdenoise.synth.degradation_names import DEGRADATION_NAMES
from docdenoise.synth.fonts import REQUIRED_GLYPHS, available_faces, font_dirs
from docdenoise.synth.layouts import build_page
from docdenoise.synth.scene import Scene, TextOp
from docdenoise.synth.text import corpus

SMALL = (72, 96)


def _png(path) -> tuple[tuple[int, int], str, np.ndarray]:
    """(size, mode, pixels) of an image file, closing it."""
    with Image.open(path) as img:
        return img.size, img.mode, np.asarray(img)


@pytest.fixture(scope="module")
def small_page() -> np.ndarray:
    """A small clean text window on grey paper, so brightening degradations show too."""
    page = render_clean(np.random.default_rng(1), *SMALL, layout="text", dpi=150).pixels
    return (0.15 + 0.7 * page).astype(np.float32)


# --- reproducibility and the pair contract -------------------------------------------------


def test_make_pair_is_reproducible_from_its_seed() -> None:
    a, b = make_pair(11, 96, 128), make_pair(11, 96, 128)
    assert np.array_equal(a.noisy, b.noisy)
    assert np.array_equal(a.clean, b.clean)
    assert a.degradations == b.degradations and a.seed == 11
    c = make_pair(12, 96, 128)
    assert not np.array_equal(a.clean, c.clean)


def test_render_clean_draws_the_same_page_at_a_given_softness() -> None:
    def page(blur: float | None) -> np.ndarray:
        return render_clean(np.random.default_rng(5), 128, 128, layout="text", blur=blur).pixels

    sharp, soft, drawn = page(0.2), page(0.55), page(None)
    assert np.array_equal(sharp, page(0.2))
    # the same strokes: their ink mass is kept, only the edges spread
    assert abs(float((1 - sharp).sum()) - float((1 - soft).sum())) < 0.02 * float((1 - sharp).sum())
    assert np.abs(sharp - soft).max() > 0.1
    assert not np.array_equal(drawn, sharp) and not np.array_equal(drawn, soft)


def test_pair_arrays_have_the_promised_layout() -> None:
    pair = make_pair(3, 80, 120)
    for arr in (pair.noisy, pair.clean):
        assert arr.shape == (80, 120) and arr.dtype == np.float32
        assert float(arr.min()) >= 0.0 and float(arr.max()) <= 1.0
    assert all(name in DEGRADATIONS for name in pair.degradations)


def test_clean_page_does_not_depend_on_the_degradations_drawn() -> None:
    only_fold, page = make_pair_with_page(21, 96, 96, only=["fold"])
    only_jpeg, _ = make_pair_with_page(21, 96, 96, only=["jpeg"])
    assert np.array_equal(only_fold.clean, only_jpeg.clean)
    assert np.array_equal(only_fold.clean, page.pixels)
    assert only_fold.degradations == ("fold",)


def test_no_degradation_returns_the_clean_page() -> None:
    clean = render_clean(np.random.default_rng(5), *SMALL).pixels
    noisy, names = degrade(clean, np.random.default_rng(0), only=())
    assert names == () and np.array_equal(noisy, clean)
    pair = make_pair(5, *SMALL, config=SynthConfig(max_degradations=0))
    assert pair.degradations == () and np.array_equal(pair.noisy, pair.clean)


def test_noisy_stays_aligned_with_the_clean_ink() -> None:
    """No warps: across random mixes, ink pixels of the clean page stay darker in the noisy."""
    darker = 0
    for seed in range(8):
        pair = make_pair(seed, 128, 128)
        ink, paper = pair.clean < 0.3, pair.clean == 1.0
        if ink.sum() < 20 or paper.sum() < 20:
            darker += 1
            continue
        darker += float(pair.noisy[ink].mean()) < float(pair.noisy[paper].mean())
    assert darker == 8


def test_random_mix_respects_the_config() -> None:
    config = SynthConfig(degradations=("jpeg", "blur"), max_degradations=2)
    for seed in range(6):
        _, names = degrade(np.ones(SMALL, np.float32), np.random.default_rng(seed), config=config)
        assert set(names) <= {"jpeg", "blur"}
        assert list(names) == [n for n in DEGRADATIONS if n in names]  # physical order


def _mixes(config: SynthConfig, n: int = 400) -> list[tuple[str, ...]]:
    return [mix.choose(np.random.default_rng(seed), config) for seed in range(n)]


def test_mix_weights_change_only_the_odds_asked_for() -> None:
    default = _mixes(SynthConfig())
    # restating a default weight draws exactly the default mixes (seeded data sets stay put)
    assert _mixes(SynthConfig(weights=(("faded_ink", mix.WEIGHTS["faded_ink"]),))) == default
    raised = _mixes(SynthConfig(weights=(("faded_ink", 6.0),)))
    assert sum("faded_ink" in m for m in raised) > 2 * sum("faded_ink" in m for m in default)
    assert not any("blur" in m for m in _mixes(SynthConfig(weights=(("blur", 0.0),))))
    only_two = SynthConfig(
        weights=tuple((n, 0.0) for n in DEGRADATIONS if n not in ("jpeg", "fold"))
    )
    assert set().union(*_mixes(only_two)) == {"jpeg", "fold"}  # fewer names than max: no error


def test_unknown_degradation_is_a_clear_error() -> None:
    with pytest.raises(UnknownDegradationError, match="no_such_thing"):
        degrade(np.ones(SMALL, np.float32), np.random.default_rng(0), only=["no_such_thing"])


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="dpi_range"):
        SynthConfig(dpi_range=(400, 150))
    with pytest.raises(ValueError, match="layouts"):
        SynthConfig(layouts=("poster",))
    with pytest.raises(UnknownDegradationError, match="glitter"):
        SynthConfig(degradations=("fold", "glitter"))
    with pytest.raises(UnknownDegradationError, match="glitter"):
        SynthConfig(weights=(("glitter", 1.0),))
    with pytest.raises(ValueError, match="weights"):
        SynthConfig(weights=(("fold", float("nan")),))
    with pytest.raises(ValueError, match="shading"):
        SynthConfig(shading=1.5)
    with pytest.raises(ValueError, match="display"):
        SynthConfig(display=-0.1)


def _filled_share(layout: str, shading: float, seed: int) -> float:
    """The share of a whole page (75 dpi, so the window holds all of it) that is flat grey: a
    printed fill, not ink, paper or an anti-aliased edge."""
    page = render_clean(
        np.random.default_rng(seed),
        900,
        660,
        layout=layout,
        dpi=75,
        config=SynthConfig(shading=shading),
    ).pixels
    around = np.lib.stride_tricks.sliding_window_view(page, (5, 5))  # each pixel's 5 x 5
    spread = around.max(axis=(2, 3)) - around.min(axis=(2, 3))
    inner = page[2:-2, 2:-2]
    return float(((spread < 0.02) & (inner > 0.6) & (inner < 0.98)).mean())


@pytest.mark.parametrize("layout", ["table", "form"])
def test_shading_adds_printed_grey_fills(layout: str) -> None:
    default = [_filled_share(layout, 0.0, seed) for seed in range(6)]
    shaded = [_filled_share(layout, 1.0, seed) for seed in range(6)]
    # at 1 every table has a shaded header and zebra rows, and every form whose sections are not
    # black bars gets grey ones, and tinted boxes if its fields are boxed
    assert sum(shaded) > 2 * sum(default)
    assert sum(share > 0.01 for share in shaded) >= 4
    assert sum(share > 0.01 for share in shaded) > sum(share > 0.01 for share in default)


def _runs(layout: str, display: float, seed: int) -> tuple[Scene, list[TextOp]]:
    scene = build_page(np.random.default_rng(seed), layout, 150, 8, 8, (8.0, 16.0), 0.0, display)
    return scene, [op for op in scene.ops if isinstance(op, TextOp)]


@pytest.mark.parametrize("layout", ["text", "letter", "form", "table"])
def test_display_sets_titles_in_display_type(layout: str) -> None:
    # by default no run is above 16 pt x 2.6 (the largest letterhead); with display at 1 every
    # page has a title, letterhead or sender at 28-110 pt, so most are above that
    def biggest(display: float, seed: int) -> float:
        scene, runs = _runs(layout, display, seed)
        return max(op.size for op in runs) / scene.pt(1.0)

    assert max(biggest(0.0, seed) for seed in range(8)) <= 16 * 2.6
    assert all(biggest(1.0, seed) >= 28 for seed in range(8))
    assert sum(biggest(1.0, seed) > 16 * 2.6 for seed in range(8)) >= 3


def test_display_sinks_drop_caps_into_text_pages() -> None:
    def drop_caps(display: float, seed: int) -> int:
        _, runs = _runs("text", display, seed)
        body = float(np.median([op.size for op in runs]))
        return sum(len(op.text) == 1 and op.size > 2 * body for op in runs)

    assert sum(drop_caps(0.0, seed) for seed in range(8)) == 0
    assert sum(drop_caps(1.0, seed) > 0 for seed in range(8)) >= 4


# --- every degradation ------------------------------------------------------------------------


def test_every_degradation_has_a_function_and_a_weight_in_physical_order() -> None:
    assert tuple(DEGRADATIONS) == DEGRADATION_NAMES == tuple(mix.WEIGHTS)
    assert all(fn.__name__ == name for name, fn in DEGRADATIONS.items())


@pytest.fixture(scope="module")
def back_page() -> np.ndarray:
    """A clean page for the other side of the sheet, as the random mix draws one."""
    return mix.back_page(np.random.default_rng(8), SMALL)


@pytest.mark.parametrize("name", list(DEGRADATIONS))
def test_degradation_is_pure_seeded_and_changes_the_page(
    name: str, small_page: np.ndarray, back_page: np.ndarray
) -> None:
    fn = DEGRADATIONS[name]
    params = {"back": back_page} if name == "bleed_through" else {}
    before, back_before = small_page.copy(), back_page.copy()
    out = fn(small_page, np.random.default_rng(7), **params)
    assert np.array_equal(small_page, before), "the input page must not be modified"
    assert np.array_equal(back_page, back_before), "nor the back page"
    assert out.shape == SMALL and out.dtype == np.float32
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    assert float(np.abs(out - small_page).max()) > 0.005
    assert np.array_equal(out, fn(small_page, np.random.default_rng(7), **params))


@pytest.mark.parametrize("name", ["coffee_stain", "fold", "faded_ink", "sensor_noise"])
def test_degradation_strength_parameter_orders_the_effect(
    name: str, small_page: np.ndarray
) -> None:
    fn = DEGRADATIONS[name]
    param = {"faded_ink": "keep", "sensor_noise": "sigma"}.get(name, "strength")
    weak, strong = {"faded_ink": (0.9, 0.3), "sensor_noise": (0.005, 0.05)}.get(name, (0.05, 0.5))
    d_weak = np.abs(fn(small_page, np.random.default_rng(2), **{param: weak}) - small_page).mean()
    d_strong = np.abs(
        fn(small_page, np.random.default_rng(2), **{param: strong}) - small_page
    ).mean()
    assert d_strong > d_weak


def test_bleed_through_is_never_darker_than_the_front_ink() -> None:
    """The back was printed with the front's ink and shows through the sheet: behind faded
    front ink (density 0.4) it stays lighter than that ink; behind black ink it can be dark."""
    from docdenoise.synth.degrade.ink import bleed_through

    page = render_clean(np.random.default_rng(5), 128, 128, layout="text", dpi=150).pixels
    paper = page == 1.0
    faded = (1.0 - 0.4 * (1.0 - page)).astype(np.float32)
    for seed in range(4):
        rng = np.random.default_rng(seed)
        back = mix.back_page(rng, page.shape)
        out = bleed_through(faded, rng, back=back, strength=0.7, sigma=0.3)
        assert float(out[paper].min()) >= 1.0 - 0.85 * 0.4 - 1e-5
        assert float(out[paper].min()) < 0.99, "the back still shows"
    rng = np.random.default_rng(0)
    dark = bleed_through(page, rng, back=mix.back_page(rng, page.shape), strength=0.7, sigma=0.3)
    assert float(dark[paper].min()) < 0.5
    with pytest.raises(ValueError, match="back page"):
        bleed_through(page, rng, back=page[:64])


def test_optics_adds_a_mild_blur_to_damaged_pages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """``SynthConfig.optics`` blurs damaged pages a little (listed as ``blur``), never an
    undamaged one, and 0 leaves the random mix exactly as it was."""
    monkeypatch.setattr(mix, "OPTICS_SIGMA", (1.0, 1.0))
    clean = render_clean(np.random.default_rng(3), 96, 96, layout="text", dpi=150).pixels

    def sharpness(page: np.ndarray) -> float:  # mean step between neighbours, per unit contrast
        return float(np.abs(np.diff(page, axis=1)).mean() / (page.max() - page.min()))

    lighting = ("uneven_lighting",)
    for seed in range(3):
        plain, names = degrade(
            clean, np.random.default_rng(seed), config=SynthConfig(degradations=lighting)
        )
        assert names == lighting
        off = SynthConfig(degradations=lighting, optics=0.0)
        assert np.array_equal(plain, degrade(clean, np.random.default_rng(seed), config=off)[0])
        on = SynthConfig(degradations=lighting, optics=1.0)
        soft, names = degrade(clean, np.random.default_rng(seed), config=on)
        assert names == ("uneven_lighting", "blur")
        assert sharpness(soft) < 0.8 * sharpness(plain)
    none = SynthConfig(degradations=lighting, max_degradations=0, optics=1.0)
    untouched, names = degrade(clean, np.random.default_rng(0), config=none)
    assert names == () and np.array_equal(untouched, clean)
    with pytest.raises(ValueError, match="optics"):
        SynthConfig(optics=1.5)


# --- clean pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["form", "letter", "text", "table"])
def test_clean_pages_have_pure_white_paper_and_antialiased_ink(layout: str) -> None:
    page = render_clean(np.random.default_rng(4), 160, 160, layout=layout, dpi=200)
    px = page.pixels
    assert px.dtype == np.float32 and page.layout == layout and page.dpi == 200
    assert float((px == 1.0).mean()) > 0.5, "most paper must be exactly white"
    if float(px.min()) < 0.5:  # the window caught some ink
        assert float(px.min()) < 0.15, "printed ink is near black"
        assert np.any((px > 0.2) & (px < 0.8)), "stroke edges are anti-aliased grey"


def test_full_page_text_is_in_reading_order_with_known_glyphs() -> None:
    page = render_clean(np.random.default_rng(8), 600, 420, layout="letter", dpi=50)
    assert page.text.count("\n") >= 5
    allowed = set(REQUIRED_GLYPHS) | {chr(c) for c in range(32, 127)} | {"\n"}
    assert set(page.text) <= allowed


def test_small_ink_is_found_on_forms_and_lies_inside_the_ink() -> None:
    found = 0
    for seed in range(5):
        page = render_clean(np.random.default_rng(seed), 256, 256, layout="form", dpi=150)
        assert page.small_ink.shape == page.pixels.shape and page.small_ink.dtype == bool
        assert np.all(page.pixels[page.small_ink] < 1.0)
        found += bool(page.small_ink.any())
    assert found >= 4


def test_corpus_characters_are_drawable_by_every_face() -> None:
    text = "".join("".join(entries) for entries in corpus().values())
    extra = {ch for ch in text if ord(ch) > 126 and not unicodedata.category(ch).startswith("Z")}
    assert extra <= set(REQUIRED_GLYPHS)
    families = {face.family for face in available_faces()}
    assert {"serif", "sans", "mono"} <= families


def test_missing_fonts_raise_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DOCDENOISE_FONT_DIRS", str(tmp_path))
    assert font_dirs() == (tmp_path,)
    with pytest.raises(FontsNotFoundError, match="DOCDENOISE_FONT_DIRS"):
        available_faces()


# --- command line and import hygiene ----------------------------------------------------------


def test_cli_writes_pairs_json_and_contact_sheet(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs"
    code = synth_cli.main(["--count", "3", "--out", str(out), "--seed", "40", "--size", "64x96"])
    assert code == 0
    assert "wrote 3 pairs" in capsys.readouterr().out
    records = json.loads((out / "pairs.json").read_text("utf-8"))["pairs"]
    assert [r["seed"] for r in records] == [40, 41, 42]
    assert {"degradations", "dpi", "layout"} <= set(records[0])
    for r in records:
        assert _png(out / r["noisy"])[:2] == ((96, 64), "L")
        assert _png(out / r["clean"])[:2] == ((96, 64), "L")
    assert _png(out / "contact_sheet.png")[0][0] > 200
    clean = _png(out / "00000_clean.png")[2]
    assert np.array_equal(clean, np.round(make_pair(40, 64, 96).clean * 255).astype(np.uint8))


def test_cli_only_and_bad_names(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "only"
    assert (
        synth_cli.main(
            ["--count", "2", "--out", str(out), "--size", "48x48", "--only", "jpeg,fold"]
        )
        == 0
    )
    records = json.loads((out / "pairs.json").read_text("utf-8"))["pairs"]
    assert all(r["degradations"] == ["fold", "jpeg"] for r in records)
    assert synth_cli.main(["--count", "1", "--out", str(out), "--only", "nope"]) == 2
    assert "unknown degradation 'nope'" in capsys.readouterr().err
    assert synth_cli.main(["--count", "1", "--out", str(out), "--shading", "2"]) == 2
    assert "--shading" in capsys.readouterr().err
    assert synth_cli.main(["--count", "1", "--out", str(out), "--display", "-1"]) == 2
    assert "--display" in capsys.readouterr().err


def test_synth_imports_neither_torch_nor_qt() -> None:
    code = (
        "import sys, docdenoise.synth, docdenoise.synth.cli; "
        "print('torch' in sys.modules, 'PySide6' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
