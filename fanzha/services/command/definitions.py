"""What each figure of the command desk counts (统计口径), in one place: the dashboard's help,
the reports and docs/statistics.md all say the same.

Every figure counts records in the period by the local day (Asia/Shanghai) of one stated time,
and keeps to the area (a county, a station) and fraud type chosen. Money is integer fen.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    zh: str
    en: str
    money: bool  # an amount in fen (else a count)
    target: str | None  # "down" / "up": part of 两降两升; None: not a target
    zh_rule: str
    en_rule: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition("cases", "发案数", "Cases", False, "down",
               "按报案时间（本地日）计入的警情数。",
               "Victim reports counted on the local day they were reported."),
    Definition("loss_fen", "损失金额", "Losses", True, "down",
               "上述警情的被骗转账合计（元）。",
               "The victims' transfers of those cases, summed (yuan)."),
    Definition("solved", "破案数", "Solved cases", False, "up",
               "案件状态变为“破案”的时间落在本期的案件数（按状态变更记录，不论何时报案）；"
               "一起案件只在其破案的那一期计一次。",
               "Cases whose status moved to solved (破案) within the period, by the status change's time, "
               "whenever they were reported; a case counts once, in the period it was solved."),
    Definition("people_dealt_with", "打处人数", "People dealt with", False, "up",
               "本期内有打处措施（刑拘、逮捕、移送起诉、行政处罚、惩戒）的不同嫌疑人人数；"
               "同一人本期多项措施计一人。按措施记录的区县计入地区，无区县时按所涉案件的区县。",
               "Distinct suspects with a measure (detention, arrest, prosecution, administrative penalty, "
               "discipline) dated in the period; several measures on one person count once. The region is "
               "the one that recorded the measure, else that of the case."),
    Definition("stopped_fen", "止付金额", "Money stopped", True, None,
               "银行回复已止付的时间落在本期的止付令的实际止付金额合计。",
               "What banks actually stopped, on orders they stopped within the period."),
    Definition("frozen_fen", "冻结金额", "Money frozen", True, None,
               "冻结时间落在本期的冻结金额合计。", "Freezes made within the period, summed."),
    Definition("returned_fen", "返还金额", "Money returned", True, None,
               "返还时间落在本期的返还受害人金额合计。", "Money returned to victims within the period."),
    Definition("warnings", "预警线索数", "Warnings", False, None,
               "本期产生的预警线索数（同一人的多条信号合并为一条线索）。",
               "Warning leads raised within the period (one lead merges a person's signals)."),
    Definition("dissuasions", "劝阻成功数", "Dissuasions", False, None,
               "本期以“劝阻成功”结束的预警线索数（按结束时间）。",
               "Leads closed as dissuaded within the period (by the closing time)."),
    Definition("loss_avoided_fen", "避免损失", "Loss avoided", True, None,
               "上述劝阻成功线索登记的避免损失合计。", "The loss avoided recorded on those leads, summed."),
    Definition("numbers_intercepted", "拦截号码数", "Numbers intercepted", False, None,
               "运营商执行拦截指令的时间落在本期的不同号码数。",
               "Distinct numbers whose interception order the operator executed within the period."),
    Definition("numbers_shut_down", "关停号码数", "Numbers shut down", False, None,
               "运营商执行关停指令的时间落在本期的不同号码数。",
               "Distinct numbers whose shutdown order the operator executed within the period."),
    Definition("cards_queried", "查询银行卡数", "Cards queried", False, None,
               "本期发出调证（调取流水）请求的不同银行卡数。",
               "Distinct bank accounts whose statements were requested (调证) within the period."),
    Definition("cards_frozen", "冻结银行卡数", "Cards frozen", False, None,
               "本期冻结的不同银行卡数。", "Distinct bank accounts frozen within the period."),
)
BY_KEY = {d.key: d for d in DEFINITIONS}
KEYS = tuple(d.key for d in DEFINITIONS)
TARGETS = tuple(d for d in DEFINITIONS if d.target)  # 两降两升: cases, losses down; solved, people up

GENERAL_ZH = ("统计以中心本地时间（北京时间）的自然日计；同比为上一年的同一期间（2月29日按2月28日）；"
              "尚未结束的期间统计到今天，与去年同期的相同日期比较。"
              "变化率 =（本期 − 同期）÷ 同期；同期为 0 时变化率无定义，显示为“—”。"
              "地区按案件所在区县和派出所；不关联案件的号码处置只计入全市。"
              "选择诈骗类型时，只计与该类型案件（或线索）相关的记录。")
GENERAL_EN = ("Days are the center's local days (Beijing time); the comparison is the same period a year earlier "
              "(29 February as 28 February); a period still under way runs to today and is compared with the "
              "same days a year earlier. Change = (this − last) ÷ last; when last year is 0 the change is "
              "undefined and shown as —. Regions follow the case's county and police station; number orders "
              "tied to no case count for the whole city only. With a fraud type chosen, only records tied to "
              "cases (or leads) of that type count.")


def change_percent(this: int, last: int) -> float | None:
    """(this − last) ÷ last in percent, one decimal; None (undefined) when last is 0."""
    if last == 0:
        return None
    return round((this - last) * 100 / last, 1)
