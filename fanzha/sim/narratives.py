"""What victims tell the duty officer (简要案情), in their own words, by fraud type."""
from __future__ import annotations

import numpy as np

from fanzha.domain.fraud_type import FraudType as F

_STORIES: dict[F, tuple[str, ...]] = {
    F.ORDER_BRUSHING: (
        "{when}我收到一条兼职短信，说做点赞、刷单任务就能返佣金，我按对方要求加了QQ{qq}，下载了“{app}”。开始做了几单小任务确实返了钱，"
        "后来对方说要做“连单”任务，必须先垫付才能提现，我先后转账{n}笔共{total}，现在无法提现，对方也联系不上了。",
        "{when}有人发短信招兼职，说在家刷单日结，我下载了“{app}”按客服要求充值做任务，对方一直说任务没完成要继续充值，我一共转了{n}笔{total}，一分钱都没拿回来。",
    ),
    F.FAKE_INVESTMENT: (
        "{when}我被人拉进一个炒股群，群里的“老师”天天晒收益，让我在“{app}”平台投资，说稳赚不赔。我陆续往对方给的账户转了{n}笔共{total}，"
        "平台显示赚了很多，但提现时要交保证金和税费，我才发现被骗。",
        "{when}网上认识的朋友推荐我在“{app}”买数字货币理财，开始小额投了有收益，后来越投越多，前后转账{n}笔合计{total}，现在平台打不开了。",
    ),
    F.FAKE_LOAN: (
        "{when}我收到短信说可以无抵押贷款，下载了“{app}”申请，对方说我银行卡号填错、账户被冻结，要交解冻费才能放款，我先后转了{n}笔共{total}，贷款一直没到账。",
        "{when}我急着用钱，在“{app}”上申请贷款，客服（{phone}）说要先交保证金证明还款能力，我转了{n}笔{total}后对方又要手续费，我才反应过来。",
    ),
    F.FAKE_CUSTOMER_SERVICE: (
        "{when}我接到一个电话（{phone}），对方自称是快递客服，说我的包裹丢了要给我理赔，让我下载“{app}”开屏幕共享按他的指导操作，我转了{n}笔共{total}，后来发现钱被转走了。",
        "{when}一个自称电商平台客服的人打电话（{phone}）给我，说我开通了会员每月要扣费，要帮我关闭，让我按步骤操作，我一共转出{n}笔{total}。",
    ),
    F.FAKE_POLICE: (
        "{when}我接到一个自称是公安局民警的电话（{phone}），说我的身份证被人冒用，涉嫌一起洗钱案件，要对我的资金进行核查，不让我告诉家人，"
        "还让我看了网上的“通缉令”（{url}）。对方让我把钱转到“安全账户”配合调查，我在{channel}转了{n}笔共{total}，后来家人提醒我才知道被骗。",
        "{when}有个男的打电话（{phone}）说是检察院的，说我名下银行卡涉嫌非法集资，要冻结我的财产，让我把存款转到他们指定的账户“资金清查”，我转了{n}笔{total}。",
    ),
    F.FAKE_CREDIT: (
        "{when}对方打电话（{phone}）说我以前开通过校园贷账户，不注销会影响征信，让我下载“{app}”，说要把账户里的钱转出来清空额度，我转了{n}笔共{total}。",
        "{when}自称银保监会工作人员的人（{phone}）说我的征信有问题，要我配合把钱转到指定账户“刷流水”消除记录，我先后转了{n}笔{total}。",
    ),
    F.FAKE_SHOPPING: (
        "{when}我在网上看到有人低价卖东西，加了对方微信{wechat}，付款后对方又说要交定金和运费，我一共转了{n}笔{total}，对方收钱后就把我拉黑了，东西也没收到。",
        "{when}我通过链接{url}买演唱会门票，付了钱以后对方说系统卡单要重新付款，前后付了{n}笔共{total}，票一直没有给我。",
    ),
    F.FAKE_BOSS: (
        "{when}有人加我微信{wechat}，头像和名字都是我们单位领导，说在开会不方便接电话，让我先帮忙给合作方转一笔钱，我按他给的账号转了{n}笔共{total}，后来打电话给领导本人才知道被骗了。",
        "{when}我QQ收到“老板”的消息，让我马上给一个客户打款，我没多想就转了{n}笔{total}。",
    ),
    F.GAME_TRADING: (
        "{when}我在游戏里认识一个人说要买我的游戏账号，让我到“{app}”平台交易，后来说我的账户被冻结要交解冻金，我转了{n}笔共{total}。",
        "{when}我在QQ群看到有人卖便宜的游戏皮肤，加了QQ{qq}，付款{n}笔共{total}后对方就不回消息了。",
    ),
    F.ROMANCE: (
        "{when}我在网上认识了一个人，聊了一段时间后确定了恋爱关系，对方说有内部渠道投资赚钱，带我在“{app}”上投资，我前后转了{n}笔共{total}，现在平台无法提现，对方也联系不上了。",
        "{when}我在交友软件上认识一个女的，加了微信{wechat}，她说家里出事急需用钱，我陆续转给她{n}笔共{total}，后来她把我删了。",
    ),
    F.OTHER: (
        "{when}我收到短信说我的ETC需要重新认证，点了链接{url}后按提示输入了银行卡信息和验证码，随后被转走{n}笔共{total}。",
        "{when}我接到电话（{phone}）说我中奖了，要先交税费才能领奖，我转了{n}笔{total}。",
    ),
}


def yuan_words(fen: int) -> str:
    """How people say a sum: 12800元, 3.5万元."""
    yuan = fen // 100
    if yuan >= 10_000:
        return f"{yuan / 10_000:.4g}万元"
    return f"{yuan}元"


def narrative(rng: np.random.Generator, fraud_type: F, *, when: str, phone: str, contacts: dict[str, str],
              payments: int, total_fen: int, channel: str) -> str:
    story = str(rng.choice(_STORIES[fraud_type]))
    slots = {"when": when, "phone": phone or "对方号码我没记住", "n": payments, "total": yuan_words(total_fen),
             "channel": channel, "app": contacts.get("app", "一个APP"), "qq": contacts.get("qq", "（没记住）"),
             "wechat": contacts.get("wechat", "（已被删除）"), "url": contacts.get("url", "一个链接")}
    opener = str(rng.choice(["", "报警人称：", "我要报案，", "我被骗了。"]))
    return opener + story.format(**slots)
