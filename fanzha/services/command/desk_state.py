"""The live state of the desks (各工作台实时状态) for leadership: how much work is open now and how
much of it is late, over the actor's area. Counts only.

- stop-payment orders open (drafted, sent or stopped) and, of those stopped, the ones expiring
  within NEAR_EXPIRY (6 hours): they need a renewal or a freeze;
- warning leads open (not closed) and overdue (unsigned past the time to sign, or unfinished past
  the time to finish);
- number orders waiting at an operator and, of those, past their 1-hour or 24-hour limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.number_order import NumberOrderState
from fanzha.domain.permissions import Permission
from fanzha.domain.stop_payment import NEAR_EXPIRY, OrderState
from fanzha.services.command.area import Area
from fanzha.store.models import Case, NumberOrder, StopPaymentOrder, WarningLead

OPEN_ORDER_STATES = tuple(s.value for s in OrderState if s.is_open)


@dataclass(frozen=True)
class DeskState:
    at: datetime
    orders_open: int
    orders_near_expiry: int
    leads_open: int
    leads_overdue: int
    number_orders_waiting: int
    number_orders_overdue: int


def desk_state(session: Session, actor: Actor, area: Area, now: datetime | None = None) -> DeskState:
    check(actor, Permission.STATS_READ)
    now = now or clock.now()

    def case_area(region_col, station_col) -> list:
        cond = []
        if area.region is not None:
            cond.append(region_col == area.region)
        if area.station_id is not None:
            cond.append(station_col == area.station_id)
        return cond

    orders_open, near = session.execute(
        select(func.count(), func.sum(case((and_(StopPaymentOrder.state == OrderState.STOPPED.value,
                                                 StopPaymentOrder.expires_at < now + NEAR_EXPIRY), 1), else_=0)))
        .select_from(StopPaymentOrder.__table__.join(Case, StopPaymentOrder.case_id == Case.id))
        .where(StopPaymentOrder.state.in_(OPEN_ORDER_STATES), *case_area(Case.region, Case.station_id))).one()
    late = or_(and_(WarningLead.state == "open", WarningLead.sign_by < now), WarningLead.finish_by < now)
    leads_open, leads_late = session.execute(
        select(func.count(), func.sum(case((late, 1), else_=0)))
        .where(WarningLead.state != "closed", *case_area(WarningLead.region, WarningLead.station_id))).one()
    numbers = select(func.count(), func.sum(case((NumberOrder.due_at < now, 1), else_=0))).where(
        NumberOrder.state == NumberOrderState.SENT.value)
    if area.region is not None:  # orders tied to no case belong to the whole city only
        numbers = numbers.select_from(NumberOrder.__table__.join(Case, NumberOrder.case_id == Case.id)).where(
            *case_area(Case.region, Case.station_id))
    waiting, overdue = session.execute(numbers).one()
    return DeskState(now, int(orders_open or 0), int(near or 0), int(leads_open or 0), int(leads_late or 0),
                     int(waiting or 0), int(overdue or 0))
