"""The entity graph's vocabulary (关系图谱): what a node is and how two nodes are related.

Every case, person, phone, account, device, address and online identity that the center's data
names becomes one node; relations carry the evidence (which report, posting, call or order) that
put them there, so an analyst can always ask "why are these linked?".
"""
from __future__ import annotations

from enum import StrEnum


class EntityKind(StrEnum):
    CASE = "case"  # 案件
    PERSON = "person"  # 人员 (victim, holder, suspect)
    PHONE = "phone"  # 电话号码
    ACCOUNT = "account"  # 银行账户
    IMEI = "imei"  # 手机串号
    MAC = "mac"  # MAC 地址
    IP = "ip"  # IP 地址
    URL = "url"  # 网址
    APP = "app"  # App
    WECHAT = "wechat"  # 微信号
    QQ = "qq"  # QQ 号

    @property
    def label_zh(self) -> str:
        return _ENTITY_ZH[self]

    @property
    def label_en(self) -> str:
        return _ENTITY_EN.get(self, self.value.capitalize())


_ENTITY_ZH = {
    EntityKind.CASE: "案件", EntityKind.PERSON: "人员", EntityKind.PHONE: "电话",
    EntityKind.ACCOUNT: "银行账户", EntityKind.IMEI: "IMEI", EntityKind.MAC: "MAC",
    EntityKind.IP: "IP", EntityKind.URL: "网址", EntityKind.APP: "App",
    EntityKind.WECHAT: "微信", EntityKind.QQ: "QQ",
}
_ENTITY_EN = {EntityKind.IMEI: "IMEI", EntityKind.MAC: "MAC", EntityKind.IP: "IP",
              EntityKind.URL: "URL", EntityKind.APP: "App", EntityKind.WECHAT: "WeChat",
              EntityKind.QQ: "QQ"}


class RelationKind(StrEnum):
    """Edges run from the actor to the thing acted on (a paid b; a owns b; a case involves b)."""

    PAID = "paid"  # 转账: account → account
    CALLED = "called"  # 通话: phone → phone
    TEXTED = "texted"  # 短信: phone → phone
    OWNS = "owns"  # 持有: person → phone / account
    USED = "used"  # 使用: phone → IMEI, account → MAC
    LOGGED_IN_FROM = "logged_in_from"  # 登录: account → IP
    INVOLVES = "involves"  # 涉案: case → victim, contact, account paid, order target

    @property
    def label_zh(self) -> str:
        return _RELATION_ZH[self]

    @property
    def label_en(self) -> str:
        return self.value.replace("_", " ")


_RELATION_ZH = {
    RelationKind.PAID: "转账", RelationKind.CALLED: "通话", RelationKind.TEXTED: "短信",
    RelationKind.OWNS: "持有", RelationKind.USED: "使用", RelationKind.LOGGED_IN_FROM: "登录",
    RelationKind.INVOLVES: "涉案",
}


class SeriesState(StrEnum):
    """A candidate series (串并案) and what an analyst decided about it."""

    CANDIDATE = "candidate"  # 待研判: found by the detector
    CONFIRMED = "confirmed"  # 已串并: an analyst confirmed it
    REJECTED = "rejected"  # 不串并: an analyst said these cases are not one gang
    MERGED = "merged"  # 已合并: folded into another series (parent_id)
    SPLIT = "split"  # 已拆分: replaced by the series split from it

    @property
    def label_zh(self) -> str:
        return {"candidate": "待研判", "confirmed": "已串并", "rejected": "不串并",
                "merged": "已合并", "split": "已拆分"}[self.value]

    @property
    def label_en(self) -> str:
        return self.value.capitalize()
