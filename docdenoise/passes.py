"""Passes: the network run over a tile's mirrored and turned copies, the outputs averaged.

``passes`` above 1 runs the network over each tile in several mirrored or turned copies and
averages the outputs turned back (:data:`TURNS`): the bundled ``quality`` model runs in four
(``fast``, taught to match them, in one). The network's errors differ from one mirror image of a
page to another; their mean draws fewer stray marks and lower error (docs/benchmarks.md, models).
Plain numpy around any forward function: torch's or ONNX Runtime's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["PASSES", "TURNS", "Forward", "averaged_over_turns", "turn", "turn_back"]

Forward = Callable[[np.ndarray], np.ndarray]  # (N, 1, H, W) float32 -> same, [0, 1]
# The turns of each pass count: (quarter turns counter-clockwise, then mirrored left to right).
# 2 and 4 keep lines of text horizontal: 4 are exactly the flips training shows the network
# (``DataConfig.flips``). 8 add the transposes, which turn a page on its side: a network trained
# only on upright pages reads a wide black bar on its side as a scanner shadow and erases it.
TURNS: dict[int, tuple[tuple[int, bool], ...]] = {
    1: ((0, False),),
    2: ((0, False), (2, False)),
    4: ((0, False), (0, True), (2, False), (2, True)),
    8: tuple((k, mirror) for mirror in (False, True) for k in range(4)),
}
PASSES = tuple(TURNS)


def turn(batch: np.ndarray, quarter_turns: int, mirror: bool) -> np.ndarray:
    """``(..., H, W)`` turned ``quarter_turns`` times counter-clockwise, then mirrored."""
    turned = np.rot90(batch, quarter_turns, axes=(-2, -1))
    return turned[..., ::-1] if mirror else turned


def turn_back(batch: np.ndarray, quarter_turns: int, mirror: bool) -> np.ndarray:
    """Undo :func:`turn`."""
    unmirrored = batch[..., ::-1] if mirror else batch
    return np.rot90(unmirrored, -quarter_turns, axes=(-2, -1))


def averaged_over_turns(forward: Forward, passes: int) -> Forward:
    """``forward`` run on the batch in each of the :data:`TURNS` of ``passes``, averaged."""
    turns = TURNS[passes]
    if len(turns) == 1:
        return forward

    def run(batch: np.ndarray) -> np.ndarray:
        outputs = (
            turn_back(forward(np.ascontiguousarray(turn(batch, k, mirror))), k, mirror)
            for k, mirror in turns
        )
        total = np.array(next(outputs), dtype=np.float32)  # a copy: the sum is made in it
        for output in outputs:
            total += output
        total *= np.float32(1 / len(turns))
        return total

    return run
