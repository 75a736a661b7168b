"""The app's language: which translations to load, Qt's own (``qtbase_<lang>.qm``) and ours.

The language setting is ``system`` (follow the desktop's list of preferred languages), ``en`` or
``ko``. Our catalogues live in ``i18n/docdenoise_<lang>.qm`` beside this module and are made
from the ``.ts`` sources by ``i18n/update.py``; Qt's come from PySide6's translations folder.
English is the source language, so it needs no catalogue. The CLI never loads any of this: its
messages stay English.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGUAGES = ("system", "en", "ko")  # the setting's values
TRANSLATED = ("ko",)  # languages with a docdenoise_<lang>.qm
SOURCE_LANGUAGE = "en"
NATIVE_NAMES = {"en": "English", "ko": "한국어"}  # shown as they are, in every language


def resolve_language(choice: str, preferred: list[str] | None = None) -> str:
    """The language to show for the setting ``choice``: ``en`` or one of TRANSLATED.

    For ``system`` it is the first of the desktop's preferred languages (``preferred``, else
    ``QLocale.system().uiLanguages()``, e.g. ``["ko-KR", "en-US"]``) that the app speaks, so a
    user who prefers English over Korean gets English, not the first catalogue found.
    """
    if choice in (SOURCE_LANGUAGE, *TRANSLATED):
        return choice
    for tag in QLocale.system().uiLanguages() if preferred is None else preferred:
        base = tag.replace("_", "-").split("-")[0].lower()
        if base in (SOURCE_LANGUAGE, *TRANSLATED):
            return base
    return SOURCE_LANGUAGE


def install_translators(app: QCoreApplication, choice: str = "system") -> list[QTranslator]:
    """Load and install Qt's and docdenoise's catalogues for the setting ``choice``.

    Returns the installed translators (empty for English or where a catalogue is missing). A
    language other than the system's also becomes the default QLocale, so numbers and Qt's
    dialogs agree with the text.
    """
    language = resolve_language(choice)
    if choice != "system":
        QLocale.setDefault(QLocale(language))
    if language == SOURCE_LANGUAGE:
        return []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name, folder in ((f"qtbase_{language}", qt_dir), (f"docdenoise_{language}", I18N_DIR)):
        translator = QTranslator(app)
        if translator.load(name, str(folder)) and app.installTranslator(translator):
            installed.append(translator)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo `install_translators` (tests switch languages within one process)."""
    for translator in translators:
        app.removeTranslator(translator)
