"""Screening SMS as they arrive (短信实时筛查): a flagged sender, or a text that reads like fraud.

An SMS record names the resident's side and the other side; the direction says who sent it (a
record ``in`` for the resident's number, or ``out`` for the sender's). Two things raise an alert
for the resident who received it, both graded below a live call and both handed to the warning
desk as ``fraud_contact`` (the call in progress stays the only 高 by itself):

- the sender is flagged (block list or number model) when the message was sent: 中;
- the content reads like fraud to the text classifier (the shipped ``sms_fraud`` model unless
  another is given) with a probability at or above ``threshold``, whoever sent it: 低.

The classifier's confidence goes with the alert's reason and the lead's evidence. Messages are
classified a batch at a time, and only those received by a resident.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from fanzha.engines.call_screening import CallScreen, Flag, Resident
from fanzha.services.telecom.alerts import SMS_FLAGGED_GRADE, SMS_TEXT_GRADE, AlertDraft
from fanzha.services.telecom.call_blocking import CALLBACK

if TYPE_CHECKING:
    from fanzha.events.sms_event import SmsEvent

log = logging.getLogger("fanzha.events")
TEXT_THRESHOLD = 0.9  # the fraud probability from which a text alone raises an alert
Classify = Callable[[list[str]], np.ndarray]  # texts -> probability that each is fraud


def default_classify() -> Classify | None:
    """The shipped SMS model's fraud probability, or None (with a warning) when it cannot load."""
    from fanzha.engines.text_defaults import default_sms_model, sms_fraud_probability
    from fanzha.engines.text_model_file import TextModelError

    try:
        model = default_sms_model()
    except (TextModelError, OSError) as exc:
        log.warning("SMS texts are not classified: %s", exc)
        return None
    return lambda texts: sms_fraud_probability(texts, model)


def _sides(e: SmsEvent) -> tuple[str, str]:
    """(sender, receiver)."""
    return (e.other, e.msisdn) if e.direction == "in" else (e.msisdn, e.other)


def _live(flag: Flag | None, at: datetime) -> Flag | None:
    return flag if flag is not None and at.timestamp() < flag.expires_epoch else None


def _draft(e: SmsEvent, resident: Resident, sender: str, reason: str, grade: str, flag: Flag | None,
           confidence: float | None) -> AlertDraft:
    evidence = {"channel": "sms"}
    if confidence is not None:
        evidence["text_fraud_probability"] = round(confidence, 4)
    if e.content:
        evidence["content"] = e.content[:200]
    return AlertDraft(resident_number=resident.number, person_id=resident.person_id, flagged_number=sender,
                      block_entry_id=flag.entry_id if flag else None, call_record_key=e.record_key,
                      call_start=e.time.astimezone(UTC), operator=resident.operator, reason=reason[:2000],
                      action=CALLBACK, grade=grade, kind="sms", evidence=evidence)


def sms_drafts(screen: CallScreen, events: Sequence[SmsEvent], classify: Classify | None,
               threshold: float = TEXT_THRESHOLD) -> tuple[list[AlertDraft], list[int]]:
    """The alerts a batch of SMS raises, and the positions of the messages that raised them."""
    received = []  # (position, sender, resident) for messages a resident received
    for i, e in enumerate(events):
        sender, receiver = _sides(e)
        if (resident := screen.resident(receiver)) is not None:
            received.append((i, sender, resident))
    if not received:
        return [], []
    texts = [(i, events[i].content) for i, *_ in received if events[i].content]
    confidence: dict[int, float] = {}
    if texts and classify is not None:
        confidence = dict(zip((i for i, _ in texts), map(float, classify([t for _, t in texts])), strict=True))
    drafts, where = [], []
    for i, sender, resident in received:
        e = events[i]
        p = confidence.get(i)
        said = f"; the text reads like fraud with probability {p:.2f}" if p is not None and p >= threshold else ""
        if (flag := _live(screen.flags.get(sender), e.time)) is not None:
            source = f"block list entry {flag.entry_id}" if flag.entry_id is not None else "the number model"
            reason = (f"{resident.number} received an SMS from {flag.number} ({flag.list_kind}, {source}: "
                      f"{flag.reason}){said}; 回访提醒")
            drafts.append(_draft(e, resident, sender, reason, SMS_FLAGGED_GRADE, flag, p))
        elif said:
            reason = f"{resident.number} received an SMS from {sender}, not flagged{said}; 回访提醒"
            drafts.append(_draft(e, resident, sender, reason, SMS_TEXT_GRADE, None, p))
        else:
            continue
        where.append(i)
    return drafts, where
