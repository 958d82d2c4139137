"""The city's regions: counties (区县) and their police stations (派出所).

Fanzha's default layout is a prefecture-level city of five counties; a real center replaces it
with its own when it seeds its organisations.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class County:
    name: str  # 城厢区
    code: str  # stable code used in organisation codes
    stations: tuple[str, ...]  # police stations in the county


@dataclass(frozen=True)
class CityLayout:
    name: str
    counties: tuple[County, ...]

    def county(self, name: str) -> County | None:
        return next((c for c in self.counties if c.name == name), None)

    @property
    def county_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.counties)


DEFAULT_CITY = CityLayout(
    name="莆田市",
    counties=(
        County("城厢区", "chengxiang", ("龙桥派出所", "凤凰山派出所", "霞林派出所")),
        County("荔城区", "licheng", ("镇海派出所", "拱辰派出所", "黄石派出所")),
        County("涵江区", "hanjiang", ("涵东派出所", "涵西派出所")),
        County("秀屿区", "xiuyu", ("笏石派出所", "东庄派出所")),
        County("仙游县", "xianyou", ("鲤城派出所", "榜头派出所", "枫亭派出所")),
    ),
)
