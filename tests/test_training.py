"""Training: config parsing, loss, overfitting a fixed batch, smoke train + export + resume."""

from __future__ import annotations

import importlib
import itertools
import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from docdenoise.errors import UsageError
from docdenoise.model import DenoiseNet, ModelConfig
from docdenoise.training import data as data_mod
from docdenoise.training import loop as loop_mod
from docdenoise.training.average import main as average_main
from docdenoise.training.checkpoint import BEST, KEPT, LAST, kept_steps, load_checkpoint
from docdenoise.training.cli import main
from docdenoise.training.config import (
    CONFIG_DIR,
    DataConfig,
    LossConfig,
    OptimConfig,
    TeacherConfig,
    bundled_configs,
    config_from_dict,
    load_config,
)
from docdenoise.training.export import main as export_main
from docdenoise.training.loop import lr_at
from docdenoise.training.loss import denoise_loss, ink_mask, thin_ink
from docdenoise.weights import load_weights, save_weights, sha256_of

SMOKE = CONFIG_DIR / "smoke.toml"


def _has_real_synth() -> bool:
    try:
        return hasattr(importlib.import_module("docdenoise.synth"), "make_pair")
    except ImportError:
        return False


def fake_pair(
    seed: int, size: int, synth: object = None
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Stand-in for the synth (tests only): white page, dark blocks, grey speckled paper."""
    rng = np.random.default_rng(seed)
    clean = np.ones((size, size), np.float32)
    for _ in range(6):
        top, left = rng.integers(0, size - 8, 2)
        h, w = rng.integers(1, 8, 2)
        clean[top : top + h, left : left + w] = 0.0
    noisy = np.clip(clean * 0.7 + 0.15 + rng.normal(0, 0.08, clean.shape), 0, 1)
    kind = ("speckle",) if seed % 2 else ("speckle", "stain")
    return data_mod.to_uint8(noisy), data_mod.to_uint8(clean), kind


# -- config -------------------------------------------------------------------------------------


def test_the_package_holds_the_shipped_recipes_and_smoke() -> None:
    """Exactly three recipes, loaded by bare name as package data (so also from a wheel); a
    path still works. Experiments keep theirs in the checkout's experiments/configs/."""
    assert bundled_configs() == ["fast", "quality", "smoke"]
    assert sorted(item.name for item in CONFIG_DIR.iterdir()) == [
        "fast.toml",
        "quality.toml",
        "smoke.toml",
    ]
    for name in bundled_configs():
        assert load_config(name).name == name
    assert load_config("smoke").optim.steps < 20
    assert load_config(str(SMOKE)) == load_config("smoke")
    with pytest.raises(UsageError, match="fast, quality, smoke"):
        load_config("no-such-recipe")


@pytest.mark.parametrize("name", ["fast", "quality"])
def test_a_recipe_is_the_one_its_shipped_model_card_records(name: str) -> None:
    """``fast.toml`` and ``quality.toml`` train what the cards say their weights were trained
    with (the card's run wrote its weights elsewhere: only the export path differs)."""
    from docdenoise.assets import assets_dir

    card = json.loads((assets_dir() / f"docdenoise-{name}.json").read_text(encoding="utf-8"))
    recorded = config_from_dict(card["training_config"], name)
    recipe = load_config(name)
    assert recipe.name == name and recipe.export.name == name
    assert replace(recipe, export=recorded.export) == recorded


@pytest.mark.parametrize(
    "data",
    [
        {"nmae": "typo"},
        {"optim": {"step": 10}},
        {"model": {"chanels": [8, 8, 8]}},
        {"optim": {"steps": "10"}},
        {"data": {"flips": 1}},
        {"data": {"patch": 100}},
        {"validation": {"seed": 5}},
        {"run": {"amp": "fp8"}},
        {"data": {"scripts": ["klingon"]}},
        {"data": {"layouts": "form"}},
        {"data": {"layouts": ["form", 3]}},
        {"data": {"layouts": ["poster"]}},
        {"data": {"degradation_weights": {"glitter": 2.0}}},
        {"data": {"degradation_weights": {"blur": -1.0}}},
        {"data": {"degradation_weights": {"blur": "high"}}},
        {"data": {"degradation_weights": ["blur"]}},
        {"data": {"shading": 1.5}},
        {"data": {"display": 2.0}},
        {"data": {"optics": -0.1}},
        {"data": {"max_degradations": -1}},
        {"teacher": {"share": 1.5}},
        {"teacher": {"passes": 3}},
        {"teacher": {"model": "quality"}},
    ],
)
def test_config_rejects_unknown_keys_and_bad_values(data: dict) -> None:
    with pytest.raises(UsageError):
        config_from_dict(data)


def test_data_scripts_reach_the_page_generator() -> None:
    config = config_from_dict({"data": {"layouts": ["form", "letter.ko"], "scripts": ["latin"]}})
    assert config.data.synth().layouts == ("form", "letter.ko")
    korean = config_from_dict({"data": {"layouts": ["form"], "scripts": ["ko"]}})
    assert korean.data.synth().layouts == ("form.ko",)
    cjk = load_config("fast").data.synth()
    assert {layout.partition(".")[2] for layout in cjk.layouts} == {"", "ko", "ja", "zh"}


def test_degradation_weights_reach_the_page_generator(tmp_path: Path) -> None:
    path = tmp_path / "weights.toml"
    path.write_text("[data.degradation_weights]\nfaded_ink = 3\nblur = 2.5\n")
    config = load_config(path)
    assert config.data.synth().weights == (("blur", 2.5), ("faded_ink", 3.0))
    assert config_from_dict(config.to_dict()) == config  # the checkpoint's copy reads back
    assert config_from_dict({}).data.synth().weights == ()


def test_shading_reaches_the_page_generator() -> None:
    config = config_from_dict({"data": {"shading": 0.5}})
    assert config.data.synth().shading == 0.5
    assert config_from_dict(config.to_dict()) == config
    assert config_from_dict({}).data.synth().shading == 0.0


def test_display_reaches_the_page_generator() -> None:
    config = config_from_dict({"data": {"display": 0.3}})
    assert config.data.synth().display == 0.3
    assert config_from_dict(config.to_dict()) == config
    assert config_from_dict({}).data.synth().display == 0.0


def test_optics_reaches_the_page_generator() -> None:
    config = config_from_dict({"data": {"optics": 0.6}})
    assert config.data.synth().optics == 0.6
    assert config_from_dict(config.to_dict()) == config
    assert config_from_dict({}).data.synth().optics == 0.0


def test_max_degradations_reaches_the_page_generator() -> None:
    config = config_from_dict({"data": {"max_degradations": 1}})
    assert config.data.synth().max_degradations == 1
    assert config_from_dict(config.to_dict()) == config
    assert config_from_dict({}).data.synth().max_degradations == 5


def test_config_error_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[optim]\nlearning_rate = 0.1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="learning_rate"):
        load_config(path)


@pytest.mark.parametrize("turns", [False, True])
def test_pool_crops_are_flipped_and_with_turns_laid_on_their_side(turns: bool) -> None:
    """Whole-window crops of one pair: the four mirror images, and with ``turns`` their
    transposes too; noisy and clean always get the same one."""
    window = 8
    noisy = np.arange(window * window, dtype=np.uint8).reshape(window, window)
    clean = 255 - noisy
    config = DataConfig(window=window, patch=window, pool_size=1, turns=turns)
    pool = data_mod.PairPool(config, torch.Generator().manual_seed(3))
    pool.add((1, noisy, clean, ()))
    x, y = pool.sample(64)
    views = {tuple(v.flatten().tolist()) for v in (x[:, 0] * 255).round().to(torch.uint8)}
    assert torch.allclose(y, 1 - x, atol=1e-6)
    mirrors = [noisy, noisy[::-1], noisy[:, ::-1], noisy[::-1, ::-1]]
    expected = mirrors + [m.T for m in mirrors] if turns else mirrors
    assert views == {tuple(v.flatten().tolist()) for v in expected}


def test_teacher_target_mixes_the_teachers_page_into_the_clean_one(
    random_model_path: Path,
) -> None:
    """A pair's stored target is ``(1 - share) * clean + share * teacher``, the teacher being
    the app's own inference on the noisy window; the noisy page is stored as it came."""
    from docdenoise.inference import Denoiser

    assert data_mod.teacher_target(TeacherConfig(), "cpu") is None  # no weights: no teacher
    noisy, clean, _ = fake_pair(5, 64)
    taught = Denoiser(random_model_path, device="cpu", keep_ink=False).denoise(
        noisy, dtype=np.float32
    )
    assert np.abs(taught - clean / 255).mean() > 0.05  # far from clean, so the mix shows
    target = data_mod.teacher_target(TeacherConfig(str(random_model_path), share=0.25), "cpu")
    assert target is not None
    config = DataConfig(window=64, patch=64, pool_size=2, flips=False)
    pool = data_mod.PairPool(config, torch.Generator().manual_seed(0), target=target)
    pool.add((5, noisy, clean, ()))
    expected = 0.75 * clean.astype(np.float32) / 255 + 0.25 * taught
    assert np.abs(pool.clean[0] / 255 - expected).max() <= 0.5 / 255 + 1e-6
    assert np.array_equal(pool.noisy[0], noisy)
    whole = data_mod.teacher_target(TeacherConfig(str(random_model_path), share=1.0), "cpu")
    assert whole is not None
    assert np.array_equal(whole(noisy, clean), data_mod.to_uint8(taught))


def test_lr_schedule_warms_up_then_decays() -> None:
    optim = OptimConfig(steps=100, lr=1.0, warmup_steps=10, final_lr_fraction=0.1)
    lrs = [lr_at(s, optim) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(lrs[9:]))
    assert lr_at(100, optim) == pytest.approx(0.1)


# -- loss ---------------------------------------------------------------------------------------


def test_ink_mask_dilates_small_marks() -> None:
    target = torch.ones(1, 1, 9, 9)
    target[0, 0, 4, 4] = 0.0  # a full stop
    assert ink_mask(target, 0.5, 1).sum() == 9
    assert ink_mask(target, 0.5, 0).sum() == 1


def test_erasing_a_mark_costs_more_than_grey_on_paper() -> None:
    target = torch.ones(1, 1, 16, 16)
    target[0, 0, 8, 8] = 0.0
    good = torch.where(target > 0.5, 6.0, -6.0)
    erased = good.clone()
    erased[0, 0, 8, 8] = 6.0  # the full stop predicted as white paper
    grey = good.clone()
    grey[0, 0, 2, 2] = -6.0  # one paper pixel predicted as ink
    config = LossConfig()
    base = denoise_loss(good, target, config).total
    assert denoise_loss(erased, target, config).total - base > 2 * (
        denoise_loss(grey, target, config).total - base
    )


def test_thinning_penalty_is_one_sided_and_only_on_ink() -> None:
    """Ink predicted lighter than its target costs; ink predicted darker, and paper, do not."""
    target = torch.ones(1, 1, 8, 8)
    target[0, 0, 2:6, 3] = 0.3  # a thin anti-aliased stroke
    exact = torch.logit(target.clamp(1e-4, 1 - 1e-4))
    lighter = exact.clone()
    lighter[0, 0, 2:6, 3] = 0.0  # the stroke predicted at 0.5: thinned
    darker = exact.clone()
    darker[0, 0, 2:6, 3] = -3.0  # the stroke predicted bolder than it was
    paper = exact.clone()
    paper[0, 0, 0, 0] = -3.0  # a speck left on paper
    on, off = LossConfig(thinning=3.0), LossConfig()
    assert denoise_loss(lighter, target, on).thinning == pytest.approx(0.2 * 4 / 64, rel=1e-5)
    assert denoise_loss(darker, target, on).thinning == 0.0
    assert denoise_loss(paper, target, on).thinning == 0.0
    gap = denoise_loss(lighter, target, on).total - denoise_loss(lighter, target, off).total
    assert float(gap) == pytest.approx(3.0 * 0.2 * 4 / 64, rel=1e-5)
    assert denoise_loss(darker, target, on).total == denoise_loss(darker, target, off).total


def test_stray_ink_penalty_is_one_sided_and_only_away_from_ink() -> None:
    """Paper predicted darker than it was costs, away from ink; the ring beside a stroke, the
    stroke itself and paper predicted lighter do not."""
    target = torch.ones(1, 1, 8, 8)
    target[0, 0, 2:6, 3] = 0.3  # a thin stroke; the dilated mask covers columns 2..4
    exact = torch.logit(target.clamp(1e-4, 1 - 1e-4))
    speck = exact.clone()
    speck[0, 0, 0, 7] = 0.0  # a stray grey speck (0.5) far from the stroke
    ring = exact.clone()
    ring[0, 0, 3, 4] = 0.0  # the stroke drawn a pixel bolder
    bold = exact.clone()
    bold[0, 0, 2:6, 3] = -3.0  # the stroke itself darker
    on, off = LossConfig(stray_ink=2.0), LossConfig()
    base = denoise_loss(exact, target, on).stray_ink  # paper at 1 - 1e-4 (clamped logits)
    assert base < 2e-4
    expected = base + (1.0 - 0.5) / 64
    assert denoise_loss(speck, target, on).stray_ink == pytest.approx(expected, rel=1e-3)
    assert denoise_loss(ring, target, on).stray_ink == pytest.approx(base)
    assert denoise_loss(bold, target, on).stray_ink == pytest.approx(base)
    gap = denoise_loss(speck, target, on).total - denoise_loss(speck, target, off).total
    assert float(gap) == pytest.approx(2.0 * expected, rel=1e-3)
    assert denoise_loss(speck, target, off).stray_ink == 0.0


def test_thin_ink_is_the_strokes_an_opening_removes() -> None:
    """A 1 px line and a 2 px line are thin from end to end; a 5 px bar is not, edges included,
    nor is a wide stroke that runs off the crop's edge."""
    core = torch.zeros(1, 1, 16, 16)
    core[0, 0, 2:12, 1] = 1.0  # 1 px wide
    core[0, 0, 2:12, 4:6] = 1.0  # 2 px wide
    core[0, 0, 2:12, 8:13] = 1.0  # 5 px wide
    core[0, 0, 14:, 0:16] = 1.0  # 2 px tall here, but cut by the crop's bottom edge
    thin = thin_ink(core)
    assert bool((thin[0, 0, 2:12, 1] == 1).all()) and bool((thin[0, 0, 2:12, 4:6] == 1).all())
    assert float(thin[0, 0, :, 8:13][core[0, 0, :, 8:13] == 1].sum()) == 0.0
    assert float(thin[0, 0, 14:].sum()) == 0.0
    assert float(thin[core == 0].sum()) == 0.0


def test_thin_stroke_penalty_is_one_sided_and_only_on_thin_ink() -> None:
    """A thin stroke predicted lighter costs; a wide one predicted lighter, a thin one predicted
    darker, and paper do not."""
    target = torch.ones(1, 1, 16, 16)
    target[0, 0, 2:12, 3] = 0.3  # a 1 px pen line
    target[0, 0, 2:12, 8:13] = 0.1  # a 5 px stroke
    exact = torch.logit(target.clamp(1e-4, 1 - 1e-4))
    thin_light = exact.clone()
    thin_light[0, 0, 2:12, 3] = 0.0  # the line at 0.5: thinned
    wide_light = exact.clone()
    wide_light[0, 0, 2:12, 8:13] = 0.0
    thin_dark = exact.clone()
    thin_dark[0, 0, 2:12, 3] = -3.0
    on, off = LossConfig(thin_strokes=4.0), LossConfig()
    expected = 0.2 * 10 / 256
    assert denoise_loss(thin_light, target, on).thin_strokes == pytest.approx(expected, rel=1e-5)
    assert denoise_loss(wide_light, target, on).thin_strokes == 0.0
    assert denoise_loss(thin_dark, target, on).thin_strokes == 0.0
    gap = denoise_loss(thin_light, target, on).total - denoise_loss(thin_light, target, off).total
    assert float(gap) == pytest.approx(4.0 * expected, rel=1e-5)
    assert denoise_loss(thin_light, target, off).thin_strokes == 0.0


def _fixed_batch() -> tuple[torch.Tensor, torch.Tensor]:
    pairs = [fake_pair(seed, 64) for seed in range(4)]
    noisy = np.stack([p[0] for p in pairs])[:, None].astype(np.float32) / 255
    clean = np.stack([p[1] for p in pairs])[:, None].astype(np.float32) / 255
    return torch.from_numpy(noisy), torch.from_numpy(clean)


def test_loss_decreases_when_overfitting_a_fixed_batch() -> None:
    torch.manual_seed(0)
    model = DenoiseNet(ModelConfig(channels=(8, 16, 16)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    x, y = _fixed_batch()
    losses = []
    for _ in range(30):
        loss = denoise_loss(model.logits(x), y, LossConfig()).total
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0], losses


# -- data ---------------------------------------------------------------------------------------


def test_validation_set_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting(seed: int, size: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        calls.append(seed)
        return fake_pair(seed, size)

    monkeypatch.setattr(data_mod, "generate_pair", counting)
    config = load_config(SMOKE).validation
    first = data_mod.load_validation(tmp_path / "val.npz", config)
    again = data_mod.load_validation(tmp_path / "val.npz", config)
    assert len(calls) == config.pairs
    assert np.array_equal(first.noisy, again.noisy) and first.degradations == again.degradations
    assert first.seeds[0] == config.seed


# -- end to end ---------------------------------------------------------------------------------


def test_resume_continues_the_step_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_mod, "generate_pair", fake_pair)
    config = tmp_path / "inline.toml"
    config.write_text(SMOKE.read_text().replace("workers = 1", "workers = 0"), encoding="utf-8")
    run = tmp_path / "run"
    common = ["--config", str(config), "--out", str(run), "--no-export"]
    assert main(common) == 0
    first = load_checkpoint(run / LAST)
    assert first["step"] == 6
    assert main(common) != 0  # refuses to overwrite a run without --resume
    assert main([*common, "--resume", "--steps", "9"]) == 0
    second = load_checkpoint(run / LAST)
    assert second["step"] == 9
    assert second["next_seed"] > first["next_seed"]  # resumed runs see fresh pages
    assert [h["step"] for h in second["history"]] == [3, 6, 9]
    assert len(second["commands"]) == 2 and "--resume" in second["commands"][1]


def test_a_run_with_a_teacher_trains_on_its_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, random_model_path: Path
) -> None:
    """End to end: every pair that enters the pool goes through the teacher, the run's saved
    config names it, and its card gives the teacher's sha256."""
    monkeypatch.setattr(data_mod, "generate_pair", fake_pair)
    taught: list[tuple[int, int]] = []
    make = data_mod.teacher_target

    def counting(config: TeacherConfig, device: str) -> data_mod.Target | None:
        inner = make(config, device)
        assert inner is not None

        def target(noisy: np.ndarray, clean: np.ndarray) -> np.ndarray:
            taught.append(noisy.shape)
            return inner(noisy, clean)

        return target

    monkeypatch.setattr(loop_mod, "teacher_target", counting)
    config = tmp_path / "taught.toml"
    text = SMOKE.read_text().replace("workers = 1", "workers = 0")
    config.write_text(f"{text}\n[teacher]\nweights = '{random_model_path}'\nshare = 0.5\n")
    run = tmp_path / "run"
    assert main(["--config", str(config), "--out", str(run), "--no-export"]) == 0
    assert len(taught) >= 2 and set(taught) == {(96, 96)}  # min_pool pairs and fresh ones
    saved = load_checkpoint(run / LAST)["config"]["teacher"]
    assert saved == {"weights": str(random_model_path), "share": 0.5, "passes": 1}
    weights = tmp_path / "taught.safetensors"
    assert export_main(["--run", str(run), "--out", str(weights)]) == 0
    card = load_weights(weights)[1]
    assert card["sources"] == {"teacher": sha256_of(random_model_path)}


@pytest.mark.skipif(not _has_real_synth(), reason="docdenoise.synth.make_pair not there yet")
def test_smoke_train_exports_weights_the_denoiser_runs(tmp_path: Path) -> None:
    from docdenoise.inference import Denoiser

    run, weights = tmp_path / "run", tmp_path / "smoke.safetensors"
    assert main(["--config", str(SMOKE), "--out", str(run), "--export", str(weights)]) == 0
    model, card = load_weights(weights)
    assert card["name"] == "smoke" and card["steps"] >= 3 and card["data_seed"] == 7
    assert math.isfinite(card["metrics"]["val_rmse"]) and card["parameters"] > 0
    assert "docdenoise-train --config" in card["command"]
    page = (np.random.default_rng(0).random((50, 70)) * 255).astype(np.uint8)
    out = Denoiser(model, device="cpu").denoise(page)
    assert out.shape == page.shape and out.dtype == np.uint8

    again = tmp_path / "again.safetensors"
    assert export_main(["--run", str(run), "--out", str(again)]) == 0
    card2 = json.loads(again.with_suffix(".json").read_text(encoding="utf-8"))
    assert card2["steps"] == card["steps"]
    exported_again = load_weights(again)[0].state_dict()  # the same best weights (the files'
    for key, value in model.state_dict().items():  # bytes may differ: metadata order varies)
        assert torch.equal(value, exported_again[key]), key
    assert (run / BEST).is_file() and (run / "val.npz").is_file()


def test_warm_start_grows_a_model_that_computes_the_same(tmp_path: Path) -> None:
    """input_skip adds input channels to dec1a; seeded from a model without it, the grown
    network starts exactly where the source was."""
    import torch

    from docdenoise.model import DenoiseNet, ModelConfig
    from docdenoise.training.warm_start import warm_start

    torch.manual_seed(0)
    source = DenoiseNet(ModelConfig(channels=(8, 8, 16))).eval()
    grown = DenoiseNet(ModelConfig(channels=(8, 8, 16), input_skip=True)).eval()
    warm_start(grown, source)
    x = torch.rand(1, 1, 48, 40)
    with torch.no_grad():
        assert torch.equal(source(x), grown(x))
    assert grown.dec1a.weight.shape[1] == source.dec1a.weight.shape[1] + 4


@pytest.mark.parametrize("skip", [False, True])
def test_warm_start_into_wider_and_deeper_computes_the_same(skip: bool) -> None:
    """Wider at every scale and with more bottleneck blocks (the quality model grown from the
    fast one): the same output at first, and every new weight still learns."""
    from docdenoise.model import DenoiseNet, ModelConfig
    from docdenoise.training.warm_start import channel_groups, warm_start

    torch.manual_seed(1)
    small = ModelConfig(channels=(4, 8, 8), bottleneck_blocks=1, input_skip=True)
    big = ModelConfig(channels=(8, 12, 16), bottleneck_blocks=3, input_skip=True)
    source = DenoiseNet(small if skip else ModelConfig(channels=(4, 8, 8))).eval()
    for _ in range(3):  # trained-looking source weights, biases included
        for p in source.parameters():
            p.data.normal_(0, 0.3)
    grown = DenoiseNet(big).eval()
    warm_start(grown, source)
    x = torch.rand(2, 1, 64, 48)
    with torch.no_grad():
        assert torch.allclose(source(x), grown(x), atol=1e-6)
    for name, (cin, cout) in channel_groups(big).items():  # the layout is the real one
        assert grown.get_submodule(name).weight.shape[:2] == (sum(cout), sum(cin)), name

    grown.train()
    ((grown(x) - 0.5) ** 2).mean().backward()
    new_block_out = grown.get_submodule("bottleneck.2.2").weight
    assert new_block_out.grad is not None and new_block_out.grad.abs().sum() > 0
    wide_cols = grown.dec1b.weight.grad[:, 4:]  # dec1b's inputs from the new channels
    assert wide_cols.abs().sum() > 0


def test_warm_start_adds_a_context_level_that_computes_the_same() -> None:
    """A 1/16 context level grown onto a trained network adds nothing at first, and learns."""
    from docdenoise.model import DenoiseNet, ModelConfig
    from docdenoise.training.warm_start import warm_start

    torch.manual_seed(2)
    source = DenoiseNet(ModelConfig(channels=(4, 8, 8), bottleneck_blocks=1)).eval()
    for p in source.parameters():
        p.data.normal_(0, 0.3)
    config = ModelConfig(channels=(4, 8, 8), bottleneck_blocks=1, context_channels=12)
    grown = DenoiseNet(config).eval()
    warm_start(grown, source)
    x = torch.rand(2, 1, 64, 48)
    with torch.no_grad():
        assert torch.equal(source(x), grown(x))
    grown.train()
    ((grown(x) - 0.5) ** 2).mean().backward()
    up = grown.context_up.weight
    assert up.grad is not None and up.grad.abs().sum() > 0


def test_warm_start_refuses_to_shrink() -> None:
    from docdenoise.errors import UsageError
    from docdenoise.model import DenoiseNet, ModelConfig
    from docdenoise.training.warm_start import warm_start

    big = DenoiseNet(ModelConfig(channels=(8, 8, 16), bottleneck_blocks=2))
    with pytest.raises(UsageError, match="cannot grow"):
        warm_start(DenoiseNet(ModelConfig(channels=(8, 4, 16), bottleneck_blocks=2)), big)
    with pytest.raises(UsageError, match="fewer bottleneck blocks"):
        warm_start(DenoiseNet(ModelConfig(channels=(8, 8, 16), bottleneck_blocks=1)), big)


def test_mean_state_is_the_element_wise_mean() -> None:
    from docdenoise.training.average import mean_state

    a = {"w": torch.tensor([1.0, 2.0]), "b": torch.tensor([0.0])}
    b = {"w": torch.tensor([3.0, 6.0]), "b": torch.tensor([1.0])}
    mean = mean_state([a, b])
    assert torch.equal(mean["w"], torch.tensor([2.0, 4.0])) and torch.equal(
        mean["b"], torch.tensor([0.5])
    )
    with pytest.raises(ValueError):
        mean_state([a, {"w": a["w"]}])


def test_kept_checkpoints_average_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[run] keep_from keeps each checkpoint's weights; training.average writes their mean,
    scored on the run's validation set, and export --checkpoint averaged.pt ships it."""
    from docdenoise.training.average import AVERAGED

    monkeypatch.setattr(data_mod, "generate_pair", fake_pair)
    text = SMOKE.read_text().replace("workers = 1", "workers = 0")
    text = text.replace("steps = 6", "steps = 9").replace("[run]\n", "[run]\nkeep_from = 3\n")
    config = tmp_path / "keep.toml"
    config.write_text(text, encoding="utf-8")
    run = tmp_path / "run"
    assert main(["--config", str(config), "--out", str(run), "--no-export"]) == 0
    kept = kept_steps(run)
    assert list(kept) == [3, 6, 9]
    assert average_main(["--run", str(run), "--from-step", "20"]) != 0  # nothing to average
    assert average_main(["--run", str(run), "--from-step", "6"]) == 0
    averaged = load_checkpoint(run / AVERAGED)
    assert averaged["averaged_steps"] == [6, 9] and math.isfinite(averaged["metrics"]["rmse"])
    six, nine = (load_checkpoint(kept[s])["model"] for s in (6, 9))
    for key, value in averaged["model"].items():
        torch.testing.assert_close(value, (six[key] + nine[key]) / 2)
    assert "docdenoise.training.average" in averaged["commands"][-1]
    weights = tmp_path / "averaged.safetensors"
    assert export_main(["--run", str(run), "--out", str(weights), "--checkpoint", AVERAGED]) == 0
    model, card = load_weights(weights)
    assert card["averaged_steps"] == [6, 9] and card["steps"] == 9
    # the card alone says how its file was made: training, averaging, then this export
    assert "docdenoise.training.average" in card["commands"][-2]
    assert "docdenoise.training.export" in card["commands"][-1]
    assert str(weights) in card["commands"][-1] and AVERAGED in card["commands"][-1]
    for key, value in model.state_dict().items():
        assert torch.equal(value, averaged["model"][key]), key
    assert card["name"] == "smoke"  # the run's export.name, unless --name ships it as another
    renamed = tmp_path / "renamed.safetensors"
    argv = ["--run", str(run), "--out", str(renamed), "--checkpoint", AVERAGED, "--name", "quality"]
    assert export_main(argv) == 0
    assert load_weights(renamed)[1]["name"] == "quality"
    # last.pt and kept weights carry no validation: export scores them on the run's own set
    for checkpoint, step in (("last.pt", 9), (f"{KEPT}/{kept[6].name}", 6)):
        out = tmp_path / f"step{step}.safetensors"
        assert export_main(["--run", str(run), "--out", str(out), "--checkpoint", checkpoint]) == 0
        model, card = load_weights(out)
        assert card["steps"] == step and math.isfinite(card["metrics"]["val_rmse"])
        source = load_checkpoint(run / checkpoint)["model"]
        for key, value in model.state_dict().items():
            assert torch.equal(value, source[key]), key
    # WiSE-FT: best.pt blended with other weights of the same network (here the step-6 export)
    from docdenoise.training.average import BLENDED

    base = tmp_path / "step6.safetensors"
    blend = ["--run", str(run), "--blend-with", str(base), "--share"]
    assert average_main([*blend, "1.5"]) != 0  # a share outside 0..1
    other = tmp_path / "other.safetensors"
    save_weights(DenoiseNet(ModelConfig(channels=(4, 8, 8))), other)
    assert average_main(["--run", str(run), "--blend-with", str(other), "--share", "0.5"]) != 0
    assert not (run / BLENDED).exists()
    assert average_main([*blend, "0.5", "--checkpoint", LAST]) == 0
    last = load_checkpoint(run / LAST)["model"]
    for key, value in load_checkpoint(run / BLENDED)["model"].items():
        torch.testing.assert_close(value, 0.5 * six[key] + 0.5 * last[key])
    assert average_main([*blend, "0.25"]) == 0  # best.pt by default
    blended = load_checkpoint(run / BLENDED)
    best = load_checkpoint(run / BEST)["model"]
    for key, value in blended["model"].items():
        torch.testing.assert_close(value, 0.75 * six[key] + 0.25 * best[key])
    assert math.isfinite(blended["metrics"]["rmse"])
    out = tmp_path / "blended.safetensors"
    assert export_main(["--run", str(run), "--out", str(out), "--checkpoint", BLENDED]) == 0
    _model, card = load_weights(out)
    assert card["blended_with"]["share_of_tuned"] == 0.25
    assert card["blended_with"]["sha256"] == sha256_of(base)
    # the base was exported from kept weights of the same run: its card has the whole chain
    assert card["blended_with"]["commands"] == load_weights(base)[1]["commands"]
    assert "docdenoise.training.export" in card["blended_with"]["commands"][-1]
    assert "--blend-with" in card["commands"][-2] and BLENDED in card["commands"][-1]
    # a blend of the checkpoint mean keeps the averaging in its history, and needs no last.pt
    # (a run trained elsewhere may come back with only its mean)
    (run / LAST).unlink()
    assert average_main([*blend, "0.5", "--checkpoint", AVERAGED]) == 0
    blended = load_checkpoint(run / BLENDED)
    for key, value in blended["model"].items():
        torch.testing.assert_close(value, 0.5 * six[key] + 0.5 * averaged["model"][key])
    commands = blended["commands"]
    assert "--from-step" in commands[-2] and "--blend-with" in commands[-1], commands
    # a blend with a blend (a soup) keeps how the base's own base was made
    assert average_main(["--run", str(run), "--blend-with", str(out), "--share", "0.5"]) == 0
    soup = tmp_path / "soup.safetensors"
    assert export_main(["--run", str(run), "--out", str(soup), "--checkpoint", BLENDED]) == 0
    nested = load_weights(soup)[1]["blended_with"]
    assert nested["weights"] == str(out)
    assert nested["blended_with"] == load_weights(out)[1]["blended_with"]
    assert nested["blended_with"]["sha256"] == sha256_of(base)
    # two exported files, the run directory gone: the tuned file's card, with the blend's
    # command last, its base and both files' sha256, scored on the validation set made afresh
    shutil.rmtree(run)
    files = tmp_path / "files.safetensors"
    argv = ["--tuned", str(weights), "--blend-with", str(base), "--share", "0.5"]
    for wrong in (argv, ["--run", str(run), *argv[2:], "--out", str(files)]):
        with pytest.raises(SystemExit):  # --tuned needs --out, and --out needs --tuned
            average_main(wrong)
    assert average_main(["--tuned", str(weights), *argv[2:4], "--share", "1.5",
                         "--out", str(files)]) != 0  # fmt: skip
    assert average_main(["--tuned", str(other), *argv[2:], "--out", str(files)]) != 0
    assert not files.exists()
    assert average_main([*argv, "--out", str(files)]) == 0
    model, card = load_weights(files)
    tuned_model, tuned_card = load_weights(weights)
    base_state = load_weights(base)[0].state_dict()
    for key, value in model.state_dict().items():
        expected = 0.5 * base_state[key] + 0.5 * tuned_model.state_dict()[key]
        torch.testing.assert_close(value, expected)
    assert card["commands"][:-1] == tuned_card["commands"], card["commands"]
    assert "--tuned" in card["commands"][-1] and str(files) in card["commands"][-1]
    assert card["blended_with"]["sha256"] == sha256_of(base)
    assert card["blended_with"]["tuned_sha256"] == sha256_of(weights)
    assert card["blended_with"]["share_of_tuned"] == 0.5
    for key in ("name", "training_config", "averaged_steps", "steps", "hardware"):
        assert card[key] == tuned_card[key], key
    assert math.isfinite(card["metrics"]["val_rmse"])
    assert card["metrics"]["val_rmse"] != tuned_card["metrics"]["val_rmse"]


def test_card_names_the_training_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run under autocast says so: the device's own label is inference's (fp32)."""
    from docdenoise.device import DeviceChoice
    from docdenoise.training.hardware import describe_hardware

    monkeypatch.setattr(torch.cuda, "get_device_name", lambda _device: "Test GPU")
    gpu = DeviceChoice(torch.device("cuda"), "Test GPU", "CUDA GPU found", half=False)
    assert describe_hardware(gpu, 2, 4, torch.bfloat16)["device"].startswith("Test GPU (bf16 ")
    assert "(fp16 autocast)" in describe_hardware(gpu, 2, 4, torch.float16)["device"]
    assert "(fp32)" in describe_hardware(gpu, 2, 4, None)["device"]
    cpu = DeviceChoice(torch.device("cpu"), "CPU", "no GPU", half=False)
    assert describe_hardware(cpu, 2, 1)["device"].startswith("CPU (2 torch threads)")
