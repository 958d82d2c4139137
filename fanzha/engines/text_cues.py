"""Cue words (诈骗话术线索): groups of phrases that mean the same move in a fraud script.

A model that learns from characters and words learns only the phrasings it has seen. Scripts
change their wording all the time while their moves stay the same: ask for money in advance,
move the talk to QQ or WeChat, claim to be the police, promise easy money, hurry the victim.
Each group below names one move with the phrasings public anti-fraud material lists for it; a
text that contains any of them gets that group's feature, so what the model learns from one
phrasing carries over to the others. Groups for ordinary texts (verification codes, bank
notices, the anti-fraud center's own warnings, family chat) help the other way.

The phrases are matched on normalised text (``text_normalise``: simplified, no spaces or
punctuation, placeholders for links and numbers). A model learns each group's weight from the
center's data; nothing here decides on its own.
"""
from __future__ import annotations

from fanzha.engines.text_normalise import PLACEHOLDERS as P

CUES: dict[str, tuple[str, ...]] = {
    # the moves of fraud scripts
    "off_platform_contact": ("加qq", "加微信", "加v", "加q", "添加", "私聊", "私信", "加群", "进群", "拉你进",
                             "联系客服", "联系专员", "助理", "专员", "导师微信", "加好友", "扫码", "二维码",
                             "微信" + P["account_id"], "qq" + P["qq"], "加" + P["account_id"]),
    "link": (P["url"], "点击链接", "点击", "登录网址", "链接"),
    "install_app": ("下载", "安装", "注册", "app", "屏幕共享", "共享屏幕", "视频会议", "会议号", "腾讯会议",
                    "远程协助", "邀请码"),
    "pay_in_advance": ("保证金", "解冻费", "解冻金", "手续费", "税费", "激活费", "会员费", "刷流水", "验资",
                       "押金", "工本费", "定金", "垫付", "先交", "先付", "充值", "缴纳", "交纳", "认证费",
                       "服务费", "利息"),
    "move_money": ("转账", "汇款", "转入", "转到", "转至", "打款", "付款", "指定账户", "对公账户", "转出"),
    "safe_account": ("安全账户", "资金清查", "资金核查", "清查资金", "核查资金", "资金审查", "监管账户",
                     "资金保全"),
    "authority": ("公安", "警察", "民警", "警官", "检察", "法院", "通缉", "逮捕", "拘捕", "拘留", "传唤",
                  "办案", "案件", "立案", "涉嫌", "洗钱", "非法集资", "银保监", "金融监管",
                  "人民银行", "证监会", "网警", "刑警", "专案组", "犯罪"),
    "secrecy": ("不要告诉", "不让告诉", "保密", "不得透露", "泄露案情", "不要声张", "单独", "不能告诉"),
    "urgency": ("立即", "马上", "尽快", "今日内", "今天内", "逾期", "否则", "限时", "作废", "最后一天",
                "小时内", "速回", "紧急", "过期", "立刻", "火速"),
    "easy_money": ("日结", "日赚", "日入", "轻松", "躺赚", "稳赚", "零风险", "无风险", "高回报", "高收益",
                   "保本", "翻倍", "暴利", "内部消息", "内幕", "涨停", "带单", "导师", "老师带", "稳赚不赔",
                   "月入", "月赚", "收益", "赚钱", "回报"),
    "part_time_job": ("兼职", "刷单", "点赞", "返利", "返佣", "佣金", "做任务", "做单", "连单", "宝妈",
                      "学生党", "在家", "动动手指", "招聘", "招募", "打字员", "关注抖音", "抖音点赞"),
    "loan": ("贷款", "借款", "额度", "放款", "无抵押", "不看征信", "黑户", "秒批", "低息", "月息", "网贷",
             "下款", "借钱", "急用钱", "到账"),
    "credit_record": ("征信", "校园贷", "学生账户", "注销", "逾期记录", "修复", "信用", "花呗", "借呗",
                      "白条", "京东金条"),
    "refund_service": ("理赔", "退款", "赔付", "质量问题", "丢失", "会员", "自动续费", "扣费", "取消",
                       "百万保障", "售后", "退货", "快递", "包裹", "订单异常", "物流", "电商"),
    "claims_to_be_staff": ("客服", "工作人员", "自称", "官方", "冒充"),
    "investment": ("投资", "理财", "股票", "炒股", "基金", "期货", "数字货币", "虚拟币", "比特币", "usdt",
                   "外汇", "黄金", "私募", "交易所", "量化", "彩票", "博彩", "炒币", "老师", "晒收益"),
    "cheap_goods": ("低价", "原价", "现价", "内部渠道", "清仓", "一折", "代购", "门票", "代抢", "茅台",
                    "转让", "全新", "包邮", "特价"),
    "boss_or_friend": ("领导", "老板", "张总", "王总", "李总", "新号码", "换了号", "换号", "新微信",
                       "开会", "不方便接电话", "合作方", "帮我转", "办公室", "我是你"),
    "game_trade": ("游戏", "装备", "皮肤", "代充", "点券", "王者荣耀", "和平精英", "解封", "账号交易",
                   "游戏币", "买号", "卖号", "租号"),
    "romance": ("交友", "认识一下", "恋爱", "男朋友", "女朋友", "哥哥", "宝贝", "亲爱的", "婚恋", "相亲",
                "单身", "小姐姐", "美女", "网恋"),
    "prize_or_subsidy": ("中奖", "抽中", "幸运", "奖品", "领取", "补贴", "红包", "福利", "积分兑换", "免费领",
                         "恭喜", "礼品", "退税", "补助"),
    "identity_misuse": ("身份证", "冒用", "盗用", "被人冒", "社保卡", "医保卡", "银行卡", "名下"),
    "large_amount": (P["amount_large"],),
    # what ordinary texts say
    "verification_code": ("验证码", "请勿泄露", "切勿告诉", "勿告诉他人", "勿泄露", "分钟内有效", "校验码",
                          "动态码", P["number_otp"]),
    "account_notice": ("尾号", "余额", "账单", "以账户为准", "以实际为准", "交易", "支出", "收入", "消费",
                       "话费", "流量", "宽带", "取件码", "出票", "驿站", "营业厅", "回复"),
    "anti_fraud_warning": ("反诈", "谨防", "诈骗", "都是诈骗", "请勿点击", "提醒您", "不会电话要求",
                           "陌生链接", "陌生人", "防骗", "警惕", "国家反诈中心"),
    "family_chat": ("吃饭", "回家", "到家", "回来", "好的", "收到", "谢谢", "妈", "爸", "孩子", "老公", "老婆",
                    "周末", "明天", "晚上", "中午", "下班", "辛苦", "奶奶", "爷爷"),
    "signature": ("【",),
}


_GROUPS = list(CUES)
_SHORT: dict[str, int] = {}  # phrase of up to 3 characters -> bit set of its groups
_LONG: list[tuple[str, int]] = []  # longer phrases, checked one by one
for _i, _name in enumerate(_GROUPS):
    for _phrase in CUES[_name]:
        if len(_phrase) <= 3:
            _SHORT[_phrase] = _SHORT.get(_phrase, 0) | (1 << _i)
        else:
            _LONG.append((_phrase, 1 << _i))


def cues(normalised: str, grams: set[str] | None = None) -> list[str]:
    """The names of the cue groups whose phrases occur in a normalised text, in ``CUES`` order.

    ``grams``, if given, must be the set of the text's 1- to 3-character substrings (the
    featuriser has them already); it makes the look-up a set intersection.
    """
    if grams is None:
        n = len(normalised)
        grams = {normalised[i:i + k] for k in (1, 2, 3) for i in range(n - k + 1)}
    bits = 0
    for phrase in grams & _SHORT.keys():
        bits |= _SHORT[phrase]
    for phrase, bit in _LONG:
        if not bits & bit and phrase in normalised:
            bits |= bit
    return [name for i, name in enumerate(_GROUPS) if bits >> i & 1]
