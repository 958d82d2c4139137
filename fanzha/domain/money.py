"""Money is integer fen (分), never floats. Files and forms speak yuan with up to two decimals."""
from __future__ import annotations

import re

_YUAN = re.compile(r"^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$")


def yuan_to_fen(text: str | int) -> int:
    """Parse a non-negative yuan amount such as ``"50000.00"`` or ``"1,234.5"`` into fen.

    Raises ValueError with a message a person can act on; floats are refused because they
    cannot carry cents exactly.
    """
    if isinstance(text, bool) or isinstance(text, float):
        raise ValueError(f"amount {text!r} must be written as text or integer yuan, not a float")
    if isinstance(text, int):
        if text < 0:
            raise ValueError(f"amount {text} is negative; amounts are always positive")
        return text * 100
    cleaned = str(text).replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    if cleaned.strip().startswith("-"):
        raise ValueError(f"amount {text!r} is negative; amounts are always positive")
    match = _YUAN.match(cleaned)
    if not match and re.match(r"^\s*\d+\.\d{3,}\s*$", cleaned):
        raise ValueError(f"amount {text!r} has more than two decimals; amounts are yuan to the fen (0.01)")
    if not match:
        raise ValueError(f"amount {text!r} is not a yuan amount like 1234.56")
    whole, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(cents)


def fen_to_yuan(fen: int) -> str:
    """Format fen as yuan with two decimals, e.g. 13410000 → '134100.00'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
