"""The hourly number rule (号码速率规则): which numbers the operators' last day of records flags.

A caller working down a list of strangers leaves a plain mark in a day of records: many distinct
residents, mostly short calls (unanswered or hung up), or many residents texted from a personal
mobile number. The rule reads two of the number model's own features (``callees`` and
``out_short_share``, engines/number_features.py) so an officer can check a flag by hand; it stands
in for the nightly model between its runs, and it can flag ordinary numbers too (a delivery
driver), which is why its flags are *suspected* and short-lived. The warning drill
(sim/drill/warning_signals.py) assumes these very figures.

A number sharing a handset (一机多卡: the same IMEI on its own outgoing calls) with a flagged
number is flagged too: gangs swap SIM cards in the same phones, residents rarely share one with a
fraud number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

SHORT_CALL_S = 10  # as the number features count short calls
CALL_RULE_RESIDENTS = 8  # ordinary numbers rarely call more than 4 residents a day
CALL_RULE_SHORT_SHARE = 0.5
SMS_RULE_RESIDENTS = 10  # a person texts a handful of people a day, not ten strangers
WINDOW = timedelta(hours=24)  # the records each run reads, up to the run's time
EVERY = timedelta(hours=1)  # how often the rule runs
HANDSET_LOOKBACK = timedelta(days=30)  # how far back a shared handset counts (the model's window)
FLAG_DAYS = 7  # a rule flag lapses unless an officer turns it into an order or a report names the number
PERSONAL_MOBILE = re.compile(r"^1\d{10}$")  # service numbers (1069…, 95…) send bulk notices legally


@dataclass(frozen=True)
class CallFigures:
    """A number's calls to residents in the window: distinct residents, calls, calls under SHORT_CALL_S."""

    number: str
    residents: int
    calls: int
    short_calls: int

    @property
    def short_share(self) -> float:
        return self.short_calls / self.calls if self.calls else 0.0

    def meets_rule(self) -> bool:
        return self.residents >= CALL_RULE_RESIDENTS and self.short_share >= CALL_RULE_SHORT_SHARE

    def reason(self, window: timedelta = WINDOW) -> str:
        return (f"{_hours(window)}小时内呼叫 {self.residents} 名居民, {self.short_share:.0%} 短呼 "
                f"(calls to {self.residents} residents, {self.short_calls} of {self.calls} under {SHORT_CALL_S} s)")


@dataclass(frozen=True)
class SmsFigures:
    """A number's texts to residents in the window: distinct residents texted."""

    number: str
    residents: int
    messages: int

    def meets_rule(self) -> bool:
        return self.residents >= SMS_RULE_RESIDENTS and PERSONAL_MOBILE.match(self.number) is not None

    def reason(self, window: timedelta = WINDOW) -> str:
        return (f"{_hours(window)}小时内向 {self.residents} 名居民发送短信 "
                f"(texted {self.residents} residents from a personal mobile number, {self.messages} messages)")


def shared_handset_reason(flagged_number: str, imei: str) -> str:
    return f"与涉诈号码 {flagged_number} 共用手机 IMEI {imei} (shares a handset with a flagged number)"


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g}"
