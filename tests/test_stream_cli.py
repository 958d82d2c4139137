"""``fanzha stream``: block-list commands, and replaying a world in process (the embedded mode)."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from fanzha.cli import app

runner = CliRunner()


def test_block_add_export_lift_and_an_in_process_replay(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("FANZHA_BROKER_URL", raising=False)
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path / 'f.sqlite'}")
    added = runner.invoke(app, ["stream", "block", "add", "17000000001", "--reason", "victim report",
                                "--provenance", "case", "--ref", "JQ-1", "--days", "30"])
    assert added.exit_code == 0, added.output
    refused = runner.invoke(app, ["stream", "block", "add", "17000000002", "--reason", "x", "--provenance", "case"])
    assert refused.exit_code == 1 and "provenance_ref" in refused.output
    exported = runner.invoke(app, ["stream", "block", "export"])
    assert "17000000001,known,victim report,case,JQ-1" in exported.output

    world = tmp_path / "world" / "operators" / "CMCC"
    world.mkdir(parents=True)
    (world / "calls.csv").write_text("本机号码,对方号码,呼叫类型,开始时间,通话时长,基站,IMEI,运营商\n"
                                     "13800000001,17000000001,被叫,2024-05-01 00:12:59,73,1-2,86,中国移动\n"
                                     "13800000001,17000000001,被叫,2024-05-01 00:12:59,73,1-2,86,中国移动\n"
                                     "13800000002,13800000001,主叫,2024-05-01 00:10:00,10,,,中国移动\n",
                                     encoding="utf-8")
    (world / "sms.csv").write_text("本机号码,对方号码,收发标志,时间,短信内容\n13800000001,10690000,收,2024-05-01 01:00:00,hi\n",
                                   encoding="utf-8")
    replayed = runner.invoke(app, ["stream", "replay", "--world", str(tmp_path / "world")])
    assert replayed.exit_code == 0, replayed.output
    summary = json.loads(replayed.output)
    assert (summary["published"], summary["stored"], summary["duplicates"], summary["broker"]) == (4, 3, 1, "memory")

    lifted = runner.invoke(app, ["stream", "block", "lift", "1", "--appeal", "申诉成功"])
    assert lifted.exit_code == 0 and "lifted" in lifted.output
    missing = runner.invoke(app, ["stream", "replay", "--world", str(tmp_path)])
    assert missing.exit_code == 1 and "fanzha simulate" in missing.output
    worker = runner.invoke(app, ["stream", "worker"])
    assert worker.exit_code == 2 and "FANZHA_BROKER_URL" in worker.output


def test_a_replay_as_fast_as_it_goes_lets_batches_grow_and_a_paced_one_keeps_them_small(tmp_path, monkeypatch) -> None:
    """A backlog is stored in big transactions (SQLite commits cost per index page touched); a paced
    replay, like a live stream, keeps the live consumer's small batches."""
    from fanzha.events import worker
    from fanzha.events.event_bus import BULK_BATCH, DEFAULT_BATCH

    monkeypatch.delenv("FANZHA_BROKER_URL", raising=False)
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path / 'f.sqlite'}")
    calls = tmp_path / "world" / "operators" / "CMCC"
    calls.mkdir(parents=True)
    rows = "".join(f"1380000{i:04d},17000000001,主叫,2024-05-01 00:{i // 60:02d}:{i % 60:02d},30,,,中国移动\n"
                   for i in range(1200))
    (calls / "calls.csv").write_text("本机号码,对方号码,呼叫类型,开始时间,通话时长,基站,IMEI,运营商\n" + rows,
                                     encoding="utf-8")
    sizes = []
    real = worker.telecom_worker

    def recording(bus, db, **options):
        sizes.append(options.get("batch_size", DEFAULT_BATCH))
        return real(bus, db, **options)

    monkeypatch.setattr(worker, "telecom_worker", recording)
    fast = runner.invoke(app, ["stream", "replay", "--world", str(tmp_path / "world"), "--calls-only"])
    assert fast.exit_code == 0, fast.output
    assert json.loads(fast.output)["stored"] == 1200
    paced = runner.invoke(app, ["stream", "replay", "--world", str(tmp_path / "world"), "--calls-only",
                                "--rate", "100000"])
    assert paced.exit_code == 0, paced.output
    assert sizes == [BULK_BATCH, DEFAULT_BATCH] and BULK_BATCH > DEFAULT_BATCH
