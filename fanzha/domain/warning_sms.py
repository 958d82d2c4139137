"""Warning SMS (预警短信) sent to everyone in contact with a newly flagged number, as the national
12381 system does: one template per fraud type, naming the trick and what to do. The sender
signature 【反诈中心】 and the 96110 hotline are how the public recognises the center's messages."""
from __future__ import annotations

from fanzha.domain.fraud_type import FraudType

SIGNATURE = "【反诈中心】"
HOTLINE = "96110"

_TRICKS = {
    FraudType.ORDER_BRUSHING: "刷单返利都是诈骗，先小额返利再骗大钱",
    FraudType.FAKE_INVESTMENT: "网上“高收益、稳赚不赔”的投资理财都是诈骗",
    FraudType.FAKE_LOAN: "网贷先交“保证金、解冻费”的都是诈骗",
    FraudType.FAKE_CUSTOMER_SERVICE: "自称客服说要退款、理赔、关闭百万保障的都是诈骗",
    FraudType.FAKE_POLICE: "公检法不会电话办案，更没有“安全账户”",
    FraudType.FAKE_CREDIT: "征信无法花钱修复，要求转账“消除不良记录”的都是诈骗",
    FraudType.FAKE_SHOPPING: "低价代购、私下交易要求先付款的要当心",
    FraudType.FAKE_BOSS: "“领导”“熟人”加好友要求转账，务必当面或电话核实",
    FraudType.GAME_TRADING: "游戏账号、装备私下交易多为诈骗",
    FraudType.ROMANCE: "网恋对象带你投资、赌博的都是诈骗",
    FraudType.OTHER: "陌生来电要求转账汇款的都是诈骗",
}


def warning_text(fraud_type: FraudType | None, number: str, *, suspected: bool = False) -> str:
    """The message a resident receives: the number that contacted them, the trick, what to do. A number
    flagged by a rule or the model and not yet confirmed by a case or an officer is called 疑似 (suspected):
    the center does not tell the public more than it knows."""
    trick = _TRICKS[fraud_type or FraudType.OTHER]
    masked = f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else number
    verdict = "疑似涉诈号码，请提高警惕" if suspected else "已被认定为涉诈号码"
    return (f"{SIGNATURE}您近期接触的号码 {masked} {verdict}。{trick}。"
            f"请勿转账汇款，如已转账请立即拨打 110 或 {HOTLINE}。")
