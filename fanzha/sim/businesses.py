"""Merchants and employers (商户/单位): where residents shop and who pays their salaries.

Every business has one account at one of the six banks (kind ``merchant``). A few sit outside the
city (gold shops, online electronics, game top-ups): that is where gangs spend stolen money.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fanzha.domain.region import CityLayout
from fanzha.sim.names import outside_merchant_name, shop_name
from fanzha.sim.population import Population
from fanzha.sim.rates import EMPLOYED_SHARE, RESIDENTS_PER_MERCHANT

SOCIAL_SECURITY = "莆田市社会保险基金管理中心"


@dataclass
class Businesses:
    name: list[str]
    county: np.ndarray  # int8, -1 for outside the city
    weight: np.ndarray  # float, how much trade (and how many staff) it draws
    local: np.ndarray  # indices of the city's shops and employers
    outside: np.ndarray  # indices of the outside merchants
    social_security: int  # pays pensions


def make_businesses(rng: np.random.Generator, residents: int, layout: CityLayout, outside: int) -> Businesses:
    n_local = max(10, residents // RESIDENTS_PER_MERCHANT)
    county = rng.integers(0, len(layout.counties), n_local).astype(np.int8)
    names = [shop_name(rng, layout.counties[c].name) for c in county]
    weight = rng.pareto(1.3, n_local) + 1.0
    names += [outside_merchant_name(rng) for _ in range(outside)]
    names.append(SOCIAL_SECURITY)
    county = np.concatenate([county, np.full(outside + 1, -1, np.int8)])
    weight = np.concatenate([weight, np.full(outside + 1, 0.0)])
    return Businesses(
        name=names, county=county, weight=weight, local=np.arange(n_local),
        outside=np.arange(n_local, n_local + outside), social_security=n_local + outside,
    )


def assign_employers(rng: np.random.Generator, people: Population, adults: np.ndarray, firms: Businesses) -> np.ndarray:
    """Employer (business index) of each adult, -1 for none; most work in their own county."""
    age = people.age[adults]
    employed = (age < 60) & (rng.random(len(adults)) < EMPLOYED_SHARE)
    employer = np.full(len(adults), -1, dtype=np.int32)
    local = firms.local
    p_all = firms.weight[local] / firms.weight[local].sum()
    anywhere = rng.choice(local, size=len(adults), p=p_all)
    employer[employed] = anywhere[employed]
    home = people.county[adults]
    for c in np.unique(home):
        mine = local[firms.county[local] == c]
        pick = employed & (home == c) & (rng.random(len(adults)) < 0.8)
        if len(mine) and pick.any():
            p = firms.weight[mine] / firms.weight[mine].sum()
            employer[pick] = rng.choice(mine, size=int(pick.sum()), p=p)
    return employer
