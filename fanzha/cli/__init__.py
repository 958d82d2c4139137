"""The ``fanzha`` command (Typer + Rich): one module per command group."""
from fanzha.cli.main import app

__all__ = ["app"]
