"""Fraud gangs (诈骗团伙): their fraud type, calling and SMS numbers, handsets, online contacts,
mule card network, and the 帮信 people from other provinces whose cards and SIMs they use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from fanzha.domain.fraud_type import FraudType
from fanzha.sim import accounts as acc
from fanzha.sim import phones as ph
from fanzha.sim.cells import Cells
from fanzha.sim.fraud_scripts import SCRIPTS, victim_share
from fanzha.sim.identity import OTHER_PROVINCE_CODES, id_numbers
from fanzha.sim.mule_network import MuleCard, build_network
from fanzha.sim.names import NATIONAL_SURNAMES, person_names
from fanzha.sim.numbering import ip_addresses, mac_addresses
from fanzha.sim.rates import GANGS_PER_RESIDENT, MIN_RESIDENTS_FOR_EVERY_TYPE
from fanzha.sim.registry import Registry

APP_NAMES: dict[FraudType, tuple[str, ...]] = {
    FraudType.ORDER_BRUSHING: ("云端兼职", "易兼职", "点赞赚", "任务帮"),
    FraudType.FAKE_INVESTMENT: ("鑫享投资", "金牛汇", "星辰理财", "聚财通"),
    FraudType.FAKE_LOAN: ("安心借", "速贷通", "闪电贷", "极速借"),
    FraudType.FAKE_CUSTOMER_SERVICE: ("安全助手", "云会议", "快递理赔通"),
    FraudType.FAKE_POLICE: ("安全核查", "云视讯", "检察在线"),
    FraudType.FAKE_CREDIT: ("掌上征信", "征信修复", "信用管家"),
    FraudType.FAKE_SHOPPING: ("优选商城", "特价淘", "闲置好物"),
    FraudType.FAKE_BOSS: ("企业通讯", "云办公"),
    FraudType.GAME_TRADING: ("畅游交易", "乐玩游戏", "游戏宝"),
    FraudType.ROMANCE: ("缘来是你", "蜜语", "心动交友"),
    FraudType.OTHER: ("ETC认证", "医保年审", "福利中心"),
}
URL_WORDS = ("app", "vip", "h5", "dl", "m", "web", "kf", "pay", "down", "www")
TLDS = ("top", "xyz", "vip", "cc", "icu", "cn.com", "club", "shop")
FRAUD_OPERATOR_SHARES = np.array([0.4, 0.3, 0.3])


@dataclass
class Gang:
    gang_id: str
    fraud_type: FraudType
    callers: np.ndarray  # phone indices
    senders: np.ndarray  # phone indices
    handsets: np.ndarray  # IMEIs shared by its numbers (一机多卡)
    handset_of: dict[int, int]  # phone index → its usual handset
    contacts: dict[str, list[str]]  # url / app / qq / wechat
    cards: list[MuleCard]
    card_account: np.ndarray  # account index of each card
    merchants: np.ndarray  # account indices of the shops it buys from
    persons: list[int] = field(default_factory=list)  # indices into the gang persons table
    active: dict[int, tuple[int, int]] = field(default_factory=dict)  # phone → first day, last day


@dataclass
class FraudPersons:
    """帮信 people: they sold or rented their cards and SIMs (两卡) to a gang."""

    name: pl.Series
    id_number: pl.Series
    gang: np.ndarray
    accounts: list[list[int]]
    phones: list[list[int]]


def gang_types(rng: np.random.Generator, residents: int) -> list[FraudType]:
    count = max(1, round(GANGS_PER_RESIDENT * residents))
    types = list(FraudType) if residents >= MIN_RESIDENTS_FOR_EVERY_TYPE else []
    extra = max(0, count - len(types))
    types += [list(FraudType)[i] for i in rng.choice(len(FraudType), extra, p=victim_share())]
    return types


def _online_contacts(rng: np.random.Generator, fraud_type: FraudType) -> dict[str, list[str]]:
    """The gang's links, apps, QQ and WeChat accounts: shared across its cases, they link them (串并案)."""
    letters = np.array(list("abcdefghjkmnpqrstuvwxyz23456789"))
    def word(n: int) -> str:
        return "".join(rng.choice(letters, n))
    return {
        "url": [f"http{'s' if rng.random() < 0.5 else ''}://{rng.choice(URL_WORDS)}.{word(6)}.{rng.choice(TLDS)}/{word(4)}"
                for _ in range(int(rng.integers(1, 4)))],
        "app": [str(a) for a in rng.choice(APP_NAMES[fraud_type], int(rng.integers(1, 3)), replace=False)],
        "qq": [str(int(rng.integers(100_000_000, 3_999_999_999))) for _ in range(int(rng.integers(1, 4)))],
        "wechat": [("wxid_" + word(10)) if rng.random() < 0.5 else word(int(rng.integers(6, 10)))
                   for _ in range(int(rng.integers(1, 4)))],
    }


def make_gangs(rng: np.random.Generator, residents: int, days: int, start: date, reg: Registry, cells: Cells,
               outside_merchants: np.ndarray) -> tuple[list[Gang], FraudPersons]:
    types = gang_types(rng, residents)
    gangs: list[Gang] = []
    # a few deep gangs and many shallow ones; real chains reach level 10 and beyond
    depths = rng.integers(3, 13, len(types))
    if len(depths):
        depths[int(rng.integers(0, len(depths)))] = max(int(depths.max()), 8)
    start_day = np.datetime64(start)
    person_gang: list[int] = []
    person_accounts: list[list[int]] = []
    person_phones: list[list[int]] = []
    card_specs: list[dict[str, np.ndarray]] = []  # the cards' accounts are opened once the holders exist
    for g, fraud_type in enumerate(types):
        script = SCRIPTS[fraud_type]
        calls_much = script.first_contact == "call" or script.more_calls
        n_callers = int(rng.integers(3, 9) if calls_much else rng.integers(1, 4))
        n_senders = int(rng.integers(2, 6) if script.first_contact == "sms" else rng.integers(1, 3))
        operator = rng.choice(3, n_callers + n_senders, p=FRAUD_OPERATOR_SHARES).astype(np.int8)
        handsets = reg.imeis.allocate(int(rng.integers(2, 6)))
        phones = reg.phones.add(number=reg.numbers.allocate(operator), operator=operator, owner=-1, kind=ph.FRAUD,
                                imei=handsets[rng.integers(0, len(handsets), len(operator))],
                                home_cell=cells.any(rng, len(operator)), work_cell=cells.any(rng, len(operator)))
        handset_of = {int(p): int(reg.phones.imei[p]) for p in phones}

        cards = build_network(rng, int(depths[g]))
        bank = rng.choice(6, len(cards)).astype(np.int8)
        devices = int(rng.integers(2, 5))
        device = rng.integers(0, devices, len(cards))
        device_ip, device_mac = ip_addresses(rng, devices, local=False), mac_addresses(rng, devices)
        opened = start_day - rng.integers(1, 120, len(cards))
        opening = rng.integers(0, 200_000, len(cards))
        # card holders: one to three cards each; SIMs registered to the same people
        holder = np.cumsum(np.concatenate([[0], rng.random(len(cards) - 1) < 0.55]))
        n_people = int(holder[-1]) + 1
        first_person = len(person_gang)
        person_gang += [g] * n_people
        person_accounts += [[] for _ in range(n_people)]
        person_phones += [[] for _ in range(n_people)]
        gangs.append(Gang(
            gang_id=f"G{g + 1:03d}", fraud_type=fraud_type, callers=phones[:n_callers], senders=phones[n_callers:],
            handsets=handsets, handset_of=handset_of, contacts=_online_contacts(rng, fraud_type), cards=cards,
            card_account=np.zeros(0, np.int64),
            merchants=rng.choice(outside_merchants, min(len(outside_merchants), 3), replace=False),
            persons=list(range(first_person, first_person + n_people)),
        ))
        card_specs.append({"bank": bank, "ip": device_ip[device], "mac": device_mac[device], "opened": opened,
                           "opening_fen": opening, "holder": holder + first_person})
        for p in phones:
            owner = first_person + int(rng.integers(0, n_people))
            person_phones[owner].append(int(p))
        for p in phones:
            first = int(rng.integers(0, max(days - 1, 1)))
            gangs[-1].active[int(p)] = (first, min(days - 1, first + int(rng.integers(2, 12))))

    # the people, all at once so their ID numbers are unique
    n = len(person_gang)
    male = rng.random(n) < 0.7
    age = rng.integers(19, 46, n)
    birth = start_day - (age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    area = np.array(OTHER_PROVINCE_CODES, dtype=np.int64)[rng.integers(0, len(OTHER_PROVINCE_CODES), n)]
    people = FraudPersons(person_names(rng, male, NATIONAL_SURNAMES), id_numbers(area, birth, male),
                          np.array(person_gang, np.int32), person_accounts, person_phones)

    for gang, spec in zip(gangs, card_specs, strict=True):
        holder = spec.pop("holder")
        gang.card_account = reg.accounts.add(number=reg.cards.allocate(spec["bank"]), holder=people.name.gather(holder),
                                             person=-1, kind=acc.MULE, **spec)
        for a, h in zip(gang.card_account, holder, strict=True):
            people.accounts[int(h)].append(int(a))
    return gangs, people
