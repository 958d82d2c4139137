"""What every command group shares: the consoles and the store from the environment's settings."""
from __future__ import annotations

from rich.console import Console

from fanzha.config import Settings

console = Console()
err = Console(stderr=True, soft_wrap=True)  # paths and places stay on one line, copyable


def database():
    """Open the configured store (migrations run on open)."""
    from fanzha.store.db import Database

    return Database(Settings.from_env().database_url)
