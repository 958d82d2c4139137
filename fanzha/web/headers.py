"""The headers every answer carries (the app's middleware sets them; the look-up's fast path,
which answers before that middleware, sends the same)."""
from __future__ import annotations

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
NO_STORE = ("Cache-Control", "no-store")  # pages and answers hold personal data: never cached
