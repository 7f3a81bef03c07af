"""Thin PySide6/pyqtgraph adapters over app.model: the only package allowed to import Qt."""
