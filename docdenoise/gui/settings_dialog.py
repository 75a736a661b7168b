"""The Settings dialog: device, tile size, output format, model file and language."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from docdenoise.gui.settings import DEVICES, EXPORT_FORMATS, AppSettings
from docdenoise.gui.translation import LANGUAGES, NATIVE_NAMES


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        names = {
            "auto": self.tr("Automatic (GPU if there is one)"),
            "cpu": self.tr("CPU"),
            "cuda": self.tr("NVIDIA GPU (CUDA)"),
            "mps": self.tr("Apple GPU (MPS)"),
        }
        self.device = QComboBox()
        for device in DEVICES:
            self.device.addItem(names[device], device)
        self.device.setCurrentIndex(DEVICES.index(settings.device))
        self.tile = QSpinBox()
        self.tile.setRange(0, 8192)
        self.tile.setSingleStep(128)
        self.tile.setSpecialValueText(self.tr("Automatic"))
        self.tile.setSuffix(self.tr(" px"))
        self.tile.setValue(settings.tile)
        self.tile.setToolTip(
            self.tr("Pages are cleaned in square tiles of this size; smaller uses less memory")
        )
        self.fmt = QComboBox()
        for fmt in EXPORT_FORMATS:
            self.fmt.addItem(fmt.upper() if fmt != "jpeg" else "JPEG", fmt)
        self.fmt.setCurrentIndex(EXPORT_FORMATS.index(settings.output_format))
        self.model = QLineEdit(settings.model)
        self.model.setPlaceholderText(self.tr("Bundled model (fast)"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model)
        model_row.addWidget(browse)
        self.language = QComboBox()
        for language in LANGUAGES:
            name = NATIVE_NAMES.get(language) or self.tr("System language")
            self.language.addItem(name, language)
        self.language.setCurrentIndex(LANGUAGES.index(settings.language))
        restart = QLabel(self.tr("A new language is used when docdenoise is next started."))
        restart.setWordWrap(True)
        restart.setEnabled(False)  # a quiet, greyed hint

        form = QFormLayout(self)
        form.addRow(self.tr("&Device:"), self.device)
        form.addRow(self.tr("&Tile size:"), self.tile)
        form.addRow(self.tr("Default output &format:"), self.fmt)
        model_label = QLabel(self.tr("&Model file:"))
        model_label.setBuddy(self.model)  # a row of a layout gets no buddy by itself
        form.addRow(model_label, model_row)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow("", restart)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a Model"),
            self.model.text(),
            self.tr("docdenoise models (*.safetensors)"),
        )
        if path:
            self.model.setText(path)

    def accept(self) -> None:
        self.settings.device = str(self.device.currentData())
        tile = self.tile.value()
        self.settings.tile = 0 if tile == 0 else max(128, tile // 8 * 8)
        self.settings.output_format = str(self.fmt.currentData())
        self.settings.model = self.model.text().strip()
        self.settings.language = str(self.language.currentData())
        super().accept()
