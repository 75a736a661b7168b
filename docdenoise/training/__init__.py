"""Training: synthetic pairs, loss, loop, export. Never imported by inference or the GUI.

``docdenoise-train --config fast --out runs/fast`` trains the shipped fast model from its bundled
recipe (``configs/fast.toml``, which has the commands that finish it); see
:mod:`docdenoise.training.cli`.
"""
