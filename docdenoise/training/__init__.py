"""Training: synthetic pairs, loss, loop, export. Never imported by inference or the GUI.

``docdenoise-train --config docdenoise/training/configs/fast.toml --out runs/fast`` trains the
shipped fast model; see :mod:`docdenoise.training.cli`.
"""
