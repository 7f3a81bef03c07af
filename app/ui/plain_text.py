"""Text from outside the program is shown as text, never as markup.

File names, paths, error messages (which quote the file's own bytes), rule reasons and the
names a stream gives its devices are the user's data. Qt renders a QLabel, a QMessageBox text or
a tooltip as rich text when it merely *looks* like HTML (``Qt::mightBeRichText``), so a file
called ``<b>x</b><img src=y>.mig`` would be drawn bold with an image fetched from ``y``, and a
``&`` in a menu entry becomes a keyboard accelerator. Every widget that shows such text goes
through one of these helpers:

- ``plain_box(box)``: a QMessageBox's text and informative text as plain text;
- ``plain_label(text)`` / ``make_plain(label)``: a QLabel that never parses markup;
- ``tip(text)``: a tooltip (always rich in Qt) with the text escaped and its line breaks kept;
- ``rich(text)``: ``text`` escaped for a rich-text label that also has markup of ours;
- ``menu_text(text)``: a menu entry whose ``&`` stays an ampersand;
- ``title_text(text)``: a window title part whose ``[*]`` is not the modified marker.

The status bar (``showMessage``), line edits and the views' display role are plain already.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

PLAIN = Qt.TextFormat.PlainText


def plain_box(box: QMessageBox) -> QMessageBox:
    """``box`` with its text and informative text shown as plain text (call it after
    setting them: Qt creates the informative label on first use). The detailed text is a
    plain-text editor anyway."""
    box.setTextFormat(PLAIN)
    for label in box.findChildren(QLabel):
        label.setTextFormat(PLAIN)
    return box


def message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
            informative: str = "") -> QMessageBox:
    """A modal message box with plain texts and an OK button, run to its end (what
    ``QMessageBox.warning``/``critical`` do, minus the rich text)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    if informative:
        box.setInformativeText(informative)
    plain_box(box)
    box.exec()
    return box


def make_plain(label: QLabel) -> QLabel:
    label.setTextFormat(PLAIN)
    return label


def plain_label(text: str = "") -> QLabel:
    return make_plain(QLabel(text))


def rich(text: str) -> str:
    """``text`` escaped for a rich-text label, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def tip(text: str) -> str:
    """A tooltip showing ``text`` literally: Qt treats any tooltip that looks like HTML as
    HTML, so the text is escaped inside rich text of its own that keeps its spaces and line
    breaks (empty stays empty: no tooltip)."""
    if not text:
        return ""
    return f'<p style="white-space:pre-wrap">{html.escape(text, quote=False)}</p>'


def menu_text(text: str) -> str:
    """``text`` for a QAction/QMenu title: ``&`` doubled, so it is not a shortcut marker."""
    return text.replace("&", "&&")


def title_text(text: str) -> str:
    """``text`` for a window title holding the ``[*]`` modified marker: a ``[*]`` of the
    text's own is doubled, which Qt shows as a literal ``[*]``."""
    return text.replace("[*]", "[*][*]")
