"""A simulated party that works in the background of the demo (banks, operators): a round every
few seconds until stopped; a failed round is logged and the next one goes on."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("fanzha.sim")


class BackgroundParty:
    """Subclasses do one round of their work in ``work()``."""

    name = "simulated party"

    def __init__(self) -> None:
        self._stop = threading.Event()

    def work(self):  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def run(self, interval: float = 5.0) -> None:
        while not self._stop.wait(interval):
            try:
                self.work()
            except Exception:  # noqa: BLE001 - the demo's parties must keep working
                log.exception("a round of the %s failed; trying again in %s s", self.name, interval)

    def start(self, interval: float = 5.0) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(interval,), name=self.name, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
