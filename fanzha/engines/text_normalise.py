"""Text normalisation (文本归一化) before a text is cut into features.

Fraud texts are written to slip past filters and differ in details that carry no meaning: the
same lure comes with another link, QQ number, amount or date; in full-width letters; with
spaces, dots or emoji between the characters; in traditional characters; with 薇信 or V信 for
微信. ``normalise`` removes these differences and keeps what they say:

1. Unicode NFKC (full-width letters, digits and punctuation become half-width; ① becomes 1),
   lower case, traditional characters become simplified (``text_hanzi``).
2. Zero-width characters and the separators 丨/丶 go; spaces go, except one before a Latin
   word; digits split one or two at a time by dots, dashes or bars are joined again.
3. Links, e-mail addresses, mobile and fixed-line numbers, QQ numbers, WeChat and other
   account ids, amounts (by size), percentages, dates and times, and the remaining numbers (by
   length) become one placeholder character each (see ``PLACEHOLDERS``), so that "点击 <link>"
   is the same feature whatever the link.
4. Spellings that dodge keyword filters are written the usual way (薇信, V信, vx → 微信;
   扣扣 → qq; ➕ → 加).
5. Emoji become one placeholder (a run of them counts once); punctuation and other symbols go,
   except 【】 (a sender's signature). What is left is Chinese characters, Latin letters, kana,
   hangul, spaces between Latin words and placeholders.

The result is for features only; never show it to a person.
"""
from __future__ import annotations

import re
import unicodedata

from fanzha.engines.text_hanzi import TRADITIONAL_TO_SIMPLIFIED

# One private-use character per kind of thing replaced; each counts as one character.
PLACEHOLDERS: dict[str, str] = {
    "url": "\ue000",
    "email": "\ue001",
    "mobile": "\ue002",
    "landline": "\ue003",
    "qq": "\ue004",
    "account_id": "\ue005",
    "amount_small": "\ue006",  # under 100 yuan
    "amount_medium": "\ue007",  # 100 to 9,999 yuan
    "amount_large": "\ue008",  # 10,000 yuan and more
    "percent": "\ue009",
    "datetime": "\ue00a",
    "number_short": "\ue00b",  # 1 to 3 digits
    "number_code": "\ue00c",  # 4 or 5 digits: card tails, pick-up codes, short service numbers
    "number_otp": "\ue00d",  # 6 digits: verification codes
    "number_long": "\ue00e",  # 7 digits or more: card and account numbers
    "emoji": "\ue00f",
}
_P = PLACEHOLDERS

# one character table: traditional to simplified; invisible characters, and 丨/丶 that senders
# put between characters as separators, removed; brackets as 【】
_CHARACTERS: dict[int, str | None] = {
    **TRADITIONAL_TO_SIMPLIFIED,
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad丨丶"), None),
    **str.maketrans({"[": "【", "]": "】", "〔": "【", "〕": "】", "〖": "【", "〗": "】"}),
}

_SPACE = re.compile(r"\s+")
_SPACE_DROPPED = re.compile(r"(?<![a-z0-9,.!?;:'\")]) | (?![a-z0-9])")  # kept before words and digits
_SPACE_FINAL = re.compile(r"(?<![a-z]) | (?![a-z])")  # in the end, only between Latin words
_TLDS = ("com|cn|net|org|top|xyz|icu|vip|cc|me|info|app|shop|site|club|online|ltd|link|io|co|tk|ml"
         "|ga|ws|pw|biz|wang|live|fun|pro|tv|asia|hk|tw|work|store|cloud|mobi|win|bid|loan|ren")
_URL = re.compile(
    r"(?:(?:https?|hxxps?|ftp)://|www\.)[a-z0-9\-._~:/?#@!$&'()*+,;=%]+"
    r"|(?<![a-z0-9@.\-])[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)*\.(?:" + _TLDS + r")(?![a-z0-9\-])"
    r"(?::\d+)?(?:/[a-z0-9\-._~:/?#@!$&'()*+,;=%]*)?"
)
_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[\- ]?)?1[3-9][0-9](?:[\- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(?:[48]00[\- ]?[0-9]{3}[\- ]?[0-9]{4}|0[1-9][0-9]{1,2}-[0-9]{7,8})(?![0-9])")
_DODGES = (
    (re.compile(r"(?<![a-z])(?:v信|vx|wx|weixin|薇信|威信|徽信|维信|微x|威❤|微❤|v❤|卫星号)(?![a-z])"), "微信"),
    (re.compile(r"(?<![a-z])(?:扣扣|抠抠|企鹅号|q号|q群)(?![a-z])"), "qq"),
    (re.compile(r"[➕✚](?=微信|qq|v(?![a-z])|q(?![a-z]))"), "加"),
    (re.compile(r"(?<![a-z])\+(?=微信|qq|v(?![a-z])|q(?![a-z]))"), "加"),
)
_DODGE_HINT = re.compile(r"[vwq薇威徽维微卫扣抠企➕✚+]")
_LATIN = re.compile(r"[a-z]")
_QQ = re.compile(r"(?<![a-z])(qq|q)(?:号码|号)?[:：]?([0-9]{5,11})(?![0-9])")
_ACCOUNT_ID = re.compile(
    r"(微信|wechat|id|账号|帐号)(?:号)?[:：]?([a-z][a-z0-9_\-]{4,24})(?![a-z0-9_\-])"
    r"|(?<![a-z0-9_])(?:wxid_[a-z0-9_\-]+|(?=[a-z_\-]*[0-9])(?=[0-9_\-]*[a-z])[a-z0-9_\-]{6,30})(?![a-z0-9_])"
)
_AMOUNT = re.compile(
    r"(?:[¥￥]|rmb|人民币)\s?([0-9][0-9,]*(?:\.[0-9]+)?)(万|w|千|k)?(?:元|块)?"
    r"|([0-9][0-9,]*(?:\.[0-9]+)?)(万|w|千|k)?(?:元|块钱|块|rmb)"
    r"|([0-9][0-9,]*(?:\.[0-9]+)?)(万)"
)
_PERCENT = re.compile(r"[0-9]+(?:\.[0-9]+)?%")
_DATETIME = re.compile(
    r"[0-9]{4}[\-/.年][0-9]{1,2}[\-/.月][0-9]{1,2}日?(?:[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
    r"|[0-9]{1,2}月[0-9]{1,2}[日号]?(?:[0-9]{1,2}[时点](?:[0-9]{1,2}分)?)?"
    r"|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"
    r"|[0-9]{1,2}[时点](?!赞|击)(?:[0-9]{1,2}分|半)?"
)
_SPLIT_DIGITS = re.compile(r"(?<![0-9])(?<![0-9][ .\-·/|~、*_])(?:[0-9]{1,2}[ .\-·/|~、*_]){2,}[0-9]{1,2}(?![0-9])")
_SEPARATORS = re.compile(r"[ .\-·/|~、*_]")
_DIGIT = re.compile(r"[0-9]")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff\ufe0f\u20e3"
    "\u3297\u3299\u00a9\u00ae\u2122]+"
)
_DROP = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaffa-z\u3040-\u30ff\uac00-\ud7af\ue000-\ue0ff【】 ]+")


def _amount(match: re.Match) -> str:
    digits = match.group(1) or match.group(3) or match.group(5)
    unit = match.group(2) or match.group(4) or match.group(6)
    try:
        yuan = float(digits.replace(",", ""))
    except ValueError:
        return _P["amount_medium"]
    yuan *= {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000}.get(unit or "", 1)
    if yuan < 100:
        return _P["amount_small"]
    return _P["amount_medium"] if yuan < 10_000 else _P["amount_large"]


def _number(match: re.Match) -> str:
    digits = match.group(0).split(".", 1)[0]
    n = len(digits)
    if n <= 3:
        return _P["number_short"]
    if n <= 5:
        return _P["number_code"]
    return _P["number_otp"] if n == 6 else _P["number_long"]


def _account_id(match: re.Match) -> str:
    return (match.group(1) or "") + _P["account_id"]


def normalise(text: str) -> str:
    """The text as features see it (module docstring); '' for None or blank text."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = t.translate(_CHARACTERS)
    if _SPACE.search(t):
        t = _SPACE_DROPPED.sub("", _SPACE.sub(" ", t).strip())
    if "@" in t:
        t = _EMAIL.sub(_P["email"], t)
    if "." in t:
        t = _URL.sub(_P["url"], t)
    if _DODGE_HINT.search(t):
        for pattern, spelling in _DODGES:
            t = pattern.sub(spelling, t)
    has_latin = _LATIN.search(t) is not None
    if _DIGIT.search(t):
        t = _SPLIT_DIGITS.sub(lambda m: _SEPARATORS.sub("", m.group(0)), t)
        t = _MOBILE.sub(_P["mobile"], t)
        t = _LANDLINE.sub(_P["landline"], t)
        t = _QQ.sub(lambda m: m.group(1) + _P["qq"], t)
    if has_latin:
        t = _ACCOUNT_ID.sub(_account_id, t)
    if _DIGIT.search(t):
        t = _AMOUNT.sub(_amount, t)
        t = _PERCENT.sub(_P["percent"], t)
        t = _DATETIME.sub(_P["datetime"], t)
        t = _NUMBER.sub(_number, t)
    t = _EMOJI.sub(_P["emoji"], t)
    t = _DROP.sub("", t)
    return _SPACE_FINAL.sub("", t).strip() if " " in t else t
