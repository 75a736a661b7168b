"""The status bar: messages, page and total progress with ETA, zoom, the device and the model."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from docdenoise.gui.tasks import ModelInfo


class StatusPanel(QStatusBar):
    """Permanent fields on the right; progress shows only while work runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_bar = QProgressBar()
        self.page_bar.setMaximumWidth(120)
        self.page_bar.setFormat(self.tr("page %p %"))
        self.total_bar = QProgressBar()
        self.total_bar.setMaximumWidth(160)
        self.total_bar.setFormat(self.tr("total %p %"))
        self.eta_label = QLabel()
        self.zoom_label = QLabel()
        self.device_label = QLabel()
        self.model_label = QLabel()
        for widget in (self.page_bar, self.total_bar, self.eta_label):
            self.addPermanentWidget(widget)
            widget.hide()
        for widget in (self.zoom_label, self.device_label, self.model_label):
            self.addPermanentWidget(widget)

    # -- device and model ------------------------------------------------------------------------
    def show_pending(self, device: str, model: str) -> None:
        """Before the model is loaded: what was asked for."""
        self.device_label.setText(self.tr("Device: {0}").format(device))
        self.device_label.setToolTip(self.tr("The model loads in the background"))
        self.model_label.setText(self.tr("Model: {0}").format(model))
        self.model_label.setToolTip("")

    def device_text(self, info: ModelInfo) -> str:
        if info.threads == 1:
            return self.tr("CPU, 1 thread")
        if info.threads > 1:
            return self.tr("CPU, {0} threads").format(info.threads)
        return info.device  # the GPU's name

    def show_model(self, info: ModelInfo) -> None:
        self.device_label.setText(self.tr("Device: {0}").format(self.device_text(info)))
        self.device_label.setToolTip(info.detail)
        self.model_label.setText(self.tr("Model: {0}").format(info.model))
        self.model_label.setToolTip(self.tr("{0:,} parameters").format(info.parameters))

    def show_model_error(self, message: str) -> None:
        self.model_label.setText(self.tr("Model: not available"))
        self.model_label.setToolTip(message)
        self.showMessage(self.tr("Cannot load the model: {0}").format(message))

    # -- progress ----------------------------------------------------------------------------------
    def start_progress(self) -> None:
        for bar in (self.page_bar, self.total_bar):
            bar.setRange(0, 100)
            bar.setValue(0)
            bar.show()
        self.eta_label.setText(self.tr("estimating…"))
        self.eta_label.show()

    def set_indeterminate(self) -> None:
        """Work with no steps to count (OCR): the page bar only shows that it goes on."""
        self.page_bar.setRange(0, 0)
        self.eta_label.setText("")

    def set_progress(self, page: float, total: float, eta: float | None) -> None:
        self.page_bar.setRange(0, 100)
        self.page_bar.setValue(round(100 * page))
        self.total_bar.setValue(round(100 * total))
        self.eta_label.setText(self.format_eta(eta))

    def stop_progress(self) -> None:
        for widget in (self.page_bar, self.total_bar, self.eta_label):
            widget.hide()

    def format_eta(self, seconds: float | None) -> str:
        if seconds is None:
            return self.tr("estimating…")
        seconds = round(seconds)
        if seconds >= 60:
            return self.tr("{0} min {1:02d} s left").format(seconds // 60, seconds % 60)
        return self.tr("{0} s left").format(seconds)

    def set_zoom(self, percent: float) -> None:
        self.zoom_label.setText(self.tr("Zoom: {0:.0f} %").format(percent))
