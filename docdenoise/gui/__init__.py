"""The desktop app: the only part of docdenoise that imports Qt (PySide6).

Start it with ``docdenoise-gui [FILES...]`` (:func:`docdenoise.gui.app.main`). Long work runs in
:class:`docdenoise.gui.worker.DenoiseWorker` objects on their own threads; the cleaning core
(and with it torch) is imported in those threads only, never on the GUI thread.
"""
