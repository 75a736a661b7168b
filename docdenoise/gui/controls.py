"""The strength and output controls: they change the preview and the export, never the model run."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QWidget,
)


class OutputControls(QWidget):
    """Strength 0-100 % (original to cleaned), greyscale or black-and-white with a threshold."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strength_slider = QSlider(Qt.Orientation.Horizontal)
        self.strength_slider.setRange(0, 100)
        self.strength_slider.setPageStep(10)
        self.strength_slider.setMinimumWidth(240)
        self.strength_slider.setMaximumWidth(360)
        self.strength_slider.setToolTip(
            self.tr("How much of the cleaned page to use: 0 % is the original, 100 % the model's")
        )
        self.strength_value = QLabel()
        self.strength_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("100 %") + 6)
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Greyscale"), False)
        self.mode.addItem(self.tr("Black and white"), True)
        self.mode.setToolTip(self.tr("Output mode for the preview and the export"))
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 255)
        self.threshold.setToolTip(
            self.tr("Pixels darker than this become black, the rest white (1-255)")
        )
        self.threshold_label = QLabel(self.tr("Threshold:"))
        strength_label = QLabel(self.tr("&Strength:"))
        strength_label.setBuddy(self.strength_slider)
        mode_label = QLabel(self.tr("&Output:"))
        mode_label.setBuddy(self.mode)
        self.threshold_label.setBuddy(self.threshold)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(strength_label)
        layout.addWidget(self.strength_slider)
        layout.addWidget(self.strength_value)
        layout.addSpacing(12)
        layout.addWidget(mode_label)
        layout.addWidget(self.mode)
        layout.addWidget(self.threshold_label)
        layout.addWidget(self.threshold)
        layout.addStretch(1)

        self.strength_slider.valueChanged.connect(self._on_changed)
        self.mode.currentIndexChanged.connect(self._on_changed)
        self.threshold.valueChanged.connect(self._on_changed)
        self.set_values(100, False, 160)

    def set_values(self, strength: int, bilevel: bool, threshold: int) -> None:
        for widget in (self.strength_slider, self.mode, self.threshold):
            widget.blockSignals(True)
        self.strength_slider.setValue(strength)
        self.mode.setCurrentIndex(1 if bilevel else 0)
        self.threshold.setValue(threshold)
        for widget in (self.strength_slider, self.mode, self.threshold):
            widget.blockSignals(False)
        self._update_labels()

    @property
    def strength(self) -> float:
        """0.0 (original) to 1.0 (fully cleaned)."""
        return self.strength_slider.value() / 100.0

    @property
    def bilevel(self) -> bool:
        return bool(self.mode.currentData())

    @property
    def bilevel_threshold(self) -> int | None:
        """The threshold for black-and-white output, None for greyscale."""
        return self.threshold.value() if self.bilevel else None

    def _update_labels(self) -> None:
        self.strength_value.setText(self.tr("{0} %").format(self.strength_slider.value()))
        self.threshold.setEnabled(self.bilevel)
        self.threshold_label.setEnabled(self.bilevel)

    def _on_changed(self) -> None:
        self._update_labels()
        self.changed.emit()
