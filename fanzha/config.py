"""Settings read from the environment, with embedded defaults (SQLite, in-process events)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir


def data_dir() -> Path:
    """Where the embedded database and the demo city live (``FANZHA_DATA_DIR`` to move it)."""
    path = Path(os.environ.get("FANZHA_DATA_DIR") or user_data_dir("fanzha"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    cookie_secure: str = "auto"  # FANZHA_COOKIE_SECURE: 1, 0 or auto (on, except the local demo)

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("FANZHA_DATABASE_URL") or f"sqlite:///{data_dir() / 'fanzha.sqlite'}"
        secret = os.environ.get("FANZHA_SECRET_KEY") or _local_secret()
        return cls(database_url=url, secret_key=secret,
                   cookie_secure=os.environ.get("FANZHA_COOKIE_SECURE") or "auto")


def _local_secret() -> str:
    """A per-installation secret kept beside the database, so sessions survive a restart."""
    path = data_dir() / "secret.key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
