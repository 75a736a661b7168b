"""Korean, Japanese and Chinese synthetic pages (skipped where no CJK font is installed)."""

from __future__ import annotations

import numpy as np
import pytest

from docdenoise.synth import SynthConfig, make_pair_with_page, render_clean
from docdenoise.synth.config import PAGE_KINDS
from docdenoise.synth.fonts import CjkFontsNotFoundError, cjk_faces, load_font
from docdenoise.synth.layouts.common import line_units
from docdenoise.synth.text import drawn_characters


def _has_fonts(script: str) -> bool:
    try:
        return bool(cjk_faces(script))
    except CjkFontsNotFoundError:
        return False


def needs_fonts(script: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not _has_fonts(script),
        reason=f"no font draws {script} text (Debian: apt-get install fonts-noto-cjk fonts-nanum)",
    )


def hangul(text: str) -> int:
    return sum("\uac00" <= ch <= "\ud7a3" for ch in text)


@needs_fonts("ko")
def test_korean_form_has_hangul_and_ink_and_is_reproducible() -> None:
    page = render_clean(np.random.default_rng(2), 640, 640, layout="form.ko", dpi=150)
    assert page.layout == "form.ko" and page.pixels.shape == (640, 640)
    assert hangul(page.text) >= 20, page.text
    ink = page.pixels < 0.5
    assert 0.01 < float(ink.mean()) < 0.5 and float(page.pixels.min()) < 0.15
    again = render_clean(np.random.default_rng(2), 640, 640, layout="form.ko", dpi=150)
    assert np.array_equal(page.pixels, again.pixels) and page.text == again.text
    other = render_clean(np.random.default_rng(3), 640, 640, layout="form.ko", dpi=150)
    assert not np.array_equal(page.pixels, other.pixels)


@needs_fonts("ko")
def test_korean_forms_mark_small_ink_inside_the_ink() -> None:
    found = 0
    for seed in range(3):
        page = render_clean(np.random.default_rng(seed), 256, 256, layout="form.ko", dpi=150)
        assert np.all(page.pixels[page.small_ink] < 1.0)
        found += bool(page.small_ink.any())
    assert found >= 2


@pytest.mark.parametrize(
    "layout", ["letter.ko", "table.ko", "text.ko", "form.ja", "table.ja", "letter.zh", "text.zh"]
)
def test_cjk_pages_hold_only_characters_their_fonts_draw(layout: str) -> None:
    script = layout.split(".")[1]
    if not _has_fonts(script):
        pytest.skip(f"no font draws {script} text")
    page = render_clean(np.random.default_rng(2), 600, 420, layout=layout, dpi=60)
    assert page.text.count("\n") >= 3
    assert set(page.text) - {" ", "\n"} <= drawn_characters(script)
    if script == "ko":
        assert hangul(page.text) > 0


@needs_fonts("ko")
def test_scripts_option_adds_cjk_variants_of_each_layout() -> None:
    assert SynthConfig().layouts == PAGE_KINDS  # Latin only unless asked
    mixed = SynthConfig(layouts=("form", "letter"), scripts=("latin", "ko"))
    assert mixed.layouts == ("form", "form.ko", "letter", "letter.ko")
    rebuilt = SynthConfig(layouts=mixed.layouts, scripts=mixed.scripts)
    assert rebuilt == mixed
    with pytest.raises(ValueError, match="scripts"):
        SynthConfig(scripts=("klingon",))
    config = SynthConfig(layouts=("form",), scripts=("ko",), max_degradations=2)
    pair, page = make_pair_with_page(7, 128, 160, config=config)
    assert page.layout == "form.ko" and pair.noisy.shape == (128, 160)
    assert np.array_equal(pair.clean, make_pair_with_page(7, 128, 160, config=config)[1].pixels)


def test_japanese_and_chinese_lines_break_between_characters() -> None:
    units, joiner = line_units("第三条（目的）本契約は、A4用紙 500枚とする。", "ja")
    assert joiner == "" and "".join(units) == "第三条（目的）本契約は、A4用紙 500枚とする。"
    assert "（目" in units and "は、" in units and "A4" in units and "500" in units
    assert all(u[0] not in "。、）" for u in units)
    assert line_units("주소 서울특별시 종로구", "ko") == (["주소", "서울특별시", "종로구"], " ")


@needs_fonts("ko")
def test_collection_faces_load_by_index() -> None:
    collections = [f for f in cjk_faces("ko") if "#" in f.path]
    if not collections:
        pytest.skip("no .ttc collection installed")
    face = collections[0]
    assert "KR" in load_font(face.path, 20).getname()[0]
