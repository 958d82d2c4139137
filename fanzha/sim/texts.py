"""SMS texts: everyday messages, service notices and, per fraud type, the gangs' lures.

A later text classifier trains on these, so fraud texts vary (slots for links, QQ numbers,
amounts, names) and ordinary texts include the hard cases: bank notices, verification codes and
the anti-fraud center's own warnings, which use the same words as the lures.
"""
from __future__ import annotations

from string import Formatter

import numpy as np

from fanzha.domain.fraud_type import FraudType as F

PERSONAL = (
    "晚上回来吃饭吗？", "我到楼下了，你下来吧", "明天早上八点在公司门口集合", "妈，我这周末回家", "记得带伞，今天有雨",
    "快递放门卫了，下班记得拿", "开会改到下午三点", "好的，收到", "钱已经转你了，查收一下", "孩子发烧了，我先请个假",
    "路上堵车，晚十分钟到", "生日快乐！", "周六去爬九华山吗", "报表我发你邮箱了", "帮我带一瓶酱油", "到家了吗",
    "今天加班，不用等我吃饭", "爸的药买了吗", "明天降温，多穿点", "好的，谢谢", "在忙，稍后回电", "周日喝喜酒别忘了",
    "车停在医院地下车库B2", "家长会是周五下午两点", "你先睡吧", "上次借你的书还在我这", "电费交了没", "中午一起吃饭？",
    "辛苦了", "客户那边说下周签合同", "老地方见", "奶奶说想你了", "我在木兰溪边散步", "明天的高铁票买好了",
)
# (sender short code, text template); {n} digits, {a} an amount, {t} a time
SERVICE = (
    (10086, "【中国移动】尊敬的客户，您本月话费账单已出，消费{a}元，详情请登录APP查询。"),
    (10010, "【中国联通】您的流量已使用80%，如需加餐可回复LLB办理。"),
    (10000, "【中国电信】您的宽带将于月底到期，续费请到营业厅或登录APP。"),
    (95588, "【工商银行】您尾号{n4}卡{t}快捷支付支出{a}元，余额以账户为准。"),
    (95599, "【农业银行】您尾号{n4}账户{t}完成代付交易人民币{a}，余额以实际为准。"),
    (95533, "【建设银行】您尾号{n4}的储蓄卡{t}消费{a}元。"),
    (95580, "【邮储银行】您尾号{n4}账户{t}转入{a}元。"),
    (1069010, "【美团】验证码{n6}，5分钟内有效，请勿泄露给他人。"),
    (1069020, "【京东】您的订单已由顺丰快递配送，取件码{n4}，请及时领取。"),
    (1069030, "【菜鸟驿站】您的包裹已到东圳路驿站，凭取件码{n4}领取。"),
    (1069040, "【12306】您购买的{t}莆田站至福州站D{n4}次车票已出票，请按时乘车。"),
    (1069050, "【支付宝】验证码{n6}，您正在登录，切勿告诉他人。"),
    (12381, "【国家反诈中心】您正遭遇诈骗风险，请勿向陌生人转账，公检法不会电话要求转账，如有疑问请拨打96110。"),
    (12381, "【莆田市反诈中心】刷单返利都是诈骗，凡是要求先垫付资金的兼职都是诈骗，请勿点击陌生链接。"),
    (12381, "【反诈提醒】冒充客服说要退款、注销校园贷的都是诈骗，请下载国家反诈中心APP。"),
    (1069060, "【莆田医保】您的医保个人账户{t}到账{a}元。"),
)

_LURES: dict[F, tuple[str, ...]] = {
    F.ORDER_BRUSHING: (
        "日结兼职，手机点赞返佣，每单{small}元，当天结算，加QQ{qq}详询",
        "【招聘】宝妈学生党在家动动手指日赚{mid}元，下载{url}注册即送{small}元",
        "急招网络兼职，刷单返利佣金{pct}%，不收任何费用，联系Q{qq}",
        "您好，淘宝店铺招点赞员，关注抖音账号即得{small}元，详情请加{wechat}",
        "在家就能做的兼职，做任务返本金加佣金，日入{mid}+，APP：{app} 下载：{url}",
    ),
    F.FAKE_INVESTMENT: (
        "内部消息：明日涨停股已锁定，导师带单稳赚不赔，加群{qq}免费领取",
        "【{app}】数字货币量化交易，日收益{pct}%，新人首投送{small}元，{url}",
        "恭喜您获得私募基金内测名额，高回报零风险，添加助理微信{wechat}",
        "黄金期货新平台上线，老师一对一指导，月赚{big}不是梦，注册{url}",
    ),
    F.FAKE_LOAN: (
        "【{app}】您已获得{big}元借款额度，最低月息0.3%，无需抵押，点击{url}领取",
        "不看征信，黑户也能贷，当天放款{big}元，联系客服{wechat}",
        "您的贷款申请已通过，需缴纳{small}元保证金解冻，详询{url}",
        "急用钱找{app}，身份证即可借{big}元，极速到账，{url}",
    ),
    F.FAKE_CUSTOMER_SERVICE: (
        "【快递理赔】您的包裹在运输中丢失，我司将按三倍赔付{mid}元，请点击{url}办理",
        "【淘宝客服】您购买的商品质量有问题，现为您办理退款{mid}元，请添加{qq}",
        "您开通的百万保障即将扣费{mid}元/月，如需取消请联系客服{wechat}",
        "【抖音】您的会员将自动续费{mid}元，关闭请点击{url}",
    ),
    F.FAKE_POLICE: (
        "【公安局】您涉嫌一起洗钱案件，请于今日内配合调查，案件查询{url}，否则将冻结您名下账户",
        "您的身份证在外地被冒用开户涉嫌非法集资，请立即联系办案民警，通缉令查询：{url}",
        "【检察院】您名下银行卡涉嫌洗钱{big}元，需将资金转入安全账户核查，咨询{qq}",
        "您的社保卡涉嫌违规套现，将移交公安机关处理，请速回电核实",
    ),
    F.FAKE_CREDIT: (
        "【征信中心】您的大学生账户未注销，将影响个人征信，请下载{app}办理：{url}",
        "您的征信有逾期记录，可协助修复，联系专员{wechat}",
        "根据银保监会通知，校园贷账户须在今日注销，否则上报征信，详询{qq}",
    ),
    F.FAKE_SHOPPING: (
        "低价转让全新iPhone，原价{big}现价{mid}，加微信{wechat}",
        "茅台酒内部渠道价{mid}元一瓶，数量有限，联系{wechat}",
        "演唱会门票内部票{mid}元，可代抢，加QQ{qq}",
        "【清仓】品牌鞋一折起，下单链接{url}",
    ),
    F.FAKE_BOSS: (
        "我是你们领导，换了新号码，明天到我办公室一趟，先加我QQ{qq}",
        "小王，我在开会不方便接电话，帮我先给合作方转{big}元，账号发你",
        "我是张总，这是我新微信{wechat}，加一下，有事交代",
    ),
    F.GAME_TRADING: (
        "高价回收游戏账号装备，王者荣耀账号秒到账，认准{url}",
        "游戏皮肤低价代充，全网最低，联系Q{qq}",
        "【{app}】您出售的游戏账号已被买家下单，请登录{url}提现",
    ),
    F.ROMANCE: (
        "你好呀，我是在交友软件上看到你的资料，想认识一下，可以加个微信吗{wechat}",
        "哥哥，我在海外做跨境电商，有个稳赚的平台带你一起，{url}",
        "在吗？我是上次群里认识的小雅，加我{wechat}聊聊",
    ),
    F.OTHER: (
        "【ETC】您的ETC认证已失效，请点击{url}重新认证",
        "【医保】您的医保卡即将失效，请登录{url}完成年审",
        "恭喜您被抽中幸运用户，奖品价值{big}元，领取请联系{qq}",
        "您有一笔补贴{mid}元待领取，逾期作废，{url}",
    ),
}


_SLOTS = {
    "n4": lambda rng: f"{rng.integers(0, 10_000):04d}",
    "n6": lambda rng: f"{rng.integers(0, 1_000_000):06d}",
    "a": lambda rng: f"{rng.integers(100, 50_000) / 100:.2f}",
    "t": lambda rng: f"{rng.integers(1, 13)}月{rng.integers(1, 29)}日",
    "small": lambda rng: str(int(rng.choice([5, 8, 10, 15, 20, 30, 50]))),
    "mid": lambda rng: str(int(rng.choice([200, 300, 500, 800, 1000, 1500, 2000, 3000]))),
    "big": lambda rng: str(int(rng.choice([10_000, 20_000, 50_000, 80_000, 100_000, 200_000]))),
    "pct": lambda rng: str(int(rng.integers(3, 30))),
}


def _fill(rng: np.random.Generator, template: str, slots: dict[str, str]) -> str:
    """Fill a template's {slots}: given ones from ``slots``, the rest drawn at random."""
    names = [name for _, name, _, _ in Formatter().parse(template) if name]
    return template.format(**{n: slots[n] if n in slots else _SLOTS[n](rng) for n in names})


def ordinary_pool(rng: np.random.Generator, size: int = 1_000) -> tuple[list[str], np.ndarray]:
    """Everyday texts: personal ones (sender 0) and service notices (sender = short code)."""
    texts = list(PERSONAL)
    senders = [0] * len(PERSONAL)
    for _ in range(size):
        code, template = SERVICE[int(rng.integers(0, len(SERVICE)))]
        texts.append(_fill(rng, template, {}))
        senders.append(code)
    return texts, np.array(senders, dtype=np.int64)


def lure_pool(rng: np.random.Generator, fraud_type: F, contacts: dict[str, list[str]], size: int = 80) -> list[str]:
    """A gang's own lures, naming its links, apps, QQ and WeChat accounts."""
    templates = _LURES[fraud_type]
    out = []
    for _ in range(size):
        slots = {k: str(rng.choice(v)) for k, v in contacts.items() if v}
        out.append(_fill(rng, templates[int(rng.integers(0, len(templates)))], slots))
        if rng.random() < 0.3:
            out[-1] = "【通知】" + out[-1]
        if rng.random() < 0.3:
            out[-1] += "，回T退订"
    return out
