"""The lab's Asterisk realtime databases: SQLite files created from the shipped DDL.

Asterisk itself is not run; the reconciler talks SQL to its realtime tables, so
the lab's "PBX" is the database Asterisk would read, plus the folder desk phones
fetch their provisioning files from.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class PbxLab:
    def __init__(self, config: Mapping[str, Any], workdir: Path) -> None:
        self.workdir = workdir
        self.databases: dict[str, Path] = {}
        self.endpoints_: dict[str, dict[str, Any]] = {}
        for db in config.get("databases", []):
            path = workdir / f"pbx-{db['name']}.sqlite"
            self.databases[db["name"]] = path
            for tid, prov in db.get("targets", {}).items():
                self.endpoints_[tid] = {"path": str(path),
                                        "provisioning_dir": str(workdir / prov)}
            self._schema = db["schema"]

    def start(self) -> PbxLab:
        # A fresh PBX on every start, like the emulated switches.
        for path in self.databases.values():
            path.unlink(missing_ok=True)
        for ep in self.endpoints_.values():
            shutil.rmtree(ep["provisioning_dir"], ignore_errors=True)
        for path in self.databases.values():
            with sqlite3.connect(path) as conn:
                conn.executescript(self._schema)
            conn.close()
        for ep in self.endpoints_.values():
            Path(ep["provisioning_dir"]).mkdir(parents=True, exist_ok=True)
        return self

    def endpoints(self) -> dict[str, dict[str, Any]]:
        return dict(self.endpoints_)

    def connect(self, name: str = "pbx") -> sqlite3.Connection:
        return sqlite3.connect(self.databases[name])

    def stop(self) -> None:
        return None  # files stay in the lab folder for inspection
