"""``docdenoise-synth``: write synthetic noisy/clean pairs, a pairs.json and a contact sheet.

docdenoise-synth --count 24 --out pairs/ --seed 1000 --size 512x512 --only fold,coffee_stain
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from PIL import Image

from docdenoise.errors import EXIT_OK, DocDenoiseError, OutputWriteError, UsageError
from docdenoise.synth.config import SynthConfig
from docdenoise.synth.contact import contact_sheet, to_image
from docdenoise.synth.degradation_names import DEGRADATION_NAMES, check_names
from docdenoise.synth.pairs import Pair, make_pair_with_page
from docdenoise.synth.render import CleanPage

MAX_SHEET_PAIRS = 48
# SynthConfig's chances of what real pages showed (issue 36): the option's help, each 0 to 1.
REAL_KNOBS = {
    "hairlines": "chance of a Latin page in hairline serif or italic type at 5-12 pt, 100-300 dpi",
    "rules": "chance of printed underlines and thin rules on text pages and letters",
    "stain_rims": "chance that a coffee or tea stain lays its dark rim through the text",
    "show_through": "chance of the mirrored, blurred back of the leaf at the front's dpi",
    "pale_pen": "chance of pale ballpoint or pencil notes kept on the clean page",
}


def _size(text: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HxW such as 512x512, got {text!r}") from None
    if h < 8 or w < 8:
        raise argparse.ArgumentTypeError(f"size must be at least 8x8, got {text!r}")
    return h, w


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docdenoise-synth",
        description="Write synthetic noisy/clean page pairs for training and inspection.",
    )
    parser.add_argument("--count", type=int, required=True, help="number of pairs to write")
    parser.add_argument(
        "--out", type=Path, required=True, help="output folder (created if missing)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the first pair; pair i uses seed+i"
    )
    parser.add_argument(
        "--size", type=_size, default=(512, 512), help="window size HxW (default 512x512)"
    )
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated degradations to apply to every pair, from: "
        + ", ".join(DEGRADATION_NAMES),
    )
    parser.add_argument(
        "--shading",
        type=float,
        default=0.0,
        help="extra chance (0-1) of each printed grey fill: shaded table rows, grey form bars "
        "and tinted fields (default 0: the default pages)",
    )
    parser.add_argument(
        "--display",
        type=float,
        default=0.0,
        help="chance (0-1) of titles and letterheads in display type (28-110 pt) and of drop "
        "caps (default 0: the default pages)",
    )
    for name, what in REAL_KNOBS.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=float, default=0.0, help=f"{what} (default 0)")
    return parser


def _save_png(img_path: Path, image: Image.Image) -> None:
    tmp = img_path.with_name(img_path.name + ".part")
    image.save(tmp, format="PNG")
    os.replace(tmp, img_path)


def _write_pair(out: Path, index: int, pair: Pair, page: CleanPage) -> dict:
    """Write one pair's PNGs; returns its pairs.json record."""
    noisy_name, clean_name = f"{index:05d}_noisy.png", f"{index:05d}_clean.png"
    try:
        _save_png(out / noisy_name, to_image(pair.noisy))
        _save_png(out / clean_name, to_image(pair.clean))
    except OSError as exc:
        raise OutputWriteError(out / noisy_name, f"cannot write ({exc.strerror})") from exc
    return {
        "index": index,
        "seed": pair.seed,
        "degradations": list(pair.degradations),
        "dpi": page.dpi,
        "layout": page.layout,
        "noisy": noisy_name,
        "clean": clean_name,
    }


def write_pairs(
    out: Path,
    count: int,
    seed: int,
    size: tuple[int, int],
    only: list[str] | None,
    config: SynthConfig = SynthConfig(),  # noqa: B008 (frozen, so a shared default is safe)
) -> list[dict]:
    """Write the pairs, pairs.json and contact_sheet.png into ``out``; returns the records."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputWriteError(out, f"cannot create the output folder ({exc.strerror})") from exc
    records, sheet = [], []
    for i in range(count):
        pair, page = make_pair_with_page(seed + i, size[0], size[1], config=config, only=only)
        records.append(_write_pair(out, i, pair, page))
        if i < MAX_SHEET_PAIRS:
            names = ", ".join(pair.degradations) or "none"
            label = f"#{i} seed {pair.seed} {page.layout} {page.dpi}dpi: {names}"
            sheet.append((pair.noisy, pair.clean, label))
    try:
        tmp = out / "pairs.json.part"
        text = json.dumps({"size": list(size), "pairs": records}, indent=1, ensure_ascii=False)
        tmp.write_text(text, "utf-8")
        os.replace(tmp, out / "pairs.json")
        _save_png(out / "contact_sheet.png", contact_sheet(sheet))
    except OSError as exc:
        reason = f"cannot write pairs.json or the contact sheet ({exc.strerror})"
        raise OutputWriteError(out, reason) from exc
    return records


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.count < 1:
            raise UsageError(None, f"--count must be at least 1, got {args.count}")
        only = (
            list(check_names([n.strip() for n in args.only.split(",") if n.strip()]))
            if args.only
            else None
        )
        try:
            config = SynthConfig(shading=args.shading)
        except ValueError as exc:
            raise UsageError(None, f"--shading: {exc}") from None
        for name in ("display", *REAL_KNOBS):
            try:
                config = dataclasses.replace(config, **{name: getattr(args, name)})
            except ValueError as exc:
                raise UsageError(None, f"--{name.replace('_', '-')}: {exc}") from None
        start = time.perf_counter()
        write_pairs(args.out, args.count, args.seed, args.size, only, config)
    except DocDenoiseError as error:
        print(f"docdenoise-synth: {error}", file=sys.stderr)
        return error.exit_code
    h, w = args.size
    print(
        f"wrote {args.count} pairs ({h}x{w}) to {args.out} in {time.perf_counter() - start:.1f} s; "
        f"contact sheet: {args.out / 'contact_sheet.png'}"
    )
    return EXIT_OK


def entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
