"""The warning drill's figures (劝阻演练结果): who was reached in time, who was dissuaded, the loss avoided.

Money is summed in integer fen from the truth's payments. "Would have paid" counts the truth's
victims (each paid at least once). "Reached before the first payment" counts victims an officer
reached (by phone or visit), or a warning SMS or a flash SMS (闪信) stopped (``warning_sms``: a small
stated chance), strictly before their first payment; its share is over the victims who would have
paid, and the three ways are also counted apart (the officers' alone is the stricter figure), as
are the victims the officers reached in time through a lead with a visit to a flagged site among
its signals. Leads are also counted by the source of the signal that opened them. Times run from a victim's first signal once their script began (or the opening of
the lead that reached them, if earlier) to the officer's first contact after it began, over the
victims reached; the median and the 90th percentile are whole seconds. "With a signal before
paying" counts the victims the desk had any signal on before their first payment: the most it
could reach in time, whatever the officers do; "with a lead before paying" counts those with a
signal that raises an officer's lead (``warning_signals``: triage). The queue wait is from the
station's signing to an officer taking the lead (``warning_duty``), over every lead, in whole
seconds. The ceiling (``warning_ceiling``) is what any desk could reach, from the truth. Leads are counted by the
grade they were worked at, for everyone (victims and the many people a flagged number reached who
did not fall for it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fanzha.domain.dissuasion import Result
from fanzha.domain.warning_lead import Grade, LeadSource
from fanzha.sim.drill.warning_replay import WarningOutcome


def _spread(values: list[int]) -> dict:
    if not values:
        return {"victims": 0, "median_s": None, "p90_s": None}
    return {"victims": len(values), "median_s": int(np.median(values)), "p90_s": int(np.percentile(values, 90))}


def _waits(leads: list) -> dict:
    def spread(waits: list[int]) -> dict:
        if not waits:
            return {"leads": 0, "p50_s": None, "p90_s": None, "max_s": None}
        return {"leads": len(waits), "p50_s": int(np.median(waits)), "p90_s": int(np.percentile(waits, 90)),
                "max_s": int(max(waits))}

    out = spread([lead.queue_wait_s for lead in leads])
    out["by_grade"] = {g.value: spread([lead.queue_wait_s for lead in leads if lead.grade is g]) for g in Grade}
    return out


def _sms(outcome: WarningOutcome) -> dict:
    sent = outcome.broadcasts
    return {"sent": sent.sent if sent else 0, "delivered": sent.delivered if sent else 0,
            "victims_stopped": sum(o.sms_heeded_at is not None for o in outcome.victims)}


def _flash(outcome: WarningOutcome) -> dict:
    sent = outcome.flashes
    return {"sent": sent.sent if sent else 0, "delivered": sent.delivered if sent else 0,
            "victims_stopped": sum(o.flash_heeded_at is not None for o in outcome.victims)}


@dataclass
class WarningFigures:
    desk: bool
    victims: int  # in the truth
    would_pay: int  # of them, those who paid in the truth (all of them)
    truth_loss_fen: int
    with_signal: int  # victims the desk had any signal on
    signal_before_payment: int  # victims with a signal before their first payment: the most that can be reached in time
    reached: int  # victims reached at any time
    reached_before_payment: int  # by an officer or a heeded warning SMS
    officer_reached_before_payment: int
    sms_heeded_before_payment: int
    flash_heeded_before_payment: int
    officer_reached_via_visits_before_payment: int  # by a lead with a visit to a flagged site among its signals
    dissuaded: int
    dissuaded_before_payment: int
    loss_fen: int  # what the victims paid in the drill
    loss_avoided_fen: int
    signal_to_contact: dict
    leads: int = 0
    leads_by_grade: dict = field(default_factory=dict)
    leads_by_result: dict = field(default_factory=dict)
    people_with_leads: int = 0
    people_not_victims: int = 0  # warned or sought, not victims in the truth
    numbers_flagged: int = 0
    gang_numbers_flagged: int = 0
    false_flags: int = 0
    lead_signal_before_payment: int = 0
    queue_wait: dict = field(default_factory=dict)
    sms: dict = field(default_factory=dict)
    flash: dict = field(default_factory=dict)
    leads_by_source: dict = field(default_factory=dict)  # by the source of the signal that opened the lead
    sites_flagged: int = 0
    ceiling: dict = field(default_factory=dict)

    @property
    def share_reached_before_payment(self) -> float:
        return self.reached_before_payment / self.would_pay if self.would_pay else 0.0

    @property
    def share_officer_reached_before_payment(self) -> float:
        return self.officer_reached_before_payment / self.would_pay if self.would_pay else 0.0

    @property
    def share_avoided(self) -> float:
        return self.loss_avoided_fen / self.truth_loss_fen if self.truth_loss_fen else 0.0

    @classmethod
    def of(cls, outcome: WarningOutcome) -> WarningFigures:
        vs = outcome.victims
        would = [o for o in vs if o.victim is not None and o.victim.payments]
        everyone = vs + outcome.others
        leads = [lead for o in everyone for lead in o.leads]
        by_grade = {g.value: sum(1 for lead in leads if lead.grade is g) for g in Grade}
        by_result = {r.value: sum(1 for lead in leads if lead.result is r) for r in Result}
        flags = outcome.flags
        return cls(
            desk=outcome.desk, victims=len(vs), would_pay=len(would),
            truth_loss_fen=sum(o.loss_fen for o in vs),
            with_signal=sum(o.first_signal is not None for o in vs),
            signal_before_payment=sum(o.first_signal is not None and o.first_signal < o.victim.first_payment
                                      for o in would),
            reached=sum(o.reached_at is not None for o in vs),
            reached_before_payment=sum(o.first_reach is not None and o.first_reach < o.victim.first_payment
                                       for o in would),
            officer_reached_before_payment=sum(o.reached_at is not None and o.reached_at < o.victim.first_payment
                                               for o in would),
            sms_heeded_before_payment=sum(o.sms_heeded_at is not None and o.sms_heeded_at < o.victim.first_payment
                                          for o in would),
            flash_heeded_before_payment=sum(o.flash_heeded_at is not None
                                            and o.flash_heeded_at < o.victim.first_payment for o in would),
            officer_reached_via_visits_before_payment=sum(
                o.reached_at is not None and o.reached_at < o.victim.first_payment
                and LeadSource.FRAUD_URL in o.reached_via for o in would),
            dissuaded=sum(o.dissuaded_at is not None for o in vs),
            dissuaded_before_payment=sum(o.dissuaded_at is not None and o.dissuaded_at < o.victim.first_payment
                                         for o in would),
            loss_fen=sum(o.paid_fen for o in vs), loss_avoided_fen=sum(o.avoided_fen for o in vs),
            signal_to_contact=_spread([o.reached_at - o.first_signal for o in vs
                                       if o.reached_at is not None and o.first_signal is not None]),
            leads=len(leads), leads_by_grade=by_grade, leads_by_result=by_result,
            people_with_leads=sum(1 for o in everyone if o.leads), people_not_victims=len(outcome.others),
            numbers_flagged=len(flags.numbers) if flags else 0,
            gang_numbers_flagged=flags.gang_numbers_flagged if flags else 0,
            false_flags=flags.false_flags if flags else 0,
            lead_signal_before_payment=outcome.lead_signal_before_payment,
            queue_wait=_waits(leads),
            sms=_sms(outcome), flash=_flash(outcome),
            leads_by_source={s.value: sum(1 for lead in leads if lead.opened_by is s) for s in LeadSource},
            sites_flagged=len(flags.sites) if flags else 0,
            ceiling=outcome.ceiling.as_dict() if outcome.ceiling else {})

    def as_dict(self) -> dict:
        return {
            "desk": self.desk, "victims": self.victims, "victims_would_pay": self.would_pay,
            "truth_loss_fen": self.truth_loss_fen, "victims_with_signal": self.with_signal,
            "victims_with_signal_before_first_payment": self.signal_before_payment,
            "victims_reached": self.reached, "reached_before_first_payment": self.reached_before_payment,
            "share_reached_before_first_payment": round(self.share_reached_before_payment, 4),
            "reached_before_first_payment_by_officers": self.officer_reached_before_payment,
            "share_reached_before_first_payment_by_officers": round(self.share_officer_reached_before_payment, 4),
            "stopped_by_warning_sms_before_first_payment": self.sms_heeded_before_payment,
            "stopped_by_flash_sms_before_first_payment": self.flash_heeded_before_payment,
            "reached_before_first_payment_by_officers_via_visits": self.officer_reached_via_visits_before_payment,
            "victims_with_lead_signal_before_first_payment": self.lead_signal_before_payment,
            "dissuaded": self.dissuaded, "dissuaded_before_first_payment": self.dissuaded_before_payment,
            "loss_fen": self.loss_fen, "loss_avoided_fen": self.loss_avoided_fen,
            "share_loss_avoided": round(self.share_avoided, 4),
            "first_signal_to_contact": self.signal_to_contact, "leads": self.leads,
            "leads_by_grade": self.leads_by_grade, "leads_by_result": self.leads_by_result,
            "people_with_leads": self.people_with_leads, "people_not_victims": self.people_not_victims,
            "numbers_flagged": self.numbers_flagged, "gang_numbers_flagged": self.gang_numbers_flagged,
            "false_flags": self.false_flags, "sites_flagged": self.sites_flagged, "leads_by_source": self.leads_by_source,
            "queue_wait": self.queue_wait, "warning_sms": self.sms, "flash_sms": self.flash,
            "ceiling": self.ceiling,
        }


def compare(desk: WarningFigures, none: WarningFigures) -> dict:
    """The desk against no desk on the same city: the loss avoided is the difference in loss."""
    return {"loss_avoided_fen": none.loss_fen - desk.loss_fen,
            "loss_with_desk_fen": desk.loss_fen, "loss_without_desk_fen": none.loss_fen,
            "share_loss_avoided": round((none.loss_fen - desk.loss_fen) / none.loss_fen, 4) if none.loss_fen else 0.0,
            "target_half_reached_before_first_payment": desk.share_reached_before_payment >= 0.5,
            "target_half_reached_before_first_payment_by_officers": desk.share_officer_reached_before_payment >= 0.5,
            "ceiling_share_reachable": desk.ceiling.get("share_reachable")}
