"""Privacy (个人信息保护): how names, identity numbers, phone and account numbers are shown.

Every list, page, API answer and export shows them masked (陈*明, 3503**********1234,
138****5678, 6222********0001). A user whose role may reveal (permission ``case.reveal_pii``)
asks for one value with a stated reason; the reveal is written to the audit log and only that
value is shown whole. ``PrivacyView`` is the single place that decides what one viewer sees:
templates and API serialisers both go through it.

Fields are named by where they sit: ``victim.name``, ``victim.id_number``, ``victim.phone``,
``transfer.<id>.from_account``, ``transfer.<id>.to_account``, ``transfer.<id>.to_name``,
``contact.<id>.value``.
"""
from __future__ import annotations

from collections.abc import Iterable

from fanzha.domain.identity import mask

# What kind of value each field holds, by the last part of its name.
FIELD_KINDS = {
    "name": "name", "to_name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "from_account": "account", "to_account": "account",
    "value": "contact",
}
# Contacts are masked when they are phone or account numbers; URLs, apps and the like are not a
# person's identifiers and stay readable, because they are what investigators search for.
MASKED_CONTACT_KINDS = frozenset({"phone", "account"})


def mask_name(name: str | None) -> str:
    """陈某明 → 陈*明, 李四 → 李*; first and last character kept."""
    if not name:
        return ""
    return mask(name, keep_head=1, keep_tail=1) if len(name) > 2 else name[:1] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """13800000000 → 138****0000."""
    return mask(phone, keep_head=3, keep_tail=4)


def mask_id(id_number: str | None) -> str:
    """350302197901011234 → 3503**********1234."""
    return mask(id_number, keep_head=4, keep_tail=4)


def mask_account(number: str | None) -> str:
    """6222000000000001 → 6222********0001."""
    return mask(number, keep_head=4, keep_tail=4)


_MASKERS = {"name": mask_name, "phone": mask_phone, "id_number": mask_id, "account": mask_account}


def masked(kind: str, value: str | None) -> str:
    """``value`` masked as a ``kind`` (name, phone, id_number, account)."""
    return _MASKERS[kind](value)


def field_kind(field: str) -> str | None:
    return FIELD_KINDS.get(field.rsplit(".", 1)[-1])


class PrivacyView:
    """What one viewer sees: every personal value masked, except the fields revealed to them.

    ``revealed`` names fields shown whole (after an audited reveal); ``everything`` shows all
    whole (an audited API reveal or export with a reason).
    """

    def __init__(self, revealed: Iterable[str] = (), everything: bool = False) -> None:
        self.revealed = frozenset(revealed)
        self.everything = everything

    def is_revealed(self, field: str) -> bool:
        return self.everything or field in self.revealed

    def show(self, field: str, value: str | None, kind: str | None = None) -> str:
        """The value as this viewer sees it ('' for None)."""
        if value is None:
            return ""
        if self.is_revealed(field):
            return value
        kind = kind or field_kind(field)
        return masked(kind, value) if kind in _MASKERS else value

    def contact(self, field: str, contact_kind: str, value: str) -> str:
        """A fraudster's contact: phone and account numbers masked, URLs and app names not."""
        if contact_kind not in MASKED_CONTACT_KINDS:
            return value
        return self.show(field, value, "phone" if contact_kind == "phone" else "account")

    def is_masked(self, field: str, contact_kind: str | None = None) -> bool:
        """Whether ``field`` shows masked (and so may be revealed)."""
        if contact_kind is not None and contact_kind not in MASKED_CONTACT_KINDS:
            return False
        return not self.is_revealed(field)


MASKED = PrivacyView()  # everyone's default
