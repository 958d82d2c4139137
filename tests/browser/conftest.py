"""A live Fanzha on a free local port, and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium the browser tests skip, except under CI, where they must run
(the Makefile's `system` target installs chromium and fonts-noto-cjk)."""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PASSWORD = "browser-pass-1"
SHOTS = Path(os.environ.get("FANZHA_SCREENSHOTS", "/tmp/fanzha-browser"))


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing; install it with: apt-get install chromium fonts-noto-cjk (or make system)"
    if os.environ.get("CI"):
        pytest.fail(reason + " — CI must run the browser tests")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_browser_app(folder: Path, users: tuple[tuple[str, str, str, str], ...]):
    """An app on a fresh SQLite store with the city's organisations and these (username, role,
    organisation, name) users, all with PASSWORD and no forced change."""
    from fanzha.domain.actor import Actor
    from fanzha.services.accounts import create_user
    from fanzha.services.organisations import seed_organisations
    from fanzha.web.app import create_app

    app = create_app(f"sqlite:///{folder / 'browser.sqlite'}", secret_key="browser-secret")
    with app.state.db.session() as session:
        seed_organisations(session)
        for username, role, org, name in users:
            create_user(session, Actor.system("test"), username, role, org, name, PASSWORD, must_change_password=False)
    return app


def serve(app) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free local port until the generator is closed."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the app did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.db.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[str]:
    """The app under uvicorn in a background thread, on a fresh SQLite store with one officer."""
    _require_chromium()
    app = make_browser_app(tmp_path_factory.mktemp("browser"), (("duty", "duty_officer", "city", "值班民警 王警官"),))
    yield from serve(app)


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def credentials() -> tuple[str, str]:
    return "duty", PASSWORD


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
