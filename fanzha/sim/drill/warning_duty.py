"""Officers on warning duty (预警值守): how many can work leads at each hour, and how long a lead takes.

The drill rations the officers' time: each station (派出所) has a stated number of officers working
warning leads at each hour of the day, each lead holds one officer for a stated time, and leads wait
in the station's queue by grade (高 first) and then by age (the oldest first). A person the registry
gives no station is worked by the city desk, with the same roster. Stated assumptions, not
measurements; change them here, with the reason, when a center's own figures are known.

Officers on duty at a station, by local hour (``ROSTER``):

- 08:00–12:00 and 14:00–18:00: 3. The station's anti-fraud post (反诈专岗, one officer) and two
  community officers (社区民警) who take leads between their other work.
- 12:00–14:00 and 18:00–22:00: 2. Meals and the evening shift: the post and one community officer.
- 22:00–08:00: 1. The night duty officer (值班民警), who also answers the 110 calls.

The simulated city's stations cover about 7,700 residents each at 100,000 residents (a real
station covers 30,000–80,000 with 40 or more officers), so the roster is small to match.

Time a lead holds an officer (``Duty``):

- a call answered: ``talk_s`` 12 minutes (locate, dissuade, educate, write it up: the 96110
  script), from the moment the call connects;
- a call not answered: ``no_answer_s`` 3 minutes (try twice, leave an SMS, note it);
- a visit (高 and 中 only; a 低 lead whose call is not answered ends unreachable and is left to
  the mass warning SMS): the officer is out from the call to the door (the visit delay in
  ``warning_officers``) and ``visit_s`` 30 minutes at the door; the same officer goes, so the
  station has one officer fewer until then.
- waiting for a person's line to free (on a call with a flagged number) holds the officer: the
  call screen shows the call, and the officer keeps trying.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fanzha.domain.warning_lead import Grade

MINUTE, HOUR = 60, 3600

ROSTER: tuple[int, ...] = (
    1, 1, 1, 1, 1, 1, 1, 1,  # 00–08: the night duty officer
    3, 3, 3, 3,  # 08–12
    2, 2,  # 12–14
    3, 3, 3, 3,  # 14–18
    2, 2, 2, 2,  # 18–22
    1, 1,  # 22–24
)
_OFFSET_S = 8 * HOUR  # the center's local time (Asia/Shanghai) keeps +08:00 all year


@dataclass(frozen=True)
class Duty:
    """Officers on warning duty per station by local hour (``roster``, 24 entries; ``None``: as many as there are
    leads, the drill's first version) and how long each kind of work holds one."""

    roster: tuple[int, ...] | None = ROSTER
    talk_s: int = 12 * MINUTE
    no_answer_s: int = 3 * MINUTE
    visit_s: int = 30 * MINUTE
    visit_grades: frozenset[Grade] = field(default_factory=lambda: frozenset({Grade.HIGH, Grade.MEDIUM}))

    def __post_init__(self) -> None:
        if self.roster is not None and (len(self.roster) != 24 or min(self.roster) < 0 or max(self.roster) == 0):
            raise ValueError("a duty roster has 24 hourly counts of officers, none negative, and someone on duty")

    @property
    def limited(self) -> bool:
        return self.roster is not None

    def on_duty(self, t: int) -> int:
        """Officers on warning duty at a station at ``t`` (s since the epoch)."""
        if self.roster is None:
            return 1 << 30
        return self.roster[((t + _OFFSET_S) // HOUR) % 24]

    @staticmethod
    def next_hour(t: int) -> int:
        return (t // HOUR + 1) * HOUR

    def as_dict(self) -> dict:
        return {"roster_by_local_hour": list(self.roster) if self.roster is not None else None,
                "talk_s": self.talk_s, "no_answer_s": self.no_answer_s, "visit_s": self.visit_s,
                "visit_grades": sorted(g.value for g in self.visit_grades)}


DUTY = Duty()
UNLIMITED = Duty(roster=None, visit_grades=frozenset(Grade))
