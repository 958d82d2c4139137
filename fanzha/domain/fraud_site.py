"""Fraud sites (涉诈网址/APP) and the key a visit is compared by.

Operators log which web address or app service a subscriber reached (上网访问记录). A visit
matches a fraud site when both give the same *site key*:

- a web visit (网址): the host, lower-cased, without scheme, user, port, path, query, a trailing
  dot or a leading ``www.`` (``https://WWW.Dl.Bz5pzm.top:8443/6v8z?x=1`` is ``dl.bz5pzm.top``);
- an app (应用): its name with full-width forms folded (NFKC), spaces removed and case folded,
  so ``ＸＸ 理财 Pro`` and ``xx理财pro`` are one app.

A site is on the center's list from the time the case naming it was filed; visits up to
``LOOK_BACK`` before that count too (the victim's neighbours were reached by the same link in
the days before anyone reported it).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

LOOK_BACK = timedelta(days=7)
_SPACES = re.compile(r"\s+")
_HOST = re.compile(r"^[a-z0-9\-_.\u0080-\uffff]+$")


class VisitKind(StrEnum):
    URL = "url"  # 网址
    APP = "app"  # 应用

    @property
    def label_zh(self) -> str:
        return "网址" if self is VisitKind.URL else "应用"


_KINDS = {"网址": VisitKind.URL, "url": VisitKind.URL, "网站": VisitKind.URL, "域名": VisitKind.URL,
          "应用": VisitKind.APP, "app": VisitKind.APP, "应用程序": VisitKind.APP}
KINDS_EXPECTED = "网址/应用 or url/app"


def visit_kind(text: str) -> VisitKind:
    """网址/应用 (or url/app) as the kind; ValueError naming the accepted spellings."""
    kind = _KINDS.get(str(text).strip().lower())
    if kind is None:
        raise ValueError(f"visit type {text!r} is not one of {KINDS_EXPECTED}")
    return kind


def url_host(target: str) -> str:
    """The host of a URL or bare domain as logged; ValueError when there is none."""
    text = str(target or "").strip()
    if not text:
        raise ValueError("is empty; a web visit names the address reached, like dl.example.top")
    try:
        host = urlsplit(text if "://" in text else "http://" + text).hostname or ""
    except ValueError:  # an unbalanced [ in an IPv6 literal
        host = ""
    host = host.lower().rstrip(".").removeprefix("www.")
    if not host or "." not in host or not _HOST.match(host):
        raise ValueError(f"{text[:40]!r} has no host; write the address like https://dl.example.top/a or dl.example.top")
    return host


def app_key(name: str) -> str:
    """An app's name as compared: NFKC, no spaces, case folded; ValueError when empty."""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", str(name or ""))).casefold()
    if not key:
        raise ValueError("is empty; an app visit names the app, like 财富通")
    return key


def site_key(kind: VisitKind | str, target: str) -> str:
    """The key a visit (or a listed site) of ``kind`` is compared by."""
    return url_host(target) if VisitKind(kind) is VisitKind.URL else app_key(target)


def try_site_key(kind: VisitKind | str, target: str) -> str | None:
    try:
        return site_key(kind, target)
    except ValueError:
        return None
