"""The city's registers: phones and bank cards for adults and businesses, with savings and devices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from fanzha.domain.organisation import BANKS, OPERATORS
from fanzha.domain.region import CityLayout
from fanzha.sim import accounts as acc
from fanzha.sim import phones as ph
from fanzha.sim.businesses import Businesses
from fanzha.sim.cells import Cells
from fanzha.sim.csvout import write_csv
from fanzha.sim.numbering import CardNumbers, Imeis, PhoneNumbers, ip_addresses, mac_addresses
from fanzha.sim.population import Population, person_ids
from fanzha.sim.rates import SECOND_PHONE_SHARE

CARDS_PER_ADULT = np.array([0.45, 0.4, 0.15])  # one, two or three cards


@dataclass
class Registry:
    phones: ph.PhoneBook
    resident_phones: ph.ResidentPhones
    accounts: acc.AccountBook
    resident_accounts: acc.ResidentAccounts
    business_account: np.ndarray  # account index of each business
    numbers: PhoneNumbers
    cards: CardNumbers
    imeis: Imeis


def savings_fen(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """What an adult holds in the bank: grows with age, heavy-tailed (lognormal)."""
    median_yuan = np.select([age < 25, age < 35, age < 50, age < 60], [6_000, 30_000, 60_000, 90_000], 110_000)
    return (median_yuan * np.exp(rng.normal(0, 1.1, len(age))) * 100).astype(np.int64)


def make_registry(rng: np.random.Generator, people: Population, adults: np.ndarray, employer: np.ndarray,
                  firms: Businesses, cells: Cells, start: date) -> Registry:
    numbers, cards, imeis = PhoneNumbers(rng), CardNumbers(rng), Imeis(rng)
    n_adults = len(adults)

    # phones: first for every adult, a second for some
    has_second = rng.random(n_adults) < SECOND_PHONE_SHARE
    owners = np.concatenate([adults, adults[has_second]]).astype(np.int32)
    home = cells.pick(rng, people.county[adults])
    work_county = np.where(rng.random(n_adults) < 0.8, people.county[adults], rng.integers(0, len(cells.count), n_adults))
    work = np.where(employer >= 0, cells.pick(rng, work_county), home)
    operator = numbers.operators(len(owners))
    book = ph.PhoneBook()
    book.add(number=numbers.allocate(operator), operator=operator, owner=owners, kind=ph.RESIDENT,
             imei=imeis.allocate(len(owners)), home_cell=np.concatenate([home, home[has_second]]),
             work_cell=np.concatenate([work, work[has_second]]))
    first_phone = np.full(people.size, -1, np.int64)
    second_phone = np.full(people.size, -1, np.int64)
    first_phone[adults] = np.arange(n_adults)
    second_phone[adults[has_second]] = n_adults + np.arange(int(has_second.sum()))

    # cards: one to three per adult, the first holds most of the savings
    count = rng.choice(3, n_adults, p=CARDS_PER_ADULT) + 1
    person = np.repeat(adults, count).astype(np.int32)
    first_card = np.concatenate([[0], np.cumsum(count)[:-1]])
    is_first = np.zeros(len(person), bool)
    is_first[first_card] = True
    saved = np.repeat(savings_fen(rng, people.age[adults]), count)
    opening = np.where(is_first, saved * 7 // 10, (saved * 3 // 10) // np.repeat(np.maximum(count - 1, 1), count))
    bank = rng.choice(6, len(person), p=acc.BANK_SHARES).astype(np.int8)
    adult_from = np.maximum(people.birth[person] + 16 * 365, np.datetime64("2005-01-01"))
    latest = np.datetime64(start) - 60
    opened = adult_from + (rng.random(len(person)) * np.maximum((latest - adult_from).astype(np.int64), 1)).astype(np.int64)
    ip = np.repeat(ip_addresses(rng, n_adults), count)  # a household's broadband / the phone's network
    mac = np.repeat(mac_addresses(rng, n_adults), count)  # the person's phone
    accounts = acc.AccountBook()
    accounts.add(number=cards.allocate(bank), bank=bank, holder=people.name.gather(person), person=person,
                 kind=acc.RESIDENT, opened=opened, opening_fen=opening, ip=ip, mac=mac)
    first_account = np.full(people.size, -1, np.int64)
    account_count = np.zeros(people.size, np.int64)
    first_account[adults] = first_card
    account_count[adults] = count

    # one card per business: large balances, the company's office network
    n_firms = len(firms.name)
    firm_bank = rng.choice(6, n_firms, p=acc.BANK_SHARES).astype(np.int8)
    firm_opening = (rng.lognormal(np.log(300_000), 1.0, n_firms) * 100).astype(np.int64)
    firm_opened = np.datetime64("2003-01-01") + rng.integers(0, 7000, n_firms)
    business_account = accounts.add(
        number=cards.allocate(firm_bank), bank=firm_bank, holder=pl.Series(firms.name), person=-1, kind=acc.MERCHANT,
        opened=firm_opened, opening_fen=firm_opening, ip=ip_addresses(rng, n_firms), mac=mac_addresses(rng, n_firms))

    return Registry(book, ph.ResidentPhones(first_phone, second_phone), accounts,
                    acc.ResidentAccounts(first_account, account_count), business_account, numbers, cards, imeis)


def write_registry(out: Path, people: Population, reg: Registry, layout: CityLayout) -> dict[str, int]:
    """``registry/residents.csv``, ``phones.csv`` and ``accounts.csv``."""
    counties = pl.Series([c.name for c in layout.counties])
    stations = pl.Series([s for _, s in people.stations])
    first_phone, first_card = reg.resident_phones.first, reg.resident_accounts.first
    residents = pl.DataFrame({
        "person_id": person_ids(np.arange(people.size)),
        "name": people.name,
        "id_number": people.id_number,
        "gender": pl.Series(["女", "男"]).gather(people.male.astype(np.int64)),
        "age": people.age,
        "district": counties.gather(people.county.astype(np.int64)),
        "station": stations.gather(people.station.astype(np.int64)),
        "has_phone": first_phone >= 0,
        "phone_number": reg.phones.number[np.maximum(first_phone, 0)],
        "account_number": reg.accounts.number[np.maximum(first_card, 0)],
    }).with_columns(
        phone=pl.when("has_phone").then(pl.col("phone_number")),
        account=pl.when("has_phone").then(pl.col("account_number")),
    ).select(["person_id", "name", "id_number", "gender", "age", "district", "station", "phone", "account"])

    book = reg.phones
    phones = pl.DataFrame({
        "number": book.number,
        "operator": pl.Series([o.code for o in OPERATORS]).gather(book.operator.astype(np.int64)),
        "person_id": person_ids(book.owner),
        "kind": pl.Series(ph.KIND_NAMES).gather(book.kind.astype(np.int64)),
    })

    cards = reg.accounts
    accounts = pl.DataFrame({
        "number": cards.number,
        "bank": pl.Series([b.code for b in BANKS]).gather(cards.bank.astype(np.int64)),
        "holder_name": cards.holder,
        "person_id": person_ids(cards.person),
        "opened_at": cards.opened.astype("datetime64[D]"),
        "kind": pl.Series(acc.KIND_NAMES).gather(cards.kind.astype(np.int64)),
    })
    return {
        "registry/residents.csv": write_csv(residents, out / "registry" / "residents.csv"),
        "registry/phones.csv": write_csv(phones, out / "registry" / "phones.csv"),
        "registry/accounts.csv": write_csv(accounts, out / "registry" / "accounts.csv"),
    }
