"""Persistent settings (QSettings, an INI file in the per-user data dir) with typed accessors.

The INI lives under ``mguv_app.paths.user_data_dir()`` so ``MGUV_DATA_DIR`` isolates tests
and portable installs; values are read back with explicit types because QSettings returns
strings from INI files.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from mguv_app.paths import user_data_dir

MAX_RECENT = 10


class Settings:
    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.q = QSettings(str(path or user_data_dir() / "settings.ini"), QSettings.Format.IniFormat)

    def get(self, key: str, default=None, type_=str):
        value = self.q.value(key, default)
        if value is None:
            return default
        try:
            if type_ is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            return type_(value)
        except (TypeError, ValueError):
            return default

    def set(self, key: str, value) -> None:
        self.q.setValue(key, value)

    def sync(self) -> None:
        self.q.sync()

    # --- recent files ---------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.q.value("recent_files", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def add_recent(self, path: str) -> list[str]:
        path = os.path.abspath(path)
        files = [path] + [p for p in self.recent_files() if p != path]
        self.q.setValue("recent_files", files[:MAX_RECENT])
        return files[:MAX_RECENT]

    def remove_recent(self, path: str) -> None:
        self.q.setValue("recent_files", [p for p in self.recent_files() if p != path])
