"""Resident identity numbers (居民身份证号): county code + birth date + sequence + ISO 7064 check digit."""
from __future__ import annotations

import numpy as np
import polars as pl

# Real administrative codes of the default city's counties (莆田市).
COUNTY_CODES = {"城厢区": "350302", "涵江区": "350303", "荔城区": "350304", "秀屿区": "350305", "仙游县": "350322"}

# Counties in other provinces where mule card holders (帮信 people) come from.
OTHER_PROVINCE_CODES = (
    "450102", "450103", "450721", "452123", "360102", "360121", "362131", "430102", "430521",
    "431202", "530102", "532101", "533102", "520102", "522601", "510104", "511302", "410102",
    "411302", "420102", "421182", "440303", "441502", "460105",
)

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = "10X98765432"


def county_code(county_name: str, index: int) -> str:
    """The county's code, or a made-up one in the same city range for layouts other than the default."""
    return COUNTY_CODES.get(county_name, f"3503{90 + index:02d}")


def check_digits(body: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check characters for 17-digit bodies given as int64."""
    body = np.asarray(body, dtype=np.int64)
    total = np.zeros(len(body), dtype=np.int64)
    for position in range(17):
        digit = (body // 10 ** (16 - position)) % 10
        total += digit * _WEIGHTS[position]
    return np.array(list(_CHECK))[total % 11]


def id_numbers(area_code: np.ndarray, birth: np.ndarray, male: np.ndarray) -> pl.Series:
    """18-character ID numbers, unique: the sequence counts people with the same area, birthday and sex.

    ``area_code`` is int (350302), ``birth`` datetime64[D]; the sequence's last digit is odd for men.
    """
    area_code = np.asarray(area_code, dtype=np.int64)
    birth = birth.astype("datetime64[D]")
    days = birth.astype(np.int64)
    year = birth.astype("datetime64[Y]")
    month = birth.astype("datetime64[M]")
    yyyymmdd = ((year.astype(np.int64) + 1970) * 10_000 + (month - year).astype(np.int64) * 100 + 100
                + (birth - month).astype(np.int64) + 1)
    # rank within (area, birthday, sex) groups
    order = np.lexsort((male, days, area_code))
    keys = np.stack([area_code[order], days[order], male[order].astype(np.int64)])
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = np.any(keys[:, 1:] != keys[:, :-1], axis=0)
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(order)), 0))
    # a group's numbers start from a point drawn from its key, so sequences do not all read 011, 012
    key = days[order] * 1_009 + area_code[order] % 1_000 * 2 + male[order]
    base = (key * 2_654_435_761) % 2**32 % 380
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = base + np.arange(len(order)) - group_start
    sequence = 2 * rank + np.where(male, 1, 2)  # odd for men, even for women
    if len(sequence) and (sequence.max() > 999 or sequence.min() < 1):
        raise ValueError("too many people share an area, birthday and sex for a 3-digit sequence")
    body = area_code * 10**11 + yyyymmdd * 1000 + sequence
    return pl.Series("id_number", body).cast(pl.Utf8) + pl.Series(check_digits(body))


def is_valid_id_number(text: str) -> bool:
    """True when an 18-character ID number's last character is its ISO 7064 check."""
    if len(text) != 18 or not text[:17].isdigit():
        return False
    return check_digits(np.array([int(text[:17])]))[0] == text[17].upper()
