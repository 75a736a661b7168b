"""The Settings dialog: device, tile size, output format, model and language."""

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

from docdenoise.assets import DEFAULT_MODEL, bundled_models
from docdenoise.gui.settings import DEVICES, EXPORT_FORMATS, AppSettings
from docdenoise.gui.translation import LANGUAGES, NATIVE_NAMES
from docdenoise.limits import MAX_TILE


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
        self.tile.setRange(0, MAX_TILE)  # 0: automatic; a side under MIN_TILE saves MIN_TILE
        self.tile.setSingleStep(128)
        self.tile.setSpecialValueText(self.tr("Automatic"))
        self.tile.setSuffix(self.tr(" px"))
        self.tile.setValue(settings.tile)
        self.tile.setToolTip(
            self.tr(
                "Pages are cleaned in tiles no larger than a square of this size; "
                "smaller uses less memory"
            )
        )
        self.fmt = QComboBox()
        for fmt in EXPORT_FORMATS:
            self.fmt.addItem(fmt.upper() if fmt != "jpeg" else "JPEG", fmt)
        self.fmt.setCurrentIndex(EXPORT_FORMATS.index(settings.output_format))
        model_names = {
            "fast": self.tr("Fast (bundled)"),
            "quality": self.tr("Quality (bundled, slower)"),
        }
        self.model = QComboBox()
        for name in bundled_models():
            self.model.addItem(model_names.get(name, name), name)
        self.model.addItem(self.tr("A model file"), "")  # "" (no name): the file below
        self.model_file = QLineEdit()
        self.model_file.setPlaceholderText(self.tr("A .safetensors file from docdenoise-train"))
        self.model_file.setMinimumWidth(260)  # room for the hint and a short path
        self.browse = QPushButton(self.tr("Browse…"))
        self.browse.clicked.connect(self._browse)
        chosen = settings.model or DEFAULT_MODEL
        index = self.model.findData(chosen)
        if index < 0:  # a file, or a bundled name this install lacks
            index = self.model.count() - 1
            self.model_file.setText(chosen)
        self.model.setCurrentIndex(index)
        self.model.currentIndexChanged.connect(self._model_changed)
        self._model_changed()
        file_row = QHBoxLayout()
        file_row.addWidget(self.model_file)
        file_row.addWidget(self.browse)
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
        form.addRow(self.tr("&Model:"), self.model)
        file_label = QLabel(self.tr("Model fil&e:"))
        file_label.setBuddy(self.model_file)  # a row of a layout gets no buddy by itself
        form.addRow(file_label, file_row)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow("", restart)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _model_changed(self) -> None:
        """The file row is for the last choice, a model file; a bundled model needs none."""
        is_file = self.model.currentData() == ""
        self.model_file.setEnabled(is_file)
        self.browse.setEnabled(is_file)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a Model"),
            self.model_file.text(),
            self.tr("docdenoise models (*.safetensors)"),
        )
        if path:
            self.model_file.setText(path)

    def accept(self) -> None:
        self.settings.device = str(self.device.currentData())
        self.settings.tile = self.tile.value()  # the core rounds it to the model's alignment
        self.settings.output_format = str(self.fmt.currentData())
        name = str(self.model.currentData())
        self.settings.model = name or self.model_file.text().strip()
        self.settings.language = str(self.language.currentData())
        super().accept()
