"""The browser's session cookie: a small signed dict (the CSRF token, flash messages, and the key
of the server-side session once signed in), HttpOnly and SameSite=Lax.

Secure (sent over HTTPS only) follows ``FANZHA_COOKIE_SECURE``: ``1`` always, ``0`` never, and
by default ("auto") always except for the local demo (a request to 127.0.0.1 or localhost over
plain HTTP), and always when the request itself came over HTTPS. Who is signed in is decided on
the server (services/sessions.py): the cookie only carries a random key.
"""
from __future__ import annotations

import json
from base64 import b64decode, b64encode

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "fanzha_session"
MAX_AGE = 12 * 3600
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def cookie_secure_setting(value: str | None) -> bool | None:
    """``FANZHA_COOKIE_SECURE`` read: True, False, or None for auto."""
    text = (value or "auto").strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    return None


def is_secure_for(scope: Scope, setting: bool | None) -> bool:
    """Whether the cookie of this request gets the Secure flag."""
    if setting is not None:
        return setting
    if scope.get("scheme") in ("https", "wss"):
        return True
    host = HTTPConnection(scope).url.hostname or ""
    return host not in LOCAL_HOSTS


class SessionCookieMiddleware:
    def __init__(self, app: ASGIApp, secret_key: str, secure: bool | None = None, max_age: int = MAX_AGE) -> None:
        self.app = app
        self.signer = TimestampSigner(secret_key, salt="fanzha.session")
        self.secure = secure
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = HTTPConnection(scope).cookies.get(COOKIE)
        had_cookie = raw is not None
        scope["session"] = self._load(raw) if raw else {}

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if is_secure_for(scope, self.secure) else "")
                if scope["session"]:
                    value = self.signer.sign(b64encode(json.dumps(scope["session"]).encode())).decode()
                    headers.append("Set-Cookie", f"{COOKIE}={value}; Max-Age={self.max_age}{flags}")
                elif had_cookie:
                    headers.append("Set-Cookie", f"{COOKIE}=null; Max-Age=0{flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, raw: str) -> dict:
        try:
            data = json.loads(b64decode(self.signer.unsign(raw.encode(), max_age=self.max_age)))
        except (BadSignature, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
