"""Case search (案件查询): the intake desk's case list, fast over a million cases.

A query is free text plus filters (region, fraud type, status, local report dates), a sort and a
page. Text is read in one of two ways:

- Text that looks like an identifier (ASCII, no spaces inside once spaces are taken out: a report
  id, phone, identity number, bank account, URL, WeChat id...) is matched exactly against the
  report id, the victim's phone and identity number, the transfers' from and to accounts and the
  contacts' values, and as a prefix of the report id (``JQ-20240530`` lists that day's reports).
- Other text (Chinese words) is matched exactly against the victim's name and the contacts'
  values, and as a substring of the narrative (简要案情): through the trigram index (SQLite FTS5
  ``trigram``, PostgreSQL ``pg_trgm``) for three characters or more.

Every match that names at most ``SET_LIMIT`` cases is listed in full, and then the page and the
total are exact. A bigger match (a common narrative word, an account hundreds of victims paid) is
first looked for among the first ``WINDOW`` cases of the list, in the list's order, that pass the
filters. When that fills the page, the page is exactly right and the total counts what the window
holds: a lower bound (``total_capped``, with ``text_window`` saying how far it looked). When it
does not, the match is followed past the window through its index, exactly. A one- or
two-character word has no index to follow: it is looked for in the window only, and the result
says so. Without text, the total is counted up to ``COUNT_CAP`` ("10,000+").

Who sees what: searching needs ``case.read``; a county center's officers see their county's
cases only (asking for another county is refused), a police station's officers the cases of
their station (``cases.station_id``), the city center all. The area is one more filter, served
by the same kind of index as the others.

Why it is fast: five "list" indexes (migration 0002, and one per station from 0004) hold every column the list filters and
sorts on, so counting and paging read index entries only, and only the rows of the page shown
are read in full. On SQLite the index is chosen here (``INDEXED BY``), because SQLite plans
without statistics; PostgreSQL's planner has them.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    any_,
    bindparam,
    case,
    column,
    func,
    literal,
    or_,
    select,
    text,
    true,
    tuple_,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.sql.visitors import InternalTraversal

from fanzha.domain.access import AccessDenied, check, check_case
from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.clock import CENTER_TZ, day_problem
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.identity import normalise_phone
from fanzha.domain.permissions import Permission, Scope
from fanzha.store.models import Case, CaseContact, CaseTransfer, Person
from fanzha.store.types import UtcDateTime

COUNT_CAP = 10_000  # totals above this show as "10,000+"
SET_LIMIT = 5_000  # a text match naming at most this many cases is listed in full
WINDOW = 10_000  # otherwise it is looked for among the first WINDOW cases of the list
MEMBER_LIMIT = 60_000  # SQLite: up to this many trigram candidates, test membership, not every row
MAX_PER_PAGE = 200
UNSET = "unset"  # the fraud-type filter for cases not yet classified (未定性)
SORTS = ("-reported_at", "reported_at", "-loss_fen", "loss_fen")


@dataclass(frozen=True)
class CaseQuery:
    """What the desk asks for. Dates are local (Asia/Shanghai) and both ends are included."""

    text: str | None = None  # report id, name, id number, phone, account, contact, or narrative words
    region: str | None = None
    fraud_type: str | None = None  # FraudType value (or its Chinese name); "unset" for unclassified
    status: str | None = None  # CaseStatus value
    reported_from: date | None = None
    reported_to: date | None = None
    page: int = 1
    per_page: int = 50  # at most 200
    sort: str = "-reported_at"  # also "reported_at", "-loss_fen", "loss_fen"


@dataclass(frozen=True)
class CaseRow:
    """One line of the list. Identifiers are not masked here: the page masks what it shows."""

    id: int
    report_id: str
    reported_at: datetime
    region: str
    fraud_type: str | None
    status: str
    loss_fen: int
    victim_name: str
    victim_phone: str | None
    transfers: int


@dataclass(frozen=True)
class CaseSearchResult:
    rows: list[CaseRow]
    total: int  # exact, unless total_capped: then at least this many
    page: int
    per_page: int
    took_ms: float
    total_capped: bool = False  # the total is a lower bound ("10,000+")
    # When set, part of the text (a one- or two-character word, or a match so common that the
    # window filled the page) was looked for only among the first this-many cases of the list, in
    # its order, that pass the filters; the page shown is right either way.
    text_window: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def case_detail(session: Session, actor: Actor, case_id: int) -> Case | None:
    """One case with its victim, transfers, contacts and timeline loaded (no lazy loads later);
    None when there is no such case; AccessDenied when it lies outside the actor's area."""
    check(actor, Permission.CASE_READ, object_type="case", object_id=case_id)
    case = session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .options(
            joinedload(Case.victim),
            selectinload(Case.transfers),
            selectinload(Case.contacts),
            selectinload(Case.events),
        )
    )
    if case is not None:
        check_case(actor, Permission.CASE_READ, case.id, case.region, case.station_id)
    return case


def search_cases(session: Session, actor: Actor, query: CaseQuery) -> CaseSearchResult:
    """The page of cases the query asks for, with the total (see the module's docstring)."""
    started = time.perf_counter()
    check(actor, Permission.CASE_READ, object_type="case")
    q = _checked(_scoped(actor, query), actor.org_id if actor.scope is Scope.STATION else None)
    dialect = session.get_bind().dialect.name
    search = _Search(session, dialect, q)
    ids, total, capped, window = search.run()
    rows = _rows(session, ids)
    took = (time.perf_counter() - started) * 1000
    return CaseSearchResult(rows, total, q.page, q.per_page, took, capped, window)


# ---------------------------------------------------------------------------------------------
# Checking the query.
# ---------------------------------------------------------------------------------------------

def _scoped(actor: Actor, query: CaseQuery) -> CaseQuery:
    """The query limited to the actor's county; another county asked for is refused."""
    scope = actor.scope
    if scope is Scope.ALL:
        return query
    if scope in (Scope.COUNTY, Scope.STATION) and actor.region:
        asked = _blank(query.region)
        if asked is not None and asked != actor.region:
            raise AccessDenied(actor, Permission.CASE_READ, "scope", object_type="region", object_id=asked)
        return replace(query, region=actor.region)
    raise AccessDenied(actor, Permission.CASE_READ, "scope", object_type="case")


@dataclass(frozen=True)
class _Checked:
    text: str | None
    region: str | None
    station_id: int | None  # the station's cases only (a station officer's search)
    fraud_type: str | None  # a FraudType value, UNSET, or None for any
    status: str | None
    start: datetime | None  # UTC-aware bounds: start included, end excluded
    end: datetime | None
    page: int
    per_page: int
    sort_column: str  # "reported_at" or "loss_fen"
    descending: bool


def _checked(query: CaseQuery, station_id: int | None = None) -> _Checked:
    problems: list[Problem] = []
    fraud_type = _blank(query.fraud_type)
    if fraud_type is not None and fraud_type != UNSET:
        try:
            fraud_type = FraudType.parse(fraud_type).value
        except ValueError as exc:
            problems.append(Problem("fraud_type", f"{exc}, or {UNSET} for cases not yet classified"))
    status = _blank(query.status)
    if status is not None and status not in {s.value for s in CaseStatus}:
        problems.append(Problem("status", f"unknown status {status!r}; use one of: "
                                + ", ".join(s.value for s in CaseStatus)))
    if query.sort not in SORTS:
        problems.append(Problem("sort", f"unknown sort {query.sort!r}; use one of: {', '.join(SORTS)}"))
    for place in ("reported_from", "reported_to"):
        if reason := day_problem(getattr(query, place), place):
            problems.append(Problem(place, reason))
    if query.reported_from and query.reported_to and query.reported_from > query.reported_to:
        problems.append(Problem("reported_from", f"the first day {query.reported_from} is after the last day "
                                f"{query.reported_to}"))
    if problems:
        raise InputRejected(problems, "case search refused")
    return _Checked(
        text=_blank(query.text),
        region=_blank(query.region),
        station_id=station_id,
        fraud_type=fraud_type,
        status=status,
        start=_local_midnight(query.reported_from) if query.reported_from else None,
        end=_local_midnight(query.reported_to + timedelta(days=1)) if query.reported_to else None,
        page=max(1, int(query.page)),
        per_page=min(max(1, int(query.per_page)), MAX_PER_PAGE),
        sort_column=query.sort.lstrip("-"),
        descending=query.sort.startswith("-"),
    )


def _blank(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, dtime(0), tzinfo=CENTER_TZ)


# ---------------------------------------------------------------------------------------------
# The cases table as the list reads it, with the index to read it by on SQLite.
# ---------------------------------------------------------------------------------------------

class _Cases(TableClause):
    """The ``cases`` table, rendered ``cases INDEXED BY <index>`` on SQLite.

    Without statistics (no ANALYZE), SQLite takes any index with an equality on it over the one
    that also gives the order and holds every filtered column, and reads far more than needed;
    the search knows which index serves a query and says so. PostgreSQL plans with statistics
    and is given no index names.
    """

    inherit_cache = True
    _traverse_internals = TableClause._traverse_internals + [("index", InternalTraversal.dp_string)]

    def __init__(self, index: str | None) -> None:
        super().__init__(
            "cases",
            column("id", Integer), column("report_id", String), column("reported_at", UtcDateTime()),
            column("region", String), column("fraud_type", String), column("status", String),
            column("loss_fen", BigInteger), column("narrative", Text), column("victim_id", Integer),
            column("station_id", Integer),
        )
        self.index = index


@compiles(_Cases)
def _render_cases(element: _Cases, compiler, **kw) -> str:
    return compiler.visit_table(element, **kw)


_TABLES: dict[str | None, _Cases] = {}


def _cases(index: str | None) -> _Cases:
    if index not in _TABLES:
        _TABLES[index] = _Cases(index)
    return _TABLES[index]


# Share of cases a filter value keeps, roughly, to pick the narrowest index on SQLite.
_SHARE = {"station_id": 0.07, "fraud_type": 0.09, "status": 0.2, "region": 0.2}
_SHARE_ORDER_BRUSHING = 0.33  # 刷单返利 is about a third of all cases
_INDEX_FOR = {
    "fraud_type": "ix_cases_list_fraud_type",
    "status": "ix_cases_list_status",
    "region": "ix_cases_list_region",
    "station_id": "ix_cases_list_station",
    None: "ix_cases_list_reported",
}
_LOSS_INDEX = "ix_cases_list_loss"
_NO_INDEX = "__rowid__"  # rows are fetched by id: SQLite's NOT INDEXED


@compiles(_Cases, "sqlite")
def _render_cases_sqlite(element: _Cases, compiler, asfrom: bool = False, **kw) -> str:
    sql = compiler.visit_table(element, asfrom=asfrom, **kw)
    if asfrom and element.index == _NO_INDEX:
        sql += " NOT INDEXED"
    elif asfrom and element.index:
        sql += f" INDEXED BY {element.index}"
    return sql


# ---------------------------------------------------------------------------------------------
# What the text names.
# ---------------------------------------------------------------------------------------------

_ASCII_TOKEN = re.compile(r"^[\x21-\x7e]+$")
_REPORT_ID_LIKE = re.compile(r"^[0-9A-Za-z_\-]+$")
_LIKE_SPECIAL = re.compile(r"[%_\\]")
_ALNUM_RUN = re.compile(r"[^\W_]{3}")  # three letters or digits in a row (CJK counts)


def _identifier_variants(term: str) -> list[str]:
    variants = [term]
    if term.upper() != term:
        variants.append(term.upper())  # identity numbers end in X; report ids are upper case
    try:
        phone = normalise_phone(term)
    except ValueError:
        phone = None
    if phone and phone not in variants:
        variants.append(phone)
    return variants


def _like_escape(term: str) -> str:
    return _LIKE_SPECIAL.sub(lambda m: "\\" + m.group(0), term)


def _fts_query(term: str) -> str:
    """An FTS5 query for the trigrams that cover ``term`` (``"公安局" AND "局民警"``).

    With ``detail=none`` the index knows which cases hold each trigram but not where, so this
    finds every case holding the term and perhaps a few more; LIKE then checks the narrative.
    """
    chunks = [term[i:i + 3] for i in range(0, len(term) - 2, 3)]
    if (len(term) - 3) % 3:
        chunks.append(term[-3:])
    return " AND ".join('"' + chunk.replace('"', '""') + '"' for chunk in dict.fromkeys(chunks))


@dataclass
class _Open:
    """A match too big to list, looked for among the cases of the window (or beyond it).

    ``member`` is a select of the case ids it names (identifier and name matches, and on SQLite
    the narrative's trigram candidates when there are not too many); ``narrative`` a LIKE/ILIKE
    condition on the narrative. ``exhaustive``: it may be searched past the window, through an
    index, when the window does not fill the page (not so for one- and two-character words).
    """

    member: Select | None
    narrative: Callable[[object], ColumnElement[bool]] | None
    exhaustive: bool

    def condition(self, t) -> ColumnElement[bool]:
        parts = []
        if self.member is not None:
            parts.append(t.c.id.in_(self.member))
        if self.narrative is not None:
            parts.append(self.narrative(t))
        return and_(*parts)


class _Search:
    def __init__(self, session: Session, dialect: str, q: _Checked) -> None:
        self.session = session
        self.sqlite = dialect == "sqlite"
        self.q = q

    # --- filters, order, indexes ------------------------------------------------------------

    def filters(self, t: _Cases) -> list[ColumnElement[bool]]:
        q, where = self.q, []
        if q.region is not None:
            where.append(t.c.region == q.region)
        if q.station_id is not None:
            where.append(t.c.station_id == q.station_id)
        if q.fraud_type == UNSET:
            where.append(t.c.fraud_type.is_(None))
        elif q.fraud_type is not None:
            where.append(t.c.fraud_type == q.fraud_type)
        if q.status is not None:
            where.append(t.c.status == q.status)
        if q.start is not None:
            where.append(t.c.reported_at >= q.start)
        if q.end is not None:
            where.append(t.c.reported_at < q.end)
        return where

    def order(self, cols) -> list:
        key, ident = cols[self.q.sort_column], cols["id"]
        if self.q.descending:
            return [key.desc(), ident.desc()]
        return [key.asc(), ident.asc()]

    def filter_index(self) -> str:
        """The list index whose leading column narrows the filters most (SQLite only)."""
        q, best, share = self.q, None, 1.0
        for name in ("station_id", "fraud_type", "status", "region"):
            value = getattr(q, name)
            if value is None:
                continue
            guess = _SHARE_ORDER_BRUSHING if value == FraudType.ORDER_BRUSHING.value else _SHARE[name]
            if guess < share:
                best, share = name, guess
        return _INDEX_FOR[best]

    def list_index(self, filtered: int) -> str:
        """Sorted by loss with many matches: walk the loss index and stop early; else the filters'."""
        if self.q.sort_column == "loss_fen" and filtered > COUNT_CAP:
            return _LOSS_INDEX
        return self.filter_index()

    def filtered(self) -> bool:
        q = self.q
        return any(v is not None for v in (q.region, q.station_id, q.fraud_type, q.status, q.start, q.end))

    def count_filtered(self, cap: int) -> int:
        """How many cases pass the filters, counted up to ``cap + 1``, from a list index alone."""
        t = _cases(self.filter_index())
        inner = select(literal(1)).select_from(t).where(*self.filters(t)).limit(cap + 1).subquery()
        return self.session.scalar(select(func.count()).select_from(inner))

    def page_slice(self, stmt: Select) -> Select:
        return stmt.limit(self.q.per_page).offset((self.q.page - 1) * self.q.per_page)

    # --- no text -------------------------------------------------------------------------------

    def run(self) -> tuple[list[int], int, bool, int | None]:
        if self.q.text is None:
            return self.browse()
        return self.search(self.q.text)

    def browse(self) -> tuple[list[int], int, bool, int | None]:
        """Count (up to the cap) and page straight from a list index."""
        total = self.count_filtered(COUNT_CAP)
        t = _cases(self.list_index(total))
        ids = list(self.session.scalars(self.page_slice(
            select(t.c.id).where(*self.filters(t)).order_by(*self.order(t.c)))))
        return ids, min(total, COUNT_CAP), total > COUNT_CAP, None

    # --- text ----------------------------------------------------------------------------------

    def search(self, text_: str) -> tuple[list[int], int, bool, int | None]:
        listed: set[int] = set()  # cases named outright
        candidates: set[int] = set()  # cases whose narrative may hold the words (SQLite)
        recheck = None
        opened: list[_Open] = []
        compact = "".join(text_.split())
        if _ASCII_TOKEN.match(compact):
            exact = self.identifier_matches(compact)
        else:
            exact = self.word_matches(text_)
            recheck, found, narrative = self.narrative(text_)
            candidates.update(found)
            if narrative is not None:
                opened.append(narrative)
        for stmt in exact:
            ids = list(self.session.scalars(stmt.limit(SET_LIMIT + 1)))
            if len(ids) <= SET_LIMIT:
                listed.update(ids)
            else:
                opened.append(_Open(stmt, None, exhaustive=True))

        named = [self.named_branch(listed, candidates, recheck)] if listed or candidates else []
        if not opened:
            ids, total, _ = self.collect(named, None)
            return ids, total, False, None
        boundary = self.window_boundary()
        ids, total, inside = self.collect(named + [self.window_branch(o, boundary) for o in opened], boundary)
        page_end = self.q.page * self.q.per_page
        if boundary is not None and inside < page_end and any(o.exhaustive for o in opened):
            # The window did not fill the page: search past it where an index allows.
            branches = named + [self.exhaustive_branch(o) if o.exhaustive else self.window_branch(o, boundary)
                                for o in opened]
            ids, total, _ = self.collect(branches, boundary)
            opened = [o for o in opened if not o.exhaustive]
        windowed = boundary is not None and bool(opened)
        return ids, total, windowed, WINDOW if windowed else None

    def identifier_matches(self, term: str) -> list[Select]:
        values = _identifier_variants(term)
        exact = [
            select(Case.id).where(Case.report_id.in_(values)),
            select(Case.id).where(Case.victim_id.in_(
                select(Person.id).where(or_(Person.phone.in_(values), Person.id_number.in_(values))))),
            select(CaseTransfer.case_id).where(
                or_(CaseTransfer.from_account.in_(values), CaseTransfer.to_account.in_(values))),
            select(CaseContact.case_id).where(CaseContact.value.in_(values)),
        ]
        for prefix in dict.fromkeys(v for v in values[:2] if _REPORT_ID_LIKE.match(v)):
            if self.sqlite:  # GLOB is case-sensitive, so it can walk the report id's index
                exact.append(select(Case.id).where(Case.report_id.op("GLOB")(prefix + "*")))
            else:  # the varchar_pattern_ops index serves LIKE 'prefix%' under any collation
                exact.append(select(Case.id).where(
                    Case.report_id.like(_like_escape(prefix) + "%", escape="\\")))
        return exact

    def word_matches(self, term: str) -> list[Select]:
        return [
            select(Case.id).where(Case.victim_id.in_(select(Person.id).where(Person.name == term))),
            select(CaseContact.case_id).where(CaseContact.value == term),
        ]

    def narrative(self, term: str):
        """How to find ``term`` in narratives: (recheck, candidate ids, or an _Open to search)."""
        pattern = "%" + _like_escape(term) + "%"
        if self.sqlite:
            def like(t):
                return t.c.narrative.like(pattern, escape="\\")
            if len(term) < 3:  # shorter than a trigram: no index helps, only the window
                return None, [], _Open(None, like, exhaustive=False)
        else:
            cased = any(ch.lower() != ch.upper() for ch in term)
            if not _ALNUM_RUN.search(term):
                # pg_trgm indexes runs of letters and digits; a pattern without three in a row
                # would make PostgreSQL read the whole GIN index. strpos keeps it off the index.
                def contains(t):
                    if cased:
                        return func.strpos(func.lower(t.c.narrative), term.lower()) > 0
                    return func.strpos(t.c.narrative, term) > 0
                return None, [], _Open(None, contains, exhaustive=False)

            def like(t):  # ILIKE folds case, LIKE is faster; they agree on uncased words
                op = t.c.narrative.ilike if cased else t.c.narrative.like
                return op(pattern, escape="\\")
            return None, [], _Open(None, like, exhaustive=True)
        match = _fts_query(term)
        fts = select(column("rowid", Integer)).select_from(text("cases_fts")).where(
            text("cases_fts MATCH :fts_query").bindparams(fts_query=match))
        counted = self.session.scalar(select(func.count()).select_from(fts.limit(MEMBER_LIMIT + 1).subquery()))
        if counted <= SET_LIMIT:
            return like, list(self.session.scalars(fts)), None
        member = fts if counted <= MEMBER_LIMIT else None
        return None, [], _Open(member, like, exhaustive=True)

    # --- branches: selects of (id, reported_at, loss_fen) unioned into the result ------------

    def named_branch(self, listed: set[int], candidates: set[int], recheck) -> Select:
        t = _cases(_NO_INDEX)
        where = [self._in(t.c.id, listed | candidates), *self.filters(t)]
        if candidates:
            where.append(or_(self._in(t.c.id, listed), recheck(t)) if listed else recheck(t))
        return select(t.c.id, t.c.reported_at, t.c.loss_fen).where(*where)

    def window_boundary(self) -> tuple | None:
        """The sort key and id of the WINDOW-th case of the list, or None when there are fewer."""
        filtered = self.count_filtered(WINDOW)
        if filtered <= WINDOW:
            return None
        t = _cases(self.list_index(filtered))
        row = self.session.execute(
            select(t.c[self.q.sort_column], t.c.id).where(*self.filters(t))
            .order_by(*self.order(t.c)).limit(1).offset(WINDOW - 1)).first()
        return tuple(row) if row else None

    def within(self, cols, boundary: tuple) -> ColumnElement[bool]:
        key, ident = cols[self.q.sort_column], cols["id"]
        typ = UtcDateTime() if self.q.sort_column == "reported_at" else BigInteger()
        edge = bindparam(None, boundary[0], type_=typ, unique=True)
        edge_id = bindparam(None, boundary[1], type_=Integer, unique=True)
        if self.q.descending:
            return and_(key >= edge, tuple_(key, ident) >= tuple_(edge, edge_id))
        return and_(key <= edge, tuple_(key, ident) <= tuple_(edge, edge_id))

    def window_branch(self, opened: _Open, boundary: tuple | None) -> Select:
        t = _cases(self.list_index(WINDOW + 1) if boundary is not None else self.filter_index())
        where = [*self.filters(t), opened.condition(t)]
        if boundary is not None:
            where.append(self.within(t.c, boundary))
        return select(t.c.id, t.c.reported_at, t.c.loss_fen).where(*where)

    def exhaustive_branch(self, opened: _Open) -> Select:
        if not self.sqlite:
            t = _cases(None)  # PostgreSQL weighs the GIN, list and primary key indexes itself
        elif opened.member is not None and (opened.narrative is None or not self.filtered()):
            t = _cases(_NO_INDEX)  # walk the ids the match names
        else:
            # Walk the filters' index: the membership test reads index entries only, and the
            # narrative is read for the cases that pass it (or for all, for a very common word).
            t = _cases(self.filter_index())
        return select(t.c.id, t.c.reported_at, t.c.loss_fen).where(*self.filters(t), opened.condition(t))

    def collect(self, branches: list[Select], boundary: tuple | None) -> tuple[list[int], int, int]:
        """The page's ids, how many cases were found, and how many of them lie in the window."""
        if not branches:
            return [], 0, 0
        found = (union(*branches) if len(branches) > 1 else branches[0]).cte("found").prefix_with("MATERIALIZED")
        inside = (func.coalesce(func.sum(case((self.within(found.c, boundary), 1), else_=0)), 0)
                  if boundary is not None else func.count())
        stats = select(func.count().label("total"), inside.label("inside")).select_from(found).subquery("stats")
        page = self.page_slice(select(found.c.id, found.c.reported_at, found.c.loss_fen)
                               .order_by(*self.order(found.c))).subquery("page")
        rows = self.session.execute(
            select(page.c.id, stats.c.total, stats.c.inside)
            .select_from(stats.outerjoin(page, true())).order_by(*self.order(page.c))).all()
        ids = [r[0] for r in rows if r[0] is not None]
        return ids, rows[0][1], rows[0][2]

    def _in(self, col, ids: set[int]) -> ColumnElement[bool]:
        ordered = sorted(ids)
        if self.sqlite:
            each = func.json_each(bindparam(None, json.dumps(ordered), unique=True)).table_valued("value")
            return col.in_(select(each.c.value))
        return col == any_(bindparam(None, ordered, type_=ARRAY(Integer), unique=True))


def _rows(session: Session, ids: list[int]) -> list[CaseRow]:
    if not ids:
        return []
    transfers = (select(func.count()).where(CaseTransfer.case_id == Case.id)
                 .correlate(Case).scalar_subquery())
    stmt = (select(Case.id, Case.report_id, Case.reported_at, Case.region, Case.fraud_type, Case.status,
                   Case.loss_fen, Person.name, Person.phone, transfers)
            .join(Person, Person.id == Case.victim_id).where(Case.id.in_(ids)))
    found = {r[0]: CaseRow(*r) for r in session.execute(stmt)}
    return [found[i] for i in ids if i in found]
