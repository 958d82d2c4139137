"""Access decisions (访问控制): refusals that say which permission, why, and what to do next.

``check`` asks the permission table (permissions.py) whether the actor's role may do something
at all; ``case_in_scope`` whether a case lies in the actor's area. Both are pure: the services
call them and raise ``AccessDenied``, which the pages show as a 403 page and the API as a 403
JSON body, and which is written to the audit log.
"""
from __future__ import annotations

from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission, Scope, holders

_OBJECTS = {"case": ("警情", "case"), "user": ("用户", "user"), "token": ("令牌", "API token"),
            "region": ("区县", "county"),
            "order": ("止付指令", "order"), "audit": ("审计日志", "the audit log")}


class AccessDenied(Exception):
    """The actor may not do this. ``reason`` is "role" (the table does not grant the permission)
    or "scope" (the record lies outside the actor's area)."""

    def __init__(self, actor: Actor, permission: Permission, reason: str = "role", *,
                 object_type: str | None = None, object_id: object = None) -> None:
        self.actor = actor
        self.permission = permission
        self.reason = reason
        self.object_type = object_type
        self.object_id = None if object_id is None else str(object_id)
        super().__init__(self.message_en)

    def _object(self, lang: str) -> str:
        zh, en = _OBJECTS.get(self.object_type or "", (self.object_type or "", self.object_type or ""))
        name = zh if lang == "zh" else en
        if self.object_id is None:
            return name or ("该记录" if lang == "zh" else "this record")
        return f"{name} {self.object_id}" if self.object_type == "region" else f"{name} #{self.object_id}"

    @property
    def message_en(self) -> str:
        p, actor = self.permission, self.actor
        if self.reason == "scope":
            return (f"Not allowed: {self._object('en')} is outside your area. You work for "
                    f"{actor.org_name or 'no organisation'} and see only {actor.scope.label_en}"
                    f" ({actor.area_en}). If your work needs it, ask the center that holds it, "
                    "or your center administrator.")
        role = actor.role.label_en if actor.role else "this account"
        may = ", ".join(r.label_en for r in holders(p)) or "no role"
        return (f"Not allowed: the {role} role may not {p.label_en} (permission {p.value}). "
                f"Roles that may: {may}. If your work needs it, ask your center administrator.")

    @property
    def message_zh(self) -> str:
        p, actor = self.permission, self.actor
        if self.reason == "scope":
            return (f"无权访问：{self._object('zh')}不在您的数据范围内。您属于{actor.org_name or '—'}，"
                    f"只能查看{actor.scope.label_zh}（{actor.area_zh}）的数据。"
                    "如工作需要，请联系该数据所属单位或本中心系统管理员。")
        role = actor.role.label_zh if actor.role else "该账号"
        may = "、".join(r.label_zh for r in holders(p)) or "无"
        return (f"无权操作：{role}不能{p.label_zh}（权限 {p.value}）。可以{p.label_zh}的角色：{may}。"
                "如工作需要，请联系本中心系统管理员。")

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


def check(actor: Actor, permission: Permission, *, object_type: str | None = None,
          object_id: object = None) -> None:
    """Raise AccessDenied unless the actor's role holds ``permission``."""
    if not actor.may(permission):
        raise AccessDenied(actor, permission, "role", object_type=object_type, object_id=object_id)


def case_in_scope(actor: Actor, region: str | None, station_id: int | None) -> bool:
    """Whether a case of ``region`` (county) and ``station_id`` (the police station covering the
    victim) lies in the actor's area."""
    scope = actor.scope
    if scope is Scope.ALL:
        return True
    if scope is Scope.COUNTY:
        return region is not None and region == actor.region
    if scope is Scope.STATION:
        return station_id is not None and station_id == actor.org_id
    return False  # banks and operators see orders and numbers, never cases


def check_case(actor: Actor, permission: Permission, case_id: object, region: str | None,
               station_id: int | None) -> None:
    """Raise AccessDenied unless the actor may do ``permission`` on this case."""
    check(actor, permission, object_type="case", object_id=case_id)
    if not case_in_scope(actor, region, station_id):
        raise AccessDenied(actor, permission, "scope", object_type="case", object_id=case_id)
