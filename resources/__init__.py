"""Data shipped with the package (register database, icons, desktop file); see app.assets."""
