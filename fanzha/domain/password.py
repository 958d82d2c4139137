"""Password rules (密码规则): what a password must be, lockout after failures, initial passwords.

A user created with an initial password (by an admin or ``fanzha users add``) must change it at
the first sign-in. Five wrong passwords in a row lock the account for 15 minutes.
"""
from __future__ import annotations

import secrets
import string
from datetime import timedelta

from fanzha.domain.errors import Problem

MIN_LENGTH = 10
MAX_LENGTH = 128
LOCKOUT_FAILURES = 5
LOCKOUT_FOR = timedelta(minutes=15)

_GENERATED_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def password_problems(password: str, username: str = "", place: str = "password") -> list[Problem]:
    """What is wrong with ``password`` as a new password (empty when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(Problem(place, f"a password needs at least {MIN_LENGTH} characters"))
    elif len(password) > MAX_LENGTH:
        problems.append(Problem(place, f"a password may have at most {MAX_LENGTH} characters"))
    classes = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                   any(not c.isalnum() for c in password)))
    if password and classes < 2:
        problems.append(Problem(place, "mix at least two of letters, digits and symbols"))
    if username and username.strip() and username.strip().lower() in password.lower():
        problems.append(Problem(place, "a password must not contain the username"))
    return problems


def generate_password(length: int = 14) -> str:
    """An initial password to hand over (letters and digits, no look-alikes: 0/O, 1/l/I)."""
    while True:
        candidate = "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
