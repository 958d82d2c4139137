"""Case search at scale: the intake desk's case list over N cases, on SQLite and on PostgreSQL.

    .venv/bin/python bench/bench_case_search.py --size 1000000 --backend both

Builds a store once per size (cached in the temp directory, never in the repository) with N
cases, their victims, 1-3 transfers and 0-2 contacts each, and Chinese narratives made from
templates, using bulk inserts (executemany on SQLite, COPY on PostgreSQL; not the ORM, not
``file_report``), on the schema the migrations make. Then it runs a fixed, seeded mix of queries
of the kinds the desk types (report id, phone, account, id number, name, narrative words,
filters, date ranges, combinations, other sorts and later pages) and prints p50/p95/p99 per
kind and overall. Target: p95 <= 100 ms over 1,000,000 cases on both backends.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from fanzha.domain.actor import Actor  # noqa: E402
from fanzha.domain.clock import CENTER_TZ  # noqa: E402
from fanzha.domain.identity import id_check_digit  # noqa: E402
from fanzha.services.case_search import CaseQuery, search_cases  # noqa: E402
from fanzha.services.dashboard import intake_figures  # noqa: E402
from fanzha.store.db import Database  # noqa: E402

SYSTEM = Actor.system("test")

DATA_VERSION = 1  # bump when the generated data or the schema it needs changes
PG_ADMIN_URL = os.environ.get(
    "FANZHA_BENCH_PG_URL",
    os.environ.get("FANZHA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
)
CACHE = Path(tempfile.gettempdir()) / "fanzha-bench"
TARGET_P95_MS = 100.0

# ---------------------------------------------------------------------------------------------
# The generated city: five counties of 莆田市, two years of reports (2023-2024, local time).
# ---------------------------------------------------------------------------------------------

REGIONS = (("城厢区", "350302", 25), ("荔城区", "350304", 25), ("涵江区", "350303", 20),
           ("秀屿区", "350305", 15), ("仙游县", "350322", 15))
FRAUD_TYPES = (("order_brushing", 33), ("fake_investment", 12), ("fake_loan", 10),
               ("fake_customer_service", 10), ("fake_police", 6), ("fake_credit", 5),
               ("fake_shopping", 6), ("fake_boss", 4), ("game_trading", 3), ("romance", 4),
               ("other", 2), (None, 6))
STATUSES = (("reported", 25), ("filed", 35), ("investigating", 20), ("solved", 12), ("closed", 8))
SURNAMES = ("林" * 8 + "陈" * 8 + "黄" * 6 + "郑" * 5 + "吴" * 4 + "李" * 4 + "王" * 4 + "张" * 3
            + "刘杨蔡许方朱翁徐周游魏余卓谢何赵孙胡郭高罗宋唐江柯肖潘")
GIVEN = "伟强磊军洋勇杰涛明超华斌鹏辉建志国文俊浩宇轩博晨子宏海峰平东金龙成福荣新天阳松芳娜敏静丽艳娟霞燕玲婷雪慧秀英梅琳颖欣怡佳雨萱晶倩莉兰凤月美琴蓉洁璐诗涵思"
BANKS = (("工商银行", "622202"), ("农业银行", "622848"), ("中国银行", "621661"),
         ("建设银行", "621700"), ("交通银行", "622262"), ("邮储银行", "621799"),
         ("招商银行", "621483"), ("兴业银行", "622909"))
CHANNELS = ("手机银行", "网上银行", "支付宝", "微信支付", "ATM转账", "柜面转账")
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
                   "159", "182", "183", "187", "188", "130", "131", "132", "155", "156", "166",
                   "185", "186", "133", "153", "173", "177", "180", "181", "189", "199")
FRAUD_PREFIXES = ("170", "171", "162", "165", "167")

PLATFORMS = ("抖音", "快手", "微信群", "QQ群", "小红书", "淘宝", "拼多多", "微博", "陌陌", "探探",
             "百合网", "世纪佳缘", "闲鱼", "58同城", "京东", "美团", "B站", "网易游戏")
APPS = ("聚财宝", "鑫融汇", "恒信理财", "易贷通", "速融贷", "金盾安全", "云会议", "腾讯会议",
        "ZOOM", "安心借", "乐享购", "优品汇", "币安通", "汇通国际", "万利达", "星辰游戏",
        "梦幻交易猫", "盈富通", "九州证券", "中金在线")
LURES = ("兼职刷单日结佣金", "点赞关注赚钱", "高收益理财产品", "内幕股票消息", "低息无抵押贷款",
         "征信修复服务", "游戏装备低价出售", "名牌包包特价", "演唱会门票", "网络主播打赏返利")
ENDINGS = ("后发现被骗遂报警", "对方将其拉黑后才发觉被骗", "无法提现后意识到被骗", "经家人提醒发现被骗",
           "民警回访时发现被骗", "次日无法联系对方后报警", "银行工作人员提示后报警")
OFFICIALS = ("公安局民警", "检察院检察官", "法院工作人员", "社保局工作人员", "医保中心人员",
             "通信管理局工作人员", "银保监会工作人员")
CRIMES = ("涉嫌洗钱", "涉嫌非法出售银行卡", "名下快递含有违禁品", "医保卡被盗刷", "涉嫌诈骗案件",
          "身份信息被冒用")
GOODS = ("游戏账号", "游戏装备", "皮肤", "点券", "手机", "口罩", "茶叶", "白酒", "手表", "奶粉")
RELATIONS = ("领导", "老板", "同学", "亲戚", "老师", "朋友")

TEMPLATES = {
    "order_brushing": (
        "{t}，受害人在{p}上看到{lure}的广告，添加对方微信后被拉入任务群，按要求下载“{app}”APP做刷单任务，前几单小额返利后被要求连续做单，先后{n}次转账共计{a}元，{end}。",
        "受害人{t}通过{p}结识自称客服的人员，对方称做刷单返利任务可赚取佣金，受害人在“{app}”平台充值做单，共被骗{a}元，{end}。",
        "{t}受害人接到陌生来电，称可在家兼职刷单，受害人按对方指示在{p}购买商品刷信誉，对方以任务未完成、账户冻结为由要求继续转账，累计转账{a}元。",
    ),
    "fake_investment": (
        "{t}，受害人在{p}被拉入股票交流群，群内“老师”推荐{lure}，诱导其下载“{app}”投资平台，初期小额盈利可提现，后大额投入{a}元无法提现，{end}。",
        "受害人通过{p}网恋结识一男子，对方称掌握{app}平台漏洞，引导受害人投资虚拟币，先后{n}次转账共计{a}元，{end}。",
        "{t}受害人在{p}看到投资理财直播，加入会员后在“{app}”上购买理财产品，对方以缴纳保证金、个人所得税为由多次要求转账，共计{a}元。",
    ),
    "fake_loan": (
        "{t}，受害人在{p}看到{lure}，下载“{app}”APP申请贷款，对方以银行卡号填写错误、账户被冻结需解冻为由，要求其缴纳解冻金、保证金共计{a}元，{end}。",
        "受害人急需用钱，{t}接到自称“{app}”贷款客服电话，称可办理无抵押贷款，以刷流水、交手续费为由诱骗其转账{a}元。",
    ),
    "fake_customer_service": (
        "{t}，受害人接到自称{p}客服的电话，称其购买的{g}有质量问题需办理退款，诱导其下载“{app}”共享屏幕，按对方指示操作后被转走{a}元，{end}。",
        "{t}受害人接到自称快递公司客服的电话，称快递丢失可理赔，对方以理赔需开通备用金为由，让受害人扫码转账{n}次共计{a}元。",
        "对方冒充{p}客服，称受害人误开通了会员服务每月将扣费，需关闭服务，诱导受害人在“{app}”中操作并转账{a}元，{end}。",
    ),
    "fake_police": (
        "{t}，受害人接到自称{o}的电话，称其{c}，需将资金转入“安全账户”配合调查，并发送伪造的通缉令，受害人先后{n}次转账共计{a}元，{end}。",
        "受害人{t}接到陌生来电，对方自称{o}，称受害人{c}，要求下载“{app}”APP进行视频笔录，并转账{a}元接受资金审查。",
    ),
    "fake_credit": (
        "{t}，受害人接到自称{p}金融客服的电话，称其曾开通校园贷、需注销否则影响个人征信，诱导其在多个平台贷款后转入指定账户共计{a}元，{end}。",
        "对方称受害人征信存在逾期记录，可帮助消除不良征信，以验证流水为由让受害人转账{a}元，{end}。",
    ),
    "fake_shopping": (
        "{t}，受害人在{p}看到低价出售{g}的信息，添加卖家微信后通过“{app}”付款{a}元，对方未发货并将其拉黑。",
        "受害人{t}在{p}购买{lure}，对方以缴纳定金、运费、保证金为由多次要求付款，共计{a}元，{end}。",
    ),
    "fake_boss": (
        "{t}，受害人被拉入一个微信群，群内有人冒充其{r}，以急需向合作方付款为由，让受害人先行垫付，受害人向指定账户转账{a}元，{end}。",
        "对方冒充受害人的{r}添加其QQ，称不方便接电话，让受害人帮忙转账给他人，受害人先后{n}次转账{a}元。",
    ),
    "game_trading": (
        "{t}，受害人在{p}看到有人低价出售{g}，通过“{app}”交易平台购买，对方以账户冻结需解冻、提现需保证金为由骗取{a}元，{end}。",
        "受害人在游戏中结识一名玩家，对方称可高价收购其{g}，诱导其在虚假交易平台“{app}”操作，被骗{a}元。",
    ),
    "romance": (
        "{t}，受害人在{p}结识一名网友，双方确立恋爱关系后，对方以家人生病、投资赚钱为由诱导其在“{app}”平台充值，共计转账{a}元，{end}。",
        "受害人通过{p}网恋交友，对方自称海外工作，以寄送礼物需缴纳关税、清关费为由，骗取受害人{a}元。",
    ),
    "other": (
        "{t}，受害人接到陌生电话，对方以{lure}为由诱导其转账{a}元，{end}。",
        "受害人{t}在{p}上参加抽奖活动，对方称其中奖需先缴纳手续费和税费，受害人先后{n}次转账共计{a}元。",
    ),
}
TIMES = ("{d}上午", "{d}下午", "{d}晚上", "{d}中午", "{d}凌晨", "{d}")


@dataclass
class Sample:
    """Identifiers drawn from the generated data, to build realistic queries from."""

    report_ids: list[str]
    phones: list[str]
    id_numbers: list[str]
    names: list[str]
    to_accounts: list[str]
    from_accounts: list[str]
    contact_values: list[str]


def _weighted(rng: random.Random, table):
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return lambda: rng.choices(values, weights)[0]


def _card(rng: random.Random) -> str:
    prefix = rng.choice(BANKS)[1]
    return prefix + "".join(str(rng.randrange(10)) for _ in range(rng.choice((10, 13))))


def generate(size: int, chunk: int = 50_000):
    """Yield (cases, persons, transfers, contacts) row chunks; the same size gives the same data."""
    rng = random.Random(20240530 + size)
    region_of = _weighted(rng, [((name, code), w) for name, code, w in REGIONS])
    fraud_of = _weighted(rng, FRAUD_TYPES)
    status_of = _weighted(rng, STATUSES)
    start = datetime(2023, 1, 1, tzinfo=CENTER_TZ).astimezone(UTC).replace(tzinfo=None)
    span = (datetime(2025, 1, 1) - datetime(2023, 1, 1)).total_seconds()
    mule_pool = [_card(rng) for _ in range(max(100, size // 4))]
    fraud_numbers = [rng.choice(FRAUD_PREFIXES) + f"{rng.randrange(10**8):08d}" for _ in range(max(100, size // 10))]
    used_ids: set[str] = set()
    per_day: dict[str, int] = {}
    victims: list[tuple[int, str]] = []  # (person id, from account), for repeat victims
    person_id = transfer_id = contact_id = 0
    cases, persons, transfers, contacts = [], [], [], []
    for case_id in range(1, size + 1):
        if rng.random() < 0.08:  # a late report or a backlog import: any time in the two years
            offset = rng.random() * span
        else:
            offset = (case_id - 1 + rng.random()) / size * span
        reported = start + timedelta(seconds=int(offset))
        local_day = (reported + timedelta(hours=8)).strftime("%Y%m%d")
        per_day[local_day] = per_day.get(local_day, 0) + 1
        report_id = f"JQ-{local_day}-{per_day[local_day]:06d}"
        region, area = region_of()
        fraud_type = fraud_of()
        if victims and rng.random() < 0.03:
            victim_id, from_account = rng.choice(victims)
        else:
            person_id += 1
            victim_id = person_id
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
            while True:
                birth = date(1945, 1, 1) + timedelta(days=rng.randrange(365 * 62))
                body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
                if body not in used_ids:
                    used_ids.add(body)
                    break
            id_number = body + id_check_digit(body)
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            persons.append((victim_id, name, id_number, phone, 2024 - birth.year, region))
            from_account = _card(rng)
            if len(victims) < 200_000:
                victims.append((victim_id, from_account))
            elif rng.random() < 0.05:
                victims[rng.randrange(len(victims))] = (victim_id, from_account)
        loss = 0
        n_transfers = rng.choices((1, 2, 3), (55, 30, 15))[0]
        for _ in range(n_transfers):
            transfer_id += 1
            amount = max(100, int(rng.lognormvariate(12.4, 1.3)))  # fen; median about 2,400 yuan
            loss += amount
            mule = mule_pool[int(len(mule_pool) * rng.random() ** 1.5)]
            bank = rng.choice(BANKS)[0]
            when = reported - timedelta(seconds=rng.randrange(1, 72 * 3600))
            transfers.append((transfer_id, case_id, when, amount, from_account, rng.choice(BANKS)[0],
                              mule, rng.choice(SURNAMES) + rng.choice(GIVEN), bank, rng.choice(CHANNELS)))
        for _ in range(rng.choices((0, 1, 2), (35, 45, 20))[0]):
            contact_id += 1
            kind = rng.choices(("phone", "url", "app", "wechat", "qq"), (50, 15, 15, 12, 8))[0]
            if kind == "phone":
                value = fraud_numbers[int(len(fraud_numbers) * rng.random() ** 1.5)]
            elif kind == "url":
                value = f"http://{''.join(rng.choices('abcdefghijkmnpqrstuvwxyz', k=6))}.invalid/{rng.randrange(10**4)}"
            elif kind == "app":
                value = rng.choice(APPS)
            elif kind == "wechat":
                value = "wxid_" + "".join(rng.choices("abcdefghijkmnpqrstuvwxyz0123456789", k=10))
            else:
                value = str(rng.randrange(10**8, 10**10))
            contacts.append((contact_id, case_id, kind, value))
        local = reported + timedelta(hours=8)
        narrative = rng.choice(TEMPLATES[fraud_type or rng.choice(list(TEMPLATES))]).format(
            t=rng.choice(TIMES).format(d=f"{local.year}年{local.month}月{local.day}日"),
            p=rng.choice(PLATFORMS), app=rng.choice(APPS), lure=rng.choice(LURES),
            end=rng.choice(ENDINGS), o=rng.choice(OFFICIALS), c=rng.choice(CRIMES), g=rng.choice(GOODS),
            r=rng.choice(RELATIONS), n=n_transfers, a=f"{loss / 100:.2f}",
        )
        cases.append((case_id, report_id, reported, region, fraud_type, narrative, status_of(), loss,
                       victim_id, None, reported, reported))
        if len(cases) >= chunk:
            yield cases, persons, transfers, contacts
            cases, persons, transfers, contacts = [], [], [], []
    if cases:
        yield cases, persons, transfers, contacts


CASE_COLUMNS = ("id, report_id, reported_at, region, fraud_type, narrative, status, loss_fen, "
                "victim_id, organisation_id, created_at, updated_at")
PERSON_COLUMNS = "id, name, id_number, phone, age, district"
TRANSFER_COLUMNS = "id, case_id, time, amount_fen, from_account, from_bank, to_account, to_name, to_bank, channel"
CONTACT_COLUMNS = "id, case_id, kind, value"


def _progress(label: str, done: int, size: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    print(f"\r  {label}: {done:,}/{size:,} cases ({rate:,.0f}/s)", end="", flush=True)


def build_sqlite(path: Path, size: int) -> None:
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    Database(f"sqlite:///{path}").dispose()  # the schema, by the migrations
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA foreign_keys=OFF")

    def ts(value: datetime) -> str:
        return value.strftime("%Y-%m-%d %H:%M:%S.000000")

    started, done = time.perf_counter(), 0
    for cases, persons, transfers, contacts in generate(size):
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO persons ({PERSON_COLUMNS}) VALUES (?,?,?,?,?,?)", persons)
        conn.executemany(f"INSERT INTO cases ({CASE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                         [(*c[:2], ts(c[2]), *c[3:10], ts(c[10]), ts(c[11])) for c in cases])
        conn.executemany(f"INSERT INTO case_transfers ({TRANSFER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         [(t[0], t[1], ts(t[2]), *t[3:]) for t in transfers])
        conn.executemany(f"INSERT INTO case_contacts ({CONTACT_COLUMNS}) VALUES (?,?,?,?)", contacts)
        conn.execute("COMMIT")
        done += len(cases)
        _progress("sqlite", done, size, started)
    print()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def build_postgres(name: str, size: int) -> None:
    import psycopg

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    Database(_pg_url(name)).dispose()  # the schema, by the migrations
    dsn = _pg_url(name).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        # Load first, index after: the same indexes the migrations made, built in one pass each.
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename IN ('cases', 'persons', 'case_transfers', 'case_contacts') "
            "AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'"
        ).fetchall()
        for index_name, _ in indexes:
            conn.execute(f'DROP INDEX "{index_name}"')
        started, done = time.perf_counter(), 0
        for cases, persons, transfers, contacts in generate(size):
            with conn.transaction():
                with conn.cursor().copy(f"COPY persons ({PERSON_COLUMNS}) FROM STDIN") as copy:
                    for row in persons:
                        copy.write_row(row)
                with conn.cursor().copy(f"COPY cases ({CASE_COLUMNS}) FROM STDIN") as copy:
                    for c in cases:
                        copy.write_row((*c[:2], c[2].replace(tzinfo=UTC), *c[3:10],
                                        c[10].replace(tzinfo=UTC), c[11].replace(tzinfo=UTC)))
                with conn.cursor().copy(f"COPY case_transfers ({TRANSFER_COLUMNS}) FROM STDIN") as copy:
                    for t in transfers:
                        copy.write_row((t[0], t[1], t[2].replace(tzinfo=UTC), *t[3:]))
                with conn.cursor().copy(f"COPY case_contacts ({CONTACT_COLUMNS}) FROM STDIN") as copy:
                    for row in contacts:
                        copy.write_row(row)
            done += len(cases)
            _progress("postgres", done, size, started)
        print()
        conn.execute("SET maintenance_work_mem = '1GB'")
        for index_name, definition in indexes:
            print(f"  index {index_name}", flush=True)
            conn.execute(definition)
        for table in ("persons", "cases", "case_transfers", "case_contacts"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.execute("VACUUM ANALYZE")


def ensure_store(backend: str, size: int, rebuild: bool) -> str:
    """The database URL of a built store of this size, building it when missing."""
    folder = CACHE / f"case-search-v{DATA_VERSION}-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{backend}.done"
    if backend == "sqlite":
        path = folder / "cases.sqlite"
        url = f"sqlite:///{path}"
        if rebuild or not marker.exists() or not path.exists():
            marker.unlink(missing_ok=True)
            print(f"building SQLite store of {size:,} cases in {path}", flush=True)
            started = time.perf_counter()
            build_sqlite(path, size)
            marker.write_text(f"{time.perf_counter() - started:.0f}s\n")
    else:
        name = f"fanzha_bench_case_search_v{DATA_VERSION}_{size}"
        url = _pg_url(name)
        if rebuild or not marker.exists() or not _pg_exists(name):
            marker.unlink(missing_ok=True)
            print(f"building PostgreSQL store of {size:,} cases in database {name}", flush=True)
            started = time.perf_counter()
            build_postgres(name, size)
            marker.write_text(f"{time.perf_counter() - started:.0f}s\n")
    print(f"store ready ({marker.read_text().strip()} to build)")
    return url


def _pg_exists(name: str) -> bool:
    admin = create_engine(PG_ADMIN_URL)
    try:
        with admin.connect() as conn:
            return bool(conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar())
    finally:
        admin.dispose()


# ---------------------------------------------------------------------------------------------
# The query mix.
# ---------------------------------------------------------------------------------------------

LONG_WORDS = ("刷单", "返利", "客服", "公安局", "安全账户", "征信", "退款", "保证金", "共享屏幕", "投资平台",
              "虚拟币", "解冻金", "快递公司", "校园贷", "游戏账号", "网恋", "冒充", "拉黑", "理赔",
              "通缉令", "视频笔录", "垫付", "清关费", "中奖", "直播", "股票交流群", "银行工作人员提示",
              "聚财宝", "腾讯会议", "梦幻交易猫", "九州证券", "世纪佳缘", "医保卡被盗刷", "演唱会门票",
              "茶叶", "白酒", "奶粉", "备用金", "手续费", "内幕股票")
RARE_WORDS = ("区块链矿机", "境外赌博网站", "冒充医保局", "跨境电商", "外汇交易平台", "裸聊敲诈", "虚假招聘")
SHORT_WORDS = ("刷单", "客服", "贷款", "征信", "网恋", "退款", "理财", "游戏", "快递", "中奖", "茶叶",
               "白酒", "奶粉", "手表", "口罩", "皮肤", "点券", "关税", "漏洞", "老板")


def sample_identifiers(db: Database, size: int, rng: random.Random, count: int = 400) -> Sample:
    ids = [rng.randrange(1, size + 1) for _ in range(count)]
    with db.engine.connect() as conn:
        params = ",".join(str(i) for i in ids)
        cases = conn.execute(text(
            f"SELECT c.report_id, p.phone, p.id_number, p.name FROM cases c JOIN persons p ON p.id = c.victim_id "
            f"WHERE c.id IN ({params}) ORDER BY c.id")).all()
        transfers = conn.execute(text(
            f"SELECT to_account, from_account FROM case_transfers WHERE case_id IN ({params}) ORDER BY id")).all()
        contacts = conn.execute(text(
            f"SELECT value FROM case_contacts WHERE case_id IN ({params}) AND kind IN ('phone', 'wechat', 'qq') "
            "ORDER BY id")).all()
    return Sample(
        report_ids=[r[0] for r in cases], phones=[r[1] for r in cases], id_numbers=[r[2] for r in cases],
        names=[r[3] for r in cases], to_accounts=[t[0] for t in transfers],
        from_accounts=[t[1] for t in transfers if t[1]], contact_values=[c[0] for c in contacts],
    )


def query_mix(sample: Sample, rng: random.Random, total: int) -> list[tuple[str, CaseQuery]]:
    regions = [r[0] for r in REGIONS]
    types = [f for f, _ in FRAUD_TYPES if f] + ["unset"]
    statuses = [s for s, _ in STATUSES]
    first, last = date(2023, 1, 1), date(2024, 12, 31)

    def some_day() -> date:
        return first + timedelta(days=rng.randrange((last - first).days + 1))

    def date_range() -> tuple[date, date]:
        span = rng.choice((0, 6, 29, 90))
        start = some_day()
        return start, min(last, start + timedelta(days=span))

    def combined() -> CaseQuery:
        d_from, d_to = date_range()
        return CaseQuery(region=rng.choice(regions), fraud_type=rng.choice(types),
                         status=rng.choice(statuses), reported_from=d_from, reported_to=d_to)

    def rare_words() -> CaseQuery:
        """A phrase no narrative holds, or a date as narratives write it (about 1,400 cases a day)."""
        if rng.random() < 0.5:
            return CaseQuery(text=rng.choice(RARE_WORDS))
        day = some_day()
        return CaseQuery(text=f"{day.year}年{day.month}月{day.day}日")

    kinds = {
        "report_id": (10, lambda: CaseQuery(text=rng.choice(sample.report_ids))),
        "report_id_prefix": (3, lambda: CaseQuery(text=rng.choice(sample.report_ids)[:11])),
        "phone": (9, lambda: CaseQuery(text=rng.choice(sample.phones))),
        "contact": (5, lambda: CaseQuery(text=rng.choice(sample.contact_values))),
        "account_to": (7, lambda: CaseQuery(text=rng.choice(sample.to_accounts))),
        "account_from": (4, lambda: CaseQuery(text=rng.choice(sample.from_accounts))),
        "id_number": (7, lambda: CaseQuery(text=rng.choice(sample.id_numbers))),
        "name": (7, lambda: CaseQuery(text=rng.choice(sample.names))),
        "narrative_3plus": (8, lambda: CaseQuery(text=rng.choice([w for w in LONG_WORDS if len(w) >= 3]))),
        "narrative_1_2": (4, lambda: CaseQuery(text=rng.choice(SHORT_WORDS))),
        "narrative_rare": (4, rare_words),
        "region_status": (8, lambda: CaseQuery(region=rng.choice(regions), status=rng.choice(statuses))),
        "date_range": (7, lambda: CaseQuery(reported_from=(r := date_range())[0], reported_to=r[1])),
        "fraud_type": (5, lambda: CaseQuery(fraud_type=rng.choice(types))),
        "combined": (8, combined),
        "combined_text": (4, lambda: CaseQuery(
            text=rng.choice(LONG_WORDS + SHORT_WORDS), region=rng.choice(regions),
            reported_from=(r := date_range())[0], reported_to=r[1])),
        "sorted_paged": (4, lambda: CaseQuery(
            region=rng.choice((None, *regions)), status=rng.choice((None, *statuses)),
            fraud_type=rng.choice((None, *types)),
            sort=rng.choice(("-loss_fen", "loss_fen", "reported_at", "-reported_at")),
            page=rng.choice((1, 2, 3, 5, 10)))),
        "list_home": (1, lambda: CaseQuery()),
    }
    names = list(kinds)
    weights = [kinds[k][0] for k in names]
    mix = []
    for _ in range(total):
        kind = rng.choices(names, weights)[0]
        mix.append((kind, kinds[kind][1]()))
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def run(backend: str, size: int, queries: int, rebuild: bool, seed: int, verbose: bool) -> bool:
    url = ensure_store(backend, size, rebuild)
    db = Database(url)
    rng = random.Random(seed)
    sample = sample_identifiers(db, size, rng)
    mix = query_mix(sample, rng, queries)
    for _, query in mix[:50]:  # warm the caches the way a running server has them warm
        with db.session() as session:
            search_cases(session, SYSTEM, query)
    timings: dict[str, list[float]] = {}
    capped = 0
    slow: list[tuple[float, str, CaseQuery]] = []
    for kind, query in mix:
        started = time.perf_counter()
        with db.session() as session:
            result = search_cases(session, SYSTEM, query)
        elapsed = (time.perf_counter() - started) * 1000
        timings.setdefault(kind, []).append(elapsed)
        capped += result.total_capped
        slow.append((elapsed, kind, query))
    started = time.perf_counter()
    with db.session() as session:
        figures = intake_figures(session, SYSTEM)
    dashboard_ms = (time.perf_counter() - started) * 1000

    everything = [t for values in timings.values() for t in values]
    print(f"\n{backend}: {size:,} cases, {len(everything)} queries ({capped} with a capped total)")
    print(f"  {'kind':<18}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind in sorted(timings):
        values = timings[kind]
        print(f"  {kind:<18}{len(values):>5}{percentile(values, 50):>10.1f}{percentile(values, 95):>10.1f}"
              f"{percentile(values, 99):>10.1f}{max(values):>10.1f}")
    p95 = percentile(everything, 95)
    print(f"  {'overall':<18}{len(everything):>5}{percentile(everything, 50):>10.1f}{p95:>10.1f}"
          f"{percentile(everything, 99):>10.1f}{max(everything):>10.1f}")
    print(f"  dashboard (intake_figures, {figures.period_start}..{figures.period_end}, {figures.cases:,} cases): "
          f"{dashboard_ms:.1f} ms")
    if verbose:
        print("  slowest:")
        for elapsed, kind, query in sorted(slow, key=lambda s: -s[0])[:15]:
            print(f"    {elapsed:8.1f} ms  {kind:<16} {query}")
    ok = p95 <= TARGET_P95_MS
    print(f"  target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    db.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="number of cases")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--queries", type=int, default=1000, help="queries in the mix (at least 500)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="build the store again even if cached")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="also list the slowest queries")
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    ok = True
    for backend in backends:
        if args.build_only:
            ensure_store(backend, args.size, args.rebuild)
            continue
        ok &= run(backend, args.size, max(args.queries, 500), args.rebuild, args.seed, args.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
