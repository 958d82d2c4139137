"""``fanzha funds trace``: files in, a trace out (Rich tables, or JSON); never the database."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fanzha.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "tracing"
runner = CliRunner()


def trace_json(*args: str) -> dict:
    result = runner.invoke(app, ["funds", "trace", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_on_a_fixture(monkeypatch) -> None:
    monkeypatch.setenv("FANZHA_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")  # never opened
    chain = FIXTURES / "chain"
    out = trace_json("--report", str(chain / "report.json"), "--statements", str(chain / "ccb_A.csv"),
                     str(chain / "abc_B.csv"), str(chain / "boc_C.csv"))
    assert out["rule"] == "proportional"
    assert out["totals"] == {"stolen_fen": 5_000_000, "held_fen": 754_718, "cash_out_fen": 943_396,
                             "purchase_fen": 471_698, "untraced_fen": 2_830_188, "conserved": True}
    accounts = {a["account"]: a for a in out["accounts"]}
    first = accounts["6217000000000002"]
    assert (first["bank"], first["level"], first["tainted_in_fen"], first["tainted_out_fen"],
            first["tainted_held_fen"], first["action"]) == ("建设银行", 1, 5_000_000, 4_716_980, 283_020, "stop_payment")
    assert [a["level"] for a in out["accounts"]] == [1, 2, 3, 4]
    assert {e["kind"] for e in out["exits"]} == {"cash", "purchase", "untraced"}
    assert all({"kind", "amount_fen", "account", "time"} <= set(e) for e in out["exits"])
    assert out["statement_requests"][0]["account"] == "6228480000000099"
    assert out["warnings"] == []


def test_fifo_and_folders_and_a_list_of_reports() -> None:
    fan = FIXTURES / "fan"
    out = trace_json("--report", str(fan / "reports.json"), "--statements", str(fan), "--rule", "fifo")
    assert out["rule"] == "fifo" and set(out["victims"]) == {"JQ-20240530-000011", "JQ-20240530-000012"}
    assert out["totals"]["held_fen"] == 350_000


def test_bad_rows_are_warnings_not_errors() -> None:
    bad = FIXTURES / "bad"
    out = trace_json("--report", str(bad / "report.json"), "--statements", str(bad))
    kinds = [w["kind"] for w in out["warnings"]]
    assert kinds[0] == "unreadable_row" and "a_from_1430.csv:line 3, column 收付标志" in out["warnings"][0]["place"]
    assert {"report_transfer_not_found", "not_in_payee_statement", "balance_conflict", "duplicates"} <= set(kinds)
    assert out["totals"]["stolen_fen"] == 1_000_000


def test_tables_name_the_rule_and_show_levels_and_totals() -> None:
    chain = FIXTURES / "chain"
    result = runner.invoke(app, ["funds", "trace", "--report", str(chain / "report.json"),
                                 "--statements", str(chain)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("proportional (按比例)", "Level 1", "Level 4", "6217000000000002", "止付", "调证",
                 "50,000.00", "2,830.20", "Statement requests"):
        assert text in result.output, text


def test_unusable_files_exit_1_with_place_and_reason(tmp_path: Path) -> None:
    not_a_table = tmp_path / "photo.csv"
    not_a_table.write_bytes(b"\x89PNG\r\n\x1a\n....")
    no_columns = tmp_path / "cols.csv"
    no_columns.write_text("交易卡号,交易时间\n6217,2024-05-30 10:00:00\n", encoding="utf-8")
    bad_report = tmp_path / "report.json"
    bad_report.write_text('[{"report_id": "JQ-1", "reported_at": "2024-05-30T10:00:00+08:00", "region": "城厢区", '
                          '"victim": {"name": "某"}, "transfers": [{"time": "2024-05-30T09:00:00+08:00", '
                          '"amount": "-5", "to_account": "6217000000000002"}]}]', encoding="utf-8")
    result = runner.invoke(app, ["funds", "trace", "--report", str(bad_report), "--statements", str(not_a_table),
                                 str(no_columns), str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    out = result.output
    assert "photo.csv: the file is a PNG image, not a table" in out
    assert "cols.csv:line 1: required column 收付标志 is missing" in out
    assert "missing.csv: no such file" in out
    assert "report.json:report 1 (JQ-1), transfers.0.amount" in out
    result = runner.invoke(app, ["funds", "trace", "--report", str(bad_report), "--statements", str(tmp_path),
                                 "--rule", "lifo"])
    assert result.exit_code == 1 and "proportional" in result.output


def test_expire_command_moves_orders_past_their_48_hours(tmp_path, monkeypatch) -> None:
    """`fanzha funds expire` is what a timer runs; it expires only stopped orders past their time."""
    from datetime import timedelta

    from fanzha.domain import clock
    from fanzha.domain.stop_payment import OrderState
    from fanzha.services.organisations import seed_organisations
    from fanzha.store.db import Database
    from fanzha.store.models import Case, Person, StopPaymentOrder

    url = f"sqlite:///{tmp_path / 'f.sqlite'}"
    monkeypatch.setenv("FANZHA_DATABASE_URL", url)
    db = Database(url)
    now = clock.now()
    with db.session() as s:
        seed_organisations(s)
        case = Case(report_id="JQ-X", reported_at=now, region="城厢区", narrative="", status="reported",
                    loss_fen=100, victim=Person(name="甲"), created_at=now, updated_at=now)
        s.add(case)
        s.flush()
        for n, (state, expires) in enumerate([(OrderState.STOPPED, now - timedelta(minutes=1)),
                                              (OrderState.STOPPED, now + timedelta(hours=1)),
                                              (OrderState.SENT, None)]):
            s.add(StopPaymentOrder(order_no=f"ZF-{n}", dedup_key=f"k{n}", case_id=case.id, level=1, bank="ICBC",
                                   account_number=f"62220{n}", account_name="乙", amount_fen=100,
                                   transfer_time=now, state=state.value, source="manual",
                                   created_at=now, expires_at=expires, created_by="t"))
    result = runner.invoke(app, ["funds", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 order(s) expired" in result.output
    with db.session() as s:
        states = [o.state for o in s.query(StopPaymentOrder).order_by(StopPaymentOrder.id)]
    assert states == ["expired", "stopped", "sent"]
    db.dispose()
