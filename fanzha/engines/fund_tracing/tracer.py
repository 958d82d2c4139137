"""Fund tracing (资金穿透): follow stolen money forward in time through every account it reaches.

The victims' payments land in level-1 accounts. From then on each account's statement is read
posting by posting, in time order, and only after the stolen money arrived: incoming postings add
money (tainted when they are the other side of a tainted transfer), outgoing postings carry the
account's taint out under the attribution rule. A tainted transfer to an account whose statement
is in hand continues there, at the posting where that account received it; one to an account
without a statement stops (调证: its statement is requested); cash and purchases stop. Accounts are
interleaved by a priority queue on time, so money that comes back to an earlier account (a cycle)
is simply money arriving again, later: every posting is read at most once, nothing loops and
nothing is counted twice.

Conservation is by construction: every fen of taint is at each moment in exactly one account
(held), or has left through an exit (cash, purchase, untraced). The result is checked before it
is returned.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable

from fanzha.domain.attribution import Action, AttributionRule, ExitKind, split_by_largest_remainder
from fanzha.domain.money import fen_to_yuan
from fanzha.engines.fund_tracing.ledger_index import CASH, PURCHASE, TRANSFER, LedgerIndex
from fanzha.engines.fund_tracing.result import (
    AccountTrace,
    StatementRequest,
    TaintedFlow,
    Totals,
    TraceExit,
    TraceResult,
    TraceWarning,
    local_time,
)
from fanzha.engines.fund_tracing.sources import REPORT_WINDOW_S, Source, epoch_us, match_sources
from fanzha.engines.fund_tracing.taint import Lots, Taint, add, proportional_out, take

NO_STATEMENT = "no_statement"
NOT_IN_STATEMENT = "not_in_statement"
LEVEL_LIMIT = "level_limit"
NOT_PLACED = "not_placed"
REPORT_NOT_FOUND = "report_transfer_not_found"
_CHUNK = 64  # postings fetched from the arrays at a time, growing to _CHUNK_MAX for busy accounts
_CHUNK_MAX = 4096
_NEVER = (1 << 62, 2, 1 << 62)


class _Account:
    """What happened to the taint at one account (accumulated over the trace)."""

    __slots__ = ("code", "level", "first_time", "first_posting", "vin", "vout", "vuntraced", "held")

    def __init__(self, code: int, level: int, time: int, posting: int) -> None:
        self.code = code
        self.level = level
        self.first_time = time
        self.first_posting = posting
        self.vin: Taint = {}
        self.vout: Taint = {}
        self.vuntraced: Taint = {}
        self.held: Taint = {}


class _State:
    """An account being traced: its next posting, its taint, and a window of its postings as lists."""

    __slots__ = ("ptr", "end", "taint", "total", "lots", "lo", "hi", "chunk", "cols", "walked", "waiting", "key")

    def __init__(self, ptr: int, end: int) -> None:
        self.walked = False  # no posting read yet: the start may still move earlier
        self.waiting = -1  # the account this one waits for, to read its next posting
        self.key: tuple = ()  # its place in the queue (its one live entry)
        self.ptr = ptr
        self.end = end
        self.taint: Taint = {}
        self.total = 0
        self.lots: Lots | None = None
        self.lo = self.hi = ptr
        self.chunk = _CHUNK
        self.cols: tuple = ()


def trace(index: LedgerIndex, sources: Iterable[Source], rule: AttributionRule | str = AttributionRule.PROPORTIONAL,
          max_level: int | None = None, *, report_window_s: int = REPORT_WINDOW_S) -> TraceResult:
    """Trace the sources' money through the statements in ``index`` (资金穿透).

    ``rule`` is ``proportional`` or ``fifo`` (see ``fanzha.domain.attribution``). ``max_level``
    stops following money into accounts deeper than that level (their money is untraced, reason
    ``level_limit``). Each source's victim is kept apart from the others all the way.
    """
    if max_level is not None and max_level < 1:
        raise ValueError("max_level must be 1 or more")
    return _Tracer(index, AttributionRule(rule), max_level).run(list(sources), report_window_s)


class _Tracer:
    def __init__(self, index: LedgerIndex, rule: AttributionRule, max_level: int | None) -> None:
        self.ix = index
        self.rule = rule
        self.fifo = rule is AttributionRule.FIFO
        self.max_level = max_level
        self.n = index.accounts
        self.extra: dict[str, int] = {}  # accounts no posting names (reported payees): codes from n on
        self.extra_info: dict[int, tuple[str, str | None, str | None]] = {}
        self.victims: list[str] = []
        self.records: dict[int, _Account] = {}
        self.states: dict[int, _State] = {}
        self.resume: dict[int, int] = {}  # after a drained account is let go: its next unread posting
        self.pending: dict[int, Taint] = {}  # posting → taint arriving with it
        self.pending_at: dict[int, list[int]] = {}  # account → postings with pending taint
        # (time, incoming, posting, rank, account, its next posting): the earliest next posting first;
        # rank 1 puts an account that waits for another right behind it
        self.heap: list[tuple[int, int, int, int, int, int]] = []
        self.exits: list[tuple] = []  # (kind, account, posting, time, level, from, counterparty, reason, taint, place)
        self.flows: list[tuple] = []  # (posting, account, level, kind, taint)
        self.requests: dict[int, list] = {}  # account → [level, since, fen, reason]
        self.notes: list[TraceWarning] = []
        self.late_accounts: set[int] = set()
        self.steps = 0
        self.in_hand = index.in_hand_bytes
        self.report_window_s = REPORT_WINDOW_S

    # --- sources ---------------------------------------------------------------------------

    def run(self, sources: list[Source], report_window_s: int) -> TraceResult:
        ix = self.ix
        self.report_window_s = report_window_s
        victim_of: dict[str, int] = {}
        stolen: dict[int, int] = {}
        codes, from_codes = [], []
        for source in sources:
            if source.amount_fen <= 0:
                raise ValueError(f"{source.place or source.victim}: a source's amount must be above zero")
            v = victim_of.setdefault(source.victim, len(victim_of))
            stolen[v] = stolen.get(v, 0) + source.amount_fen
            codes.append(ix.code_of(source.account))
            from_codes.append(ix.code_of(source.from_account))
        self.victims = list(victim_of)
        postings = match_sources(ix.time, ix.amount, ix.incoming, ix.counterparty, ix.offsets, codes, from_codes,
                                 sources, report_window_s)
        ordered = sorted(zip(sources, codes, postings, strict=True), key=lambda s: (epoch_us(s[0].time), s[2]))
        for source, code, posting in ordered:
            v = victim_of[source.victim]
            shares = {v: source.amount_fen}
            t = epoch_us(source.time)
            if code < 0:
                code = self._extra_code(source)
            if posting >= 0:
                self._deliver(code, posting, shares, 1)
                continue
            self._lose(code, shares, 1, t, -1, -1, self._source_reason(source, code), source.place)
        self._loop()
        return self._result(stolen)

    def _extra_code(self, source: Source) -> int:
        code = self.extra.get(source.account)
        if code is None:
            code = self.n + len(self.extra)
            self.extra[source.account] = code
            self.extra_info[code] = (source.account, source.bank, source.holder)
        return code

    def _in_hand(self, code: int) -> bool:
        return code < self.n and bool(self.ix.statement_in_hand[code])

    def _source_reason(self, source: Source, code: int) -> str:
        if not self._in_hand(code):
            return NO_STATEMENT
        period = self.ix.statement_period(code)
        start, end = (local_time(t) for t in period)  # type: ignore[union-attr]
        self.notes.append(TraceWarning(
            REPORT_NOT_FOUND, source.account, source.place,
            f"the reported payment of {fen_to_yuan(source.amount_fen)} yuan at {local_time(epoch_us(source.time))} "
            f"is not in the statement of {source.account} (it covers {start} to {end}; no incoming posting of that "
            f"amount within {self.report_window_s // 60} minutes); the money is counted as untraced",
            source.amount_fen))
        return REPORT_NOT_FOUND

    # --- moving taint ----------------------------------------------------------------------

    def _record(self, code: int, level: int, time: int, posting: int) -> _Account:
        record = self.records.get(code)
        if record is None:
            record = self.records[code] = _Account(code, level, time, posting)
        else:
            if level < record.level:
                record.level = level
            if time < record.first_time:
                record.first_time, record.first_posting = time, posting
        return record

    def _lose(self, code: int, shares: Taint, level: int, time: int, posting: int, payer: int, reason: str,
              place: str | None = None) -> None:
        """Taint reaches ``code`` but cannot be followed in it: it is untraced there."""
        record = self._record(code, level, time, -1)
        add(record.vin, shares)
        add(record.vuntraced, shares)
        self.exits.append((ExitKind.UNTRACED, code, posting, time, level, payer, -1, reason, shares, place))
        if reason == NO_STATEMENT:
            self._request(code, level, time, sum(shares.values()))

    def _request(self, code: int, level: int, time: int, fen: int, reason: str | None = None) -> None:
        request = self.requests.get(code)
        if request is None:
            self.requests[code] = [level, time, fen, reason]
        else:
            request[0] = min(request[0], level)
            request[1] = min(request[1], time)
            request[2] += fen

    def _deliver(self, code: int, posting: int, shares: Taint, level: int) -> None:
        """Taint arrives at ``code`` with its incoming ``posting``."""
        ix = self.ix
        record = self._record(code, level, int(ix.time[posting]), posting)
        add(record.vin, shares)
        state = self.states.get(code)
        if state is not None and posting < state.ptr and not state.walked and not state.total:
            self._restart(code, state, posting)
        if state is not None and posting >= state.ptr:
            self._pend(code, posting, shares)
            return
        if state is None:
            start = max(posting, self.resume.get(code, posting))
            state = self._start(code, start)
            if start == posting:
                self._pend(code, posting, shares)
                self._push(code, state)
                return
            if start < state.end:
                self._push(code, state)
        self._late(code, state, shares, posting, level)

    def _start(self, code: int, start: int) -> _State:
        ix = self.ix
        state = _State(start, int(ix.offsets[code + 1]))
        if self.fifo:
            state.lots = Lots(ix.balance_at(code, start))
        self.states[code] = state
        return state

    def _restart(self, code: int, state: _State, posting: int) -> None:
        """An account not read yet gets taint at an earlier posting: it starts there instead."""
        state.ptr = state.lo = state.hi = posting
        state.chunk = _CHUNK
        if state.lots is not None:
            state.lots = Lots(self.ix.balance_at(code, posting))
        self._push(code, state)  # the entry at the old start is superseded

    def _pend(self, code: int, posting: int, shares: Taint) -> None:
        entry = self.pending.get(posting)
        if entry is None:
            self.pending[posting] = dict(shares)
            self.pending_at.setdefault(code, []).append(posting)
        else:
            add(entry, shares)

    def _push(self, code: int, state: _State) -> None:
        p = state.ptr
        state.key = (int(self.ix.time[p]), int(self.ix.incoming[p]), p, 0)
        heapq.heappush(self.heap, (*state.key, code, p))

    def _top(self) -> tuple:
        """The queue's first live entry (superseded entries are dropped), or _NEVER."""
        heap, states = self.heap, self.states
        while heap:
            entry = heap[0]
            state = states.get(entry[4])
            if state is not None and state.ptr == entry[5] and state.key == entry[:4]:
                return entry
            heapq.heappop(heap)
        return _NEVER

    def _late(self, code: int, state: _State, shares: Taint, posting: int, level: int) -> None:
        """Taint for a posting already read (the payee posted it before the payer): it counts from now.

        It can only take the place of clean money still in the account; what finds no room left
        with earlier outflows the trace cannot attribute any more, and is untraced.
        """
        ix = self.ix
        room = (state.lots.clean() if state.lots is not None
                else ix.balance_at(code, state.ptr) - state.total)
        fen = sum(shares.values())
        placed = shares if fen <= room else split_by_largest_remainder(max(room, 0), shares)
        lost = dict(shares)
        take(lost, placed)
        if placed:
            if state.lots is not None:
                state.lots.taint_newest(placed)
                state.total = state.lots.tainted
            else:
                add(state.taint, placed)
                state.total += sum(placed.values())
        if code not in self.late_accounts:
            self.late_accounts.add(code)
            self.notes.append(TraceWarning(
                "out_of_order", ix.name(code), ix.place(posting),
                "tainted money arrived on a posting dated before the payer's (the banks' times are out of order); "
                "it is counted from the account's next posting" + (
                    f", and {fen_to_yuan(sum(lost.values()))} yuan of it, already gone, is untraced" if lost else ""),
                fen))
        if lost:
            record = self.records[code]
            add(record.vuntraced, lost)
            self.exits.append((ExitKind.UNTRACED, code, posting, int(ix.time[posting]), level, -1, -1, NOT_PLACED,
                               lost, None))

    # --- the walk --------------------------------------------------------------------------

    def _loop(self) -> None:
        heap = self.heap
        states = self.states
        while heap:
            entry = heapq.heappop(heap)
            code, posting = entry[4], entry[5]
            state = states.get(code)
            if state is None or state.ptr != posting or state.key != entry[:4]:
                continue  # superseded
            state.key = ()
            self._walk(code, state)

    def _walk(self, code: int, state: _State) -> None:
        """Read the account's postings in order for as long as no taint can still be on its way.

        Outflows never wait. An incoming posting waits only when it is the other side of a transfer
        whose payer may still send taint with it: the payer is being traced and has not read that
        outflow yet, or is not traced now but could be reached before that outflow's time (the
        earliest time any traced account has still to read). So each account is read in long
        stretches, and taint is in place before the posting it arrives with is read. At the first
        posting of a walk the account waits right behind the account it waits for; only when that
        one waits too (a cycle of transfers stamped earlier on the payee's side than the payer's)
        does it go first, and taint that then arrives for a posting already read is handled late.
        """
        ix = self.ix
        pending = self.pending
        states = self.states
        fifo = self.fifo
        pair_time = ix.time
        top = self._top()
        frontier = top[0]
        p = state.ptr
        end = state.end
        if p >= state.hi:
            self._fetch(state, p)
        lo, hi = state.lo, state.hi
        times, amounts, incoming, kinds, balances, pairs, others = state.cols
        state.walked = True
        first = p
        steps = 0
        while p < end:
            if p >= hi:
                self._fetch(state, p)
                lo, hi = state.lo, state.hi
                times, amounts, incoming, kinds, balances, pairs, others = state.cols
            j = p - lo
            tp = times[j]
            if incoming[j]:
                o = pairs[j]
                if o >= 0:
                    payer = others[j]
                    other = states.get(payer)
                    if other is not None:
                        blocker = payer if other.ptr <= o and payer != code else -1
                    elif int(pair_time[o]) >= frontier:
                        blocker = top[4]  # an account still to be read from then could reach the payer in time
                    else:
                        blocker = -1
                    if blocker >= 0:
                        if p != first:
                            break  # the payer may still send taint with this posting: wait for it
                        if self._wait(code, state, blocker):
                            return
                state.waiting = -1
                steps += 1
                shares = pending.pop(p, None) if pending else None
                if shares is not None:
                    self.pending_at[code].remove(p)
                    if fifo:
                        state.lots.money_in(amounts[j], shares)
                        state.total = state.lots.tainted
                    else:
                        add(state.taint, shares)
                        state.total += sum(shares.values())
                elif fifo:
                    state.lots.money_in(amounts[j], None)
                p += 1
                continue
            steps += 1
            amount = amounts[j]
            if fifo:
                shares, short = state.lots.money_out(amount)
                if short and shares:
                    self._deficit(code, p, short)
                state.total = state.lots.tainted
            elif state.total:
                balance = balances[j]
                if balance < amount:
                    self._deficit(code, p, amount - balance)
                shares = proportional_out(state.taint, state.total, amount, balance)
                if shares:
                    state.total -= sum(shares.values())
            else:
                shares = None
            p += 1
            if shares:
                state.ptr = p
                self._emit(code, p - 1, tp, kinds[j], shares, others[j], pairs[j])
                top = self._top()
                frontier = top[0]
            if not state.total:
                waiting = self.pending_at.get(code)
                if not waiting:  # drained: let it go until taint comes again
                    self.steps += steps
                    self.resume[code] = p
                    del states[code]
                    return
                nxt = min(waiting)
                if nxt > p:  # nothing tainted until then: skip ahead
                    fresh = self._start(code, nxt)
                    self.steps += steps
                    self._push(code, fresh)
                    return
        self.steps += steps
        state.ptr = p
        if p < end:
            self._push(code, state)

    def _wait(self, code: int, state: _State, blocker: int) -> bool:
        """Queue the account right behind ``blocker``; False (go first) when the waits make a cycle."""
        states = self.states
        other = states.get(blocker)
        if other is None or blocker == code or not other.key:
            return False
        b, steps = blocker, 0
        while b >= 0 and steps <= len(states):
            if b == code:
                return False  # waiting for itself, round a cycle: someone has to go first
            waiting = states.get(b)
            b = waiting.waiting if waiting is not None else -1
            steps += 1
        state.waiting = blocker
        state.key = (*other.key[:3], other.key[3] + 1)
        heapq.heappush(self.heap, (*state.key, code, state.ptr))
        return True

    def _fetch(self, state: _State, p: int) -> None:
        ix = self.ix
        hi = min(state.end, p + state.chunk)
        state.chunk = min(state.chunk * 2, _CHUNK_MAX)
        state.lo, state.hi = p, hi
        state.cols = (ix.time[p:hi].tolist(), ix.amount[p:hi].tolist(), ix.incoming[p:hi].tolist(),
                      ix.kind[p:hi].tolist(), ix.balance_before[p:hi].tolist(), ix.pair[p:hi].tolist(),
                      ix.counterparty[p:hi].tolist())

    def _deficit(self, code: int, posting: int, short: int) -> None:
        ix = self.ix
        self.notes.append(TraceWarning(
            "balance_deficit", ix.name(code), ix.place(posting),
            f"the outflow is {fen_to_yuan(short)} yuan more than the account held by its statement: money came in "
            "that the statements do not show (a gap?); that money is taken to be clean", short))

    def _emit(self, code: int, posting: int, time: int, kind: int, shares: Taint, other: int, q: int) -> None:
        """Tainted money leaves ``code`` by ``posting`` (to ``other``, arriving with its posting ``q``):
        an exit, or on into the next account."""
        record = self.records[code]
        vout = record.vout
        for victim, fen in shares.items():
            vout[victim] = vout.get(victim, 0) + fen
        level = record.level
        self.flows.append((posting, code, level, kind, shares))
        if kind == CASH:
            self.exits.append((ExitKind.CASH, code, posting, time, level, -1, -1, "", shares, None))
            return
        if kind == PURCHASE:
            self.exits.append((ExitKind.PURCHASE, code, posting, time, level, -1, other, "", shares, None))
            return
        nxt = level + 1
        if not self.in_hand[other]:
            self._lose(other, shares, nxt, time, posting, code, NO_STATEMENT)
            return
        if self.max_level is not None and nxt > self.max_level:
            self.exits.append((ExitKind.UNTRACED, other, posting, time, nxt, code, -1, LEVEL_LIMIT, shares, None))
            return
        if q < 0:
            self._missing_side(code, other, posting, time, shares, nxt)
            return
        self._deliver(other, q, shares, nxt)

    def _missing_side(self, code: int, other: int, posting: int, time: int, shares: Taint, level: int) -> None:
        """A tainted transfer to an account whose statement is in hand but does not show it."""
        ix = self.ix
        start, end = ix.statement_period(other)  # type: ignore[misc]
        fen = sum(shares.values())
        if time > end or time < start:
            why = (f"the statement of {ix.name(other)} in hand covers {local_time(start)} to {local_time(end)}, "
                   f"not the transfer at {local_time(time)}; request the rest")
            self._request(other, level, time, fen, why)
        else:
            why = (f"the statement of {ix.name(other)} does not show this transfer coming in (no incoming posting "
                   f"of the amount within {ix.window_s // 60} minutes): a gap in its statement")
        self.notes.append(TraceWarning("not_in_payee_statement", ix.name(code), ix.place(posting),
                                       f"{fen_to_yuan(fen)} yuan of stolen money went to {ix.name(other)}, but {why}; "
                                       "it is counted as untraced", fen))
        self._lose(other, shares, level, time, posting, code, NOT_IN_STATEMENT)

    # --- the result ------------------------------------------------------------------------

    def _name(self, code: int) -> str:
        return self.ix.name(code) if code < self.n else self.extra_info[code][0]

    def _bank(self, code: int) -> str | None:
        return self.ix.bank(code) if code < self.n else self.extra_info[code][1]

    def _holder(self, code: int) -> str | None:
        return self.ix.holder(code) if code < self.n else self.extra_info[code][2]

    def _named(self, taint: Taint) -> dict[str, int]:
        return {self.victims[v]: fen for v, fen in sorted(taint.items()) if fen}

    def _result(self, stolen: dict[int, int]) -> TraceResult:
        ix = self.ix
        for code, state in self.states.items():
            held = state.lots.held() if state.lots is not None else state.taint
            if held:
                add(self.records[code].held, held)
        victims = {v: Totals(stolen_fen=fen) for v, fen in stolen.items()}
        totals = Totals(stolen_fen=sum(stolen.values()))
        accounts = []
        for code, record in self.records.items():
            fen_in, fen_out = sum(record.vin.values()), sum(record.vout.values())
            held, untraced = sum(record.held.values()), sum(record.vuntraced.values())
            if fen_in != fen_out + held + untraced:
                raise AssertionError(f"fund tracing lost money at {self._name(code)}: in {fen_in}, out {fen_out}, "
                                     f"held {held}, untraced {untraced}")
            in_hand = self._in_hand(code)
            action = (Action.STOP_PAYMENT if in_hand and held else
                      Action.REQUEST_STATEMENT if not in_hand or untraced else Action.NONE)
            period = ix.statement_period(code) if in_hand else None
            accounts.append(AccountTrace(
                account=self._name(code), bank=self._bank(code), holder=self._holder(code), level=record.level,
                in_hand=in_hand, first_tainted_at=local_time(record.first_time), tainted_in_fen=fen_in,
                tainted_out_fen=fen_out, tainted_held_fen=held, untraced_fen=untraced, action=action,
                statement_until=local_time(period[1]) if period else None,
                held_by_victim=self._named(record.held), in_by_victim=self._named(record.vin)))
            totals.held_fen += held
            for v, fen in record.held.items():
                victims[v].held_fen += fen
        accounts.sort(key=lambda a: (a.level, a.first_tainted_at or local_time(0), a.account))
        fields = {ExitKind.CASH: "cash_out_fen", ExitKind.PURCHASE: "purchase_fen", ExitKind.UNTRACED: "untraced_fen"}
        for kind, _code, _posting, _time, _level, _payer, _other, _reason, shares, _place in self.exits:
            field = fields[kind]
            setattr(totals, field, getattr(totals, field) + sum(shares.values()))
            for v, part in shares.items():
                setattr(victims[v], field, getattr(victims[v], field) + part)
        if not totals.conserved or not all(t.conserved for t in victims.values()):
            raise AssertionError(f"fund tracing did not conserve money: {totals}")
        requests = [
            StatementRequest(account=self._name(code), bank=self._bank(code), holder=self._holder(code), level=level,
                             since=local_time(since), amount_fen=fen,
                             reason=why or "the statement is not in hand; the stolen money went there")
            for code, (level, since, fen, why) in sorted(self.requests.items(), key=lambda r: (r[1][0], r[1][1]))
        ]
        return TraceResult(
            rule=self.rule, max_level=self.max_level, accounts=accounts, statement_requests=requests,
            warnings=self._warnings(), totals=totals,
            victims={self.victims[v]: t for v, t in sorted(victims.items())}, postings_read=self.steps,
            _flow_source=self._flows, _exit_source=self._exits)

    def _exits(self) -> list[TraceExit]:
        ix = self.ix
        return [TraceExit(
            kind=kind, account=self._name(code), amount_fen=sum(shares.values()), time=local_time(time), level=level,
            from_account=self._name(payer) if payer >= 0 else None,
            counterparty=self._name(other) if other >= 0 else None,
            reason=_REASONS.get(reason, reason), place=place or (ix.place(posting) if posting >= 0 else None),
            by_victim=self._named(shares))
            for kind, code, posting, time, level, payer, other, reason, shares, place in sorted(
                self.exits, key=lambda e: (e[3], e[2], e[1]))]

    def _flows(self) -> list[TaintedFlow]:
        ix = self.ix
        flows = []
        for posting, code, level, kind, shares in sorted(self.flows, key=lambda f: (int(self.ix.time[f[0]]), f[0])):
            other = int(ix.counterparty[posting])
            flows.append(TaintedFlow(
                from_account=self._name(code), to_account=self._name(other) if other >= 0 else None,
                time=local_time(int(ix.time[posting])), amount_fen=int(ix.amount[posting]),
                tainted_fen=sum(shares.values()), level=level, kind=_KINDS[kind], place=ix.place(posting),
                by_victim=self._named(shares)))
        return flows

    def _warnings(self) -> list[TraceWarning]:
        ix = self.ix
        notes = list(self.notes)
        touched = [c for c in self.records if c < self.n]
        issues = ix.issues_of(touched)
        if issues:
            first = {c: r.first_posting for c, r in self.records.items()}
            for code, posting, kind, fen, place, reason in issues:
                if kind == "balance_deficit":
                    continue  # the walk notes the deficits that touched the taint
                if kind == "balance_conflict":
                    reason = (f"the balance column is {fen_to_yuan(abs(fen))} yuan {'above' if fen > 0 else 'below'} "
                              "the previous balance and the amounts in between: a posting is missing (a gap) or a "
                              "balance is wrong; the trace follows the amounts")
                    if posting < first.get(code, 0):
                        reason += " (before the stolen money arrived)"
                notes.append(TraceWarning(kind, ix.name(code), place or ix.place(posting), reason, fen))
        if ix.duplicates:
            notes.append(TraceWarning("duplicates", None, None,
                                      f"{ix.duplicates} postings appeared more than once (overlapping statements); "
                                      "each is counted once", None))
        return notes


_KINDS = {CASH: "cash", PURCHASE: "purchase", TRANSFER: "transfer"}
_REASONS = {
    NO_STATEMENT: "the account's statement is not in hand (调证: request it)",
    NOT_IN_STATEMENT: "the payee's statement in hand does not show the transfer coming in",
    LEVEL_LIMIT: "beyond the level limit of the trace",
    NOT_PLACED: "arrived dated before the payer's posting and had already left with earlier outflows",
    REPORT_NOT_FOUND: "the reported payment is not in the payee's statement",
}

