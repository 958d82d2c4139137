"""Load a simulated world into the store: the registry of residents, phones and accounts, then
the victims' reports, the banks' statements and the operators' records (calls, SMS, site visits)
through the importers, exactly as a real center would receive them. The visits come after the
reports, so the visits to the sites the cases name become warning leads as they are imported; a
world without ``visits.csv`` (older worlds) loads without them."""
from __future__ import annotations

from pathlib import Path

import polars as pl
from rich.progress import Progress
from sqlalchemy import insert, select

from fanzha.domain.actor import Actor
from fanzha.services.importing import import_file
from fanzha.services.importing.visits import import_visit_file
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import Account, Person, Phone

_BATCH = 5_000
LOADER = Actor.system("demo")


def load_registry(db: Database, world: Path) -> dict[str, int]:
    """Residents become persons, with their phones and accounts; already-known ones are kept."""
    residents = pl.read_csv(world / "registry" / "residents.csv", infer_schema=False)
    phones = pl.read_csv(world / "registry" / "phones.csv", infer_schema=False)
    accounts = pl.read_csv(world / "registry" / "accounts.csv", infer_schema=False)
    with db.session() as session:
        seed_organisations(session)
        known = set(session.scalars(select(Person.id_number)))
        fresh = residents.filter(~pl.col("id_number").is_in(list(known)))
        rows = [
            {"name": r["name"], "id_number": r["id_number"], "phone": r["phone"] or None,
             "age": int(r["age"]) if r["age"] else None, "district": r["district"],
             "station": r.get("station") or None}
            for r in fresh.iter_rows(named=True)
        ]
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(Person), rows[start:start + _BATCH])
        person_of = dict(session.execute(select(Person.id_number, Person.id)).all())
        sim_to_db = {
            sim_id: person_of[id_number]
            for sim_id, id_number in residents.select("person_id", "id_number").iter_rows()
        }
        known_phones = set(session.scalars(select(Phone.number)))
        phone_rows = [
            {"number": r["number"], "operator": r["operator"], "person_id": sim_to_db.get(r["person_id"])}
            for r in phones.iter_rows(named=True) if r["number"] not in known_phones
        ]
        for start in range(0, len(phone_rows), _BATCH):
            session.execute(insert(Phone), phone_rows[start:start + _BATCH])
        known_accounts = set(session.scalars(select(Account.number)))
        account_rows = [
            {"number": r["number"], "bank": r["bank"], "holder_name": r["holder_name"],
             "person_id": sim_to_db.get(r["person_id"])}
            for r in accounts.iter_rows(named=True) if r["number"] not in known_accounts
        ]
        for start in range(0, len(account_rows), _BATCH):
            session.execute(insert(Account), account_rows[start:start + _BATCH])
    return {"persons": len(rows), "phones": len(phone_rows), "accounts": len(account_rows)}


def load_world(db: Database, world: Path, progress: bool = True) -> dict[str, int]:
    """Load everything of a world directory; safe to run again (every import is idempotent)."""
    counts = load_registry(db, world)
    # The banks' ledgers first, then the reports: filing a report raises its level-1 orders, and the
    # simulated banks' answers (fanzha.sim.bank_desks) then lead the platform on, level by level.
    files = [("statements", p) for p in sorted((world / "banks").glob("*/statements.csv"))]
    files += [("reports", world / "reports" / "reports.json")]
    files += [("calls", p) for p in sorted((world / "operators").glob("*/calls.csv"))]
    files += [("sms", p) for p in sorted((world / "operators").glob("*/sms.csv"))]
    files += [("visits", p) for p in sorted((world / "operators").glob("*/visits.csv"))]
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("loading the simulated city", total=len(files))
        for kind, path in files:
            bar.update(task, description=f"importing {path.parent.name}/{path.name}")
            if kind == "visits":
                visits = import_visit_file(db, path, actor=LOADER, progress=False)
                result = visits.result
                counts["visit_signals"] = counts.get("visit_signals", 0) + len(visits.leads)
            else:
                result = import_file(db, kind, path, actor=LOADER, progress=False)
            if result.rejected:
                raise RuntimeError(f"{path}: the simulated file was refused: {result.summary()}")
            counts[kind] = counts.get(kind, 0) + result.rows_imported
            bar.advance(task)
    return counts
